/**
 * Devices and passkeys of an existing user: EnrolDevice, RevokeDevice and AddPasskey, and the
 * records a ceremony's result becomes. `AddPasskey` is the relay command behind "Add a
 * device": a signed-in device hands out a single-use link, and the new device (typically a phone
 * whose passkeys do not sync) registers its own passkey and enrols its own device key for the
 * same user. The link's secret never reaches the domain: the relay checks it before the ceremony.
 */
import type { NewDevice, NewPasskey } from '#domain/commands';
import { accept, type CommandOf, type Decision, refuse, type UserContext } from '#domain/decision';
import type { Device, Iso, Passkey, TenantState, UserId } from '#domain/model';
import { hasPermission } from '#domain/permissions';
import { getOwn, hasOwn } from '#domain/records';
import { reject } from '#domain/rejections';
import { newIdProblem } from '#domain/validation';

/** Registers another passkey and enrols a new device for an active user. */
export function addPasskey(
  command: CommandOf<'AddPasskey'>,
  state: TenantState,
  at: Iso,
): Decision {
  const user = getOwn(state.users, command.userId);
  if (!user || user.status !== 'active') {
    return refuse(reject('unknown-user', `There is no active user ${command.userId}.`));
  }
  if (hasOwn(state.passkeys, command.passkey.id)) {
    return refuse(reject('duplicate-id', 'This passkey is already registered.'));
  }
  if (hasOwn(state.devices, command.device.id)) {
    return refuse(reject('duplicate-id', `A device ${command.device.id} is already enrolled.`));
  }
  return accept(
    { type: 'PasskeyRegistered', passkey: newPasskey(user.id, command.passkey, at) },
    { type: 'DeviceEnrolled', device: newDevice(user.id, command.device, at) },
  );
}

/** EnrolDevice: a signed-in user's own passkey ceremony enrols another device key for them. */
export function enrolDevice(
  command: CommandOf<'EnrolDevice'>,
  state: TenantState,
  at: Iso,
): Decision {
  const user = getOwn(state.users, command.userId);
  if (!user || user.status !== 'active') {
    return refuse(reject('unknown-user', `There is no active user ${command.userId}.`));
  }
  // The ceremony must have used one of this user's own passkeys.
  const passkey = getOwn(state.passkeys, command.credentialId);
  if (!passkey || passkey.userId !== user.id) {
    return refuse(
      reject('not-authorized', `That passkey is not registered to ${user.displayName}.`),
    );
  }
  const bad = newIdProblem(state.devices, command.device.id, 'device');
  if (bad) return refuse(bad);
  return accept({ type: 'DeviceEnrolled', device: newDevice(user.id, command.device, at) });
}

/** RevokeDevice: anyone signs out their own devices; a Global Administrator anyone's. */
export function revokeDevice(
  command: CommandOf<'RevokeDevice'>,
  state: TenantState,
  ctx: UserContext,
): Decision {
  const device = getOwn(state.devices, command.deviceId);
  if (!device) return refuse(reject('unknown-device', `There is no device ${command.deviceId}.`));
  // Anyone may sign out their own devices; only a Global Administrator may sign out others'.
  if (
    device.userId !== ctx.actor.id &&
    !hasPermission(state, ctx.actor.id, 'revoke-any-device', ctx.at)
  ) {
    return refuse(
      reject('not-authorized', 'Only a Global Administrator can revoke another person’s device.'),
    );
  }
  if (device.revokedAt !== null) {
    return refuse(reject('already-ended', `The device “${device.label}” was already revoked.`));
  }
  return accept({ type: 'DeviceRevoked', deviceId: device.id, at: ctx.at });
}

/** The passkey record a ceremony's result becomes for `userId`. */
export function newPasskey(userId: UserId, passkey: NewPasskey, at: Iso): Passkey {
  return {
    id: passkey.id,
    userId,
    publicKey: passkey.publicKey,
    transports: [...passkey.transports],
    registeredAt: at,
    backedUp: passkey.backedUp,
  };
}

/** The device record an enrolled device key becomes for `userId`. */
export function newDevice(userId: UserId, device: NewDevice, at: Iso): Device {
  return {
    id: device.id,
    userId,
    publicKey: { ...device.publicKey },
    label: device.label,
    enrolledAt: at,
    revokedAt: null,
  };
}
