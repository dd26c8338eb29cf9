/**
 * RequestExtension and RequestRenewal: the assignee asks an administrator to extend an
 * assignment that ends soon, or to renew one that expired recently (`extensionBlocker`,
 * `renewalBlocker` in extensions.ts say when they may).
 */
import { MIN_ASSIGNMENT_MINUTES } from '#domain/activation/activation';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { Assignment, AssignmentRequest, TenantState } from '#domain/model';
import { getOwn } from '#domain/records';
import { reject } from '#domain/rejections';
import { instant, sentence } from '#domain/sentence';
import { addDays, addMinutes, isValidIso } from '#domain/time';
import { invalidText, newIdProblem } from '#domain/validation';
import { ASSIGNMENT_REQUEST_TIMEOUT_DAYS, extensionBlocker, renewalBlocker } from './extensions';

/**
 * RequestExtension and RequestRenewal: the assignee asks an administrator for a later end
 * (`extensionBlocker`, `renewalBlocker` say when they may). The requested end must lie after
 * the current one (extend) or at least 5 minutes ahead (renew); the role's expiry limits are
 * checked when an administrator decides, against the settings then.
 */
export function requestAssignmentChange(
  command: CommandOf<'RequestExtension' | 'RequestRenewal'>,
  state: TenantState,
  ctx: UserContext,
  kind: AssignmentRequest['kind'],
): Decision {
  const blocker =
    kind === 'extend'
      ? extensionBlocker(state, ctx.actor.id, command.assignmentId, ctx.at)
      : renewalBlocker(state, ctx.actor.id, command.assignmentId, ctx.at);
  if (blocker) return refuse(blocker);
  // The blocker proved the assignment exists and is the actor's.
  const assignment = getOwn(state.assignments, command.assignmentId) as Assignment;
  const badId =
    newIdProblem(state.assignmentRequests, command.requestId, 'request') ??
    newIdProblem(state.requests, command.requestId, 'request');
  if (badId) return refuse(badId);
  if (!isValidIso(command.endsAt)) {
    return refuse(reject('invalid-value', 'The requested end is not a valid time.'));
  }
  const floor =
    kind === 'extend' && assignment.endsAt !== null
      ? assignment.endsAt
      : addMinutes(ctx.at, MIN_ASSIGNMENT_MINUTES - 1);
  if (command.endsAt <= floor) {
    return refuse(
      reject(
        'assignment-too-short',
        kind === 'extend'
          ? sentence`The new end must be later than the current one, ${instant(floor)}.`
          : `A renewed assignment must last at least ${MIN_ASSIGNMENT_MINUTES} minutes.`,
      ),
    );
  }
  const badText = invalidText(command.justification, 'A justification', { required: true });
  if (badText) return refuse(badText);
  return accept({
    type: 'AssignmentRequested',
    request: {
      id: command.requestId,
      kind,
      assignmentId: assignment.id,
      principalId: assignment.principalId,
      roleId: assignment.roleId,
      assignmentType: assignment.type,
      endsAt: command.endsAt,
      justification: command.justification.trim(),
      requestedAt: ctx.at,
      status: 'PendingAdminDecision',
      decision: null,
      newAssignmentId: null,
      expiresAt: addDays(ctx.at, ASSIGNMENT_REQUEST_TIMEOUT_DAYS),
      resolvedAt: null,
      resolvedBy: null,
      history: [{ status: 'PendingAdminDecision', at: ctx.at, by: ctx.actor.id }],
    },
  });
}
