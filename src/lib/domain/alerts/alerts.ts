/**
 * Security alerts (PRODUCT.md "Security alerts"). For now one kind is raised by `decide`
 * itself: a break-glass account activated a role. Alerts are readable with 'read-alerts'
 * (Global Administrator, Security Administrator, Security Reader, Global Reader).
 */
import type { ActivationId, Alert, AlertId, Iso, TenantState, UserId } from '#domain/model';
import { hasPermission } from '#domain/permissions';
import { valuesOf } from '#domain/records';

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
