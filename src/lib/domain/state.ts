/**
 * The evolve half of the decider (Emmett style): state is the fold of accepted events.
 * `applyEvent` mutates in place because the relay folds up to a million events at start-up and
 * copying a record per event would make that quadratic; `evolve` is the pure wrapper for tests
 * and previews.
 */
import { getOwn, putOwn } from './records';
import type { DomainEvent, TenantState } from './types';

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
    case 'ActivationStarted':
      putOwn(state.activations, event.activation.id, { ...event.activation });
      return;
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
