/**
 * A read-only replica of one relay document: a Y.Doc persisted in IndexedDB (y-indexeddb) so the
 * app opens instantly offline, and synced with a stock y-websocket provider. The app never writes
 * these documents; the relay is their only writer (ARCHITECTURE §2).
 */
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';

export type DocName = 'directory' | 'access' | 'audit';
export type ReplicaStatus = 'connecting' | 'connected' | 'synced' | 'disconnected';

export type ReplicaHandlers = {
  onStatus(status: ReplicaStatus): void;
  /** The relay closed the socket for good (44xx, see #protocol/close-codes). */
  onClosed(code: number): void;
};

/** How often the provider asks the relay for news; the answer also proves the link is alive. */
const RESYNC_MS = 15_000;

export class DocReplica {
  readonly doc = new Y.Doc();
  #persistence: IndexeddbPersistence | null = null;
  #provider: WebsocketProvider | null = null;
  #awareness: Awareness | null = null;

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
    this.#persistence = new IndexeddbPersistence(this.storageName, this.doc);
    await this.#persistence.whenSynced;
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
    this.#provider?.destroy();
    this.#awareness?.destroy();
    this.#provider = null;
    this.#awareness = null;
  }

  async destroy(): Promise<void> {
    this.disconnect();
    await this.#persistence?.destroy();
    this.#persistence = null;
    this.doc.destroy();
  }

  /** Deletes the local copy (used when this device may no longer read it). */
  async clearLocal(): Promise<void> {
    this.disconnect();
    const persistence = this.#persistence ?? new IndexeddbPersistence(this.storageName, this.doc);
    this.#persistence = null;
    await persistence.clearData();
    this.doc.destroy();
  }
}
