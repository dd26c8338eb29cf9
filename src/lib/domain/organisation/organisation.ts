/**
 * Deciders for the tenant's structure: the resource tree (scopes), administrative units and
 * PIM for Groups' groups. Same contract as `decide`: pure, the actor already known to be an
 * enabled user, checks in a fixed order so the relay and the client's preview agree.
 *
 * Who may do what (PRODUCT.md "Built-in roles and who may do what"):
 * - scopes: Global Administrators only (the tree is the tenant's shape);
 * - administrative units: Global and Privileged Role Administrators;
 * - groups: Global and Privileged Role Administrators create them; they and the group's own
 *   owners change its members, owners and nesting.
 */
import { activeHoldersOf } from '#domain/assignments/safeguards';
import { ROLE_IDS } from '#domain/catalogue';
import type { UserCommand } from '#domain/commands';
import { accept, type Decision, refuse, type UserContext } from '#domain/decision';
import type { DomainEvent } from '#domain/events';
import type { Iso, TenantState } from '#domain/model';
import { canManageGroup, hasPermission } from '#domain/permissions';
import { getOwn, hasOwn } from '#domain/records';
import { reject, type Rejection } from '#domain/rejections';
import { applyEvent } from '#domain/state';
import { invalidName, MAX_TEXT_LENGTH, newIdProblem } from '#domain/validation';
import { wouldNestingCycle } from './groups';
import { canNestScope, childScopes, liveScope, SCOPE_KINDS } from './scopes';

/** The organisation commands, decided here and handed over by `decide` as one group. */
export type OrganisationCommand = Extract<
  UserCommand,
  {
    type:
      | 'CreateScope'
      | 'RenameScope'
      | 'DeleteScope'
      | 'CreateAdministrativeUnit'
      | 'SetAdministrativeUnitMembers'
      | 'CreateGroup'
      | 'AddGroupMember'
      | 'RemoveGroupMember'
      | 'AddGroupOwner'
      | 'RemoveGroupOwner'
      | 'NestGroup'
      | 'UnnestGroup';
  }
>;

/** Most members an administrative unit may list in one command. */
export const MAX_UNIT_MEMBERS = 1000;

type Of<T extends OrganisationCommand['type']> = Extract<OrganisationCommand, { type: T }>;

/** Decides one organisation command. */
export function decideOrganisationCommand(
  command: OrganisationCommand,
  state: TenantState,
  ctx: UserContext,
): Decision {
  switch (command.type) {
    case 'CreateScope':
      return createScope(command, state, ctx);
    case 'RenameScope':
      return renameScope(command, state, ctx);
    case 'DeleteScope':
      return deleteScope(command, state, ctx);
    case 'CreateAdministrativeUnit':
      return createUnit(command, state, ctx);
    case 'SetAdministrativeUnitMembers':
      return setUnitMembers(command, state, ctx);
    case 'CreateGroup':
      return createGroup(command, state, ctx);
    case 'AddGroupMember':
    case 'RemoveGroupMember':
    case 'AddGroupOwner':
    case 'RemoveGroupOwner':
      return changeGroupPerson(command, state, ctx);
    case 'NestGroup':
    case 'UnnestGroup':
      return changeNesting(command, state, ctx);
    default: {
      const unhandled: never = command;
      return refuse(
        reject('unknown-command-type', `Unknown command ${(unhandled as { type: string }).type}.`),
      );
    }
  }
}

// --- scopes -------------------------------------------------------------------------------------

function requireGlobalAdmin(state: TenantState, ctx: UserContext, doing: string): Rejection | null {
  // The tree decides where Owners' powers reach, so only the tenant's top role shapes it.
  if (hasPermission(state, ctx.actor.id, 'manage-break-glass', ctx.at)) return null;
  return reject('not-authorized', `Only a Global Administrator can ${doing}.`);
}

function createScope(command: Of<'CreateScope'>, state: TenantState, ctx: UserContext): Decision {
  const denied = requireGlobalAdmin(state, ctx, 'change the resource tree');
  if (denied) return refuse(denied);
  const bad =
    newIdProblem(state.scopes, command.scopeId, 'scope') ??
    invalidName(command.name, 'A scope name');
  if (bad) return refuse(bad);
  if (!(SCOPE_KINDS as readonly string[]).includes(command.kind)) {
    return refuse(
      reject('invalid-value', `A scope's kind must be one of ${SCOPE_KINDS.join(', ')}.`),
    );
  }
  if (command.parentId !== null) {
    const parent = liveScope(state, command.parentId);
    if (!parent) return refuse(reject('unknown-scope', `There is no scope ${command.parentId}.`));
    // Kind order bounds the depth at four and keeps the tree shaped like Azure's.
    if (!canNestScope(parent.kind, command.kind)) {
      return refuse(
        reject('invalid-scope', `A ${command.kind} cannot sit under a ${parent.kind}.`),
      );
    }
  }
  return accept({
    type: 'ScopeCreated',
    scope: {
      id: command.scopeId,
      kind: command.kind,
      name: command.name.trim(),
      parentId: command.parentId,
      createdAt: ctx.at,
      deletedAt: null,
    },
  });
}

function renameScope(command: Of<'RenameScope'>, state: TenantState, ctx: UserContext): Decision {
  const denied = requireGlobalAdmin(state, ctx, 'change the resource tree');
  if (denied) return refuse(denied);
  const scope = liveScope(state, command.scopeId);
  if (!scope) return refuse(reject('unknown-scope', `There is no scope ${command.scopeId}.`));
  const bad = invalidName(command.name, 'A scope name');
  if (bad) return refuse(bad);
  return accept({ type: 'ScopeRenamed', scopeId: scope.id, name: command.name.trim(), at: ctx.at });
}

/**
 * Only a leaf may be deleted, so no scope is ever orphaned. Assignments left at it stay in the
 * ledger but cover nothing: activating one is refused ('outside-scope').
 */
function deleteScope(command: Of<'DeleteScope'>, state: TenantState, ctx: UserContext): Decision {
  const denied = requireGlobalAdmin(state, ctx, 'change the resource tree');
  if (denied) return refuse(denied);
  const scope = liveScope(state, command.scopeId);
  if (!scope) return refuse(reject('unknown-scope', `There is no scope ${command.scopeId}.`));
  if (childScopes(state, scope.id).length > 0) {
    return refuse(
      reject('scope-not-empty', `${scope.name} still has scopes below it; delete those first.`),
    );
  }
  return accept({ type: 'ScopeDeleted', scopeId: scope.id, at: ctx.at });
}

// --- administrative units -----------------------------------------------------------------------

function requireRoleAdmin(state: TenantState, ctx: UserContext, doing: string): Rejection | null {
  if (hasPermission(state, ctx.actor.id, 'manage-assignments', ctx.at)) return null;
  return reject(
    'not-authorized',
    `Only a Global Administrator or Privileged Role Administrator can ${doing}.`,
  );
}

function createUnit(
  command: Of<'CreateAdministrativeUnit'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const denied = requireRoleAdmin(state, ctx, 'create administrative units');
  if (denied) return refuse(denied);
  const bad =
    newIdProblem(state.administrativeUnits, command.administrativeUnitId, 'administrative unit') ??
    invalidName(command.name, 'An administrative unit name');
  if (bad) return refuse(bad);
  return accept({
    type: 'AdministrativeUnitCreated',
    unit: {
      id: command.administrativeUnitId,
      name: command.name.trim(),
      memberIds: [],
      createdAt: ctx.at,
    },
  });
}

function setUnitMembers(
  command: Of<'SetAdministrativeUnitMembers'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const denied = requireRoleAdmin(state, ctx, 'change administrative units');
  if (denied) return refuse(denied);
  const unit = getOwn(state.administrativeUnits, command.administrativeUnitId);
  if (!unit) {
    return refuse(
      reject(
        'unknown-administrative-unit',
        `There is no administrative unit ${command.administrativeUnitId}.`,
      ),
    );
  }
  const ids: unknown = command.memberIds;
  if (!Array.isArray(ids) || ids.length > MAX_UNIT_MEMBERS) {
    return refuse(
      reject('invalid-value', `Members must be a list of at most ${MAX_UNIT_MEMBERS} users.`),
    );
  }
  const missing = (ids as unknown[]).find(
    (id) => typeof id !== 'string' || !hasOwn(state.users, id),
  );
  if (missing !== undefined) {
    return refuse(reject('unknown-user', `There is no user ${String(missing)}.`));
  }
  // Sorted and deduplicated, so the same set is always the same value in the ledger.
  const memberIds = [...new Set(ids as string[])].sort();
  return accept({
    type: 'AdministrativeUnitMembersSet',
    administrativeUnitId: unit.id,
    memberIds,
    at: ctx.at,
  });
}

// --- groups -------------------------------------------------------------------------------------

function createGroup(command: Of<'CreateGroup'>, state: TenantState, ctx: UserContext): Decision {
  const denied = requireRoleAdmin(state, ctx, 'create groups');
  if (denied) return refuse(denied);
  const bad =
    newIdProblem(state.groups, command.groupId, 'group') ??
    invalidName(command.name, 'A group name') ??
    (typeof command.description === 'string' && command.description.length <= MAX_TEXT_LENGTH
      ? null
      : reject(
          'invalid-value',
          `A group description must be at most ${MAX_TEXT_LENGTH} characters.`,
        ));
  if (bad) return refuse(bad);
  // The group role ids embed the group id; ':' and '@' would make them ambiguous.
  if (/[:@]/.test(command.groupId)) {
    return refuse(reject('invalid-value', 'A group id may not contain ":" or "@".'));
  }
  const owner = getOwn(state.users, command.ownerId);
  if (!owner || owner.status !== 'active') {
    return refuse(reject('unknown-user', `There is no active user ${command.ownerId}.`));
  }
  return accept({
    type: 'GroupCreated',
    group: {
      id: command.groupId,
      name: command.name.trim(),
      description: command.description.trim(),
      memberIds: [],
      ownerIds: [owner.id],
      nestedGroupIds: [],
      createdAt: ctx.at,
    },
  });
}

function changeGroupPerson(
  command: Of<'AddGroupMember' | 'RemoveGroupMember' | 'AddGroupOwner' | 'RemoveGroupOwner'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const group = getOwn(state.groups, command.groupId);
  if (!group) return refuse(reject('unknown-group', `There is no group ${command.groupId}.`));
  if (!canManageGroup(state, ctx.actor.id, group.id, ctx.at)) {
    return refuse(
      reject(
        'not-authorized',
        `Only an owner of ${group.name}, a Global Administrator or a Privileged Role Administrator can change it.`,
      ),
    );
  }
  const user = getOwn(state.users, command.userId);
  const adding = command.type === 'AddGroupMember' || command.type === 'AddGroupOwner';
  if (!user || (adding && user.status !== 'active')) {
    return refuse(reject('unknown-user', `There is no active user ${command.userId}.`));
  }
  const owners = command.type === 'AddGroupOwner' || command.type === 'RemoveGroupOwner';
  const list = owners ? group.ownerIds : group.memberIds;
  const what = owners ? 'an owner' : 'a member';
  if (adding && list.includes(user.id)) {
    return refuse(
      reject('already-member', `${user.displayName} is already ${what} of ${group.name}.`),
    );
  }
  if (!adding && !list.includes(user.id)) {
    return refuse(reject('not-a-member', `${user.displayName} is not ${what} of ${group.name}.`));
  }
  // PRODUCT.md "Safeguards": a group always keeps a permanent owner to manage it.
  if (command.type === 'RemoveGroupOwner' && group.ownerIds.length === 1) {
    return refuse(
      reject(
        'last-group-owner',
        `${user.displayName} is the last owner of ${group.name}; add another owner first.`,
      ),
    );
  }
  const event: DomainEvent = {
    type:
      command.type === 'AddGroupMember'
        ? 'GroupMemberAdded'
        : command.type === 'RemoveGroupMember'
          ? 'GroupMemberRemoved'
          : command.type === 'AddGroupOwner'
            ? 'GroupOwnerAdded'
            : 'GroupOwnerRemoved',
    groupId: group.id,
    userId: user.id,
    at: ctx.at,
  };
  const unsafe = safeguardAfter(state, [event], ctx.at);
  return unsafe ? refuse(unsafe) : accept(event);
}

function changeNesting(
  command: Of<'NestGroup' | 'UnnestGroup'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const group = getOwn(state.groups, command.groupId);
  if (!group) return refuse(reject('unknown-group', `There is no group ${command.groupId}.`));
  const child = getOwn(state.groups, command.childGroupId);
  if (!child) return refuse(reject('unknown-group', `There is no group ${command.childGroupId}.`));
  // Nesting hands the child's members the parent's roles: the parent's owners decide that.
  if (!canManageGroup(state, ctx.actor.id, group.id, ctx.at)) {
    return refuse(
      reject(
        'not-authorized',
        `Only an owner of ${group.name}, a Global Administrator or a Privileged Role Administrator can change it.`,
      ),
    );
  }
  if (command.type === 'NestGroup') {
    if (group.nestedGroupIds.includes(child.id)) {
      return refuse(reject('already-member', `${child.name} is already nested in ${group.name}.`));
    }
    if (wouldNestingCycle(state, group.id, child.id)) {
      return refuse(
        reject(
          'group-cycle',
          `${group.name} is already inside ${child.name}; nesting would make a cycle.`,
        ),
      );
    }
    return accept({ type: 'GroupNested', groupId: group.id, childGroupId: child.id, at: ctx.at });
  }
  if (!group.nestedGroupIds.includes(child.id)) {
    return refuse(reject('not-a-member', `${child.name} is not nested in ${group.name}.`));
  }
  const event: DomainEvent = {
    type: 'GroupUnnested',
    groupId: group.id,
    childGroupId: child.id,
    at: ctx.at,
  };
  const unsafe = safeguardAfter(state, [event], ctx.at);
  return unsafe ? refuse(unsafe) : accept(event);
}

/**
 * Why applying `events` would leave the tenant without an active Global Administrator or
 * Privileged Role Administrator it has now (a membership change can take the role away from
 * everyone who held it through a group), or null when it is safe.
 */
export function safeguardAfter(
  state: TenantState,
  events: readonly DomainEvent[],
  at: Iso,
): Rejection | null {
  const after = structuredClone(state);
  for (const event of events) applyEvent(after, event);
  const ga = ROLE_IDS.GlobalAdministrator;
  const pra = ROLE_IDS.PrivilegedRoleAdministrator;
  if (activeHoldersOf(state, ga, at).size > 0 && activeHoldersOf(after, ga, at).size === 0) {
    return reject(
      'last-global-admin',
      'This would leave the tenant without a Global Administrator; assign another one first.',
    );
  }
  if (activeHoldersOf(state, pra, at).size > 0 && activeHoldersOf(after, pra, at).size === 0) {
    return reject(
      'last-privileged-role-admin',
      'This would remove the last active Privileged Role Administrator; assign another one first.',
    );
  }
  return null;
}
