/**
 * Scheduled activation (a future start) and the overlap rule: one activation per eligible
 * assignment at any instant, so overlapping activations never cut each other short.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { decide } from '#domain/decide';
import type { DomainEvent } from '#domain/events';
import type { Iso } from '#domain/model';
import type { RejectionCode } from '#domain/rejections';
import { dueWork } from '#domain/schedule/due-work';
import { asSystem, asUser, at, given, T0, World } from '#domain/test-support';
import { addDays, addMinutes } from '#domain/time';
import { activationBlockers, MAX_SCHEDULE_AHEAD_DAYS } from './activation';
import { isActivationActive, isActivationScheduled } from './status';

const SR = ROLE_IDS.SecurityReader;
const GR = ROLE_IDS.GlobalReader;

/** `iso` moved by `n` milliseconds. */
const plusMs = (iso: Iso, n: number): Iso => new Date(Date.parse(iso) + n).toISOString();

/** Grace, eligible for Security Reader (permanent, e1) and Global Reader until day 10 (e2). */
function scheduleWorld(): World {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  w.assign('e1', 'grace', SR, 'eligible');
  w.assign('e2', 'grace', GR, 'eligible', { endsAt: addDays(T0, 10) });
  return w;
}

const activate = (over: Partial<Extract<Command, { type: 'ActivateRole' }>> = {}): Command => ({
  type: 'ActivateRole',
  activationId: 'act1',
  assignmentId: 'e1',
  durationMinutes: 60,
  startsAt: null,
  justification: 'Planned maintenance',
  ticket: null,
  ...over,
});

const NOW = at(1);
const E2_END = addDays(T0, 10);

describe('ActivateRole with a start time', () => {
  const w = scheduleWorld();
  const started = (events: DomainEvent[]) => {
    const event = events[0];
    if (event?.type !== 'ActivationStarted') throw new Error(`not started: ${event?.type}`);
    return event.activation;
  };

  const accepted: [string, Partial<Extract<Command, { type: 'ActivateRole' }>>, Iso, Iso][] = [
    ['no start: now', {}, NOW, addMinutes(NOW, 60)],
    ['a start exactly now', { startsAt: NOW }, NOW, addMinutes(NOW, 60)],
    ['a start in the past means now', { startsAt: at(-30) }, NOW, addMinutes(NOW, 60)],
    ['a start one hour ahead', { startsAt: at(61) }, at(61), at(121)],
    [
      `a start exactly ${MAX_SCHEDULE_AHEAD_DAYS} days ahead`,
      { startsAt: addDays(NOW, 30) },
      addDays(NOW, 30),
      addMinutes(addDays(NOW, 30), 60),
    ],
    [
      'a start a minute before the eligibility ends (ends with it)',
      { assignmentId: 'e2', startsAt: addMinutes(E2_END, -1) },
      addMinutes(E2_END, -1),
      E2_END,
    ],
  ];
  it.each(accepted)('accepts %s', (_name, over, startsAt, endsAt) => {
    const a = started(given(w.events).when(activate(over), asUser('grace', NOW)).thenAccepts());
    expect(a).toMatchObject({ startsAt, endsAt, requestedAt: NOW, status: 'active' });
  });

  const refused: [string, Partial<Extract<Command, { type: 'ActivateRole' }>>, RejectionCode][] = [
    [
      `a start ${MAX_SCHEDULE_AHEAD_DAYS} days + 1 ms ahead`,
      { startsAt: plusMs(addDays(NOW, 30), 1) },
      'start-too-far-ahead',
    ],
    [
      'a start exactly when the eligibility ends',
      { assignmentId: 'e2', startsAt: E2_END },
      'starts-after-assignment-end',
    ],
    [
      'a start after the eligibility ends',
      { assignmentId: 'e2', startsAt: addDays(E2_END, 1) },
      'starts-after-assignment-end',
    ],
    ['a start that is not a time', { startsAt: 'tomorrow' }, 'invalid-value'],
    ['a start without milliseconds', { startsAt: '2026-03-03T09:00:00Z' }, 'invalid-value'],
  ];
  it.each(refused)('refuses %s', (_name, over, code) => {
    given(w.events).when(activate(over), asUser('grace', NOW)).thenRejects(code);
  });

  it('grants nothing until the start, then exactly the booked period', () => {
    const s = scheduleWorld();
    s.activate('act1', 'e1', 'grace', NOW, 60, at(120));
    const a = s.state.activations['act1']!;
    expect([at(119), at(120), at(179), at(180)].map((t) => isActivationActive(a, t))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(isActivationScheduled(a, at(119))).toBe(true);
    expect(isActivationScheduled(a, at(120))).toBe(false);
  });

  it('is expired by the scheduler at its end, not at its start', () => {
    const s = scheduleWorld();
    s.activate('act1', 'e1', 'grace', NOW, 60, at(120));
    expect(dueWork(s.state, at(120))).toEqual([]);
    expect(dueWork(s.state, at(180))).toEqual([{ type: 'ExpireActivation', activationId: 'act1' }]);
  });
});

describe('overlapping activations of one assignment', () => {
  /** act1 is active from NOW for an hour; act2 is scheduled from at(180) to at(240). */
  function overlapWorld(): World {
    const w = scheduleWorld();
    w.activate('act1', 'e1', 'grace', NOW, 60);
    w.activate('act2', 'e1', 'grace', at(2), 60, at(180));
    return w;
  }
  const w = overlapWorld();

  const cases: [string, Iso | null, number, RejectionCode | 'accepted'][] = [
    ['starting now, while one is active', null, 60, 'already-active'],
    ['starting a minute before the active one ends', at(60), 60, 'already-active'],
    ['starting exactly when the active one ends (back-to-back)', at(61), 60, 'accepted'],
    ['ending exactly when the scheduled one starts', at(120), 60, 'accepted'],
    ['ending a minute into the scheduled one', at(120), 61, 'already-active'],
    ['inside the scheduled one', at(200), 10, 'already-active'],
    ['starting exactly when the scheduled one ends', at(240), 60, 'accepted'],
  ];
  it.each(cases)('a new activation %s: %s', (_name, startsAt, durationMinutes, outcome) => {
    const when = given(w.events).when(
      activate({ activationId: 'act3', startsAt, durationMinutes }),
      asUser('grace', at(5)),
    );
    if (outcome === 'accepted') when.thenAccepts();
    else when.thenRejects(outcome);
  });

  it('says when the overlapping activation is only scheduled', () => {
    const decision = decide(
      activate({ activationId: 'act3', startsAt: at(200), durationMinutes: 10 }),
      w.state,
      asUser('grace', at(5)),
    );
    expect(decision.ok ? null : decision.rejection.message).toMatch(/scheduled for you from/);
  });

  it('overlaps are per assignment: another role may run at the same time', () => {
    given(w.events)
      .when(activate({ activationId: 'act3', assignmentId: 'e2' }), asUser('grace', at(5)))
      .thenAccepts();
  });

  it('deactivating or expiring one never ends another', () => {
    const s = overlapWorld();
    const ended = s.run({ type: 'DeactivateRole', activationId: 'act1' }, asUser('grace', at(30)));
    expect(ended).toEqual([{ type: 'ActivationDeactivated', activationId: 'act1', at: at(30) }]);
    expect(s.state.activations['act2']).toMatchObject({ status: 'active', endedAt: null });
    // A third, back-to-back after the second, then the second expires on schedule.
    s.activate('act3', 'e1', 'grace', at(31), 60, at(240));
    for (const command of dueWork(s.state, at(240))) s.run(command, asSystem(at(240)));
    const state = s.state;
    expect(state.activations['act2']).toMatchObject({ status: 'expired', endedAt: at(240) });
    expect(state.activations['act3']).toMatchObject({ status: 'active', endedAt: null });
    expect(isActivationActive(state.activations['act3']!, at(240))).toBe(true);
  });

  it('the preview agrees: blocked now, open for a period after the active one', () => {
    const state = w.state;
    expect(activationBlockers(state, 'grace', 'e1', at(5)).map((r) => r.code)).toEqual([
      'already-active',
    ]);
    expect(
      activationBlockers(state, 'grace', 'e1', at(5), { startsAt: at(61), durationMinutes: 60 }),
    ).toEqual([]);
  });
});

describe('cancelling a scheduled activation', () => {
  function bookedWorld(): World {
    const w = scheduleWorld();
    w.activate('act1', 'e1', 'grace', NOW, 60, at(120));
    return w;
  }
  const w = bookedWorld();

  it('its holder may cancel it any time before it starts, even within 5 minutes of booking', () => {
    given(w.events)
      .when({ type: 'DeactivateRole', activationId: 'act1' }, asUser('grace', at(2)))
      .then([{ type: 'ActivationDeactivated', activationId: 'act1', at: at(2) }]);
  });

  it('a cancelled activation never grants its role', () => {
    const s = bookedWorld();
    s.run({ type: 'DeactivateRole', activationId: 'act1' }, asUser('grace', at(119)));
    expect(isActivationActive(s.state.activations['act1']!, at(130))).toBe(false);
    expect(dueWork(s.state, at(200))).toEqual([]);
    // The period is free again.
    s.activate('act2', 'e1', 'grace', at(119), 60, at(120));
  });

  const cases: [string, Iso, RejectionCode | 'accepted'][] = [
    ['one minute after it started (5-minute rule)', at(121), 'too-early-to-deactivate'],
    ['exactly 5 minutes after it started', at(125), 'accepted'],
  ];
  it.each(cases)('deactivating %s', (_name, when, outcome) => {
    const x = given(w.events).when(
      { type: 'DeactivateRole', activationId: 'act1' },
      asUser('grace', when),
    );
    if (outcome === 'accepted') x.thenAccepts();
    else x.thenRejects(outcome);
  });

  it('nobody else may cancel it', () => {
    given(w.events)
      .when({ type: 'DeactivateRole', activationId: 'act1' }, asUser('ada', at(2)))
      .thenRejects('not-your-activation');
  });

  it('removing the eligibility cancels a scheduled activation too', () => {
    const events = given(w.events)
      .when(
        { type: 'RemoveAssignment', assignmentId: 'e1', justification: '' },
        asUser('ada', at(30)),
      )
      .thenAccepts();
    expect(events).toContainEqual({
      type: 'ActivationDeactivated',
      activationId: 'act1',
      at: at(30),
    });
  });
});

describe('scheduled activation with approval', () => {
  function approvalWorld(): World {
    const w = scheduleWorld();
    w.addUser('alan', 'Alan');
    w.configure(SR, { requireApproval: true, approvers: ['alan'] });
    return w;
  }

  it('the request carries the start; an immediate one carries null', () => {
    const w = approvalWorld();
    const scheduled = given(w.events)
      .when(activate({ startsAt: at(120) }), asUser('grace', NOW))
      .thenAccepts();
    expect(scheduled[0]).toMatchObject({
      type: 'ActivationRequested',
      request: { startsAt: at(120) },
    });
    const now = given(w.events)
      .when(activate({ startsAt: NOW }), asUser('grace', NOW))
      .thenAccepts();
    expect(now[0]).toMatchObject({ type: 'ActivationRequested', request: { startsAt: null } });
  });

  const grants: [string, Iso, Iso][] = [
    ['granted before the start: starts at the requested time', at(30), at(120)],
    ['granted after the start: starts at the grant', at(150), at(150)],
  ];
  it.each(grants)('%s', (_name, grantedAt, startsAt) => {
    const w = approvalWorld();
    w.activate('act1', 'e1', 'grace', NOW, 60, at(120));
    const events = w.decideRequest('req_act1', 'alan', grantedAt);
    expect(events.at(-1)).toMatchObject({
      type: 'ActivationStarted',
      activation: { startsAt, endsAt: addMinutes(startsAt, 60), requestedAt: NOW },
    });
    // Provisioned when granted, even though it starts later.
    expect(w.state.requests['req_act1']?.history.at(-1)).toEqual({
      status: 'Provisioned',
      at: grantedAt,
      by: 'system',
    });
  });

  it('a request whose period overlaps an active activation is refused up front', () => {
    const w = approvalWorld();
    w.configure(SR, { requireApproval: false });
    w.activate('act1', 'e1', 'grace', NOW, 60);
    w.configure(SR, { requireApproval: true, approvers: ['alan'] });
    given(w.events)
      .when(activate({ activationId: 'act2', startsAt: at(30) }), asUser('grace', at(2)))
      .thenRejects('already-active');
    given(w.events)
      .when(activate({ activationId: 'act2', startsAt: at(61) }), asUser('grace', at(2)))
      .thenAccepts();
  });

  it('a late grant runs from the grant to the end of the eligibility, or fails after it', () => {
    const w = approvalWorld();
    w.configure(GR, { requireApproval: true, approvers: ['alan'], pendingTimeoutMinutes: 10080 });
    w.activate('act1', 'e2', 'grace', addDays(T0, 9), 60, addMinutes(E2_END, -30));
    const late = given(w.events)
      .when(
        { type: 'ApproveRequest', requestId: 'req_act1', justification: 'ok' },
        asUser('alan', addMinutes(E2_END, -10)),
      )
      .thenAccepts();
    expect(late.at(-1)).toMatchObject({
      type: 'ActivationStarted',
      activation: { startsAt: addMinutes(E2_END, -10), endsAt: E2_END },
    });
    const tooLate = given(w.events)
      .when(
        { type: 'ApproveRequest', requestId: 'req_act1', justification: 'ok' },
        asUser('alan', E2_END),
      )
      .thenAccepts();
    expect(tooLate.map((e) => e.type)).toEqual(['RequestApproved', 'RequestFailed']);
  });
});
