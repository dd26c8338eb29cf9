/**
 * Extend and renew (PRODUCT.md "Lifecycle rules"): the assignee asks within 14 days of the
 * end (extend) or 30 days after expiry (renew); an administrator decides, or extends directly.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { decide } from '#domain/decide';
import type { DecisionContext } from '#domain/decision';
import type { Iso } from '#domain/model';
import type { RejectionCode } from '#domain/rejections';
import { dueWork, nextDueAt } from '#domain/schedule/due-work';
import { asSystem, asUser, at, given, T0, World } from '#domain/test-support';
import { addDays } from '#domain/time';
import {
  ASSIGNMENT_REQUEST_TIMEOUT_DAYS,
  assignmentRequestsAwaiting,
  RENEW_WINDOW_DAYS,
  renewableAssignmentsOf,
  renewalAssignmentIdFor,
  renewalBlocker,
} from './extensions';

const SR = ROLE_IDS.SecurityReader;
const PRA = ROLE_IDS.PrivilegedRoleAdministrator;

const plusMs = (iso: Iso, n: number): Iso => new Date(Date.parse(iso) + n).toISOString();

/** Grace's Security Reader eligibility e1 ends at END (day 60); Pat holds PRA; Ada is GA. */
const END = addDays(T0, 60);
function extendWorld(): World {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  w.addUser('pat', 'Pat');
  w.addUser('sue', 'Sue');
  w.assign('e1', 'grace', SR, 'eligible', { endsAt: END });
  w.assign('perm', 'grace', ROLE_IDS.GlobalReader, 'eligible');
  w.assign('pat-pra', 'pat', PRA, 'active');
  return w;
}

const requestExtension = (
  over: Partial<Extract<Command, { type: 'RequestExtension' }>> = {},
): Command => ({
  type: 'RequestExtension',
  requestId: 'x1',
  assignmentId: 'e1',
  endsAt: addDays(END, 30),
  justification: 'Still on the security rota',
  ...over,
});
const requestRenewal = (
  over: Partial<Extract<Command, { type: 'RequestRenewal' }>> = {},
): Command => ({
  type: 'RequestRenewal',
  requestId: 'r1',
  assignmentId: 'e1',
  endsAt: addDays(END, 90),
  justification: 'Back on the rota',
  ...over,
});
const decideExtension = (
  over: Partial<Extract<Command, { type: 'DecideExtension' }>> = {},
): Command => ({
  type: 'DecideExtension',
  requestId: 'x1',
  decision: 'approve',
  endsAt: null,
  assignmentType: null,
  justification: 'Confirmed with the manager',
  ...over,
});

describe('RequestExtension', () => {
  const w = extendWorld();
  const cases: [string, Command, DecisionContext, RejectionCode | 'accepted'][] = [
    [
      'exactly 14 days before the end',
      requestExtension(),
      asUser('grace', addDays(END, -14)),
      'accepted',
    ],
    ['the day it ends', requestExtension(), asUser('grace', plusMs(END, -1)), 'accepted'],
    [
      '14 days + 1 ms before the end',
      requestExtension(),
      asUser('grace', plusMs(addDays(END, -14), -1)),
      'extension-not-due',
    ],
    ['after it ended', requestExtension(), asUser('grace', END), 'extension-not-due'],
    [
      'for a permanent assignment',
      requestExtension({ assignmentId: 'perm' }),
      asUser('grace', addDays(END, -1)),
      'extension-not-due',
    ],
    ['by someone else', requestExtension(), asUser('pat', addDays(END, -1)), 'not-authorized'],
    [
      'for an unknown assignment',
      requestExtension({ assignmentId: 'nope' }),
      asUser('grace', addDays(END, -1)),
      'unknown-assignment',
    ],
    [
      'to an end no later than the current one',
      requestExtension({ endsAt: END }),
      asUser('grace', addDays(END, -1)),
      'assignment-too-short',
    ],
    [
      'without a reason',
      requestExtension({ justification: '' }),
      asUser('grace', addDays(END, -1)),
      'justification-required',
    ],
    [
      'with an id an activation request holds',
      requestExtension({ requestId: 'req_act1' }),
      asUser('grace', addDays(END, -1)),
      'duplicate-id',
    ],
  ];
  const withRequest = extendWorld();
  withRequest.configure(SR, { requireApproval: true });
  withRequest.activate('act1', 'e1', 'grace', addDays(END, -2));
  it.each(cases)('asked %s: %s', (_name, command, ctx, outcome) => {
    const x = given(withRequest.events).when(command, ctx);
    if (outcome === 'accepted') x.thenAccepts();
    else x.thenRejects(outcome);
  });

  it('records a request pending an administrator’s decision', () => {
    given(w.events)
      .when(requestExtension(), asUser('grace', addDays(END, -3)))
      .then([
        {
          type: 'AssignmentRequested',
          request: {
            id: 'x1',
            kind: 'extend',
            assignmentId: 'e1',
            principalId: 'grace',
            roleId: SR,
            assignmentType: 'eligible',
            endsAt: addDays(END, 30),
            justification: 'Still on the security rota',
            requestedAt: addDays(END, -3),
            status: 'PendingAdminDecision',
            decision: null,
            newAssignmentId: null,
            expiresAt: addDays(END, -3 + ASSIGNMENT_REQUEST_TIMEOUT_DAYS),
            resolvedAt: null,
            resolvedBy: null,
            history: [{ status: 'PendingAdminDecision', at: addDays(END, -3), by: 'grace' }],
          },
        },
      ]);
  });

  it('lapses after 14 days without a decision: the scheduler expires it, and Grace may ask anew', () => {
    const s = extendWorld();
    const asked = addDays(END, -10);
    s.run(requestExtension(), asUser('grace', asked));
    const lapse = addDays(asked, ASSIGNMENT_REQUEST_TIMEOUT_DAYS);
    expect(nextDueAt(s.state)).toBe(lapse < END ? lapse : END);
    // One millisecond before: nothing due for it, and an administrator may still decide.
    expect(dueWork(s.state, plusMs(lapse, -1))).not.toContainEqual({
      type: 'ExpireRequest',
      requestId: 'x1',
    });
    given(s.events)
      .when(decideExtension(), asUser('pat', plusMs(lapse, -1)))
      .thenAccepts();
    // At the timeout: too late to decide, and the scheduler records the lapse.
    given(s.events)
      .when(decideExtension(), asUser('pat', lapse))
      .thenRejects('request-not-pending');
    expect(dueWork(s.state, lapse)).toContainEqual({ type: 'ExpireRequest', requestId: 'x1' });
    // Lapsed but not yet recorded: no administrator is offered it, nothing waits on it.
    expect(assignmentRequestsAwaiting(s.state, plusMs(lapse, -1)).map((r) => r.id)).toEqual(['x1']);
    expect(assignmentRequestsAwaiting(s.state, lapse)).toEqual([]);
    given(s.events)
      .when({ type: 'ExpireRequest', requestId: 'x1' }, asSystem(plusMs(lapse, -1)))
      .thenRejects('request-not-pending');
    s.run({ type: 'ExpireRequest', requestId: 'x1' }, asSystem(addDays(lapse, 1)));
    const request = s.state.assignmentRequests!['x1']!;
    expect(request).toMatchObject({ status: 'Expired', resolvedAt: lapse, resolvedBy: 'system' });
    expect(assignmentRequestsAwaiting(s.state, addDays(lapse, 1))).toEqual([]);
    // The assignment ended meanwhile, so Grace asks to renew it.
    given(s.events)
      .when(requestRenewal({ requestId: 'r2' }), asUser('grace', addDays(lapse, 1)))
      .thenAccepts();
  });

  it('allows one pending extension per assignment, and another after a decision', () => {
    const s = extendWorld();
    s.run(requestExtension(), asUser('grace', addDays(END, -3)));
    given(s.events)
      .when(requestExtension({ requestId: 'x2' }), asUser('grace', addDays(END, -2)))
      .thenRejects('request-pending');
    given(s.events)
      .when(requestRenewal({ requestId: 'x2' }), asUser('grace', addDays(END, 1)))
      .thenRejects('request-pending');
    s.run(decideExtension({ decision: 'deny' }), asUser('ada', addDays(END, -2)));
    given(s.events)
      .when(requestExtension({ requestId: 'x2' }), asUser('grace', addDays(END, -2)))
      .thenAccepts();
  });
});

describe('RequestRenewal', () => {
  /** e1 expired on schedule at END. */
  function expiredWorld(): World {
    const w = extendWorld();
    for (const c of dueWork(w.state, END)) w.run(c, asSystem(END));
    return w;
  }
  const w = expiredWorld();
  const cases: [string, () => World, Iso, RejectionCode | 'accepted'][] = [
    ['right after it expired', expiredWorld, END, 'accepted'],
    ['exactly 30 days after it expired', expiredWorld, addDays(END, 30), 'accepted'],
    [
      '30 days + 1 ms after it expired',
      expiredWorld,
      plusMs(addDays(END, 30), 1),
      'renewal-window-closed',
    ],
    ['before it expired', extendWorld, addDays(END, -1), 'renewal-not-due'],
    // Past its end but not yet recorded by the scheduler: expired all the same.
    ['after its end, before the scheduler recorded it', extendWorld, addDays(END, 1), 'accepted'],
    [
      'after an administrator removed it',
      () => {
        const x = extendWorld();
        x.run(
          { type: 'RemoveAssignment', assignmentId: 'e1', justification: 'Left the team' },
          asUser('ada', addDays(END, -5)),
        );
        return x;
      },
      addDays(END, 1),
      'renewal-not-due',
    ],
  ];
  it.each(cases)('asked %s: %s', (_name, world, when, outcome) => {
    const x = given(world().events).when(
      requestRenewal({ endsAt: addDays(when, 60) }),
      asUser('grace', when),
    );
    if (outcome === 'accepted') x.thenAccepts();
    else x.thenRejects(outcome);
  });

  it('an approved renewal creates a new assignment from the decision', () => {
    const s = expiredWorld();
    s.run(requestRenewal(), asUser('grace', addDays(END, 2)));
    const events = s.run(decideExtension({ requestId: 'r1' }), asUser('pat', addDays(END, 3)));
    const newId = renewalAssignmentIdFor('r1');
    expect(events.map((e) => e.type)).toEqual(['AssignmentRequestDecided', 'RoleAssigned']);
    expect(events[1]).toMatchObject({
      assignment: {
        id: newId,
        principalId: 'grace',
        roleId: SR,
        type: 'eligible',
        startsAt: addDays(END, 3),
        endsAt: addDays(END, 90),
        createdBy: 'pat',
      },
    });
    const state = s.state;
    expect(state.assignmentRequests?.['r1']).toMatchObject({
      status: 'Provisioned',
      newAssignmentId: newId,
      resolvedBy: 'pat',
    });
    expect(state.assignments['e1']?.status).toBe('removed');
    // The renewed eligibility can be activated.
    s.activate('act1', newId, 'grace', addDays(END, 4));
  });

  it('nothing to renew for a request of the wrong user', () => {
    given(w.events)
      .when(requestRenewal(), asUser('pat', addDays(END, 1)))
      .thenRejects('not-authorized');
  });
});

describe('DecideExtension', () => {
  function pendingWorld(): World {
    const w = extendWorld();
    w.run(requestExtension(), asUser('grace', addDays(END, -3)));
    return w;
  }
  const w = pendingWorld();
  const when = addDays(END, -2);

  it('an approval moves the end, as asked', () => {
    const s = pendingWorld();
    const events = s.run(decideExtension(), asUser('pat', when));
    expect(events).toEqual([
      {
        type: 'AssignmentRequestDecided',
        requestId: 'x1',
        decision: {
          adminId: 'pat',
          decision: 'approve',
          endsAt: addDays(END, 30),
          assignmentType: 'eligible',
          justification: 'Confirmed with the manager',
          at: when,
        },
        newAssignmentId: null,
      },
      {
        type: 'AssignmentExtended',
        assignmentId: 'e1',
        endsAt: addDays(END, 30),
        assignmentType: 'eligible',
        at: when,
      },
    ]);
    const state = s.state;
    expect(state.assignments['e1']).toMatchObject({ endsAt: addDays(END, 30), status: 'current' });
    expect(state.assignmentRequests?.['x1']?.status).toBe('Provisioned');
    expect(assignmentRequestsAwaiting(state, when)).toEqual([]);
    // The scheduler no longer expires it at the old end.
    expect(dueWork(state, END)).toEqual([]);
  });

  it('the administrator may change the end and make it active, ending its activations', () => {
    const s = pendingWorld();
    s.activate('act1', 'e1', 'grace', addDays(END, -2));
    const events = s.run(
      decideExtension({ endsAt: addDays(END, 10), assignmentType: 'active' }),
      asUser('ada', plusMs(addDays(END, -2), 600_000)),
    );
    expect(events.map((e) => e.type)).toEqual([
      'AssignmentRequestDecided',
      'AssignmentExtended',
      'ActivationDeactivated',
    ]);
    expect(s.state.assignments['e1']).toMatchObject({ type: 'active', endsAt: addDays(END, 10) });
  });

  it('a denial leaves the assignment alone', () => {
    const s = pendingWorld();
    s.run(decideExtension({ decision: 'deny' }), asUser('pat', when));
    expect(s.state.assignments['e1']?.endsAt).toBe(END);
    expect(s.state.assignmentRequests?.['x1']).toMatchObject({
      status: 'Denied',
      resolvedBy: 'pat',
    });
  });

  const refused: [string, Command, DecisionContext, RejectionCode][] = [
    ['by someone without an admin role', decideExtension(), asUser('sue', when), 'not-authorized'],
    ['by the requester', decideExtension(), asUser('grace', when), 'not-authorized'],
    [
      'for an unknown request',
      decideExtension({ requestId: 'nope' }),
      asUser('pat', when),
      'unknown-request',
    ],
    [
      'without a reason',
      decideExtension({ justification: ' ' }),
      asUser('pat', when),
      'justification-required',
    ],
    [
      'to an end no later than the current one',
      decideExtension({ endsAt: END }),
      asUser('pat', when),
      'assignment-too-short',
    ],
  ];
  it.each(refused)('refuses a decision %s', (_name, command, ctx, code) => {
    given(w.events).when(command, ctx).thenRejects(code);
  });

  it('an administrator cannot decide their own request', () => {
    const s = extendWorld();
    s.assign('pat-sr', 'pat', SR, 'eligible', { endsAt: END });
    s.run(requestExtension({ assignmentId: 'pat-sr' }), asUser('pat', addDays(END, -3)));
    given(s.events)
      .when(decideExtension(), asUser('pat', when))
      .thenRejects('approver-is-requester');
  });

  it('a decided request cannot be decided again; a cancelled one neither', () => {
    const s = pendingWorld();
    s.run(decideExtension(), asUser('pat', when));
    given(s.events).when(decideExtension(), asUser('ada', when)).thenRejects('request-not-pending');
    const c = pendingWorld();
    c.run({ type: 'CancelRequest', requestId: 'x1', justification: '' }, asUser('grace', when));
    expect(c.state.assignmentRequests?.['x1']?.status).toBe('Canceled');
    given(c.events).when(decideExtension(), asUser('pat', when)).thenRejects('request-not-pending');
  });

  it('removing the assignment fails its pending extension', () => {
    const s = pendingWorld();
    const events = s.run(
      { type: 'RemoveAssignment', assignmentId: 'e1', justification: 'Left' },
      asUser('ada', when),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'RequestFailed', requestId: 'x1' }),
    );
    expect(s.state.assignmentRequests?.['x1']?.status).toBe('Failed');
  });

  it('an extension approved after the assignment expired renews it instead', () => {
    const s = pendingWorld();
    for (const c of dueWork(s.state, END)) s.run(c, asSystem(END));
    const events = s.run(decideExtension(), asUser('pat', addDays(END, 1)));
    expect(events.map((e) => e.type)).toEqual(['AssignmentRequestDecided', 'RoleAssigned']);
  });
});

describe('ExtendAssignment', () => {
  const w = extendWorld();
  const extend = (endsAt: Iso | null, assignmentId = 'e1'): Command => ({
    type: 'ExtendAssignment',
    assignmentId,
    endsAt,
    justification: 'Project extended',
  });

  it('an administrator extends directly', () => {
    given(w.events)
      .when(extend(addDays(END, 30)), asUser('pat', at(10)))
      .then([
        {
          type: 'AssignmentExtended',
          assignmentId: 'e1',
          endsAt: addDays(END, 30),
          assignmentType: 'eligible',
          at: at(10),
        },
      ]);
  });

  const refused: [string, () => World, Command, DecisionContext, RejectionCode][] = [
    [
      'by the assignee',
      extendWorld,
      extend(addDays(END, 30)),
      asUser('grace', at(10)),
      'not-authorized',
    ],
    [
      'to an earlier end',
      extendWorld,
      extend(addDays(END, -1)),
      asUser('pat', at(10)),
      'assignment-too-short',
    ],
    [
      'a permanent assignment',
      extendWorld,
      extend(null, 'perm'),
      asUser('pat', at(10)),
      'invalid-value',
    ],
    [
      'an ended assignment',
      extendWorld,
      extend(addDays(END, 30)),
      asUser('pat', END),
      'assignment-ended',
    ],
    [
      'beyond the role’s limit when permanence is not allowed',
      () => {
        const x = extendWorld();
        x.configure(SR, { allowPermanentEligible: false, eligibleExpiryDays: 90 });
        return x;
      },
      extend(addDays(at(10), 91)),
      asUser('pat', at(10)),
      'exceeds-max-assignment',
    ],
    [
      'to permanent when not allowed',
      () => {
        const x = extendWorld();
        x.configure(SR, { allowPermanentEligible: false, eligibleExpiryDays: 90 });
        return x;
      },
      extend(null),
      asUser('pat', at(10)),
      'permanent-not-allowed',
    ],
  ];
  it.each(refused)('refuses extending %s', (_name, world, command, ctx, code) => {
    given(world().events).when(command, ctx).thenRejects(code);
  });

  it('an activation of the extended eligibility may now run past the old end', () => {
    const s = extendWorld();
    s.run(extend(addDays(END, 30)), asUser('pat', at(10)));
    const d = decide(
      {
        type: 'ActivateRole',
        activationId: 'act1',
        assignmentId: 'e1',
        durationMinutes: 480,
        startsAt: null,
        justification: 'Late shift',
        ticket: null,
      },
      s.state,
      asUser('grace', plusMs(END, -60_000)),
    );
    expect(
      d.ok && d.events[0]?.type === 'ActivationStarted' && d.events[0].activation.endsAt > END,
    ).toBe(true);
  });
});

describe('extend and renew what is not a plain user assignment', () => {
  /**
   * The group "oncall" (owner Olive, member Max) is eligible for Security Reader until END; Max
   * is eligible for Contributor at subscription "sub" until END; Nia's User Administrator is
   * limited to unit "paris" until END.
   */
  function mixedWorld(): World {
    const w = extendWorld();
    for (const id of ['olive', 'max', 'nia']) w.addUser(id, id);
    const ada = asUser('ada');
    w.run(
      {
        type: 'CreateGroup',
        groupId: 'oncall',
        name: 'On call',
        description: '',
        ownerId: 'olive',
      },
      ada,
    );
    w.run({ type: 'AddGroupMember', groupId: 'oncall', userId: 'max' }, ada);
    w.run(
      { type: 'CreateScope', scopeId: 'sub', kind: 'subscription', name: 'Sub', parentId: null },
      ada,
    );
    w.run({ type: 'CreateAdministrativeUnit', administrativeUnitId: 'paris', name: 'Paris' }, ada);
    const base = {
      type: 'AssignRole',
      principalKind: 'user',
      scopeId: null,
      administrativeUnitId: null,
      assignmentType: 'eligible',
      startsAt: null,
      endsAt: END,
      justification: 'Rota',
    } as const;
    w.run(
      { ...base, assignmentId: 'g1', principalId: 'oncall', principalKind: 'group', roleId: SR },
      ada,
    );
    w.run(
      {
        ...base,
        assignmentId: 's1',
        principalId: 'max',
        roleId: ROLE_IDS.Contributor,
        scopeId: 'sub',
      },
      ada,
    );
    w.run(
      {
        ...base,
        assignmentId: 'u1',
        principalId: 'nia',
        roleId: ROLE_IDS.UserAdministrator,
        administrativeUnitId: 'paris',
      },
      ada,
    );
    return w;
  }

  it('lets a group’s owner, not its member, ask to extend the group’s assignment; the asker cannot decide it', () => {
    const w = mixedWorld();
    const when = addDays(END, -2);
    given(w.events)
      .when(requestExtension({ assignmentId: 'g1' }), asUser('max', when))
      .thenRejects('not-authorized');
    given(w.events)
      .when(requestExtension({ assignmentId: 'g1' }), asUser('olive', when))
      .thenAccepts();
    // Pat, a Privileged Role Administrator, co-owns the group and asks for it.
    w.run({ type: 'AddGroupOwner', groupId: 'oncall', userId: 'pat' }, asUser('ada', when));
    w.run(requestExtension({ assignmentId: 'g1' }), asUser('pat', when));
    expect(w.state.assignmentRequests!['x1']).toMatchObject({ principalId: 'oncall' });
    given(w.events)
      .when(decideExtension(), asUser('pat', addDays(when, 1)))
      .thenRejects('approver-is-requester');
    w.run(decideExtension(), asUser('ada', addDays(when, 1)));
    expect(w.state.assignments['g1']!.endsAt).toBe(addDays(END, 30));
  });

  it('lets the owner who asked for the group cancel the ask, and no plain member', () => {
    const w = mixedWorld();
    w.run(requestExtension({ assignmentId: 'g1' }), asUser('olive', addDays(END, -2)));
    const cancel = { type: 'CancelRequest', requestId: 'x1', justification: '' } as const;
    given(w.events)
      .when(cancel, asUser('max', addDays(END, -1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(cancel, asUser('olive', addDays(END, -1)))
      .thenAccepts();
  });

  it.each([
    ['a group’s', 'g1', 'olive', { principalId: 'oncall', principalKind: 'group' }],
    ['a scoped', 's1', 'max', { principalId: 'max', scopeId: 'sub' }],
    ['a unit-limited', 'u1', 'nia', { principalId: 'nia', administrativeUnitId: 'paris' }],
  ] as const)('renews %s assignment with its principal, scope and unit', (_, id, who, kept) => {
    const w = mixedWorld();
    w.run({ type: 'ExpireAssignment', assignmentId: id }, asSystem(END));
    w.run(requestRenewal({ assignmentId: id }), asUser(who, addDays(END, 2)));
    w.run(decideExtension({ requestId: 'r1' }), asUser('pat', addDays(END, 3)));
    expect(w.state.assignments[renewalAssignmentIdFor('r1')]).toMatchObject({
      ...kept,
      status: 'current',
      endsAt: addDays(END, 90),
    });
  });
});

describe('renewableAssignmentsOf', () => {
  it('lists what expired within the renewal window, the same days renewalBlocker allows', () => {
    const w = extendWorld();
    const ids = (when: Iso) => renewableAssignmentsOf(w.state, 'grace', when).map((a) => a.id);
    expect(ids(plusMs(END, -1))).toEqual([]);
    expect(ids(END)).toEqual(['e1']);
    const closes = addDays(END, RENEW_WINDOW_DAYS);
    expect(ids(closes)).toEqual(['e1']);
    expect(renewalBlocker(w.state, 'grace', 'e1', closes)).toBeNull();
    expect(ids(plusMs(closes, 1))).toEqual([]);
    expect(renewalBlocker(w.state, 'grace', 'e1', plusMs(closes, 1))?.code).toBe(
      'renewal-window-closed',
    );
  });

  it('leaves out what was removed before its end, and other people’s', () => {
    const w = extendWorld();
    w.run(
      { type: 'RemoveAssignment', assignmentId: 'e1', justification: 'Left the rota' },
      asUser('ada', addDays(T0, 10)),
    );
    expect(renewableAssignmentsOf(w.state, 'grace', addDays(END, 1))).toEqual([]);
    const fresh = extendWorld();
    expect(renewableAssignmentsOf(fresh.state, 'pat', addDays(END, 1))).toEqual([]);
  });
});
