/**
 * Reading role settings inside an UpdateRoleSettings command. Shape only: the ranges are
 * domain rules (validateRoleSettings), checked when the command is decided.
 */
import type { NotificationSettings, RoleSettings } from '#domain/model';
import {
  BOOLEAN_SETTINGS,
  MAX_ADDITIONAL_RECIPIENTS,
  NOTIFICATION_EVENTS,
  NOTIFICATION_RECIPIENTS,
  NUMBER_SETTINGS,
} from '#domain/settings/settings';
import { ID, readIdList, type Reader } from './field-reader';

/** The notification table's shape: every event × recipient cell, nothing else. */
function readNotifications(r: Reader, value: unknown): NotificationSettings {
  const table = r.object(value, NOTIFICATION_EVENTS, 'settings.notifications');
  const out = {} as NotificationSettings;
  for (const event of NOTIFICATION_EVENTS) {
    const row = r.object(table[event], NOTIFICATION_RECIPIENTS, `settings.notifications.${event}`);
    out[event] = {} as NotificationSettings[typeof event];
    for (const kind of NOTIFICATION_RECIPIENTS) {
      const where = `settings.notifications.${event}.${kind}`;
      const cell = r.object(
        row[kind],
        ['defaultRecipients', 'additionalRecipients', 'criticalOnly'],
        where,
      );
      for (const flag of ['defaultRecipients', 'criticalOnly'] as const) {
        if (typeof cell[flag] !== 'boolean') r.fail(`${where}.${flag} must be true or false`);
      }
      out[event][kind] = {
        defaultRecipients: cell.defaultRecipients as boolean,
        additionalRecipients: readIdList(
          r,
          cell.additionalRecipients,
          `${where}.additionalRecipients`,
          MAX_ADDITIONAL_RECIPIENTS,
        ),
        criticalOnly: cell.criticalOnly as boolean,
      };
    }
  }
  return out;
}

/** The settings of an UpdateRoleSettings command, every field required. */
export function readRoleSettings(r: Reader, value: unknown): RoleSettings {
  const o = r.object(
    value,
    [...NUMBER_SETTINGS, ...BOOLEAN_SETTINGS, 'approvers', 'notifications'],
    'settings',
  );
  const approvers = o.approvers;
  if (!Array.isArray(approvers) || approvers.length > 50)
    r.fail('settings.approvers must be a list of at most 50 user ids');
  const ids = approvers.map((v: unknown, i) => {
    if (typeof v !== 'string' || !ID.test(v)) r.fail(`settings.approvers[${i}] must be a user id`);
    return v;
  });
  const settings = { approvers: ids } as RoleSettings;
  for (const key of NUMBER_SETTINGS) settings[key] = r.int(o, key, 0, 1_000_000);
  for (const key of BOOLEAN_SETTINGS) {
    if (typeof o[key] !== 'boolean') r.fail(`settings.${key} must be true or false`);
    settings[key] = o[key];
  }
  settings.notifications = readNotifications(r, o.notifications);
  return settings;
}
