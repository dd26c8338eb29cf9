/**
 * ADR 0005: record values in the relay's documents are JSON text, as written and as stored
 * across a restart.
 */
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { RECORD_MAPS } from '#protocol/doc-layout';
import { relayWithTwoUsers, startRelay } from './support/harness';

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
  it('writes records as JSON text, and reads them back as text after a restart', async () => {
    const { h, adminCmd, userCmd } = await relayWithTwoUsers();
    expect(everyRecordIsText(h.relay.projection.docs)).toEqual([]);
    expect(h.relay.projection.docs.directory.getMap('users').size).toBe(2);
    adminCmd.close();
    userCmd.close();
    await h.close({ keepData: true });

    const h2 = await startRelay({ dataDir: h.dataDir });
    try {
      expect(everyRecordIsText(h2.relay.projection.docs)).toEqual([]);
      expect(h2.relay.projection.docs.directory.getMap('users').size).toBe(2);
    } finally {
      await h2.close();
    }
  });
});
