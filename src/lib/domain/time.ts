/**
 * Time arithmetic on ISO strings. The domain never reads the clock: every instant arrives as
 * an argument (usually `ctx.at`) in `Date.prototype.toISOString()` form, which is fixed-width
 * UTC, so instants compare correctly as plain strings.
 */
import type { Iso } from './model';

/** Milliseconds in one minute. */
export const MINUTE_MS = 60_000;

/** Milliseconds in one day; UTC has no daylight saving, so a day is always 24 hours. */
export const DAY_MS = 24 * 60 * MINUTE_MS;

const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * True when `s` is exactly what `toISOString()` would print for some instant. The shape check
 * rejects offsets and missing milliseconds (which would break string comparison); the
 * round-trip rejects impossible dates such as 2026-02-30 that `Date` would silently roll over.
 */
export function isValidIso(s: unknown): s is Iso {
  if (typeof s !== 'string' || !ISO_SHAPE.test(s)) return false;
  const ms = Date.parse(s);
  return Number.isFinite(ms) && new Date(ms).toISOString() === s;
}

/** `iso` moved by `n` minutes (negative moves back); throws a RangeError on an invalid instant. */
export function addMinutes(iso: Iso, n: number): Iso {
  return new Date(Date.parse(iso) + n * MINUTE_MS).toISOString();
}

/** `iso` moved by `n` days of exactly 24 hours. */
export function addDays(iso: Iso, n: number): Iso {
  return new Date(Date.parse(iso) + n * DAY_MS).toISOString();
}

/** Minutes from `a` to `b` (b − a): positive when `b` is later; fractional when not whole. */
export function minutesBetween(a: Iso, b: Iso): number {
  return (Date.parse(b) - Date.parse(a)) / MINUTE_MS;
}

/** The earlier of two instants (string comparison is chronological for `toISOString()` form). */
export function earliest(a: Iso, b: Iso): Iso {
  return a <= b ? a : b;
}

/** The later of two instants. */
export function latest(a: Iso, b: Iso): Iso {
  return a >= b ? a : b;
}

/**
 * An instant for people, in words that do not depend on the reader's locale or time zone
 * (the relay and every client must produce the same rejection text): `2026-11-26 14:05 UTC`.
 */
export function formatInstant(iso: Iso): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Orders records by a time (earliest first), then by id, so equal times sort the same everywhere. */
export function compareByEnd(aEnd: Iso, aId: string, bEnd: Iso, bId: string): number {
  if (aEnd !== bEnd) return aEnd < bEnd ? -1 : 1;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}
