/**
 * The built-in directory roles (PRODUCT.md "Built-in roles and who may do what"). Their ids
 * are stable forever: ledger entries, role settings and relying parties refer to them.
 */
import { getOwn } from './records';
import type { Role, RoleId, TenantState } from './types';

/** Ids of the built-in roles, by name. */
export const ROLE_IDS = {
  GlobalAdministrator: 'global-administrator',
  PrivilegedRoleAdministrator: 'privileged-role-administrator',
  SecurityAdministrator: 'security-administrator',
  SecurityReader: 'security-reader',
  GlobalReader: 'global-reader',
  UserAdministrator: 'user-administrator',
} as const;

export type BuiltInRoleId = (typeof ROLE_IDS)[keyof typeof ROLE_IDS];

/** Built-in roles exist from the beginning of time, so they predate every ledger entry. */
const EPOCH = '1970-01-01T00:00:00.000Z';

const builtIn = (id: BuiltInRoleId, name: string, description: string): Role =>
  Object.freeze({ id, name, description, kind: 'directory', builtIn: true, createdAt: EPOCH });

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
]);

const BUILT_IN_BY_ID: ReadonlyMap<RoleId, Role> = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));

/** True when `roleId` names a built-in role. */
export function isBuiltInRoleId(roleId: RoleId): roleId is BuiltInRoleId {
  return BUILT_IN_BY_ID.has(roleId);
}

/** The role with this id, built-in or custom; undefined when there is none. */
export function findRole(state: TenantState, roleId: RoleId): Role | undefined {
  return BUILT_IN_BY_ID.get(roleId) ?? getOwn(state.customRoles, roleId);
}

/** Every role: built-ins in catalogue order, then custom roles by name (ties by id, so stable). */
export function allRoles(state: TenantState): Role[] {
  const custom = Object.values(state.customRoles).sort(
    (a, b) => compareText(a.name, b.name) || compareText(a.id, b.id),
  );
  return [...BUILT_IN_ROLES, ...custom];
}

// A fixed locale, so the relay and every client sort identically whatever their settings.
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const compareText = (a: string, b: string): number => collator.compare(a, b);
