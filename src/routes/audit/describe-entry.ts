/**
 * Plain words for one ledger entry: who acted, what happened (or was asked, when denied), and
 * why it was denied. Shared by the audit list, the entry page and the CSV export; what happened
 * and why are sentences, their instants typed, so the pages say them in the reader's zone and
 * the export in UTC (their text).
 */
import { describeEvent, describeRejection } from '#domain/describe';
import type { Command } from '#domain/commands';
import type { DomainEvent } from '#domain/events';
import type { RoleId, TenantState, UserId } from '#domain/model';
import type { Rejection } from '#domain/rejections';
import { joinSentences, plain, type Sentence } from '#domain/sentence';
import { formatDate, formatDuration } from '$lib/components/format';

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
  /** "Bo User's request for Security Reader", or 'a request' when this device does not know it. */
  requestOf: (requestId: string) => string;
  /** A group's name when `id` names a group (approver lists hold users and groups). */
  groupName?: (id: string) => string | undefined;
};

/** Names read from the tenant read model (what this device has replicated). */
export function namesFrom(tenant: {
  state: TenantState;
  nameOf: (userId: UserId) => string;
  roleName: (roleId: RoleId) => string;
}): Names {
  const own = <T>(record: Record<string, T>, id: string): T | undefined =>
    Object.hasOwn(record, id) ? record[id] : undefined;
  return {
    nameOf: (id) => tenant.nameOf(id),
    roleName: (id) => tenant.roleName(id),
    groupName: (id) => own(tenant.state.groups ?? {}, id)?.name,
    roleOfAssignment: (id) => {
      const a = own(tenant.state.assignments, id);
      return a ? tenant.roleName(a.roleId) : 'a role';
    },
    requestOf: (id) => {
      const r = own(tenant.state.requests, id);
      return r
        ? `${tenant.nameOf(r.principalId)}’s request for ${tenant.roleName(r.roleId)}`
        : 'a request';
    },
  };
}

/** Approval events name only the request: say whose and for which role. */
function describeRequestEvent(event: DomainEvent, n: Names): string | null {
  switch (event.type) {
    case 'RequestApproved':
      return `${n.nameOf(event.decision.approverId)} approved ${n.requestOf(event.requestId)}: “${event.decision.justification}”`;
    case 'RequestDenied':
      return `${n.nameOf(event.decision.approverId)} denied ${n.requestOf(event.requestId)}: “${event.decision.justification}”`;
    case 'RequestGranted':
      return `${n.requestOf(event.requestId)} reached its approvals and was granted`.replace(
        /^./,
        (c) => c.toUpperCase(),
      );
    case 'RequestCanceled':
      return `${n.nameOf(event.by)} cancelled ${n.requestOf(event.requestId)}${event.justification ? `: “${event.justification}”` : ''}`;
    case 'RequestExpired':
      return `${n.requestOf(event.requestId)} expired with nobody deciding`.replace(/^./, (c) =>
        c.toUpperCase(),
      );
    default:
      return null;
  }
}

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
    case 'AddPasskey':
      return `Add a passkey and the device “${command.device.label}”`;
    case 'ExpireActivation':
      return 'Expire a role activation';
    case 'ExpireAssignment':
      return 'Expire a role assignment';
    case 'UpdateRoleSettings':
      return `Change the settings of ${n.roleName(command.roleId)}`;
    case 'ActivateRoles':
      return `Activate ${command.items.map((i) => n.roleOfAssignment(i.assignmentId)).join(', ')} together`;
    case 'RequestExtension':
      return `Ask to extend ${n.roleOfAssignment(command.assignmentId)} until ${formatDate(command.endsAt)}`;
    case 'RequestRenewal':
      return `Ask to renew ${n.roleOfAssignment(command.assignmentId)} until ${formatDate(command.endsAt)}`;
    case 'DecideExtension':
      return `${command.decision === 'approve' ? 'Approve' : 'Deny'} an extension or renewal request`;
    case 'UpdateAssignment':
      return `Change the dates of ${n.roleOfAssignment(command.assignmentId)}: ${command.startsAt ? `from ${formatDate(command.startsAt)} ` : ''}${command.endsAt ? `until ${formatDate(command.endsAt)}` : 'permanently'}`;
    case 'ExtendAssignment':
      return `Extend ${n.roleOfAssignment(command.assignmentId)} ${command.endsAt ? `until ${formatDate(command.endsAt)}` : 'permanently'}`;
    case 'SetBreakGlass':
      return `${command.breakGlass ? 'Mark' : 'Unmark'} ${n.nameOf(command.userId)} as a break-glass account`;
    case 'ApproveRequest':
      return `Approve ${n.requestOf(command.requestId)}`;
    case 'DenyRequest':
      return `Deny ${n.requestOf(command.requestId)}`;
    case 'DecideRequests':
      return `${command.decision === 'approve' ? 'Approve' : 'Deny'} ${command.requestIds.map((id) => n.requestOf(id)).join('; ')}`;
    case 'CancelRequest':
      return `Cancel ${n.requestOf(command.requestId)}`;
    case 'ExpireRequest':
      return `Expire ${n.requestOf(command.requestId)}`;
    default:
      return `${type} request`;
  }
}

export function describeWhat(entry: DescribableEntry, n: Names): Sentence {
  if (entry.events.length > 0) {
    return joinSentences(
      entry.events.map((e) => {
        const words = describeRequestEvent(e, n);
        return words === null ? describeEvent(e, n.nameOf, n.roleName, n.groupName) : plain(words);
      }),
      '. ',
    );
  }
  return plain(
    describeCommand(entry.signed?.envelope.command ?? entry.command, entry.commandType, n),
  );
}

export function describeWho(entry: DescribableEntry, n: Names): string {
  if (entry.kind === 'system') return 'Leasehold (scheduler)';
  return entry.actor ? n.nameOf(entry.actor) : 'Someone not signed in';
}

export const describeOutcome = (entry: { outcome: string }): string =>
  entry.outcome === 'accepted' ? 'Accepted' : 'Denied';

export const describeReason = (entry: DescribableEntry): Sentence =>
  entry.rejection ? describeRejection(entry.rejection) : plain('');

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
  UpdateRoleSettings: 'Change role settings',
  ApproveRequest: 'Approve a request',
  DenyRequest: 'Deny a request',
  DecideRequests: 'Decide several requests',
  CancelRequest: 'Cancel a request',
  ExpireRequest: 'Request timed out',
  ActivateRoles: 'Activate several roles',
  RequestExtension: 'Ask for an extension',
  RequestRenewal: 'Ask for a renewal',
  DecideExtension: 'Decide an extension or renewal',
  ExtendAssignment: 'Extend an assignment',
  UpdateAssignment: 'Change an assignment’s dates',
  SetBreakGlass: 'Mark a break-glass account',
};
