/**
 * This device's pool of pre-issued confirmation nonces (`POST /api/confirm/nonce-pool`), kept in
 * Dexie so a passkey can confirm a command while offline (ARCHITECTURE §3). Each nonce is used
 * once: taking one deletes it in the same transaction, so two tabs never take the same one. The
 * relay accepts a pooled confirmation only within the offline window of the role the command
 * concerns, counted from the nonce's issue time to the command's arrival.
 */
import type { Table } from 'dexie';
import type { DeviceId, Iso } from '#domain/model';
import type { AllowedCredential, NoncePoolReply } from '#protocol/http-api';

export type { NoncePoolReply } from '#protocol/http-api';

export type PooledNonce = {
  nonce: string;
  deviceId: DeviceId;
  issuedAt: Iso;
  expiresAt: Iso;
  rpId: string;
  allowCredentials: AllowedCredential[];
};

export type NoncePoolTable = Table<PooledNonce, string>;

/** Dexie schema: primary key nonce, indexed by device and issue time. */
export const NONCE_POOL_SCHEMA = 'nonce, deviceId, issuedAt';

/** Refill when fewer than this many are left, or when the newest is older than REFRESH_MS. */
export const LOW_WATER = 4;
export const REFRESH_MS = 60 * 60_000;

export async function poolOf(table: NoncePoolTable, deviceId: DeviceId): Promise<PooledNonce[]> {
  return table.where('deviceId').equals(deviceId).sortBy('issuedAt');
}

/** True when the pool should be refilled now (few left, or all of them getting old). */
export function needsRefill(pool: readonly PooledNonce[], now: number): boolean {
  if (pool.length < LOW_WATER) return true;
  const newest = Math.max(...pool.map((n) => Date.parse(n.issuedAt)));
  return now - newest > REFRESH_MS;
}

/**
 * Stores a refill: the nonces given up (`retired`) go, the new ones come in. Nonces another tab
 * added meanwhile stay.
 */
export async function storeRefill(
  table: NoncePoolTable,
  deviceId: DeviceId,
  retired: readonly string[],
  reply: NoncePoolReply,
): Promise<void> {
  await table.db.transaction('rw', table, async () => {
    await table.bulkDelete([...retired]);
    await table.bulkPut(
      reply.nonces.map((n) => ({
        ...n,
        deviceId,
        rpId: reply.rpId,
        allowCredentials: reply.allowCredentials,
      })),
    );
  });
}

/**
 * Takes (and deletes) the oldest nonce of this device that is still usable: issued at or after
 * `notIssuedBefore` and not expired at `now`. Null when none is left.
 */
export async function takePooledNonce(
  table: NoncePoolTable,
  deviceId: DeviceId,
  notIssuedBefore: Iso,
  now: Iso,
): Promise<PooledNonce | null> {
  return table.db.transaction('rw', table, async () => {
    const usable = (await poolOf(table, deviceId)).filter(
      (n) => n.issuedAt >= notIssuedBefore && n.expiresAt > now,
    );
    const chosen = usable[0] ?? null;
    if (chosen) await table.delete(chosen.nonce);
    return chosen;
  });
}

/** Drops every nonce of a device (signed out, device revoked). */
export async function clearPool(table: NoncePoolTable, deviceId: DeviceId): Promise<void> {
  await table.where('deviceId').equals(deviceId).delete();
}
