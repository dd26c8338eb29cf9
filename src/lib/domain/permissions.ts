/**
 * Who may do what (PRODUCT.md "Built-in roles and who may do what"). Default-deny: a
 * permission is granted only by a role listed for it, held right now by an active user.
 * Activating one's own eligible role, cancelling one's own request and approving (approvers
 * need no role, `approversFor`) need no permission, so they are not listed here.
 */
import { isActivationActive, isAssignmentInForce } from './activation';
import { ROLE_IDS } from './catalogue';
import { getOwn } from './records';
import type { Iso, RoleId, TenantState, UserId } from './types';

/** Every permission the domain checks. */
export const PERMISSIONS = [
  'manage-users',
  'manage-roles',
  'manage-assignments',
  'read-audit',
  'revoke-any-device',
  'cancel-any-request',
  'read-alerts',
  'manage-break-glass',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const {
  GlobalAdministrator,
  PrivilegedRoleAdministrator,
  SecurityAdministrator,
  SecurityReader,
  GlobalReader,
  UserAdministrator,
} = ROLE_IDS;

/** The roles that grant each permission. Custom roles grant none (they carry no permissions yet). */
export const PERMISSION_ROLES: Readonly<Record<Permission, readonly RoleId[]>> = Object.freeze({
  'manage-users': [GlobalAdministrator, UserAdministrator],
  'manage-roles': [GlobalAdministrator, PrivilegedRoleAdministrator],
  'manage-assignments': [GlobalAdministrator, PrivilegedRoleAdministrator],
  'read-audit': [
    GlobalAdministrator,
    PrivilegedRoleAdministrator,
    SecurityAdministrator,
    SecurityReader,
    GlobalReader,
  ],
  'revoke-any-device': [GlobalAdministrator],
  // PRODUCT.md "Lifecycle rules": GA/PRA can cancel any pending request.
  'cancel-any-request': [GlobalAdministrator, PrivilegedRoleAdministrator],
  // PRODUCT.md "Break-glass": every use alerts all Global Administrators; the security roles read alerts too.
  'read-alerts': [GlobalAdministrator, SecurityAdministrator, SecurityReader, GlobalReader],
  // Designating an emergency account that skips approval is a Global Administrator's call alone.
  'manage-break-glass': [GlobalAdministrator],
});

/**
 * The roles the user holds at `at`: through an active assignment in force, or an activation
 * of an eligible one. Says nothing about whether the user is enabled; `hasPermission` does.
 */
export function rolesHeldBy(state: TenantState, userId: UserId, at: Iso): Set<RoleId> {
  const held = new Set<RoleId>();
  for (const a of Object.values(state.assignments)) {
    if (a.principalId === userId && a.type === 'active' && isAssignmentInForce(a, at)) {
      held.add(a.roleId);
    }
  }
  for (const a of Object.values(state.activations)) {
    if (a.principalId === userId && isActivationActive(a, at)) held.add(a.roleId);
  }
  return held;
}

/** True only when an existing, enabled user holds at `at` a role that grants `permission`. */
export function hasPermission(
  state: TenantState,
  userId: UserId,
  permission: Permission,
  at: Iso,
): boolean {
  const user = getOwn(state.users, userId);
  if (!user || user.status !== 'active') return false;
  // getOwn, so a permission name from outside the union grants nothing rather than throwing.
  const granting = getOwn(PERMISSION_ROLES, permission);
  if (!granting) return false;
  const held = rolesHeldBy(state, userId, at);
  return granting.some((roleId) => held.has(roleId));
}
