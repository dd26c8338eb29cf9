import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Alert, TenantState } from '#domain/model';
import { at, World } from '#domain/test-support';
import { alertsVisibleTo, RECENT_ALERT_HOURS, recentHighAlerts } from './alerts';

const alert = (id: string, minutes: number, severity: Alert['severity'] = 'high'): Alert => ({
  id,
  kind: 'break-glass-used',
  severity,
  userId: 'grace',
  roleId: ROLE_IDS.GlobalAdministrator,
  activationId: `act-${id}`,
  at: at(minutes),
});

/** Ada (GA, reads alerts) and Grace (no role), with alerts as given (raised by decide elsewhere). */
function withAlerts(...alerts: Alert[]): TenantState {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  const state = w.state;
  state.alerts = Object.fromEntries(alerts.map((a) => [a.id, a]));
  return state;
}

const DAY = RECENT_ALERT_HOURS * 60;

describe('recent high-severity alerts', () => {
  it('counts the high ones raised in the last 24 hours, newest first', () => {
    const state = withAlerts(
      alert('old', 0),
      alert('edge', 10),
      alert('fresh', 20),
      alert('medium', 30, 'medium'),
      alert('newest', 40),
    );
    // At exactly 24 hours after `edge`, it no longer counts: the window is after its start.
    expect(recentHighAlerts(state, 'ada', at(DAY + 10)).map((a) => a.id)).toEqual([
      'newest',
      'fresh',
    ]);
    expect(recentHighAlerts(state, 'ada', at(DAY + 9)).map((a) => a.id)).toEqual([
      'newest',
      'fresh',
      'edge',
    ]);
    expect(RECENT_ALERT_HOURS).toBe(24);
  });

  it('is empty for someone who may not read alerts', () => {
    const state = withAlerts(alert('fresh', 20));
    expect(alertsVisibleTo(state, 'grace', at(30))).toEqual([]);
    expect(recentHighAlerts(state, 'grace', at(30))).toEqual([]);
    expect(recentHighAlerts(state, 'ada', at(30)).map((a) => a.id)).toEqual(['fresh']);
  });
});
