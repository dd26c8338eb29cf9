import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { instant, sentence, timeOfDay } from '#domain/sentence';
import { formatInstant } from '#domain/time';

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

describe('renderSentence: the domain’s sentences, their instants said any way', () => {
  const parts = ['Eligible until ', { instant: '2026-12-08T20:31:00.000Z' }, '.'];
  it('keeps the words and says each instant through the given formatter', () => {
    expect(f.renderSentence(parts, { instant: (iso) => `<${iso}>` })).toBe(
      'Eligible until <2026-12-08T20:31:00.000Z>.',
    );
    expect(f.renderSentence([], { instant: () => 'never' })).toBe('');
  });
  it('gives back the domain’s own text when the formatter is the domain’s UTC spelling', () => {
    const said = sentence`From ${instant('2026-12-02T22:00:00.000Z')} until ${timeOfDay('2026-12-02T23:30:00.000Z')}`;
    expect(
      f.renderSentence(said.parts, {
        instant: (iso, part) => (part.timeOnly ? `${iso.slice(11, 16)} UTC` : formatInstant(iso)),
      }),
    ).toBe(said.text);
  });
});

describe('formatSentence: the domain’s instants in the reader’s zone', () => {
  it('says each instant the app’s way', () => {
    const invited = sentence`Ada invited Bo User (the invite expires ${instant('2026-12-08T20:31:00.000Z')})`;
    expect(f.formatSentence(invited, NOW)).toBe(
      'Ada invited Bo User (the invite expires 8 Dec 2026, 21:31 CET)',
    );
    expect(
      f.formatSentence(sentence`try again from ${instant('2026-12-01T20:41:00.000Z')}.`, NOW),
    ).toBe('try again from 21:41 CET.');
  });
  it('says a time the UTC words give alone with its own local day', () => {
    // 23:30 UTC on 2 Dec is already 3 Dec in Berlin; the typed instant knows, words would not.
    const activated = sentence`Bo activated Reader from ${instant('2026-12-02T22:00:00.000Z')} until ${timeOfDay('2026-12-02T23:30:00.000Z')}`;
    expect(f.formatSentence(activated, NOW)).toBe(
      'Bo activated Reader from Wed 2 Dec, 23:00 CET until Thu 3 Dec, 00:30 CET',
    );
  });
  it('leaves words alone, even words that look like an instant', () => {
    const quoted = sentence`Ada approved Bo’s request: “${'window 2026-12-01 20:00 UTC as agreed'}”`;
    expect(f.formatSentence(quoted, NOW)).toBe(quoted.text);
    expect(f.formatSentence('Nothing timed here: 12:00 noon.', NOW)).toBe(
      'Nothing timed here: 12:00 noon.',
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
