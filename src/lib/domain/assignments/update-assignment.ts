/**
 * UpdateAssignment and ExtendAssignment: an administrator changes a current assignment's period,
 * or moves its end later directly. `changeAssignment` is shared with DecideExtension.
 */
import {
  roleNameOf,
  activationsStillActiveFrom,
  requestsPendingFrom,
} from '#domain/activation/activation';
import { hasExpired } from '#domain/assignment-requests/extensions';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { DomainEvent } from '#domain/events';
import type { Assignment, AssignmentType, Iso, TenantState } from '#domain/model';
import { requirePermission } from '#domain/permissions';
import { getOwn, valuesOf } from '#domain/records';
import { reject } from '#domain/rejections';
import { settingsForAssignment } from '#domain/settings/settings';
import { instant, sentence } from '#domain/sentence';
import { isValidIso, latest } from '#domain/time';
import { invalidText } from '#domain/validation';
import { currentAssignmentFor } from './assign-role';
import { assignmentPeriodProblem, overlappingAssignment } from './periods';
import { wouldRemoveLastHolder } from './safeguards';

/**
 * UpdateAssignment: whoever may manage the assignment changes its period. The start moves only
 * while it lies ahead (to now or later); the end may move either way but must leave at least the
 * minimum length, stay within the role's expiry limits (counted from the start), not cut short an
 * activation made through it, and not overlap another assignment of the role to the same holder.
 */
export function updateAssignment(
  command: CommandOf<'UpdateAssignment'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const found = currentAssignmentFor(state, ctx, command.assignmentId, 'change');
  if (!found.ok) return found;
  const assignment = found.assignment;
  const role = roleNameOf(state, assignment);
  if (hasExpired(assignment, ctx.at)) {
    return refuse(
      reject(
        'assignment-ended',
        sentence`This ${role} assignment ended at ${instant(assignment.endsAt as Iso)}; assign the role again instead.`,
      ),
    );
  }
  for (const [field, value] of [
    ['start', command.startsAt],
    ['end', command.endsAt],
  ] as const) {
    if (value !== null && !isValidIso(value)) {
      return refuse(reject('invalid-value', `The ${field} time is not a valid time.`));
    }
  }
  const started = assignment.startsAt <= ctx.at;
  const startsAt = started ? assignment.startsAt : latest(command.startsAt ?? ctx.at, ctx.at);
  if (started && command.startsAt !== null && command.startsAt !== assignment.startsAt) {
    return refuse(
      reject(
        'invalid-value',
        sentence`This ${role} assignment started at ${instant(assignment.startsAt)}; its start can no longer change.`,
      ),
    );
  }
  const endsAt = command.endsAt;
  const settings = settingsForAssignment(state, assignment);
  const bad = assignmentPeriodProblem(role, settings, assignment.type, startsAt, endsAt, ctx.at);
  if (bad) return refuse(bad);
  const running = activationsStillActiveFrom(state, assignment.id).find(
    (a) => endsAt !== null && a.endsAt > endsAt,
  );
  if (running) {
    return refuse(
      reject(
        'invalid-value',
        sentence`An activation of ${role} through this assignment runs until ${instant(running.endsAt)}; choose a later end, or end the activation first.`,
      ),
    );
  }
  const others = valuesOf(state.assignments).filter((a) => a.id !== assignment.id);
  const overlap = overlappingAssignment(
    { ...state, assignments: Object.fromEntries(others.map((a) => [a.id, a])) },
    assignment.principalId,
    assignment.roleId,
    assignment.type,
    startsAt,
    endsAt,
  );
  if (overlap) {
    return refuse(
      reject(
        'already-assigned',
        `There is already an overlapping ${assignment.type} assignment of ${role} for the same holder.`,
      ),
    );
  }
  const badText = invalidText(command.justification, 'A justification', {
    required: assignment.type === 'active' && settings.requireJustificationOnActiveAssignment,
  });
  if (badText) return refuse(badText);
  if (
    assignment.type === 'active' &&
    settings.requirePasskeyOnActiveAssignment &&
    !ctx.passkeyConfirmed
  ) {
    return refuse(
      reject(
        'confirmation-required',
        `Confirm with your passkey to change an active assignment of ${role}.`,
      ),
    );
  }
  if (startsAt === assignment.startsAt && endsAt === assignment.endsAt) {
    return refuse(reject('invalid-value', `The ${role} assignment already has that period.`));
  }
  return accept({
    type: 'AssignmentUpdated',
    assignmentId: assignment.id,
    before: { startsAt: assignment.startsAt, endsAt: assignment.endsAt },
    after: { startsAt, endsAt },
    at: ctx.at,
  });
}

/** ExtendAssignment: an administrator moves a current assignment's end later, directly. */
export function extendAssignment(
  command: CommandOf<'ExtendAssignment'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const denied = requirePermission(state, ctx, 'manage-assignments', 'extend role assignments');
  if (denied) return refuse(denied);
  const assignment = getOwn(state.assignments, command.assignmentId);
  if (!assignment || assignment.status !== 'current') {
    return refuse(
      reject('unknown-assignment', `There is no current assignment ${command.assignmentId}.`),
    );
  }
  if (hasExpired(assignment, ctx.at)) {
    return refuse(
      reject(
        'assignment-ended',
        sentence`This assignment ended at ${instant(assignment.endsAt as Iso)}; assign the role again instead.`,
      ),
    );
  }
  if (command.endsAt !== null && !isValidIso(command.endsAt)) {
    return refuse(reject('invalid-value', 'The end time is not a valid time.'));
  }
  const settings = settingsForAssignment(state, assignment);
  const badText = invalidText(command.justification, 'A justification', {
    required: assignment.type === 'active' && settings.requireJustificationOnActiveAssignment,
  });
  if (badText) return refuse(badText);
  if (
    assignment.type === 'active' &&
    settings.requirePasskeyOnActiveAssignment &&
    !ctx.passkeyConfirmed
  ) {
    return refuse(
      reject(
        'confirmation-required',
        `Confirm with your passkey to extend an active assignment of ${roleNameOf(state, assignment)}.`,
      ),
    );
  }
  return changeAssignment(state, assignment, command.endsAt, assignment.type, ctx);
}

/**
 * The events that give a current, not yet ended assignment a later end and possibly another
 * type, or why not: the new end must be later than the current one and within the role's
 * expiry limits (counted from now), a new type must not overlap another assignment of that
 * type, and the safeguards hold. Making an eligible assignment active ends what was activated
 * through it and fails its pending activation requests: the role is now held outright.
 */
export function changeAssignment(
  state: TenantState,
  assignment: Assignment,
  endsAt: Iso | null,
  type: AssignmentType,
  ctx: UserContext,
): Decision {
  const role = roleNameOf(state, assignment);
  if (assignment.endsAt === null) {
    return refuse(reject('invalid-value', `This ${role} assignment is already permanent.`));
  }
  if (endsAt !== null && endsAt <= assignment.endsAt) {
    return refuse(
      reject(
        'assignment-too-short',
        sentence`The new end must be later than the current one, ${instant(assignment.endsAt)}.`,
      ),
    );
  }
  const settings = settingsForAssignment(state, assignment);
  const bad = assignmentPeriodProblem(role, settings, type, ctx.at, endsAt, ctx.at);
  if (bad) return refuse(bad);
  const events: DomainEvent[] = [];
  if (type !== assignment.type) {
    const others = valuesOf(state.assignments).filter((a) => a.id !== assignment.id);
    const overlap = overlappingAssignment(
      { ...state, assignments: Object.fromEntries(others.map((a) => [a.id, a])) },
      assignment.principalId,
      assignment.roleId,
      type,
      assignment.startsAt,
      endsAt,
    );
    if (overlap) {
      return refuse(
        reject(
          'already-assigned',
          `There is already an overlapping ${type} assignment of ${role}.`,
        ),
      );
    }
    if (assignment.type === 'active') {
      const unsafe = wouldRemoveLastHolder(state, assignment, ctx.at);
      if (unsafe) return refuse(unsafe);
    } else {
      for (const a of activationsStillActiveFrom(state, assignment.id)) {
        if (a.endsAt > ctx.at) {
          events.push({ type: 'ActivationDeactivated', activationId: a.id, at: ctx.at });
        }
      }
      for (const r of requestsPendingFrom(state, assignment.id, ctx.at)) {
        events.push({
          type: 'RequestFailed',
          requestId: r.id,
          reason: 'The eligibility it asked to activate became an active assignment.',
          at: ctx.at,
        });
      }
    }
  }
  return accept(
    {
      type: 'AssignmentExtended',
      assignmentId: assignment.id,
      endsAt,
      assignmentType: type,
      at: ctx.at,
    },
    ...events,
  );
}
