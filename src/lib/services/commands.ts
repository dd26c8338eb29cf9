/**
 * Builders for the commands the app sends. Ids are random base64url (ARCHITECTURE: client-chosen
 * ids), with a prefix that says what they name.
 */
import { randomId, sha256, toBase64Url, utf8 } from '#ledger/bytes';
import type {
  AssignmentId,
  AssignmentType,
  Iso,
  RoleId,
  Ticket,
  UserCommand,
  UserId,
} from '#domain/types';

export type ActivateRoleInput = {
  assignmentId: AssignmentId;
  durationMinutes: number;
  justification: string;
  ticket: Ticket | null;
};

export function activateRole(input: ActivateRoleInput): UserCommand {
  return {
    type: 'ActivateRole',
    activationId: `act_${randomId()}`,
    assignmentId: input.assignmentId,
    durationMinutes: input.durationMinutes,
    startsAt: null,
    justification: input.justification.trim(),
    ticket: input.ticket
      ? { system: input.ticket.system.trim(), number: input.ticket.number.trim() }
      : null,
  };
}

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

export type AssignRoleInput = {
  principalId: UserId;
  roleId: RoleId;
  assignmentType: AssignmentType;
  /** null: permanent. */
  endsAt: Iso | null;
  justification: string;
};

export function assignRole(input: AssignRoleInput): UserCommand {
  return {
    type: 'AssignRole',
    assignmentId: `a_${randomId()}`,
    principalId: input.principalId,
    roleId: input.roleId,
    assignmentType: input.assignmentType,
    startsAt: null,
    endsAt: input.endsAt,
    justification: input.justification.trim(),
  };
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
export async function createInvite(displayName: string, origin: string): Promise<PreparedInvite> {
  const secret = randomId(32);
  const tokenHash = toBase64Url(await sha256(utf8(secret)));
  const inviteId = `inv_${randomId()}`;
  return {
    command: { type: 'CreateInvite', inviteId, tokenHash, displayName: displayName.trim() },
    inviteId,
    link: `${origin}/invite#token=${secret}`,
  };
}

/** The end of the chosen local calendar day, as the relay's UTC instant form. */
export function endOfLocalDay(date: string): Iso | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [, y, m, d] = match;
  const end = new Date(Number(y), Number(m) - 1, Number(d), 23, 59, 0, 0);
  return Number.isNaN(end.getTime()) ? null : end.toISOString();
}
