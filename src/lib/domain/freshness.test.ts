import { describe, expect, it } from 'vitest';
import { commandAcceptedUntil, commandStaleness } from './freshness';

const at = '2026-12-01T12:00:00.000Z';

describe('command freshness', () => {
  it('accepts a command issued now, a little ahead, or up to a week ago', () => {
    expect(commandStaleness(at, at)).toBeNull();
    expect(commandStaleness('2026-12-01T12:05:00.000Z', at)).toBeNull();
    expect(commandStaleness('2026-11-24T12:00:00.000Z', at)).toBeNull();
  });

  it('refuses one issued more than 5 minutes ahead of the clock', () => {
    expect(commandStaleness('2026-12-01T12:05:00.001Z', at)).toEqual({
      reason: 'issued-in-future',
      limitMinutes: 5,
    });
  });

  it('refuses one older than 7 days', () => {
    expect(commandStaleness('2026-11-24T11:59:59.999Z', at)).toEqual({
      reason: 'too-old',
      limitDays: 7,
    });
  });

  it('says until when a queued command is still accepted', () => {
    const issued = '2026-11-24T12:00:00.000Z';
    expect(commandAcceptedUntil(issued)).toBe(at);
    expect(commandStaleness(issued, commandAcceptedUntil(issued))).toBeNull();
  });
});
