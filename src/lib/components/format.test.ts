import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The reader's zone decides every answer here: pin it (Berlin: CET in winter, CEST in summer)
// before the module builds its formatters, and give it back afterwards.
let f: typeof import('./format');
beforeAll(async () => {
  vi.stubEnv('TZ', 'Europe/Berlin');
  vi.resetModules();
  f = await import('./format');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

// Tuesday 1 December 2026, 21:31 in Berlin.
const NOW = Date.parse('2026-12-01T20:31:00.000Z');

describe('one style for instants: local, 24-hour, with the zone', () => {
  it('says the time alone today, with the weekday this week, with the year beyond', () => {
    expect(f.formatMoment('2026-12-01T08:05:00.000Z', NOW)).toBe('09:05 CET');
    expect(f.formatMoment('2026-12-03T16:05:00.000Z', NOW)).toBe('Thu 3 Dec, 17:05 CET');
    expect(f.formatMoment('2026-11-27T16:05:00.000Z', NOW)).toBe('Fri 27 Nov, 17:05 CET');
    expect(f.formatMoment('2027-01-03T16:05:00.000Z', NOW)).toBe('3 Jan 2027, 17:05 CET');
  });
  it('names the zone in force at the instant, not now', () => {
    expect(f.formatMoment('2026-07-01T16:05:00.000Z', NOW)).toBe('1 Jul 2026, 18:05 CEST');
    expect(f.formatDateTime('2026-07-01T16:05:00.000Z')).toBe('1 Jul 2026, 18:05 CEST');
  });
  it('takes the local day, not the UTC one', () => {
    // 23:30 UTC on 1 Dec is already 2 Dec in Berlin.
    expect(f.formatMoment('2026-12-01T23:30:00.000Z', NOW)).toBe('Wed 2 Dec, 00:30 CET');
    expect(f.formatDate('2026-12-01T23:30:00.000Z')).toBe('2 Dec 2026');
  });
  it('says when something ends', () => {
    expect(f.endsLabel('2026-12-01T21:00:00.000Z', NOW)).toBe('Ends at 22:00 CET');
    expect(f.endsLabel('2026-12-02T21:00:00.000Z', NOW)).toBe('Ends Wed 2 Dec, 22:00 CET');
  });
});

describe('localTimes: the domain’s UTC instants, said the same way', () => {
  it('re-renders full instants in a sentence', () => {
    expect(
      f.localTimes(
        'Ada invited Bo User (the invite expires 2026-12-08 20:31 UTC)',
        NOW,
        '2026-12-01T20:31:00.000Z',
      ),
    ).toBe('Ada invited Bo User (the invite expires 8 Dec 2026, 21:31 CET)');
    expect(f.localTimes('try again from 2026-12-01 20:41 UTC.', NOW)).toBe(
      'try again from 21:41 CET.',
    );
  });
  it('gives a time without a date the date before it, else the anchor’s', () => {
    expect(f.localTimes('Bo activated Reader from 2026-12-02 22:00 UTC until 23:30 UTC', NOW)).toBe(
      'Bo activated Reader from Wed 2 Dec, 23:00 CET until Thu 3 Dec, 00:30 CET',
    );
    expect(
      f.localTimes('Bo activated Reader until 21:31 UTC', NOW, '2026-12-01T20:31:00.000Z'),
    ).toBe('Bo activated Reader until 22:31 CET');
  });
  it('leaves quoted words and other text alone', () => {
    const text = 'Ada approved Bo’s request: “window 2026-12-01 20:00 UTC as agreed”';
    expect(f.localTimes(text, NOW)).toBe(text);
    expect(f.localTimes('Nothing timed here: 12:00 noon, 2026-12-01.', NOW)).toBe(
      'Nothing timed here: 12:00 noon, 2026-12-01.',
    );
  });
});

describe('formatSpan', () => {
  it('says hours and minutes, rounded down', () => {
    expect(f.formatSpan((7 * 60 + 59) * 60_000 + 59_000)).toBe('7 h 59 min');
    expect(f.formatSpan(8 * 3600_000)).toBe('8 h');
    expect(f.formatSpan(42 * 60_000 + 5_000)).toBe('42 min');
    expect(f.formatSpan(35_000)).toBe('35 s');
    expect(f.formatSpan(-5)).toBe('0 s');
    expect(f.formatSpan(26 * 3600_000)).toBe('1 d 2 h');
  });
  it('counts down to an end time', () => {
    const now = Date.parse('2026-11-26T09:05:00.000Z');
    expect(f.timeLeft('2026-11-26T17:05:00.000Z', now + 1000)).toBe('7 h 59 min left');
  });
});

describe('formatDuration', () => {
  it('uses words', () => {
    expect(f.formatDuration(480)).toBe('8 hours');
    expect(f.formatDuration(90)).toBe('1 hour 30 minutes');
    expect(f.formatDuration(45)).toBe('45 minutes');
  });
});
