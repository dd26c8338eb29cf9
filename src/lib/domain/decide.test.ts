import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from './catalogue';
import type { Command, UserCommand } from './commands';
import { decide, dueWork, nextDueAt, requiresPasskeyConfirmation } from './decide';
import { applyEvent, foldEvents } from './state';
import {
  activate,
  asSystem,
  assign,
  asUser,
  at,
  decideOk,
  deviceFor,
  given,
  passkeyFor,
  T0,
  tenant,
  withSettings,
  World,
} from './test-support';
import { addDays } from './time';

const GA = ROLE_IDS.GlobalAdministrator;
const PRA = ROLE_IDS.PrivilegedRoleAdministrator;
const SR = ROLE_IDS.SecurityReader;

describe('who may send what', () => {
  const w = tenant();

  it('refuses user commands from the system and from unknown users', () => {
    given(w.events)
      .when(activate(), asSystem(at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(activate(), asUser('nobody', at(1)))
      .thenRejects('not-authorized');
  });

  it('refuses user commands from a disabled user', () => {
    const disabled = w.state;
    // Grace must exist and be active first, or this would only repeat the unknown-user case.
    expect(disabled.users['grace']).toMatchObject({ status: 'active' });
    disabled.users['grace'] = { ...disabled.users['grace']!, status: 'disabled' };
    expect(decide(activate(), disabled, asUser('grace', at(1)))).toMatchObject({
      ok: false,
      rejection: { code: 'not-authorized' },
    });
  });

  it('refuses relay commands from users', () => {
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'x' }, asUser('ada', at(1)))
      .thenRejects('not-authorized');
    given([]).when(World.setupCommand(), asUser('ada')).thenRejects('not-authorized');
  });

  it('needs setup first', () => {
    given([])
      .when({ type: 'ExpireAssignment', assignmentId: 'x' }, asSystem())
      .thenRejects('setup-not-done');
    const state = foldEvents([]);
    state.users['ada'] = { id: 'ada', displayName: 'Ada', status: 'active', createdAt: T0 };
    expect(decide(activate(), state, asUser('ada'))).toMatchObject({
      ok: false,
      rejection: { code: 'setup-not-done' },
    });
  });

  it('answers a command type it does not know', () => {
    const bogus = { type: 'LaunchMissiles' } as unknown as Command;
    expect(decide(bogus, w.state, asUser('ada', at(1)))).toMatchObject({
      ok: false,
      rejection: { code: 'unknown-command-type' },
    });
  });
});

describe('CompleteSetup', () => {
  it('creates the bootstrap Global Administrator', () => {
    given([])
      .when(World.setupCommand(), asSystem(T0))
      .then([
        { type: 'SetupCompleted', at: T0 },
        {
          type: 'UserCreated',
          user: { id: 'ada', displayName: 'Ada', status: 'active', createdAt: T0 },
        },
        {
          type: 'PasskeyRegistered',
          passkey: { ...passkeyFor('ada'), userId: 'ada', registeredAt: T0 },
        },
        {
          type: 'DeviceEnrolled',
          device: { ...deviceFor('ada'), userId: 'ada', enrolledAt: T0, revokedAt: null },
        },
        {
          type: 'RoleAssigned',
          assignment: {
            id: 'bootstrap-ada',
            principalId: 'ada',
            roleId: GA,
            type: 'active',
            startsAt: T0,
            endsAt: null,
            createdAt: T0,
            createdBy: 'system',
            justification: 'Bootstrap administrator created at setup',
            status: 'current',
            removedAt: null,
          },
        },
      ]);
  });

  it('happens once', () => {
    given(World.setUp().events)
      .when(World.setupCommand('eve'), asSystem(at(1)))
      .thenRejects('setup-already-done');
  });

  it('refuses a blank name or an unusable id', () => {
    given([])
      .when({ ...World.setupCommand(), displayName: '   ' }, asSystem())
      .thenRejects('invalid-value');
    given([]).when(World.setupCommand('__proto__'), asSystem()).thenRejects('invalid-value');
  });
});

describe('invites', () => {
  const base = World.setUp();
  const created = [...base.events];
  const invite: Command = {
    type: 'CreateInvite',
    inviteId: 'i1',
    tokenHash: 'h1',
    displayName: '  Grace  ',
  };
  created.push(...decideOk(invite, foldEvents(created), asUser('ada', T0)));
  const accept = (over: Partial<Extract<Command, { type: 'AcceptInvite' }>> = {}): Command => ({
    type: 'AcceptInvite',
    inviteId: 'i1',
    tokenHash: 'h1',
    userId: 'grace',
    displayName: 'Grace',
    passkey: passkeyFor('grace'),
    device: deviceFor('grace'),
    ...over,
  });

  it('CreateInvite expires in 7 days and trims the name', () => {
    given(base.events)
      .when(invite, asUser('ada', T0))
      .then([
        {
          type: 'InviteCreated',
          invite: {
            id: 'i1',
            tokenHash: 'h1',
            displayName: 'Grace',
            createdBy: 'ada',
            createdAt: T0,
            expiresAt: addDays(T0, 7),
            acceptedBy: null,
            acceptedAt: null,
            revokedAt: null,
          },
        },
      ]);
  });

  it('CreateInvite needs manage-users, a name of 1–100 characters and a new id', () => {
    const w = tenant();
    given(w.events)
      .when({ ...invite, inviteId: 'i9' }, asUser('grace', at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when({ ...invite, displayName: ' ' }, asUser('ada', at(1)))
      .thenRejects('invalid-value');
    given(w.events)
      .when({ ...invite, displayName: 'x'.repeat(100) }, asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when({ ...invite, displayName: 'x'.repeat(101) }, asUser('ada', at(1)))
      .thenRejects('invalid-value');
    given(created)
      .when(invite, asUser('ada', at(1)))
      .thenRejects('duplicate-id');
  });

  it('AcceptInvite creates the user with their passkey and device', () => {
    given(created)
      .when(accept(), asSystem(at(10)))
      .then([
        {
          type: 'UserCreated',
          user: { id: 'grace', displayName: 'Grace', status: 'active', createdAt: at(10) },
        },
        {
          type: 'PasskeyRegistered',
          passkey: { ...passkeyFor('grace'), userId: 'grace', registeredAt: at(10) },
        },
        {
          type: 'DeviceEnrolled',
          device: { ...deviceFor('grace'), userId: 'grace', enrolledAt: at(10), revokedAt: null },
        },
        { type: 'InviteAccepted', inviteId: 'i1', userId: 'grace', at: at(10) },
      ]);
  });

  it('AcceptInvite refuses a wrong secret like a missing invite', () => {
    given(created)
      .when(accept({ tokenHash: 'guess' }), asSystem(at(1)))
      .thenRejects('unknown-invite');
    given(created)
      .when(accept({ inviteId: 'i2' }), asSystem(at(1)))
      .thenRejects('unknown-invite');
  });

  it('AcceptInvite at exactly expiresAt is too late', () => {
    const expiresAt = addDays(T0, 7);
    given(created).when(accept(), asSystem('2026-03-09T08:59:59.999Z')).thenAccepts();
    given(created).when(accept(), asSystem(expiresAt)).thenRejects('invite-expired');
  });

  it('AcceptInvite refuses used and revoked invites, and taken ids', () => {
    const used = [...created, ...decideOk(accept(), foldEvents(created), asSystem(at(1)))];
    given(used)
      .when(accept({ userId: 'g2' }), asSystem(at(2)))
      .thenRejects('invite-used');
    const revoked = [...created, { type: 'InviteRevoked', inviteId: 'i1', at: at(1) } as const];
    given(revoked)
      .when(accept(), asSystem(at(2)))
      .thenRejects('invite-revoked');
    given(created)
      .when(accept({ userId: 'ada' }), asSystem(at(1)))
      .thenRejects('duplicate-id');
    given(created)
      .when(accept({ device: deviceFor('ada') }), asSystem(at(1)))
      .thenRejects('duplicate-id');
    given(created)
      .when(accept({ passkey: passkeyFor('ada') }), asSystem(at(1)))
      .thenRejects('duplicate-id');
  });

  it('RevokeInvite withdraws an open invite once', () => {
    given(created)
      .when({ type: 'RevokeInvite', inviteId: 'i1' }, asUser('ada', at(1)))
      .then([{ type: 'InviteRevoked', inviteId: 'i1', at: at(1) }]);
    given(created)
      .when({ type: 'RevokeInvite', inviteId: 'nope' }, asUser('ada', at(1)))
      .thenRejects('unknown-invite');
    const revoked = [...created, { type: 'InviteRevoked', inviteId: 'i1', at: at(1) } as const];
    given(revoked)
      .when({ type: 'RevokeInvite', inviteId: 'i1' }, asUser('ada', at(2)))
      .thenRejects('invite-revoked');
    const used = [...created, ...decideOk(accept(), foldEvents(created), asSystem(at(1)))];
    given(used)
      .when({ type: 'RevokeInvite', inviteId: 'i1' }, asUser('ada', at(2)))
      .thenRejects('invite-used');
    given(used)
      .when({ type: 'RevokeInvite', inviteId: 'i1' }, asUser('grace', at(2)))
      .thenRejects('not-authorized');
  });
});

describe('EnrolDevice', () => {
  const w = tenant();
  const enrol = (over: Partial<Extract<Command, { type: 'EnrolDevice' }>> = {}): Command => ({
    type: 'EnrolDevice',
    userId: 'grace',
    credentialId: 'cred-grace',
    device: deviceFor('grace', 2),
    ...over,
  });

  it('enrols a second device with the user’s own passkey', () => {
    given(w.events)
      .when(enrol(), asSystem(at(1)))
      .then([
        {
          type: 'DeviceEnrolled',
          device: { ...deviceFor('grace', 2), userId: 'grace', enrolledAt: at(1), revokedAt: null },
        },
      ]);
  });

  it('refuses unknown users, someone else’s passkey and taken ids', () => {
    given(w.events)
      .when(enrol({ userId: 'nobody' }), asSystem(at(1)))
      .thenRejects('unknown-user');
    given(w.events)
      .when(enrol({ credentialId: 'cred-ada' }), asSystem(at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(enrol({ credentialId: 'cred-nope' }), asSystem(at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(enrol({ device: deviceFor('ada') }), asSystem(at(1)))
      .thenRejects('duplicate-id');
  });
});

describe('CreateRole', () => {
  const w = tenant();
  const create = (over: Partial<Extract<Command, { type: 'CreateRole' }>> = {}): Command => ({
    type: 'CreateRole',
    roleId: 'helpdesk',
    name: ' Helpdesk ',
    description: 'First-line support',
    ...over,
  });

  it('creates a custom directory role', () => {
    given(w.events)
      .when(create(), asUser('ada', at(1)))
      .then([
        {
          type: 'RoleCreated',
          role: {
            id: 'helpdesk',
            name: 'Helpdesk',
            description: 'First-line support',
            kind: 'directory',
            builtIn: false,
            createdAt: at(1),
          },
        },
      ]);
  });

  it('needs manage-roles and valid text', () => {
    given(w.events)
      .when(create(), asUser('grace', at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(create({ name: '' }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
    given(w.events)
      .when(create({ name: 'n'.repeat(101) }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
    given(w.events)
      .when(create({ description: 'd'.repeat(500) }), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(create({ description: 'd'.repeat(501) }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
  });

  it('refuses taken ids and names, built-in ones too', () => {
    const events = [...w.events, ...decideOk(create(), w.state, asUser('ada', at(1)))];
    given(events)
      .when(create({ name: 'Other' }), asUser('ada', at(2)))
      .thenRejects('duplicate-id');
    given(events)
      .when(create({ roleId: GA, name: 'Other' }), asUser('ada', at(2)))
      .thenRejects('duplicate-id');
    given(events)
      .when(create({ roleId: 'h2', name: 'HELPDESK' }), asUser('ada', at(2)))
      .thenRejects('role-name-taken');
    given(events)
      .when(create({ roleId: 'ga2', name: 'global administrator' }), asUser('ada', at(2)))
      .thenRejects('role-name-taken');
  });
});

describe('RevokeDevice', () => {
  const w = tenant();
  const revoke = (deviceId: string): Command => ({ type: 'RevokeDevice', deviceId });

  it('lets anyone revoke their own device, and a Global Administrator anyone’s', () => {
    given(w.events)
      .when(revoke('device-grace'), asUser('grace', at(1)))
      .then([{ type: 'DeviceRevoked', deviceId: 'device-grace', at: at(1) }]);
    given(w.events)
      .when(revoke('device-grace'), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(revoke('device-ada'), asUser('grace', at(1)))
      .thenRejects('not-authorized');
  });

  it('refuses unknown and already revoked devices', () => {
    given(w.events)
      .when(revoke('nope'), asUser('grace', at(1)))
      .thenRejects('unknown-device');
    const revoked = [
      ...w.events,
      { type: 'DeviceRevoked', deviceId: 'device-grace', at: at(1) } as const,
    ];
    given(revoked)
      .when(revoke('device-grace'), asUser('grace', at(2)))
      .thenRejects('already-ended');
  });
});

describe('expiry', () => {
  function scheduled() {
    const w = tenant();
    w.assign('b1', 'grace', PRA, 'eligible', { endsAt: at(60) });
    w.activate('act1', 'e1', 'grace', at(1), 30);
    w.activate('act2', 'b1', 'grace', at(10), 120);
    return w;
  }

  it('ExpireActivation records the real end time', () => {
    const w = scheduled();
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'act1' }, asSystem(at(31)))
      .then([{ type: 'ActivationExpired', activationId: 'act1', at: at(31) }]);
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'act1' }, asSystem(at(45)))
      .then([{ type: 'ActivationExpired', activationId: 'act1', at: at(31) }]);
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'act1' }, asSystem(at(30)))
      .thenRejects('not-active');
    given(w.events)
      .when({ type: 'ExpireActivation', activationId: 'nope' }, asSystem(at(30)))
      .thenRejects('unknown-activation');
  });

  it('ExpireAssignment also expires what was activated from it', () => {
    const w = scheduled();
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'b1' }, asSystem(at(70)))
      .then([
        { type: 'AssignmentExpired', assignmentId: 'b1', at: at(60) },
        { type: 'ActivationExpired', activationId: 'act2', at: at(60) },
      ]);
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'b1' }, asSystem(at(59)))
      .thenRejects('not-active');
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'e1' }, asSystem(at(59)))
      .thenRejects('not-active');
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'nope' }, asSystem(at(59)))
      .thenRejects('unknown-assignment');
  });

  it('dueWork lists what has ended, activations first, and all of it is accepted', () => {
    const w = scheduled();
    expect(nextDueAt(w.state)).toBe(at(31));
    expect(dueWork(w.state, at(30))).toEqual([]);
    expect(dueWork(w.state, at(31))).toEqual([{ type: 'ExpireActivation', activationId: 'act1' }]);
    const due = dueWork(w.state, at(60));
    expect(due).toEqual([
      { type: 'ExpireActivation', activationId: 'act1' },
      { type: 'ExpireActivation', activationId: 'act2' },
      { type: 'ExpireAssignment', assignmentId: 'b1' },
    ]);
    const state = w.state;
    for (const command of due) {
      for (const event of decideOk(command, state, asSystem(at(60)))) applyEvent(state, event);
    }
    expect(dueWork(state, at(60))).toEqual([]);
    expect(nextDueAt(state)).toBeNull();
  });
});

describe('requiresPasskeyConfirmation', () => {
  const w = tenant();
  it('follows the role settings', () => {
    const state = withSettings(w.events, PRA, {
      requirePasskeyOnActiveAssignment: true,
      requirePasskeyOnActivation: false,
    });
    const check = (c: UserCommand) => requiresPasskeyConfirmation(c, state, at(1));
    expect(check(activate() as UserCommand)).toBe(true);
    expect(check(activate({ assignmentId: 'nope' }) as UserCommand)).toBe(false);
    expect(check(assign({ roleId: PRA, assignmentType: 'active' }) as UserCommand)).toBe(true);
    expect(check(assign({ roleId: PRA, assignmentType: 'eligible' }) as UserCommand)).toBe(false);
    expect(check(assign({ roleId: SR, assignmentType: 'active' }) as UserCommand)).toBe(false);
    expect(check({ type: 'DeactivateRole', activationId: 'x' })).toBe(false);
  });
});
