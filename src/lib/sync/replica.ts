/**
 * A read-only replica of one relay document: a Y.Doc persisted in IndexedDB (`UpdateStore`, in
 * y-indexeddb's format) so the app opens instantly offline, and synced with a stock y-websocket provider. The app never writes
 * these documents; the relay is their only writer (ARCHITECTURE §2).
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import type { DocName } from '#protocol/doc-layout';
import { UpdateStore } from './update-store';

/** y-websocket's message type for sync frames. */
const MESSAGE_SYNC = 0;

export type { DocName };
export type ReplicaStatus = 'connecting' | 'connected' | 'synced' | 'disconnected';

export type ReplicaHandlers = {
  onStatus(status: ReplicaStatus): void;
  /** The relay closed the socket for good (44xx, see #protocol/close-codes). */
  onClosed(code: number): void;
};

/** How often the provider asks the relay for news; the answer also proves the link is alive. */
const RESYNC_MS = 15_000;
/**
 * Heartbeat: an open socket does not close when the network goes away (trust-anchors §3.3).
 * Nothing heard for a resync period plus this long — or no answer this long after a probe —
 * closes the socket; the provider then reconnects with its own backoff.
 */
const SILENCE_MS = 10_000;
const WATCHDOG_MS = 2_500;

export class DocReplica {
  readonly doc = new Y.Doc();
  #persistence: UpdateStore | null = null;
  #provider: WebsocketProvider | null = null;
  #awareness: Awareness | null = null;
  #watchdog: ReturnType<typeof setInterval> | null = null;
  #probeSince: number | null = null;

  readonly name: DocName;
  readonly deviceId: string;

  constructor(name: DocName, deviceId: string) {
    this.name = name;
    this.deviceId = deviceId;
  }

  get storageName(): string {
    return `leasehold:${this.deviceId}:${this.name}`;
  }

  /** Loads the local copy. Done before connecting, so nothing local is ever offered to the relay. */
  async load(): Promise<void> {
    if (this.#persistence) return;
    this.#persistence = new UpdateStore(this.storageName, this.doc);
    await this.#persistence.load();
  }

  connect(wsBase: string, token: string, handlers: ReplicaHandlers): void {
    if (this.#provider) {
      this.setToken(token);
      return;
    }
    // No presence here: a null local state means the provider sends no awareness frames.
    const awareness = new Awareness(this.doc);
    awareness.setLocalState(null);
    const provider = new WebsocketProvider(`${wsBase}/sync`, this.name, this.doc, {
      params: { token },
      awareness,
      disableBc: true,
      resyncInterval: RESYNC_MS,
      maxBackoffTime: 10_000,
    });
    provider.on('status', ({ status }) => handlers.onStatus(status));
    provider.on('sync', (synced: boolean) => {
      if (synced) handlers.onStatus('synced');
    });
    provider.on('closed', ({ code }) => handlers.onClosed(code));
    this.#provider = provider;
    this.#awareness = awareness;
    this.#watchdog = setInterval(() => this.#checkAlive(), WATCHDOG_MS);
  }

  /**
   * Asks the relay for news now; no answer within SILENCE_MS closes the socket and reconnects.
   * Called when the browser reports a network change under an open socket.
   */
  probe(): void {
    const provider = this.#provider;
    const ws = provider?.ws;
    if (!provider?.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    ws.send(encoding.toUint8Array(encoder));
    this.#probeSince ??= Date.now();
  }

  #checkAlive(): void {
    const provider = this.#provider;
    if (!provider?.wsconnected) {
      this.#probeSince = null;
      return;
    }
    const now = Date.now();
    const lastHeard = provider.wsLastMessageReceived;
    if (this.#probeSince !== null && lastHeard >= this.#probeSince) this.#probeSince = null;
    const probeUnanswered = this.#probeSince !== null && now - this.#probeSince > SILENCE_MS;
    const silent = now - lastHeard > RESYNC_MS + SILENCE_MS;
    if (probeUnanswered || silent) {
      this.#probeSince = null;
      // disconnect() then connect(): the provider drops the dead socket and opens a new one.
      provider.disconnect();
      provider.connect();
    }
  }

  /** New session token: used from the next connection; reconnects if the relay had given up. */
  setToken(token: string): void {
    const provider = this.#provider;
    if (!provider) return;
    provider.params = { token };
    if (!provider.shouldConnect) provider.connect();
  }

  get synced(): boolean {
    return this.#provider?.synced ?? false;
  }

  disconnect(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = null;
    this.#provider?.destroy();
    this.#awareness?.destroy();
    this.#provider = null;
    this.#awareness = null;
  }

  async destroy(): Promise<void> {
    this.disconnect();
    this.#persistence?.destroy();
    this.#persistence = null;
    this.doc.destroy();
  }

  /** Deletes the local copy (used when this device may no longer read it). */
  async clearLocal(): Promise<void> {
    this.disconnect();
    this.#persistence?.destroy();
    this.#persistence = null;
    // Like y-indexeddb's clearData: the deletion is queued (other tabs close on versionchange),
    // and a copy opened afterwards waits for it.
    void UpdateStore.clear(this.storageName).catch(() => undefined);
    this.doc.destroy();
  }
}
