/**
 * PIM for Groups: who is a member or owner of a group at an instant (PRODUCT.md "Concepts").
 * A user is a member of a group through its permanent `memberIds`, through a just-in-time
 * membership (an active assignment or activation of `group-member:<id>`), or through a group
 * nested in it. Membership is resolved as a fixpoint over sets, so a cycle (which `decide`
 * refuses, but an old or hand-edited read model might hold) can never loop.
 */
import { isActivationActive, isAssignmentInForce } from '#domain/activation/status';
import { GROUP_MEMBER_PREFIX, groupOwnerRoleId, parseGroupRoleId } from '#domain/catalogue';
import type { Assignment, GroupId, Iso, TenantState, UserId } from '#domain/model';
import { getOwn, indexBy, positionsOf, valuesOf, withPrefix } from '#domain/records';

/**
 * True when `assignment` is to `userId`, or to a group in `groups` (the user's groups at the
 * instant in question): the user inherits it.
 */
export function assignmentCovers(
  assignment: Assignment,
  userId: UserId,
  groups: ReadonlySet<GroupId>,
): boolean {
  return assignment.principalKind === 'group'
    ? groups.has(assignment.principalId)
    : assignment.principalId === userId;
}

/**
 * Every group `userId` is a member of at `at`: directly, just in time (while the membership
 * assignment or activation is active), and through nesting (a member of a nested group is a
 * member of every group it is nested in, transitively).
 */
export function groupsOfUser(state: TenantState, userId: UserId, at: Iso): Set<GroupId> {
  const groups = state.groups;
  const found = new Set<GroupId>();
  for (const g of valuesOf(groups)) if (g.memberIds.includes(userId)) found.add(g.id);
  // JIT memberships may themselves be assigned to a group, so they join the fixpoint.
  const jit = withPrefix(state.assignments, 'roleId', GROUP_MEMBER_PREFIX);
  const jitActivations = (indexBy(state.activations, 'principalId').get(userId) ?? []).filter(
    (a) => a.roleId.startsWith(GROUP_MEMBER_PREFIX) && isActivationActive(a, at),
  );
  for (let changed = true; changed;) {
    changed = false;
    const add = (id: GroupId) => {
      if (!found.has(id) && getOwn(groups, id)) {
        found.add(id);
        changed = true;
      }
    };
    for (const a of jit) {
      if (a.type === 'active' && isAssignmentInForce(a, at) && assignmentCovers(a, userId, found)) {
        add(a.roleId.slice(GROUP_MEMBER_PREFIX.length));
      }
    }
    for (const act of jitActivations) {
      const a = getOwn(state.assignments, act.assignmentId);
      if (a && assignmentCovers(a, userId, found))
        add(act.roleId.slice(GROUP_MEMBER_PREFIX.length));
    }
    for (const g of valuesOf(groups)) {
      if (!found.has(g.id) && g.nestedGroupIds.some((child) => found.has(child))) add(g.id);
    }
  }
  return found;
}

/**
 * The assignments to `userId` or to any of `groups`, in the record's order (an index lookup per
 * principal instead of a scan of every assignment).
 */
export function assignmentsOfPrincipals(
  state: TenantState,
  userId: UserId,
  groups: ReadonlySet<GroupId>,
): readonly Assignment[] {
  const byPrincipal = indexBy(state.assignments, 'principalId');
  const own = byPrincipal.get(userId) ?? [];
  if (groups.size === 0) return own;
  const all = [...own];
  for (const groupId of groups) all.push(...(byPrincipal.get(groupId) ?? []));
  const position = positionsOf(state.assignments);
  return all.sort((a, b) => position.get(a)! - position.get(b)!);
}

/** The users who are members of `groupId` at `at` (any way), in id order. */
export function membersOf(state: TenantState, groupId: GroupId, at: Iso): UserId[] {
  return Object.keys(state.users)
    .filter((userId) => groupsOfUser(state, userId, at).has(groupId))
    .sort();
}

/**
 * True when `userId` owns `groupId` at `at`: a permanent owner, or a just-in-time owner (an
 * active assignment or activation of `group-owner:<id>`, possibly inherited through a group).
 * Ownership does not flow through nesting: owning a group says nothing about its parents.
 */
export function isGroupOwner(
  state: TenantState,
  userId: UserId,
  groupId: GroupId,
  at: Iso,
): boolean {
  const group = getOwn(state.groups, groupId);
  if (!group) return false;
  if (group.ownerIds.includes(userId)) return true;
  const roleId = groupOwnerRoleId(groupId);
  const groups = groupsOfUser(state, userId, at);
  for (const a of indexBy(state.assignments, 'roleId').get(roleId) ?? []) {
    if (a.type === 'active' && isAssignmentInForce(a, at)) {
      if (assignmentCovers(a, userId, groups)) return true;
    }
  }
  for (const act of indexBy(state.activations, 'roleId').get(roleId) ?? []) {
    if (act.principalId !== userId || !isActivationActive(act, at)) continue;
    const a = getOwn(state.assignments, act.assignmentId);
    if (a && assignmentCovers(a, userId, groups)) return true;
  }
  return false;
}

/**
 * True when nesting `childGroupId` into `groupId` would make a group (transitively) contain
 * itself: `groupId` is the child or is already reachable from the child's nested groups.
 */
export function wouldNestingCycle(
  state: TenantState,
  groupId: GroupId,
  childGroupId: GroupId,
): boolean {
  const groups = state.groups;
  const seen = new Set<GroupId>();
  const stack = [childGroupId];
  while (stack.length > 0) {
    const id = stack.pop() as GroupId;
    if (id === groupId) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(getOwn(groups, id)?.nestedGroupIds ?? []));
  }
  return false;
}

/** The group a pseudo-role of PIM for Groups belongs to, or null for any other role. */
export function groupOfRole(roleId: string): GroupId | null {
  return parseGroupRoleId(roleId)?.groupId ?? null;
}
