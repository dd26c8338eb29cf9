import { describe, expect, it } from 'vitest';
import type { Command } from './commands';
import { decide } from './decide';
import { foldEvents } from './state';
import { activate, asSystem, asUser, at, given, T0, tenant, World } from './test-support';

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
    state.users['ada'] = {
      id: 'ada',
      displayName: 'Ada',
      status: 'active',
      createdAt: T0,
      breakGlass: false,
    };
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
