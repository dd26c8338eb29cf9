/**
 * Opt-in scale-out storage: PostgreSQL through node-postgres (pg). The same tables and semantics
 * as sqlite.ts. A batch is one transaction with synchronous_commit = on, and commit() resolves
 * only after COMMIT returned, so nothing is acknowledged before it is durable. Every failure
 * (bad URL, lost connection, closed pool, constraint violation) rejects the promise; the
 * pipeline treats a failed commit as fail-stop.
 */
import pg from 'pg';
import { log } from '../log';
import type {
  AppendBatch,
  RelayStorage,
  StoredCommand,
  StoredDocUpdate,
  StoredEntry,
  StoredNonce,
  StoredSession,
} from './types';

export type PostgresOptions = {
  /** Tables live in this schema (created if missing); default: the connection's search_path. */
  schema?: string;
};

/** A connection URL fit for logs: the password is masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export const isPostgresUrl = (url: string | undefined): url is string =>
  !!url && /^postgres(ql)?:\/\//i.test(url);

const quoteIdent = (name: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name))
    throw new Error(`invalid PostgreSQL schema name: ${JSON.stringify(name)}`);
  return `"${name}"`;
};

/** Timestamps are ISO-8601 text compared bytewise, as SQLite's BINARY collation does. */
const schemaSql = (p: string) => `
CREATE TABLE IF NOT EXISTS ${p}meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${p}entries (seq BIGINT PRIMARY KEY, bytes BYTEA NOT NULL, leaf_hash BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS ${p}checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${p}doc_updates (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, doc TEXT NOT NULL, seq BIGINT NOT NULL, update_bytes BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS ${p}commands (cmd_id TEXT PRIMARY KEY, digest TEXT NOT NULL, seq BIGINT, reply TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${p}nonces (nonce TEXT PRIMARY KEY, device_id TEXT NOT NULL, user_id TEXT NOT NULL, expires_at TEXT COLLATE "C" NOT NULL, used_seq BIGINT, kind TEXT NOT NULL, issued_at TEXT COLLATE "C" NOT NULL);
CREATE TABLE IF NOT EXISTS ${p}sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, device_id TEXT NOT NULL, expires_at TEXT COLLATE "C" NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_device ON ${p}sessions (device_id);
CREATE INDEX IF NOT EXISTS nonces_device ON ${p}nonces (device_id, kind);
`;

const bytesOf = (b: Buffer): Uint8Array =>
  new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
const buf = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
/** BIGINT and COUNT(*) arrive as strings (pg keeps 64-bit exact); seqs fit a double. */
const num = (v: string | number): number => Number(v);
const numOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

type NonceRow = {
  nonce: string;
  device_id: string;
  user_id: string;
  expires_at: string;
  used_seq: string | null;
  kind: string;
  issued_at: string;
};

export async function openPostgresStorage(
  url: string,
  opts: PostgresOptions = {},
): Promise<RelayStorage> {
  const p = opts.schema ? `${quoteIdent(opts.schema)}.` : '';
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    // A silent network partition must fail a query rather than hang the single writer.
    keepAlive: true,
    statement_timeout: 60_000,
  });
  // An idle client losing its connection is reported here; without a listener it would crash
  // the process. The next query gets a fresh connection or rejects.
  pool.on('error', (error) =>
    log('warn', 'postgres idle connection error', { error: String(error) }),
  );
  let closed = false;

  /**
   * Runs fn in one transaction on one client; COMMIT has returned when this resolves. A checked-out
   * client has no 'error' listener of the pool's: without ours, a connection lost mid-transaction
   * (server restart, failover) would crash the process instead of rejecting.
   */
  async function transactionOnce<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
      // Explicit, so a server whose default is stricter cannot fail batches with serialization
      // errors; single-use nonces are guarded by their own row updates.
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      await client.query('SET LOCAL synchronous_commit = on');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error; // the connection is unusable: do not return it
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /**
   * `transactionOnce`, retried when PostgreSQL aborts it as a deadlock victim or a serialization
   * failure: the rollback left nothing behind, so running it again is safe, and a relay must not
   * stop for a lock-order race with an HTTP request.
   */
  async function transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transactionOnce(fn);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw error;
        log('warn', 'postgres transaction retried', { code, attempt });
      }
    }
  }

  try {
    await transaction(async (c) => {
      // Two relays starting at once must not race on CREATE TABLE IF NOT EXISTS.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('leasehold-schema'))");
      if (opts.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
      await c.query(schemaSql(p));
    });
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }

  // One relay per database (schema): it is the single writer, its ledger and keys live in memory.
  // A session-level advisory lock, held on a dedicated connection for the relay's lifetime,
  // refuses a second one; losing that connection fails every later commit (fail-stop).
  const lockName = `leasehold-relay:${opts.schema ?? 'default'}`;
  let lockLost: Error | null = null;
  const lockClient = await pool.connect().catch(async (error: unknown) => {
    await pool.end().catch(() => {});
    throw error;
  });
  lockClient.on('error', (error) => {
    lockLost ??= error;
    log('error', 'postgres: the single-writer lock connection was lost', { error: String(error) });
  });
  const locked = await lockClient
    .query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [lockName])
    .then((r) => r.rows[0]?.ok === true)
    .catch(() => false);
  if (!locked) {
    lockClient.release(true);
    await pool.end().catch(() => {});
    throw new Error(
      'Another Leasehold relay is already using this PostgreSQL database (or schema); only one relay may write to it.',
    );
  }

  const query = <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
    pool.query<R>(sql, params);

  const sql = {
    setMeta: `INSERT INTO ${p}meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    delMeta: `DELETE FROM ${p}meta WHERE key = $1`,
  };

  return {
    kind: 'postgres',
    async getMeta(key) {
      const r = await query<{ value: string }>(`SELECT value FROM ${p}meta WHERE key = $1`, [key]);
      return r.rows[0]?.value ?? null;
    },
    async setMeta(key, value) {
      if (value === null) await query(sql.delMeta, [key]);
      else await query(sql.setMeta, [key, value]);
    },
    async entryCount() {
      const r = await query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${p}entries`);
      return num(r.rows[0]?.n ?? 0);
    },
    async readEntries(fromSeq, limit): Promise<StoredEntry[]> {
      const r = await query<{ seq: string; bytes: Buffer; leaf_hash: Buffer }>(
        `SELECT seq, bytes, leaf_hash FROM ${p}entries WHERE seq >= $1 ORDER BY seq LIMIT $2`,
        [fromSeq, limit],
      );
      return r.rows.map((row) => ({
        seq: num(row.seq),
        bytes: bytesOf(row.bytes),
        leafHash: bytesOf(row.leaf_hash),
      }));
    },
    async readDocUpdates(): Promise<StoredDocUpdate[]> {
      const r = await query<{ doc: string; seq: string; update_bytes: Buffer }>(
        `SELECT doc, seq, update_bytes FROM ${p}doc_updates ORDER BY id`,
      );
      return r.rows.map((row) => ({
        doc: row.doc,
        seq: num(row.seq),
        update: bytesOf(row.update_bytes),
      }));
    },
    async latestCheckpoint() {
      const r = await query<{ note: string }>(
        `SELECT note FROM ${p}checkpoints ORDER BY size DESC LIMIT 1`,
      );
      return r.rows[0]?.note ?? null;
    },
    async readCheckpoints(fromSize, limit) {
      const r = await query<{ size: string; note: string }>(
        `SELECT size, note FROM ${p}checkpoints WHERE size >= $1 ORDER BY size LIMIT $2`,
        [fromSize, limit],
      );
      return r.rows.map((row) => ({ size: num(row.size), note: row.note }));
    },
    async findCommand(cmdId): Promise<StoredCommand | null> {
      const r = await query<{ cmd_id: string; digest: string; seq: string | null; reply: string }>(
        `SELECT cmd_id, digest, seq, reply FROM ${p}commands WHERE cmd_id = $1`,
        [cmdId],
      );
      const row = r.rows[0];
      return row
        ? { cmdId: row.cmd_id, digest: row.digest, seq: numOrNull(row.seq), reply: row.reply }
        : null;
    },
    async putNonce(n: StoredNonce) {
      await query(
        `INSERT INTO ${p}nonces (nonce, device_id, user_id, expires_at, used_seq, kind, issued_at) VALUES ($1, $2, $3, $4, NULL, $5, $6)`,
        [n.nonce, n.deviceId, n.userId, n.expiresAt, n.kind, n.issuedAt],
      );
    },
    async getNonce(nonce): Promise<StoredNonce | null> {
      const r = await query<NonceRow>(
        `SELECT nonce, device_id, user_id, expires_at, used_seq, kind, issued_at FROM ${p}nonces WHERE nonce = $1`,
        [nonce],
      );
      const row = r.rows[0];
      return row
        ? {
            nonce: row.nonce,
            deviceId: row.device_id,
            userId: row.user_id,
            expiresAt: row.expires_at,
            usedSeq: numOrNull(row.used_seq),
            kind: row.kind === 'pool' ? 'pool' : 'online',
            issuedAt: row.issued_at,
          }
        : null;
    },
    async retirePoolNonces(deviceId, nonces, at) {
      if (nonces.length === 0) return;
      // One statement, so all listed nonces retire together (as SQLite's transaction does).
      // Rows are locked in nonce order, the same order `commit` uses, so the two cannot deadlock.
      await transaction(async (c) => {
        await c.query(
          `SELECT nonce FROM ${p}nonces WHERE nonce = ANY($1::text[]) ORDER BY nonce COLLATE "C" FOR UPDATE`,
          [[...nonces]],
        );
        await c.query(
          `UPDATE ${p}nonces SET expires_at = $1 WHERE nonce = ANY($2::text[]) AND device_id = $3 AND kind = 'pool' AND used_seq IS NULL AND expires_at > $1`,
          [at, [...nonces], deviceId],
        );
      });
    },
    async countLivePoolNonces(deviceId, at) {
      const r = await query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${p}nonces WHERE device_id = $1 AND kind = 'pool' AND used_seq IS NULL AND expires_at > $2`,
        [deviceId, at],
      );
      return num(r.rows[0]?.n ?? 0);
    },
    async putSession(s: StoredSession) {
      await query(
        `INSERT INTO ${p}sessions (token_hash, user_id, device_id, expires_at) VALUES ($1, $2, $3, $4)`,
        [s.tokenHash, s.userId, s.deviceId, s.expiresAt],
      );
    },
    async getSession(tokenHash): Promise<StoredSession | null> {
      const r = await query<{
        token_hash: string;
        user_id: string;
        device_id: string;
        expires_at: string;
      }>(
        `SELECT token_hash, user_id, device_id, expires_at FROM ${p}sessions WHERE token_hash = $1`,
        [tokenHash],
      );
      const row = r.rows[0];
      return row
        ? {
            tokenHash: row.token_hash,
            userId: row.user_id,
            deviceId: row.device_id,
            expiresAt: row.expires_at,
          }
        : null;
    },
    async deleteSessionsOfDevice(deviceId) {
      await query(`DELETE FROM ${p}sessions WHERE device_id = $1`, [deviceId]);
    },
    async commit(batch: AppendBatch) {
      if (lockLost) throw new Error(`the single-writer lock was lost: ${lockLost.message}`);
      await transaction(async (c) => {
        for (const e of batch.entries)
          await c.query(`INSERT INTO ${p}entries (seq, bytes, leaf_hash) VALUES ($1, $2, $3)`, [
            e.seq,
            buf(e.bytes),
            buf(e.leafHash),
          ]);
        for (const u of batch.docUpdates)
          await c.query(
            `INSERT INTO ${p}doc_updates (doc, seq, update_bytes) VALUES ($1, $2, $3)`,
            [u.doc, u.seq, buf(u.update)],
          );
        for (const cmd of batch.commands)
          await c.query(
            `INSERT INTO ${p}commands (cmd_id, digest, seq, reply) VALUES ($1, $2, $3, $4)`,
            [cmd.cmdId, cmd.digest, cmd.seq, cmd.reply],
          );
        // In nonce order, the order `retirePoolNonces` locks them in.
        const used = [...batch.usedNonces].sort((a, b) =>
          a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0,
        );
        for (const n of used) {
          // A nonce is single-use: if it was used meanwhile the whole batch must not commit.
          const r = await c.query(
            `UPDATE ${p}nonces SET used_seq = $1 WHERE nonce = $2 AND used_seq IS NULL`,
            [n.seq, n.nonce],
          );
          if (r.rowCount !== 1) throw new Error(`nonce ${n.nonce} already used`);
        }
        if (batch.checkpoint)
          await c.query(
            `INSERT INTO ${p}checkpoints (size, note, created_at) VALUES ($1, $2, $3) ON CONFLICT (size) DO UPDATE SET note = excluded.note, created_at = excluded.created_at`,
            [batch.checkpoint.size, batch.checkpoint.note, batch.checkpoint.createdAt],
          );
        for (const [key, value] of batch.meta) {
          if (value === null) await c.query(sql.delMeta, [key]);
          else await c.query(sql.setMeta, [key, value]);
        }
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await lockClient
        .query('SELECT pg_advisory_unlock(hashtext($1))', [lockName])
        .catch(() => undefined);
      lockClient.release();
      await pool.end();
    },
  };
}
