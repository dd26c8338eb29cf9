/**
 * CreateRole: a custom directory role, beside the built-in catalogue (catalogue.ts). Its id and
 * its name must be new, whatever their case.
 */
import { findRole, GROUP_MEMBER_PREFIX, GROUP_OWNER_PREFIX, ROLE_IDS } from '#domain/catalogue';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { TenantState } from '#domain/model';
import { requirePermission } from '#domain/permissions';
import { isUsableId, valuesOf } from '#domain/records';
import { reject } from '#domain/rejections';
import { invalidIdRejection, invalidName, invalidText } from '#domain/validation';

/** Decides CreateRole: manage-roles, a usable new id and a name no role has yet. */
export function createRole(
  command: CommandOf<'CreateRole'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const denied = requirePermission(state, ctx, 'manage-roles', 'create roles');
  if (denied) return refuse(denied);
  const bad =
    invalidName(command.name, 'The role name') ??
    invalidText(command.description, 'The role description', { required: false });
  if (bad) return refuse(bad);
  if (!isUsableId(command.roleId)) return refuse(invalidIdRejection('role'));
  // '@' separates role and scope in settings keys; the group prefixes name pseudo-roles.
  if (
    command.roleId.includes('@') ||
    command.roleId.startsWith(GROUP_MEMBER_PREFIX) ||
    command.roleId.startsWith(GROUP_OWNER_PREFIX)
  ) {
    return refuse(invalidIdRejection('role'));
  }
  if (findRole(state, command.roleId)) {
    return refuse(reject('duplicate-id', `A role with id ${command.roleId} already exists.`));
  }
  const name = command.name.trim();
  const clash = [...builtInAndCustomNames(state)].find(
    (existing) => existing.toLowerCase() === name.toLowerCase(),
  );
  if (clash !== undefined) {
    return refuse(reject('role-name-taken', `There is already a role called ${clash}.`));
  }
  return accept({
    type: 'RoleCreated',
    role: {
      id: command.roleId,
      name,
      description: command.description.trim(),
      kind: 'directory',
      builtIn: false,
      createdAt: ctx.at,
    },
  });
}

function* builtInAndCustomNames(state: TenantState): Iterable<string> {
  for (const role of valuesOf(ROLE_IDS)) {
    const found = findRole(state, role);
    if (found) yield found.name;
  }
  for (const role of valuesOf(state.customRoles)) yield role.name;
}
