/**
 * Where an assignment stands at an instant, and which assignments are current: the list an
 * administrator manages. Built on the same rules as what people hold (`isHeldOver`), so the
 * admin list never drops an assignment the domain still keeps in force.
 */
import { isAssignmentInForce } from '#domain/activation/status';
import type { Assignment, Iso, TenantState } from '#domain/model';
import { valuesOf } from '#domain/records';
import { isHeldOver } from './holdings';

/**
 * 'upcoming': current, not started yet. 'in-force': started and not past its end.
 * 'held-over': the last active Global or Privileged Role Administrator's, past its end but kept
 * in force by the safeguards. 'ended': removed, expired, or past its end (before the relay's
 * scheduler records the expiry).
 */
export type AssignmentPhase = 'upcoming' | 'in-force' | 'held-over' | 'ended';

export function assignmentPhase(state: TenantState, a: Assignment, at: Iso): AssignmentPhase {
  if (a.status !== 'current') return 'ended';
  if (at < a.startsAt) return 'upcoming';
  if (isAssignmentInForce(a, at)) return 'in-force';
  return isHeldOver(state, a, at) ? 'held-over' : 'ended';
}

export type CurrentAssignment = {
  assignment: Assignment;
  phase: Exclude<AssignmentPhase, 'ended'>;
};

/** The assignments that have not ended at `at`: upcoming, in force, or held over. */
export function currentAssignments(state: TenantState, at: Iso): CurrentAssignment[] {
  const current: CurrentAssignment[] = [];
  for (const assignment of valuesOf(state.assignments)) {
    const phase = assignmentPhase(state, assignment, at);
    if (phase !== 'ended') current.push({ assignment, phase });
  }
  return current;
}
