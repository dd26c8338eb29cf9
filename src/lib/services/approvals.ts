/**
 * Builders for the approval and role-settings commands (issue 3, "Role settings" and
 * "Approvals"). Separate from `commands.ts` so the approvals flow can grow without touching it.
 */
import { randomId } from '#ledger/bytes';
import { normaliseRoleSettings } from '#domain/settings/settings';
import type { UserCommand } from '#domain/commands';
import type { RequestId, RoleId, RoleSettings, ScopeId } from '#domain/model';

export type DecisionVerdict = 'approve' | 'deny';

/** Approve or deny one request; the justification is required by the domain and trimmed here. */
export function decideRequest(
  requestId: RequestId,
  verdict: DecisionVerdict,
  justification: string,
): UserCommand {
  return {
    type: verdict === 'approve' ? 'ApproveRequest' : 'DenyRequest',
    requestId,
    justification: justification.trim(),
  };
}

/**
 * One verdict on several requests in one command, so one passkey ceremony is bound to the whole
 * list. All or nothing at the relay.
 */
export function decideRequests(
  requestIds: RequestId[],
  verdict: DecisionVerdict,
  justification: string,
): UserCommand & { type: 'DecideRequests' } {
  return {
    type: 'DecideRequests',
    batchId: `decisions_${randomId()}`,
    decision: verdict,
    requestIds: [...requestIds],
    justification: justification.trim(),
  };
}

/** The requester's own cancel needs no reason; an administrator cancelling someone else's does. */
export function cancelRequest(requestId: RequestId, justification = ''): UserCommand {
  return { type: 'CancelRequest', requestId, justification: justification.trim() };
}

/**
 * Replaces a role's settings with `settings`, whole (the relay records the before and after);
 * `scopeId` for a resource role, whose settings are per role × scope.
 */
export function updateRoleSettings(
  roleId: RoleId,
  settings: RoleSettings,
  scopeId: ScopeId | null = null,
): UserCommand {
  return {
    type: 'UpdateRoleSettings',
    roleId,
    settings: normaliseRoleSettings(settings),
    scopeId,
  };
}
