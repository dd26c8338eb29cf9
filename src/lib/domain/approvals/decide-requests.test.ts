/**
 * DecideRequests (issue 3, "bulk approve/deny with one passkey ceremony bound to the listed
 * decisions"): one verdict and justification for a list of activation requests in one signed
 * command. Each item is decided exactly as its own Approve/DenyRequest would be, against the
 * state the items before it leave; the list is all or nothing.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { offlineWindowFor } from '#domain/confirmation/offline';
import { requiresPasskeyConfirmation } from '#domain/confirmation/requires-passkey';
import { decide } from '#domain/decide';
import type { DomainEvent } from '#domain/events';
import { asUser, at, given, World } from '#domain/test-support';
import { addMinutes, formatInstant } from '#domain/time';
import { MAX_DECISION_ITEMS } from './decide-requests';

const SR = ROLE_IDS.SecurityReader;
const GR = ROLE_IDS.GlobalReader;

/**
 * Ada (GA); Grace and Hal eligible for Security Reader (approval, quorum `quorum`) and Grace for
 * Global Reader (approval, quorum 1); approvers ap1, ap2 (and Grace, for Security Reader); three
 * pending requests at at(1).
 */
function world(quorum = 1): World {
  const w = World.setUp();
  for (const id of ['grace', 'hal', 'ap1', 'ap2']) w.addUser(id, id.toUpperCase());
  w.assign('e-grace-sr', 'grace', SR, 'eligible');
  w.assign('e-hal-sr', 'hal', SR, 'eligible');
  w.assign('e-grace-gr', 'grace', GR, 'eligible');
  w.configure(SR, {
    requireApproval: true,
    approvers: ['ap1', 'ap2', 'grace'],
    approvalsRequired: quorum,
  });
  w.configure(GR, {
    requireApproval: true,
    approvers: ['ap1', 'ap2'],
    offlineConfirmWindowMinutes: 30,
  });
  w.activate('a1', 'e-grace-sr', 'grace', at(1));
  w.activate('a2', 'e-hal-sr', 'hal', at(1));
  w.activate('a3', 'e-grace-gr', 'grace', at(1));
  return w;
}

const decideList = (
  requestIds: string[],
  decision: 'approve' | 'deny' = 'approve',
  justification = 'On-call rota checked',
): Command => ({ type: 'DecideRequests', batchId: 'batch1', decision, requestIds, justification });

const types = (events: DomainEvent[]) => events.map((e) => e.type);

describe('DecideRequests', () => {
  it('approves every listed request with one confirmation, each granted like a single approval', () => {
    const w = world();
    const events = given(w.events)
      .when(decideList(['req_a1', 'req_a2', 'req_a3']), asUser('ap1', at(2)))
      .thenAccepts();
    expect(types(events)).toEqual([
      ...['RequestApproved', 'RequestGranted', 'ActivationStarted'],
      ...['RequestApproved', 'RequestGranted', 'ActivationStarted'],
      ...['RequestApproved', 'RequestGranted', 'ActivationStarted'],
    ]);
    // The same events, item by item, as three single approvals would give.
    const single = new World();
    single.events.push(...w.events);
    const one = ['req_a1', 'req_a2', 'req_a3'].flatMap((id) =>
      single.run(
        { type: 'ApproveRequest', requestId: id, justification: 'On-call rota checked' },
        asUser('ap1', at(2)),
      ),
    );
    expect(events).toEqual(one);
  });

  it('denies every listed request', () => {
    const events = given(world().events)
      .when(decideList(['req_a1', 'req_a2'], 'deny', 'Change freeze'), asUser('ap2', at(2)))
      .thenAccepts();
    expect(types(events)).toEqual(['RequestDenied', 'RequestDenied']);
    expect(events.every((e) => e.type === 'RequestDenied' && e.decision.approverId === 'ap2')).toBe(
      true,
    );
  });

  it('counts toward a quorum: one approval each, granted only by the second distinct approver', () => {
    const w = world(2);
    const first = w.run(decideList(['req_a1', 'req_a2']), asUser('ap1', at(2)));
    expect(types(first)).toEqual(['RequestApproved', 'RequestApproved']);
    const second = w.run(decideList(['req_a1', 'req_a2']), asUser('ap2', at(3)));
    expect(types(second)).toEqual([
      ...['RequestApproved', 'RequestGranted', 'ActivationStarted'],
      ...['RequestApproved', 'RequestGranted', 'ActivationStarted'],
    ]);
  });

  it.each([
    ['a request listed twice', ['req_a1', 'req_a1'], 'ap1', 'request-not-pending', 2],
    ['an unknown request', ['req_a1', 'req_nope'], 'ap1', 'unknown-request', 2],
    ['their own request', ['req_a2', 'req_a1'], 'grace', 'approver-is-requester', 2],
    ['someone who is no approver', ['req_a1'], 'hal', 'not-an-approver', 1],
  ] as const)('rejects the whole list for %s, naming the item', (_, ids, who, code, index) => {
    const decision = given(world().events)
      .when(decideList([...ids]), asUser(who, at(2)))
      .thenRejects(code);
    expect(!decision.ok && decision.rejection.message).toMatch(
      new RegExp(`^Request ${index} of ${ids.length} \\(`),
    );
    if (ids.length > 1) {
      expect(!decision.ok && decision.rejection.message).toMatch(
        /was not decided, so none of the 2 decisions was recorded: ./,
      );
    }
  });

  it('does not count a second approval by the same person in one list toward a quorum', () => {
    const decision = given(world(2).events)
      .when(decideList(['req_a1', 'req_a1']), asUser('ap1', at(2)))
      .thenRejects('already-decided');
    expect(!decision.ok && decision.rejection.message).toMatch(/^Request 2 of 2 \(GRACE’s request/);
  });

  it('names the request at fault in its detail, with that request’s own rejection', () => {
    // Given Hal's request cancelled meanwhile,
    const w = world();
    w.run({ type: 'CancelRequest', requestId: 'req_a2', justification: '' }, asUser('hal', at(2)));
    const single = decide(
      { type: 'ApproveRequest', requestId: 'req_a2', justification: 'On-call rota checked' },
      w.state,
      asUser('ap1', at(3)),
    );
    // when a list holding it is decided,
    const decision = given(w.events)
      .when(decideList(['req_a1', 'req_a2']), asUser('ap1', at(3)))
      .thenRejects('request-not-pending');
    // then the detail says which item and why, as values; the message reads as it always has.
    const rejection = !decision.ok ? decision.rejection : null;
    const own = !single.ok ? single.rejection : null;
    expect(rejection?.detail).toEqual({ item: { index: 1, requestId: 'req_a2', rejection: own } });
    expect(rejection?.message).toBe(
      `Request 2 of 2 (HAL’s request for Security Reader) was not decided, so none of the 2 decisions was recorded: ${own?.message}`,
    );
  });

  it('keeps the instants of the item’s reason typed, in the item and in the list’s words', () => {
    // Given requests that lapsed undecided,
    const w = world();
    const lapsedAt = w.state.requests['req_a1']!.expiresAt;
    // when a list of them is decided after their end,
    const decision = given(w.events)
      .when(decideList(['req_a1', 'req_a2']), asUser('ap1', addMinutes(lapsedAt, 1)))
      .thenRejects('request-not-pending');
    // then the lapse is an instant, not words a reader has to find it in.
    const rejection = !decision.ok ? decision.rejection : null;
    expect(rejection?.detail?.item?.rejection.detail?.parts).toEqual([
      'This request to activate Security Reader lapsed at ',
      { instant: lapsedAt },
      '.',
    ]);
    expect(rejection?.detail?.parts).toEqual([
      'Request 1 of 2 (GRACE’s request for Security Reader) was not decided, so none of the 2 decisions was recorded: This request to activate Security Reader lapsed at ',
      { instant: lapsedAt },
      '.',
    ]);
    expect(rejection?.message).toBe(
      `Request 1 of 2 (GRACE’s request for Security Reader) was not decided, so none of the 2 decisions was recorded: This request to activate Security Reader lapsed at ${formatInstant(lapsedAt)}.`,
    );
  });

  it('names no item when the list as a whole is refused', () => {
    const decision = given(world().events)
      .when(decideList([]), asUser('ap1', at(2)))
      .thenRejects('invalid-value');
    expect(!decision.ok && decision.rejection).toEqual({
      code: 'invalid-value',
      message: `A list of decisions must name 1 to ${MAX_DECISION_ITEMS} requests.`,
    });
  });

  it('rejects the whole list when one request was cancelled meanwhile', () => {
    const w = world();
    w.run({ type: 'CancelRequest', requestId: 'req_a2', justification: '' }, asUser('hal', at(2)));
    const decision = given(w.events)
      .when(decideList(['req_a1', 'req_a2', 'req_a3']), asUser('ap1', at(3)))
      .thenRejects('request-not-pending');
    expect(!decision.ok && decision.rejection.message).toMatch(/^Request 2 of 3 \(HAL’s request/);
  });

  it.each([
    [0, 'invalid-value'],
    [MAX_DECISION_ITEMS + 1, 'invalid-value'],
  ] as const)('refuses a list of %i requests', (count, code) => {
    const ids = Array.from({ length: count }, (_, i) => `req_x${i}`);
    given(world().events)
      .when(decideList(ids), asUser('ap1', at(2)))
      .thenRejects(code);
  });

  it('needs the passkey, and a justification', () => {
    const w = world();
    given(w.events)
      .when(decideList(['req_a1']), asUser('ap1', at(2), { passkey: false }))
      .thenRejects('confirmation-required');
    given(w.events)
      .when(decideList(['req_a1'], 'approve', '   '), asUser('ap1', at(2)))
      .thenRejects('justification-required');
    expect(requiresPasskeyConfirmation(decideList(['req_a1']) as never, w.state, at(2))).toBe(true);
  });

  it('takes the shortest offline confirmation window among the listed requests’ roles', () => {
    const w = world();
    const state = w.state;
    expect(offlineWindowFor(decideList(['req_a1']) as never, state)).toMatchObject({
      minutes: 480,
      roleId: SR,
    });
    expect(offlineWindowFor(decideList(['req_a1', 'req_a3']) as never, state)).toMatchObject({
      minutes: 30,
      roleId: GR,
    });
    expect(offlineWindowFor(decideList(['req_a1', 'req_nope']) as never, state).minutes).toBe(0);
  });

  it('leaves the state it was given alone when a later item fails', () => {
    const w = world();
    const state = w.state;
    const before = structuredClone(state);
    const decision = decide(decideList(['req_a1', 'req_nope']), state, asUser('ap1', at(2)));
    expect(decision.ok).toBe(false);
    expect(state).toEqual(before);
  });
});
