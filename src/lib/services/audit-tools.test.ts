/** The pure parts of the Audit page's tools: RFC 4180 CSV of a filtered view. */
import { describe, expect, it } from 'vitest';
import type { AuditFilter, AuditRow } from '$lib/sync/audit-index';
import { auditCsv, csvField } from './audit-tools';
import type { LedgerService } from './ledger';

const row = (seq: number, justification: string): AuditRow => ({
  seq,
  ts: `2026-11-0${seq + 1}T09:00:00.000Z`,
  actor: 'u_ada',
  commandType: 'ActivateRole',
  outcome: seq % 2 ? 'rejected' : 'accepted',
  kind: 'command',
  roleId: 'r_billing',
  target: 'u_ada',
  activationId: '',
  justification,
  search: justification.toLowerCase(),
  registers: [],
  mine: 1,
  text: '{}',
});

describe('csvField', () => {
  it('leaves plain values alone', () => {
    expect(csvField('Invoice run 7')).toBe('Invoice run 7');
    expect(csvField(42)).toBe('42');
    expect(csvField('')).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('close, then open')).toBe('"close, then open"');
    expect(csvField('the "big" one')).toBe('"the ""big"" one"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });
});

describe('auditCsv', () => {
  it('writes a header and one CRLF line per row, in the order the index streams them', async () => {
    const rows = [row(0, 'Month-end close'), row(1, 'Say "now", please')];
    let asked: AuditFilter | null = null;
    const ledger = {
      eachRow: (filter: AuditFilter, onRow: (r: AuditRow) => void) => {
        asked = filter;
        rows.forEach(onRow);
        return Promise.resolve();
      },
    } as unknown as LedgerService;
    const progress: number[] = [];
    const filter: AuditFilter = { scope: 'all', outcome: 'rejected' };
    const blob = await auditCsv(
      ledger,
      filter,
      (r) => ({
        actor: 'Ada',
        action: `did #${r.seq}`,
        outcome: r.outcome === 'accepted' ? 'Accepted' : 'Denied',
        reason: r.outcome === 'accepted' ? '' : 'Not eligible, sorry',
      }),
      (done) => progress.push(done),
    );
    expect(asked).toEqual(filter);
    expect(blob.type).toBe('text/csv;charset=utf-8');
    expect(await blob.text()).toBe(
      'seq,time,actor,action,outcome,reason,justification\r\n' +
        '0,2026-11-01T09:00:00.000Z,Ada,did #0,Accepted,,Month-end close\r\n' +
        '1,2026-11-02T09:00:00.000Z,Ada,did #1,Denied,"Not eligible, sorry","Say ""now"", please"\r\n',
    );
    expect(progress).toEqual([2]);
  });
});
