/**
 * "What is active for this person now" (`activeRolesOf`) is `grantsOf`, the rule permissions
 * use: roles held through a group and the last Global Administrator kept past the end count.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { asUser, at, World } from '#domain/test-support';
import { activeRolesOf, grantsOf, holdsRoleAt } from './holdings';

const { GlobalAdministrator: GA, SecurityReader: SR, GlobalReader } = ROLE_IDS;

/** Ada (GA) and Bo; Bo is a member of the group "sre", which Ada owns. */
function withGroup(): World {
  const w = World.setUp();
  w.addUser('bo', 'Bo');
  const run = (command: Command) => w.run(command, asUser('ada'));
  run({ type: 'CreateGroup', groupId: 'sre', name: 'SRE', description: '', ownerId: 'ada' });
  run({ type: 'AddGroupMember', groupId: 'sre', userId: 'bo' });
  return w;
}

const toGroup = (
  assignmentId: string,
  roleId: string,
  assignmentType: 'eligible' | 'active',
): Command => ({
  type: 'AssignRole',
  assignmentId,
  principalId: 'sre',
  principalKind: 'group',
  roleId,
  scopeId: null,
  administrativeUnitId: null,
  assignmentType,
  startsAt: null,
  endsAt: null,
  justification: 'On-call rota',
});

const ids = (roles: ReturnType<typeof activeRolesOf>) => ({
  activations: roles.activations.map((a) => a.id),
  assignments: roles.assignments.map((h) => [h.assignment.id, h.heldOver]),
});

describe('activeRolesOf', () => {
  it('lists an active role held only through a group', () => {
    const w = withGroup();
    w.run(toGroup('g-sr', SR, 'active'), asUser('ada'));
    const held = activeRolesOf(w.state, 'bo', at(1));
    expect(ids(held)).toEqual({ activations: [], assignments: [['g-sr', false]] });
    // The assignment's principal is the group, not Bo: the same answer permissions give.
    expect(held.assignments[0]?.assignment.principalId).toBe('sre');
    expect(holdsRoleAt(w.state, 'bo', SR, null, at(1))).toBe(true);
  });

  it('lists an activation through a group only while its member is in the group', () => {
    const w = withGroup();
    w.run(toGroup('g-e', SR, 'eligible'), asUser('ada'));
    w.activate('act', 'g-e', 'bo', at(1));
    expect(ids(activeRolesOf(w.state, 'bo', at(2)))).toEqual({
      activations: ['act'],
      assignments: [],
    });
    w.run({ type: 'RemoveGroupMember', groupId: 'sre', userId: 'bo' }, asUser('ada', at(3)));
    expect(ids(activeRolesOf(w.state, 'bo', at(4)))).toEqual({ activations: [], assignments: [] });
  });

  it('keeps the last Global Administrator past the end of their assignment (held over)', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('ga-grace', 'grace', GA, 'active', { endsAt: at(60) });
    w.run(
      { type: 'RemoveAssignment', assignmentId: 'bootstrap-ada', justification: 'Handover' },
      asUser('grace', at(10)),
    );
    expect(ids(activeRolesOf(w.state, 'grace', at(30)))).toEqual({
      activations: [],
      assignments: [['ga-grace', false]],
    });
    // Past its end nobody else holds GA, so the domain keeps it in force, and says so.
    expect(ids(activeRolesOf(w.state, 'grace', at(90)))).toEqual({
      activations: [],
      assignments: [['ga-grace', true]],
    });
    expect(grantsOf(w.state, 'grace', at(90)).map((g) => g.assignmentId)).toEqual(['ga-grace']);
  });

  it('leaves out eligibility, scheduled activations, and ended assignments', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', SR, 'eligible');
    w.assign('r1', 'grace', GlobalReader, 'active', { endsAt: at(60) });
    w.activate('later', 'e1', 'grace', at(0), 60, at(120));
    expect(ids(activeRolesOf(w.state, 'grace', at(30)))).toEqual({
      activations: [],
      assignments: [['r1', false]],
    });
    expect(ids(activeRolesOf(w.state, 'grace', at(61)))).toEqual({
      activations: [],
      assignments: [],
    });
    expect(ids(activeRolesOf(w.state, 'grace', at(130)))).toEqual({
      activations: ['later'],
      assignments: [],
    });
  });

  it('orders activations by their end and gives a disabled user nothing', () => {
    const w = World.setUp();
    w.addUser('grace', 'Grace');
    w.assign('e1', 'grace', SR, 'eligible');
    w.assign('e2', 'grace', GlobalReader, 'eligible');
    w.activate('long', 'e1', 'grace', at(0), 120);
    w.activate('short', 'e2', 'grace', at(1), 30);
    expect(ids(activeRolesOf(w.state, 'grace', at(5))).activations).toEqual(['short', 'long']);
    const state = w.state;
    const grace = state.users['grace'];
    if (grace) grace.status = 'disabled';
    expect(ids(activeRolesOf(state, 'grace', at(5)))).toEqual({ activations: [], assignments: [] });
  });
});
