/**
 * Role settings changes and approvals with an M-of-N quorum (PRODUCT.md "Role settings" and
 * "Lifecycle rules"), as given/when/then specs.
 */
import { describe, expect, it } from 'vitest';
import { activationBlockers } from '#domain/activation/activation';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command, UserCommand } from '#domain/commands';
import { requiresPasskeyConfirmation } from '#domain/confirmation/requires-passkey';
import { decide } from '#domain/decide';
import type { DomainEvent } from '#domain/events';
import type { ActivationRequest, RoleSettings } from '#domain/model';
import { dueWork, nextDueAt } from '#domain/schedule/due-work';
import { DEFAULT_ROLE_SETTINGS, settingsFor } from '#domain/settings/settings';
import { applyEvent, foldEvents } from '#domain/state';
import { asSystem, asUser, at, given, T0, World } from '#domain/test-support';
import {
  activationPath,
  approvalsOf,
  approversFor,
  canApprove,
  requestIdFor,
  requestsAwaiting,
} from './requests';

const GA = ROLE_IDS.GlobalAdministrator;
const PRA = ROLE_IDS.PrivilegedRoleAdministrator;
const SR = ROLE_IDS.SecurityReader;

const APPROVERS = ['ap1', 'ap2', 'ap3', 'ap4', 'ap5'];
const REQ = 'req_act1';

/**
 * Ada (bootstrap GA), Grace (eligible for Security Reader via e1), five would-be approvers
 * with no roles, and Security Reader's settings changed by `change` at T0.
 */
function approvalWorld(change: Partial<RoleSettings> = {}): World {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  for (const id of APPROVERS) w.addUser(id, id.toUpperCase());
  w.assign('e1', 'grace', SR, 'eligible');
  w.configure(SR, { requireApproval: true, approvers: APPROVERS, ...change });
  return w;
}

/** The approval world with Grace's request req_act1 made at at(1). */
function requested(change: Partial<RoleSettings> = {}): World {
  const w = approvalWorld(change);
  w.activate('act1', 'e1', 'grace', at(1));
  return w;
}

const approve = (requestId = REQ, justification = 'Matches INC-42'): Command => ({
  type: 'ApproveRequest',
  requestId,
  justification,
});
const deny = (requestId = REQ, justification = 'Not on call this week'): Command => ({
  type: 'DenyRequest',
  requestId,
  justification,
});
const cancel = (justification = '', requestId = REQ): Command => ({
  type: 'CancelRequest',
  requestId,
  justification,
});
const activate = (over: Partial<Extract<Command, { type: 'ActivateRole' }>> = {}): Command => ({
  type: 'ActivateRole',
  activationId: 'act1',
  assignmentId: 'e1',
  durationMinutes: 60,
  startsAt: null,
  justification: 'Investigating incident 42',
  ticket: null,
  ...over,
});
const update = (roleId: string, settings: RoleSettings): Command => ({
  type: 'UpdateRoleSettings',
  scopeId: null,
  roleId,
  settings,
});

const requestIn = (w: World, id = REQ): ActivationRequest => {
  const r = w.state.requests[id];
  if (!r) throw new Error(`no request ${id}`);
  return r;
};

describe('UpdateRoleSettings', () => {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  const changed = { ...DEFAULT_ROLE_SETTINGS, maxActivationMinutes: 240, requireApproval: true };

  it('records the settings before and after, and the fold stores the override', () => {
    given(w.events)
      .when(update(SR, changed), asUser('ada', at(1)))
      .then([
        {
          type: 'RoleSettingsUpdated',
          scopeId: null,
          roleId: SR,
          before: { ...DEFAULT_ROLE_SETTINGS, approvers: [] },
          after: changed,
          by: 'ada',
          at: at(1),
        },
      ]);
    const next = new World();
    next.events.push(...w.events);
    next.run(update(SR, changed), asUser('ada', at(1)));
    expect(settingsFor(next.state, SR)).toEqual(changed);
    // The next change's `before` is this change's `after`.
    const again = decide(
      update(SR, { ...changed, requireTicket: true }),
      next.state,
      asUser('ada', at(2)),
    );
    expect(again).toMatchObject({ ok: true, events: [{ before: changed }] });
  });

  it('needs manage-roles, an existing role and valid settings, in that order', () => {
    given(w.events)
      .when(update('nope', { ...changed, approvalsRequired: 0 }), asUser('grace', at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(update('nope', { ...changed, approvalsRequired: 0 }), asUser('ada', at(1)))
      .thenRejects('unknown-role');
    given(w.events)
      .when(update(SR, { ...changed, approvalsRequired: 0 }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
  });

  it('needs approvers who are active users', () => {
    given(w.events)
      .when(update(SR, { ...changed, approvers: ['grace'] }), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(update(SR, { ...changed, approvers: ['grace', 'nobody'] }), asUser('ada', at(1)))
      .thenRejects('unknown-user');
    const state = w.state;
    const grace = state.users['grace'];
    if (grace) grace.status = 'disabled';
    expect(
      decide(update(SR, { ...changed, approvers: ['grace'] }), state, asUser('ada', at(1))),
    ).toMatchObject({ ok: false, rejection: { code: 'unknown-user' } });
  });

  it('refuses a change that changes nothing, even with the approvers reordered', () => {
    given(w.events)
      .when(update(SR, { ...DEFAULT_ROLE_SETTINGS }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
    const named = World.setUp();
    named.addUser('grace', 'Grace');
    named.addUser('alan', 'Alan');
    named.configure(SR, { approvers: ['grace', 'alan'] });
    given(named.events)
      .when(
        update(SR, { ...DEFAULT_ROLE_SETTINGS, approvers: ['alan', 'grace'] }),
        asUser('ada', at(1)),
      )
      .thenRejects('invalid-value');
  });

  it('stores only known fields, approvers sorted', () => {
    const messy = { ...changed, approvers: ['grace', 'ada'], colour: 'red' } as RoleSettings;
    const events = given(w.events)
      .when(update(SR, messy), asUser('ada', at(1)))
      .thenAccepts();
    expect(events[0]).toMatchObject({ after: { approvers: ['ada', 'grace'] } });
    expect(events[0]).not.toHaveProperty('after.colour');
  });
});

describe('ActivateRole when the role requires approval', () => {
  const w = approvalWorld({ approvalsRequired: 2, pendingTimeoutMinutes: 120 });

  it('creates a pending request named after the activation id', () => {
    given(w.events)
      .when(activate({ ticket: { system: 'Jira', number: 'SEC-1' } }), asUser('grace', at(1)))
      .then([
        {
          type: 'ActivationRequested',
          request: {
            id: 'req_act1',
            assignmentId: 'e1',
            principalId: 'grace',
            roleId: SR,
            activationId: 'act1',
            durationMinutes: 60,
            startsAt: null,
            justification: 'Investigating incident 42',
            ticket: { system: 'Jira', number: 'SEC-1' },
            requestedAt: at(1),
            expiresAt: at(121),
            approvalsRequired: 2,
            status: 'PendingApproval',
            decisions: [],
            resolvedAt: null,
            resolvedBy: null,
            history: [{ status: 'PendingApproval', at: at(1), by: 'grace' }],
          },
        },
      ]);
    expect(requestIdFor('act1')).toBe(REQ);
  });

  it('refuses a second request while one is pending, and allows one after it lapsed', () => {
    const r = requested({ pendingTimeoutMinutes: 15 });
    given(r.events)
      .when(activate({ activationId: 'act2' }), asUser('grace', at(2)))
      .thenRejects('request-pending');
    given(r.events)
      .when(activate({ activationId: 'act2' }), asUser('grace', at(16)))
      .thenAccepts();
  });

  it('refuses while an activation of the assignment is active', () => {
    const r = approvalWorld();
    r.configure(SR, { requireApproval: false });
    r.activate('act0', 'e1', 'grace', at(1));
    r.configure(SR, { requireApproval: true });
    given(r.events)
      .when(activate(), asUser('grace', at(2)))
      .thenRejects('already-active');
  });

  it('reserves the activation id: no second request or activation may use it', () => {
    const r = requested();
    r.assign('e2', 'grace', ROLE_IDS.GlobalReader, 'eligible');
    given(r.events)
      .when(activate({ assignmentId: 'e2' }), asUser('grace', at(2)))
      .thenRejects('duplicate-id');
  });
});

describe('the quorum', () => {
  it.each([[1], [2], [3], [5]])('is reached exactly by approver number %i', (m) => {
    const w = requested({ approvalsRequired: m });
    for (let i = 0; i < m - 1; i++) {
      expect(w.decideRequest(REQ, APPROVERS[i] as string, at(2 + i))).toEqual([
        {
          type: 'RequestApproved',
          requestId: REQ,
          decision: {
            approverId: APPROVERS[i],
            decision: 'approve',
            justification: 'Matches the incident ticket',
            at: at(2 + i),
          },
        },
      ]);
      expect(requestIn(w).status).toBe('PendingApproval');
    }
    const last = APPROVERS[m - 1] as string;
    const when = at(1 + m);
    given(w.events)
      .when(approve(), asUser(last, when))
      .then([
        {
          type: 'RequestApproved',
          requestId: REQ,
          decision: {
            approverId: last,
            decision: 'approve',
            justification: 'Matches INC-42',
            at: when,
          },
        },
        { type: 'RequestGranted', requestId: REQ, at: when },
        {
          type: 'ActivationStarted',
          activation: {
            id: 'act1',
            assignmentId: 'e1',
            principalId: 'grace',
            roleId: SR,
            startsAt: when,
            endsAt: at(1 + m + 60),
            requestedAt: at(1),
            justification: 'Investigating incident 42',
            ticket: null,
            status: 'active',
            endedAt: null,
          },
        },
      ]);
    w.decideRequest(REQ, last, when);
    const r = requestIn(w);
    expect(r.status).toBe('Provisioned');
    expect(r.history).toEqual([
      { status: 'PendingApproval', at: at(1), by: 'grace' },
      { status: 'Granted', at: when, by: last },
      { status: 'Provisioned', at: when, by: 'system' },
    ]);
    expect(r).toMatchObject({ resolvedAt: when, resolvedBy: last });
    expect(approvalsOf(r).size).toBe(m);
  });

  it('does not count a second approval by the same person', () => {
    const w = requested({ approvalsRequired: 2 });
    w.decideRequest(REQ, 'ap1', at(2));
    given(w.events)
      .when(approve(), asUser('ap1', at(3)))
      .thenRejects('already-decided');
    given(w.events)
      .when(deny(), asUser('ap1', at(3)))
      .thenRejects('already-decided');
    expect(requestIn(w).decisions).toHaveLength(1);
    expect(w.decideRequest(REQ, 'ap2', at(3)).map((e) => e.type)).toEqual([
      'RequestApproved',
      'RequestGranted',
      'ActivationStarted',
    ]);
  });

  it('is fixed when the request is made; approvers are who they are at decision time', () => {
    const w = requested({ approvalsRequired: 2 });
    w.configure(SR, { approvalsRequired: 1, approvers: ['ap3', 'ap4'] }, { when: at(2) });
    given(w.events)
      .when(approve(), asUser('ap1', at(3)))
      .thenRejects('not-an-approver');
    w.decideRequest(REQ, 'ap3', at(3));
    expect(requestIn(w).status).toBe('PendingApproval');
    w.decideRequest(REQ, 'ap4', at(4));
    expect(requestIn(w).status).toBe('Provisioned');
  });

  it('uses the maximum in force when granted, and ends with the eligibility', () => {
    const w = approvalWorld();
    w.assign('b1', 'grace', PRA, 'eligible', { endsAt: at(90) });
    w.configure(PRA, { requireApproval: true, approvers: ['ap1'] });
    w.activate('act1', 'e1', 'grace', at(1), 480);
    w.activate('act2', 'b1', 'grace', at(1), 480);
    w.configure(SR, { maxActivationMinutes: 120 }, { when: at(2) });
    const sr = w.decideRequest(REQ, 'ap1', at(10));
    expect(sr[2]).toMatchObject({ activation: { endsAt: at(130) } });
    const pra = w.decideRequest('req_act2', 'ap1', at(10));
    expect(pra[2]).toMatchObject({ activation: { endsAt: at(90) } });
  });
});

describe('DenyRequest', () => {
  it('resolves the request at the first deny, even after an approval', () => {
    const w = requested({ approvalsRequired: 2 });
    w.decideRequest(REQ, 'ap1', at(2));
    given(w.events)
      .when(deny(), asUser('ap2', at(3)))
      .then([
        {
          type: 'RequestDenied',
          requestId: REQ,
          decision: {
            approverId: 'ap2',
            decision: 'deny',
            justification: 'Not on call this week',
            at: at(3),
          },
        },
      ]);
    w.decideRequest(REQ, 'ap2', at(3), 'deny');
    expect(requestIn(w)).toMatchObject({
      status: 'Denied',
      resolvedAt: at(3),
      resolvedBy: 'ap2',
      history: [
        { status: 'PendingApproval', at: at(1), by: 'grace' },
        { status: 'Denied', at: at(3), by: 'ap2' },
      ],
    });
    given(w.events)
      .when(approve(), asUser('ap3', at(4)))
      .thenRejects('request-not-pending');
    expect(w.state.activations['act1']).toBeUndefined();
  });
});

describe('who may decide', () => {
  // [case, actor, setup, expected]
  const cases: [string, string, (w: World) => void, string][] = [
    ['a named approver', 'ap1', () => {}, 'accepted'],
    [
      'the requester, even when named',
      'grace',
      (w) => w.configure(SR, { approvers: ['grace'] }),
      'approver-is-requester',
    ],
    ['someone not named', 'ap5', (w) => w.configure(SR, { approvers: ['ap1'] }), 'not-an-approver'],
    ['a Global Administrator when others are named', 'ada', () => {}, 'not-an-approver'],
    [
      'a Global Administrator when none are named',
      'ada',
      (w) => w.configure(SR, { approvers: [] }),
      'accepted',
    ],
    [
      'an active Privileged Role Administrator when none are named',
      'ap1',
      (w) => {
        w.configure(SR, { approvers: [] });
        w.assign('p1', 'ap1', PRA, 'active');
      },
      'accepted',
    ],
    [
      'an eligible, not activated, Privileged Role Administrator',
      'ap1',
      (w) => {
        w.configure(SR, { approvers: [] });
        w.assign('p1', 'ap1', PRA, 'eligible');
      },
      'not-an-approver',
    ],
    [
      'a user with no role when none are named',
      'ap1',
      (w) => w.configure(SR, { approvers: [] }),
      'not-an-approver',
    ],
  ];
  it.each(cases)('%s (%s) → %s', (_case, actor, setup, expected) => {
    const w = approvalWorld();
    setup(w);
    w.activate('act1', 'e1', 'grace', at(1));
    const d = decide(approve(), w.state, asUser(actor, at(2)));
    expect(d.ok ? 'accepted' : d.rejection.code).toBe(expected);
  });

  it('nobody approves their own request, Global Administrator or not', () => {
    const w = approvalWorld({ approvers: [] });
    w.assign('e-ada', 'ada', SR, 'eligible');
    w.activate('act-ada', 'e-ada', 'ada', at(1));
    given(w.events)
      .when(approve('req_act-ada'), asUser('ada', at(2)))
      .thenRejects('approver-is-requester');
    expect(approversFor(w.state, SR, at(2)).has('ada')).toBe(true);
  });

  it('leaves out named approvers who are no longer active', () => {
    const state = requested({ approvers: ['ap1', 'ap2'] }).state;
    const ap1 = state.users['ap1'];
    if (ap1) ap1.status = 'disabled';
    expect([...approversFor(state, SR, at(2))]).toEqual(['ap2']);
  });
});

describe('deciding a request', () => {
  const w = requested({ pendingTimeoutMinutes: 15 });

  it('needs a request that exists and is still pending', () => {
    given(w.events)
      .when(approve('req_nope'), asUser('ap1', at(2)))
      .thenRejects('unknown-request');
    given(w.events)
      .when(deny('req_nope'), asUser('ap1', at(2)))
      .thenRejects('unknown-request');
  });

  it('is too late at exactly expiresAt, even before the scheduler expires it', () => {
    given(w.events).when(approve(), asUser('ap1', '2026-03-02T09:15:59.999Z')).thenAccepts();
    given(w.events)
      .when(approve(), asUser('ap1', at(16)))
      .thenRejects('request-not-pending');
    given(w.events)
      .when(deny(), asUser('ap1', at(16)))
      .thenRejects('request-not-pending');
  });

  it('needs a justification of at most 500 characters', () => {
    given(w.events)
      .when(approve(REQ, '  '), asUser('ap1', at(2)))
      .thenRejects('justification-required');
    given(w.events)
      .when(deny(REQ, ''), asUser('ap1', at(2)))
      .thenRejects('justification-required');
    given(w.events)
      .when(approve(REQ, 'j'.repeat(500)), asUser('ap1', at(2)))
      .thenAccepts();
    given(w.events)
      .when(approve(REQ, 'j'.repeat(501)), asUser('ap1', at(2)))
      .thenRejects('invalid-value');
  });

  it('always needs a passkey confirmation, whatever the role says', () => {
    const waived = requested({ requirePasskeyOnActivation: false });
    given(waived.events)
      .when(approve(), asUser('ap1', at(2), { passkey: false }))
      .thenRejects('confirmation-required');
    given(waived.events)
      .when(deny(), asUser('ap1', at(2), { passkey: false }))
      .thenRejects('confirmation-required');
    const check = (c: Command) => requiresPasskeyConfirmation(c as UserCommand, w.state, at(2));
    expect(check(approve())).toBe(true);
    expect(check(deny())).toBe(true);
    expect(check(cancel())).toBe(false);
    expect(check(update(SR, DEFAULT_ROLE_SETTINGS))).toBe(false);
  });

  it('fails instead of granting when the eligibility ended while it waited', () => {
    const b = approvalWorld({ pendingTimeoutMinutes: 120 });
    b.assign('b1', 'grace', PRA, 'eligible', { endsAt: at(30) });
    b.configure(PRA, { requireApproval: true, approvers: ['ap1'] });
    b.activate('act2', 'b1', 'grace', at(1));
    // at(40): the eligibility ended at(30), and the scheduler has not expired it yet.
    given(b.events)
      .when(approve('req_act2'), asUser('ap1', at(40)))
      .then([
        {
          type: 'RequestApproved',
          requestId: 'req_act2',
          decision: {
            approverId: 'ap1',
            decision: 'approve',
            justification: 'Matches INC-42',
            at: at(40),
          },
        },
        {
          type: 'RequestFailed',
          requestId: 'req_act2',
          reason: 'The eligibility it asked to activate is no longer in force.',
          at: at(40),
        },
      ]);
    b.decideRequest('req_act2', 'ap1', at(40));
    expect(requestIn(b, 'req_act2')).toMatchObject({
      status: 'Failed',
      resolvedAt: at(40),
      resolvedBy: 'system',
    });
    expect(b.state.activations['act2']).toBeUndefined();
  });
});

describe('the end of the eligibility ends its requests', () => {
  it('RemoveAssignment fails a pending request', () => {
    const w = requested();
    given(w.events)
      .when(
        { type: 'RemoveAssignment', assignmentId: 'e1', justification: 'Left' },
        asUser('ada', at(10)),
      )
      .then([
        { type: 'AssignmentRemoved', assignmentId: 'e1', at: at(10) },
        {
          type: 'RequestFailed',
          requestId: REQ,
          reason: 'The eligibility it asked to activate was removed.',
          at: at(10),
        },
      ]);
  });

  it('ExpireAssignment fails requests open at its end, not ones that lapsed before', () => {
    const w = approvalWorld({ pendingTimeoutMinutes: 15 });
    w.assign('b1', 'grace', PRA, 'eligible', { endsAt: at(60) });
    w.configure(PRA, { requireApproval: true, approvers: ['ap1'], pendingTimeoutMinutes: 15 });
    w.activate('early', 'b1', 'grace', at(1));
    w.run({ type: 'ExpireRequest', requestId: 'req_early' }, asSystem(at(16)));
    w.activate('late', 'b1', 'grace', at(50));
    given(w.events)
      .when({ type: 'ExpireAssignment', assignmentId: 'b1' }, asSystem(at(61)))
      .then([
        { type: 'AssignmentExpired', assignmentId: 'b1', at: at(60) },
        {
          type: 'RequestFailed',
          requestId: 'req_late',
          reason: 'The eligibility it asked to activate ended.',
          at: at(60),
        },
      ]);
  });
});

describe('CancelRequest', () => {
  const w = requested();

  it('lets the requester cancel, with or without a reason', () => {
    given(w.events)
      .when(cancel(), asUser('grace', at(2)))
      .then([
        { type: 'RequestCanceled', requestId: REQ, by: 'grace', justification: '', at: at(2) },
      ]);
    given(w.events)
      .when(cancel('  Fixed it myself '), asUser('grace', at(2)))
      .then([
        {
          type: 'RequestCanceled',
          requestId: REQ,
          by: 'grace',
          justification: 'Fixed it myself',
          at: at(2),
        },
      ]);
  });

  it('lets a Global or Privileged Role Administrator cancel anyone’s, with a reason', () => {
    given(w.events)
      .when(cancel(''), asUser('ada', at(2)))
      .thenRejects('justification-required');
    given(w.events)
      .when(cancel('Duplicate of INC-41'), asUser('ada', at(2)))
      .thenAccepts();
    const pra = requested();
    pra.assign('p1', 'ap5', PRA, 'active');
    given(pra.events)
      .when(cancel('Duplicate'), asUser('ap5', at(2)))
      .thenAccepts();
  });

  it('refuses anyone else, approvers included', () => {
    given(w.events)
      .when(cancel('Because'), asUser('ap1', at(2)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(cancel('', 'req_nope'), asUser('grace', at(2)))
      .thenRejects('unknown-request');
  });

  it('records the cancellation and then refuses to act on the request', () => {
    const c = requested();
    c.run(cancel('Not needed'), asUser('grace', at(2)));
    expect(requestIn(c)).toMatchObject({
      status: 'Canceled',
      resolvedAt: at(2),
      resolvedBy: 'grace',
      history: [
        { status: 'PendingApproval', at: at(1), by: 'grace' },
        { status: 'Canceled', at: at(2), by: 'grace' },
      ],
    });
    given(c.events)
      .when(cancel(), asUser('grace', at(3)))
      .thenRejects('request-not-pending');
    given(c.events)
      .when(approve(), asUser('ap1', at(3)))
      .thenRejects('request-not-pending');
    // The same assignment may be requested again.
    given(c.events)
      .when(activate({ activationId: 'act2' }), asUser('grace', at(3)))
      .thenAccepts();
  });

  it('refuses a lapsed request', () => {
    const lapsed = requested({ pendingTimeoutMinutes: 15 });
    given(lapsed.events)
      .when(cancel(), asUser('grace', at(16)))
      .thenRejects('request-not-pending');
  });
});

describe('ExpireRequest', () => {
  const w = requested({ pendingTimeoutMinutes: 15 });
  const expire: Command = { type: 'ExpireRequest', requestId: REQ };

  it('expires a pending request at its expiresAt, not 1 ms before', () => {
    given(w.events)
      .when(expire, asSystem('2026-03-02T09:15:59.999Z'))
      .thenRejects('request-not-pending');
    given(w.events)
      .when(expire, asSystem(at(16)))
      .then([{ type: 'RequestExpired', requestId: REQ, at: at(16) }]);
    // Late scheduler: the ledger still says when it lapsed.
    given(w.events)
      .when(expire, asSystem(at(30)))
      .then([{ type: 'RequestExpired', requestId: REQ, at: at(16) }]);
  });

  it('refuses unknown and resolved requests, and users', () => {
    given(w.events)
      .when({ type: 'ExpireRequest', requestId: 'nope' }, asSystem(at(30)))
      .thenRejects('unknown-request');
    const canceled = requested({ pendingTimeoutMinutes: 15 });
    canceled.run(cancel(), asUser('grace', at(2)));
    given(canceled.events)
      .when(expire, asSystem(at(30)))
      .thenRejects('request-not-pending');
    given(w.events)
      .when(expire, asUser('ada', at(30)))
      .thenRejects('not-authorized');
  });

  it('is scheduled by dueWork and nextDueAt', () => {
    expect(nextDueAt(w.state)).toBe(at(16));
    expect(dueWork(w.state, '2026-03-02T09:15:59.999Z')).toEqual([]);
    expect(dueWork(w.state, at(16))).toEqual([expire]);
    const state = w.state;
    const d = decide(expire, state, asSystem(at(16)));
    if (!d.ok) throw new Error(d.rejection.code);
    for (const event of d.events) applyEvent(state, event);
    expect(state.requests[REQ]).toMatchObject({
      status: 'Expired',
      resolvedAt: at(16),
      resolvedBy: 'system',
      history: [
        { status: 'PendingApproval', at: at(1), by: 'grace' },
        { status: 'Expired', at: at(16), by: 'system' },
      ],
    });
    expect(dueWork(state, at(16))).toEqual([]);
    expect(nextDueAt(state)).toBeNull();
  });

  it('comes before the expiry of the assignment it would otherwise fail', () => {
    const b = approvalWorld();
    b.assign('b1', 'grace', PRA, 'eligible', { endsAt: at(60) });
    b.configure(PRA, { requireApproval: true, approvers: ['ap1'], pendingTimeoutMinutes: 15 });
    b.activate('act2', 'b1', 'grace', at(50));
    expect(dueWork(b.state, at(70))).toEqual([
      { type: 'ExpireRequest', requestId: 'req_act2' },
      { type: 'ExpireAssignment', assignmentId: 'b1' },
    ]);
  });
});

describe('previews for the app', () => {
  it('canApprove agrees with decide', () => {
    const w = requested({ approvalsRequired: 2 });
    w.decideRequest(REQ, 'ap1', at(2));
    const r = requestIn(w);
    for (const user of ['ada', 'grace', ...APPROVERS]) {
      const verdict = decide(approve(), w.state, asUser(user, at(3)));
      const preview = canApprove(w.state, user, r, at(3));
      expect(preview?.code ?? 'accepted', user).toBe(
        verdict.ok ? 'accepted' : verdict.rejection.code,
      );
    }
  });

  it('requestsAwaiting lists what each approver can still act on, oldest first', () => {
    const w = approvalWorld({ approvalsRequired: 2 });
    w.assign('e2', 'grace', GA, 'eligible');
    w.configure(GA, { requireApproval: true, approvers: ['ap1'] });
    w.activate('act2', 'e2', 'grace', at(1));
    w.activate('act1', 'e1', 'grace', at(2));
    expect(requestsAwaiting(w.state, 'ap1', at(3)).map((r) => r.id)).toEqual(['req_act2', REQ]);
    expect(requestsAwaiting(w.state, 'ap2', at(3)).map((r) => r.id)).toEqual([REQ]);
    w.decideRequest(REQ, 'ap1', at(3));
    expect(requestsAwaiting(w.state, 'ap1', at(4)).map((r) => r.id)).toEqual(['req_act2']);
    expect(requestsAwaiting(w.state, 'grace', at(4))).toEqual([]);
  });

  it('activationPath says who could approve, without the requester', () => {
    const w = approvalWorld({ approvers: [], approvalsRequired: 2 });
    w.assign('p1', 'ap1', PRA, 'active');
    w.assign('e-ada', 'ada', SR, 'eligible');
    expect(activationPath(w.state, 'grace', 'e1', at(1))).toEqual({
      needsApproval: true,
      approvers: ['ada', 'ap1'],
      approvalsRequired: 2,
    });
    expect(activationPath(w.state, 'ada', 'e-ada', at(1))).toEqual({
      needsApproval: true,
      approvers: ['ap1'],
      approvalsRequired: 2,
    });
    w.configure(SR, { requireApproval: false });
    expect(activationPath(w.state, 'grace', 'e1', at(1))).toEqual({
      needsApproval: false,
      approvers: [],
      approvalsRequired: 0,
    });
    expect(activationPath(w.state, 'grace', 'nope', at(1)).needsApproval).toBe(false);
  });

  it('activationBlockers shows a pending request until it is resolved', () => {
    const w = requested();
    expect(activationBlockers(w.state, 'grace', 'e1', at(2)).map((r) => r.code)).toEqual([
      'request-pending',
    ]);
    w.decideRequest(REQ, 'ap1', at(2));
    expect(activationBlockers(w.state, 'grace', 'e1', at(3)).map((r) => r.code)).toEqual([
      'already-active',
    ]);
  });
});

describe('the fold', () => {
  it('never mutates the events it folds', () => {
    const w = requested({ approvalsRequired: 2 });
    w.decideRequest(REQ, 'ap1', at(2));
    w.decideRequest(REQ, 'ap2', at(3));
    const snapshot = structuredClone(w.events);
    const state = foldEvents(w.events);
    expect(state.requests[REQ]?.status).toBe('Provisioned');
    expect(w.events).toEqual(snapshot);
  });

  it('ignores request events for requests it does not have', () => {
    const state = World.setUp().state;
    const before = structuredClone(state);
    const ghost: DomainEvent[] = [
      { type: 'RequestGranted', requestId: 'ghost', at: T0 },
      { type: 'RequestExpired', requestId: 'ghost', at: T0 },
      { type: 'RequestFailed', requestId: 'ghost', reason: 'x', at: T0 },
      { type: 'RequestCanceled', requestId: 'ghost', by: 'ada', justification: '', at: T0 },
      {
        type: 'RequestApproved',
        requestId: 'ghost',
        decision: { approverId: 'ada', decision: 'approve', justification: 'x', at: T0 },
      },
      {
        type: 'RequestDenied',
        requestId: 'ghost',
        decision: { approverId: 'ada', decision: 'deny', justification: 'x', at: T0 },
      },
    ];
    for (const event of ghost) applyEvent(state, event);
    expect(state).toEqual(before);
  });
});
