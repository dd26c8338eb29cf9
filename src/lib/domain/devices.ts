/**
 * Devices and passkeys of an existing user. `AddPasskey` is the relay command behind "Add a
 * device": a signed-in device hands out a single-use link, and the new device (typically a phone
 * whose passkeys do not sync) registers its own passkey and enrols its own device key for the
 * same user. The link's secret never reaches the domain: the relay checks it before the ceremony.
 */
import type { Decision } from './decision';
import { getOwn, hasOwn } from './records';
import { reject } from './rejections';
import type { RelayCommand } from './commands';
import type { Iso, TenantState } from './model';

type AddPasskey = Extract<RelayCommand, { type: 'AddPasskey' }>;

/** Registers another passkey and enrols a new device for an active user. */
export function addPasskey(command: AddPasskey, state: TenantState, at: Iso): Decision {
  const user = getOwn(state.users, command.userId);
  if (!user || user.status !== 'active') {
    return {
      ok: false,
      rejection: reject('unknown-user', `There is no active user ${command.userId}.`),
    };
  }
  if (hasOwn(state.passkeys, command.passkey.id)) {
    return {
      ok: false,
      rejection: reject('duplicate-id', 'This passkey is already registered.'),
    };
  }
  if (hasOwn(state.devices, command.device.id)) {
    return {
      ok: false,
      rejection: reject('duplicate-id', `A device ${command.device.id} is already enrolled.`),
    };
  }
  return {
    ok: true,
    events: [
      {
        type: 'PasskeyRegistered',
        passkey: {
          id: command.passkey.id,
          userId: user.id,
          publicKey: command.passkey.publicKey,
          transports: [...command.passkey.transports],
          registeredAt: at,
          backedUp: command.passkey.backedUp,
        },
      },
      {
        type: 'DeviceEnrolled',
        device: {
          id: command.device.id,
          userId: user.id,
          publicKey: { ...command.device.publicKey },
          label: command.device.label,
          enrolledAt: at,
          revokedAt: null,
        },
      },
    ],
  };
}
