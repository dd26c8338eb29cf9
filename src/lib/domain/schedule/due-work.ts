/**
 * The relay scheduler's work, derived from state rather than kept in timers, so it survives
 * restarts (ARCHITECTURE.md §5): what is due now, and when something next will be.
 */
import { isAssignmentRequestOpen } from '#domain/assignment-requests/extensions';
import { wouldExpireLastHolder } from '#domain/assignments/safeguards';
import type { RelayCommand } from '#domain/commands';
import type { Assignment, Iso, RequestId, TenantState } from '#domain/model';
import { valuesOf } from '#domain/records';
import { compareByEnd } from '#domain/time';

/**
 * The expiries the relay's scheduler should issue at `at`, derived from state so nothing is
 * lost across restarts. Activations and requests come before assignments so that each one's
 * own expiry is recorded before the assignment it came from expires (which would otherwise
 * end it and leave the scheduler's ExpireActivation or ExpireRequest to be rejected). Each
 * group is in end-time order.
 */
export function dueWork(state: TenantState, at: Iso): RelayCommand[] {
  const activations = valuesOf(state.activations)
    .filter((a) => a.status === 'active' && a.endsAt <= at)
    .sort((a, b) => compareByEnd(a.endsAt, a.id, b.endsAt, b.id));
  // Expiries the safeguard would refuse are left out, so the scheduler does not retry them
  // forever; the assignment stays in force (`isHeldOver`). Later ones in the same batch see
  // the earlier ones gone, so of two last administrators ending together exactly one stays.
  const expiring = new Set<string>();
  const assignments = valuesOf(state.assignments)
    .filter(
      (a): a is Assignment & { endsAt: Iso } =>
        a.status === 'current' && a.endsAt !== null && a.endsAt <= at,
    )
    .sort((a, b) => compareByEnd(a.endsAt, a.id, b.endsAt, b.id))
    .filter((a) => {
      if (wouldExpireLastHolder(state, a, at, expiring)) return false;
      expiring.add(a.id);
      return true;
    });
  const requests: { id: RequestId; expiresAt: Iso }[] = [
    ...valuesOf(state.requests).filter((r) => r.status === 'PendingApproval' && r.expiresAt <= at),
    ...valuesOf(state.assignmentRequests).filter(
      (r) => isAssignmentRequestOpen(r) && r.expiresAt <= at,
    ),
  ].sort((a, b) => compareByEnd(a.expiresAt, a.id, b.expiresAt, b.id));
  return [
    ...activations.map((a): RelayCommand => ({ type: 'ExpireActivation', activationId: a.id })),
    ...requests.map((r): RelayCommand => ({ type: 'ExpireRequest', requestId: r.id })),
    ...assignments.map((a): RelayCommand => ({ type: 'ExpireAssignment', assignmentId: a.id })),
  ];
}

/**
 * When the scheduler next has work: the earliest end among active activations, pending
 * requests and current time-bound assignments (possibly already past), or null when nothing
 * will ever expire.
 */
export function nextDueAt(state: TenantState): Iso | null {
  let next: Iso | null = null;
  for (const a of valuesOf(state.activations)) {
    if (a.status === 'active' && (next === null || a.endsAt < next)) next = a.endsAt;
  }
  for (const a of valuesOf(state.assignments)) {
    if (a.status === 'current' && a.endsAt !== null && (next === null || a.endsAt < next)) {
      // A held-over last administrator is not due: waking for it would spin the scheduler.
      if (a.endsAt <= a.startsAt || !wouldExpireLastHolder(state, a, a.endsAt)) next = a.endsAt;
    }
  }
  for (const r of valuesOf(state.requests)) {
    if (r.status === 'PendingApproval' && (next === null || r.expiresAt < next)) {
      next = r.expiresAt;
    }
  }
  for (const r of valuesOf(state.assignmentRequests)) {
    if (isAssignmentRequestOpen(r) && (next === null || r.expiresAt < next)) {
      next = r.expiresAt;
    }
  }
  return next;
}
