/**
 * What the relay needs from durable storage. The relay core knows nothing else about where data
 * lives: SQLite is the embedded default (sqlite.ts); PostgreSQL implements the same interface.
 * Every method that writes is durable when its promise resolves: nothing is acknowledged earlier.
 */

export type StoredEntry = {
  seq: number;
  /** The canonical JSON bytes of the entry: exactly what was hashed. */
  bytes: Uint8Array;
  leafHash: Uint8Array;
};

export type StoredDocUpdate = { doc: string; seq: number; update: Uint8Array };

export type StoredCommand = { cmdId: string; digest: string; seq: number | null; reply: string };

export type StoredNonce = {
  nonce: string;
  deviceId: string;
  userId: string;
  expiresAt: string;
  usedSeq: number | null;
  /**
   * 'online': fetched just before the passkey prompt (short TTL). 'pool': pre-issued for
   * offline confirmation; the pipeline accepts it only within the offline window of the role
   * the command concerns, counted from `issuedAt` to arrival.
   */
  kind: 'online' | 'pool';
  issuedAt: string;
};

export type StoredSession = {
  tokenHash: string;
  userId: string;
  deviceId: string;
  expiresAt: string;
};

/** Everything one group commit writes, in one transaction. */
export type AppendBatch = {
  entries: StoredEntry[];
  docUpdates: StoredDocUpdate[];
  commands: StoredCommand[];
  usedNonces: { nonce: string; seq: number }[];
  checkpoint: { size: number; note: string; createdAt: string } | null;
  meta: [key: string, value: string | null][];
};

export interface RelayStorage {
  readonly kind: 'sqlite' | 'postgres';
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string | null): Promise<void>;
  entryCount(): Promise<number>;
  /** Entries with seq in [fromSeq, fromSeq + limit), in order. */
  readEntries(fromSeq: number, limit: number): Promise<StoredEntry[]>;
  readDocUpdates(): Promise<StoredDocUpdate[]>;
  latestCheckpoint(): Promise<string | null>;
  /** Stored checkpoints with size ≥ fromSize, ascending, at most limit. */
  readCheckpoints(fromSize: number, limit: number): Promise<{ size: number; note: string }[]>;
  findCommand(cmdId: string): Promise<StoredCommand | null>;
  putNonce(nonce: StoredNonce): Promise<void>;
  getNonce(nonce: string): Promise<StoredNonce | null>;
  /** Ends the listed unused pooled nonces of a device at `at` (the device gives up stale ones). */
  retirePoolNonces(deviceId: string, nonces: readonly string[], at: string): Promise<void>;
  /** How many pooled nonces of a device are unused and expire after `at` (caps the pool at K). */
  countLivePoolNonces(deviceId: string, at: string): Promise<number>;
  putSession(session: StoredSession): Promise<void>;
  getSession(tokenHash: string): Promise<StoredSession | null>;
  deleteSessionsOfDevice(deviceId: string): Promise<void>;
  /** Writes a whole batch atomically and durably (group commit). */
  commit(batch: AppendBatch): Promise<void>;
  close(): Promise<void>;
}
