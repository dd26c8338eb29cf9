import { describe, expect, it } from 'vitest';
import { fromBase64Url, sha256, toBase64Url, utf8 } from '#ledger/bytes';
import { activateRoleAt } from './activation-extras';
import { createInvite, endOfLocalDay, localDayEndingBy } from './commands';

describe('createInvite', () => {
  it('puts a 32-byte secret in the link fragment and only its hash in the command', async () => {
    const invite = await createInvite(' Bob ', 'http://localhost:8787');
    const secret = invite.link.split('#token=')[1]!;
    expect(invite.link.startsWith('http://localhost:8787/invite#token=')).toBe(true);
    expect(fromBase64Url(secret)).toHaveLength(32);
    expect(invite.command).toEqual({
      type: 'CreateInvite',
      inviteId: invite.inviteId,
      tokenHash: toBase64Url(await sha256(utf8(secret))),
      displayName: 'Bob',
      administrativeUnitId: null,
    });
    expect(invite.inviteId.startsWith('inv_')).toBe(true);
  });
});

describe('activateRoleAt', () => {
  it('makes a fresh activation id each time and trims the text', () => {
    const input = {
      assignmentId: 'a_1',
      durationMinutes: 60,
      justification: ' why ',
      ticket: null,
      startsAt: null,
    };
    const a = activateRoleAt(input);
    const b = activateRoleAt(input);
    expect(a.type === 'ActivateRole' && a.activationId.startsWith('act_')).toBe(true);
    expect(a).not.toEqual(b);
    expect(a).toMatchObject({ justification: 'why', ticket: null, durationMinutes: 60 });
  });
});

describe('endOfLocalDay', () => {
  it('is 23:59 local time on that day, as an ISO instant', () => {
    const iso = endOfLocalDay('2026-12-24')!;
    const d = new Date(iso);
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()]).toEqual([
      2026, 11, 24, 23, 59,
    ]);
  });
  it('refuses anything that is not a date', () => {
    expect(endOfLocalDay('')).toBeNull();
    expect(endOfLocalDay('tomorrow')).toBeNull();
  });
});

describe('localDayEndingBy', () => {
  const dayAfter = (day: string) => {
    const [y, m, d] = day.split('-').map(Number);
    const next = new Date(y!, m! - 1, d! + 1);
    return endOfLocalDay(
      `${next.getFullYear()}-${String(next.getMonth() + 1).padStart(2, '0')}-${String(next.getDate()).padStart(2, '0')}`,
    )!;
  };

  it('is the last local day that ends by the limit, whatever the hour of the limit', () => {
    for (const limit of [
      '2026-12-24T12:00:00.000Z',
      '2026-12-24T00:00:00.000Z',
      '2026-12-24T23:59:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]) {
      const day = localDayEndingBy(limit);
      expect(Date.parse(endOfLocalDay(day)!)).toBeLessThanOrEqual(Date.parse(limit));
      expect(Date.parse(dayAfter(day))).toBeGreaterThan(Date.parse(limit));
    }
  });

  it('keeps the limit’s own day when the limit is that day’s end', () => {
    const end = endOfLocalDay('2026-12-24')!;
    expect(localDayEndingBy(end)).toBe('2026-12-24');
  });
});
