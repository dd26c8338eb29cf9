/**
 * Builders for the commands the app sends. Ids are random base64url (ARCHITECTURE: client-chosen
 * ids), with a prefix that says what they name.
 */
import { randomId, sha256, toBase64Url, utf8 } from '#ledger/bytes';
import type { UserCommand } from '#domain/commands';
import type { CommandOf } from '#domain/decision';
import type {
  AdministrativeUnitId,
  AssignmentId,
  GroupId,
  Iso,
  ScopeId,
  ScopeKind,
  UserId,
} from '#domain/model';

export function deactivateRole(activationId: string): UserCommand {
  return { type: 'DeactivateRole', activationId };
}

export function createRole(name: string, description: string): UserCommand {
  return {
    type: 'CreateRole',
    roleId: `r_${randomId()}`,
    name: name.trim(),
    description: description.trim(),
  };
}

/** An AssignRole as a form fills it in: the command without its type and new id. */
export type AssignRoleInput = Omit<CommandOf<'AssignRole'>, 'type' | 'assignmentId'>;

export function assignRole(input: AssignRoleInput): UserCommand {
  return {
    type: 'AssignRole',
    assignmentId: `a_${randomId()}`,
    principalId: input.principalId,
    principalKind: input.principalKind,
    roleId: input.roleId,
    scopeId: input.scopeId,
    administrativeUnitId: input.administrativeUnitId,
    assignmentType: input.assignmentType,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    justification: input.justification.trim(),
  };
}

export function createScope(kind: ScopeKind, name: string, parentId: ScopeId | null): UserCommand {
  return { type: 'CreateScope', scopeId: `s_${randomId()}`, kind, name: name.trim(), parentId };
}

export function renameScope(scopeId: ScopeId, name: string): UserCommand {
  return { type: 'RenameScope', scopeId, name: name.trim() };
}

export function deleteScope(scopeId: ScopeId): UserCommand {
  return { type: 'DeleteScope', scopeId };
}

export function createAdministrativeUnit(name: string): UserCommand {
  return {
    type: 'CreateAdministrativeUnit',
    administrativeUnitId: `au_${randomId()}`,
    name: name.trim(),
  };
}

/** Replaces the unit's members with `memberIds`. */
export function setAdministrativeUnitMembers(
  administrativeUnitId: AdministrativeUnitId,
  memberIds: UserId[],
): UserCommand {
  return { type: 'SetAdministrativeUnitMembers', administrativeUnitId, memberIds: [...memberIds] };
}

export function createGroup(name: string, description: string, ownerId: UserId): UserCommand {
  return {
    type: 'CreateGroup',
    groupId: `g_${randomId()}`,
    name: name.trim(),
    description: description.trim(),
    ownerId,
  };
}

/** Adds or removes a permanent member or owner of a group. */
export function groupPerson(
  change: 'add' | 'remove',
  relation: 'member' | 'owner',
  groupId: GroupId,
  userId: UserId,
): UserCommand {
  const type =
    change === 'add'
      ? relation === 'member'
        ? 'AddGroupMember'
        : 'AddGroupOwner'
      : relation === 'member'
        ? 'RemoveGroupMember'
        : 'RemoveGroupOwner';
  return { type, groupId, userId };
}

export function nestGroup(groupId: GroupId, childGroupId: GroupId, nest = true): UserCommand {
  return { type: nest ? 'NestGroup' : 'UnnestGroup', groupId, childGroupId };
}

export function removeAssignment(assignmentId: AssignmentId, justification: string): UserCommand {
  return { type: 'RemoveAssignment', assignmentId, justification: justification.trim() };
}

export type PreparedInvite = {
  command: UserCommand;
  inviteId: string;
  /** The single-use link; the secret travels only in its fragment, never to the relay. */
  link: string;
};

/**
 * A new invite: a 32-byte random secret whose SHA-256 (base64url of the UTF-8 of the secret's
 * base64url text) is all the relay stores. The relay hashes the link's token the same way.
 */
export async function createInvite(
  displayName: string,
  origin: string,
  administrativeUnitId: AdministrativeUnitId | null = null,
): Promise<PreparedInvite> {
  const secret = randomId(32);
  const tokenHash = toBase64Url(await sha256(utf8(secret)));
  const inviteId = `inv_${randomId()}`;
  return {
    command: {
      type: 'CreateInvite',
      inviteId,
      tokenHash,
      displayName: displayName.trim(),
      administrativeUnitId,
    },
    inviteId,
    link: `${origin}/invite#token=${secret}`,
  };
}

/** Changes a current assignment's period (start only while it lies ahead; end null: permanent). */
export function updateAssignment(
  assignmentId: AssignmentId,
  startsAt: Iso | null,
  endsAt: Iso | null,
  justification: string,
): UserCommand {
  return {
    type: 'UpdateAssignment',
    assignmentId,
    startsAt,
    endsAt,
    justification: justification.trim(),
  };
}

/**
 * The start of the chosen local calendar day as the relay's UTC instant form, or null for today
 * or an earlier day (starts now) and for a date that does not parse.
 */
export function startOfLocalDay(date: string, now: number): Iso | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [, y, m, d] = match;
  const start = new Date(Number(y), Number(m) - 1, Number(d), 0, 0, 0, 0);
  if (Number.isNaN(start.getTime()) || start.getTime() <= now) return null;
  return start.toISOString();
}

/** The end of the chosen local calendar day, as the relay's UTC instant form. */
export function endOfLocalDay(date: string): Iso | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [, y, m, d] = match;
  const end = new Date(Number(y), Number(m) - 1, Number(d), 23, 59, 0, 0);
  return Number.isNaN(end.getTime()) ? null : end.toISOString();
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/**
 * The latest local calendar day whose end (`endOfLocalDay`) is no later than `limit`: the value
 * a date field shows for a suggested end, so the day it shows is never refused for running past
 * `limit` (the end of the limit's own day usually lies after it).
 */
export function localDayEndingBy(limit: Iso): string {
  const at = new Date(limit);
  const sameDay = dayOf(at);
  const end = endOfLocalDay(sameDay);
  if (end !== null && Date.parse(end) <= at.getTime()) return sameDay;
  return dayOf(new Date(at.getFullYear(), at.getMonth(), at.getDate() - 1));
}
