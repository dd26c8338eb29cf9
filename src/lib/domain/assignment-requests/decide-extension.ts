/**
 * DecideExtension: an administrator approves or denies an extension or renewal request. An
 * approval extends the assignment in place while it is current, or creates a new one from now.
 */
import { assignmentPeriodProblem, overlappingAssignment } from '#domain/assignments/periods';
import { changeAssignment } from '#domain/assignments/update-assignment';
import { findRole } from '#domain/catalogue';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { AdminDecision, TenantState } from '#domain/model';
import { liveScope } from '#domain/organisation/scopes';
import { requirePermission } from '#domain/permissions';
import { getOwn } from '#domain/records';
import { reject } from '#domain/rejections';
import { settingsFor } from '#domain/settings/settings';
import { isValidIso } from '#domain/time';
import { invalidText, newIdProblem } from '#domain/validation';
import {
  hasExpired,
  assignmentRequestNotPending,
  renewalAssignmentIdFor,
  requesterOf,
} from './extensions';

/**
 * DecideExtension: an administrator (manage-assignments) approves or denies an extension or
 * renewal, with a reason, never their own. An approval may change the end and the type. An
 * extension of an assignment still current moves its end (AssignmentExtended); a renewal, or
 * an extension approved after the assignment expired, creates a new assignment from now.
 */
export function decideExtension(
  command: CommandOf<'DecideExtension'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const denied = requirePermission(
    state,
    ctx,
    'manage-assignments',
    'decide extension and renewal requests',
  );
  if (denied) return refuse(denied);
  const request = getOwn(state.assignmentRequests, command.requestId);
  if (!request) {
    return refuse(
      reject('unknown-request', `There is no extension or renewal request ${command.requestId}.`),
    );
  }
  // Lapsed but not yet recorded by the scheduler is as good as Expired.
  const notPending = assignmentRequestNotPending(request, ctx.at);
  if (notPending) return refuse(notPending);
  if (request.principalId === ctx.actor.id || requesterOf(request) === ctx.actor.id) {
    return refuse(reject('approver-is-requester', 'Nobody can approve or deny their own request.'));
  }
  if (command.decision !== 'approve' && command.decision !== 'deny') {
    return refuse(reject('invalid-value', 'A decision must be approve or deny.'));
  }
  const badText = invalidText(command.justification, 'A justification for your decision', {
    required: true,
  });
  if (badText) return refuse(badText);
  const type = command.assignmentType ?? request.assignmentType;
  if (type !== 'eligible' && type !== 'active') {
    return refuse(reject('invalid-value', 'An assignment must be eligible or active.'));
  }
  if (command.endsAt !== null && !isValidIso(command.endsAt)) {
    return refuse(reject('invalid-value', 'The end time is not a valid time.'));
  }
  const endsAt = command.endsAt ?? request.endsAt;
  const decision: AdminDecision = {
    adminId: ctx.actor.id,
    decision: command.decision,
    endsAt: command.decision === 'approve' ? endsAt : null,
    assignmentType: type,
    justification: command.justification.trim(),
    at: ctx.at,
  };
  if (command.decision === 'deny') {
    return accept({
      type: 'AssignmentRequestDecided',
      requestId: request.id,
      decision,
      newAssignmentId: null,
    });
  }
  const role = findRole(state, request.roleId);
  if (!role) return refuse(reject('unknown-role', `There is no role ${request.roleId}.`));
  const asked = getOwn(state.assignments, request.assignmentId);
  const settings = settingsFor(state, role.id, asked ? asked.scopeId : null);
  if (type === 'active' && settings.requirePasskeyOnActiveAssignment && !ctx.passkeyConfirmed) {
    return refuse(
      reject(
        'confirmation-required',
        `Confirm with your passkey to make an active assignment of ${role.name}.`,
      ),
    );
  }
  const assignment = getOwn(state.assignments, request.assignmentId);
  if (!assignment) {
    return refuse(reject('unknown-assignment', `There is no assignment ${request.assignmentId}.`));
  }
  if (
    request.kind === 'extend' &&
    assignment.status === 'current' &&
    !hasExpired(assignment, ctx.at)
  ) {
    const change = changeAssignment(state, assignment, endsAt, type, ctx);
    if (!change.ok) return change;
    return accept(
      { type: 'AssignmentRequestDecided', requestId: request.id, decision, newAssignmentId: null },
      ...change.events,
    );
  }
  if (!hasExpired(assignment, ctx.at)) {
    return refuse(
      reject(
        'renewal-not-due',
        `The ${role.name} assignment has not expired, or was removed by an administrator.`,
      ),
    );
  }
  // The renewal keeps what the old assignment was: its principal (a user, or a group whose
  // members inherit it), scope and administrative unit.
  const kind = assignment.principalKind;
  const group = kind === 'group' ? getOwn(state.groups, assignment.principalId) : undefined;
  const user = kind === 'user' ? getOwn(state.users, request.principalId) : undefined;
  const principal = group
    ? { id: group.id, displayName: `The group ${group.name}` }
    : user?.status === 'active'
      ? user
      : undefined;
  if (!principal) {
    return refuse(
      reject(
        'unknown-user',
        kind === 'group'
          ? `There is no group ${assignment.principalId}.`
          : `There is no active user ${request.principalId}.`,
      ),
    );
  }
  const scopeId = assignment.scopeId;
  if (scopeId !== null && !liveScope(state, scopeId)) {
    return refuse(
      reject(
        'invalid-scope',
        `The scope the ${role.name} assignment was at no longer exists, so it cannot be renewed there.`,
      ),
    );
  }
  const newId = renewalAssignmentIdFor(request.id);
  const badId = newIdProblem(state.assignments, newId, 'assignment');
  if (badId) return refuse(badId);
  const bad = assignmentPeriodProblem(role.name, settings, type, ctx.at, endsAt, ctx.at);
  if (bad) return refuse(bad);
  const overlap = overlappingAssignment(state, principal.id, role.id, type, ctx.at, endsAt);
  if (overlap) {
    return refuse(
      reject(
        'already-assigned',
        `${principal.displayName} already has an overlapping ${type} assignment of ${role.name}.`,
      ),
    );
  }
  return accept(
    { type: 'AssignmentRequestDecided', requestId: request.id, decision, newAssignmentId: newId },
    {
      type: 'RoleAssigned',
      assignment: {
        id: newId,
        principalId: principal.id,
        principalKind: kind,
        scopeId,
        administrativeUnitId: assignment.administrativeUnitId,
        roleId: role.id,
        type,
        startsAt: ctx.at,
        endsAt,
        createdAt: ctx.at,
        createdBy: ctx.actor.id,
        justification: decision.justification,
        status: 'current',
        removedAt: null,
      },
    },
  );
}
