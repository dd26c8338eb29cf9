/**
 * What this device remembers about the relay's ledger, in the `leasehold` Dexie database:
 * the pinned relay key and last verified checkpoint per relay origin (trust on first use),
 * the tamper alarms it raised (kept until the person acknowledges them, and after), and the
 * inclusion receipts of the user's own commands.
 */
import type { Table } from 'dexie';
import type { Iso } from '#domain/model';

/** The relay key pinned on first contact and the newest checkpoint verified against it. */
export type LedgerPin = {
  /** The page origin the relay serves (one pin per relay). */
  origin: string;
  keyName: string;
  /** Raw Ed25519 public key, std base64. */
  publicKey: string;
  /** The checkpoint origin line the relay publishes with its key. */
  logOrigin: string;
  pinnedAt: Iso;
  /** Signed note text of the last verified checkpoint, or null before the first. */
  checkpoint: string | null;
  size: number;
  /** std base64 root of that checkpoint. */
  root: string | null;
  verifiedAt: Iso | null;
};

export type AlarmKind =
  | 'key-changed'
  | 'bad-signature'
  | 'wrong-log'
  | 'rollback'
  | 'fork'
  | 'inconsistent'
  | 'not-included'
  | 'entry-mismatch'
  | 'bad-answer';

/** A failed check. Never deleted: acknowledging only moves it out of the banner. */
export type LedgerAlarm = {
  id?: number;
  origin: string;
  kind: AlarmKind;
  /** One plain sentence naming exactly what failed. */
  message: string;
  at: Iso;
  /** 1 while shown; 0 once acknowledged (Dexie cannot index null or booleans). */
  open: 0 | 1;
  acknowledgedAt: Iso | null;
};

export type ReceiptStatus = 'recorded' | 'failed';

/** The inclusion receipt of one of the user's own ledger entries. */
export type LedgerReceipt = {
  seq: number;
  status: ReceiptStatus;
  /** The verified checkpoint size the proof was checked against. */
  size: number;
  checkedAt: Iso;
};

export type LedgerMeta = { key: string; value: unknown };

export type LedgerPinTable = Table<LedgerPin, string>;
export type LedgerAlarmTable = Table<LedgerAlarm, number>;
export type LedgerReceiptTable = Table<LedgerReceipt, number>;
export type LedgerMetaTable = Table<LedgerMeta, string>;

export const LEDGER_PIN_SCHEMA = 'origin';
export const LEDGER_ALARM_SCHEMA = '++id, origin, open';
export const LEDGER_RECEIPT_SCHEMA = 'seq';
export const LEDGER_META_SCHEMA = 'key';
