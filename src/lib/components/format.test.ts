import { describe, expect, it } from 'vitest';
import { formatDuration, formatSpan, timeLeft } from './format';

describe('formatSpan', () => {
  it('says hours and minutes, rounded down', () => {
    expect(formatSpan((7 * 60 + 59) * 60_000 + 59_000)).toBe('7 h 59 min');
    expect(formatSpan(8 * 3600_000)).toBe('8 h');
    expect(formatSpan(42 * 60_000 + 5_000)).toBe('42 min');
    expect(formatSpan(35_000)).toBe('35 s');
    expect(formatSpan(-5)).toBe('0 s');
    expect(formatSpan(26 * 3600_000)).toBe('1 d 2 h');
  });
  it('counts down to an end time', () => {
    const now = Date.parse('2026-11-26T09:05:00.000Z');
    expect(timeLeft('2026-11-26T17:05:00.000Z', now + 1000)).toBe('7 h 59 min left');
  });
});

describe('formatDuration', () => {
  it('uses words', () => {
    expect(formatDuration(480)).toBe('8 hours');
    expect(formatDuration(90)).toBe('1 hour 30 minutes');
    expect(formatDuration(45)).toBe('45 minutes');
  });
});
