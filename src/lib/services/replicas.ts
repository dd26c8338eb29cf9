/**
 * The documents this device replicates (directory and access; audit for audit readers). Each is
 * loaded from IndexedDB first and joins the set only once loaded, connects once the relay
 * session has a token, and starts afresh from the relay when the relay says our copy holds
 * something it does not.
 */
import { DocReplica, type DocName, type ReplicaStatus } from '$lib/sync/replica';
import { websocketBase } from '$lib/sync/relay-http';
import type { DeviceRecord } from '$lib/webauthn/device-key';
import { CloseCode } from '#protocol/close-codes';
import { DOC_NAMES } from '#protocol/doc-layout';

export type ReplicasOptions = {
  /** The enrolled device key; null once signed out. */
  device(): DeviceRecord | null;
  /** Changes on every sign-out, so a document still loading for an earlier sign-in is dropped. */
  generation(): number;
  token(): string | null;
  /** A document changed or synced; called once per task however many changed. */
  onChange(): void;
  /** A document's link to the relay changed. */
  onStatus(): void;
  /** The relay turned a document away because the session lapsed. */
  onUnauthenticated(): Promise<void>;
  /** The relay refused a document this user may not read. */
  onForbidden(name: DocName): Promise<void>;
};

export class Replicas {
  readonly #options: ReplicasOptions;
  #replicas = new Map<DocName, DocReplica>();
  #opening = new Map<DocName, Promise<DocReplica>>();
  #status = new Map<DocName, ReplicaStatus>();
  #changePending = false;

  constructor(options: ReplicasOptions) {
    this.#options = options;
  }

  get(name: DocName): DocReplica | undefined {
    return this.#replicas.get(name);
  }

  /** Loaded, or loading. */
  isOpen(name: DocName): boolean {
    return this.#replicas.has(name) || this.#opening.has(name);
  }

  /** Every one of these documents has synced with the relay since it last connected. */
  synced(names: readonly DocName[]): boolean {
    return names.every((name) => this.#status.get(name) === 'synced');
  }

  /** Loads a document's local copy; it joins the replicas (and may connect) only once loaded. */
  open(name: DocName): Promise<DocReplica> {
    const existing = this.#replicas.get(name);
    if (existing) return Promise.resolve(existing);
    const opening = this.#opening.get(name);
    if (opening) return opening;
    const device = this.#options.device();
    if (!device) return Promise.reject(new Error('No device key.'));
    const generation = this.#options.generation();
    const promise = (async () => {
      const replica = new DocReplica(name, device.deviceId);
      await replica.load();
      if (generation !== this.#options.generation()) {
        await replica.destroy();
        throw new Error('Signed out while loading.');
      }
      replica.doc.on('update', () => this.#scheduleChange());
      this.#replicas.set(name, replica);
      return replica;
    })().finally(() => this.#opening.delete(name));
    this.#opening.set(name, promise);
    return promise;
  }

  connect(replica: DocReplica): void {
    const token = this.#options.token();
    if (!token || this.#replicas.get(replica.name) !== replica) return;
    replica.connect(websocketBase(location.origin), token, {
      onStatus: (status) => {
        this.#status.set(replica.name, status);
        if (status === 'synced') this.#scheduleChange();
        this.#options.onStatus();
      },
      onClosed: (code) => void this.#onClosed(replica, code),
    });
  }

  connectAll(): void {
    for (const replica of this.#replicas.values()) this.connect(replica);
  }

  /** A fresh token; documents the relay turned away reconnect with it. */
  setToken(token: string): void {
    for (const replica of this.#replicas.values()) replica.setToken(token);
  }

  /** Makes each socket prove it is alive (heartbeat), e.g. after the network changed. */
  probe(): void {
    for (const replica of this.#replicas.values()) replica.probe();
  }

  /** Closes one document; `forget` also deletes its local copy. */
  async close(name: DocName, forget: boolean): Promise<void> {
    const replica = this.#replicas.get(name);
    this.#replicas.delete(name);
    this.#status.delete(name);
    if (replica) await (forget ? replica.clearLocal() : replica.destroy());
  }

  /** Closes every document (their local copies stay). */
  reset(): void {
    for (const replica of this.#replicas.values()) void replica.destroy();
    this.#replicas.clear();
    this.#status.clear();
  }

  async #onClosed(replica: DocReplica, code: number): Promise<void> {
    this.#status.set(replica.name, 'disconnected');
    this.#options.onStatus();
    switch (code) {
      case CloseCode.Unauthenticated:
        // A fresh token (setToken) reconnects every replica the relay turned away.
        await this.#options.onUnauthenticated();
        return;
      case CloseCode.Forbidden:
        await this.#options.onForbidden(replica.name);
        return;
      case CloseCode.ReadOnlyDocument: {
        // Our copy holds something the relay does not: start this document afresh from the relay.
        this.#replicas.delete(replica.name);
        await replica.clearLocal();
        const fresh = await this.open(replica.name);
        this.#scheduleChange();
        this.connect(fresh);
        return;
      }
      default:
        console.warn(`The relay closed the ${replica.name} document (${code}).`);
    }
  }

  #scheduleChange(): void {
    if (this.#changePending) return;
    this.#changePending = true;
    setTimeout(() => {
      this.#changePending = false;
      this.#options.onChange();
    }, 0);
  }
}

/** Deletes this device's local copies of every document (a device that may no longer read). */
export async function clearLocalCopies(deviceId: string): Promise<void> {
  for (const name of DOC_NAMES) {
    await new DocReplica(name, deviceId).clearLocal().catch(() => undefined);
  }
}
