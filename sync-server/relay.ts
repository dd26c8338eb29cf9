/**
 * The relay: one tenant, one port. Loads the ledger (state = fold of accepted events), the
 * projected Y.Docs and the signing key; then serves HTTP (app, API) and websockets (sync,
 * commands). Storage, clock and the relying-party identity are injected.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { dueWork, nextDueAt } from '#domain/schedule/due-work';
import { hasPermission } from '#domain/permissions';
import { getOwn } from '#domain/records';
import { applyEvent, initialState } from '#domain/state';
import type { RelayCommand } from '#domain/commands';
import type { TenantState } from '#domain/model';
import { fromUtf8, randomId, toBase64 } from '#ledger/bytes';
import { MerkleTree } from '#ledger/merkle';
import { parseCheckpoint } from '#ledger/checkpoint';
import { generateRelayKey, importRelaySigner } from '#ledger/relay-key';
import { CloseCode } from '#protocol/close-codes';
import type { KeyRotationLink } from '#protocol/http-api';
import type { LedgerEntry } from '#protocol/ledger-entry';
import { MAX_FRAME_BYTES } from '#protocol/messages';
import { isoAt, type Clock } from './clock';
import { CommandsSocket } from './commands-socket';
import {
  CEREMONY_TTL_MS,
  CeremonyStore,
  SESSION_CHALLENGE_TTL_MS,
  type PendingCeremony,
  type PendingSessionChallenge,
} from './http/ceremony-store';
import { createHttpHandler } from './http/router';
import { LedgerWriter, type RelaySigner } from './ledger-writer';
import { log } from './log';
import type { RelyingParty } from './passkeys';
import { CommandPipeline, type Committed, type Session } from './pipeline';
import { isDocName, type DocName } from '#protocol/doc-layout';
import { Projection } from './projection';
import type { CommandHost, HttpHost } from './relay-host';
import type { RelayStorage } from './storage/types';
import { SyncSocket } from './sync-socket';
import { hashToken } from './token-hash';

export type RelayOptions = {
  storage: RelayStorage;
  clock: Clock;
  rp: RelyingParty;
  /** Folder with the built app (index.html); null serves the API only. */
  staticDir: string | null;
  /** Exposes POST /api/test/clock; only with a TestClock. */
  testClock?: { advance(ms: number): number } | null;
};

const SESSION_TTL_MS = 12 * 60 * 60_000;
const META_SETUP_TOKEN = 'setup_token_hash';

export class Relay implements HttpHost, CommandHost {
  readonly server: Server;
  readonly state: TenantState;
  readonly projection = new Projection();
  pipeline!: CommandPipeline;
  signer!: RelaySigner;
  ledger!: LedgerWriter;
  origin = '';
  #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  #syncSockets = new Set<SyncSocket>();
  #commandSockets = new Set<CommandsSocket>();
  #dueTimer: NodeJS.Timeout | null = null;
  #inflightDue = new Set<string>();
  #closed = false;

  readonly options: RelayOptions;
  /** Passkey ceremonies and session challenges between their two steps (in memory, bounded). */
  readonly ceremonies: CeremonyStore<PendingCeremony>;
  readonly sessionChallenges: CeremonyStore<PendingSessionChallenge>;
  private constructor(options: RelayOptions) {
    this.options = options;
    this.state = initialState();
    this.ceremonies = new CeremonyStore(options.clock, CEREMONY_TTL_MS);
    this.sessionChallenges = new CeremonyStore(options.clock, SESSION_CHALLENGE_TTL_MS);
    const handleHttp = createHttpHandler({
      relay: this,
      ceremonies: this.ceremonies,
      sessionChallenges: this.sessionChallenges,
      testClock: options.testClock ?? null,
      staticDir: options.staticDir,
    });
    this.server = createServer((req, res) => {
      handleHttp(req, res).catch((error: unknown) => {
        log('error', 'http handler failed', { error: String((error as Error)?.stack ?? error) });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  static async open(options: RelayOptions): Promise<Relay> {
    const relay = new Relay(options);
    await relay.#load();
    return relay;
  }

  get storage(): RelayStorage {
    return this.options.storage;
  }
  get clock(): Clock {
    return this.options.clock;
  }
  get rp(): RelyingParty {
    return this.options.rp;
  }
  now(): string {
    return isoAt(this.clock.now());
  }

  async #load(): Promise<void> {
    const { storage } = this.options;
    const started = performance.now();
    // The relay's identity: tenant origin for checkpoints and its Ed25519 signing key.
    let origin = await storage.getMeta('log_origin');
    if (!origin) {
      origin = `leasehold.local/${randomId(9)}`;
      await storage.setMeta('log_origin', origin);
    }
    let pkcs8 = await storage.getMeta('relay_key_pkcs8');
    if (!pkcs8) {
      const key = await generateRelayKey();
      pkcs8 = toBase64(key.privateKeyPkcs8);
      await storage.setMeta('relay_key_pkcs8', pkcs8);
    }
    this.origin = origin;
    this.signer = await importRelaySigner(
      origin,
      Uint8Array.from(atob(pkcs8), (c) => c.charCodeAt(0)),
    );

    // State is the fold of accepted entries; the leaf hashes rebuild the Merkle accumulator.
    const leafHashes: Uint8Array[] = [];
    const rotations: {
      seq: number;
      newKeyName: string;
      newPublicKey: string;
      signature: string;
    }[] = [];
    const canonical: string[] = [];
    const total = await storage.entryCount();
    for (let from = 0; from < total; from += 5000) {
      for (const stored of await storage.readEntries(from, 5000)) {
        leafHashes.push(stored.leafHash);
        const text = fromUtf8(stored.bytes);
        canonical.push(text);
        const entry = JSON.parse(text) as LedgerEntry;
        if (entry.outcome === 'accepted')
          for (const event of entry.events) applyEvent(this.state, event);
        this.#indexEntry(entry);
        if (entry.keyRotation) rotations.push({ seq: entry.seq, ...entry.keyRotation });
      }
    }
    this.ledger = new LedgerWriter(
      await MerkleTree.fromLeafHashes(leafHashes),
      this.signer,
      origin,
    );
    this.keyRotations = await this.#rotationChain(rotations);
    const latest = await storage.latestCheckpoint();
    if (latest) this.committed = { size: parseCheckpoint(latest).checkpoint.size, note: latest };

    for (const u of await storage.readDocUpdates()) this.projection.load(u.doc, u.update);
    if (this.projection.isEmpty() && total > 0) {
      // Projections are derived data: rebuild them from the ledger when they are missing, and
      // store the rebuilt documents durably before anything is served.
      this.projection.rebuild(this.state, canonical, await storage.latestCheckpoint());
      await storage.commit({
        entries: [],
        docUpdates: this.projection.takeUpdates().map((u) => ({ ...u, seq: total })),
        commands: [],
        usedNonces: [],
        checkpoint: null,
        meta: [],
      });
      log('warn', 'projection rebuilt from the ledger', { entries: total });
    }

    this.pipeline = new CommandPipeline({
      storage,
      ledger: this.ledger,
      projection: this.projection,
      state: this.state,
      clock: this.clock,
      rp: this.rp,
      onCommitted: (c) => this.#afterCommit(c),
      onFatal: (error) => {
        log('error', 'fatal storage error', { error: String(error) });
        process.exitCode = 1;
        void this.close();
      },
    });
    this.clock.onJump(() => this.#runDueWork());
    log('info', 'ledger loaded', { entries: total, ms: Math.round(performance.now() - started) });
  }

  /** First start (or an unfinished setup): a new one-time setup token; null once set up. */
  async issueSetupToken(): Promise<string | null> {
    if (this.state.setupCompletedAt) return null;
    const token = randomId(32);
    await this.storage.setMeta(META_SETUP_TOKEN, await hashToken(token));
    return token;
  }

  async checkSetupToken(token: string): Promise<boolean> {
    const stored = await this.storage.getMeta(META_SETUP_TOKEN);
    return stored !== null && stored === (await hashToken(token));
  }

  readonly setupTokenMetaKey = META_SETUP_TOKEN;

  async listen(port: number, host = 'localhost'): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    this.#runDueWork();
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#dueTimer) clearTimeout(this.#dueTimer);
    await this.pipeline.drain().catch(() => {});
    for (const s of this.#syncSockets) s.close(CloseCode.GoingAway, 'relay shutting down');
    for (const s of this.#commandSockets) s.close(CloseCode.GoingAway, 'relay shutting down');
    this.#wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
    await this.storage.close();
  }

  // --- sessions -------------------------------------------------------------------------------

  async createSession(
    userId: string,
    deviceId: string,
  ): Promise<{ token: string; expiresAt: string }> {
    const token = randomId(32);
    const expiresAt = isoAt(this.clock.now() + SESSION_TTL_MS);
    await this.storage.putSession({
      tokenHash: await hashToken(token),
      userId,
      deviceId,
      expiresAt,
    });
    return { token, expiresAt };
  }

  /** The session behind a token, if it is unexpired and its device and user are still in good standing. */
  async resolveSession(token: string | null | undefined): Promise<Session | null> {
    if (!token || token.length > 200) return null;
    const session = await this.storage.getSession(await hashToken(token));
    if (!session || session.expiresAt <= this.now()) return null;
    const device = getOwn(this.state.devices, session.deviceId);
    const user = getOwn(this.state.users, session.userId);
    if (
      !device ||
      device.revokedAt ||
      device.userId !== session.userId ||
      user?.status !== 'active'
    )
      return null;
    return { userId: session.userId, deviceId: session.deviceId };
  }

  canRead(userId: string, doc: DocName): boolean {
    if (doc === 'audit') return hasPermission(this.state, userId, 'read-audit', this.now());
    return getOwn(this.state.users, userId)?.status === 'active';
  }

  // --- websockets -----------------------------------------------------------------------------

  #upgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // An upgrade to an invalid URL must not throw out of the event handler (a crash).
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const match = /^\/sync\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const name = match[1]!;
    this.#wss.handleUpgrade(req, socket, head, (ws) =>
      this.#accept(ws, name, url.searchParams.get('token')).catch((error: unknown) => {
        log('error', 'socket setup failed', { error: String((error as Error)?.stack ?? error) });
        ws.close(CloseCode.GoingAway, 'the relay cannot serve this connection now');
      }),
    );
  }

  async #accept(ws: WebSocket, name: string, token: string | null): Promise<void> {
    ws.on('error', (error) => log('info', 'socket error', { error: String(error) }));
    // Clients speak first (y-websocket sends SyncStep1 on open): hold frames that arrive while
    // the session is looked up, and hand them over once the handler listens.
    const early: [Buffer, boolean][] = [];
    const hold = (data: Buffer, isBinary: boolean) => early.push([data, isBinary]);
    ws.on('message', hold);
    const replay = () => {
      ws.off('message', hold);
      for (const [data, isBinary] of early) ws.emit('message', data, isBinary);
    };
    let session: Session | null;
    try {
      session = await this.resolveSession(token);
    } catch (error) {
      // The relay is shutting down (storage closed) or storage failed: refuse, never crash.
      log('warn', 'session lookup failed', { error: String(error) });
      ws.close(CloseCode.GoingAway, 'the relay cannot serve this connection now');
      return;
    }
    if (this.#closed) {
      ws.close(CloseCode.GoingAway, 'relay shutting down');
      return;
    }
    if (!session) {
      ws.close(CloseCode.Unauthenticated, 'sign in again: the session is missing or expired');
      return;
    }
    if (name === 'commands') {
      const socket = new CommandsSocket(this, ws, session);
      this.#commandSockets.add(socket);
      ws.on('close', () => this.#commandSockets.delete(socket));
      socket.start();
      replay();
      return;
    }
    if (!isDocName(name)) {
      ws.close(CloseCode.UnknownDocument, `no document named ${name.slice(0, 40)}`);
      return;
    }
    if (!this.canRead(session.userId, name)) {
      log('info', 'document read refused', { userId: session.userId, doc: name });
      ws.close(CloseCode.Forbidden, `you may not read ${name}`);
      return;
    }
    const socket = new SyncSocket(ws, name, this.projection.docs[name], session);
    this.#syncSockets.add(socket);
    ws.on('close', () => this.#syncSockets.delete(socket));
    replay();
  }

  /**
   * Every rotation of the checkpoint key, oldest first: the outgoing key and its signature over
   * the incoming one, so a client that pinned an old key can follow the chain (docs/ledger.md).
   */
  keyRotations: KeyRotationLink[] = [];

  async #rotationChain(
    rotations: { seq: number; newKeyName: string; newPublicKey: string; signature: string }[],
  ): Promise<KeyRotationLink[]> {
    const retired = JSON.parse((await this.storage.getMeta('relay_key_history')) ?? '[]') as {
      keyName: string;
      publicKey: string;
    }[];
    return rotations.map((r, i) => ({
      seq: r.seq,
      fromKeyName: retired[i]?.keyName ?? '',
      fromPublicKey: retired[i]?.publicKey ?? '',
      toKeyName: r.newKeyName,
      toPublicKey: r.newPublicKey,
      signature: r.signature,
    }));
  }

  /** The newest durable checkpoint: proofs are served against it, never against unsaved leaves. */
  committed: { size: number; note: string } | null = null;
  #entriesByUser = new Map<string, number[]>();

  /** Seqs of the entries that concern a user: as actor, or named as principal or user in events. */
  entriesOf(userId: string): readonly number[] {
    return this.#entriesByUser.get(userId) ?? [];
  }

  #indexEntry(entry: LedgerEntry): void {
    const users = new Set<string>();
    if (entry.actor) users.add(entry.actor);
    for (const event of entry.events) {
      if ('userId' in event && typeof event.userId === 'string') users.add(event.userId);
      // Expiries and removals name only the record; its principal is in state.
      if ('activationId' in event) {
        const activation = getOwn(this.state.activations, event.activationId);
        if (activation) users.add(activation.principalId);
      }
      if ('assignmentId' in event) {
        const assignment = getOwn(this.state.assignments, event.assignmentId);
        if (assignment) users.add(assignment.principalId);
      }
      if ('requestId' in event) {
        const request =
          getOwn(this.state.requests, event.requestId) ??
          getOwn(this.state.assignmentRequests, event.requestId);
        if (request) users.add(request.principalId);
      }
      for (const value of Object.values(event)) {
        if (value && typeof value === 'object') {
          const v = value as { principalId?: unknown; userId?: unknown };
          if (typeof v.principalId === 'string') users.add(v.principalId);
          if (typeof v.userId === 'string') users.add(v.userId);
        }
      }
    }
    for (const user of users) {
      const list = this.#entriesByUser.get(user);
      if (list) list.push(entry.seq);
      else this.#entriesByUser.set(user, [entry.seq]);
    }
  }

  #afterCommit(committed: Committed): void {
    for (const entry of committed.entries) this.#indexEntry(entry);
    if (committed.checkpoint) this.committed = { size: committed.size, note: committed.checkpoint };
    for (const { doc, update } of committed.docUpdates) {
      for (const socket of this.#syncSockets) if (socket.doc === doc) socket.sendUpdate(update);
    }
    // Permissions may have changed: a revoked device loses its sockets, a reader who lost the
    // right to read the audit loses that document.
    const revoked = new Set(
      committed.events.flatMap((e) => (e.type === 'DeviceRevoked' ? [e.deviceId] : [])),
    );
    // Best effort: resolveSession refuses a revoked device's sessions anyway.
    for (const deviceId of revoked)
      this.storage
        .deleteSessionsOfDevice(deviceId)
        .catch((error: unknown) =>
          log('warn', 'could not delete sessions of a revoked device', { error: String(error) }),
        );
    for (const socket of [...this.#syncSockets, ...this.#commandSockets]) {
      if (revoked.has(socket.session.deviceId))
        socket.close(CloseCode.Unauthenticated, 'this device was revoked');
      else if (socket instanceof SyncSocket && !this.canRead(socket.session.userId, socket.doc)) {
        socket.close(CloseCode.Forbidden, `you may no longer read ${socket.doc}`);
      }
    }
    this.#runDueWork();
  }

  // --- scheduler: due work is derived from state, so it survives restarts -----------------------

  #runDueWork(): void {
    if (this.#closed || !this.pipeline) return;
    if (this.#dueTimer) clearTimeout(this.#dueTimer);
    for (const command of dueWork(this.state, this.now())) this.#submitDue(command);
    const next = nextDueAt(this.state);
    const wait = next
      ? Math.min(Math.max(Date.parse(next) - this.clock.now(), 0) + 10, 60_000)
      : 60_000;
    this.#dueTimer = setTimeout(() => this.#runDueWork(), wait);
    this.#dueTimer.unref();
  }

  #submitDue(command: RelayCommand): void {
    const key = JSON.stringify(command);
    if (this.#inflightDue.has(key)) return;
    this.#inflightDue.add(key);
    this.pipeline
      .submitSystem(command)
      .then((outcome) => {
        if (!outcome.ok)
          log('warn', 'scheduled work refused', {
            command: command.type,
            code: outcome.rejection.code,
          });
      })
      .catch((error: unknown) => {
        log('warn', 'scheduled work not submitted', {
          command: command.type,
          error: String(error),
        });
      })
      .finally(() => this.#inflightDue.delete(key));
  }
}
