/**
 * ADR 0005: record values in the relay's documents are JSON text. Documents stored by a relay
 * from before hold Yjs structures; the relay rewrites them once at start-up, durably, so every
 * client reads one encoding.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStorage } from '../../sync-server/storage/sqlite';
import { RECORD_MAPS } from '#protocol/doc-layout';
import { docRecord, relayWithTwoUsers, startRelay } from './support/harness';

const legacy = {
  id: 'a_legacy',
  principalId: 'u_legacy',
  roleId: 'security-reader',
  type: 'eligible',
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'system',
  justification: 'Stored by an older relay',
  status: 'current',
  removedAt: null,
};

function everyRecordIsText(docs: Record<string, Y.Doc>): string[] {
  const bad: string[] = [];
  for (const [name, maps] of Object.entries(RECORD_MAPS)) {
    for (const map of maps) {
      docs[name]!.getMap(map).forEach((value, key) => {
        if (typeof value !== 'string') bad.push(`${name}/${map}/${key}`);
      });
    }
  }
  return bad;
}

describe('record values as JSON text', () => {
  it('writes records as JSON text, and rewrites ones stored as Yjs structures at start-up', async () => {
    const { h, adminCmd, userCmd } = await relayWithTwoUsers();
    expect(everyRecordIsText(h.relay.projection.docs)).toEqual([]);
    expect(h.relay.projection.docs.directory.getMap('users').size).toBe(2);
    adminCmd.close();
    userCmd.close();
    await h.close({ keepData: true });

    // An older relay's stored update: a record as a Yjs structure.
    const storage = openSqliteStorage(join(h.dataDir, 'leasehold.sqlite'));
    const old = new Y.Doc();
    old.getMap('assignments').set(legacy.id, legacy);
    await storage.commit({
      entries: [],
      docUpdates: [{ doc: 'access', update: Y.encodeStateAsUpdate(old), seq: h.relay.ledger.size }],
      commands: [],
      usedNonces: [],
      checkpoint: null,
      meta: [],
    });
    await storage.close();

    const h2 = await startRelay({ dataDir: h.dataDir });
    try {
      expect(everyRecordIsText(h2.relay.projection.docs)).toEqual([]);
      expect(docRecord(h2.relay.projection.docs.access, 'assignments', legacy.id)).toEqual(legacy);
    } finally {
      await h2.close({ keepData: true });
    }
    // The rewrite was stored: a third start finds nothing left to rewrite.
    const h3 = await startRelay({ dataDir: h.dataDir });
    try {
      expect(h3.relay.projection.upgradeRecordValues()).toBe(0);
      expect(docRecord(h3.relay.projection.docs.access, 'assignments', legacy.id)).toEqual(legacy);
    } finally {
      await h3.close();
    }
  });
});
