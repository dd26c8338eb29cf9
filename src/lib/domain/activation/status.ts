/**
 * Whether an activation or an assignment grants anything at an instant, computed from time alone.
 * A leaf that imports only types: group membership (organisation/groups.ts) and eligibility
 * (activation/activation.ts) both build on it, so neither has to import the other for it.
 */
import type { Activation, Assignment, Iso } from '#domain/model';

/** True while the activation grants its role: not ended early, and startsAt ≤ at < endsAt. */
export function isActivationActive(a: Activation, at: Iso): boolean {
  return a.status === 'active' && a.startsAt <= at && at < a.endsAt;
}

/** True for an activation that is booked but has not started yet: it grants nothing yet. */
export function isActivationScheduled(a: Activation, at: Iso): boolean {
  return a.status === 'active' && at < a.startsAt;
}

/** True while the assignment applies: current, started, and not past its end (if any). */
export function isAssignmentInForce(a: Assignment, at: Iso): boolean {
  return a.status === 'current' && a.startsAt <= at && (a.endsAt === null || at < a.endsAt);
}

/**
 * Where an activation stands at `at`: booked but not started, granting its role, ended early
 * (deactivated), or ended at its end time. An activation past its end counts as expired at once,
 * before the relay's scheduler records it, so every reader says the same at the same instant.
 */
export type ActivationPhase = 'scheduled' | 'active' | 'deactivated' | 'expired';

export function activationPhase(a: Activation, at: Iso): ActivationPhase {
  if (a.status !== 'active') return a.status;
  if (at >= a.endsAt) return 'expired';
  return at < a.startsAt ? 'scheduled' : 'active';
}
