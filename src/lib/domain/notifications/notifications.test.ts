/**
 * Role notification settings and the in-app notification centre (PRODUCT.md "Role settings":
 * 3 events × 3 recipient kinds; each default recipients on/off, additional recipients, critical
 * only).
 */
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { describeSettingChange } from '#domain/describe';
import type {
  NotificationEvent,
  NotificationRecipients,
  NotificationRule,
  NotificationSettings,
  RoleSettings,
} from '#domain/model';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  diffRoleSettings,
  normaliseRoleSettings,
  settingsFor,
  validateRoleSettings,
} from '#domain/settings/settings';
import { asUser, at, given, World } from '#domain/test-support';
import { notificationsFor } from './notifications';

const SR = ROLE_IDS.SecurityReader;

/** A copy of the default table with one cell changed. */
function withCell(
  event: NotificationEvent,
  kind: NotificationRecipients,
  change: Partial<NotificationRule>,
): NotificationSettings {
  const table = structuredClone(DEFAULT_NOTIFICATION_SETTINGS) as NotificationSettings;
  table[event][kind] = { ...table[event][kind], ...change };
  return table;
}

/** Ada (GA), GRACE (gets assigned), AP (approver of Security Reader), NED (nobody in particular). */
function world(notifications: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS): World {
  const w = World.setUp();
  for (const id of ['grace', 'ap', 'ned']) w.addUser(id, id.toUpperCase());
  w.configure(SR, { approvers: ['ap'], notifications });
  return w;
}

const texts = (w: World, who: string, when = at(5)) =>
  notificationsFor(w.state, who, when).map((n) => `${n.as}: ${n.text}`);

describe('notification settings', () => {
  it('validate the table and keep it normalised', () => {
    const ok: RoleSettings = {
      ...DEFAULT_ROLE(),
      notifications: withCell('activated', 'admins', { additionalRecipients: ['b', 'a'] }),
    };
    expect(validateRoleSettings(ok)).toBeNull();
    expect(normaliseRoleSettings(ok).notifications!.activated.admins.additionalRecipients).toEqual([
      'a',
      'b',
    ]);
    const missing = structuredClone(DEFAULT_NOTIFICATION_SETTINGS) as Partial<NotificationSettings>;
    delete missing.assignedActive;
    for (const bad of [
      missing,
      withCell('activated', 'admins', { defaultRecipients: 'yes' as never }),
      withCell('activated', 'admins', { additionalRecipients: ['a', 'a'] }),
      withCell('activated', 'admins', {
        additionalRecipients: Array.from({ length: 21 }, (_, i) => `u${i}`),
      }),
    ]) {
      expect(
        validateRoleSettings({ ...DEFAULT_ROLE(), notifications: bad as NotificationSettings }),
      ).toMatchObject({
        code: 'invalid-value',
      });
    }
  });

  it('refuse an additional recipient who is not an active user, and record the change as a diff', () => {
    const w = world();
    const settings = (n: NotificationSettings) =>
      ({
        type: 'UpdateRoleSettings',
        scopeId: null,
        roleId: SR,
        settings: { ...settingsFor(w.state, SR), notifications: n },
      }) as const;
    given(w.events)
      .when(
        settings(withCell('activated', 'admins', { additionalRecipients: ['ghost'] })),
        asUser('ada', at(1)),
      )
      .thenRejects('unknown-user');
    const [event] = w.run(
      settings(
        withCell('activated', 'approvers', {
          defaultRecipients: false,
          additionalRecipients: ['ned'],
        }),
      ),
      asUser('ada', at(1)),
    );
    if (event?.type !== 'RoleSettingsUpdated') throw new Error('expected a settings change');
    const changes = diffRoleSettings(event.before, event.after);
    expect(changes.map((c) => c.field)).toEqual(['notifications']);
    expect(describeSettingChange(changes[0]!, (id) => id.toUpperCase())).toBe(
      'notifications defaults → (an eligible member activates the role → approvers: default recipients off, also NED)',
    );
  });

  it('refuses settings without a notification table', () => {
    const without: Partial<RoleSettings> = DEFAULT_ROLE();
    delete without.notifications;
    expect(validateRoleSettings(without as RoleSettings)?.code).toBe('invalid-value');
  });
});

describe('notificationsFor', () => {
  it('tells admins, the assignee and approvers by default, never the actor as an admin', () => {
    const w = world();
    w.assign('e1', 'grace', SR, 'eligible', { when: at(2) });
    expect(texts(w, 'grace')).toEqual([
      'assignee: You are now eligible for Security Reader: activate it when you need it.',
    ]);
    expect(texts(w, 'ap')).toEqual([
      'approvers: Ada assigned GRACE as eligible for Security Reader; you approve its activations.',
    ]);
    // Ada made Grace's assignment herself: only her own bootstrap assignment is news to her.
    expect(texts(w, 'ada')).toEqual(['assignee: You are now active in Global Administrator.']);
    expect(texts(w, 'ned')).toEqual([]);
  });

  it.each([
    [
      'assignee default off',
      withCell('assignedEligible', 'assignee', { defaultRecipients: false }),
      'grace',
      [],
    ],
    [
      'an additional recipient',
      withCell('assignedEligible', 'admins', { additionalRecipients: ['ned'] }),
      'ned',
      ['admins: Ada assigned GRACE as eligible for Security Reader.'],
    ],
    [
      'critical only for the assignee',
      withCell('assignedEligible', 'assignee', { criticalOnly: true }),
      'grace',
      [],
    ],
    [
      'approvers off',
      withCell('assignedEligible', 'approvers', { defaultRecipients: false }),
      'ap',
      [],
    ],
  ] as const)('follows the settings: %s', (_, table, who, expected) => {
    const w = world(table);
    w.assign('e1', 'grace', SR, 'eligible', { when: at(2) });
    expect(texts(w, who)).toEqual(expected);
  });

  it('tells approvers of a request as critical, and keeps it under critical only', () => {
    const w = world(withCell('activated', 'approvers', { criticalOnly: true }));
    w.configure(SR, { requireApproval: true }, { when: at(1) });
    w.assign('e1', 'grace', SR, 'eligible', { when: at(2) });
    w.activate('act1', 'e1', 'grace', at(3));
    const [first] = notificationsFor(w.state, 'ap', at(4));
    expect(first).toMatchObject({
      event: 'activated',
      as: 'approvers',
      critical: true,
      href: '/approvals',
      text: 'GRACE asks you to approve activating Security Reader: “Investigating incident 42”.',
    });
    // Once decided it needs nobody's action: critical only drops it.
    w.decideRequest('req_act1', 'ap', at(5));
    expect(notificationsFor(w.state, 'ap', at(6)).filter((n) => n.event === 'activated')).toEqual(
      [],
    );
    // The requester hears of the activation, the admin too.
    expect(texts(w, 'grace', at(6))[0]).toBe('assignee: You activated Security Reader.');
    expect(texts(w, 'ada', at(6))[0]).toBe(
      'admins: GRACE activated Security Reader: “Investigating incident 42”.',
    );
  });

  it('looks back 30 days only', () => {
    const w = world();
    w.assign('e1', 'grace', SR, 'eligible', { when: at(2) });
    expect(notificationsFor(w.state, 'grace', at(2 + 31 * 24 * 60))).toEqual([]);
  });
});

function DEFAULT_ROLE(): RoleSettings {
  return structuredClone({ ...settingsFor(World.setUp().state, SR) });
}
