/**
 * The decide half of the decider (Emmett style): `decide(command, state, ctx)` returns the
 * events that follow from a command, or the one Rejection that stops it. Pure: the time, the
 * actor and whether a passkey confirmed this exact command all arrive in `ctx`.
 *
 * Checks run in a fixed order so the same command against the same state always fails for
 * the same reason, on the relay and in the client's preview alike.
 */
import { activateRoles, deactivateRole, decideActivation } from '#domain/activation/activate-role';
import { activationsStillActiveFrom, requestsPendingFrom } from '#domain/activation/activation';
import { cancelRequest } from '#domain/approvals/cancel-request';
import { decideRequest, decideRequests } from '#domain/approvals/decide-requests';
import { decideExtension } from '#domain/assignment-requests/decide-extension';
import { isAssignmentRequestPending } from '#domain/assignment-requests/extensions';
import { requestAssignmentChange } from '#domain/assignment-requests/request-extension';
import { assignRole, removeAssignment } from '#domain/assignments/assign-role';
import { wouldExpireLastHolder } from '#domain/assignments/safeguards';
import { extendAssignment, updateAssignment } from '#domain/assignments/update-assignment';
import { setBreakGlass } from '#domain/directory/break-glass';
import { addPasskey, enrolDevice, revokeDevice } from '#domain/directory/devices';
import { acceptInvite, createInvite, revokeInvite } from '#domain/directory/invites';
import { createRole } from '#domain/directory/roles';
import { completeSetup } from '#domain/directory/setup';
import { decideOrganisationCommand } from '#domain/organisation/organisation';
import { settingsFor, settingsForAssignment } from '#domain/settings/settings';
import { updateRoleSettings } from '#domain/settings/update-role-settings';
import type { Command, RelayCommand, UserCommand } from './commands';
import {
  accept,
  type CommandOf,
  type Decision,
  refuse,
  type UserContext,
  type DecisionContext,
} from './decision';
import type { DomainEvent } from './events';
import type { Assignment, AssignmentRequest, Iso, RequestId, TenantState } from './model';
import { assignmentRequestsOf, getOwn, hasOwn, scopeOf, valuesOf } from './records';
import { reject, type Rejection } from './rejections';
import { compareByEnd, earliest, formatInstant } from './time';

// A record rather than a list, so adding a relay command without listing it here fails to
// compile instead of letting users send it.
const RELAY_COMMAND_TYPES: Readonly<Record<RelayCommand['type'], true>> = {
  CompleteSetup: true,
  AcceptInvite: true,
  EnrolDevice: true,
  AddPasskey: true,
  ExpireActivation: true,
  ExpireAssignment: true,
  ExpireRequest: true,
};

/** True for the commands only the relay itself may issue (after a ceremony or on schedule). */
export function isRelayCommand(command: Command): command is RelayCommand {
  return hasOwn(RELAY_COMMAND_TYPES, command.type);
}

/**
 * Decides a command against the state it arrives at. `state` is never modified; apply the
 * returned events with `applyEvent`/`evolve`. `ctx` comes from the relay: `at` its clock,
 * `actor` the verified device key's user (or 'system'), `passkeyConfirmed` whether a passkey
 * assertion was bound to this exact command.
 */
export function decide(command: Command, state: TenantState, ctx: DecisionContext): Decision {
  if (isRelayCommand(command)) {
    if (ctx.actor.kind !== 'system') {
      return refuse(reject('not-authorized', `Only the relay may issue ${command.type}.`));
    }
    if (command.type !== 'CompleteSetup' && state.setupCompletedAt === null) {
      return refuse(setupNotDone());
    }
    return decideRelayCommand(command, state, ctx.at);
  }
  if (ctx.actor.kind !== 'user') {
    return refuse(reject('not-authorized', `${command.type} must come from a signed-in user.`));
  }
  const actor = getOwn(state.users, ctx.actor.userId);
  if (!actor || actor.status !== 'active') {
    return refuse(reject('not-authorized', 'Your account is not active in this tenant.'));
  }
  if (state.setupCompletedAt === null) return refuse(setupNotDone());
  return decideUserCommand(command, state, { ...ctx, actor });
}

function decideUserCommand(command: UserCommand, state: TenantState, ctx: UserContext): Decision {
  switch (command.type) {
    case 'CreateInvite':
      return createInvite(command, state, ctx);
    case 'RevokeInvite':
      return revokeInvite(command, state, ctx);
    case 'CreateRole':
      return createRole(command, state, ctx);
    case 'AssignRole':
      return assignRole(command, state, ctx);
    case 'RemoveAssignment':
      return removeAssignment(command, state, ctx);
    case 'ActivateRole':
      return decideActivation(command, state, ctx);
    case 'ActivateRoles':
      return activateRoles(command, state, ctx);
    case 'DeactivateRole':
      return deactivateRole(command, state, ctx);
    case 'RevokeDevice':
      return revokeDevice(command, state, ctx);
    case 'UpdateRoleSettings':
      return updateRoleSettings(command, state, ctx);
    case 'ApproveRequest':
      return decideRequest(command, state, ctx, 'approve');
    case 'DenyRequest':
      return decideRequest(command, state, ctx, 'deny');
    case 'DecideRequests':
      return decideRequests(command, state, ctx);
    case 'CancelRequest':
      return cancelRequest(command, state, ctx);
    case 'RequestExtension':
      return requestAssignmentChange(command, state, ctx, 'extend');
    case 'RequestRenewal':
      return requestAssignmentChange(command, state, ctx, 'renew');
    case 'DecideExtension':
      return decideExtension(command, state, ctx);
    case 'ExtendAssignment':
      return extendAssignment(command, state, ctx);
    case 'UpdateAssignment':
      return updateAssignment(command, state, ctx);
    case 'SetBreakGlass':
      return setBreakGlass(command, state, ctx);
    case 'CreateScope':
    case 'RenameScope':
    case 'DeleteScope':
    case 'CreateAdministrativeUnit':
    case 'SetAdministrativeUnitMembers':
    case 'CreateGroup':
    case 'AddGroupMember':
    case 'RemoveGroupMember':
    case 'AddGroupOwner':
    case 'RemoveGroupOwner':
    case 'NestGroup':
    case 'UnnestGroup':
      return decideOrganisationCommand(command, state, ctx);
    default: {
      const unhandled: never = command;
      return refuse(unknownCommand(unhandled));
    }
  }
}

function decideRelayCommand(command: RelayCommand, state: TenantState, at: Iso): Decision {
  switch (command.type) {
    case 'CompleteSetup':
      return completeSetup(command, state, at);
    case 'AcceptInvite':
      return acceptInvite(command, state, at);
    case 'EnrolDevice':
      return enrolDevice(command, state, at);
    case 'AddPasskey':
      return addPasskey(command, state, at);
    case 'ExpireActivation':
      return expireActivation(command, state, at);
    case 'ExpireAssignment':
      return expireAssignment(command, state, at);
    case 'ExpireRequest':
      return expireRequest(command, state, at);
    default: {
      const unhandled: never = command;
      return refuse(unknownCommand(unhandled));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Relay commands.
// ---------------------------------------------------------------------------------------------

function expireActivation(
  command: CommandOf<'ExpireActivation'>,
  state: TenantState,
  at: Iso,
): Decision {
  const activation = getOwn(state.activations, command.activationId);
  if (!activation) {
    return refuse(reject('unknown-activation', `There is no activation ${command.activationId}.`));
  }
  if (activation.status !== 'active' || activation.endsAt > at) {
    return refuse(
      reject(
        'not-active',
        `Activation ${activation.id} is not due to expire at ${formatInstant(at)}.`,
      ),
    );
  }
  // The ledger records when it really ended, not when the scheduler got round to it.
  return accept({ type: 'ActivationExpired', activationId: activation.id, at: activation.endsAt });
}

function expireAssignment(
  command: CommandOf<'ExpireAssignment'>,
  state: TenantState,
  at: Iso,
): Decision {
  const assignment = getOwn(state.assignments, command.assignmentId);
  if (!assignment) {
    return refuse(reject('unknown-assignment', `There is no assignment ${command.assignmentId}.`));
  }
  const endsAt = assignment.endsAt;
  if (assignment.status !== 'current' || endsAt === null || endsAt > at) {
    return refuse(
      reject(
        'not-active',
        `Assignment ${assignment.id} is not due to expire at ${formatInstant(at)}.`,
      ),
    );
  }
  // PRODUCT.md "Safeguards": the last Global or Privileged Role Administrator does not expire;
  // the assignment stays current (and in force, `isHeldOver`) until someone else holds the role.
  const unsafe = wouldExpireLastHolder(state, assignment, at);
  if (unsafe) return refuse(unsafe);
  // Activations never outlive their assignment; expire any the scheduler has not reached yet.
  const activations = activationsStillActiveFrom(state, assignment.id).map((a): DomainEvent => ({
    type: 'ActivationExpired',
    activationId: a.id,
    at: earliest(a.endsAt, endsAt),
  }));
  // Requests still open when the eligibility ended can never be granted; ones that lapsed
  // before it ended are left for their own ExpireRequest.
  const failed = requestsPendingFrom(state, assignment.id, endsAt).map((r): DomainEvent => ({
    type: 'RequestFailed',
    requestId: r.id,
    reason: `The eligibility it asked to activate ended at ${formatInstant(endsAt)}.`,
    at: endsAt,
  }));
  return accept(
    { type: 'AssignmentExpired', assignmentId: assignment.id, at: endsAt },
    ...activations,
    ...failed,
  );
}

function expireRequest(command: CommandOf<'ExpireRequest'>, state: TenantState, at: Iso): Decision {
  const request = getOwn(state.requests, command.requestId);
  // Extension and renewal requests share the id space and lapse the same way.
  const asked = request ? undefined : getOwn(assignmentRequestsOf(state), command.requestId);
  if (asked) {
    if (!isAssignmentRequestPending(asked) || !asked.expiresAt || at < asked.expiresAt) {
      return refuse(
        reject(
          'request-not-pending',
          `Request ${asked.id} is not due to expire at ${formatInstant(at)}.`,
        ),
      );
    }
    return accept({ type: 'RequestExpired', requestId: asked.id, at: asked.expiresAt });
  }
  if (!request) {
    return refuse(reject('unknown-request', `There is no request ${command.requestId}.`));
  }
  if (request.status !== 'PendingApproval' || at < request.expiresAt) {
    return refuse(
      reject(
        'request-not-pending',
        `Request ${request.id} is not due to expire at ${formatInstant(at)}.`,
      ),
    );
  }
  // As with activations, the ledger records when it lapsed, not when the scheduler ran.
  return accept({ type: 'RequestExpired', requestId: request.id, at: request.expiresAt });
}

// ---------------------------------------------------------------------------------------------
// User commands.
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Helpers for the relay and the app.
// ---------------------------------------------------------------------------------------------

/**
 * Whether the relay must verify a passkey assertion bound to this command before deciding it,
 * so the client knows to prompt. Unknown assignments ask for none: `decide` rejects them first.
 */
export function requiresPasskeyConfirmation(
  command: UserCommand,
  state: TenantState,
  _at: Iso,
): boolean {
  switch (command.type) {
    case 'ActivateRole':
      return activationNeedsPasskey(state, command.assignmentId);
    // One ceremony for the whole bundle, needed when any of its roles asks for one.
    case 'ActivateRoles':
      return (
        Array.isArray(command.items) &&
        command.items.some((item) => activationNeedsPasskey(state, item.assignmentId))
      );
    case 'DecideExtension': {
      const request = getOwn(assignmentRequestsOf(state), command.requestId);
      if (!request || command.decision !== 'approve') return false;
      const type = command.assignmentType ?? request.assignmentType;
      // The settings `decideExtension` applies: the role's at the asked assignment's scope.
      const asked = getOwn(state.assignments, request.assignmentId);
      return (
        type === 'active' &&
        settingsFor(state, request.roleId, asked ? scopeOf(asked) : null)
          .requirePasskeyOnActiveAssignment
      );
    }
    case 'ExtendAssignment':
    case 'UpdateAssignment': {
      const assignment = getOwn(state.assignments, command.assignmentId);
      return (
        assignment?.type === 'active' &&
        settingsForAssignment(state, assignment).requirePasskeyOnActiveAssignment
      );
    }
    // Marking an account that may skip approval is always confirmed, like approving.
    case 'SetBreakGlass':
      return true;
    case 'CreateScope':
    case 'RenameScope':
    case 'DeleteScope':
    case 'CreateAdministrativeUnit':
    case 'SetAdministrativeUnitMembers':
    case 'CreateGroup':
    case 'AddGroupMember':
    case 'RemoveGroupMember':
    case 'AddGroupOwner':
    case 'RemoveGroupOwner':
    case 'NestGroup':
    case 'UnnestGroup':
      return false;
    case 'AssignRole':
      return (
        command.assignmentType === 'active' &&
        settingsFor(state, command.roleId, command.scopeId ?? null).requirePasskeyOnActiveAssignment
      );
    // Approvers confirm every decision, whatever the role's settings (PRODUCT.md "Approver").
    case 'ApproveRequest':
    case 'DenyRequest':
    case 'DecideRequests':
      return true;
    case 'CreateInvite':
    case 'RevokeInvite':
    case 'CreateRole':
    case 'RemoveAssignment':
    case 'DeactivateRole':
    case 'RevokeDevice':
    case 'UpdateRoleSettings':
    case 'CancelRequest':
    case 'RequestExtension':
    case 'RequestRenewal':
      return false;
    default: {
      const unhandled: never = command;
      void unhandled;
      return false;
    }
  }
}

function activationNeedsPasskey(state: TenantState, assignmentId: string): boolean {
  const assignment = getOwn(state.assignments, assignmentId);
  return assignment ? settingsForAssignment(state, assignment).requirePasskeyOnActivation : false;
}

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
    ...valuesOf(assignmentRequestsOf(state)).filter(
      (r): r is AssignmentRequest & { expiresAt: Iso } =>
        isAssignmentRequestPending(r) && r.expiresAt !== undefined && r.expiresAt <= at,
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
  for (const r of valuesOf(assignmentRequestsOf(state))) {
    if (
      isAssignmentRequestPending(r) &&
      r.expiresAt !== undefined &&
      (next === null || r.expiresAt < next)
    ) {
      next = r.expiresAt;
    }
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Small pieces.
// ---------------------------------------------------------------------------------------------

function setupNotDone(): Rejection {
  return reject(
    'setup-not-done',
    'This tenant has not been set up yet; open the setup link first.',
  );
}

function unknownCommand(command: never): Rejection {
  const type = (command as { type?: unknown }).type;
  return reject('unknown-command-type', `Leasehold does not know the command ${String(type)}.`);
}
