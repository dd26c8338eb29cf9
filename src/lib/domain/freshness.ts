/**
 * How long a signed command stays acceptable: the relay refuses one issued too far ahead of its
 * clock (a device clock set wrong) or older than a week (a command kept too long in an outbox),
 * and the app warns about a queued command before it gets there.
 */
import { DAY_MS, MINUTE_MS } from './time';
import type { Iso } from './model';

/** How far a command's `issuedAt` may lie ahead of the relay's clock (clock skew). */
export const MAX_COMMAND_SKEW_MS = 5 * MINUTE_MS;
/** How long after its `issuedAt` a command is still accepted. */
export const MAX_COMMAND_AGE_MS = 7 * DAY_MS;

export type StaleCommand =
  { reason: 'issued-in-future'; limitMinutes: number } | { reason: 'too-old'; limitDays: number };

/** Why a command issued at `issuedAt` is refused at `at`, or null when it is fresh. */
export function commandStaleness(issuedAt: Iso, at: Iso): StaleCommand | null {
  const issued = Date.parse(issuedAt);
  const now = Date.parse(at);
  if (issued > now + MAX_COMMAND_SKEW_MS)
    return { reason: 'issued-in-future', limitMinutes: MAX_COMMAND_SKEW_MS / MINUTE_MS };
  if (issued < now - MAX_COMMAND_AGE_MS)
    return { reason: 'too-old', limitDays: MAX_COMMAND_AGE_MS / DAY_MS };
  return null;
}

/** The last instant at which a command issued at `issuedAt` is still accepted. */
export function commandAcceptedUntil(issuedAt: Iso): Iso {
  return new Date(Date.parse(issuedAt) + MAX_COMMAND_AGE_MS).toISOString();
}
