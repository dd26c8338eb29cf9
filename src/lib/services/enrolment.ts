/**
 * Passkey ceremonies that enrol this browser's device key: setting up the tenant, accepting an
 * invite, adding this device with a link from another, and signing in. Each ceremony enrols a
 * fresh key, which replaces the stored one only once the relay has enrolled it.
 */
import { relayRequest } from '$lib/sync/relay-http';
import type { DeviceLink, RelayStatus } from '#protocol/http-api';
import {
  createDeviceKey,
  describeThisBrowser,
  saveDevice,
  type DeviceRecord,
} from '$lib/webauthn/device-key';
import {
  registerWithDeviceLink,
  registerWithInvite,
  registerWithSetupToken,
  signInWithPasskey,
  type CeremonyTransport,
  type EnrolmentResult,
} from '$lib/webauthn/passkeys';
import type { LocalDb } from './local-db';
import type { Authorized } from './relay-session';

/** A passkey ceremony with the relay that enrols `device` for a user. */
export type Ceremony = (
  transport: CeremonyTransport,
  device: DeviceRecord,
) => Promise<EnrolmentResult>;

/** Why this browser was signed out; it survives a reload, until the next sign-in. */
const NOTICE_KEY = 'leasehold:notice';

export function relayStatus(): Promise<RelayStatus> {
  return relayRequest<RelayStatus>('/api/status');
}

/** Creates the first Global Administrator with the setup link's token. */
export const setupCeremony =
  (token: string, displayName: string): Ceremony =>
  (transport, device) =>
    registerWithSetupToken(transport, device, token, displayName);

export const inviteCeremony =
  (token: string, displayName: string): Ceremony =>
  (transport, device) =>
    registerWithInvite(transport, device, token, displayName);

/** Registers this browser's own passkey for the user who made the "add a device" link. */
export const deviceLinkCeremony =
  (token: string): Ceremony =>
  (transport, device) =>
    registerWithDeviceLink(transport, device, token);

export const signInCeremony: Ceremony = (transport, device) => signInWithPasskey(transport, device);

/** Runs the ceremony with a fresh device key; returns that key, enrolled for the user. */
export async function enrolNewDevice(
  ceremony: Ceremony,
): Promise<{ device: DeviceRecord; result: EnrolmentResult }> {
  const device = await createDeviceKey(describeThisBrowser());
  const transport: CeremonyTransport = {
    post: <T>(path: string, body: unknown) => relayRequest<T>(path, { body }),
  };
  const result = await ceremony(transport, device);
  return { device: { ...device, userId: result.userId }, result };
}

/**
 * Makes an enrolled key this browser's device key. Commands and nonces of the key it replaces
 * go: they were signed for, or issued to, a device the relay will not hear from again.
 */
export async function storeEnrolledDevice(db: LocalDb, device: DeviceRecord): Promise<void> {
  await db.outbox.clear();
  await db.noncePool.clear();
  await saveDevice(db.device, device);
  sessionStorage.removeItem(NOTICE_KEY);
}

/** A single-use link (valid 10 minutes) for adding another device, e.g. a phone. */
export async function createDeviceLink(
  authorized: Authorized,
): Promise<{ url: string; expiresAt: string }> {
  const { token, expiresAt } = await authorized<DeviceLink>('/api/devices/link', {});
  return { url: `${location.origin}/add-device#token=${token}`, expiresAt };
}

export function rememberSignOutNotice(notice: string): void {
  sessionStorage.setItem(NOTICE_KEY, notice);
}

export function signOutNotice(): string | null {
  return sessionStorage.getItem(NOTICE_KEY);
}
