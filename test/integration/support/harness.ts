import type * as Y from 'yjs';
/**
 * Integration test support: a real relay on localhost port 0 over real SQLite in a temp folder,
 * and Node clients that speak its protocols (HTTP ceremonies, device-key sessions, the
 * commands websocket, y-websocket sync). Each relay tears itself down after its test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomId } from '#ledger/bytes';
import { TestClock } from '../../../sync-server/clock';
import { Relay } from '../../../sync-server/relay';
import { openSqliteStorage } from '../../../sync-server/storage/sqlite';
import type { RelayStorage } from '../../../sync-server/storage/types';
import { CommandClient, TestUser, post, tokenHashOf } from '../../../sync-server/dev/node-client';

export { CommandClient, TestUser, post, tokenHashOf };

export type TestRelay = {
  relay: Relay;
  clock: TestClock;
  port: number;
  origin: string;
  http: string;
  ws: string;
  dataDir: string;
  setupToken: string;
  close(opts?: { keepData?: boolean }): Promise<void>;
};

/**
 * `storage` (optional) opens the relay's storage instead of SQLite in `dataDir`, e.g. PostgreSQL;
 * the temp `dataDir` is still made (and removed by close) so callers see the same shape.
 * `staticDir` (optional) is a built app for the relay to serve; by default it serves the API only.
 */
export async function startRelay(
  opts: { dataDir?: string; storage?: () => Promise<RelayStorage>; staticDir?: string } = {},
): Promise<TestRelay> {
  process.env.LOG_LEVEL ??= 'silent';
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'leasehold-it-'));
  const clock = new TestClock();
  const relay = await Relay.open({
    storage: opts.storage
      ? await opts.storage()
      : openSqliteStorage(join(dataDir, 'leasehold.sqlite')),
    clock,
    rp: { rpName: 'Leasehold', rpId: 'localhost', origin: '' },
    staticDir: opts.staticDir ?? null,
    testClock: clock,
  });
  const port = await relay.listen(0, 'localhost');
  const origin = `http://localhost:${port}`;
  relay.rp.origin = origin;
  const setupToken = (await relay.issueSetupToken()) ?? '';
  return {
    relay,
    clock,
    port,
    origin,
    http: origin,
    ws: `ws://localhost:${port}`,
    dataDir,
    setupToken,
    async close({ keepData = false } = {}) {
      await relay.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A relay with a set-up Global Administrator and an invited second user, both signed in. */
export async function relayWithTwoUsers(): Promise<{
  h: TestRelay;
  admin: TestUser;
  user: TestUser;
  adminCmd: CommandClient;
  userCmd: CommandClient;
}> {
  const h = await startRelay();
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
  if (invite.t !== 'ack') throw new Error(`invite failed: ${JSON.stringify(invite)}`);
  const user = await TestUser.create(h);
  await user.register('invite', secret, 'Bo User');
  const userCmd = await CommandClient.connect(h, user.token);
  return { h, admin, user, adminCmd, userCmd };
}

/** Invites and registers another user through the admin's command channel. */
export async function inviteUser(
  h: TestRelay,
  admin: TestUser,
  adminCmd: CommandClient,
  name: string,
): Promise<{ user: TestUser; cmd: CommandClient }> {
  const secret = randomId(32);
  const reply = await adminCmd.send(
    await admin.signed({
      type: 'CreateInvite',
      administrativeUnitId: null,
      inviteId: `inv_${randomId(8)}`,
      tokenHash: await tokenHashOf(secret),
      displayName: name,
    }),
  );
  if (reply.t !== 'ack') throw new Error(`invite failed: ${JSON.stringify(reply)}`);
  const user = await TestUser.create(h);
  await user.register('invite', secret, name);
  return { user, cmd: await CommandClient.connect(h, user.token) };
}

/** A record value of a relay document map (stored as JSON text, ADR 0005), parsed. */
export function docRecord<T = unknown>(doc: Y.Doc, map: string, key: string): T | undefined {
  const text = doc.getMap<string>(map).get(key);
  if (text === undefined) return undefined;
  if (typeof text !== 'string') throw new Error(`${map}/${key} is not JSON text`);
  return JSON.parse(text) as T;
}
