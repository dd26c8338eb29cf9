/**
 * Challenges that bind a passkey or device-key signature to exactly one thing (ARCHITECTURE §3).
 * Each has its own domain tag so that a signature made for one purpose is useless for another.
 */
import { canonicalize } from '#ledger/canonical-json';
import { concatBytes, fromBase64Url, sha256, toBase64Url, utf8 } from '#ledger/bytes';
import type { DevicePublicKey } from '#domain/model';
import type { CommandEnvelope, CommandIntent } from './messages';

const CONFIRM_TAG = utf8('leasehold-confirm-v1\0');
const ENROL_TAG = utf8('leasehold-enrol-v1\0');
const SESSION_TAG = utf8('leasehold-session-v1\0');

/** The part of an envelope the passkey confirms: everything but the confirmation itself. */
export function intentOf(envelope: CommandEnvelope): CommandIntent {
  const { v, cmdId, deviceId, issuedAt, command } = envelope;
  return { v, cmdId, deviceId, issuedAt, command };
}

/**
 * WebAuthn challenge for confirming one command:
 * SHA-256(utf8("leasehold-confirm-v1\0") ‖ nonce ‖ utf8(canonical(intent))).
 * @param nonce base64url single-use nonce the relay issued to this device.
 */
export async function confirmationChallenge(
  nonce: string,
  intent: CommandIntent,
): Promise<Uint8Array> {
  return sha256(concatBytes(CONFIRM_TAG, fromBase64Url(nonce), utf8(canonicalize(intent))));
}

/**
 * WebAuthn challenge for a registration or sign-in that enrols a device key:
 * SHA-256(utf8("leasehold-enrol-v1\0") ‖ nonce ‖ utf8(canonical(devicePublicKey))).
 */
export async function enrolmentChallenge(
  nonce: string,
  devicePublicKey: DevicePublicKey,
): Promise<Uint8Array> {
  return sha256(concatBytes(ENROL_TAG, fromBase64Url(nonce), utf8(canonicalize(devicePublicKey))));
}

/** Bytes a device key signs to open a session: utf8("leasehold-session-v1\0") ‖ challenge. */
export const sessionSigningBytes = (challenge: string): Uint8Array =>
  concatBytes(SESSION_TAG, fromBase64Url(challenge));

/** Bytes a device key signs for a command: utf8(canonical(envelope)). */
export const commandSigningBytes = (envelope: CommandEnvelope): Uint8Array =>
  utf8(canonicalize(envelope));

/** A device id is derived from its key, so nobody can claim another key's id. */
export async function deviceIdFor(publicKey: DevicePublicKey): Promise<string> {
  const digest = await sha256(
    utf8(canonicalize({ crv: publicKey.crv, kty: publicKey.kty, x: publicKey.x, y: publicKey.y })),
  );
  return `d_${toBase64Url(digest.subarray(0, 16))}`;
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Imported keys by coordinates: importing costs more than verifying, and devices repeat. */
const importedKeys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 10_000;

export function importDevicePublicKey(jwk: DevicePublicKey): Promise<CryptoKey> {
  const id = `${jwk.x}.${jwk.y}`;
  let key = importedKeys.get(id);
  if (!key) {
    if (importedKeys.size >= MAX_CACHED_KEYS)
      importedKeys.delete(importedKeys.keys().next().value as string);
    key = crypto.subtle.importKey(
      'jwk',
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true },
      ECDSA,
      true,
      ['verify'],
    );
    // A key that fails to import must not stay cached as a rejected promise.
    key.catch(() => importedKeys.delete(id));
    importedKeys.set(id, key);
  }
  return key;
}

/** Verifies a device-key signature; false (never a throw) for a bad key, signature or encoding. */
export async function verifyDeviceSignature(
  publicKey: DevicePublicKey,
  signature: string,
  data: Uint8Array,
): Promise<boolean> {
  try {
    const key = await importDevicePublicKey(publicKey);
    const sig = fromBase64Url(signature);
    return await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      new Uint8Array(sig),
      new Uint8Array(data),
    );
  } catch {
    return false;
  }
}

export function isDevicePublicKey(value: unknown): value is DevicePublicKey {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.kty === 'EC' &&
    v.crv === 'P-256' &&
    typeof v.x === 'string' &&
    typeof v.y === 'string' &&
    v.x.length === 43 &&
    v.y.length === 43
  );
}
