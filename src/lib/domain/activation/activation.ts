/**
 * Eligibility and activation, computed from time. Nothing here depends on the relay having
 * appended an "expired" entry yet: every client hides an ended activation at its end time,
 * offline too (ARCHITECTURE.md §5).
 */
import { findRole } from '#domain/catalogue';
import type {
  Activation,
  ActivationRequest,
  Assignment,
  AssignmentId,
  Iso,
  RoleId,
  RoleSettings,
  TenantState,
  UserId,
} from '#domain/model';
import {
  assignmentCovers,
  assignmentsOfPrincipals,
  groupsOfUser,
} from '#domain/organisation/groups';
import { liveScope, scopeAncestry } from '#domain/organisation/scopes';
import { getOwn, indexBy, valuesOf } from '#domain/records';
import { reject, type Rejection } from '#domain/rejections';
import { settingsForAssignment } from '#domain/settings/settings';
import { instant, sentence } from '#domain/sentence';
import { addDays, addMinutes, compareByEnd, earliest, latest } from '#domain/time';
import { isActivationActive, isActivationScheduled, isAssignmentInForce } from './status';

/** The 5-minute rules (PRODUCT.md "Lifecycle rules"), in minutes. */
export const MIN_ACTIVATION_MINUTES = 5;
export const MIN_ASSIGNMENT_MINUTES = 5;
export const MIN_MINUTES_BEFORE_REMOVE = 5;
export const MIN_MINUTES_BEFORE_DEACTIVATE = 5;
/** How far ahead an activation may be scheduled (PRODUCT.md "future start time"). */
export const MAX_SCHEDULE_AHEAD_DAYS = 30;

/** Where a form for a scheduled start begins and how far it may go. */
export type StartWindow = {
  /** The latest start `decide` accepts when asked at `at`. */
  latest: Iso;
  /** A starting point for the form: an hour ahead, rounded up to 5 minutes. */
  suggested: Iso;
};

const FIVE_MINUTES_MS = 5 * 60_000;

/** The start window for an activation (or a bundle of them) asked for at `at`. */
export function activationStartWindow(at: Iso): StartWindow {
  const hourAhead = Date.parse(at) + 60 * 60_000;
  return {
    latest: addDays(at, MAX_SCHEDULE_AHEAD_DAYS),
    suggested: new Date(Math.ceil(hourAhead / FIVE_MINUTES_MS) * FIVE_MINUTES_MS).toISOString(),
  };
}

/**
 * When an activation requested at `at` for `durationMinutes` ends: never later than the
 * eligible assignment it comes from (or the role's maximum, which `decide` enforces anyway),
 * so an activation can never outlive the eligibility that justified it.
 */
export function activationEndsAt(
  assignment: Assignment,
  settings: RoleSettings,
  durationMinutes: number,
  at: Iso,
): Iso {
  const requested = addMinutes(at, Math.min(durationMinutes, settings.maxActivationMinutes));
  return assignment.endsAt === null ? requested : earliest(requested, assignment.endsAt);
}

/**
 * The user's eligible assignments in force at `at` (the roles they could activate): their own,
 * and those of every group they are a member of then (directly, just in time, or nested).
 */
export function eligibleAssignmentsOf(state: TenantState, userId: UserId, at: Iso): Assignment[] {
  const groups = groupsOfUser(state, userId, at);
  return assignmentsOfPrincipals(state, userId, groups).filter(
    (a) =>
      a.type === 'eligible' && isAssignmentInForce(a, at) && assignmentCovers(a, userId, groups),
  );
}

/** The activation of this assignment that is active at `at`, if any (never a scheduled one). */
export function activeActivationFor(
  state: TenantState,
  assignmentId: AssignmentId,
  at: Iso,
): Activation | undefined {
  return (indexBy(state.activations, 'assignmentId').get(assignmentId) ?? []).find((a) =>
    isActivationActive(a, at),
  );
}

/** A requested activation period, half-open: [startsAt, endsAt). */
export type Period = { startsAt: Iso; endsAt: Iso };

/**
 * The activation of this assignment, active or scheduled, whose period overlaps `period`, if
 * any. The rule that keeps overlapping activations of one role from cutting each other short
 * is that they never exist: one activation per assignment at any instant, so a new one must
 * start at or after the end of every other (back-to-back is fine), and ending one (deactivate,
 * expire) touches no other. Ended activations (status not 'active') no longer hold a period.
 */
export function overlappingActivationFor(
  state: TenantState,
  assignmentId: AssignmentId,
  period: Period,
  // A group's eligibility is activated by each member for themselves: only theirs overlap.
  principalId?: UserId,
): Activation | undefined {
  return (indexBy(state.activations, 'assignmentId').get(assignmentId) ?? []).find(
    (a) =>
      (principalId === undefined || a.principalId === principalId) &&
      a.status === 'active' &&
      a.startsAt < period.endsAt &&
      period.startsAt < a.endsAt,
  );
}

/**
 * When an activation asked for at `at` with `startsAt` (null: now) starts: a start in the past
 * means now, because nothing can have been held before it was asked for (and clients' clocks
 * run a little behind the relay's).
 */
export function activationStartsAt(startsAt: Iso | null, at: Iso): Iso {
  return startsAt === null ? at : latest(startsAt, at);
}

/** What an ActivateRole asks for, as far as the assignment-level checks care. */
export type RequestedActivation = { startsAt: Iso | null; durationMinutes: number };

/** The earliest instant an activation may be deactivated (the 5-minute rule). */
export function canDeactivateAt(activation: Activation): Iso {
  return addMinutes(activation.startsAt, MIN_MINUTES_BEFORE_DEACTIVATE);
}

/**
 * The reason `userId` cannot activate this assignment at `at` that makes any other reason
 * moot, in the order `decide` checks them. Shared by `decide` and `activationBlockers` so the
 * preview and the verdict agree. Without `requested` it asks about an activation starting now
 * (any overlap then means one is active now); with it, about that start and duration: a
 * scheduled start must be at most 30 days ahead and before the eligibility ends, and the
 * period must not overlap another activation of the same assignment.
 */
export function assignmentActivationBlocker(
  state: TenantState,
  userId: UserId,
  assignmentId: AssignmentId,
  at: Iso,
  requested?: RequestedActivation,
): Rejection | null {
  const assignment = getOwn(state.assignments, assignmentId);
  if (!assignment) {
    return reject('unknown-assignment', `There is no role assignment with id ${assignmentId}.`);
  }
  const role = roleNameOf(state, assignment);
  // Someone else's eligibility (not theirs, nor of a group they are in now), an active (not
  // eligible) assignment, or a removed one.
  if (
    !assignmentCovers(assignment, userId, groupsOfUser(state, userId, at)) ||
    assignment.type !== 'eligible' ||
    assignment.status !== 'current'
  ) {
    return reject(
      'not-eligible',
      `You are not eligible to activate ${role} through this assignment.`,
    );
  }
  // An assignment at a scope that was deleted covers nothing any more.
  const scopeId = assignment.scopeId;
  if (
    scopeId !== null &&
    (!liveScope(state, scopeId) || scopeAncestry(state, scopeId).length === 0)
  ) {
    return reject(
      'outside-scope',
      `Your eligibility for ${role} was at a scope that no longer exists, so it covers nothing.`,
    );
  }
  if (at < assignment.startsAt) {
    return reject(
      'assignment-not-started',
      sentence`Your eligibility for ${role} starts at ${instant(assignment.startsAt)}.`,
    );
  }
  if (assignment.endsAt !== null && at >= assignment.endsAt) {
    return reject(
      'assignment-ended',
      sentence`Your eligibility for ${role} ended at ${instant(assignment.endsAt)}.`,
    );
  }
  const startsAt = activationStartsAt(requested?.startsAt ?? null, at);
  const furthest = addDays(at, MAX_SCHEDULE_AHEAD_DAYS);
  if (startsAt > furthest) {
    return reject(
      'start-too-far-ahead',
      sentence`${role} can be scheduled to start at most ${MAX_SCHEDULE_AHEAD_DAYS} days ahead, by ${instant(furthest)}.`,
    );
  }
  if (assignment.endsAt !== null && startsAt >= assignment.endsAt) {
    return reject(
      'starts-after-assignment-end',
      sentence`Your eligibility for ${role} ends at ${instant(assignment.endsAt)}, before the activation would start.`,
    );
  }
  // A duration `decide` will refuse anyway still needs some period to compare; the shortest
  // allowed one finds everything that overlaps the start.
  const settings = settingsForAssignment(state, assignment);
  const minutes = requested?.durationMinutes;
  const duration =
    typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= MIN_ACTIVATION_MINUTES
      ? minutes
      : MIN_ACTIVATION_MINUTES;
  const period = {
    startsAt,
    endsAt: activationEndsAt(assignment, settings, duration, startsAt),
  };
  const overlapping = overlappingActivationFor(state, assignmentId, period, userId);
  if (overlapping) {
    const when = isActivationScheduled(overlapping, at)
      ? sentence`scheduled for you from ${instant(overlapping.startsAt)}`
      : 'already active for you';
    return reject(
      'already-active',
      sentence`${role} is ${when} until ${instant(overlapping.endsAt)}; a new activation must start after that.`,
    );
  }
  // One open request per assignment, so approvers never see two competing asks for one role.
  const pending = pendingRequestFor(state, assignmentId, at, userId);
  if (pending) {
    return reject(
      'request-pending',
      sentence`Your request to activate ${role} is waiting for approval until ${instant(pending.expiresAt)}.`,
    );
  }
  return null;
}

/**
 * True while a request can still be decided: PendingApproval and not yet past `expiresAt`.
 * Computed from time, so a lapsed request stops counting as pending on every client before
 * the relay's scheduler records its RequestExpired.
 */
export function isRequestPending(request: ActivationRequest, at: Iso): boolean {
  return request.status === 'PendingApproval' && at < request.expiresAt;
}

/** The request for this assignment that is pending at `at`, if any (there is at most one). */
export function pendingRequestFor(
  state: TenantState,
  assignmentId: AssignmentId,
  at: Iso,
  // Members of a group each have their own request for the group's eligibility.
  principalId?: UserId,
): ActivationRequest | undefined {
  return valuesOf(state.requests).find(
    (r) =>
      r.assignmentId === assignmentId &&
      (principalId === undefined || r.principalId === principalId) &&
      isRequestPending(r, at),
  );
}

/**
 * Every reason the user cannot activate this assignment right now, whatever they type
 * (justification, ticket, duration): for the app's "why can't I activate". Empty when the
 * request form is worth showing. An unknown or disabled user gets only 'not-authorized'; an
 * unknown or someone else's assignment only that; otherwise the timing, an active activation
 * or a pending request. Approval is not a blocker but a path: see `activationPath`.
 */
export function activationBlockers(
  state: TenantState,
  userId: UserId,
  assignmentId: AssignmentId,
  at: Iso,
  requested?: RequestedActivation,
): Rejection[] {
  const user = getOwn(state.users, userId);
  if (!user || user.status !== 'active') {
    return [reject('not-authorized', 'Your account is not active in this tenant.')];
  }
  const blocker = assignmentActivationBlocker(state, userId, assignmentId, at, requested);
  if (blocker && (blocker.code === 'unknown-assignment' || blocker.code === 'not-eligible')) {
    return [blocker];
  }
  return blocker ? [blocker] : [];
}

/** A role's name for messages; the id when the role is unknown (never in a consistent state). */
export function roleNameOf(state: TenantState, holder: { roleId: RoleId }): string {
  return findRole(state, holder.roleId)?.name ?? holder.roleId;
}

/** The assignment's activations still marked active (scheduled ones too): those its end must end. */
export function activationsStillActiveFrom(state: TenantState, assignmentId: string): Activation[] {
  return valuesOf(state.activations).filter(
    (a) => a.assignmentId === assignmentId && a.status === 'active',
  );
}

/** The assignment's requests still pending at `at`: those its end or removal must fail. */
export function requestsPendingFrom(
  state: TenantState,
  assignmentId: string,
  at: Iso,
): ActivationRequest[] {
  return valuesOf(state.requests)
    .filter((r) => r.assignmentId === assignmentId && isRequestPending(r, at))
    .sort((a, b) => compareByEnd(a.requestedAt, a.id, b.requestedAt, b.id));
}
