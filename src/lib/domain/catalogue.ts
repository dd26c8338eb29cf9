/**
 * The built-in directory roles (PRODUCT.md "Built-in roles and who may do what"). Their ids
 * are stable forever: ledger entries, role settings and relying parties refer to them.
 */
import { getOwn as own, valuesOf } from './records';
import type { GroupId, Role, RoleId, RoleKind, TenantState } from './model';

/** Ids of the built-in roles, by name. */
export const ROLE_IDS = {
  GlobalAdministrator: 'global-administrator',
  PrivilegedRoleAdministrator: 'privileged-role-administrator',
  SecurityAdministrator: 'security-administrator',
  SecurityReader: 'security-reader',
  GlobalReader: 'global-reader',
  UserAdministrator: 'user-administrator',
  // Resource roles (Azure RBAC's built-ins), held at a scope of the resource tree.
  Owner: 'owner',
  Contributor: 'contributor',
  Reader: 'reader',
  UserAccessAdministrator: 'user-access-administrator',
} as const;

export type BuiltInRoleId = (typeof ROLE_IDS)[keyof typeof ROLE_IDS];

/** Built-in roles exist from the beginning of time, so they predate every ledger entry. */
const EPOCH = '1970-01-01T00:00:00.000Z';

const builtIn = (
  id: BuiltInRoleId,
  name: string,
  description: string,
  kind: RoleKind = 'directory',
): Role => Object.freeze({ id, name, description, kind, builtIn: true, createdAt: EPOCH });

/** The built-in roles, in the order people expect to see them (most powerful first). */
export const BUILT_IN_ROLES: readonly Role[] = Object.freeze([
  builtIn(
    ROLE_IDS.GlobalAdministrator,
    'Global Administrator',
    'Can do everything in the tenant, including managing every other role.',
  ),
  builtIn(
    ROLE_IDS.PrivilegedRoleAdministrator,
    'Privileged Role Administrator',
    'Manages role assignments and role settings, and approves activations by default.',
  ),
  builtIn(
    ROLE_IDS.SecurityAdministrator,
    'Security Administrator',
    'Reads everything, including the audit ledger, and manages security alerts.',
  ),
  builtIn(
    ROLE_IDS.SecurityReader,
    'Security Reader',
    'Reads everything, including the audit ledger, without changing anything.',
  ),
  builtIn(
    ROLE_IDS.GlobalReader,
    'Global Reader',
    'Reads everything an administrator can see, including the audit ledger.',
  ),
  builtIn(ROLE_IDS.UserAdministrator, 'User Administrator', 'Invites and manages users.'),
  builtIn(
    ROLE_IDS.Owner,
    'Owner',
    'Full access to the resources at and below its scope, including assigning roles there.',
    'resource',
  ),
  builtIn(
    ROLE_IDS.Contributor,
    'Contributor',
    'Manages the resources at and below its scope, but cannot assign roles.',
    'resource',
  ),
  builtIn(ROLE_IDS.Reader, 'Reader', 'Views the resources at and below its scope.', 'resource'),
  builtIn(
    ROLE_IDS.UserAccessAdministrator,
    'User Access Administrator',
    'Manages role assignments at and below its scope.',
    'resource',
  ),
]);

const BUILT_IN_BY_ID: ReadonlyMap<RoleId, Role> = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));

/** True when `roleId` names a built-in role. */
export function isBuiltInRoleId(roleId: RoleId): roleId is BuiltInRoleId {
  return BUILT_IN_BY_ID.has(roleId);
}

/** Prefixes of the PIM for Groups pseudo-roles; custom role ids may not start with them. */
export const GROUP_MEMBER_PREFIX = 'group-member:';
export const GROUP_OWNER_PREFIX = 'group-owner:';

/** The pseudo-role whose assignments make a user a just-in-time member of the group. */
export const groupMemberRoleId = (groupId: GroupId): RoleId => `${GROUP_MEMBER_PREFIX}${groupId}`;
/** The pseudo-role whose assignments make a user a just-in-time owner of the group. */
export const groupOwnerRoleId = (groupId: GroupId): RoleId => `${GROUP_OWNER_PREFIX}${groupId}`;

/** The group and relation a pseudo-role id names, or null for any other role id. */
export function parseGroupRoleId(
  roleId: RoleId,
): { groupId: GroupId; relation: 'member' | 'owner' } | null {
  if (roleId.startsWith(GROUP_MEMBER_PREFIX)) {
    return { groupId: roleId.slice(GROUP_MEMBER_PREFIX.length), relation: 'member' };
  }
  if (roleId.startsWith(GROUP_OWNER_PREFIX)) {
    return { groupId: roleId.slice(GROUP_OWNER_PREFIX.length), relation: 'owner' };
  }
  return null;
}

/**
 * The role with this id, built-in, custom, or a group pseudo-role of an existing group;
 * undefined when there is none.
 */
export function findRole(state: TenantState, roleId: RoleId): Role | undefined {
  const builtInRole = BUILT_IN_BY_ID.get(roleId);
  if (builtInRole) return builtInRole;
  const parsed = parseGroupRoleId(roleId);
  if (parsed) {
    const group = own(state.groups, parsed.groupId);
    if (!group) return undefined;
    const relation = parsed.relation === 'member' ? 'Member' : 'Owner';
    return {
      id: roleId,
      name: `${relation} of ${group.name}`,
      description: `Just-in-time ${parsed.relation}ship of the group ${group.name}.`,
      kind: 'group',
      builtIn: false,
      createdAt: group.createdAt,
    };
  }
  return own(state.customRoles, roleId);
}

/**
 * True when an assignment of `role` may be limited to an administrative unit: directory roles,
 * except Global and Privileged Role Administrator, whose reach is the tenant itself. Resource
 * roles are held at a scope instead, and group pseudo-roles nowhere but their group.
 */
export function canLimitToUnit(role: Pick<Role, 'id' | 'kind'>): boolean {
  return (
    role.kind === 'directory' &&
    role.id !== ROLE_IDS.GlobalAdministrator &&
    role.id !== ROLE_IDS.PrivilegedRoleAdministrator
  );
}

/** Every role: built-ins in catalogue order, then custom roles by name (ties by id, so stable). */
export function allRoles(state: TenantState): Role[] {
  const custom = [...valuesOf(state.customRoles)].sort(
    (a, b) => compareText(a.name, b.name) || compareText(a.id, b.id),
  );
  return [...BUILT_IN_ROLES, ...custom];
}

// A fixed locale, so the relay and every client sort identically whatever their settings.
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const compareText = (a: string, b: string): number => collator.compare(a, b);
