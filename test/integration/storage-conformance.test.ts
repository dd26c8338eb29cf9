/**
 * One storage conformance suite, run against SQLite always and against PostgreSQL when
 * LEASEHOLD_TEST_POSTGRES_URL is set (each PostgreSQL test gets a fresh schema, dropped after
 * the run). Plus a relay restart on PostgreSQL through real clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { fromBase64, randomId } from '#ledger/bytes';
import { verifyCheckpoint } from '#ledger/checkpoint';
import { openPostgresStorage } from '../../sync-server/storage/postgres';
import { openSqliteStorage } from '../../sync-server/storage/sqlite';
import type {
  AppendBatch,
  RelayStorage,
  StoredEntry,
  StoredNonce,
} from '../../sync-server/storage/types';
import { CommandClient, TestUser, startRelay, tokenHashOf } from './support/harness';

const pgUrl = process.env.LEASEHOLD_TEST_POSTGRES_URL;

/** Opens (and, called again, reopens) the storage at one fresh location. */
type Opener = () => Promise<RelayStorage>;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const entry = (seq: number): StoredEntry => ({
  seq,
  bytes: bytes(`{"seq":${seq}}`),
  leafHash: new Uint8Array(32).fill(seq + 1),
});
const batch = (over: Partial<AppendBatch> = {}): AppendBatch => ({
  entries: [],
  docUpdates: [],
  commands: [],
  usedNonces: [],
  checkpoint: null,
  meta: [],
  ...over,
});
const nonce = (over: Partial<StoredNonce> & { nonce: string }): StoredNonce => ({
  deviceId: 'd_1',
  userId: 'u_1',
  expiresAt: '2030-01-01T00:10:00.000Z',
  usedSeq: null,
  kind: 'online',
  issuedAt: '2030-01-01T00:00:00.000Z',
  ...over,
});

function conformance(fresh: () => Opener): void {
  /** Runs fn on a fresh store and always closes it. */
  const withStore = async (fn: (s: RelayStorage, open: Opener) => Promise<void>) => {
    const open = fresh();
    const s = await open();
    try {
      await fn(s, open);
    } finally {
      await s.close();
    }
  };

  it('gets, sets, overwrites and deletes meta', () =>
    withStore(async (s) => {
      expect(await s.getMeta('k')).toBeNull();
      await s.setMeta('k', 'one');
      expect(await s.getMeta('k')).toBe('one');
      await s.setMeta('k', 'two');
      expect(await s.getMeta('k')).toBe('two');
      await s.setMeta('k', null);
      expect(await s.getMeta('k')).toBeNull();
      await s.setMeta('never-set', null);
      expect(await s.getMeta('never-set')).toBeNull();
    }));

  it('commits batches and reads entries, doc updates and checkpoints back in order', () =>
    withStore(async (s) => {
      expect(await s.entryCount()).toBe(0);
      expect(await s.readEntries(0, 10)).toEqual([]);
      expect(await s.latestCheckpoint()).toBeNull();
      await s.commit(
        batch({
          entries: [entry(0), entry(1), entry(2)],
          docUpdates: [
            { doc: 'access', seq: 3, update: bytes('a1') },
            { doc: 'audit', seq: 3, update: bytes('b1') },
          ],
          commands: [{ cmdId: 'c1', digest: 'h1', seq: 2, reply: '{"t":"ack"}' }],
          checkpoint: { size: 3, note: 'note-3', createdAt: '2030-01-01T00:00:00.000Z' },
          meta: [['m', 'x']],
        }),
      );
      await s.commit(
        batch({
          entries: [entry(3), entry(4)],
          docUpdates: [{ doc: 'access', seq: 5, update: bytes('a2') }],
          commands: [{ cmdId: 'c2', digest: 'h2', seq: null, reply: '{"t":"rejected"}' }],
          checkpoint: { size: 5, note: 'note-5', createdAt: '2030-01-01T00:01:00.000Z' },
          meta: [
            ['m', null],
            ['n', 'y'],
          ],
        }),
      );
      // A doc-only batch (projection rebuild) and a checkpoint written again at the same size.
      await s.commit(
        batch({
          docUpdates: [{ doc: 'audit', seq: 5, update: new Uint8Array([0, 255, 1]) }],
          checkpoint: { size: 5, note: 'note-5b', createdAt: '2030-01-01T00:02:00.000Z' },
        }),
      );

      expect(await s.entryCount()).toBe(5);
      const all = await s.readEntries(0, 100);
      expect(all.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(all[3]).toEqual(entry(3));
      expect(all[3]?.bytes).toBeInstanceOf(Uint8Array);
      expect(typeof all[3]?.seq).toBe('number');
      expect((await s.readEntries(1, 2)).map((e) => e.seq)).toEqual([1, 2]);
      expect((await s.readEntries(3, 100)).map((e) => e.seq)).toEqual([3, 4]);
      expect(await s.readEntries(5, 10)).toEqual([]);
      expect(await s.readEntries(0, 0)).toEqual([]);

      expect(await s.readDocUpdates()).toEqual([
        { doc: 'access', seq: 3, update: bytes('a1') },
        { doc: 'audit', seq: 3, update: bytes('b1') },
        { doc: 'access', seq: 5, update: bytes('a2') },
        { doc: 'audit', seq: 5, update: new Uint8Array([0, 255, 1]) },
      ]);

      expect(await s.latestCheckpoint()).toBe('note-5b');
      expect(await s.readCheckpoints(0, 10)).toEqual([
        { size: 3, note: 'note-3' },
        { size: 5, note: 'note-5b' },
      ]);
      expect(await s.readCheckpoints(4, 10)).toEqual([{ size: 5, note: 'note-5b' }]);
      expect(await s.readCheckpoints(0, 1)).toEqual([{ size: 3, note: 'note-3' }]);
      expect(await s.readCheckpoints(6, 10)).toEqual([]);

      expect(await s.findCommand('c1')).toEqual({
        cmdId: 'c1',
        digest: 'h1',
        seq: 2,
        reply: '{"t":"ack"}',
      });
      expect(await s.findCommand('c2')).toEqual({
        cmdId: 'c2',
        digest: 'h2',
        seq: null,
        reply: '{"t":"rejected"}',
      });
      expect(await s.findCommand('c3')).toBeNull();
      expect(await s.getMeta('m')).toBeNull();
      expect(await s.getMeta('n')).toBe('y');
    }));

  it('stores nonces, uses them once in a commit, retires and counts pooled ones', () =>
    withStore(async (s) => {
      const online = nonce({ nonce: 'n_online' });
      await s.putNonce(online);
      expect(await s.getNonce('n_online')).toEqual(online);
      expect(await s.getNonce('n_missing')).toBeNull();
      await expect(s.putNonce(online)).rejects.toThrow();

      const at = '2030-01-01T00:00:00.000Z';
      const pool = (n: string, over: Partial<StoredNonce> = {}) =>
        nonce({ nonce: n, kind: 'pool', expiresAt: '2030-01-08T00:00:00.000Z', ...over });
      for (const n of [
        pool('p1'),
        pool('p2'),
        pool('p3'),
        pool('p4'),
        pool('p_expired', { expiresAt: '2029-12-31T00:00:00.000Z' }),
        pool('p_other', { deviceId: 'd_2' }),
      ])
        await s.putNonce(n);
      expect(await s.getNonce('p1')).toEqual(pool('p1'));
      expect(await s.countLivePoolNonces('d_1', at)).toBe(4);
      expect(await s.countLivePoolNonces('d_2', at)).toBe(1);

      await s.commit(
        batch({
          entries: [entry(0)],
          usedNonces: [
            { nonce: 'n_online', seq: 0 },
            { nonce: 'p1', seq: 0 },
          ],
        }),
      );
      expect((await s.getNonce('n_online'))?.usedSeq).toBe(0);
      expect((await s.getNonce('p1'))?.usedSeq).toBe(0);
      expect(await s.countLivePoolNonces('d_1', at)).toBe(3);

      // A used nonce cannot be used again: the whole batch fails and writes nothing.
      await expect(
        s.commit(batch({ entries: [entry(1)], usedNonces: [{ nonce: 'p1', seq: 1 }] })),
      ).rejects.toThrow();
      expect(await s.entryCount()).toBe(1);
      expect((await s.getNonce('p1'))?.usedSeq).toBe(0);

      // Retiring ends only the listed, unused, live pooled nonces of that device.
      await s.retirePoolNonces('d_1', ['p1', 'p2', 'p3', 'n_online', 'p_other', 'p_expired'], at);
      expect((await s.getNonce('p2'))?.expiresAt).toBe(at);
      expect((await s.getNonce('p3'))?.expiresAt).toBe(at);
      expect((await s.getNonce('p4'))?.expiresAt).toBe('2030-01-08T00:00:00.000Z');
      expect((await s.getNonce('p1'))?.expiresAt).toBe('2030-01-08T00:00:00.000Z');
      expect((await s.getNonce('n_online'))?.expiresAt).toBe(online.expiresAt);
      expect((await s.getNonce('p_other'))?.expiresAt).toBe('2030-01-08T00:00:00.000Z');
      expect((await s.getNonce('p_expired'))?.expiresAt).toBe('2029-12-31T00:00:00.000Z');
      expect(await s.countLivePoolNonces('d_1', at)).toBe(1);
      expect(await s.countLivePoolNonces('d_2', at)).toBe(1);
      expect(await s.countLivePoolNonces('d_1', '2030-01-08T00:00:00.000Z')).toBe(0);
      await s.retirePoolNonces('d_1', [], at);
      expect(await s.countLivePoolNonces('d_1', at)).toBe(1);
    }));

  it('stores sessions and deletes those of one device', () =>
    withStore(async (s) => {
      const a = { tokenHash: 't_a', userId: 'u_1', deviceId: 'd_1', expiresAt: '2030-02-01' };
      const b = { tokenHash: 't_b', userId: 'u_1', deviceId: 'd_1', expiresAt: '2030-02-02' };
      const c = { tokenHash: 't_c', userId: 'u_2', deviceId: 'd_2', expiresAt: '2030-02-03' };
      for (const session of [a, b, c]) await s.putSession(session);
      expect(await s.getSession('t_a')).toEqual(a);
      expect(await s.getSession('t_missing')).toBeNull();
      await s.deleteSessionsOfDevice('d_1');
      expect(await s.getSession('t_a')).toBeNull();
      expect(await s.getSession('t_b')).toBeNull();
      expect(await s.getSession('t_c')).toEqual(c);
      await s.deleteSessionsOfDevice('d_none');
    }));

  it('writes nothing of a batch that fails (a duplicate seq)', () =>
    withStore(async (s) => {
      await s.putNonce(nonce({ nonce: 'n1' }));
      await s.commit(
        batch({
          entries: [entry(0)],
          checkpoint: { size: 1, note: 'note-1', createdAt: '2030-01-01T00:00:00.000Z' },
          meta: [['kept', 'yes']],
        }),
      );
      await expect(
        s.commit(
          batch({
            // entry(1) is new and would insert fine; entry(0) again violates the primary key.
            entries: [entry(1), entry(0)],
            docUpdates: [{ doc: 'access', seq: 2, update: bytes('lost') }],
            commands: [{ cmdId: 'c_lost', digest: 'h', seq: 1, reply: '{}' }],
            usedNonces: [{ nonce: 'n1', seq: 1 }],
            checkpoint: { size: 2, note: 'note-2', createdAt: '2030-01-01T00:01:00.000Z' },
            meta: [
              ['kept', null],
              ['lost', 'yes'],
            ],
          }),
        ),
      ).rejects.toThrow();
      expect(await s.entryCount()).toBe(1);
      expect((await s.readEntries(0, 10)).map((e) => e.seq)).toEqual([0]);
      expect(await s.readDocUpdates()).toEqual([]);
      expect(await s.findCommand('c_lost')).toBeNull();
      expect((await s.getNonce('n1'))?.usedSeq).toBeNull();
      expect(await s.latestCheckpoint()).toBe('note-1');
      expect(await s.getMeta('kept')).toBe('yes');
      expect(await s.getMeta('lost')).toBeNull();
      // The store is still usable afterwards.
      await s.commit(batch({ entries: [entry(1)] }));
      expect(await s.entryCount()).toBe(2);
    }));

  it('keeps everything across close and reopen, and rejects calls once closed', async () => {
    const open = fresh();
    const s = await open();
    await s.setMeta('origin', 'leasehold.test/log');
    await s.putNonce(nonce({ nonce: 'n1' }));
    await s.putSession({ tokenHash: 't', userId: 'u', deviceId: 'd', expiresAt: '2030-02-01' });
    await s.commit(
      batch({
        entries: [entry(0), entry(1)],
        docUpdates: [{ doc: 'access', seq: 2, update: bytes('u') }],
        commands: [{ cmdId: 'c1', digest: 'h', seq: 1, reply: '{}' }],
        usedNonces: [{ nonce: 'n1', seq: 1 }],
        checkpoint: { size: 2, note: 'note-2', createdAt: '2030-01-01T00:00:00.000Z' },
      }),
    );
    await s.close();
    await s.close(); // closing twice is harmless
    await expect(s.getMeta('origin')).rejects.toThrow();
    await expect(s.commit(batch({ entries: [entry(2)] }))).rejects.toThrow();

    const again = await open();
    try {
      expect(await again.getMeta('origin')).toBe('leasehold.test/log');
      expect(await again.entryCount()).toBe(2);
      expect(await again.readEntries(0, 10)).toEqual([entry(0), entry(1)]);
      expect(await again.readDocUpdates()).toEqual([{ doc: 'access', seq: 2, update: bytes('u') }]);
      expect((await again.findCommand('c1'))?.seq).toBe(1);
      expect((await again.getNonce('n1'))?.usedSeq).toBe(1);
      expect((await again.getSession('t'))?.deviceId).toBe('d');
      expect(await again.latestCheckpoint()).toBe('note-2');
    } finally {
      await again.close();
    }
  });
}

describe('storage conformance: SQLite', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  conformance(() => {
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-storage-'));
    dirs.push(dir);
    return async () => openSqliteStorage(join(dir, 'leasehold.sqlite'));
  });
});

/** Fresh schemas for one test run; all dropped afterwards. */
function schemas(url: string) {
  const made: string[] = [];
  return {
    fresh(): string {
      const name = `lh_test_${randomId(6)
        .replace(/[^A-Za-z0-9]/g, '')
        .toLowerCase()}_${made.length}`;
      made.push(name);
      return name;
    },
    async dropAll(): Promise<void> {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const name of made) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

describe.skipIf(!pgUrl)('storage conformance: PostgreSQL', () => {
  const url = pgUrl ?? '';
  const s = schemas(url);
  afterAll(() => s.dropAll());
  conformance(() => {
    const schema = s.fresh();
    return () => openPostgresStorage(url, { schema });
  });

  it('rejects an unreachable server and an invalid schema name', async () => {
    await expect(openPostgresStorage('postgres://postgres@127.0.0.1:1/test')).rejects.toThrow();
    await expect(openPostgresStorage(url, { schema: 'no"pe' })).rejects.toThrow(/schema name/);
  });

  it('lets one relay write to a database at a time, and fails commits once its lock is lost', async () => {
    const schema = s.fresh();
    const first = await openPostgresStorage(url, { schema });
    await expect(openPostgresStorage(url, { schema })).rejects.toThrow(/only one relay/);
    await first.commit(batch({ entries: [entry(1)] }));
    // The lock's connection goes away (failover, an administrator): writing must stop.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(
        // Only this schema's lock: hashtext's int4 key, low 32 bits, as pg_locks shows it.
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = (hashtext($1)::bigint & 4294967295)::oid AND pid <> pg_backend_pid()",
        [`leasehold-relay:${schema}`],
      );
    } finally {
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 200));
    await expect(first.commit(batch({ entries: [entry(2)] }))).rejects.toThrow(/lock was lost/);
    await first.close();
    // Once it is gone, another relay may take over, and finds the committed entry.
    const second = await openPostgresStorage(url, { schema });
    expect(await second.entryCount()).toBe(1);
    await second.close();
  });

  it('rejects, not crashes, when the connection dies in the middle of a commit', async () => {
    const schema = s.fresh();
    const store = await openPostgresStorage(url, { schema });
    const big = batch({
      entries: Array.from({ length: 3000 }, (_, i) => entry(i)),
    });
    // Settled into a value at once: the rejection may come before the test looks at it.
    const pending = store.commit(big).then(
      () => 'committed',
      (error: unknown) => error,
    );
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Whatever backend is inserting entries into this schema right now.
      for (let i = 0; i < 400; i++) {
        const r = await admin.query(
          'SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()',
          [`%${schema}%entries%`],
        );
        if (r.rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await admin.end();
    }
    expect(await pending).toBeInstanceOf(Error);
    await store.close().catch(() => undefined);
    const again = await openPostgresStorage(url, { schema });
    expect(await again.entryCount()).toBe(0);
    await again.close();
  });

  it('stores binary as bytea and seqs as BIGINT', async () => {
    const schema = s.fresh();
    const store = await openPostgresStorage(url, { schema });
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const r = await client.query<{ column_name: string; data_type: string }>(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'entries' ORDER BY ordinal_position",
        [schema],
      );
      expect(r.rows).toEqual([
        { column_name: 'seq', data_type: 'bigint' },
        { column_name: 'bytes', data_type: 'bytea' },
        { column_name: 'leaf_hash', data_type: 'bytea' },
      ]);
    } finally {
      await client.end();
    }
  });
});

describe.skipIf(!pgUrl)('relay on PostgreSQL', () => {
  const url = pgUrl ?? '';
  const s = schemas(url);
  afterAll(() => s.dropAll());

  it('keeps state, ledger, sessions and command replies across a restart', async () => {
    const schema = s.fresh();
    const storage = () => openPostgresStorage(url, { schema });
    const h = await startRelay({ storage });
    expect(h.relay.storage.kind).toBe('postgres');
    const admin = await TestUser.create(h);
    await admin.register('setup', h.setupToken, 'Ada Admin');
    const adminCmd = await CommandClient.connect(h, admin.token);
    const secret = randomId(32);
    const invite = await adminCmd.send(
      await admin.signed({
        type: 'CreateInvite',
        administrativeUnitId: null,
        inviteId: `inv_${randomId(8)}`,
        tokenHash: await tokenHashOf(secret),
        displayName: 'Bo User',
      }),
    );
    expect(invite.t).toBe('ack');
    const user = await TestUser.create(h);
    await user.register('invite', secret, 'Bo User');
    const assign = await admin.signed({
      type: 'AssignRole',
      principalKind: 'user',
      scopeId: null,
      administrativeUnitId: null,
      assignmentId: `a_${randomId(8)}`,
      principalId: user.userId,
      roleId: ROLE_IDS.SecurityAdministrator,
      assignmentType: 'eligible',
      startsAt: null,
      endsAt: null,
      justification: '',
    });
    expect((await adminCmd.send(assign)).t).toBe('ack');
    adminCmd.close();

    const before = { state: JSON.stringify(h.relay.state), size: h.relay.ledger.size };
    expect(before.size).toBeGreaterThan(0);
    await h.close();

    const h2 = await startRelay({ storage });
    try {
      expect(h2.relay.storage.kind).toBe('postgres');
      expect(JSON.parse(JSON.stringify(h2.relay.state))).toEqual(JSON.parse(before.state));
      expect(h2.relay.ledger.size).toBe(before.size);
      expect(h2.setupToken).toBe('');
      expect(await h2.relay.storage.entryCount()).toBe(before.size);

      // The admin's session survives; an exact resend is answered, not re-applied.
      const again = await CommandClient.connect(h2, admin.token);
      expect(await again.send(assign)).toMatchObject({ t: 'ack', duplicate: true });
      expect(h2.relay.ledger.size).toBe(before.size);
      again.close();

      // The stored checkpoint is signed by the published key and covers every entry.
      const key = (await (await fetch(`${h2.http}/.well-known/leasehold/relay-key`)).json()) as {
        keyName: string;
        publicKey: string;
      };
      const note = await (await fetch(`${h2.http}/api/ledger/checkpoint`)).text();
      const verified = await verifyCheckpoint(note, {
        keyName: key.keyName,
        publicKey: fromBase64(key.publicKey),
      });
      expect(verified.ok && verified.checkpoint.size).toBe(before.size);
      const first = (await h2.relay.storage.readEntries(0, 1))[0];
      expect(first && JSON.parse(new TextDecoder().decode(first.bytes)).seq).toBe(0);
    } finally {
      await h2.close();
    }
  });
});
