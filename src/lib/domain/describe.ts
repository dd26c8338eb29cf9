/**
 * Words for people: the one place rejections and events become sentences (CONVENTIONS.md
 * "mapped to UI text in one place"). Each is a `Sentence`: its text says instants in UTC, so
 * every reader and the relay say the same thing, and its parts keep them typed for the app to
 * say in the reader's zone.
 */
import {
  diffRoleSettings,
  NOTIFICATION_EVENT_LABELS,
  NOTIFICATION_EVENTS,
  NOTIFICATION_RECIPIENT_LABELS,
  NOTIFICATION_RECIPIENTS,
  SETTING_LABELS,
  type RoleSettingChange,
} from '#domain/settings/settings';
import type { DomainEvent } from './events';
import type { Iso, NotificationSettings, RoleId, UserId } from './model';
import type { Rejection, RejectionCode } from './rejections';
import {
  instant,
  isSentenceParts,
  plain,
  sentence,
  sentenceText,
  timeOfDay,
  type Sentence,
} from './sentence';

/** One short, plain sentence for every rejection code, for when there is no message. */
export const REJECTION_TEXT: Record<RejectionCode, string> = {
  'malformed-command': 'The request was not in a form Leasehold understands.',
  'unknown-command-type': 'Leasehold does not know this kind of request.',
  'bad-signature': 'The request was not signed by a trusted device key.',
  'unknown-device': 'This device is not enrolled.',
  'device-revoked': 'This device has been signed out; enrol it again to continue.',
  'device-not-yours': 'This device belongs to someone else.',
  'replayed-command': 'This request was already received once.',
  'stale-command': 'This request is too old to be accepted.',
  'confirmation-invalid': 'The passkey confirmation did not match this request.',
  'nonce-unknown': 'The confirmation code is not one the relay issued.',
  'nonce-used': 'The confirmation code was already used.',
  'nonce-expired': 'The confirmation code has expired; confirm again.',
  'not-authorized': 'You are not allowed to do this.',
  'setup-already-done': 'This tenant has already been set up.',
  'setup-not-done': 'This tenant has not been set up yet.',
  'duplicate-id': 'Something with this id already exists.',
  'unknown-user': 'There is no such active user.',
  'unknown-role': 'There is no such role.',
  'unknown-assignment': 'There is no such role assignment.',
  'unknown-activation': 'There is no such activation.',
  'unknown-invite': 'This invite link is not valid.',
  'invite-expired': 'This invite has expired.',
  'invite-used': 'This invite has already been used.',
  'invite-revoked': 'This invite was withdrawn.',
  'role-name-taken': 'There is already a role with this name.',
  'invalid-value': 'A value in the request is not valid.',
  'not-eligible': 'You are not eligible for this role.',
  'assignment-not-started': 'Your eligibility for this role has not started yet.',
  'assignment-ended': 'Your eligibility for this role has ended.',
  'already-active': 'This role is already active for you.',
  'already-assigned': 'This person already has an overlapping assignment of this role.',
  'exceeds-max-duration': 'The duration is longer than this role allows.',
  'below-min-duration': 'An activation must last at least 5 minutes.',
  'justification-required': 'A justification is required.',
  'ticket-required': 'A ticket system and number are required.',
  'confirmation-required': 'Confirm this with your passkey.',
  'approval-required': 'This role needs approval to activate.',
  'not-your-activation': 'Only the person who activated a role can deactivate it.',
  'not-active': 'This is not active any more.',
  'too-early-to-deactivate': 'An activation cannot be deactivated in its first 5 minutes.',
  'too-early-to-remove': 'An assignment cannot be removed in its first 5 minutes.',
  'assignment-too-short': 'An assignment must last at least 5 minutes and end in the future.',
  'permanent-not-allowed': 'This role does not allow permanent assignments.',
  'exceeds-max-assignment': 'The assignment is longer than this role allows.',
  'last-global-admin': 'The tenant must keep at least one Global Administrator.',
  'last-privileged-role-admin': 'The tenant must keep at least one Privileged Role Administrator.',
  'already-ended': 'This has already ended.',
  'start-too-far-ahead': 'An activation can be scheduled at most 30 days ahead.',
  'starts-after-assignment-end': 'The activation would start after your eligibility ends.',
  'extension-not-due': 'An extension can be requested only within 14 days of the assignment’s end.',
  'renewal-not-due': 'Only an assignment that has expired can be renewed.',
  'renewal-window-closed': 'An assignment can be renewed only within 30 days of expiring.',
  'unknown-request': 'There is no such request.',
  'request-not-pending': 'This request is no longer waiting for a decision.',
  'approver-is-requester': 'Nobody can approve or deny their own request.',
  'not-an-approver': 'You are not an approver for this role.',
  'already-decided': 'You have already decided this request.',
  'request-pending': 'A request to activate this role is already waiting for approval.',
  'unknown-scope': 'There is no such scope in the resource tree.',
  'invalid-scope': 'This role cannot be assigned at that scope.',
  'scope-not-empty': 'Only a scope with nothing below it can be deleted.',
  'outside-scope': 'This assignment no longer covers any scope, so it cannot be used.',
  'unknown-administrative-unit': 'There is no such administrative unit.',
  'unknown-group': 'There is no such group.',
  'group-cycle': 'A group cannot end up containing itself.',
  'last-group-owner': 'A group must keep at least one owner.',
  'already-member': 'That person or group is already there.',
  'not-a-member': 'That person or group is not there.',
};

/**
 * A rejection for people: its own message, which names the thing concerned, with its instants
 * typed when it kept them; or the code's sentence when the message is blank or the code unknown
 * (e.g. from a newer relay). Parts that do not spell the message are not trusted: the message is.
 */
export function describeRejection(r: Rejection): Sentence {
  const message = typeof r.message === 'string' ? r.message.trim() : '';
  if (message === '') {
    return plain(
      Object.hasOwn(REJECTION_TEXT, r.code)
        ? REJECTION_TEXT[r.code]
        : 'Leasehold refused this request.',
    );
  }
  const parts = r.detail?.parts;
  return isSentenceParts(parts) && sentenceText(parts) === message
    ? { text: message, parts }
    : plain(message);
}

/**
 * One line for an activity feed or audit view, e.g. "Ada activated Security Reader until
 * 2026-11-26 14:05 UTC" in its text. `nameOf` and `roleName` come from the caller's current
 * state; events that carry only an id say so plainly rather than guess.
 */
export function describeEvent(
  event: DomainEvent,
  nameOf: (userId: UserId) => string,
  roleName: (roleId: RoleId) => string,
  groupName?: (id: string) => string | undefined,
): Sentence {
  switch (event.type) {
    case 'SetupCompleted':
      return sentence`The tenant was set up at ${instant(event.at)}`;
    case 'UserCreated':
      return plain(`${event.user.displayName} joined`);
    case 'PasskeyRegistered':
      return plain(`${nameOf(event.passkey.userId)} registered a passkey`);
    case 'DeviceEnrolled':
      return plain(`${nameOf(event.device.userId)} enrolled the device “${event.device.label}”`);
    case 'DeviceRevoked':
      return sentence`A device was revoked at ${instant(event.at)}`;
    case 'InviteCreated':
      return sentence`${nameOf(event.invite.createdBy)} invited ${event.invite.displayName} (the invite expires ${instant(event.invite.expiresAt)})`;
    case 'InviteRevoked':
      return sentence`An invite was withdrawn at ${instant(event.at)}`;
    case 'InviteAccepted':
      return plain(`${nameOf(event.userId)} accepted an invite`);
    case 'RoleCreated':
      return plain(`The custom role ${event.role.name} was created`);
    case 'RoleAssigned': {
      const a = event.assignment;
      const by = a.createdBy === 'system' ? 'Leasehold' : nameOf(a.createdBy);
      const what =
        a.type === 'eligible'
          ? `made ${nameOf(a.principalId)} eligible for ${roleName(a.roleId)}`
          : `gave ${nameOf(a.principalId)} the active role ${roleName(a.roleId)}`;
      return sentence`${by} ${what} ${period(a.startsAt, a.endsAt, a.createdAt)}`;
    }
    case 'AssignmentRemoved':
      return sentence`A role assignment was removed at ${instant(event.at)}`;
    case 'AssignmentExpired':
      return sentence`A role assignment expired at ${instant(event.at)}`;
    case 'ActivationStarted': {
      const a = event.activation;
      // A scheduled activation starts after it was booked: say when.
      const from = a.startsAt > a.requestedAt ? sentence` from ${instant(a.startsAt)}` : '';
      return sentence`${nameOf(a.principalId)} activated ${roleName(a.roleId)}${from} until ${until(a.endsAt, a.startsAt)}`;
    }
    case 'ActivationDeactivated':
      return sentence`A role activation was ended early at ${instant(event.at)}`;
    case 'ActivationExpired':
      return sentence`A role activation ended at ${instant(event.at)}`;
    case 'RoleSettingsUpdated': {
      const changes = diffRoleSettings(event.before, event.after)
        .map((c) => describeSettingChange(c, nameOf, groupName))
        .join('; ');
      return plain(`${nameOf(event.by)} changed ${roleName(event.roleId)}’s settings: ${changes}`);
    }
    case 'ActivationRequested': {
      const r = event.request;
      const approvals =
        r.approvalsRequired === 1 ? '1 approval' : `${r.approvalsRequired} approvals`;
      const from = r.startsAt ? sentence` from ${instant(r.startsAt)}` : '';
      return sentence`${nameOf(r.principalId)} asked to activate ${roleName(r.roleId)}${from} for ${describeMinutes(r.durationMinutes)} (needs ${approvals} by ${instant(r.expiresAt)})`;
    }
    case 'RequestApproved':
      return plain(
        `${nameOf(event.decision.approverId)} approved an activation request${reason(event.decision.justification)}`,
      );
    case 'RequestDenied':
      return plain(
        `${nameOf(event.decision.approverId)} denied an activation request${reason(event.decision.justification)}`,
      );
    case 'RequestGranted':
      return sentence`An activation request was granted at ${instant(event.at)}`;
    case 'RequestCanceled':
      return plain(
        `${nameOf(event.by)} cancelled an activation request${reason(event.justification)}`,
      );
    case 'RequestExpired':
      return sentence`An activation request expired undecided at ${instant(event.at)}`;
    case 'RequestFailed':
      return sentence`A request failed at ${instant(event.at)}: ${event.reason}`;
    case 'UserBreakGlassSet':
      return plain(
        event.breakGlass
          ? `${nameOf(event.by)} made ${nameOf(event.userId)} a break-glass account${reason(event.justification)}`
          : `${nameOf(event.by)} made ${nameOf(event.userId)} an ordinary account again${reason(event.justification)}`,
      );
    case 'AlertRaised':
      return plain(
        `Alert (${event.alert.severity}): break-glass account ${nameOf(event.alert.userId)} activated ${roleName(event.alert.roleId)}`,
      );
    case 'AssignmentRequested': {
      const r = event.request;
      const verb = r.kind === 'extend' ? 'extend' : 'renew';
      return sentence`${nameOf(r.principalId)} asked to ${verb} their ${r.assignmentType} assignment of ${roleName(r.roleId)} until ${instant(r.endsAt)}${reason(r.justification)}`;
    }
    case 'AssignmentRequestDecided': {
      const d = event.decision;
      const verb = d.decision === 'approve' ? 'approved' : 'denied';
      return plain(
        `${nameOf(d.adminId)} ${verb} an extension or renewal request${reason(d.justification)}`,
      );
    }
    case 'AssignmentUpdated': {
      const period = (p: { startsAt: Iso; endsAt: Iso | null }) =>
        sentence`${instant(p.startsAt)} – ${p.endsAt === null ? 'permanent' : instant(p.endsAt)}`;
      return sentence`A role assignment's dates changed from ${period(event.before)} to ${period(event.after)}`;
    }
    case 'AssignmentExtended':
      return sentence`A role assignment was extended ${event.endsAt === null ? 'permanently' : sentence`until ${instant(event.endsAt)}`} (${event.assignmentType})`;
    case 'ScopeCreated':
      return plain(`The ${event.scope.kind} ${event.scope.name} was added to the resource tree`);
    case 'ScopeRenamed':
      return plain(`A scope was renamed to ${event.name}`);
    case 'ScopeDeleted':
      return plain(`The scope ${event.scopeId} was deleted`);
    case 'AdministrativeUnitCreated':
      return plain(`The administrative unit ${event.unit.name} was created`);
    case 'AdministrativeUnitMembersSet':
      return plain(`The members of an administrative unit were set (${event.memberIds.length})`);
    case 'GroupCreated':
      return plain(`The group ${event.group.name} was created`);
    case 'GroupMemberAdded':
      return plain(`${nameOf(event.userId)} became a member of a group`);
    case 'GroupMemberRemoved':
      return plain(`${nameOf(event.userId)} stopped being a member of a group`);
    case 'GroupOwnerAdded':
      return plain(`${nameOf(event.userId)} became an owner of a group`);
    case 'GroupOwnerRemoved':
      return plain(`${nameOf(event.userId)} stopped being an owner of a group`);
    case 'GroupNested':
      return plain(`A group was nested in another`);
    case 'GroupUnnested':
      return plain(`A nested group was taken out of another`);
    default: {
      const unhandled: never = event;
      return plain(`Unknown event ${(unhandled as { type?: unknown }).type as string}`);
    }
  }
}

/** "until 14:05 UTC" on the same day as `from`, else with the date. */
function until(end: Iso, from: Iso): Sentence {
  return sentence`${end.slice(0, 10) === from.slice(0, 10) ? timeOfDay(end) : instant(end)}`;
}

function period(startsAt: Iso, endsAt: Iso | null, createdAt: Iso): Sentence {
  const from = startsAt > createdAt ? sentence`from ${instant(startsAt)} ` : '';
  return endsAt === null ? sentence`${from}permanently` : sentence`${from}until ${instant(endsAt)}`;
}

/**
 * One changed setting for people: "maximum activation 8 h → 4 h", "approval required off →
 * on", "approvers default → Grace, Alan, group Security leads". For the audit's diff view and
 * `describeEvent`. `groupName` names an approver entry that is a group (undefined: not one).
 */
export function describeSettingChange(
  change: RoleSettingChange,
  nameOf: (userId: UserId) => string,
  groupName?: (id: string) => string | undefined,
): string {
  const show = (value: RoleSettingChange['before']) =>
    formatSettingValue(change.field, value, nameOf, groupName);
  return `${SETTING_LABELS[change.field]} ${show(change.before)} → ${show(change.after)}`;
}

/**
 * The notification table in words: "defaults" when every cell is the default, else the cells
 * that differ ("activation → approvers: default recipients off, also Cy").
 */
function describeNotifications(
  table: NotificationSettings,
  nameOf: (userId: UserId) => string,
): string {
  const cells: string[] = [];
  for (const event of NOTIFICATION_EVENTS) {
    for (const kind of NOTIFICATION_RECIPIENTS) {
      const rule = table[event][kind];
      const parts = [
        ...(rule.defaultRecipients ? [] : ['default recipients off']),
        ...(rule.criticalOnly ? ['critical only'] : []),
        ...(rule.additionalRecipients.length > 0
          ? [`also ${rule.additionalRecipients.map(nameOf).join(', ')}`]
          : []),
      ];
      if (parts.length > 0) {
        cells.push(
          `${NOTIFICATION_EVENT_LABELS[event].toLowerCase()} → ${NOTIFICATION_RECIPIENT_LABELS[kind].toLowerCase()}: ${parts.join(', ')}`,
        );
      }
    }
  }
  return cells.length === 0 ? 'defaults' : `(${cells.join('; ')})`;
}

/** A setting's value for people, in the units its field is kept in. */
export function formatSettingValue(
  field: RoleSettingChange['field'],
  value: RoleSettingChange['before'],
  nameOf: (userId: UserId) => string,
  groupName?: (id: string) => string | undefined,
): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (field === 'notifications' || (typeof value === 'object' && !Array.isArray(value))) {
    return describeNotifications(value as NotificationSettings, nameOf);
  }
  if (Array.isArray(value)) {
    // An empty list is not "nobody": it means the Privileged Role and Global Administrators.
    const approver = (id: string) => {
      const group = groupName?.(id);
      return group === undefined ? nameOf(id) : `group ${group}`;
    };
    return value.length === 0 ? 'default' : value.map(approver).join(', ');
  }
  switch (field) {
    case 'maxActivationMinutes':
    case 'pendingTimeoutMinutes':
      return describeMinutes(value);
    case 'offlineConfirmWindowMinutes':
      return value === 0 ? 'off' : describeMinutes(value);
    case 'eligibleExpiryDays':
    case 'activeExpiryDays':
      return `${value} d`;
    default:
      return String(value);
  }
}

/** "8 h", "90 min" → "1 h 30 min", "24 h", and "3 d" for whole days beyond the first. */
function describeMinutes(minutes: number): string {
  if (minutes > 1440 && minutes % 1440 === 0) return `${minutes / 1440} d`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** ": “reason”" when there is one. */
function reason(justification: string): string {
  return justification === '' ? '' : `: “${justification}”`;
}
