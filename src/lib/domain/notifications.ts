/**
 * The in-app notification centre (PRODUCT.md "Notifications": always on), following each role's
 * notification settings: for someone assigned as eligible, assigned as active, and an eligible
 * member activating, who hears of it among the administrators, the assignee or requester and the
 * role's approvers — the default people of each kind when that cell is on, plus its additional
 * recipients. "Critical only" keeps just what needs the recipient to act: an activation waiting
 * for their approval. Derived from the replicated state, so it works offline and the relay
 * writes nothing for it; other channels (OS, push, e-mail, webhooks) build on the same list.
 */
import { roleNameOf } from './activation';
import { ROLE_IDS } from './catalogue';
import { membersOf } from './groups';
import { getOwn, principalKindOf, scopeOf, valuesOf } from './records';
import { approversFor } from './requests';
import { activeHoldersOf } from './safeguards';
import { notificationSettingsOf, settingsFor } from './settings';
import { addDays } from './time';
import type {
  Iso,
  NotificationEvent,
  NotificationRecipients,
  RoleId,
  ScopeId,
  TenantState,
  UserId,
} from './types';

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

type Subject = {
  key: string;
  event: NotificationEvent;
  at: Iso;
  roleId: RoleId;
  scopeId: ScopeId | null;
  /** The people the assignment or activation is for (a group's members at `at`). */
  assignees: UserId[];
  /** Who caused it: nobody is told of their own action as an administrator or approver. */
  actor: UserId | 'system';
  /** Per recipient kind: the sentence, and whether it needs that recipient to act. */
  words: Record<NotificationRecipients, { text: string; critical: boolean }>;
  href: Record<NotificationRecipients, InAppNotification['href']>;
};

/**
 * What `userId` is told at `at`, newest first: assignments made and activations (or requests to
 * activate) in the last 30 days, each once per recipient kind that includes them.
 */
export function notificationsFor(state: TenantState, userId: UserId, at: Iso): InAppNotification[] {
  if (getOwn(state.users, userId)?.status !== 'active') return [];
  const since = addDays(at, -NOTIFICATION_HORIZON_DAYS);
  const subjects = recentSubjects(state, since, at);
  if (subjects.length === 0) return [];
  let admins: Set<UserId> | null = null;
  const approvers = new Map<string, Set<UserId>>();
  const out: InAppNotification[] = [];
  for (const s of subjects) {
    const table = notificationSettingsOf(settingsFor(state, s.roleId, s.scopeId))[s.event];
    // Someone who is also the assignee hears it as such, in their own words.
    for (const as of ['assignee', 'admins', 'approvers'] as const) {
      const rule = table[as];
      const words = s.words[as];
      if (rule.criticalOnly && !words.critical) continue;
      let included = rule.additionalRecipients.includes(userId);
      if (!included && rule.defaultRecipients) {
        if (as === 'assignee') included = s.assignees.includes(userId);
        else if (s.actor !== userId) {
          if (as === 'admins') {
            admins ??= new Set([
              ...activeHoldersOf(state, ROLE_IDS.GlobalAdministrator, at),
              ...activeHoldersOf(state, ROLE_IDS.PrivilegedRoleAdministrator, at),
            ]);
            included = admins.has(userId);
          } else {
            const key = `${s.roleId}@${s.scopeId ?? ''}`;
            let people = approvers.get(key);
            if (!people) {
              people = approversFor(state, s.roleId, at, s.scopeId);
              approvers.set(key, people);
            }
            // Approvers hear of activations of others, not of their own.
            included = people.has(userId) && !s.assignees.includes(userId);
          }
        }
      }
      if (!included) continue;
      out.push({
        id: `${s.key}:${as}`,
        event: s.event,
        as,
        at: s.at,
        roleId: s.roleId,
        text: words.text,
        critical: words.critical,
        href: s.href[as],
      });
      // One notice per subject: the first kind that includes the person says it.
      break;
    }
  }
  return out
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.id < b.id ? -1 : 1))
    .slice(0, MAX_NOTIFICATIONS);
}

function recentSubjects(state: TenantState, since: Iso, at: Iso): Subject[] {
  const subjects: Subject[] = [];
  const name = (id: UserId | 'system') =>
    id === 'system' ? 'Leasehold' : (getOwn(state.users, id)?.displayName ?? 'Someone');
  for (const a of valuesOf(state.assignments)) {
    if (a.createdAt < since || a.createdAt > at) continue;
    const role = roleNameOf(state, a);
    const group = principalKindOf(a) === 'group' ? getOwn(state.groups ?? {}, a.principalId) : null;
    const who = group ? `the group ${group.name}` : name(a.principalId);
    const eligible = a.type === 'eligible';
    const made = `${name(a.createdBy)} assigned ${who} as ${eligible ? 'eligible for' : 'active in'} ${role}`;
    subjects.push({
      key: `assignment:${a.id}`,
      event: eligible ? 'assignedEligible' : 'assignedActive',
      at: a.createdAt,
      roleId: a.roleId,
      scopeId: scopeOf(a),
      assignees: group ? membersOf(state, group.id, at) : [a.principalId],
      actor: a.createdBy,
      words: {
        admins: { text: `${made}.`, critical: false },
        assignee: {
          text: `You are now ${eligible ? 'eligible for' : 'active in'} ${role}${group ? ` through ${group.name}` : ''}${eligible ? ': activate it when you need it' : ''}.`,
          critical: false,
        },
        approvers: { text: `${made}; you approve its activations.`, critical: false },
      },
      href: { admins: '/admin', assignee: '/roles', approvers: '/approvals' },
    });
  }
  for (const act of valuesOf(state.activations)) {
    if (act.requestedAt < since || act.requestedAt > at) continue;
    const role = roleNameOf(state, act);
    const who = name(act.principalId);
    subjects.push({
      key: `activation:${act.id}`,
      event: 'activated',
      at: act.startsAt > act.requestedAt && act.startsAt <= at ? act.startsAt : act.requestedAt,
      roleId: act.roleId,
      scopeId: scopeOfActivation(state, act.assignmentId),
      assignees: [act.principalId],
      actor: act.principalId,
      words: {
        admins: { text: `${who} activated ${role}: “${act.justification}”.`, critical: false },
        assignee: { text: `You activated ${role}.`, critical: false },
        approvers: { text: `${who} activated ${role}: “${act.justification}”.`, critical: false },
      },
      href: { admins: '/admin', assignee: '/roles', approvers: '/approvals' },
    });
  }
  for (const r of valuesOf(state.requests)) {
    // Granted requests are told as their activation; the rest as the request itself.
    if (r.requestedAt < since || r.requestedAt > at || getOwn(state.activations, r.activationId)) {
      continue;
    }
    const role = roleNameOf(state, r);
    const who = name(r.principalId);
    const waiting = r.status === 'PendingApproval' && at < r.expiresAt;
    subjects.push({
      key: `request:${r.id}`,
      event: 'activated',
      at: r.requestedAt,
      roleId: r.roleId,
      scopeId: scopeOfActivation(state, r.assignmentId),
      assignees: [r.principalId],
      actor: r.principalId,
      words: {
        admins: {
          text: `${who} asked to activate ${role}: “${r.justification}”.`,
          critical: false,
        },
        assignee: { text: `You asked to activate ${role}; it needs approval.`, critical: false },
        approvers: {
          text: waiting
            ? `${who} asks you to approve activating ${role}: “${r.justification}”.`
            : `${who} asked to activate ${role} (no longer waiting).`,
          critical: waiting,
        },
      },
      href: { admins: '/approvals', assignee: '/requests', approvers: '/approvals' },
    });
  }
  return subjects;
}

function scopeOfActivation(state: TenantState, assignmentId: string): ScopeId | null {
  const assignment = getOwn(state.assignments, assignmentId);
  return assignment ? scopeOf(assignment) : null;
}
