/**
 * CancelRequest: the requester withdraws a pending request — to activate a role, or to extend or
 * renew an assignment — or an administrator does so for them, with a reason.
 */
import { isRequestPending } from '#domain/activation/activation';
import { assignmentRequestNotPending, requesterOf } from '#domain/assignment-requests/extensions';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { AssignmentRequest, TenantState } from '#domain/model';
import { hasPermission, PERMISSION_ROLE_NAMES } from '#domain/permissions';
import { getOwn } from '#domain/records';
import { reject } from '#domain/rejections';
import { instant, sentence } from '#domain/sentence';
import { invalidText } from '#domain/validation';

/**
 * Decides CancelRequest for either kind of request: its requester may withdraw it while it is
 * pending and owes nobody a reason; anyone else needs 'cancel-any-request' and a justification.
 */
export function cancelRequest(
  command: CommandOf<'CancelRequest'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const asked = getOwn(state.assignmentRequests, command.requestId);
  if (asked) return cancelAssignmentRequest(command, asked, state, ctx);
  const request = getOwn(state.requests, command.requestId);
  if (!request) {
    return refuse(reject('unknown-request', `There is no request ${command.requestId}.`));
  }
  const own = request.principalId === ctx.actor.id;
  if (!own && !hasPermission(state, ctx.actor.id, 'cancel-any-request', ctx.at)) {
    return refuse(
      reject(
        'not-authorized',
        `Only the requester, ${PERMISSION_ROLE_NAMES['cancel-any-request']} can cancel this request.`,
      ),
    );
  }
  if (!isRequestPending(request, ctx.at)) {
    return refuse(
      reject(
        'request-not-pending',
        request.status === 'PendingApproval'
          ? sentence`This request lapsed at ${instant(request.expiresAt)}.`
          : `This request is no longer pending: it is ${request.status}.`,
      ),
    );
  }
  // The requester owes nobody a reason; an administrator overruling them does.
  const badText = invalidText(
    command.justification,
    'A reason for cancelling someone else’s request',
    {
      required: !own,
    },
  );
  if (badText) return refuse(badText);
  return accept({
    type: 'RequestCanceled',
    requestId: request.id,
    by: ctx.actor.id,
    justification: command.justification.trim(),
    at: ctx.at,
  });
}

/** CancelRequest of an extension or renewal request; for a group's assignment the owner who asked is its requester. */
function cancelAssignmentRequest(
  command: CommandOf<'CancelRequest'>,
  request: AssignmentRequest,
  state: TenantState,
  ctx: UserContext,
): Decision {
  // For a group's assignment, the owner who asked is the requester.
  const own = request.principalId === ctx.actor.id || requesterOf(request) === ctx.actor.id;
  if (!own && !hasPermission(state, ctx.actor.id, 'cancel-any-request', ctx.at)) {
    return refuse(
      reject(
        'not-authorized',
        `Only the requester, ${PERMISSION_ROLE_NAMES['cancel-any-request']} can cancel this request.`,
      ),
    );
  }
  const notPending = assignmentRequestNotPending(request, ctx.at);
  if (notPending) return refuse(notPending);
  const badText = invalidText(
    command.justification,
    'A reason for cancelling someone else’s request',
    { required: !own },
  );
  if (badText) return refuse(badText);
  return accept({
    type: 'RequestCanceled',
    requestId: request.id,
    by: ctx.actor.id,
    justification: command.justification.trim(),
    at: ctx.at,
  });
}
