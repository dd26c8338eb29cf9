/**
 * The commands websocket (`/sync/commands?token=…`, JSON frames of #protocol/messages).
 * Each signed command goes through the durable outbox first; the channel (re)sends everything
 * unsettled whenever the relay says hello, and settles a command when its ack or reject arrives.
 * A heartbeat notices dead connections; reconnects back off exponentially.
 */
import { CloseCode } from '#protocol/close-codes';
import type { ClientFrame, ServerFrame, SignedCommand } from '#protocol/messages';
import { enqueue, markSent, settle, unsettled, type OutboxTable } from './outbox';

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

const HEARTBEAT_MS = 20_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 15_000;

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
  readonly #onOnline = () => this.#reconnectNow();

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
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    window.removeEventListener('online', this.#onOnline);
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
    const cmdId = signed.envelope.cmdId;
    // Wait for the answer before storing: a reconnect flush may send it while we store it.
    const outcome = new Promise<CommandOutcome>((resolve) => this.#waiters.set(cmdId, resolve));
    await enqueue(this.#options.outbox, signed, new Date().toISOString());
    await this.#reportPending();
    if (this.#ready) this.#transmit(signed);
    return outcome;
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
    await settle(this.#options.outbox, cmdId);
    await this.#reportPending();
    const waiter = this.#waiters.get(cmdId);
    this.#waiters.delete(cmdId);
    waiter?.(outcome);
    this.#options.onSettled?.(outcome);
  }

  async #flush(): Promise<void> {
    for (const record of await unsettled(this.#options.outbox)) {
      if (!this.#ready) return;
      this.#transmit(record.signed);
    }
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
      if (this.#pongTimer) return;
      this.#pongTimer = setTimeout(() => {
        // No pong: the connection is dead even if the browser has not noticed yet.
        this.#pongTimer = null;
        this.#drop();
        this.#setStatus('closed');
        this.#scheduleReconnect();
      }, PONG_TIMEOUT_MS);
    }, HEARTBEAT_MS);
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
    this.#options.onPendingChange?.(await this.#options.outbox.count());
  }
}
