import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as idb from 'lib0/indexeddb';
import { IndexeddbPersistence } from 'y-indexeddb';
import { installAsciiFastPath } from './ascii-fast-path';
import { COMPACT_AT, UpdateStore } from './update-store';
import * as string from 'lib0/string';

let n = 0;
const freshName = () => `leasehold:test:${++n}`;

async function storedCount(name: string): Promise<number> {
  const db = await idb.openDB(name, () => undefined);
  const [store] = idb.transact(db, ['updates'], 'readonly');
  const count = await idb.count(store!);
  db.close();
  return count;
}

describe('UpdateStore', () => {
  it('opens a copy written by y-indexeddb and keeps storing in its format', async () => {
    const name = freshName();
    const writer = new Y.Doc();
    const old = new IndexeddbPersistence(name, writer);
    await old.whenSynced;
    writer.getMap('users').set('u1', { id: 'u1', displayName: 'Ada Lovelace' });
    writer.getMap('users').set('u2', { id: 'u2', displayName: 'Émilie du Châtelet' });
    // y-indexeddb writes each update in a read-write transaction it opens at once. IndexedDB
    // starts a later transaction over the same store only after those finish, on any connection,
    // so the store's read below sees both writes; nothing to wait for.
    await old.destroy();

    const doc = new Y.Doc();
    const updates: unknown[] = [];
    const store = new UpdateStore(name, doc);
    await store.load();
    doc.on('update', (_u: Uint8Array, origin: unknown) => updates.push(origin));
    expect(doc.getMap('users').toJSON()).toEqual({
      u1: { id: 'u1', displayName: 'Ada Lovelace' },
      u2: { id: 'u2', displayName: 'Émilie du Châtelet' },
    });
    expect(updates).toEqual([]);

    // A later update (as from the relay) is stored; y-indexeddb reads it back.
    doc.getMap('users').set('u3', { id: 'u3', displayName: 'Grace' });
    await store.flushed();
    store.destroy();
    const reader = new Y.Doc();
    const again = new IndexeddbPersistence(name, reader);
    await again.whenSynced;
    expect(Object.keys(reader.getMap('users').toJSON()).sort()).toEqual(['u1', 'u2', 'u3']);
    await again.destroy();
  });

  it('applies the stored updates in one transaction, before anyone listens', async () => {
    const name = freshName();
    const source = new Y.Doc();
    const first = new UpdateStore(name, source);
    await first.load();
    for (let i = 0; i < 10; i++) source.getMap('assignments').set(`a_${i}`, { id: `a_${i}` });
    await first.flushed();
    first.destroy();

    const doc = new Y.Doc();
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    const store = new UpdateStore(name, doc);
    await store.load();
    expect(transactions).toBe(1);
    expect(doc.getMap('assignments').size).toBe(10);
    expect(store.storedUpdates).toBe(10);
    store.destroy();
  });

  it('compacts many stored updates into one', async () => {
    const name = freshName();
    const doc = new Y.Doc();
    const store = new UpdateStore(name, doc);
    await store.load();
    for (let i = 0; i < COMPACT_AT + 5; i++) doc.getMap('m').set(`k${i}`, i);
    // Reaching COMPACT_AT schedules a compaction for idle time; flushed() waits for it too.
    await store.flushed();
    expect(await storedCount(name)).toBe(1);
    expect(store.storedUpdates).toBe(1);
    store.destroy();

    const reopened = new Y.Doc();
    const next = new UpdateStore(name, reopened);
    await next.load();
    expect(reopened.getMap('m').size).toBe(COMPACT_AT + 5);
    next.destroy();
  });

  it('flushed() also waits for a compaction that is still waiting for idle time', async () => {
    const idle: (() => void)[] = [];
    vi.stubGlobal('requestIdleCallback', (task: () => void) => idle.push(task));
    try {
      const name = freshName();
      const doc = new Y.Doc();
      const store = new UpdateStore(name, doc);
      await store.load();
      for (let i = 0; i < COMPACT_AT; i++) doc.getMap('m').set(`k${i}`, i);
      let flushed = false;
      const done = store.flushed().then(() => (flushed = true));
      // A later transaction runs after every write: the writes are in, the compaction is not.
      expect(await storedCount(name)).toBe(COMPACT_AT);
      expect(idle).toHaveLength(1);
      expect(flushed).toBe(false);
      idle[0]!();
      await done;
      expect(await storedCount(name)).toBe(1);
      store.destroy();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('keeps an update another tab stored when it compacts', async () => {
    const name = freshName();
    const mine = new Y.Doc();
    const store = new UpdateStore(name, mine);
    await store.load();
    mine.getMap('m').set('mine', 1);
    // Another tab (its own document) stores an update this one never received.
    const other = new Y.Doc();
    const otherStore = new UpdateStore(name, other);
    await otherStore.load();
    other.getMap('m').set('theirs', 2);
    await Promise.all([store.flushed(), otherStore.flushed()]);
    await store.compact();
    expect(await storedCount(name)).toBe(1);
    store.destroy();
    otherStore.destroy();
    const reopened = new Y.Doc();
    const next = new UpdateStore(name, reopened);
    await next.load();
    expect(reopened.getMap('m').toJSON()).toEqual({ mine: 1, theirs: 2 });
    next.destroy();
  });

  it('clear deletes the local copy', async () => {
    const name = freshName();
    const doc = new Y.Doc();
    const store = new UpdateStore(name, doc);
    await store.load();
    doc.getMap('m').set('k', 1);
    await store.flushed();
    store.destroy();
    await UpdateStore.clear(name);
    const fresh = new Y.Doc();
    const next = new UpdateStore(name, fresh);
    await next.load();
    expect(fresh.getMap('m').size).toBe(0);
    next.destroy();
  });
});

describe('installAsciiFastPath', () => {
  it('decodes exactly as UTF-8 decoding does, and stays fatal on invalid input', () => {
    installAsciiFastPath();
    const decoder = string.utf8TextDecoder!;
    const reference = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const samples = [
      '',
      'a_bench_1',
      'eligible',
      'Émilie',
      'ü'.repeat(40),
      'x'.repeat(64),
      'y'.repeat(65),
      '\u{1F511} key',
      '\uFEFFbom',
    ];
    for (const sample of samples) {
      const bytes = new TextEncoder().encode(sample);
      expect(decoder.decode(bytes)).toBe(reference.decode(bytes));
    }
    expect(() => decoder.decode(new Uint8Array([0x61, 0xff]))).toThrow();
  });
});
