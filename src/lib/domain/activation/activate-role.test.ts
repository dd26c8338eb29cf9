import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { decide } from '#domain/decide';
import {
  activate,
  assign,
  asUser,
  at,
  given,
  T0,
  tenant,
  tenantWithBounded,
  withSettings,
  World,
} from '#domain/test-support';

const SR = ROLE_IDS.SecurityReader;

describe('ActivateRole', () => {
  const w = tenant();
  const ctx = (minutes: number, passkey = true) => asUser('grace', at(minutes), { passkey });

  it('starts an activation now, for the requested duration', () => {
    given(w.events)
      .when(activate({ ticket: { system: ' Jira ', number: ' SEC-1 ' } }), ctx(1))
      .then([
        {
          type: 'ActivationStarted',
          activation: {
            id: 'act1',
            assignmentId: 'e1',
            principalId: 'grace',
            roleId: SR,
            startsAt: at(1),
            endsAt: at(61),
            requestedAt: at(1),
            justification: 'Investigating incident 42',
            ticket: { system: 'Jira', number: 'SEC-1' },
            status: 'active',
            endedAt: null,
          },
        },
      ]);
  });

  it('ends no later than the eligible assignment', () => {
    const events = given(tenantWithBounded())
      .when(activate({ assignmentId: 'b1', durationMinutes: 120 }), ctx(30))
      .thenAccepts();
    expect(events[0]).toMatchObject({ activation: { endsAt: at(60) } });
  });

  it('refuses missing, foreign, active-type and removed assignments', () => {
    given(w.events)
      .when(activate({ assignmentId: 'nope' }), ctx(1))
      .thenRejects('unknown-assignment');
    given(w.events)
      .when(activate(), asUser('ada', at(1)))
      .thenRejects('not-eligible');
    given(w.events)
      .when(activate({ assignmentId: 'bootstrap-ada' }), asUser('ada', at(1)))
      .thenRejects('not-eligible');
    const removed = [
      ...w.events,
      { type: 'AssignmentRemoved', assignmentId: 'e1', at: at(6) } as const,
    ];
    given(removed).when(activate(), ctx(7)).thenRejects('not-eligible');
  });

  it('refuses before the assignment starts and after it ends', () => {
    const future = World.setUp();
    future.addUser('grace', 'Grace');
    future.run(assign({ assignmentId: 'f1', startsAt: at(30), endsAt: at(90) }), asUser('ada', T0));
    given(future.events)
      .when(activate({ assignmentId: 'f1' }), ctx(29))
      .thenRejects('assignment-not-started');
    given(future.events)
      .when(activate({ assignmentId: 'f1' }), ctx(30))
      .thenAccepts();
    given(future.events)
      .when(activate({ assignmentId: 'f1' }), ctx(90))
      .thenRejects('assignment-ended');
  });

  it('refuses a second activation of the same assignment while one is active', () => {
    const active = tenant();
    active.activate('act1', 'e1', 'grace', at(1), 60);
    given(active.events)
      .when(activate({ activationId: 'act2' }), ctx(30))
      .thenRejects('already-active');
    given(active.events)
      .when(activate({ activationId: 'act2' }), ctx(61))
      .thenAccepts();
    given(active.events).when(activate(), ctx(61)).thenRejects('duplicate-id');
  });

  it('allows exactly 5 minutes and exactly the maximum, not less or more', () => {
    given(w.events)
      .when(activate({ durationMinutes: 5 }), ctx(1))
      .thenAccepts();
    given(w.events)
      .when(activate({ durationMinutes: 4 }), ctx(1))
      .thenRejects('below-min-duration');
    given(w.events)
      .when(activate({ durationMinutes: 4.99999 }), ctx(1))
      .thenRejects('below-min-duration');
    given(w.events)
      .when(activate({ durationMinutes: 60.5 }), ctx(1))
      .thenRejects('below-min-duration');
    given(w.events)
      .when(activate({ durationMinutes: Number.NaN }), ctx(1))
      .thenRejects('below-min-duration');
    given(w.events)
      .when(activate({ durationMinutes: 480 }), ctx(1))
      .thenAccepts();
    given(w.events)
      .when(activate({ durationMinutes: 481 }), ctx(1))
      .thenRejects('exceeds-max-duration');
  });

  it('needs a justification of at most 500 characters', () => {
    given(w.events)
      .when(activate({ justification: '  ' }), ctx(1))
      .thenRejects('justification-required');
    given(w.events)
      .when(activate({ justification: 'j'.repeat(500) }), ctx(1))
      .thenAccepts();
    given(w.events)
      .when(activate({ justification: 'j'.repeat(501) }), ctx(1))
      .thenRejects('invalid-value');
    const optional = withSettings(w.events, SR, { requireJustification: false });
    expect(decide(activate({ justification: '' }), optional, ctx(1)).ok).toBe(true);
  });

  it('needs a complete ticket when the role says so', () => {
    const state = withSettings(w.events, SR, { requireTicket: true });
    const code = (ticket: { system: string; number: string } | null) => {
      const d = decide(activate({ ticket }), state, ctx(1));
      return d.ok ? 'accepted' : d.rejection.code;
    };
    expect(code(null)).toBe('ticket-required');
    expect(code({ system: 'Jira', number: ' ' })).toBe('ticket-required');
    expect(code({ system: '', number: 'SEC-1' })).toBe('ticket-required');
    expect(code({ system: 'Jira', number: 'SEC-1' })).toBe('accepted');
    expect(code({ system: 'Jira', number: '1'.repeat(101) })).toBe('invalid-value');
  });

  it('needs a passkey confirmation unless the role waives it', () => {
    given(w.events).when(activate(), ctx(1, false)).thenRejects('confirmation-required');
    const waived = withSettings(w.events, SR, { requirePasskeyOnActivation: false });
    expect(decide(activate(), waived, ctx(1, false)).ok).toBe(true);
  });

  it('asks for approval instead when the role requires it, after every other check', () => {
    const state = withSettings(w.events, SR, { requireApproval: true });
    const d = decide(activate(), state, ctx(1));
    expect(d).toMatchObject({
      ok: true,
      events: [
        { type: 'ActivationRequested', request: { id: 'req_act1', status: 'PendingApproval' } },
      ],
    });
    const code = (command: Command, context = ctx(1)) => {
      const r = decide(command, state, context);
      return r.ok ? 'accepted' : r.rejection.code;
    };
    expect(code(activate({ durationMinutes: 481 }))).toBe('exceeds-max-duration');
    expect(code(activate({ justification: '' }))).toBe('justification-required');
    expect(code(activate(), ctx(1, false))).toBe('confirmation-required');
    expect(code(activate(), asUser('ada', at(1)))).toBe('not-eligible');
  });
});

describe('DeactivateRole', () => {
  const w = tenant();
  w.activate('act1', 'e1', 'grace', at(1), 60);
  const deactivate: Command = { type: 'DeactivateRole', activationId: 'act1' };

  it('ends the activation from 5 minutes after it started', () => {
    given(w.events)
      .when(deactivate, asUser('grace', '2026-03-02T09:05:59.999Z'))
      .thenRejects('too-early-to-deactivate');
    given(w.events)
      .when(deactivate, asUser('grace', at(6)))
      .then([{ type: 'ActivationDeactivated', activationId: 'act1', at: at(6) }]);
  });

  it('refuses unknown, foreign and ended activations', () => {
    given(w.events)
      .when({ type: 'DeactivateRole', activationId: 'x' }, asUser('grace', at(10)))
      .thenRejects('unknown-activation');
    given(w.events)
      .when(deactivate, asUser('ada', at(10)))
      .thenRejects('not-your-activation');
    given(w.events)
      .when(deactivate, asUser('grace', at(61)))
      .thenRejects('not-active');
  });
});
