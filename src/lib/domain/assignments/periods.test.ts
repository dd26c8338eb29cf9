/**
 * The end the app suggests for an assignment comes from the role's settings, and is exactly the
 * longest end the deciders accept: AssignRole and UpdateAssignment counted from the start,
 * ExtendAssignment, DecideExtension (and so renewals) counted from the decision.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { asUser, at, given, World } from '#domain/test-support';
import { addDays, addMinutes } from '#domain/time';
import { defaultAssignmentEnd } from './periods';

const GR = ROLE_IDS.GlobalReader;
const SR = ROLE_IDS.SecurityReader;

/** Global Reader: no permanent assignments, eligible for at most 90 days, active for 30. */
function limited(): World {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  w.configure(GR, {
    allowPermanentEligible: false,
    eligibleExpiryDays: 90,
    allowPermanentActive: false,
    activeExpiryDays: 30,
  });
  return w;
}

const assignGR = (
  type: 'eligible' | 'active',
  startsAt: string | null,
  endsAt: string | null,
): Command => ({
  type: 'AssignRole',
  assignmentId: 'new',
  principalId: 'grace',
  principalKind: 'user',
  roleId: GR,
  scopeId: null,
  administrativeUnitId: null,
  assignmentType: type,
  startsAt,
  endsAt,
  justification: 'Joins the audit team',
});

describe('defaultAssignmentEnd', () => {
  it('follows the role’s expiry settings for each type', () => {
    const w = limited();
    expect(defaultAssignmentEnd(w.state, { roleId: GR }, 'eligible', at(0))).toBe(
      addDays(at(0), 90),
    );
    expect(defaultAssignmentEnd(w.state, { roleId: GR }, 'active', at(0))).toBe(addDays(at(0), 30));
    // A role left at its defaults: a year eligible, six months active.
    expect(defaultAssignmentEnd(w.state, { roleId: SR }, 'eligible', at(0))).toBe(
      addDays(at(0), 365),
    );
    expect(defaultAssignmentEnd(w.state, { roleId: SR }, 'active', at(0))).toBe(
      addDays(at(0), 180),
    );
  });

  it('is the longest end AssignRole accepts, counted from the start', () => {
    const w = limited();
    for (const type of ['eligible', 'active'] as const) {
      const start = addDays(at(0), 2);
      const end = defaultAssignmentEnd(w.state, { roleId: GR }, type, start);
      given(w.events)
        .when(assignGR(type, start, end), asUser('ada', at(1)))
        .thenAccepts();
      given(w.events)
        .when(assignGR(type, start, addMinutes(end, 1)), asUser('ada', at(1)))
        .thenRejects('exceeds-max-assignment');
    }
  });

  it('is the longest end an extension accepts, counted from the decision', () => {
    const w = limited();
    w.run(assignGR('eligible', null, addDays(at(0), 20)), asUser('ada'));
    const when = addDays(at(0), 10);
    const end = defaultAssignmentEnd(w.state, { roleId: GR }, 'eligible', when);
    const extend = (endsAt: string): Command => ({
      type: 'ExtendAssignment',
      assignmentId: 'new',
      endsAt,
      justification: 'Project runs longer',
    });
    given(w.events).when(extend(end), asUser('ada', when)).thenAccepts();
    given(w.events)
      .when(extend(addMinutes(end, 1)), asUser('ada', when))
      .thenRejects('exceeds-max-assignment');
  });

  it('is the longest end an approved renewal accepts, counted from the decision', () => {
    const w = limited();
    w.run(assignGR('active', null, addDays(at(0), 20)), asUser('ada'));
    const asked = addDays(at(0), 21);
    w.run(
      {
        type: 'RequestRenewal',
        requestId: 'renew-1',
        assignmentId: 'new',
        endsAt: addDays(asked, 60),
        justification: 'Still on the audit team',
      },
      asUser('grace', asked),
    );
    const end = defaultAssignmentEnd(w.state, { roleId: GR }, 'active', asked);
    const approve = (endsAt: string): Command => ({
      type: 'DecideExtension',
      requestId: 'renew-1',
      decision: 'approve',
      endsAt,
      assignmentType: null,
      justification: 'Confirmed with the audit lead',
    });
    given(w.events).when(approve(end), asUser('ada', asked)).thenAccepts();
    given(w.events)
      .when(approve(addMinutes(end, 1)), asUser('ada', asked))
      .thenRejects('exceeds-max-assignment');
  });
});
