/**
 * The document layout is a wire contract: clients already hold copies in IndexedDB, so its names
 * are pinned here, and docs/api.md's table must say the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialState } from '#domain/state';
import {
  CHECKPOINT,
  DOC_NAMES,
  isDocName,
  LEDGER_ENTRIES,
  META,
  RECORD_MAPS,
  RECORD_PLACES,
} from './doc-layout';

describe('document layout', () => {
  it('keeps the names clients already store', () => {
    expect(DOC_NAMES).toEqual(['directory', 'access', 'audit']);
    expect(RECORD_MAPS).toEqual({
      directory: [
        'users',
        'devices',
        'invites',
        'roles',
        'settings',
        'scopes',
        'administrativeUnits',
        'groups',
      ],
      access: ['assignments', 'activations', 'requests', 'assignmentRequests'],
      audit: ['alerts'],
    });
    expect([META.doc, META.map, META.setupCompletedAt]).toEqual([
      'directory',
      'meta',
      'setupCompletedAt',
    ]);
    expect([LEDGER_ENTRIES.doc, LEDGER_ENTRIES.array]).toEqual(['audit', 'entries']);
    expect([CHECKPOINT.doc, CHECKPOINT.map, CHECKPOINT.latest]).toEqual([
      'audit',
      'checkpoint',
      'latest',
    ]);
    expect(isDocName('audit')).toBe(true);
    expect(isDocName('passkeys')).toBe(false);
  });

  it('places every record collection of the tenant but passkeys, which stay on the relay', () => {
    const collections = Object.keys(initialState()).filter(
      (k) => k !== 'setupCompletedAt' && k !== 'passkeys',
    );
    expect(Object.keys(RECORD_PLACES).sort()).toEqual(collections.sort());
  });

  it('is the table in docs/api.md', () => {
    const api = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    const table = api.slice(api.indexOf('### Document layout'));
    const rows: [string, string][] = [];
    let doc = '';
    for (const line of table.split('\n').slice(1)) {
      const cells = /^\| *`?(\w*)`? *\| *`Y\.(?:Map|Array)\('(\w+)'\)`/.exec(line);
      if (!cells) {
        if (rows.length > 0 && !line.startsWith('|')) break;
        continue;
      }
      doc = cells[1] || doc;
      rows.push([doc, cells[2]!]);
    }
    const expected: [string, string][] = [
      ...DOC_NAMES.flatMap((d) => RECORD_MAPS[d].map((m): [string, string] => [d, m])),
      [META.doc, META.map],
      [LEDGER_ENTRIES.doc, LEDGER_ENTRIES.array],
      [CHECKPOINT.doc, CHECKPOINT.map],
    ];
    expect(rows.map((r) => r.join('.')).sort()).toEqual(expected.map((r) => r.join('.')).sort());
  });
});
