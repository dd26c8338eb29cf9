/**
 * Offline passkey confirmation (PRODUCT.md "What local-first means here", ARCHITECTURE §3).
 * While online a device collects a pool of single-use relay nonces; offline it confirms a command
 * against one of them and queues it. The relay accepts such a confirmation at ARRIVAL only if the
 * nonce was issued no longer ago than the offline confirmation window of the role the command
 * concerns. This file says which window applies; the relay enforces it, the app previews it.
 */
import { findRole } from '#domain/catalogue';
import type { UserCommand } from '#domain/commands';
import type { Iso, RoleId, TenantState } from '#domain/model';
import { getOwn } from '#domain/records';
import { settingsFor } from '#domain/settings/settings';
import { addMinutes } from '#domain/time';

/** The longest window a role may set (`offlineConfirmWindowMinutes` ranges over 0–1440). */
export const MAX_OFFLINE_WINDOW_MINUTES = 1440;

/**
 * How much of the window a device keeps in hand when it picks a pooled nonce: the trip to the
 * relay once the network is back, so a nonce that was just young enough is not refused on arrival.
 */
export const OFFLINE_ARRIVAL_MARGIN_MINUTES = 1;

/**
 * The window that applies to one command: the shortest among the roles it concerns.
 * `minutes: 0` means offline confirmation is not allowed for it (a fresh online nonce is needed);
 * `roleId` names the role that set the window, when there is one.
 */
export type OfflineWindow = { minutes: number; roleId: RoleId | null; reason: string | null };

const OFF = (reason: string, roleId: RoleId | null = null): OfflineWindow => ({
  minutes: 0,
  roleId,
  reason,
});

/**
 * Which offline confirmation window applies to a command, in the given state. Only activations
 * and decisions on activation requests may be confirmed offline; any other command needs a
 * fresh online nonce. An unknown assignment or request also gives 0: the relay then asks for
 * an online confirmation rather than guessing.
 */
export function offlineWindowFor(command: UserCommand, state: TenantState): OfflineWindow {
  const roles: RoleId[] = [];
  switch (command.type) {
    case 'ActivateRole': {
      const assignment = getOwn(state.assignments, command.assignmentId);
      if (!assignment) return OFF('The assignment is unknown.');
      roles.push(assignment.roleId);
      break;
    }
    case 'ActivateRoles': {
      if (!Array.isArray(command.items) || command.items.length === 0)
        return OFF('The bundle has no activations.');
      for (const item of command.items) {
        const assignment = getOwn(state.assignments, item?.assignmentId);
        if (!assignment) return OFF('An assignment in the bundle is unknown.');
        roles.push(assignment.roleId);
      }
      break;
    }
    case 'DecideRequests': {
      if (!Array.isArray(command.requestIds) || command.requestIds.length === 0)
        return OFF('The list of decisions is empty.');
      for (const requestId of command.requestIds) {
        const request = getOwn(state.requests, requestId);
        if (!request) return OFF('A request in the list is unknown.');
        roles.push(request.roleId);
      }
      break;
    }
    case 'ApproveRequest':
    case 'DenyRequest':
    case 'CancelRequest': {
      const request = getOwn(state.requests, command.requestId);
      if (!request) return OFF('The request is unknown.');
      roles.push(request.roleId);
      break;
    }
    default:
      return OFF(`${command.type} cannot be confirmed offline; confirm it while online.`);
  }
  let window: OfflineWindow = { minutes: MAX_OFFLINE_WINDOW_MINUTES, roleId: null, reason: null };
  for (const roleId of roles) {
    const minutes = settingsFor(state, roleId).offlineConfirmWindowMinutes;
    if (minutes < window.minutes || window.roleId === null) {
      window = { minutes: Math.min(minutes, MAX_OFFLINE_WINDOW_MINUTES), roleId, reason: null };
    }
  }
  if (window.minutes <= 0) {
    return OFF(
      `Offline confirmation is off for the role ${roleName(state, window.roleId)}; confirm it while online.`,
      window.roleId,
    );
  }
  return window;
}

/**
 * Whether a pooled nonce issued at `issuedAt` may still confirm a command that arrives at `at`
 * under `window`. Returns null when it may, or the reason it may not.
 */
export function pooledNonceRefusal(window: OfflineWindow, issuedAt: Iso, at: Iso): string | null {
  if (window.minutes <= 0) return window.reason ?? 'Offline confirmation is off for this role.';
  const ageMs = Date.parse(at) - Date.parse(issuedAt);
  if (!Number.isFinite(ageMs)) return 'The confirmation nonce has no valid issue time.';
  if (ageMs > window.minutes * 60_000) {
    return `The offline confirmation is older than the role's offline window of ${window.minutes} minutes; confirm again.`;
  }
  return null;
}

/**
 * The earliest issue time of a pooled nonce a device may still use at `at` under `window`: the
 * window less `OFFLINE_ARRIVAL_MARGIN_MINUTES`, so `pooledNonceRefusal` still accepts it on
 * arrival within that margin. Only meaningful while the window is open (`minutes` > 0).
 */
export function oldestUsableNonceIssue(window: OfflineWindow, at: Iso): Iso {
  return addMinutes(at, -(window.minutes - OFFLINE_ARRIVAL_MARGIN_MINUTES));
}

function roleName(state: TenantState, roleId: RoleId | null): string {
  if (roleId === null) return '';
  return findRole(state, roleId)?.name ?? roleId;
}
