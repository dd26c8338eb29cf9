/**
 * Safeguards that keep a tenant administrable (PRODUCT.md "Safeguards"): never remove the
 * last active Global Administrator or Privileged Role Administrator, and never the last
 * eligible Global Administrator when no Global Administrator is active.
 */
import { isAssignmentInForce } from '#domain/activation/status';
import { ROLE_IDS } from '#domain/catalogue';
import type { Assignment, AssignmentId, Iso, RoleId, TenantState, UserId } from '#domain/model';
import { groupsOfUser } from '#domain/organisation/groups';
import { getOwn, putOwn, valuesOf } from '#domain/records';
import { reject, type Rejection } from '#domain/rejections';
import { holdersOf } from './holdings';

/**
 * The enabled users holding `roleId` at `at` through an active assignment in force or an
 * active activation. Disabled users do not count: they cannot act, so they cannot rescue a
 * tenant. `without` leaves one assignment (and activations made from it) out, to ask "and
 * after it is removed?".
 */
export function activeHoldersOf(
  state: TenantState,
  roleId: RoleId,
  at: Iso,
  without?: AssignmentId,
): Set<UserId> {
  // Members of a group assigned the role hold it too, and a lapsed last holder is held over.
  return holdersOf(state, roleId, at, without);
}

/** True when some other enabled user (or this one, through another assignment) stays eligible. */
function otherEligibleRemains(state: TenantState, removed: Assignment, at: Iso): boolean {
  return valuesOf(state.assignments).some(
    (a) =>
      a.id !== removed.id &&
      a.roleId === removed.roleId &&
      a.type === 'eligible' &&
      isAssignmentInForce(a, at) &&
      getOwn(state.users, a.principalId)?.status === 'active',
  );
}

/**
 * Why removing `assignment` at `at` would leave the tenant without a way to administer it
 * ('last-global-admin' or 'last-privileged-role-admin'), or null when it is safe. A Rejection
 * rather than a boolean so callers can show the reason; it is still truthy exactly when unsafe.
 *
 * - Global Administrator: unsafe when no active holder would remain and either one does now,
 *   or this is the last eligible Global Administrator assignment (the last way back).
 * - Privileged Role Administrator: unsafe only when it has holders now and none would remain;
 *   a tenant may well run without one.
 */
export function wouldRemoveLastHolder(
  state: TenantState,
  assignment: Assignment,
  at: Iso,
): Rejection | null {
  if (assignment.roleId === ROLE_IDS.GlobalAdministrator) {
    const before = activeHoldersOf(state, assignment.roleId, at);
    const after = activeHoldersOf(state, assignment.roleId, at, assignment.id);
    if (after.size > 0) return null;
    const lastEligible =
      assignment.type === 'eligible' &&
      isAssignmentInForce(assignment, at) &&
      !otherEligibleRemains(state, assignment, at);
    if (before.size > 0 || lastEligible) {
      return reject(
        'last-global-admin',
        'This would leave the tenant without a Global Administrator; assign another one first.',
      );
    }
    return null;
  }
  if (assignment.roleId === ROLE_IDS.PrivilegedRoleAdministrator) {
    const before = activeHoldersOf(state, assignment.roleId, at);
    const after = activeHoldersOf(state, assignment.roleId, at, assignment.id);
    if (before.size > 0 && after.size === 0) {
      return reject(
        'last-privileged-role-admin',
        'This would remove the last active Privileged Role Administrator; assign another one first.',
      );
    }
  }
  return null;
}

/**
 * Why letting `assignment` expire at `at` would leave the tenant without its last Global
 * Administrator or Privileged Role Administrator (the same rule as `wouldRemoveLastHolder`,
 * asked as if the assignment were still in force), or null when it may expire. `alsoExpiring`
 * names assignments the scheduler is expiring in the same pass, which will not be there either.
 */
export function wouldExpireLastHolder(
  state: TenantState,
  assignment: Assignment,
  at: Iso,
  alsoExpiring: ReadonlySet<AssignmentId> = new Set(),
): Rejection | null {
  const role = assignment.roleId;
  if (role !== ROLE_IDS.GlobalAdministrator && role !== ROLE_IDS.PrivilegedRoleAdministrator) {
    return null;
  }
  if (assignment.status !== 'current') return null;
  // "Before": as if it had not ended yet; "after": it and the others expiring now are gone.
  const before = withAssignments(state, [{ ...assignment, endsAt: null }]);
  const gone = [assignment.id, ...alsoExpiring].flatMap((id) => {
    const a = getOwn(state.assignments, id);
    return a ? [{ ...a, status: 'removed' as const }] : [];
  });
  const after = withAssignments(state, gone);
  if (activeHoldersOf(after, role, at).size > 0) return null;
  if (role === ROLE_IDS.GlobalAdministrator) {
    const beforeHolders = activeHoldersOf(before, role, at).size > 0;
    // The last eligible Global Administrator, when nobody holds the role, is the way back in.
    const lastEligible =
      assignment.type === 'eligible' &&
      !valuesOf(after.assignments).some(
        (a) =>
          a.roleId === role &&
          a.type === 'eligible' &&
          a.status === 'current' &&
          a.startsAt <= at &&
          getOwn(state.users, a.principalId)?.status === 'active',
      );
    return beforeHolders || lastEligible
      ? reject(
          'last-global-admin',
          'The last Global Administrator cannot expire; assign another one first.',
        )
      : null;
  }
  return activeHoldersOf(before, role, at).size > 0
    ? reject(
        'last-privileged-role-admin',
        'The last active Privileged Role Administrator cannot expire; assign another one first.',
      )
    : null;
}

/** A shallow copy of `state` with these assignments replaced. */
function withAssignments(state: TenantState, replaced: readonly Assignment[]): TenantState {
  const assignments = { ...state.assignments };
  for (const a of replaced) putOwn(assignments, a.id, a);
  return { ...state, assignments };
}

/**
 * True when `assignment` applies to `userId` at `at`: it is theirs, or it is a group's and they
 * are a member of the group then (directly, just in time, or through nesting).
 */
export function assignmentCoversUser(
  state: TenantState,
  assignment: Assignment,
  userId: UserId,
  at: Iso,
): boolean {
  return assignment.principalKind === 'group'
    ? groupsOfUser(state, userId, at).has(assignment.principalId)
    : assignment.principalId === userId;
}
