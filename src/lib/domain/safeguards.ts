/**
 * Safeguards that keep a tenant administrable (PRODUCT.md "Safeguards"): never remove the
 * last active Global Administrator or Privileged Role Administrator, and never the last
 * eligible Global Administrator when no Global Administrator is active.
 */
import { isActivationActive, isAssignmentInForce } from './activation';
import { ROLE_IDS } from './catalogue';
import { getOwn } from './records';
import { reject, type Rejection } from './rejections';
import type { Assignment, AssignmentId, Iso, RoleId, TenantState, UserId } from './types';

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
  const holders = new Set<UserId>();
  const enabled = (userId: UserId) => getOwn(state.users, userId)?.status === 'active';
  for (const a of Object.values(state.assignments)) {
    if (a.id === without || a.roleId !== roleId || a.type !== 'active') continue;
    if (isAssignmentInForce(a, at) && enabled(a.principalId)) holders.add(a.principalId);
  }
  for (const a of Object.values(state.activations)) {
    if (a.assignmentId === without || a.roleId !== roleId) continue;
    if (isActivationActive(a, at) && enabled(a.principalId)) holders.add(a.principalId);
  }
  return holders;
}

/** True when some other enabled user (or this one, through another assignment) stays eligible. */
function otherEligibleRemains(state: TenantState, removed: Assignment, at: Iso): boolean {
  return Object.values(state.assignments).some(
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
