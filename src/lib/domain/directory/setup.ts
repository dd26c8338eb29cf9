/**
 * CompleteSetup: the first passkey registered through the one-time setup link makes a
 * permanent Global Administrator, once per tenant.
 */
import { ROLE_IDS } from '#domain/catalogue';
import { accept, type CommandOf, type Decision, refuse } from '#domain/decision';
import type { Iso, TenantState, User, UserId } from '#domain/model';
import { reject } from '#domain/rejections';
import { invalidId, invalidName } from '#domain/validation';
import { newDevice, newPasskey } from './devices';

/** The justification recorded on the bootstrap Global Administrator's assignment. */
export const BOOTSTRAP_JUSTIFICATION = 'Bootstrap administrator created at setup';

/** Decides CompleteSetup (a relay command, after the setup link's passkey ceremony). */
export function completeSetup(
  command: CommandOf<'CompleteSetup'>,
  state: TenantState,
  at: Iso,
): Decision {
  if (state.setupCompletedAt !== null) {
    return refuse(reject('setup-already-done', 'This tenant has already been set up.'));
  }
  const bad =
    invalidId(command.userId, 'user') ??
    invalidId(command.passkey.id, 'passkey') ??
    invalidId(command.device.id, 'device') ??
    invalidId(command.assignmentId, 'assignment') ??
    invalidName(command.displayName, 'Your display name');
  if (bad) return refuse(bad);
  const { userId } = command;
  return accept(
    { type: 'SetupCompleted', at },
    { type: 'UserCreated', user: newUser(userId, command.displayName, at) },
    { type: 'PasskeyRegistered', passkey: newPasskey(userId, command.passkey, at) },
    { type: 'DeviceEnrolled', device: newDevice(userId, command.device, at) },
    {
      type: 'RoleAssigned',
      assignment: {
        id: command.assignmentId,
        principalId: userId,
        principalKind: 'user',
        scopeId: null,
        administrativeUnitId: null,
        roleId: ROLE_IDS.GlobalAdministrator,
        type: 'active',
        startsAt: at,
        endsAt: null,
        createdAt: at,
        createdBy: 'system',
        justification: BOOTSTRAP_JUSTIFICATION,
        status: 'current',
        removedAt: null,
      },
    },
  );
}

/** The user record a newcomer becomes: active, the name trimmed. */
export function newUser(id: UserId, displayName: string, at: Iso): User {
  return {
    id,
    displayName: displayName.trim(),
    status: 'active',
    createdAt: at,
    breakGlass: false,
  };
}
