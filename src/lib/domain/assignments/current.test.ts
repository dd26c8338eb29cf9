import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { asUser, at, World } from '#domain/test-support';
import { assignmentPhase, currentAssignments } from './current';

const { GlobalAdministrator: GA, SecurityReader: SR, GlobalReader } = ROLE_IDS;

const phases = (w: World, when: string) =>
  Object.fromEntries(currentAssignments(w.state, when).map((c) => [c.assignment.id, c.phase]));

describe('current assignments', () => {
  it('lists upcoming, in-force and held-over assignments, and leaves out ended ones', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.addUser('linus', 'Linus');
    // Grace: the only GA once Ada's is gone, until at(60).
    w.assign('ga-grace', 'grace', GA, 'active', { endsAt: at(60) });
    w.run(
      { type: 'RemoveAssignment', assignmentId: 'bootstrap-ada', justification: 'Handover' },
      asUser('grace', at(10)),
    );
    w.assign('reader', 'linus', GlobalReader, 'active', {
      when: at(10),
      endsAt: at(60),
      by: 'grace',
    });
    w.run(
      {
        type: 'AssignRole',
        assignmentId: 'later',
        principalId: 'linus',
        principalKind: 'user',
        roleId: SR,
        scopeId: null,
        administrativeUnitId: null,
        assignmentType: 'eligible',
        startsAt: at(200),
        endsAt: null,
        justification: 'Joins the security team',
      },
      asUser('grace', at(10)),
    );
    expect(phases(w, at(30))).toEqual({
      'ga-grace': 'in-force',
      reader: 'in-force',
      later: 'upcoming',
    });
    // Past at(60): Linus's reader assignment has ended (not recorded yet); Grace's GA is kept.
    expect(phases(w, at(90))).toEqual({ 'ga-grace': 'held-over', later: 'upcoming' });
    expect(phases(w, at(200))).toEqual({ 'ga-grace': 'held-over', later: 'in-force' });
  });

  it('ends a held-over assignment once someone else holds the role', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('ga-grace', 'grace', GA, 'active', { endsAt: at(60) });
    const grace = w.state.assignments['ga-grace'];
    if (!grace) throw new Error('no assignment');
    // Ada still holds GA permanently, so Grace's ends on time.
    expect(assignmentPhase(w.state, grace, at(59))).toBe('in-force');
    expect(assignmentPhase(w.state, grace, at(60))).toBe('ended');
  });

  it('counts a removed assignment as ended', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('sr', 'grace', SR, 'eligible');
    w.run(
      { type: 'RemoveAssignment', assignmentId: 'sr', justification: 'Left the team' },
      asUser('ada', at(10)),
    );
    expect(phases(w, at(11))).toEqual({ 'bootstrap-ada': 'in-force' });
  });
});
