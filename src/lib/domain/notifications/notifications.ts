/**
 * The in-app notification centre (PRODUCT.md "Notifications": always on), following each role's
 * notification settings: for someone assigned as eligible, assigned as active, and an eligible
 * member activating, who hears of it among the administrators, the assignee or requester and the
 * role's approvers — the default people of each kind when that cell is on, plus its additional
 * recipients. "Critical only" keeps just what needs the recipient to act: an activation waiting
 * for their approval. Derived from the replicated state, so it works offline and the relay
 * writes nothing for it; other channels (OS, push, e-mail, webhooks) build on the same list.
 */
import { roleNameOf } from '#domain/activation/activation';
import { isApproverOf } from '#domain/approvals/requests';
import { ROLE_IDS } from '#domain/catalogue';
import type {
  Activation,
  ActivationRequest,
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
import { addDays } from '#domain/time';

/** How far back the centre looks. */
export const NOTIFICATION_HORIZON_DAYS = 30;
/** The most it lists, newest first. */
export const MAX_NOTIFICATIONS = 100;

export type InAppNotification = {
  /** Stable: the subject and the recipient kind, so read marks survive reloads. */
  id: string;
  event: NotificationEvent;
  /** Why this person hears of it. */
  as: NotificationRecipients;
  at: Iso;
  roleId: RoleId;
  text: string;
  /** Needs the recipient to act (an approval waiting for them). */
  critical: boolean;
  /** Where the app shows the subject. */
  href: '/approvals' | '/roles' | '/requests' | '/admin';
};

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
      waiting: boolean;
    };

/**
 * What `userId` is told at `at`, newest first: assignments made and activations (or requests to
 * activate) in the last 30 days, each once, under the first recipient kind that includes them.
 * One pass over the records with no allocation for what is not shown, and sentences only for
 * the listed ones, so a tenant that just imported 100,000 assignments stays cheap.
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
  /** The recipient kind this person hears of it as, or null; the assignee's own words first. */
  const recipientAs = (
    event: NotificationEvent,
    roleId: RoleId,
    scopeId: ScopeId | null,
    isAssignee: boolean,
    actor: UserId | 'system',
    critical: (as: NotificationRecipients) => boolean,
  ): NotificationRecipients | null => {
    const table = settingsFor(state, roleId, scopeId).notifications[event];
    for (const as of RECIPIENT_ORDER) {
      const rule = table[as];
      if (rule.criticalOnly && !critical(as)) continue;
      if (rule.additionalRecipients.includes(userId)) return as;
      if (!rule.defaultRecipients) continue;
      if (as === 'assignee') {
        if (isAssignee) return as;
      } else if (actor !== userId) {
        if (as === 'admins' ? isAdmin() : !isAssignee && isApprover(roleId, scopeId)) return as;
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
    // Granted requests are told as their activation; the rest as the request itself.
    if (r.requestedAt < since || r.requestedAt > at || getOwn(state.activations, r.activationId)) {
      continue;
    }
    const waiting = r.status === 'PendingApproval' && at < r.expiresAt;
    const scopeId = scopeOfActivation(state, r.assignmentId);
    const as = recipientAs(
      'activated',
      r.roleId,
      scopeId,
      r.principalId === userId,
      r.principalId,
      (k) => k === 'approvers' && waiting,
    );
    if (as)
      hits.push({
        kind: 'request',
        subject: r,
        as,
        at: r.requestedAt,
        key: `request:${r.id}`,
        waiting,
      });
  }
  return hits
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.key < b.key ? -1 : 1))
    .slice(0, MAX_NOTIFICATIONS)
    .map((hit) => describeHit(state, hit));
}

const RECIPIENT_ORDER = ['assignee', 'admins', 'approvers'] as const;

/** A listed notification in words, with where the app shows its subject. */
function describeHit(state: TenantState, hit: Hit): InAppNotification {
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
        text,
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
      return { ...base, event: 'activated', roleId: act.roleId, text, critical: false, href };
    }
    case 'request': {
      const r = hit.subject;
      const role = roleNameOf(state, r);
      const who = name(r.principalId);
      const text = {
        admins: `${who} asked to activate ${role}: “${r.justification}”.`,
        assignee: `You asked to activate ${role}; it needs approval.`,
        approvers: hit.waiting
          ? `${who} asks you to approve activating ${role}: “${r.justification}”.`
          : `${who} asked to activate ${role} (no longer waiting).`,
      }[hit.as];
      const href = (
        { admins: '/approvals', assignee: '/requests', approvers: '/approvals' } as const
      )[hit.as];
      return {
        ...base,
        event: 'activated',
        roleId: r.roleId,
        text,
        critical: hit.as === 'approvers' && hit.waiting,
        href,
      };
    }
  }
}

function scopeOfActivation(state: TenantState, assignmentId: string): ScopeId | null {
  const assignment = getOwn(state.assignments, assignmentId);
  return assignment ? assignment.scopeId : null;
}
