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
  given,
  T0,
  tenant,
  withSettings,
  World,
} from './test-support';

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
