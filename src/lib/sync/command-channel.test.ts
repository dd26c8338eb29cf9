/**
 * The commands channel against a real websocket server (the `ws` package) that plays the relay
 * frame by frame, with `ws`'s client as the channel's WebSocket and a Dexie outbox on
 * fake-indexeddb. What the server receives is the evidence: a ping the channel sends after the
 * frames under test arrives after them on the same socket, so "nothing else was sent" is read
 * up to that barrier instead of after a sleep.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The relay's side of the socket, and the WebSocket implementation the channel runs on in Node.
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  type ClientFrame,
  type ServerFrame,
  type SignedCommand,
} from '#protocol/messages';
import { CommandChannel, type ChannelStatus, type CommandOutcome } from './command-channel';
import { OUTBOX_SCHEMA, type OutboxTable } from './outbox';

/**
 * `ws`'s client as a browser's WebSocket. A browser fires an error event nobody listens to and
 * moves on; an EventEmitter without an 'error' listener throws instead (e.g. when the channel
 * closes a socket that is still connecting), so this one always listens.
 */
class BrowserLikeWebSocket extends NodeWebSocket {
  constructor(address: string) {
    super(address);
    this.on('error', () => undefined);
  }
}

/** Resolves waiters when a value matching what they wait for is pushed. */
class Feed<T> {
  readonly seen: T[] = [];
  #waiters: { match: (value: T) => boolean; resolve: (value: T) => void; from: number }[] = [];

  push(value: T): void {
    this.seen.push(value);
    const index = this.seen.length - 1;
    this.#waiters = this.#waiters.filter((w) => {
      if (index < w.from || !w.match(value)) return true;
      w.resolve(value);
      return false;
    });
  }

  /** The first value matching `match` pushed at or after position `from` (default: from now). */
  next(match: (value: T) => boolean = () => true, from = this.seen.length): Promise<T> {
    const already = this.seen.slice(from).find(match);
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve) => this.#waiters.push({ match, resolve, from }));
  }
}

/** One socket the channel opened, seen from the relay's side. */
class Connection {
  readonly frames = new Feed<ClientFrame>();
  readonly closed: Promise<number>;
  readonly socket: ServerSocket;
  readonly token: string | null;

  constructor(socket: ServerSocket, token: string | null) {
    this.socket = socket;
    this.token = token;
    socket.on('message', (data) => this.frames.push(JSON.parse(String(data)) as ClientFrame));
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  send(frame: ServerFrame): void {
    this.socket.send(JSON.stringify(frame));
  }

  hello(): void {
    this.send({ t: 'hello', userId: 'u_ada', deviceId: 'd_ada', seq: 0 });
  }

  ack(cmdId: string, seq: number, duplicate = false): void {
    this.send({ t: 'ack', cmdId, seq, ...(duplicate ? { duplicate: true as const } : {}) });
  }

  /** Every frame up to the next ping, which the test makes the channel send (`probe`). */
  async framesUntilPing(from = 0): Promise<ClientFrame[]> {
    const ping = await this.frames.next((f) => f.t === 'ping', from);
    return this.frames.seen.slice(from, this.frames.seen.indexOf(ping));
  }
}

let server: WebSocketServer;
let url: string;
let connections: Feed<Connection>;
let db: Dexie & { outbox: OutboxTable };
let dbCount = 0;
let channel: CommandChannel | null;
let statuses: Feed<ChannelStatus>;
let settled: CommandOutcome[];
let pendingCounts: Feed<number>;
let token: string;
let reauthentications: number;

beforeEach(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/sync/commands' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  url = `ws://127.0.0.1:${address.port}/sync/commands`;
  connections = new Feed();
  server.on('connection', (socket, request) => {
    const params = new URL(request.url ?? '', 'http://relay').searchParams;
    connections.push(new Connection(socket, params.get('token')));
  });
  // What the channel needs from a browser: WebSocket, online state and window events.
  vi.stubGlobal('WebSocket', BrowserLikeWebSocket);
  vi.stubGlobal('navigator', { onLine: true });
  vi.stubGlobal('window', new EventTarget());
  db = new Dexie(`command-channel-test-${++dbCount}`) as typeof db;
  db.version(1).stores({ outbox: OUTBOX_SCHEMA });
  await db.open();
  channel = null;
  statuses = new Feed();
  settled = [];
  pendingCounts = new Feed();
  token = 'first-token';
  reauthentications = 0;
});

afterEach(async () => {
  channel?.stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.delete();
});

/** Starts a channel and waits for its first report of the pending count, so later reports are ours. */
async function startChannel(): Promise<CommandChannel> {
  channel = new CommandChannel({
    url,
    outbox: db.outbox,
    token: () => token,
    reauthenticate: async () => {
      reauthentications++;
      token = `token-${reauthentications + 1}`;
    },
    onStatus: (status) => statuses.push(status),
    onSettled: (outcome) => settled.push(outcome),
    onPendingChange: (count) => pendingCounts.push(count),
  });
  channel.start();
  await pendingCounts.next(() => true, 0);
  return channel;
}

const NOW = '2026-03-02T09:00:15.000Z';

let commandCount = 0;
function command(): SignedCommand {
  const cmdId = `cmd_${++commandCount}`;
  return {
    envelope: {
      v: PROTOCOL_VERSION,
      cmdId,
      deviceId: 'd_ada',
      issuedAt: '2026-03-02T09:00:00.000Z',
      command: { type: 'RevokeInvite', inviteId: `inv_${commandCount}` },
      confirmation: null,
    },
    signature: `signature-of-${cmdId}`,
  };
}

const commandIds = (frames: ClientFrame[]) =>
  frames.flatMap((f) => (f.t === 'command' ? [f.signed.envelope.cmdId] : []));

/** Waits for the channel's `index`th socket (from 0), says hello, waits until it is open. */
async function openConnection(index = 0): Promise<Connection> {
  const connection = await connections.next(() => true, index);
  const open = statuses.next((s) => s === 'open');
  connection.hello();
  await open;
  return connection;
}

/** Resolves once all work queued behind the current microtasks and I/O callbacks has run. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('CommandChannel', () => {
  it('sends nothing before hello, then flushes the outbox once, and settles on ack and reject', async () => {
    const a = command();
    const b = command();
    const made = await startChannel();
    const connection = await connections.next(() => true, 0);
    // Made while the relay has not said hello: stored, not sent.
    const storedA = await made.store(a);
    const storedB = await made.store(b);
    expect(storedA.queued).toBe(true);
    expect(storedB.queued).toBe(true);
    expect(await db.outbox.count()).toBe(2);

    connection.hello();
    await connection.frames.next(
      (f) => f.t === 'command' && f.signed.envelope.cmdId === b.envelope.cmdId,
    );
    connection.ack(a.envelope.cmdId, 7);
    connection.send({
      t: 'reject',
      cmdId: b.envelope.cmdId,
      code: 'unknown-invite',
      message: 'No such invite.',
      seq: 8,
    });
    expect(await storedA.outcome).toEqual({ t: 'ack', cmdId: a.envelope.cmdId, seq: 7 });
    expect(await storedB.outcome).toMatchObject({ t: 'reject', code: 'unknown-invite', seq: 8 });

    made.probe();
    expect(commandIds(await connection.framesUntilPing())).toEqual([
      a.envelope.cmdId,
      b.envelope.cmdId,
    ]);
    // Commands that had to wait keep their outcome for the person; nothing is pending.
    expect(await db.outbox.get(a.envelope.cmdId)).toMatchObject({
      status: 'settled',
      outcome: { t: 'ack', seq: 7 },
    });
    expect(await db.outbox.get(b.envelope.cmdId)).toMatchObject({
      status: 'settled',
      outcome: { t: 'reject', code: 'unknown-invite', seq: 8 },
    });
    expect(settled.map((o) => o.cmdId)).toEqual([a.envelope.cmdId, b.envelope.cmdId]);
    expect(await db.outbox.where('status').anyOf('pending', 'sent').count()).toBe(0);
  });

  it('sends a command made while connected at once, once, and forgets it when acked', async () => {
    const made = await startChannel();
    const connection = await openConnection();
    const c = command();
    const stored = await made.store(c);
    expect(stored.queued).toBe(false);
    await connection.frames.next((f) => f.t === 'command');
    connection.ack(c.envelope.cmdId, 3);
    expect(await stored.outcome).toMatchObject({ t: 'ack', seq: 3 });
    made.probe();
    expect(commandIds(await connection.framesUntilPing())).toEqual([c.envelope.cmdId]);
    expect(await db.outbox.get(c.envelope.cmdId)).toBeUndefined();
  });

  it('settles a command once when the relay answers it twice', async () => {
    const made = await startChannel();
    const connection = await openConnection();
    const c = command();
    const outcome = made.send(c);
    await connection.frames.next((f) => f.t === 'command');
    const countsBefore = pendingCounts.seen.length;
    // The answer and a resend's duplicate answer, back to back.
    connection.ack(c.envelope.cmdId, 5);
    connection.ack(c.envelope.cmdId, 5, true);
    expect(await outcome).toMatchObject({ t: 'ack', cmdId: c.envelope.cmdId, seq: 5 });
    // Each answer reports the pending count once it is recorded; then it is fully handled.
    await pendingCounts.next(() => true, countsBefore + 1);
    await drain();
    expect(settled).toEqual([{ t: 'ack', cmdId: c.envelope.cmdId, seq: 5 }]);
    expect(await db.outbox.count()).toBe(0);
  });

  it('ignores an answer to a command it does not hold', async () => {
    await startChannel();
    const connection = await openConnection();
    const countsBefore = pendingCounts.seen.length;
    connection.ack('cmd_from_elsewhere', 9);
    await pendingCounts.next(() => true, countsBefore);
    await drain();
    expect(settled).toEqual([]);
  });

  it('reconnects after the relay drops the socket, and re-sends what was not answered', async () => {
    const made = await startChannel();
    const first = await openConnection();
    const c = command();
    const outcome = made.send(c);
    await first.frames.next((f) => f.t === 'command');
    const closed = statuses.next((s) => s === 'closed');
    first.socket.terminate();
    await closed;

    const second = await openConnection(1);
    await second.frames.next((f) => f.t === 'command');
    second.ack(c.envelope.cmdId, 11, true);
    expect(await outcome).toMatchObject({ t: 'ack', seq: 11, duplicate: true });
    made.probe();
    expect(commandIds(await second.framesUntilPing())).toEqual([c.envelope.cmdId]);
    expect(settled).toHaveLength(1);
    expect(second.token).toBe('first-token');
  });

  it('gets a new session after a 4401 close and reconnects with it', async () => {
    await startChannel();
    const first = await connections.next(() => true, 0);
    expect(first.token).toBe('first-token');
    first.socket.close(4401, 'session expired');
    const second = await openConnection(1);
    expect(reauthentications).toBe(1);
    expect(second.token).toBe('token-2');
  });

  it('probes at once when the browser says it is back online', async () => {
    await startChannel();
    const connection = await openConnection();
    window.dispatchEvent(new Event('online'));
    expect(await connection.frames.next((f) => f.t === 'ping')).toMatchObject({ t: 'ping' });
  });
});

describe('CommandChannel heartbeat', () => {
  beforeEach(() => {
    // Only the channel's timers: sockets and IndexedDB keep running on real I/O.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });

  it('pings every 15 s and keeps a socket that answers', async () => {
    await startChannel();
    const connection = await openConnection();
    vi.advanceTimersByTime(15_000);
    const ping = await connection.frames.next((f) => f.t === 'ping');
    connection.send({ t: 'pong', id: ping.t === 'ping' ? ping.id : '', at: NOW });
    // Frames are handled in order: once an answer sent after the pong is recorded (it reports
    // the pending count), the pong has been handled.
    const counted = pendingCounts.next(() => true);
    connection.ack('cmd_behind_the_pong', 1);
    await counted;
    vi.advanceTimersByTime(10_000);
    vi.advanceTimersByTime(5_000);
    expect(await connection.frames.next((f) => f.t === 'ping')).toMatchObject({ t: 'ping' });
    expect(connections.seen).toHaveLength(1);
    expect(statuses.seen).not.toContain('closed');
  });

  it('closes a socket that answers no ping within 10 s and reconnects', async () => {
    await startChannel();
    const first = await openConnection();
    vi.advanceTimersByTime(15_000);
    await first.frames.next((f) => f.t === 'ping');
    const closed = statuses.next((s) => s === 'closed');
    vi.advanceTimersByTime(10_000);
    await closed;
    expect(await first.closed).toBe(1005);
    // Backoff after a first failure is at most 500 ms.
    vi.advanceTimersByTime(500);
    const second = await openConnection(1);
    expect(second).not.toBe(first);
    expect(connections.seen).toHaveLength(2);
  });
});
