/**
 * ApproveRequest, DenyRequest and DecideRequests: an approver's verdict on activation requests,
 * one at a time or several under one passkey ceremony. Who may decide is `canApprove`
 * (requests.ts), shared with the app's approvals page.
 */
import {
  activationEndsAt,
  activationStartsAt,
  overlappingActivationFor,
  roleNameOf,
} from '#domain/activation/activation';
import { isAssignmentInForce } from '#domain/activation/status';
import { assignmentCoversUser } from '#domain/assignments/safeguards';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { DomainEvent } from '#domain/events';
import type {
  ActivationRequest,
  ApprovalDecision,
  Assignment,
  Iso,
  RequestId,
  TenantState,
} from '#domain/model';
import { getOwn, hasOwn, isUsableId } from '#domain/records';
import { reject, sentenceOf } from '#domain/rejections';
import { sentence } from '#domain/sentence';
import { settingsForAssignment } from '#domain/settings/settings';
import { applyEvent, workingCopy } from '#domain/state';
import { invalidIdRejection, invalidText } from '#domain/validation';
import { approvalsOf, canApprove } from './requests';

/** Most requests one DecideRequests list may decide. */
export const MAX_DECISION_ITEMS = 25;

/**
 * DecideRequests: the one verdict and justification applied to each listed request as its own
 * Approve/DenyRequest, each against the state the decisions before it leave (so a request listed
 * twice is 'already decided'). All or nothing: the first request that cannot take the verdict
 * rejects the list with its own code, the message naming the request, and the detail's `item`
 * holding its position, its id and its own rejection.
 */
export function decideRequests(
  command: CommandOf<'DecideRequests'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const ids: unknown = command.requestIds;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_DECISION_ITEMS) {
    return refuse(
      reject('invalid-value', `A list of decisions must name 1 to ${MAX_DECISION_ITEMS} requests.`),
    );
  }
  if (!isUsableId(command.batchId)) return refuse(invalidIdRejection('decision list'));
  if (command.decision !== 'approve' && command.decision !== 'deny') {
    return refuse(reject('invalid-value', 'The decision must be approve or deny.'));
  }
  const type = command.decision === 'approve' ? 'ApproveRequest' : 'DenyRequest';
  const running = ids.length > 1 ? workingCopy(state, ids as RequestId[]) : state;
  const events: DomainEvent[] = [];
  for (const [index, requestId] of (ids as RequestId[]).entries()) {
    const decision = decideRequest(
      { type, requestId, justification: command.justification },
      running,
      ctx,
      command.decision,
    );
    if (!decision.ok) {
      const request = getOwn(state.requests, requestId);
      const which = request
        ? `${getOwn(state.users, request.principalId)?.displayName ?? request.principalId}’s request for ${roleNameOf(state, request)}`
        : `request ${String(requestId)}`;
      return refuse(
        reject(
          decision.rejection.code,
          sentence`Request ${index + 1} of ${ids.length} (${which}) was not decided, so none of the ${ids.length} decisions was recorded: ${sentenceOf(decision.rejection)}`,
          { index, requestId, rejection: decision.rejection },
        ),
      );
    }
    if (running !== state) for (const event of decision.events) applyEvent(running, event);
    events.push(...decision.events);
  }
  return accept(...events);
}

/**
 * ApproveRequest and DenyRequest: the same checks (`canApprove`, a justification, a passkey),
 * then the first deny resolves the request, and the approval that brings the distinct
 * approvers to the quorum grants it and starts the activation in the same entry.
 */
export function decideRequest(
  command: CommandOf<'ApproveRequest' | 'DenyRequest'>,
  state: TenantState,
  ctx: UserContext,
  verdict: ApprovalDecision['decision'],
): Decision {
  const request = getOwn(state.requests, command.requestId);
  if (!request) {
    return refuse(reject('unknown-request', `There is no request ${command.requestId}.`));
  }
  const cannot = canApprove(state, ctx.actor.id, request, ctx.at);
  if (cannot) return refuse(cannot);
  const badText = invalidText(command.justification, 'A justification for your decision', {
    required: true,
  });
  if (badText) return refuse(badText);
  // Always, whatever the role's settings: a decision grants or refuses privilege.
  if (!ctx.passkeyConfirmed) {
    const doing = verdict === 'approve' ? 'approval' : 'denial';
    return refuse(reject('confirmation-required', `Confirm your ${doing} with your passkey.`));
  }
  const decision: ApprovalDecision = {
    approverId: ctx.actor.id,
    decision: verdict,
    justification: command.justification.trim(),
    at: ctx.at,
  };
  if (verdict === 'deny') {
    return accept({ type: 'RequestDenied', requestId: request.id, decision });
  }
  const approved: DomainEvent = { type: 'RequestApproved', requestId: request.id, decision };
  // canApprove refused anyone who decided before, so this counts distinct approvers.
  if (approvalsOf(request).size + 1 < request.approvalsRequired) return accept(approved);
  const failure = grantFailure(state, request, ctx.at);
  if (failure !== null) {
    return accept(approved, {
      type: 'RequestFailed',
      requestId: request.id,
      reason: failure,
      at: ctx.at,
    });
  }
  // grantFailure proved the assignment exists.
  const assignment = getOwn(state.assignments, request.assignmentId) as Assignment;
  // Today's settings cap the length: a maximum lowered while the request waited still holds.
  const settings = settingsForAssignment(state, assignment);
  const startsAt = activationStartsAt(request.startsAt, ctx.at);
  return accept(
    approved,
    { type: 'RequestGranted', requestId: request.id, at: ctx.at },
    {
      type: 'ActivationStarted',
      activation: {
        id: request.activationId,
        assignmentId: assignment.id,
        principalId: request.principalId,
        roleId: request.roleId,
        startsAt,
        endsAt: activationEndsAt(assignment, settings, request.durationMinutes, startsAt),
        requestedAt: request.requestedAt,
        justification: request.justification,
        ticket: request.ticket,
        status: 'active',
        endedAt: null,
      },
    },
  );
}

/**
 * Why a request that has just reached its quorum cannot become an activation at `at`, as a
 * sentence for the RequestFailed event, or null when it can. Eligibility may have ended while
 * the request waited; the rest guard states `decide` never produces.
 */
function grantFailure(state: TenantState, request: ActivationRequest, at: Iso): string | null {
  const assignment = getOwn(state.assignments, request.assignmentId);
  if (!assignment || !isAssignmentInForce(assignment, at)) {
    return 'The eligibility it asked to activate is no longer in force.';
  }
  if (getOwn(state.users, request.principalId)?.status !== 'active') {
    return 'The requester’s account is no longer active.';
  }
  // An eligibility inherited through a group needs the requester to still be a member.
  if (!assignmentCoversUser(state, assignment, request.principalId, at)) {
    return 'The requester is no longer a member of the group the eligibility was assigned to.';
  }
  // A scheduled request starts at the later of its start and the grant.
  const startsAt = activationStartsAt(request.startsAt, at);
  if (assignment.endsAt !== null && startsAt >= assignment.endsAt) {
    return 'The eligibility it asked to activate ends before the requested start.';
  }
  const settings = settingsForAssignment(state, assignment);
  const endsAt = activationEndsAt(assignment, settings, request.durationMinutes, startsAt);
  if (overlappingActivationFor(state, assignment.id, { startsAt, endsAt }, request.principalId)) {
    return `${roleNameOf(state, request)} is already active or scheduled through the same eligibility for that time.`;
  }
  if (hasOwn(state.activations, request.activationId)) {
    return `The activation id ${request.activationId} is already in use.`;
  }
  return null;
}
