/**
 * Who may do what (PRODUCT.md "Built-in roles and who may do what"). Default-deny: a
 * permission is granted only by a role listed for it, held right now by an active user.
 * Activating one's own eligible role, cancelling one's own request and approving (approvers
 * need no role, `approversFor`) need no permission, so they are not listed here.
 */
import { grantsOf, holdsRoleAt } from '#domain/assignments/holdings';
import { isGroupOwner } from '#domain/organisation/groups';
import { findRole, parseGroupRoleId, ROLE_IDS } from './catalogue';
import type { UserContext } from './decision';
import type {
  AdministrativeUnitId,
  GroupId,
  Iso,
  RoleId,
  ScopeId,
  TenantState,
  UserId,
} from './model';
import { getOwn } from './records';
import { reject, type Rejection } from './rejections';

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
 * The roles the user holds at `at`, at any scope: through an active assignment in force (to
 * them or to a group they are a member of), or an activation of an eligible one. Says nothing
 * about whether the user is enabled; `hasPermission` does.
 */
export function rolesHeldBy(state: TenantState, userId: UserId, at: Iso): Set<RoleId> {
  return new Set(grantsOf(state, userId, at).map((g) => g.roleId));
}

/**
 * The roles the user holds tenant-wide: not limited to a scope or an administrative unit.
 * Only these grant PIM's own permissions; a scoped holder's powers are `canManageAssignment`'s.
 */
function rolesHeldTenantWide(state: TenantState, userId: UserId, at: Iso): Set<RoleId> {
  return new Set(
    grantsOf(state, userId, at)
      .filter((g) => g.scopeId === null && g.administrativeUnitId === null)
      .map((g) => g.roleId),
  );
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
  const held = rolesHeldTenantWide(state, userId, at);
  return granting.some((roleId) => held.has(roleId));
}

/**
 * True when `userId` may invite people into (and withdraw invites for) administrative unit
 * `unitId`, or tenant-wide when `unitId` is null. Tenant-wide 'manage-users' covers every unit; a
 * User Administrator whose role is limited to a unit covers that unit only (Entra's
 * administrative-unit-scoped role assignments).
 */
export function canManageUsersIn(
  state: TenantState,
  userId: UserId,
  unitId: AdministrativeUnitId | null,
  at: Iso,
): boolean {
  if (getOwn(state.users, userId)?.status !== 'active') return false;
  if (hasPermission(state, userId, 'manage-users', at)) return true;
  if (unitId === null) return false;
  return grantsOf(state, userId, at).some(
    (g) => g.roleId === ROLE_IDS.UserAdministrator && g.administrativeUnitId === unitId,
  );
}

/** The administrative units whose users `userId` manages through a unit-limited role. */
export function unitsManagedBy(
  state: TenantState,
  userId: UserId,
  at: Iso,
): AdministrativeUnitId[] {
  if (getOwn(state.users, userId)?.status !== 'active') return [];
  const ids = grantsOf(state, userId, at)
    .filter((g) => g.roleId === ROLE_IDS.UserAdministrator && g.administrativeUnitId !== null)
    .map((g) => g.administrativeUnitId as AdministrativeUnitId);
  return [...new Set(ids)].sort();
}

/**
 * Whether Administration has anything for `userId` at `at`: tenant-wide user or assignment
 * management, user administration in an administrative unit, or a group they own.
 */
export function hasAdministration(state: TenantState, userId: UserId, at: Iso): boolean {
  return (
    hasPermission(state, userId, 'manage-users', at) ||
    hasPermission(state, userId, 'manage-assignments', at) ||
    unitsManagedBy(state, userId, at).length > 0 ||
    Object.keys(state.groups).some((groupId) => canManageGroup(state, userId, groupId, at))
  );
}

/** The resource roles that let their holder manage assignments at and below their scope. */
export const SCOPE_ADMIN_ROLES: readonly RoleId[] = [
  ROLE_IDS.Owner,
  ROLE_IDS.UserAccessAdministrator,
];

/**
 * True when `userId` may create, change or remove assignments of `roleId` at `scopeId` at
 * `at`. Default-deny:
 * - Global and Privileged Role Administrators: any role, anywhere ('manage-assignments').
 * - Owner or User Access Administrator at a scope: resource roles at that scope or below.
 * - A group's owners: that group's just-in-time membership and ownership.
 */
export function canManageAssignment(
  state: TenantState,
  userId: UserId,
  roleId: RoleId,
  scopeId: ScopeId | null,
  at: Iso,
): boolean {
  if (getOwn(state.users, userId)?.status !== 'active') return false;
  if (hasPermission(state, userId, 'manage-assignments', at)) return true;
  const role = findRole(state, roleId);
  if (!role) return false;
  switch (role.kind) {
    case 'resource':
      return (
        scopeId !== null &&
        SCOPE_ADMIN_ROLES.some((admin) => holdsRoleAt(state, userId, admin, scopeId, at))
      );
    case 'group': {
      const parsed = parseGroupRoleId(roleId);
      return parsed !== null && isGroupOwner(state, userId, parsed.groupId, at);
    }
    case 'directory':
      return false;
    default: {
      const unhandled: never = role.kind;
      void unhandled;
      return false;
    }
  }
}

/**
 * True when `userId` may change the settings of `roleId` (at `scopeId` for a resource role):
 * Global and Privileged Role Administrators for every role; a group's owners for that group's
 * member and owner settings. Owner and User Access Administrator manage assignments only.
 */
export function canManageRoleSettings(
  state: TenantState,
  userId: UserId,
  roleId: RoleId,
  at: Iso,
): boolean {
  if (hasPermission(state, userId, 'manage-roles', at)) return true;
  const parsed = parseGroupRoleId(roleId);
  return (
    parsed !== null &&
    getOwn(state.users, userId)?.status === 'active' &&
    isGroupOwner(state, userId, parsed.groupId, at)
  );
}

/**
 * True when `userId` may change a group's permanent members, owners and nesting: Global and
 * Privileged Role Administrators, and the group's own owners (permanent or just in time).
 */
export function canManageGroup(
  state: TenantState,
  userId: UserId,
  groupId: GroupId,
  at: Iso,
): boolean {
  if (hasPermission(state, userId, 'manage-assignments', at)) return true;
  return (
    getOwn(state.users, userId)?.status === 'active' && isGroupOwner(state, userId, groupId, at)
  );
}

/** Who holds each permission, for refusals: "Only {these} can …". */
export const PERMISSION_ROLE_NAMES: Record<Permission, string> = {
  'manage-users': 'a Global Administrator or User Administrator',
  'manage-roles': 'a Global Administrator or Privileged Role Administrator',
  'manage-assignments': 'a Global Administrator or Privileged Role Administrator',
  'read-audit': 'an administrator or reader role',
  'revoke-any-device': 'a Global Administrator',
  'cancel-any-request': 'a Global Administrator or Privileged Role Administrator',
  'read-alerts': 'a Global Administrator or a security or reader role',
  'manage-break-glass': 'a Global Administrator',
};

/** The refusal for an actor without `permission`, saying who could be `doing` it; null if they may. */
export function requirePermission(
  state: TenantState,
  ctx: UserContext,
  permission: Permission,
  doing: string,
): Rejection | null {
  if (hasPermission(state, ctx.actor.id, permission, ctx.at)) return null;
  return reject(
    'not-authorized',
    `Only ${PERMISSION_ROLE_NAMES[permission]} can ${doing}; activate such a role first.`,
  );
}
