/**
 * Security alerts (PRODUCT.md "Security alerts"). For now one kind is raised by `decide`
 * itself: a break-glass account activated a role. Alerts are readable with 'read-alerts'
 * (Global Administrator, Security Administrator, Security Reader, Global Reader).
 */
import type { ActivationId, Alert, AlertId, Iso, TenantState, UserId } from '#domain/model';
import { hasPermission } from '#domain/permissions';
import { valuesOf } from '#domain/records';
import { addMinutes } from '#domain/time';

/** How far back the "recent high-severity alerts" count looks (the nav badge, the summary). */
export const RECENT_ALERT_HOURS = 24;

/**
 * The id of the alert a break-glass activation raises: deterministic, so a retried command
 * maps to the same alert and the alert can be found from its activation without searching.
 */
export function alertIdFor(activationId: ActivationId): AlertId {
  return `alert_${activationId}`;
}

/** The alerts `userId` may read at `at`, newest first; none without 'read-alerts'. */
export function alertsVisibleTo(state: TenantState, userId: UserId, at: Iso): Alert[] {
  if (!hasPermission(state, userId, 'read-alerts', at)) return [];
  return [...valuesOf(state.alerts)].sort((a, b) =>
    a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}

/**
 * The high-severity alerts `userId` may read that were raised in the `RECENT_ALERT_HOURS`
 * before `at` (strictly after its start), newest first: what the navigation badge counts and the
 * alerts page sums up.
 */
export function recentHighAlerts(state: TenantState, userId: UserId, at: Iso): Alert[] {
  const since = addMinutes(at, -RECENT_ALERT_HOURS * 60);
  return alertsVisibleTo(state, userId, at).filter((a) => a.severity === 'high' && a.at > since);
}
