/**
 * Embedded storage: SQLite through better-sqlite3 (v12; v13 needs Node 22). WAL with
 * synchronous=FULL, so a committed transaction survives power loss; a batch is one transaction
 * (group commit), so one fsync covers many commands.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  AppendBatch,
  RelayStorage,
  StoredCommand,
  StoredDocUpdate,
  StoredEntry,
  StoredNonce,
  StoredSession,
} from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL, leaf_hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS doc_updates (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, seq INTEGER NOT NULL, update_bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS commands (cmd_id TEXT PRIMARY KEY, digest TEXT NOT NULL, seq INTEGER, reply TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, device_id TEXT NOT NULL, user_id TEXT NOT NULL, expires_at TEXT NOT NULL, used_seq INTEGER, kind TEXT NOT NULL, issued_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_device ON nonces (device_id, kind);
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, device_id TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_device ON sessions (device_id);
`;

type EntryRow = { seq: number; bytes: Buffer; leaf_hash: Buffer };

const bytesOf = (b: Buffer): Uint8Array =>
  new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();

export function openSqliteStorage(file: string): RelayStorage {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);

  const q = {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    delMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM entries'),
    entries: db.prepare<[number, number], EntryRow>(
      'SELECT seq, bytes, leaf_hash FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?',
    ),
    docUpdates: db.prepare<[], { doc: string; seq: number; update_bytes: Buffer }>(
      'SELECT doc, seq, update_bytes FROM doc_updates ORDER BY id',
    ),
    checkpoint: db.prepare<[], { note: string }>(
      'SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1',
    ),
    checkpoints: db.prepare<[number, number], { size: number; note: string }>(
      'SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size LIMIT ?',
    ),
    findCommand: db.prepare<
      [string],
      { cmd_id: string; digest: string; seq: number | null; reply: string }
    >('SELECT * FROM commands WHERE cmd_id = ?'),
    putNonce: db.prepare(
      'INSERT INTO nonces (nonce, device_id, user_id, expires_at, used_seq, kind, issued_at) VALUES (?, ?, ?, ?, NULL, ?, ?)',
    ),
    retirePool: db.prepare(
      "UPDATE nonces SET expires_at = ? WHERE nonce = ? AND device_id = ? AND kind = 'pool' AND used_seq IS NULL AND expires_at > ?",
    ),
    countPool: db.prepare<[string, string], { n: number }>(
      "SELECT COUNT(*) AS n FROM nonces WHERE device_id = ? AND kind = 'pool' AND used_seq IS NULL AND expires_at > ?",
    ),
    getNonce: db.prepare<
      [string],
      {
        nonce: string;
        device_id: string;
        user_id: string;
        expires_at: string;
        used_seq: number | null;
        kind: string;
        issued_at: string;
      }
    >('SELECT * FROM nonces WHERE nonce = ?'),
    useNonce: db.prepare('UPDATE nonces SET used_seq = ? WHERE nonce = ? AND used_seq IS NULL'),
    putSession: db.prepare(
      'INSERT INTO sessions (token_hash, user_id, device_id, expires_at) VALUES (?, ?, ?, ?)',
    ),
    getSession: db.prepare<
      [string],
      { token_hash: string; user_id: string; device_id: string; expires_at: string }
    >('SELECT * FROM sessions WHERE token_hash = ?'),
    delSessions: db.prepare('DELETE FROM sessions WHERE device_id = ?'),
    insEntry: db.prepare('INSERT INTO entries (seq, bytes, leaf_hash) VALUES (?, ?, ?)'),
    insDocUpdate: db.prepare('INSERT INTO doc_updates (doc, seq, update_bytes) VALUES (?, ?, ?)'),
    insCommand: db.prepare('INSERT INTO commands (cmd_id, digest, seq, reply) VALUES (?, ?, ?, ?)'),
    insCheckpoint: db.prepare(
      'INSERT OR REPLACE INTO checkpoints (size, note, created_at) VALUES (?, ?, ?)',
    ),
  };

  const setMeta = (key: string, value: string | null) => {
    if (value === null) q.delMeta.run(key);
    else q.setMeta.run(key, value);
  };

  const commitTx = db.transaction((batch: AppendBatch) => {
    for (const e of batch.entries)
      q.insEntry.run(e.seq, Buffer.from(e.bytes), Buffer.from(e.leafHash));
    for (const u of batch.docUpdates) q.insDocUpdate.run(u.doc, u.seq, Buffer.from(u.update));
    for (const c of batch.commands) q.insCommand.run(c.cmdId, c.digest, c.seq, c.reply);
    for (const n of batch.usedNonces) {
      // A nonce is single-use: if it was used meanwhile the whole batch must not commit.
      if (q.useNonce.run(n.seq, n.nonce).changes !== 1)
        throw new Error(`nonce ${n.nonce} already used`);
    }
    if (batch.checkpoint)
      q.insCheckpoint.run(batch.checkpoint.size, batch.checkpoint.note, batch.checkpoint.createdAt);
    for (const [key, value] of batch.meta) setMeta(key, value);
  });

  return {
    kind: 'sqlite',
    async getMeta(key) {
      return q.getMeta.get(key)?.value ?? null;
    },
    async setMeta(key, value) {
      setMeta(key, value);
    },
    async entryCount() {
      return q.count.get()?.n ?? 0;
    },
    async readEntries(fromSeq, limit): Promise<StoredEntry[]> {
      return q.entries
        .all(fromSeq, limit)
        .map((r) => ({ seq: r.seq, bytes: bytesOf(r.bytes), leafHash: bytesOf(r.leaf_hash) }));
    },
    async readDocUpdates(): Promise<StoredDocUpdate[]> {
      return q.docUpdates
        .all()
        .map((r) => ({ doc: r.doc, seq: r.seq, update: bytesOf(r.update_bytes) }));
    },
    async latestCheckpoint() {
      return q.checkpoint.get()?.note ?? null;
    },
    async readCheckpoints(fromSize, limit) {
      return q.checkpoints.all(fromSize, limit);
    },
    async findCommand(cmdId): Promise<StoredCommand | null> {
      const r = q.findCommand.get(cmdId);
      return r ? { cmdId: r.cmd_id, digest: r.digest, seq: r.seq, reply: r.reply } : null;
    },
    async putNonce(n: StoredNonce) {
      q.putNonce.run(n.nonce, n.deviceId, n.userId, n.expiresAt, n.kind, n.issuedAt);
    },
    async getNonce(nonce): Promise<StoredNonce | null> {
      const r = q.getNonce.get(nonce);
      return r
        ? {
            nonce: r.nonce,
            deviceId: r.device_id,
            userId: r.user_id,
            expiresAt: r.expires_at,
            usedSeq: r.used_seq,
            kind: r.kind === 'pool' ? 'pool' : 'online',
            issuedAt: r.issued_at,
          }
        : null;
    },
    async retirePoolNonces(deviceId, nonces, at) {
      db.transaction(() => {
        for (const nonce of nonces) q.retirePool.run(at, nonce, deviceId, at);
      })();
    },
    async countLivePoolNonces(deviceId, at) {
      return q.countPool.get(deviceId, at)?.n ?? 0;
    },
    async putSession(s: StoredSession) {
      q.putSession.run(s.tokenHash, s.userId, s.deviceId, s.expiresAt);
    },
    async getSession(tokenHash): Promise<StoredSession | null> {
      const r = q.getSession.get(tokenHash);
      return r
        ? {
            tokenHash: r.token_hash,
            userId: r.user_id,
            deviceId: r.device_id,
            expiresAt: r.expires_at,
          }
        : null;
    },
    async deleteSessionsOfDevice(deviceId) {
      q.delSessions.run(deviceId);
    },
    async commit(batch) {
      commitTx(batch);
    },
    async close() {
      db.close();
    },
  };
}
