/**
 * The commands websocket (`/sync/commands?token=…`, JSON frames of #protocol/messages).
 * Each signed command goes through the durable outbox first; the channel (re)sends everything
 * unsettled whenever the relay says hello, and settles a command when its ack or reject arrives.
 *
 * Exactly once across tabs: a flush runs under the Web Lock `leasehold-outbox`, so only one tab
 * re-sends the queue at a time and holds the lock until the answers are in; the others then find
 * nothing left. The relay's cmdId idempotency covers any remaining race. Outcomes are announced
 * to the other tabs on a BroadcastChannel, so the tab that made a command hears its answer even
 * when another tab sent it.
 *
 * Heartbeat: an open socket does not close when the network goes away (trust-anchors §3.3), so
 * the channel pings every 15 s, and at once when the browser reports a network change; no pong
 * within 10 s closes the socket and reconnects with exponential backoff.
 */
import { CloseCode } from '#protocol/close-codes';
import type { ClientFrame, ServerFrame, SignedCommand } from '#protocol/messages';
import {
  countWaiting,
  enqueue,
  markQueued,
  markSent,
  settle,
  unsettled,
  type OutboxOutcome,
  type OutboxTable,
} from './outbox';

export type CommandOutcome = Extract<ServerFrame, { t: 'ack' } | { t: 'reject' }>;
export type ChannelStatus = 'connecting' | 'open' | 'closed';

export type CommandChannelOptions = {
  /** `ws(s)://host/sync/commands`, without the token. */
  url: string;
  outbox: OutboxTable;
  /** The current session token, or null when there is none yet. */
  token(): string | null;
  /** Called after the relay refused the token (close 4401); resolves once a new one is in place. */
  reauthenticate(): Promise<void>;
  onStatus(status: ChannelStatus): void;
  /** Every outcome, including those of commands sent before a reload. */
  onSettled?(outcome: CommandOutcome): void;
  onPendingChange?(count: number): void;
};

const HEARTBEAT_MS = 15_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 15_000;
/** How long a flushing tab keeps the outbox lock while waiting for the relay's answers. */
const FLUSH_HOLD_MS = 15_000;
const LOCK_NAME = 'leasehold-outbox';
const BROADCAST_NAME = 'leasehold-outbox';

type Broadcast = { t: 'settled'; outcome: CommandOutcome } | { t: 'changed' };

export class CommandChannel {
  #ws: WebSocket | null = null;
  #ready = false;
  #stopped = true;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  #pongTimer: ReturnType<typeof setTimeout> | null = null;
  #waiters = new Map<string, (outcome: CommandOutcome) => void>();
  #status: ChannelStatus = 'closed';
  readonly #options: CommandChannelOptions;
  #broadcast: BroadcastChannel | null = null;
  /** Resolves the flush that waits for these commands' answers. */
  #flushWaiters = new Set<() => void>();
  readonly #onOnline = () => {
    // A socket that looks open may have died with the old network: prove it, or reconnect now.
    if (this.#ws && this.#ready) this.probe();
    else this.#reconnectNow();
  };
  readonly #onOffline = () => this.probe();

  constructor(options: CommandChannelOptions) {
    this.#options = options;
  }

  get status(): ChannelStatus {
    return this.#status;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
    if (typeof BroadcastChannel !== 'undefined') {
      this.#broadcast = new BroadcastChannel(BROADCAST_NAME);
      this.#broadcast.onmessage = (event: MessageEvent<Broadcast>) => void this.#heard(event.data);
    }
    void this.#reportPending();
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOffline);
    this.#broadcast?.close();
    this.#broadcast = null;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#drop();
    this.#setStatus('closed');
  }

  /**
   * Stores the command durably, sends it when connected, and resolves with the relay's answer.
   * While offline the promise stays pending: the command goes out on reconnect.
   */
  async send(signed: SignedCommand): Promise<CommandOutcome> {
    return (await this.store(signed)).outcome;
  }

  /**
   * Stores the command durably and sends it when connected. Resolves once it is stored, with
   * whether it had to wait (offline) and a promise of the relay's answer.
   */
  async store(
    signed: SignedCommand,
  ): Promise<{ queued: boolean; outcome: Promise<CommandOutcome> }> {
    const cmdId = signed.envelope.cmdId;
    // Wait for the answer before storing: a reconnect flush may send it while we store it.
    const outcome = new Promise<CommandOutcome>((resolve) => this.#waiters.set(cmdId, resolve));
    const queued = !this.#ready || !navigator.onLine;
    await enqueue(this.#options.outbox, signed, new Date().toISOString(), queued);
    await this.#reportPending();
    this.#announce({ t: 'changed' });
    if (this.#ready) this.#transmit(signed);
    return { queued, outcome };
  }

  /** Sends everything unsettled now, if connected (e.g. after another tab queued commands). */
  flushNow(): void {
    if (this.#ready) void this.#flush();
  }

  /**
   * Checks the connection at once: a ping that gets no pong within the timeout closes the
   * socket and reconnects. Used when the network may have changed under an open socket.
   */
  probe(timeoutMs = PONG_TIMEOUT_MS): void {
    if (!this.#ws || !this.#ready) return;
    if (!this.#sendFrame({ t: 'ping', id: String(Date.now()) })) return;
    this.#armPongTimer(timeoutMs);
  }

  /** Reconnect at once (for example after a new session token). */
  #reconnectNow(): void {
    if (this.#stopped) return;
    if (this.#ws && this.#ready) return;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#drop();
    this.#open();
  }

  #open(): void {
    if (this.#stopped || this.#ws) return;
    const token = this.#options.token();
    if (!token) {
      this.#setStatus('connecting');
      void this.#options.reauthenticate().then(
        () => this.#scheduleReconnect(0),
        () => this.#scheduleReconnect(),
      );
      return;
    }
    this.#setStatus('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${this.#options.url}?token=${encodeURIComponent(token)}`);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onmessage = (event) => {
      if (this.#ws !== ws || typeof event.data !== 'string') return;
      void this.#receive(event.data);
    };
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#drop();
      if (this.#stopped) return;
      this.#setStatus('closed');
      if (event.code === CloseCode.Unauthenticated) {
        void this.#options.reauthenticate().then(
          () => this.#scheduleReconnect(0),
          () => this.#scheduleReconnect(),
        );
      } else {
        this.#scheduleReconnect();
      }
    };
    ws.onerror = () => {
      // A close event follows; reconnecting is decided there.
    };
  }

  async #receive(data: string): Promise<void> {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    switch (frame.t) {
      case 'hello':
        this.#ready = true;
        this.#attempt = 0;
        this.#startHeartbeat();
        this.#setStatus('open');
        await this.#flush();
        return;
      case 'ack':
      case 'reject':
        if (frame.cmdId !== null) await this.#settle(frame);
        return;
      case 'pong':
        if (this.#pongTimer) clearTimeout(this.#pongTimer);
        this.#pongTimer = null;
        return;
      case 'error':
        console.warn(`Relay refused a frame: ${frame.code}: ${frame.message}`);
        return;
      default:
        return;
    }
  }

  async #settle(outcome: CommandOutcome): Promise<void> {
    const cmdId = outcome.cmdId as string;
    const stored: OutboxOutcome =
      outcome.t === 'ack'
        ? { t: 'ack', seq: outcome.seq }
        : {
            t: 'reject',
            code: outcome.code,
            message: outcome.message,
            ...(outcome.detail ? { detail: outcome.detail } : {}),
            seq: outcome.seq,
          };
    const first = await settle(this.#options.outbox, cmdId, stored, new Date().toISOString());
    await this.#reportPending();
    this.#resolve(outcome);
    for (const wake of this.#flushWaiters) wake();
    // Only the tab that recorded the answer tells the others (and its own listeners).
    if (first) {
      this.#options.onSettled?.(outcome);
      this.#announce({ t: 'settled', outcome });
    }
  }

  #resolve(outcome: CommandOutcome): void {
    const cmdId = outcome.cmdId as string;
    const waiter = this.#waiters.get(cmdId);
    this.#waiters.delete(cmdId);
    waiter?.(outcome);
  }

  /** Another tab settled a command or changed the queue. */
  async #heard(message: Broadcast): Promise<void> {
    if (message.t === 'settled') this.#resolve(message.outcome);
    await this.#reportPending();
  }

  #announce(message: Broadcast): void {
    try {
      this.#broadcast?.postMessage(message);
    } catch {
      // A closed channel: the other tabs read the outbox themselves on their next flush.
    }
  }

  /**
   * Re-sends the unsettled commands, one tab at a time (Web Lock), and keeps the lock until
   * their answers are in (or the connection drops, or FLUSH_HOLD_MS pass).
   */
  async #flush(): Promise<void> {
    const run = async () => {
      const records = await unsettled(this.#options.outbox);
      if (records.length === 0 || !this.#ready) return;
      await markQueued(
        this.#options.outbox,
        records.map((r) => r.cmdId),
      );
      for (const record of records) {
        if (!this.#ready) return;
        this.#transmit(record.signed);
      }
      const deadline = Date.now() + FLUSH_HOLD_MS;
      while (this.#ready && Date.now() < deadline) {
        if ((await unsettled(this.#options.outbox)).length === 0) return;
        await new Promise<void>((resolve) => {
          const wake = () => {
            this.#flushWaiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, 500);
          this.#flushWaiters.add(wake);
        });
      }
    };
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (locks) await locks.request(LOCK_NAME, run);
    else await run();
  }

  #transmit(signed: SignedCommand): void {
    const frame: ClientFrame = { t: 'command', signed };
    if (this.#sendFrame(frame)) void markSent(this.#options.outbox, signed.envelope.cmdId);
  }

  #sendFrame(frame: ClientFrame): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    this.#heartbeatTimer = setInterval(() => {
      if (!this.#sendFrame({ t: 'ping', id: String(Date.now()) })) return;
      this.#armPongTimer(PONG_TIMEOUT_MS);
    }, HEARTBEAT_MS);
  }

  #armPongTimer(timeoutMs: number): void {
    if (this.#pongTimer) return;
    this.#pongTimer = setTimeout(() => {
      // No pong: the connection is dead even if the browser has not noticed yet.
      this.#pongTimer = null;
      this.#drop();
      this.#setStatus('closed');
      this.#scheduleReconnect();
    }, timeoutMs);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    if (this.#pongTimer) clearTimeout(this.#pongTimer);
    this.#heartbeatTimer = null;
    this.#pongTimer = null;
  }

  /** Forgets the current socket without triggering its handlers. */
  #drop(): void {
    this.#stopHeartbeat();
    this.#ready = false;
    for (const wake of this.#flushWaiters) wake();
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onmessage = null;
      ws.onclose = null;
      ws.onerror = null;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
    }
  }

  #scheduleReconnect(delay?: number): void {
    if (this.#stopped || this.#reconnectTimer) return;
    const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.#attempt);
    const wait = delay ?? backoff / 2 + Math.random() * (backoff / 2);
    this.#attempt = Math.min(this.#attempt + 1, 10);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#open();
    }, wait);
  }

  #setStatus(status: ChannelStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#options.onStatus(status);
  }

  async #reportPending(): Promise<void> {
    this.#options.onPendingChange?.(await countWaiting(this.#options.outbox));
  }
}
