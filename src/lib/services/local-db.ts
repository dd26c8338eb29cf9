/**
 * The app's Dexie database `leasehold`: the device key (one row), the command outbox, the pool of
 * offline confirmation nonces, and what
 * this device knows about the relay's ledger (pinned key and checkpoint, tamper alarms,
 * inclusion receipts, and the offline audit index).
 * Opened lazily from a function, never at module top level (the build imports modules in Node).
 */
import Dexie from 'dexie';
import type { DeviceTable } from '$lib/webauthn/device-key';
import { OUTBOX_SCHEMA, type OutboxTable } from '$lib/sync/outbox';
import { NONCE_POOL_SCHEMA, type NoncePoolTable } from '$lib/sync/nonce-pool';
import {
  AUDIT_SCHEMA,
  AUDIT_SEARCH_SCHEMA,
  type AuditSearchTable,
  type AuditTable,
} from '$lib/sync/audit-index';
import {
  LEDGER_ALARM_SCHEMA,
  LEDGER_META_SCHEMA,
  LEDGER_PIN_SCHEMA,
  LEDGER_RECEIPT_SCHEMA,
  type LedgerAlarmTable,
  type LedgerMetaTable,
  type LedgerPinTable,
  type LedgerReceiptTable,
} from '$lib/sync/ledger-store';

export type LocalDb = Dexie & {
  device: DeviceTable;
  outbox: OutboxTable;
  ledgerPins: LedgerPinTable;
  ledgerAlarms: LedgerAlarmTable;
  receipts: LedgerReceiptTable;
  ledgerMeta: LedgerMetaTable;
  auditEntries: AuditTable;
  auditSearch: AuditSearchTable;
  noncePool: NoncePoolTable;
};

let db: LocalDb | null = null;

export function openLocalDb(): LocalDb {
  if (db) return db;
  const fresh = new Dexie('leasehold') as LocalDb;
  // One schema and no upgrade functions: nothing was released, so nothing an older build stored
  // is rewritten (ADR 0006). Version 4 because pre-release builds reached it, and IndexedDB
  // refuses to open a database at a lower version than it holds.
  fresh.version(4).stores({
    device: 'id',
    outbox: OUTBOX_SCHEMA,
    ledgerPins: LEDGER_PIN_SCHEMA,
    ledgerAlarms: LEDGER_ALARM_SCHEMA,
    receipts: LEDGER_RECEIPT_SCHEMA,
    ledgerMeta: LEDGER_META_SCHEMA,
    auditEntries: AUDIT_SCHEMA,
    // The justifications beside the index, so text search does not read every full row.
    auditSearch: AUDIT_SEARCH_SCHEMA,
    noncePool: NONCE_POOL_SCHEMA,
  });
  db = fresh;
  return fresh;
}
