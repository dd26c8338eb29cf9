/**
 * UpdateAssignment (issue 3, "Admins assign … permanent or time-bound (start and end), update,
 * remove"): the period of a current assignment changes within the role's rules.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import type { DecisionContext } from '#domain/decision';
import type { Iso } from '#domain/model';
import type { RejectionCode } from '#domain/rejections';
import { asUser, at, given, World } from '#domain/test-support';
import { addDays } from '#domain/time';

const SR = ROLE_IDS.SecurityReader;
const GR = ROLE_IDS.GlobalReader;

/**
 * Grace: e-now (Security Reader, eligible, started at T0, ends at day 30), e-later (Global
 * Reader, eligible, starts at day 10, ends at day 40), a-perm (Security Reader, active,
 * permanent); Linus holds no role.
 */
function world(): World {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  w.addUser('linus', 'Linus');
  w.assign('e-now', 'grace', SR, 'eligible', { endsAt: addDays(at(0), 30) });
  w.run(
    {
      type: 'AssignRole',
      principalKind: 'user',
      scopeId: null,
      administrativeUnitId: null,
      assignmentId: 'e-later',
      principalId: 'grace',
      roleId: GR,
      assignmentType: 'eligible',
      startsAt: addDays(at(0), 10),
      endsAt: addDays(at(0), 40),
      justification: 'Joins the audit team',
    },
    asUser('ada'),
  );
  w.assign('a-perm', 'grace', ROLE_IDS.GlobalReader, 'active');
  return w;
}

const update = (
  assignmentId: string,
  startsAt: Iso | null,
  endsAt: Iso | null,
  justification = 'Project dates moved',
): Command => ({ type: 'UpdateAssignment', assignmentId, startsAt, endsAt, justification });

describe('UpdateAssignment', () => {
  const day = (n: number) => addDays(at(0), n);
  const cases: [string, Command, DecisionContext, RejectionCode | 'accepted'][] = [
    [
      'shortens a started assignment',
      update('e-now', null, day(20)),
      asUser('ada', at(10)),
      'accepted',
    ],
    ['lengthens it', update('e-now', null, day(60)), asUser('ada', at(10)), 'accepted'],
    [
      'makes it permanent (the role allows it)',
      update('e-now', null, null),
      asUser('ada', at(10)),
      'accepted',
    ],
    [
      'moves a future start earlier',
      update('e-later', day(5), day(40)),
      asUser('ada', at(10)),
      'accepted',
    ],
    [
      'keeps a started assignment’s start',
      update('e-now', day(1), day(20)),
      asUser('ada', at(10)),
      'invalid-value',
    ],
    [
      'leaves it shorter than 5 minutes',
      update('e-later', day(10), addDays(day(10), 0.003)),
      asUser('ada', at(10)),
      'assignment-too-short',
    ],
    [
      'ends it in the past',
      update('e-now', null, at(5)),
      asUser('ada', at(10)),
      'assignment-too-short',
    ],
    ['changes nothing', update('e-now', null, day(30)), asUser('ada', at(10)), 'invalid-value'],
    [
      'is asked by someone without the right',
      update('e-now', null, day(20)),
      asUser('linus', at(10)),
      'not-authorized',
    ],
    [
      'by the holder themselves',
      update('e-now', null, day(60)),
      asUser('grace', at(10)),
      'not-authorized',
    ],
    [
      'of an unknown assignment',
      update('nope', null, day(20)),
      asUser('ada', at(10)),
      'unknown-assignment',
    ],
    ['with a bad time', update('e-now', null, 'soon'), asUser('ada', at(10)), 'invalid-value'],
    [
      'of an active assignment without a justification',
      update('a-perm', null, day(20), ''),
      asUser('ada', at(10)),
      'justification-required',
    ],
  ];
  it.each(cases)('%s', (_, command, ctx, outcome) => {
    const when = given(world().events).when(command, ctx);
    if (outcome === 'accepted') when.thenAccepts();
    else when.thenRejects(outcome);
  });

  it('records the period before and after, and the new period applies', () => {
    const w = world();
    const [event] = w.run(update('e-later', day(5), day(35)), asUser('ada', at(10)));
    expect(event).toEqual({
      type: 'AssignmentUpdated',
      assignmentId: 'e-later',
      before: { startsAt: day(10), endsAt: day(40) },
      after: { startsAt: day(5), endsAt: day(35) },
      at: at(10),
    });
    expect(w.state.assignments['e-later']).toMatchObject({ startsAt: day(5), endsAt: day(35) });
  });

  it('refuses a permanent end the role no longer allows, and an end before a running activation', () => {
    const w = world();
    w.configure(SR, { allowPermanentEligible: false, eligibleExpiryDays: 90 });
    given(w.events)
      .when(update('e-now', null, null), asUser('ada', at(10)))
      .thenRejects('permanent-not-allowed');
    w.activate('act1', 'e-now', 'grace', at(20), 240);
    const decision = given(w.events)
      .when(update('e-now', null, addDays(at(20), 0.05)), asUser('ada', at(30)))
      .thenRejects('invalid-value');
    expect(!decision.ok && decision.rejection.message).toMatch(/activation .* runs until/);
  });

  it('refuses a period that would overlap another assignment of the role to the same holder', () => {
    const w = world();
    w.run(
      {
        type: 'AssignRole',
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        assignmentId: 'e-next',
        principalId: 'grace',
        roleId: SR,
        assignmentType: 'eligible',
        startsAt: day(31),
        endsAt: day(60),
        justification: 'Next term',
      },
      asUser('ada'),
    );
    given(w.events)
      .when(update('e-now', null, day(45)), asUser('ada', at(10)))
      .thenRejects('already-assigned');
  });
});
