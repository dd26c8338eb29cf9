/**
 * The browser profile's device key (ARCHITECTURE §3): a WebCrypto ECDSA P-256 key pair created
 * with `extractable: false`, so the private key never leaves this browser. The CryptoKey objects
 * are stored as they are in IndexedDB (structured clone keeps them non-extractable).
 */
import type { Table } from 'dexie';
import { toBase64Url, toBufferSource } from '#ledger/bytes';
import { deviceIdFor } from '#protocol/confirmation';
import type { DeviceId, DevicePublicKey, UserId } from '#domain/model';

/** The single row of the `device` table. */
export type DeviceRecord = {
  id: 'current';
  keyPair: CryptoKeyPair;
  publicKey: DevicePublicKey;
  deviceId: DeviceId;
  /** null until a passkey ceremony has enrolled this key for a user. */
  userId: UserId | null;
  label: string;
};

export type DeviceTable = Table<DeviceRecord, string>;

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Creates a fresh non-extractable key pair; the public half is exported as a bare JWK. */
export async function createDeviceKey(label: string): Promise<DeviceRecord> {
  const keyPair = await crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new Error('The browser produced an unexpected device public key.');
  }
  const publicKey: DevicePublicKey = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  return {
    id: 'current',
    keyPair,
    publicKey,
    deviceId: await deviceIdFor(publicKey),
    userId: null,
    label,
  };
}

/** ECDSA P-256 / SHA-256 signature in IEEE P1363 form (r‖s), base64url, as the relay expects. */
export async function signWithDeviceKey(device: DeviceRecord, data: Uint8Array): Promise<string> {
  const signature = await crypto.subtle.sign(
    ECDSA_SHA256,
    device.keyPair.privateKey,
    toBufferSource(data),
  );
  return toBase64Url(new Uint8Array(signature));
}

export async function loadDevice(table: DeviceTable): Promise<DeviceRecord | null> {
  return (await table.get('current')) ?? null;
}

export async function saveDevice(table: DeviceTable, device: DeviceRecord): Promise<void> {
  await table.put(device);
}

export async function forgetDevice(table: DeviceTable): Promise<void> {
  await table.delete('current');
}

/** A short human label for this browser profile, e.g. "Chrome on Linux". */
export function describeThisBrowser(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'this device';
  return `${browser} on ${os}`;
}
