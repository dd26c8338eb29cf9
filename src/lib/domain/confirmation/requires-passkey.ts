/**
 * Which commands need a passkey assertion bound to them (ARCHITECTURE.md §3), so the client knows
 * to prompt and the relay knows to verify one before deciding. The deciders check the same
 * settings again: this only says when to ask.
 */
import type { UserCommand } from '#domain/commands';
import type { Iso, TenantState } from '#domain/model';
import { getOwn } from '#domain/records';
import { settingsFor, settingsForAssignment } from '#domain/settings/settings';

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
      const request = getOwn(state.assignmentRequests, command.requestId);
      if (!request || command.decision !== 'approve') return false;
      const type = command.assignmentType ?? request.assignmentType;
      // The settings `decideExtension` applies: the role's at the asked assignment's scope.
      const asked = getOwn(state.assignments, request.assignmentId);
      return (
        type === 'active' &&
        settingsFor(state, request.roleId, asked ? asked.scopeId : null)
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
        settingsFor(state, command.roleId, command.scopeId).requirePasskeyOnActiveAssignment
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
