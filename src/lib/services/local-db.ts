/**
 * The app's Dexie database `leasehold`: the device key (one row) and the command outbox.
 * Opened lazily from a function, never at module top level (the build imports modules in Node).
 */
import Dexie from 'dexie';
import type { DeviceTable } from '$lib/webauthn/device-key';
import { OUTBOX_SCHEMA, type OutboxTable } from '$lib/sync/outbox';

export type LocalDb = Dexie & { device: DeviceTable; outbox: OutboxTable };

let db: LocalDb | null = null;

export function openLocalDb(): LocalDb {
  if (db) return db;
  const fresh = new Dexie('leasehold') as LocalDb;
  fresh.version(1).stores({ device: 'id', outbox: OUTBOX_SCHEMA });
  db = fresh;
  return fresh;
}
