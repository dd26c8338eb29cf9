import { describe, it } from 'vitest';
import type { Command } from '#domain/commands';
import { foldEvents } from '#domain/state';
import {
  asSystem,
  asUser,
  at,
  decideOk,
  deviceFor,
  given,
  passkeyFor,
  T0,
  tenant,
  World,
} from '#domain/test-support';
import { addDays } from '#domain/time';

describe('invites', () => {
  const base = World.setUp();
  const created = [...base.events];
  const invite: Command = {
    type: 'CreateInvite',
    administrativeUnitId: null,
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
            administrativeUnitId: null,
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
          user: {
            id: 'grace',
            displayName: 'Grace',
            status: 'active',
            createdAt: at(10),
            breakGlass: false,
          },
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
