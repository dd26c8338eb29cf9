import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from './catalogue';
import type { Command, UserCommand } from './commands';
import { decide, requiresPasskeyConfirmation } from './decide';
import { foldEvents } from './state';
import {
  activate,
  asSystem,
  assign,
  asUser,
  at,
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
