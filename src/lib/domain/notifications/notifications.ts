/**
 * The in-app notification centre (PRODUCT.md "Notifications": always on), following each role's
 * notification settings: for someone assigned as eligible, assigned as active, and an eligible
 * member activating, who hears of it among the administrators, the assignee or requester and the
 * role's approvers — the default people of each kind when that cell is on, plus its additional
 * recipients. "Critical only" keeps just what needs the recipient to act: an activation waiting
 * for their approval. A request to activate is told to its requester and approvers until it ends,
 * then how it ended (approved, denied, expired, cancelled, failed) is told in its place.
 * Derived from the replicated state, so it works offline and the relay writes nothing for it;
 * other channels (OS, push, e-mail, webhooks) build on the same list.
 */
import { roleNameOf } from '#domain/activation/activation';
import {
  isActivationActive,
  isActivationScheduled,
  isAssignmentInForce,
} from '#domain/activation/status';
import { approversSoFar } from '#domain/approvals/request-view';
import { isApproverOf, requestIdFor } from '#domain/approvals/requests';
import { ROLE_IDS } from '#domain/catalogue';
import type {
  Activation,
  ActivationRequest,
  ApprovalDecision,
  Assignment,
  Iso,
  NotificationEvent,
  NotificationRecipients,
  RoleId,
  ScopeId,
  TenantState,
  UserId,
} from '#domain/model';
import { groupsOfUser } from '#domain/organisation/groups';
import { rolesHeldBy } from '#domain/permissions';
import { getOwn, valuesOf } from '#domain/records';
import { settingsFor } from '#domain/settings/settings';
import { addDays, earliest } from '#domain/time';

/** How far back the centre looks. */
export const NOTIFICATION_HORIZON_DAYS = 30;
/** The most it lists, newest first. */
export const MAX_NOTIFICATIONS = 100;

/**
 * What an item says: words, and the instants it names kept as instants, so the page says each
 * one in the reader's zone and style (and the sentence never goes stale as the clock moves).
 */
export type NotificationText = readonly (string | { instant: Iso })[];

export type InAppNotification = {
  /**
   * Stable: the subject, how a request ended when it did, and the recipient kind, so the list
   * keeps its items across reloads and devices.
   */
  id: string;
  event: NotificationEvent;
  /** Why this person hears of it. */
  as: NotificationRecipients;
  /**
   * When it happened. Read marks are an instant per device: an item is new while this is after
   * the mark, which is why how a request ended is a new item at its own moment.
   */
  at: Iso;
  roleId: RoleId;
  text: NotificationText;
  /** Needs the recipient to act (an approval waiting for them). */
  critical: boolean;
  /** Where the app shows the subject. */
  href: '/approvals' | '/roles' | '/requests' | '/admin';
};

/** How a request to activate ended, with who ended it ('system' for a lapse or a failure). */
type Ending =
  | { kind: 'approved'; at: Iso; by: UserId | 'system'; activation: Activation | undefined }
  | { kind: 'denied'; at: Iso; by: UserId; decision: ApprovalDecision }
  | { kind: 'expired'; at: Iso; by: 'system' }
  | { kind: 'cancelled'; at: Iso; by: UserId | 'system' }
  | { kind: 'failed'; at: Iso; by: 'system' };

/** One thing that happened, and under which recipient kind this person hears of it. */
type Hit =
  | { kind: 'assignment'; subject: Assignment; as: NotificationRecipients; at: Iso; key: string }
  | { kind: 'activation'; subject: Activation; as: NotificationRecipients; at: Iso; key: string }
  | {
      kind: 'request';
      subject: ActivationRequest;
      as: NotificationRecipients;
      at: Iso;
      key: string;
      /** This person may approve or deny it now. */
      actionable: boolean;
    }
  | {
      kind: 'ending';
      subject: ActivationRequest;
      as: NotificationRecipients;
      at: Iso;
      key: string;
      ending: Ending;
    };

/**
 * What `userId` is told at `at`, newest first: assignments made and activations (or requests to
 * activate, and how they ended) in the last 30 days, each once, under the first recipient kind
 * that includes them. One pass over the records with no allocation for what is not shown, and
 * sentences only for the listed ones, so a tenant that just imported 100,000 assignments stays
 * cheap.
 */
export function notificationsFor(state: TenantState, userId: UserId, at: Iso): InAppNotification[] {
  if (getOwn(state.users, userId)?.status !== 'active') return [];
  const since = addDays(at, -NOTIFICATION_HORIZON_DAYS);
  const myGroups = groupsOfUser(state, userId, at);
  // "Administrators" are the Global and Privileged Role Administrators: one look at this
  // person's own roles. Approvers are asked per role and scope, once each.
  let admin: boolean | null = null;
  const isAdmin = () => {
    if (admin === null) {
      const held = rolesHeldBy(state, userId, at);
      admin =
        held.has(ROLE_IDS.GlobalAdministrator) || held.has(ROLE_IDS.PrivilegedRoleAdministrator);
    }
    return admin;
  };
  const approves = new Map<string, boolean>();
  const isApprover = (roleId: RoleId, scopeId: ScopeId | null): boolean => {
    const key = `${roleId}@${scopeId ?? ''}`;
    let yes = approves.get(key);
    if (yes === undefined) {
      yes = isApproverOf(state, userId, roleId, at, scopeId);
      approves.set(key, yes);
    }
    return yes;
  };
  /**
   * The recipient kind this person hears of it as, or null, trying the kinds in `order`. Nobody
   * hears as an administrator of what they did themselves (`actor`), nor as an approver of what
   * they decided (`decider`, the actor unless a request's ending names another).
   */
  const recipientAs = (
    event: NotificationEvent,
    roleId: RoleId,
    scopeId: ScopeId | null,
    isAssignee: boolean,
    actor: UserId | 'system',
    critical: (as: NotificationRecipients) => boolean,
    order: readonly NotificationRecipients[] = RECIPIENT_ORDER,
    decider: UserId | 'system' = actor,
  ): NotificationRecipients | null => {
    const table = settingsFor(state, roleId, scopeId).notifications[event];
    for (const as of order) {
      const rule = table[as];
      if (rule.criticalOnly && !critical(as)) continue;
      if (rule.additionalRecipients.includes(userId)) return as;
      if (!rule.defaultRecipients) continue;
      if (as === 'assignee') {
        if (isAssignee) return as;
      } else if (as === 'admins') {
        if (actor !== userId && isAdmin()) return as;
      } else if (decider !== userId && !isAssignee && isApprover(roleId, scopeId)) {
        return as;
      }
    }
    return null;
  };
  const never = () => false;

  const hits: Hit[] = [];
  for (const a of valuesOf(state.assignments)) {
    if (a.createdAt < since || a.createdAt > at) continue;
    const isAssignee =
      a.principalKind === 'group' ? myGroups.has(a.principalId) : a.principalId === userId;
    const event = a.type === 'eligible' ? 'assignedEligible' : 'assignedActive';
    const as = recipientAs(event, a.roleId, a.scopeId, isAssignee, a.createdBy, never);
    if (as)
      hits.push({ kind: 'assignment', subject: a, as, at: a.createdAt, key: `assignment:${a.id}` });
  }
  for (const act of valuesOf(state.activations)) {
    if (act.requestedAt < since || act.requestedAt > at) continue;
    // An approved request's activation is told with the request, which says who approved it.
    if (wasApprovedAs(getOwn(state.requests, requestIdFor(act.id)), act)) continue;
    const scopeId = scopeOfActivation(state, act.assignmentId);
    const as = recipientAs(
      'activated',
      act.roleId,
      scopeId,
      act.principalId === userId,
      act.principalId,
      never,
    );
    // When it was asked for (never in the future, so read marks stay honest), even if scheduled.
    if (as) {
      hits.push({
        kind: 'activation',
        subject: act,
        as,
        at: act.requestedAt,
        key: `activation:${act.id}`,
      });
    }
  }
  for (const r of valuesOf(state.requests)) {
    // Everything a request is told by happened by its resolution (or its deadline, while open).
    if (r.requestedAt > at || (r.resolvedAt ?? r.expiresAt) < since) continue;
    const ending = endingOf(state, r, at);
    // Nothing left to do for an approver who approved a request still short of its quorum.
    const actionable =
      ending === null &&
      r.status === 'PendingApproval' &&
      !r.decisions.some((d) => d.approverId === userId);
    const as = recipientAs(
      'activated',
      r.roleId,
      scopeOfActivation(state, r.assignmentId),
      r.principalId === userId,
      r.principalId,
      (k) => k === 'approvers' && actionable,
      REQUEST_ORDER,
      ending?.by ?? r.principalId,
    );
    if (!as) continue;
    const hit = requestHit(r, as, ending, actionable, at);
    if (hit.at >= since) hits.push(hit);
  }
  return hits
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.key < b.key ? -1 : 1))
    .slice(0, MAX_NOTIFICATIONS)
    .map((hit) => describeHit(state, userId, hit, at));
}

const RECIPIENT_ORDER = ['assignee', 'admins', 'approvers'] as const;
// For a request the approver's words come before the administrator's: they ask the person to act.
const REQUEST_ORDER = ['assignee', 'approvers', 'admins'] as const;

/** Whether `r` is the request that was approved into `act`. */
function wasApprovedAs(r: ActivationRequest | undefined, act: Activation): boolean {
  return (
    r !== undefined &&
    r.activationId === act.id &&
    (r.status === 'Granted' || r.status === 'Provisioned')
  );
}

/**
 * How `r` ended as seen at `at`, or null while it can still be decided. A request past its
 * deadline lapsed at that deadline on every screen, whether or not the relay recorded it yet, so
 * its item is the same before and after.
 */
function endingOf(state: TenantState, r: ActivationRequest, at: Iso): Ending | null {
  const resolvedAt = r.resolvedAt ?? r.history.at(-1)?.at ?? r.requestedAt;
  const by = r.resolvedBy ?? 'system';
  switch (r.status) {
    case 'PendingApproval':
      return at < r.expiresAt ? null : { kind: 'expired', at: r.expiresAt, by: 'system' };
    case 'PendingAdminDecision':
      return null;
    case 'Granted':
    case 'Provisioned':
      return {
        kind: 'approved',
        at: resolvedAt,
        by,
        activation: getOwn(state.activations, r.activationId),
      };
    case 'Denied': {
      // The first denial resolves a request, so there is one.
      const decision = r.decisions.find((d) => d.decision === 'deny');
      return decision
        ? { kind: 'denied', at: decision.at, by: decision.approverId, decision }
        : { kind: 'failed', at: resolvedAt, by: 'system' };
    }
    case 'Expired':
      return { kind: 'expired', at: r.expiresAt, by: 'system' };
    case 'Canceled':
    case 'Revoked':
      return { kind: 'cancelled', at: resolvedAt, by };
    case 'Failed':
      return { kind: 'failed', at: resolvedAt, by: 'system' };
    default: {
      const unknown: never = r.status;
      throw new Error(`Unknown request status ${String(unknown)}`);
    }
  }
}

/**
 * The item `r` is told as under `as`. The requester and the approvers hear the request while it
 * can be decided and then, in its place, how it ended — at the moment it ended, so it reads as
 * new; administrators, who are not asked to act, keep hearing of the ask, or of the activation
 * an approval started.
 */
function requestHit(
  r: ActivationRequest,
  as: NotificationRecipients,
  ending: Ending | null,
  actionable: boolean,
  at: Iso,
): Hit {
  if (as === 'admins' && ending?.kind === 'approved' && ending.activation) {
    const act = ending.activation;
    return {
      kind: 'activation',
      subject: act,
      as,
      at: act.requestedAt,
      key: `activation:${act.id}`,
    };
  }
  if (as === 'admins' || ending === null) {
    return {
      kind: 'request',
      subject: r,
      as,
      at: r.requestedAt,
      key: `request:${r.id}`,
      actionable,
    };
  }
  return {
    kind: 'ending',
    subject: r,
    as,
    // A relay clock a little ahead of this one must not put it in the future.
    at: earliest(ending.at, at),
    key: `request:${r.id}:${ending.kind}`,
    ending,
  };
}

/** A listed notification in words, with where the app shows its subject. */
function describeHit(state: TenantState, userId: UserId, hit: Hit, at: Iso): InAppNotification {
  const name = (id: UserId | 'system') =>
    id === 'system' ? 'Leasehold' : (getOwn(state.users, id)?.displayName ?? 'Someone');
  const base = { id: `${hit.key}:${hit.as}`, as: hit.as, at: hit.at };
  switch (hit.kind) {
    case 'assignment': {
      const a = hit.subject;
      const role = roleNameOf(state, a);
      const eligible = a.type === 'eligible';
      const group = a.principalKind === 'group' ? getOwn(state.groups, a.principalId) : undefined;
      const who = group ? `the group ${group.name}` : name(a.principalId);
      const made = `${name(a.createdBy)} assigned ${who} as ${eligible ? 'eligible for' : 'active in'} ${role}`;
      const text = {
        admins: `${made}.`,
        assignee: `You are now ${eligible ? 'eligible for' : 'active in'} ${role}${group ? ` through ${group.name}` : ''}${eligible ? ': activate it when you need it' : ''}.`,
        approvers: `${made}; you approve its activations.`,
      }[hit.as];
      const href = ({ admins: '/admin', assignee: '/roles', approvers: '/approvals' } as const)[
        hit.as
      ];
      return {
        ...base,
        event: eligible ? 'assignedEligible' : 'assignedActive',
        roleId: a.roleId,
        text: [text],
        critical: false,
        href,
      };
    }
    case 'activation': {
      const act = hit.subject;
      const role = roleNameOf(state, act);
      const told = `${name(act.principalId)} activated ${role}: “${act.justification}”.`;
      const text = { admins: told, assignee: `You activated ${role}.`, approvers: told }[hit.as];
      const href = ({ admins: '/admin', assignee: '/roles', approvers: '/approvals' } as const)[
        hit.as
      ];
      return {
        ...base,
        event: 'activated',
        roleId: act.roleId,
        text: [text],
        critical: false,
        href,
      };
    }
    case 'request': {
      const r = hit.subject;
      const role = roleNameOf(state, r);
      const who = name(r.principalId);
      const text = {
        admins: `${who} asked to activate ${role}: “${r.justification}”.`,
        assignee: `You asked to activate ${role}; it needs approval.`,
        approvers: hit.actionable
          ? `${who} asks you to approve activating ${role}: “${r.justification}”.`
          : `${who} asks to activate ${role}: “${r.justification}”.${stillNeeded(r, userId)}`,
      }[hit.as];
      const href = (
        { admins: '/approvals', assignee: '/requests', approvers: '/approvals' } as const
      )[hit.as];
      return {
        ...base,
        event: 'activated',
        roleId: r.roleId,
        text: [text],
        critical: hit.as === 'approvers' && hit.actionable,
        href,
      };
    }
    case 'ending': {
      const r = hit.subject;
      const mine = hit.as === 'assignee';
      return {
        ...base,
        event: 'activated',
        roleId: r.roleId,
        text: endingText({ state, userId, at, name }, r, hit.ending, mine),
        critical: false,
        href: !mine ? '/approvals' : hit.ending.kind === 'approved' ? '/roles' : '/requests',
      };
    }
  }
}

/** Who reads the centre, when, and how people are named to them. */
type Reader = {
  state: TenantState;
  userId: UserId;
  at: Iso;
  name: (id: UserId | 'system') => string;
};

/**
 * How a request ended in words, for its requester (`mine`: "your request to activate X") or an
 * approver ("Bo’s request to activate X").
 */
function endingText(
  { state, userId, at, name }: Reader,
  r: ActivationRequest,
  ending: Ending,
  mine: boolean,
): NotificationText {
  const role = roleNameOf(state, r);
  const request = `${mine ? 'your' : `${name(r.principalId)}’s`} request to activate ${role}`;
  switch (ending.kind) {
    case 'approved': {
      const approvers = listOf(approversSoFar(r).map((id) => (id === userId ? 'you' : name(id))));
      const said = `${capitalised(approvers)} approved ${request}`;
      const act = ending.activation;
      // Only the requester is told what it means for them now.
      if (!mine || !act) return [`${said}.`];
      if (isActivationScheduled(act, at)) {
        return [
          `${said}; it starts at `,
          { instant: act.startsAt },
          ' and ends at ',
          { instant: act.endsAt },
          '.',
        ];
      }
      if (isActivationActive(act, at)) {
        return [`${said}; it is active until `, { instant: act.endsAt }, '.'];
      }
      return [`${said}; it ended at `, { instant: act.endedAt ?? act.endsAt }, '.'];
    }
    case 'denied':
      return [`${name(ending.by)} denied ${request}: “${ending.decision.justification}”.`];
    case 'expired': {
      const approvals = approversSoFar(r).length;
      const why =
        approvals === 0
          ? 'nobody decided in time'
          : `${approvals} of ${r.approvalsRequired} approvals came in time`;
      return [`${capitalised(request)} expired at `, { instant: ending.at }, `: ${why}.`];
    }
    case 'cancelled':
      if (ending.by === userId) return [`You cancelled ${request}.`];
      if (ending.by === r.principalId) {
        return [`${name(r.principalId)} cancelled their request to activate ${role}.`];
      }
      return [`${name(ending.by)} cancelled ${request}.`];
    case 'failed': {
      // The failure's own sentence is in its ledger entry; the state shows whether eligibility is why.
      const assignment = getOwn(state.assignments, r.assignmentId);
      const eligible =
        assignment?.type === 'eligible' && isAssignmentInForce(assignment, ending.at);
      return [
        eligible
          ? `${capitalised(request)} can no longer be granted.`
          : `${capitalised(request)} can no longer be granted: the eligibility it asked to activate is no longer in force.`,
      ];
    }
  }
}

/** For an approver who approved a request that still waits: how many more it needs. */
function stillNeeded(r: ActivationRequest, userId: UserId): string {
  const approved = approversSoFar(r);
  if (!approved.includes(userId)) return '';
  const more = Math.max(0, r.approvalsRequired - approved.length);
  return ` You approved; it needs ${more} more approval${more === 1 ? '' : 's'}.`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "A", "A and B", "A, B and C". */
function listOf(names: string[]): string {
  return names.length <= 1
    ? (names[0] ?? 'Someone')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function scopeOfActivation(state: TenantState, assignmentId: string): ScopeId | null {
  const assignment = getOwn(state.assignments, assignmentId);
  return assignment ? assignment.scopeId : null;
}
