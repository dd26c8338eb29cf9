/**
 * Eligibility and activation, computed from time. Nothing here depends on the relay having
 * appended an "expired" entry yet: every client hides an ended activation at its end time,
 * offline too (ARCHITECTURE.md §5).
 */
import { findRole } from './catalogue';
import { getOwn } from './records';
import { reject, type Rejection } from './rejections';
import { addMinutes, earliest, formatInstant } from './time';
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
} from './types';

/** The 5-minute rules (PRODUCT.md "Lifecycle rules"), in minutes. */
export const MIN_ACTIVATION_MINUTES = 5;
export const MIN_ASSIGNMENT_MINUTES = 5;
export const MIN_MINUTES_BEFORE_REMOVE = 5;
export const MIN_MINUTES_BEFORE_DEACTIVATE = 5;

/** True while the activation grants its role: not ended early, and startsAt ≤ at < endsAt. */
export function isActivationActive(a: Activation, at: Iso): boolean {
  return a.status === 'active' && a.startsAt <= at && at < a.endsAt;
}

/** True while the assignment applies: current, started, and not past its end (if any). */
export function isAssignmentInForce(a: Assignment, at: Iso): boolean {
  return a.status === 'current' && a.startsAt <= at && (a.endsAt === null || at < a.endsAt);
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

/** The user's activations that grant a role at `at`, in the order they were started. */
export function activeActivationsOf(state: TenantState, userId: UserId, at: Iso): Activation[] {
  return Object.values(state.activations).filter(
    (a) => a.principalId === userId && isActivationActive(a, at),
  );
}

/** The user's eligible assignments in force at `at` (the roles they could activate). */
export function eligibleAssignmentsOf(state: TenantState, userId: UserId, at: Iso): Assignment[] {
  return Object.values(state.assignments).filter(
    (a) => a.principalId === userId && a.type === 'eligible' && isAssignmentInForce(a, at),
  );
}

/** The activation of this assignment that is active at `at`, if any. */
export function activeActivationFor(
  state: TenantState,
  assignmentId: AssignmentId,
  at: Iso,
): Activation | undefined {
  return Object.values(state.activations).find(
    (a) => a.assignmentId === assignmentId && isActivationActive(a, at),
  );
}

/** The earliest instant an activation may be deactivated (the 5-minute rule). */
export function canDeactivateAt(activation: Activation): Iso {
  return addMinutes(activation.startsAt, MIN_MINUTES_BEFORE_DEACTIVATE);
}

/**
 * The reason `userId` cannot activate this assignment at `at` that makes any other reason
 * moot, in the order `decide` checks them; only reasons that do not depend on the request
 * itself. Shared by `decide` and `activationBlockers` so the preview and the verdict agree.
 */
export function assignmentActivationBlocker(
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
  // Someone else's eligibility, an active (not eligible) assignment, or a removed one.
  if (
    assignment.principalId !== userId ||
    assignment.type !== 'eligible' ||
    assignment.status !== 'current'
  ) {
    return reject(
      'not-eligible',
      `You are not eligible to activate ${role} through this assignment.`,
    );
  }
  if (at < assignment.startsAt) {
    return reject(
      'assignment-not-started',
      `Your eligibility for ${role} starts at ${formatInstant(assignment.startsAt)}.`,
    );
  }
  if (assignment.endsAt !== null && at >= assignment.endsAt) {
    return reject(
      'assignment-ended',
      `Your eligibility for ${role} ended at ${formatInstant(assignment.endsAt)}.`,
    );
  }
  const active = activeActivationFor(state, assignmentId, at);
  if (active) {
    return reject(
      'already-active',
      `${role} is already active for you until ${formatInstant(active.endsAt)}.`,
    );
  }
  // One open request per assignment, so approvers never see two competing asks for one role.
  const pending = pendingRequestFor(state, assignmentId, at);
  if (pending) {
    return reject(
      'request-pending',
      `Your request to activate ${role} is waiting for approval until ${formatInstant(pending.expiresAt)}.`,
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
): ActivationRequest | undefined {
  return Object.values(state.requests).find(
    (r) => r.assignmentId === assignmentId && isRequestPending(r, at),
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
): Rejection[] {
  const user = getOwn(state.users, userId);
  if (!user || user.status !== 'active') {
    return [reject('not-authorized', 'Your account is not active in this tenant.')];
  }
  const blocker = assignmentActivationBlocker(state, userId, assignmentId, at);
  if (blocker && (blocker.code === 'unknown-assignment' || blocker.code === 'not-eligible')) {
    return [blocker];
  }
  return blocker ? [blocker] : [];
}

/** A role's name for messages; the id when the role is unknown (never in a consistent state). */
export function roleNameOf(state: TenantState, holder: { roleId: RoleId }): string {
  return findRole(state, holder.roleId)?.name ?? holder.roleId;
}
