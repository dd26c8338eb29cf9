/**
 * Extending and renewing assignments (PRODUCT.md "Lifecycle rules"): the assignee may ask to
 * extend an assignment within 14 days of its end, or to renew one that expired within the last
 * 30 days; an administrator decides (status PendingAdminDecision) and may change the end and
 * the type, or extends directly. One pending extension or renewal per assignment.
 */
import { roleNameOf } from '#domain/activation/activation';
import type {
  Assignment,
  AssignmentId,
  AssignmentRequest,
  Iso,
  RequestId,
  TenantState,
  UserId,
} from '#domain/model';
import { isGroupOwner } from '#domain/organisation/groups';
import { getOwn, valuesOf } from '#domain/records';
import { reject, type Rejection } from '#domain/rejections';
import { instant, sentence } from '#domain/sentence';
import { addDays, compareByEnd } from '#domain/time';

/** An extension may be asked for when the assignment ends at most this many days ahead. */
export const EXTEND_WINDOW_DAYS = 14;
/** A renewal may be asked for at most this many days after the assignment expired. */
export const RENEW_WINDOW_DAYS = 30;
/**
 * How long an extension or renewal request waits for an administrator before it lapses
 * (status Expired) and the assignee may ask again: never forever, and long enough for an
 * administrator's week away (activation requests use the role's pending-request timeout).
 */
export const ASSIGNMENT_REQUEST_TIMEOUT_DAYS = 14;

/**
 * The id of the assignment an approved renewal creates: deterministic, so the decision needs
 * no second id and the request points at its result.
 */
export function renewalAssignmentIdFor(requestId: RequestId): AssignmentId {
  return `renewal_${requestId}`;
}

/**
 * True while the ledger still records the request as waiting for an administrator: the scheduler
 * looks for these to record their lapse. Whether it can still be decided is
 * `isAssignmentRequestPending`.
 */
export function isAssignmentRequestOpen(request: AssignmentRequest): boolean {
  return request.status === 'PendingAdminDecision';
}

/**
 * True while an extension or renewal request can still be decided: open and not yet past its
 * `expiresAt`. Computed from time, like `isRequestPending`, so a lapsed request stops counting as
 * pending on every client before the relay's scheduler records it.
 */
export function isAssignmentRequestPending(request: AssignmentRequest, at: Iso): boolean {
  return isAssignmentRequestOpen(request) && at < request.expiresAt;
}

/** Why the request can no longer be decided or cancelled at `at`, or null while it is pending. */
export function assignmentRequestNotPending(request: AssignmentRequest, at: Iso): Rejection | null {
  if (!isAssignmentRequestOpen(request)) {
    return reject(
      'request-not-pending',
      `This request is no longer pending: it is ${request.status}.`,
    );
  }
  if (at >= request.expiresAt) {
    return reject(
      'request-not-pending',
      sentence`This request timed out at ${instant(request.expiresAt)}; the assignee can ask again.`,
    );
  }
  return null;
}

/** The pending extension or renewal request for this assignment at `at`, if any (at most one). */
export function pendingAssignmentRequestFor(
  state: TenantState,
  assignmentId: AssignmentId,
  at: Iso,
): AssignmentRequest | undefined {
  return valuesOf(state.assignmentRequests).find(
    (r) => r.assignmentId === assignmentId && isAssignmentRequestPending(r, at),
  );
}

/**
 * True when the assignment ended by reaching its end (recorded or not yet), not by an
 * administrator removing it before then: only such an assignment can be renewed.
 */
export function hasExpired(assignment: Assignment, at: Iso): boolean {
  const end = assignment.endsAt;
  if (end === null || at < end) return false;
  return (
    assignment.status === 'current' ||
    (assignment.removedAt !== null && assignment.removedAt >= end)
  );
}

/**
 * Why `userId` cannot ask at `at` to extend this assignment, or null. Checked in this order:
 * the assignment exists, is theirs, is current and time-bound, ends within 14 days (exactly 14
 * days is allowed), and has no pending extension or renewal.
 */
export function extensionBlocker(
  state: TenantState,
  userId: UserId,
  assignmentId: AssignmentId,
  at: Iso,
): Rejection | null {
  const assignment = getOwn(state.assignments, assignmentId);
  if (!assignment) {
    return reject('unknown-assignment', `There is no role assignment with id ${assignmentId}.`);
  }
  const role = roleNameOf(state, assignment);
  if (!mayAskFor(state, userId, assignment, at)) {
    return reject(
      'not-authorized',
      `Only its assignee (for a group, the group's owners) can ask to extend this ${role} assignment.`,
    );
  }
  if (assignment.status !== 'current' || hasExpired(assignment, at)) {
    return reject(
      'extension-not-due',
      `Your ${role} assignment has ended; ask to renew it instead.`,
    );
  }
  if (assignment.endsAt === null) {
    return reject('extension-not-due', `Your ${role} assignment is permanent.`);
  }
  const opensAt = addDays(assignment.endsAt, -EXTEND_WINDOW_DAYS);
  if (at < opensAt) {
    return reject(
      'extension-not-due',
      sentence`You can ask to extend ${role} from ${instant(opensAt)}, ${EXTEND_WINDOW_DAYS} days before it ends.`,
    );
  }
  return pendingBlocker(state, assignment, role, at);
}

/**
 * Why `userId` cannot ask at `at` to renew this assignment, or null: it must be theirs, have
 * expired (not been removed by an administrator), at most 30 days ago (exactly 30 days is
 * allowed), with no pending extension or renewal.
 */
export function renewalBlocker(
  state: TenantState,
  userId: UserId,
  assignmentId: AssignmentId,
  at: Iso,
): Rejection | null {
  const assignment = getOwn(state.assignments, assignmentId);
  if (!assignment) {
    return reject('unknown-assignment', `There is no role assignment with id ${assignmentId}.`);
  }
  const role = roleNameOf(state, assignment);
  if (!mayAskFor(state, userId, assignment, at)) {
    return reject(
      'not-authorized',
      `Only its assignee (for a group, the group's owners) can ask to renew this ${role} assignment.`,
    );
  }
  if (!hasExpired(assignment, at)) {
    return reject(
      'renewal-not-due',
      assignment.status === 'current'
        ? `Your ${role} assignment has not expired; ask to extend it instead.`
        : `Your ${role} assignment was removed by an administrator, so it cannot be renewed.`,
    );
  }
  // hasExpired proved the end exists.
  const closesAt = addDays(assignment.endsAt as Iso, RENEW_WINDOW_DAYS);
  if (at > closesAt) {
    return reject(
      'renewal-window-closed',
      sentence`Your ${role} assignment could be renewed until ${instant(closesAt)}, ${RENEW_WINDOW_DAYS} days after it expired.`,
    );
  }
  return pendingBlocker(state, assignment, role, at);
}

/**
 * The assignments `userId` may ask at `at` to renew, as far as time and ownership go: theirs (or
 * a group's they own), expired, at most `RENEW_WINDOW_DAYS` ago; the most recently ended first.
 * A pending renewal does not take one off the list: the page shows its status instead
 * (`renewalBlocker` says whether a new request may be made).
 */
export function renewableAssignmentsOf(state: TenantState, userId: UserId, at: Iso): Assignment[] {
  return valuesOf(state.assignments)
    .filter(
      (a) =>
        a.endsAt !== null &&
        hasExpired(a, at) &&
        at <= addDays(a.endsAt, RENEW_WINDOW_DAYS) &&
        mayAskFor(state, userId, a, at),
    )
    .sort((a, b) => compareByEnd(b.endsAt as Iso, b.id, a.endsAt as Iso, a.id));
}

/**
 * Who may ask to extend or renew an assignment: its user, or for an assignment to a group (whose
 * members inherit it) the group's owners, who answer for the group.
 */
export function mayAskFor(
  state: TenantState,
  userId: UserId,
  assignment: Assignment,
  at: Iso,
): boolean {
  if (assignment.principalKind === 'group') {
    return isGroupOwner(state, userId, assignment.principalId, at);
  }
  return assignment.principalId === userId;
}

/** Who asked for an extension or renewal: the first entry of its history. */
export function requesterOf(request: AssignmentRequest): UserId {
  return request.history[0]?.by === 'system' || !request.history[0]
    ? request.principalId
    : request.history[0].by;
}

function pendingBlocker(
  state: TenantState,
  assignment: Assignment,
  role: string,
  at: Iso,
): Rejection | null {
  const pending = pendingAssignmentRequestFor(state, assignment.id, at);
  if (!pending) return null;
  const what = pending.kind === 'extend' ? 'extend' : 'renew';
  return reject(
    'request-pending',
    `Your request to ${what} ${role} is already waiting for an administrator.`,
  );
}

/** The extension and renewal requests waiting for an administrator at `at`, oldest first. */
export function assignmentRequestsAwaiting(state: TenantState, at: Iso): AssignmentRequest[] {
  return valuesOf(state.assignmentRequests)
    .filter((r) => isAssignmentRequestPending(r, at))
    .sort((a, b) =>
      a.requestedAt !== b.requestedAt
        ? a.requestedAt < b.requestedAt
          ? -1
          : 1
        : a.id < b.id
          ? -1
          : a.id > b.id
            ? 1
            : 0,
    );
}

/** The assignment's pending extension and renewal requests, oldest first: those its removal must fail. */
export function pendingAssignmentRequestsFor(
  state: TenantState,
  assignmentId: string,
  at: Iso,
): AssignmentRequest[] {
  return valuesOf(state.assignmentRequests)
    .filter((r) => r.assignmentId === assignmentId && isAssignmentRequestPending(r, at))
    .sort((a, b) => compareByEnd(a.requestedAt, a.id, b.requestedAt, b.id));
}
