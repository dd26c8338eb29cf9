import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMinutes,
  earliest,
  formatInstant,
  isValidIso,
  latest,
  MINUTE_MS,
  minutesBetween,
} from './time';

describe('time', () => {
  it('adds minutes and days in toISOString form', () => {
    expect(addMinutes('2026-03-02T09:00:00.000Z', 5)).toBe('2026-03-02T09:05:00.000Z');
    expect(addMinutes('2026-03-02T09:00:00.000Z', -60)).toBe('2026-03-02T08:00:00.000Z');
    expect(addDays('2026-02-26T09:00:00.000Z', 7)).toBe('2026-03-05T09:00:00.000Z');
    // UTC has no DST jump: the last Sunday of March is still 24 hours long.
    expect(addDays('2026-03-28T12:00:00.000Z', 1)).toBe('2026-03-29T12:00:00.000Z');
    expect(MINUTE_MS).toBe(60_000);
  });

  it('measures minutes from a to b, fractional when not whole', () => {
    expect(minutesBetween('2026-03-02T09:00:00.000Z', '2026-03-02T09:05:00.000Z')).toBe(5);
    expect(minutesBetween('2026-03-02T09:05:00.000Z', '2026-03-02T09:00:00.000Z')).toBe(-5);
    expect(minutesBetween('2026-03-02T09:00:00.000Z', '2026-03-02T09:00:30.000Z')).toBe(0.5);
  });

  it('accepts only strict toISOString instants', () => {
    expect(isValidIso('2026-03-02T09:00:00.000Z')).toBe(true);
    expect(isValidIso('2028-02-29T23:59:59.999Z')).toBe(true);
    for (const bad of [
      '2026-03-02T09:00:00Z',
      '2026-03-02T09:00:00.000+00:00',
      '2026-03-02 09:00:00.000Z',
      '2026-02-30T09:00:00.000Z',
      '2026-03-02T24:00:00.000Z',
      '2026-3-2T09:00:00.000Z',
      '',
      'yesterday',
      null,
      1_700_000_000_000,
    ]) {
      expect(isValidIso(bad), String(bad)).toBe(false);
    }
  });

  it('orders and formats instants without locale or zone', () => {
    expect(earliest('2026-03-02T09:00:00.000Z', '2026-03-01T09:00:00.000Z')).toBe(
      '2026-03-01T09:00:00.000Z',
    );
    expect(latest('2026-03-02T09:00:00.000Z', '2026-03-01T09:00:00.000Z')).toBe(
      '2026-03-02T09:00:00.000Z',
    );
    expect(formatInstant('2026-11-26T14:05:59.999Z')).toBe('2026-11-26 14:05 UTC');
  });
});
