/**
 * AssignRole and RemoveAssignment: an administrator makes a principal (a user, or a group whose
 * members inherit it) eligible for or active in a role, at a scope or in an administrative unit
 * where the role calls for one, and takes it away again.
 */
import {
  MIN_MINUTES_BEFORE_REMOVE,
  activationsStillActiveFrom,
  requestsPendingFrom,
} from '#domain/activation/activation';
import { pendingAssignmentRequestsFor } from '#domain/assignment-requests/extensions';
import { canLimitToUnit, findRole } from '#domain/catalogue';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { DomainEvent } from '#domain/events';
import type { Assignment, AssignmentId, Role, TenantState } from '#domain/model';
import { liveScope } from '#domain/organisation/scopes';
import { canManageAssignment, hasPermission, PERMISSION_ROLE_NAMES } from '#domain/permissions';
import { getOwn, valuesOf } from '#domain/records';
import { reject, type Rejection } from '#domain/rejections';
import { settingsFor } from '#domain/settings/settings';
import { instant, sentence } from '#domain/sentence';
import { addMinutes, isValidIso, latest, minutesBetween } from '#domain/time';
import { invalidText, newIdProblem } from '#domain/validation';
import { assignmentPeriodProblem, periodsOverlap } from './periods';
import { wouldRemoveLastHolder } from './safeguards';

/**
 * Decides AssignRole, checking in this order: permission at the scope (default-deny, so nobody
 * learns what exists above their scope), principal, role, where the role may be held, the new id,
 * the period against the role's settings, justification and passkey, and no overlap.
 */
export function assignRole(
  command: CommandOf<'AssignRole'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const role = findRole(state, command.roleId);
  const scopeId = command.scopeId;
  // Permission first (default-deny), so nobody learns what exists above their scope.
  if (!canManageAssignment(state, ctx.actor.id, command.roleId, scopeId, ctx.at)) {
    return refuse(
      reject(
        'not-authorized',
        scopeId === null
          ? `Only ${PERMISSION_ROLE_NAMES['manage-assignments']} can assign roles; activate such a role first.`
          : 'Only a Global Administrator, a Privileged Role Administrator, or an Owner or User Access Administrator at or above this scope can assign roles here.',
      ),
    );
  }
  const principalKind = command.principalKind;
  const principal = assignee(state, command.principalId, principalKind);
  if (!principal) {
    return refuse(
      principalKind === 'group'
        ? reject('unknown-group', `There is no group ${command.principalId}.`)
        : reject('unknown-user', `There is no active user ${command.principalId}.`),
    );
  }
  if (!role) return refuse(reject('unknown-role', `There is no role ${command.roleId}.`));
  const administrativeUnitId = command.administrativeUnitId;
  const badPlace = placeProblem(
    state,
    role,
    principalKind,
    principal.id,
    scopeId,
    administrativeUnitId,
  );
  if (badPlace) return refuse(badPlace);
  const badId = newIdProblem(state.assignments, command.assignmentId, 'assignment');
  if (badId) return refuse(badId);
  const type = command.assignmentType;
  if (type !== 'eligible' && type !== 'active') {
    return refuse(reject('invalid-value', 'An assignment must be eligible or active.'));
  }
  if (command.startsAt !== null && !isValidIso(command.startsAt)) {
    return refuse(reject('invalid-value', 'The start time is not a valid time.'));
  }
  if (command.endsAt !== null && !isValidIso(command.endsAt)) {
    return refuse(reject('invalid-value', 'The end time is not a valid time.'));
  }
  // No start means now; a start in the past also means now, because an assignment cannot have
  // applied before it was made (and clients' clocks run a little behind the relay's).
  const startsAt = command.startsAt === null ? ctx.at : latest(command.startsAt, ctx.at);
  const endsAt = command.endsAt;
  const settings = settingsFor(state, role.id, scopeId);
  const kind = type === 'eligible' ? 'eligible' : 'active';
  const badPeriod = assignmentPeriodProblem(role.name, settings, type, startsAt, endsAt, ctx.at);
  if (badPeriod) return refuse(badPeriod);
  const justificationRequired =
    type === 'active' && settings.requireJustificationOnActiveAssignment;
  const badText = invalidText(command.justification, 'A justification', {
    required: justificationRequired,
  });
  if (badText) return refuse(badText);
  if (type === 'active' && settings.requirePasskeyOnActiveAssignment && !ctx.passkeyConfirmed) {
    return refuse(
      reject(
        'confirmation-required',
        `Confirm with your passkey to make an active assignment of ${role.name}.`,
      ),
    );
  }
  const overlapping = valuesOf(state.assignments).find(
    (a) =>
      a.status === 'current' &&
      a.principalId === principal.id &&
      a.principalKind === principalKind &&
      a.roleId === role.id &&
      a.scopeId === scopeId &&
      a.administrativeUnitId === administrativeUnitId &&
      a.type === type &&
      periodsOverlap(a.startsAt, a.endsAt, startsAt, endsAt),
  );
  if (overlapping) {
    return refuse(
      reject(
        'already-assigned',
        `${principal.displayName} already has an overlapping ${kind} assignment of ${role.name}.`,
      ),
    );
  }
  return accept({
    type: 'RoleAssigned',
    assignment: {
      id: command.assignmentId,
      principalId: principal.id,
      principalKind,
      scopeId,
      administrativeUnitId,
      roleId: role.id,
      type,
      startsAt,
      endsAt,
      createdAt: ctx.at,
      createdBy: ctx.actor.id,
      justification: command.justification.trim(),
      status: 'current',
      removedAt: null,
    },
  });
}

/** The assignee of an AssignRole: an enabled user, or an existing group (with a display name). */
function assignee(
  state: TenantState,
  principalId: string,
  kind: 'user' | 'group',
): { id: string; displayName: string } | null {
  if (kind === 'group') {
    const group = getOwn(state.groups, principalId);
    return group ? { id: group.id, displayName: group.name } : null;
  }
  if (kind !== 'user') return null;
  const user = getOwn(state.users, principalId);
  return user && user.status === 'active' ? user : null;
}

/**
 * Where a role may be assigned: resource roles at a live scope and nowhere else; directory
 * roles tenant-wide, or in an administrative unit where `canLimitToUnit` allows it; group
 * pseudo-roles neither, and never to their own group (a group cannot be its own member or owner).
 */
function placeProblem(
  state: TenantState,
  role: Role,
  principalKind: 'user' | 'group',
  principalId: string,
  scopeId: string | null,
  administrativeUnitId: string | null,
): Rejection | null {
  switch (role.kind) {
    case 'resource':
      if (administrativeUnitId !== null) {
        return reject(
          'invalid-scope',
          `${role.name} is held at a scope, not in an administrative unit.`,
        );
      }
      if (scopeId === null) {
        return reject('invalid-scope', `${role.name} is a resource role: choose a scope.`);
      }
      return liveScope(state, scopeId)
        ? null
        : reject('unknown-scope', `There is no scope ${scopeId}.`);
    case 'directory':
      if (scopeId !== null) {
        return reject(
          'invalid-scope',
          `${role.name} is a directory role and takes no resource scope.`,
        );
      }
      if (administrativeUnitId === null) return null;
      if (!canLimitToUnit(role)) {
        return reject('invalid-scope', `${role.name} always applies to the whole tenant.`);
      }
      return getOwn(state.administrativeUnits, administrativeUnitId)
        ? null
        : reject(
            'unknown-administrative-unit',
            `There is no administrative unit ${administrativeUnitId}.`,
          );
    case 'group':
      if (scopeId !== null || administrativeUnitId !== null) {
        return reject('invalid-scope', `${role.name} takes no scope.`);
      }
      if (principalKind === 'group' && role.id.endsWith(`:${principalId}`)) {
        return reject('group-cycle', 'A group cannot be its own member or owner.');
      }
      return null;
    default: {
      const unhandled: never = role.kind;
      return reject('invalid-value', `Unknown role kind ${String(unhandled)}.`);
    }
  }
}

/**
 * The current assignment `assignmentId` if the actor may remove or change it, or the refusal:
 * scoped administrators may touch only what they could have assigned, and someone who may
 * not learns nothing about whether it exists.
 */
export function currentAssignmentFor(
  state: TenantState,
  ctx: UserContext,
  assignmentId: AssignmentId,
  doing: 'remove' | 'change',
): { ok: true; assignment: Assignment } | { ok: false; rejection: Rejection } {
  const assignment = getOwn(state.assignments, assignmentId);
  if (
    !assignment
      ? !hasPermission(state, ctx.actor.id, 'manage-assignments', ctx.at)
      : !canManageAssignment(state, ctx.actor.id, assignment.roleId, assignment.scopeId, ctx.at)
  ) {
    return {
      ok: false,
      rejection: reject(
        'not-authorized',
        `Only ${PERMISSION_ROLE_NAMES['manage-assignments']} (or a scope's Owner, or a group's owner, for theirs) can ${doing} role assignments.`,
      ),
    };
  }
  if (!assignment || assignment.status !== 'current') {
    return {
      ok: false,
      rejection: reject('unknown-assignment', `There is no current assignment ${assignmentId}.`),
    };
  }
  return { ok: true, assignment };
}

/**
 * Decides RemoveAssignment: from 5 minutes after it was made, never the last Global or Privileged
 * Role Administrator; what was activated through it ends now and its pending requests fail.
 */
export function removeAssignment(
  command: CommandOf<'RemoveAssignment'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const found = currentAssignmentFor(state, ctx, command.assignmentId, 'remove');
  if (!found.ok) return found;
  const assignment = found.assignment;
  if (minutesBetween(assignment.createdAt, ctx.at) < MIN_MINUTES_BEFORE_REMOVE) {
    return refuse(
      reject(
        'too-early-to-remove',
        sentence`An assignment cannot be removed within ${MIN_MINUTES_BEFORE_REMOVE} minutes of being made; try again from ${instant(addMinutes(assignment.createdAt, MIN_MINUTES_BEFORE_REMOVE))}.`,
      ),
    );
  }
  const unsafe = wouldRemoveLastHolder(state, assignment, ctx.at);
  if (unsafe) return refuse(unsafe);
  // Removing eligibility ends what was activated through it, now.
  const deactivations = activationsStillActiveFrom(state, assignment.id)
    .filter((a) => a.endsAt > ctx.at)
    .map((a): DomainEvent => ({ type: 'ActivationDeactivated', activationId: a.id, at: ctx.at }));
  // …and closes requests to activate it, so approvers are not asked about nothing.
  const failed = requestsPendingFrom(state, assignment.id, ctx.at).map((r): DomainEvent => ({
    type: 'RequestFailed',
    requestId: r.id,
    reason: 'The eligibility it asked to activate was removed.',
    at: ctx.at,
  }));
  // …and extension or renewal requests for it, which have nothing left to extend.
  const failedAsks = pendingAssignmentRequestsFor(state, assignment.id, ctx.at).map(
    (r): DomainEvent => ({
      type: 'RequestFailed',
      requestId: r.id,
      reason: 'The assignment it asked to extend was removed.',
      at: ctx.at,
    }),
  );
  return accept(
    { type: 'AssignmentRemoved', assignmentId: assignment.id, at: ctx.at },
    ...deactivations,
    ...failed,
    ...failedAsks,
  );
}
