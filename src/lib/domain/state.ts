/**
 * The evolve half of the decider (Emmett style): state is the fold of accepted events.
 * `applyEvent` mutates in place because the relay folds up to a million events at start-up and
 * copying a record per event would make that quadratic; `evolve` is the pure wrapper for tests
 * and previews.
 */
import { requestIdFor } from '#domain/approvals/requests';
import { settingsKey } from '#domain/settings/settings';
import type { DomainEvent } from './events';
import type {
  ActivationRequest,
  AssignmentRequest,
  Iso,
  RequestId,
  RequestStatus,
  TenantState,
  UserId,
} from './model';
import { getOwn, putOwn } from './records';

/** The state of a tenant before its first ledger entry. */
export function initialState(): TenantState {
  return {
    setupCompletedAt: null,
    users: {},
    passkeys: {},
    devices: {},
    customRoles: {},
    settings: {},
    assignments: {},
    activations: {},
    invites: {},
    requests: {},
    assignmentRequests: {},
    alerts: {},
    scopes: {},
    administrativeUnits: {},
    groups: {},
  };
}

/**
 * Applies one accepted event to `state`, in place. Records are shallow-copied on insert so that
 * later events (which change `status`, `endedAt`, …) never mutate the event objects, which the
 * ledger and projections still hold. Events naming an unknown record are ignored: `decide`
 * never emits them, and the fold must not throw on a ledger it already accepted.
 */
export function applyEvent(state: TenantState, event: DomainEvent): void {
  switch (event.type) {
    case 'SetupCompleted':
      state.setupCompletedAt = event.at;
      return;
    case 'UserCreated':
      putOwn(state.users, event.user.id, { ...event.user });
      return;
    case 'PasskeyRegistered':
      putOwn(state.passkeys, event.passkey.id, { ...event.passkey });
      return;
    case 'DeviceEnrolled':
      putOwn(state.devices, event.device.id, { ...event.device });
      return;
    case 'DeviceRevoked': {
      const device = getOwn(state.devices, event.deviceId);
      if (device) device.revokedAt = event.at;
      return;
    }
    case 'InviteCreated':
      putOwn(state.invites, event.invite.id, { ...event.invite });
      return;
    case 'InviteRevoked': {
      const invite = getOwn(state.invites, event.inviteId);
      if (invite) invite.revokedAt = event.at;
      return;
    }
    case 'InviteAccepted': {
      const invite = getOwn(state.invites, event.inviteId);
      if (invite) {
        invite.acceptedBy = event.userId;
        invite.acceptedAt = event.at;
      }
      return;
    }
    case 'RoleCreated':
      putOwn(state.customRoles, event.role.id, { ...event.role });
      return;
    case 'RoleAssigned':
      putOwn(state.assignments, event.assignment.id, { ...event.assignment });
      return;
    // An expired assignment is as gone as a removed one; the ledger keeps which it was.
    case 'AssignmentRemoved':
    case 'AssignmentExpired': {
      const assignment = getOwn(state.assignments, event.assignmentId);
      if (assignment) {
        assignment.status = 'removed';
        assignment.removedAt = event.at;
      }
      return;
    }
    case 'ActivationStarted': {
      putOwn(state.activations, event.activation.id, { ...event.activation });
      // A granted request is provisioned by the activation it reserved the id of, when it is
      // granted (a scheduled activation starts later, but it is booked now).
      const request = getOwn(state.requests, requestIdFor(event.activation.id));
      if (request?.status === 'Granted' && request.activationId === event.activation.id) {
        const grantedAt = request.history.at(-1)?.at ?? event.activation.startsAt;
        moveRequest(request, 'Provisioned', grantedAt, 'system');
      }
      return;
    }
    case 'ActivationDeactivated': {
      const activation = getOwn(state.activations, event.activationId);
      if (activation) {
        activation.status = 'deactivated';
        activation.endedAt = event.at;
      }
      return;
    }
    case 'ActivationExpired': {
      const activation = getOwn(state.activations, event.activationId);
      if (activation) {
        activation.status = 'expired';
        activation.endedAt = event.at;
      }
      return;
    }
    case 'RoleSettingsUpdated':
      // Resource roles' settings are per role × scope.
      putOwn(state.settings, settingsKey(event.roleId, event.scopeId), {
        ...event.after,
        approvers: [...event.after.approvers],
      });
      return;
    case 'ActivationRequested': {
      const r = event.request;
      putOwn(state.requests, r.id, {
        ...r,
        decisions: r.decisions.map((d) => ({ ...d })),
        history: r.history.map((h) => ({ ...h })),
      });
      return;
    }
    case 'RequestApproved': {
      // Not a status change: the request stays pending until the quorum's RequestGranted.
      getOwn(state.requests, event.requestId)?.decisions.push({ ...event.decision });
      return;
    }
    case 'RequestDenied': {
      const request = getOwn(state.requests, event.requestId);
      if (request) {
        request.decisions.push({ ...event.decision });
        moveRequest(request, 'Denied', event.decision.at, event.decision.approverId);
      }
      return;
    }
    case 'RequestGranted': {
      const request = getOwn(state.requests, event.requestId);
      // The approval that completed the quorum is in the same entry, just before this event.
      const last = request?.decisions[request.decisions.length - 1];
      if (request) moveRequest(request, 'Granted', event.at, last?.approverId ?? 'system');
      return;
    }
    case 'RequestCanceled': {
      // Activation and assignment requests share one id space (decide keeps them apart).
      const request = getOwn(state.requests, event.requestId);
      if (request) moveRequest(request, 'Canceled', event.at, event.by);
      const asked = getOwn(state.assignmentRequests, event.requestId);
      if (asked) moveAssignmentRequest(asked, 'Canceled', event.at, event.by);
      return;
    }
    case 'RequestExpired': {
      const request = getOwn(state.requests, event.requestId);
      if (request) moveRequest(request, 'Expired', event.at, 'system');
      const asked = getOwn(state.assignmentRequests, event.requestId);
      if (asked) moveAssignmentRequest(asked, 'Expired', event.at, 'system');
      return;
    }
    case 'RequestFailed': {
      const request = getOwn(state.requests, event.requestId);
      if (request) moveRequest(request, 'Failed', event.at, 'system');
      const asked = getOwn(state.assignmentRequests, event.requestId);
      if (asked) moveAssignmentRequest(asked, 'Failed', event.at, 'system');
      return;
    }
    case 'UserBreakGlassSet': {
      const user = getOwn(state.users, event.userId);
      if (user) user.breakGlass = event.breakGlass;
      return;
    }
    case 'AlertRaised':
      putOwn(state.alerts, event.alert.id, { ...event.alert });
      return;
    case 'AssignmentRequested': {
      const r = event.request;
      putOwn(state.assignmentRequests, r.id, {
        ...r,
        decision: r.decision ? { ...r.decision } : null,
        history: r.history.map((h) => ({ ...h })),
      });
      return;
    }
    case 'AssignmentRequestDecided': {
      const request = getOwn(state.assignmentRequests, event.requestId);
      if (!request) return;
      request.decision = { ...event.decision };
      request.newAssignmentId = event.newAssignmentId;
      const approved = event.decision.decision === 'approve';
      moveAssignmentRequest(
        request,
        approved ? 'Provisioned' : 'Denied',
        event.decision.at,
        event.decision.adminId,
      );
      return;
    }
    case 'AssignmentUpdated': {
      const assignment = getOwn(state.assignments, event.assignmentId);
      if (assignment) {
        assignment.startsAt = event.after.startsAt;
        assignment.endsAt = event.after.endsAt;
      }
      return;
    }
    case 'AssignmentExtended': {
      const assignment = getOwn(state.assignments, event.assignmentId);
      if (assignment) {
        assignment.endsAt = event.endsAt;
        assignment.type = event.assignmentType;
      }
      return;
    }
    case 'ScopeCreated':
      putOwn(state.scopes, event.scope.id, { ...event.scope });
      return;
    case 'ScopeRenamed': {
      const scope = getOwn(state.scopes, event.scopeId);
      if (scope) scope.name = event.name;
      return;
    }
    case 'ScopeDeleted': {
      const scope = getOwn(state.scopes, event.scopeId);
      if (scope) scope.deletedAt = event.at;
      return;
    }
    case 'AdministrativeUnitCreated':
      putOwn(state.administrativeUnits, event.unit.id, {
        ...event.unit,
        memberIds: [...event.unit.memberIds],
      });
      return;
    case 'AdministrativeUnitMembersSet': {
      const unit = getOwn(state.administrativeUnits, event.administrativeUnitId);
      if (unit) unit.memberIds = [...event.memberIds];
      return;
    }
    case 'GroupCreated':
      putOwn(state.groups, event.group.id, {
        ...event.group,
        memberIds: [...event.group.memberIds],
        ownerIds: [...event.group.ownerIds],
        nestedGroupIds: [...event.group.nestedGroupIds],
      });
      return;
    case 'GroupMemberAdded':
      addTo(state, event.groupId, 'memberIds', event.userId);
      return;
    case 'GroupMemberRemoved':
      removeFrom(state, event.groupId, 'memberIds', event.userId);
      return;
    case 'GroupOwnerAdded':
      addTo(state, event.groupId, 'ownerIds', event.userId);
      return;
    case 'GroupOwnerRemoved':
      removeFrom(state, event.groupId, 'ownerIds', event.userId);
      return;
    case 'GroupNested':
      addTo(state, event.groupId, 'nestedGroupIds', event.childGroupId);
      return;
    case 'GroupUnnested':
      removeFrom(state, event.groupId, 'nestedGroupIds', event.childGroupId);
      return;
    default: {
      const unhandled: never = event;
      throw new Error(`Unhandled event type: ${(unhandled as DomainEvent).type}`);
    }
  }
}

/** A new state with `event` applied; `state` is left untouched. */
export function evolve(state: TenantState, event: DomainEvent): TenantState {
  const next = structuredClone(state);
  applyEvent(next, event);
  return next;
}

/** The state after all `events`, in order, starting from `initialState()`. */
export function foldEvents(events: Iterable<DomainEvent>): TenantState {
  const state = initialState();
  for (const event of events) applyEvent(state, event);
  return state;
}

type GroupList = 'memberIds' | 'ownerIds' | 'nestedGroupIds';

/** Adds `id` to one of a group's lists, once; lists stay sorted so every fold agrees. */
function addTo(state: TenantState, groupId: string, list: GroupList, id: string): void {
  const group = getOwn(state.groups, groupId);
  if (group && !group[list].includes(id)) group[list] = [...group[list], id].sort();
}

function removeFrom(state: TenantState, groupId: string, list: GroupList, id: string): void {
  const group = getOwn(state.groups, groupId);
  if (group) group[list] = group[list].filter((x) => x !== id);
}

function moveAssignmentRequest(
  request: AssignmentRequest,
  status: RequestStatus,
  at: Iso,
  by: UserId | 'system',
): void {
  request.status = status;
  request.history.push({ status, at, by });
  if (request.resolvedAt === null) {
    request.resolvedAt = at;
    request.resolvedBy = by;
  }
}

/**
 * Moves a request to `status`, recording it in the history. The first move out of
 * PendingApproval resolves it; Provisioned follows Granted and keeps the grant's resolution.
 */
function moveRequest(
  request: ActivationRequest,
  status: RequestStatus,
  at: Iso,
  by: UserId | 'system',
): void {
  request.status = status;
  request.history.push({ status, at, by });
  if (request.resolvedAt === null) {
    request.resolvedAt = at;
    request.resolvedBy = by;
  }
}

/**
 * A copy of `state` that a bundle's later items can be decided against, with the earlier items'
 * events applied, leaving `state` untouched. The records those events add to (activations,
 * requests, alerts) are copied shallowly, new entries landing in the copy; the listed requests,
 * which decisions change in place, are copied deeply. Far cheaper on the single writer's path
 * than cloning a tenant of 100,000 assignments. Only ActivateRoles and DecideRequests use it:
 * their events add activations, requests and alerts and change the listed requests, nothing more.
 */
export function workingCopy(
  state: TenantState,
  changedRequests: readonly RequestId[] = [],
): TenantState {
  const requests = { ...state.requests };
  for (const id of changedRequests) {
    const request = getOwn(state.requests, id);
    if (request) putOwn(requests, id, structuredClone(request));
  }
  return {
    ...state,
    requests,
    activations: { ...state.activations },
    alerts: { ...state.alerts },
  };
}
