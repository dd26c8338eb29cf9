/**
 * Plain words for one ledger entry: who acted, what happened (or was asked, when denied), and
 * why it was denied. Shared by the audit list, the entry page and the CSV export.
 */
import { describeEvent, describeRejection } from '#domain/describe';
import type { Command, DomainEvent, RoleId, UserId } from '#domain/types';
import type { Rejection } from '#domain/rejections';
import { formatDuration } from './format';

/** The parts of a ledger entry the words need (structurally a `LedgerEntry`). */
export type DescribableEntry = {
  kind: 'command' | 'ceremony' | 'system';
  outcome: 'accepted' | 'rejected';
  actor: UserId | null;
  commandType: string;
  signed: { envelope: { command: Command } } | null;
  command: Command | null;
  events: DomainEvent[];
  rejection: Rejection | null;
};

export type Names = {
  nameOf: (userId: UserId) => string;
  roleName: (roleId: RoleId) => string;
  /** The role of an assignment, or 'a role' when this device does not know it. */
  roleOfAssignment: (assignmentId: string) => string;
};

function describeCommand(command: Command | null | undefined, type: string, n: Names): string {
  if (!command) return type === 'unparsed' ? 'An unreadable request' : `${type} request`;
  switch (command.type) {
    case 'ActivateRole':
      return `Activate ${n.roleOfAssignment(command.assignmentId)} for ${formatDuration(command.durationMinutes)}`;
    case 'DeactivateRole':
      return 'Deactivate a role';
    case 'AssignRole':
      return `Assign ${n.roleName(command.roleId)} (${command.assignmentType}) to ${n.nameOf(command.principalId)}`;
    case 'RemoveAssignment':
      return 'Remove a role assignment';
    case 'CreateInvite':
      return `Invite ${command.displayName || 'a user'}`;
    case 'RevokeInvite':
      return 'Withdraw an invite';
    case 'CreateRole':
      return `Create the custom role ${command.name}`;
    case 'RevokeDevice':
      return 'Revoke a device';
    case 'CompleteSetup':
      return `Set up Leasehold for ${command.displayName}`;
    case 'AcceptInvite':
      return `Accept an invite as ${command.displayName}`;
    case 'EnrolDevice':
      return `Enrol the device “${command.device.label}”`;
    case 'ExpireActivation':
      return 'Expire a role activation';
    case 'ExpireAssignment':
      return 'Expire a role assignment';
    default:
      return `${type} request`;
  }
}

export function describeWhat(entry: DescribableEntry, n: Names): string {
  if (entry.events.length > 0) {
    return entry.events.map((e) => describeEvent(e, n.nameOf, n.roleName)).join('. ');
  }
  return describeCommand(entry.signed?.envelope.command ?? entry.command, entry.commandType, n);
}

export function describeWho(entry: DescribableEntry, n: Names): string {
  if (entry.kind === 'system') return 'Leasehold (scheduler)';
  return entry.actor ? n.nameOf(entry.actor) : 'Someone not signed in';
}

export const describeOutcome = (entry: { outcome: string }): string =>
  entry.outcome === 'accepted' ? 'Accepted' : 'Denied';

export const describeReason = (entry: DescribableEntry): string =>
  entry.rejection ? describeRejection(entry.rejection) : '';

/** Command types in words, for the type filter. */
export const COMMAND_TYPE_LABELS: Readonly<Record<string, string>> = {
  ActivateRole: 'Activate a role',
  DeactivateRole: 'Deactivate a role',
  AssignRole: 'Assign a role',
  RemoveAssignment: 'Remove an assignment',
  CreateInvite: 'Invite someone',
  RevokeInvite: 'Withdraw an invite',
  CreateRole: 'Create a custom role',
  RevokeDevice: 'Revoke a device',
  CompleteSetup: 'Set up Leasehold',
  AcceptInvite: 'Accept an invite',
  EnrolDevice: 'Sign in (enrol a device)',
  ExpireActivation: 'Activation ended on time',
  ExpireAssignment: 'Assignment ended on time',
};
