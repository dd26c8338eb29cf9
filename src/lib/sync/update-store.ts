/**
 * A document's local copy in IndexedDB, in y-indexeddb's format (database `name`, object store
 * `updates` of Yjs v1 updates under auto-increment keys, store `custom` unused), so copies written
 * by earlier versions open unchanged. Why not y-indexeddb itself: it listens to the document's
 * `update` event before loading, so Yjs re-encodes the whole loaded state as an update only for
 * the listener to ignore it (≈ 1.6 s of a 3.5 s load at 100,000 assignments), and it adds one more
 * update on every open. Here the stored updates are applied in one transaction with no listener
 * attached, and the store is compacted to one update when it holds many, in idle time.
 */
import * as Y from 'yjs';
import * as idb from 'lib0/indexeddb';
import { installAsciiFastPath } from './ascii-fast-path';

const UPDATES = 'updates';
/** Past this many stored updates, they are replaced by one (y-indexeddb's PREFERRED_TRIM_SIZE). */
export const COMPACT_AT = 500;

/** lib0 types stored values as ArrayBuffer; IndexedDB stores the Uint8Array as y-indexeddb does. */
const asStored = (update: Uint8Array) => update as unknown as ArrayBuffer;

type IdleWindow = { requestIdleCallback?: (cb: () => void, opts?: { timeout: number }) => number };

/** Runs `task` when the main thread is idle (at the latest after `timeout` ms). */
function whenIdle(task: () => void, timeout = 5_000): void {
  const w = globalThis as IdleWindow;
  if (typeof w.requestIdleCallback === 'function') w.requestIdleCallback(task, { timeout });
  else setTimeout(task, 0);
}

export class UpdateStore {
  readonly name: string;
  readonly doc: Y.Doc;
  #db: IDBDatabase | null = null;
  #count = 0;
  #compacting = false;
  #destroyed = false;
  /** Writes and compactions under way or scheduled, for `flushed()`. */
  readonly #pending = new Set<Promise<unknown>>();
  readonly #onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this || !this.#db || this.#destroyed) return;
    const [store] = idb.transact(this.#db, [UPDATES]);
    this.#track(idb.addAutoKey(store!, asStored(update)));
    if (++this.#count >= COMPACT_AT) this.#scheduleCompaction();
  };

  constructor(name: string, doc: Y.Doc) {
    this.name = name;
    this.doc = doc;
  }

  /**
   * Applies every stored update to the document in one transaction (origin: this store), then
   * starts storing the document's new updates. Call before anything else listens to the doc.
   */
  async load(): Promise<void> {
    installAsciiFastPath();
    const db = await idb.openDB(this.name, (db) =>
      idb.createStores(db, [[UPDATES, { autoIncrement: true }], ['custom']]),
    );
    if (this.#destroyed) {
      db.close();
      return;
    }
    this.#db = db;
    const [store] = idb.transact(db, [UPDATES], 'readonly');
    const updates = (await idb.getAll(store!)) as Uint8Array[];
    if (this.#destroyed) return;
    if (updates.length > 0) {
      const mark = `leasehold:hydrate:${this.name}`;
      performance.mark(mark);
      Y.transact(
        this.doc,
        () => {
          for (const update of updates) Y.applyUpdate(this.doc, update, this);
        },
        this,
        false,
      );
      performance.measure(mark, mark);
    }
    this.#count = updates.length;
    this.doc.on('update', this.#onUpdate);
    if (this.#count >= COMPACT_AT) this.#scheduleCompaction();
  }

  /** Number of updates stored (for tests and diagnostics). */
  get storedUpdates(): number {
    return this.#count;
  }

  /**
   * Resolves once every update stored so far is written and any compaction scheduled so far has
   * run, so a caller can close the page, reopen the store or read IndexedDB knowing it is all
   * there. A failed write does not reject it: that failure is reported as before.
   */
  async flushed(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /**
   * Keeps `work` in `#pending` until it settles. The `finally` chain stays unhandled on purpose,
   * so a failed write is still reported as an unhandled rejection, as an untracked one was.
   */
  #track(work: Promise<unknown>): void {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  #scheduleCompaction(): void {
    if (this.#compacting) return;
    this.#compacting = true;
    this.#track(
      new Promise<void>((resolve) =>
        whenIdle(() => {
          const compaction = this.compact().finally(() => (this.#compacting = false));
          this.#track(compaction);
          resolve();
        }),
      ),
    );
  }

  /**
   * Replaces the stored updates with one: the document's whole state. Updates another tab stored
   * that this document has not seen are applied first, in the same transaction, so merging never
   * drops them (as y-indexeddb's `storeState` does).
   */
  async compact(): Promise<void> {
    const db = this.#db;
    if (!db || this.#destroyed) return;
    const [store] = idb.transact(db, [UPDATES]);
    const lastKey = (await idb.getLastKey(store!)) as number | undefined;
    if (typeof lastKey === 'number') {
      const stored = (await idb.getAll(
        store!,
        idb.createIDBKeyRangeUpperBound(lastKey, false),
      )) as Uint8Array[];
      Y.transact(
        this.doc,
        () => {
          for (const update of stored) Y.applyUpdate(this.doc, update, this);
        },
        this,
        false,
      );
    }
    const state = Y.encodeStateAsUpdate(this.doc);
    await idb.addAutoKey(store!, asStored(state));
    if (typeof lastKey === 'number') {
      await idb.del(store!, idb.createIDBKeyRangeUpperBound(lastKey, false));
    }
    this.#count = await idb.count(store!);
  }

  /** Stops storing; the local copy stays. */
  destroy(): void {
    this.#destroyed = true;
    this.doc.off('update', this.#onUpdate);
    this.#db?.close();
    this.#db = null;
  }

  /** Deletes the local copy. */
  static async clear(name: string): Promise<void> {
    await idb.deleteDB(name);
  }
}
