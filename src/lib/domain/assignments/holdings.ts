/**
 * What a user holds at an instant, and where: the one place that folds together direct
 * assignments, assignments inherited through groups (PIM for Groups), activations, scopes and
 * administrative units, and the safeguard hold-over. Permissions, safeguards, approvers and
 * eligibility all read it, so they can never disagree about who holds what.
 */
import { isActivationActive, isAssignmentInForce } from '#domain/activation/status';
import { ROLE_IDS } from '#domain/catalogue';
import type {
  Activation,
  ActivationId,
  AdministrativeUnitId,
  Assignment,
  AssignmentId,
  GroupId,
  Iso,
  RoleId,
  ScopeId,
  TenantState,
  UserId,
} from '#domain/model';
import {
  assignmentCovers,
  assignmentsOfPrincipals,
  groupsOfUser,
} from '#domain/organisation/groups';
import { scopeCovers } from '#domain/organisation/scopes';
import { getOwn, indexBy } from '#domain/records';
import { compareByEnd } from '#domain/time';

/** One role a user holds right now, where, and through which assignment. */
export type Grant = {
  roleId: RoleId;
  /** null: tenant-wide. */
  scopeId: ScopeId | null;
  /** null: not limited to an administrative unit. */
  administrativeUnitId: AdministrativeUnitId | null;
  assignmentId: AssignmentId;
  via: 'assignment' | 'activation';
  /** The activation that grants it (via 'activation'), else null. */
  activationId: ActivationId | null;
};

/** The roles whose last active holders the safeguards keep (PRODUCT.md "Safeguards"). */
const SAFEGUARDED: readonly RoleId[] = [
  ROLE_IDS.GlobalAdministrator,
  ROLE_IDS.PrivilegedRoleAdministrator,
];

const enabled = (state: TenantState, userId: UserId) =>
  getOwn(state.users, userId)?.status === 'active';

/**
 * Whether the activation `activation` still grants at `at`: it is active and, when its
 * assignment is to a group, the user is still a member (a JIT member whose membership ended
 * loses what they activated through the group).
 */
function activationGrants(
  state: TenantState,
  activation: { assignmentId: AssignmentId; principalId: UserId },
  groups: ReadonlySet<GroupId>,
): Assignment | null {
  const assignment = getOwn(state.assignments, activation.assignmentId);
  if (!assignment) return null;
  if (assignment.principalKind === 'group' && !groups.has(assignment.principalId)) return null;
  return assignment;
}

/**
 * Every enabled-or-not user's grants at `at` (the caller decides whether disabled users count):
 * active assignments in force to them or to a group they are in, activations of eligible ones
 * that still cover them, and safeguard hold-overs (`isHeldOver`).
 */
export function grantsOf(state: TenantState, userId: UserId, at: Iso): Grant[] {
  const groups = groupsOfUser(state, userId, at);
  const grants: Grant[] = [];
  const push = (a: Assignment, activationId: ActivationId | null) =>
    grants.push({
      roleId: a.roleId,
      scopeId: a.scopeId,
      administrativeUnitId: a.administrativeUnitId,
      assignmentId: a.id,
      via: activationId === null ? 'assignment' : 'activation',
      activationId,
    });
  for (const a of assignmentsOfPrincipals(state, userId, groups)) {
    if (a.type !== 'active' || !assignmentCovers(a, userId, groups)) continue;
    if (isAssignmentInForce(a, at) || isHeldOver(state, a, at)) push(a, null);
  }
  for (const act of indexBy(state.activations, 'principalId').get(userId) ?? []) {
    if (!isActivationActive(act, at)) continue;
    const a = activationGrants(state, act, groups);
    if (a) push({ ...a, roleId: act.roleId }, act.id);
    // An activation whose assignment is unknown (never in a consistent state) still counts
    // tenant-wide.
    else if (!getOwn(state.assignments, act.assignmentId)) {
      grants.push({
        roleId: act.roleId,
        scopeId: null,
        administrativeUnitId: null,
        assignmentId: act.assignmentId,
        via: 'activation',
        activationId: act.id,
      });
    }
  }
  return grants;
}

/** What a person holds right now, as My roles lists it under "Active now". */
export type ActiveRoles = {
  /** Activations that grant a role now, the soonest to end first. */
  activations: Activation[];
  /**
   * Active assignments in force now, to them or to a group they are in, and the last Global or
   * Privileged Role Administrator's kept past its end (`heldOver`).
   */
  assignments: { assignment: Assignment; heldOver: boolean }[];
};

/**
 * What `userId` holds at `at`, exactly as `grantsOf` decides it for permissions: nothing for a
 * disabled user; an activation only while it grants (a group's member who left the group no
 * longer holds what they activated through it).
 */
export function activeRolesOf(state: TenantState, userId: UserId, at: Iso): ActiveRoles {
  const held: ActiveRoles = { activations: [], assignments: [] };
  if (!enabled(state, userId)) return held;
  for (const grant of grantsOf(state, userId, at)) {
    if (grant.activationId !== null) {
      const activation = getOwn(state.activations, grant.activationId);
      if (activation) held.activations.push(activation);
      continue;
    }
    const assignment = getOwn(state.assignments, grant.assignmentId);
    if (assignment) {
      held.assignments.push({ assignment, heldOver: !isAssignmentInForce(assignment, at) });
    }
  }
  held.activations.sort((a, b) => compareByEnd(a.endsAt, a.id, b.endsAt, b.id));
  return held;
}

/**
 * True when `userId` holds `roleId` at `scopeId` at `at`: through a grant at that scope or any
 * scope above it (assignments inherit downward), or a tenant-wide one. `scopeId` null asks
 * about the tenant as a whole, which only a tenant-wide grant covers. Grants limited to an
 * administrative unit never count here.
 */
export function holdsRoleAt(
  state: TenantState,
  userId: UserId,
  roleId: RoleId,
  scopeId: ScopeId | null,
  at: Iso,
): boolean {
  if (!enabled(state, userId)) return false;
  return grantsOf(state, userId, at).some(
    (g) =>
      g.roleId === roleId &&
      g.administrativeUnitId === null &&
      scopeCovers(state, g.scopeId, scopeId),
  );
}

/**
 * The enabled users holding `roleId` (at any scope) at `at`, through any grant. `without`
 * leaves one assignment (and activations made from it) out, to ask "and after it is removed?".
 */
export function holdersOf(
  state: TenantState,
  roleId: RoleId,
  at: Iso,
  without?: AssignmentId,
): Set<UserId> {
  const holders = new Set<UserId>();
  for (const userId of candidateUsers(state, roleId)) {
    if (!enabled(state, userId)) continue;
    const holds = grantsOf(state, userId, at).some(
      (g) => g.roleId === roleId && g.assignmentId !== without,
    );
    if (holds) holders.add(userId);
  }
  return holders;
}

/** Users who could hold `roleId`: cheap pre-filter so the common case avoids group resolution. */
function candidateUsers(state: TenantState, roleId: RoleId): Iterable<UserId> {
  const relevant = indexBy(state.assignments, 'roleId').get(roleId) ?? [];
  if (relevant.some((a) => a.principalKind === 'group')) return Object.keys(state.users);
  const users = new Set<UserId>(relevant.map((a) => a.principalId));
  for (const act of indexBy(state.activations, 'roleId').get(roleId) ?? []) {
    users.add(act.principalId);
  }
  return users;
}

/**
 * The users holding `roleId` at `at` strictly by time (no hold-over), so the hold-over rule
 * can ask "is anyone left?" without asking itself.
 */
function strictHolders(state: TenantState, roleId: RoleId, at: Iso): boolean {
  for (const a of indexBy(state.assignments, 'roleId').get(roleId) ?? []) {
    if (a.type !== 'active' || !isAssignmentInForce(a, at)) continue;
    if (a.principalKind === 'user' ? enabled(state, a.principalId) : true) {
      if (a.principalKind === 'user') return true;
      if (
        Object.keys(state.users).some(
          (u) => enabled(state, u) && groupsOfUser(state, u, at).has(a.principalId),
        )
      ) {
        return true;
      }
    }
  }
  for (const act of indexBy(state.activations, 'roleId').get(roleId) ?? []) {
    if (!isActivationActive(act, at) || !enabled(state, act.principalId)) {
      continue;
    }
    if (activationGrants(state, act, groupsOfUser(state, act.principalId, at))) return true;
  }
  return false;
}

/**
 * True for an active Global or Privileged Role Administrator assignment to an enabled user
 * that has passed its end but was never expired, while nobody holds the role by time alone.
 * Why: the last holder of those roles may not expire (PRODUCT.md "Safeguards"); the relay's
 * ExpireAssignment is refused, so the assignment stays current, and this keeps it in force on
 * every client too until someone else holds the role and the scheduler can expire it.
 */
export function isHeldOver(state: TenantState, a: Assignment, at: Iso): boolean {
  return (
    a.status === 'current' &&
    a.type === 'active' &&
    a.endsAt !== null &&
    a.endsAt <= at &&
    a.startsAt <= at &&
    SAFEGUARDED.includes(a.roleId) &&
    a.principalKind === 'user' &&
    enabled(state, a.principalId) &&
    !strictHolders(state, a.roleId, at)
  );
}
