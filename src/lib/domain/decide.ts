/**
 * The decide half of the decider (Emmett style): `decide(command, state, ctx)` returns the
 * events that follow from a command, or the one Rejection that stops it. Pure: the time, the
 * actor and whether a passkey confirmed this exact command all arrive in `ctx`.
 *
 * This module only dispatches. It makes the checks every command shares (relay commands come
 * from the relay, user commands from an active user, nothing but CompleteSetup before setup),
 * then hands the command to its feature's decider; README.md maps which lives where. Each
 * decider checks in a fixed order, so the same command against the same state always fails for
 * the same reason, on the relay and in the client's preview alike.
 */
import { activateRoles, deactivateRole, decideActivation } from '#domain/activation/activate-role';
import { cancelRequest } from '#domain/approvals/cancel-request';
import { decideRequest, decideRequests } from '#domain/approvals/decide-requests';
import { decideExtension } from '#domain/assignment-requests/decide-extension';
import { requestAssignmentChange } from '#domain/assignment-requests/request-extension';
import { assignRole, removeAssignment } from '#domain/assignments/assign-role';
import { extendAssignment, updateAssignment } from '#domain/assignments/update-assignment';
import { setBreakGlass } from '#domain/directory/break-glass';
import { addPasskey, enrolDevice, revokeDevice } from '#domain/directory/devices';
import { acceptInvite, createInvite, revokeInvite } from '#domain/directory/invites';
import { createRole } from '#domain/directory/roles';
import { completeSetup } from '#domain/directory/setup';
import { decideOrganisationCommand } from '#domain/organisation/organisation';
import { expireActivation, expireAssignment, expireRequest } from '#domain/schedule/expire';
import { updateRoleSettings } from '#domain/settings/update-role-settings';
import type { Command, RelayCommand, UserCommand } from './commands';
import { type Decision, type DecisionContext, refuse, type UserContext } from './decision';
import type { Iso, TenantState } from './model';
import { getOwn, hasOwn } from './records';
import { reject, type Rejection } from './rejections';

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

/** The refusal of every command but CompleteSetup before the tenant is set up. */
function setupNotDone(): Rejection {
  return reject(
    'setup-not-done',
    'This tenant has not been set up yet; open the setup link first.',
  );
}

/** The refusal of a command type this version does not know (from a newer client, say). */
function unknownCommand(command: never): Rejection {
  const type = (command as { type?: unknown }).type;
  return reject('unknown-command-type', `Leasehold does not know the command ${String(type)}.`);
}
