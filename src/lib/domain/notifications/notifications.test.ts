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
import type { Iso } from '#domain/model';
import { asSystem, asUser, at, given, World } from '#domain/test-support';
import { type InAppNotification, notificationsFor } from './notifications';

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

/** An item's sentence, its instants as <ISO> (the page says them in the reader's zone). */
const sentence = (n: InAppNotification) =>
  n.text.map((part) => (typeof part === 'string' ? part : `<${part.instant}>`)).join('');

const texts = (w: World, who: string, when = at(5)) =>
  notificationsFor(w.state, who, when).map((n) => `${n.as}: ${sentence(n)}`);

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
      text: ['GRACE asks you to approve activating Security Reader: “Investigating incident 42”.'],
    });
    // Once decided it needs nobody's action: critical only drops it.
    w.decideRequest('req_act1', 'ap', at(5));
    expect(notificationsFor(w.state, 'ap', at(6)).filter((n) => n.event === 'activated')).toEqual(
      [],
    );
    // The requester hears who approved it, the admin of the activation.
    expect(texts(w, 'grace', at(6))[0]).toBe(
      `assignee: AP approved your request to activate Security Reader; it is active until <${at(65)}>.`,
    );
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

/**
 * Given Security Reader needs `quorum` approval(s) from AP or CY, GRACE eligible at(2) asks at(3)
 * to activate it for an hour (from `startsAt` if given): request req_act1, lapsing after 24 h.
 */
function asked(quorum = 1, startsAt: Iso | null = null): World {
  const w = world();
  w.addUser('cy', 'CY');
  w.configure(
    SR,
    { requireApproval: true, approvers: ['ap', 'cy'], approvalsRequired: quorum },
    { when: at(1) },
  );
  w.assign('e1', 'grace', SR, 'eligible', { when: at(2) });
  w.activate('act1', 'e1', 'grace', at(3), 60, startsAt);
  return w;
}
const LAPSES = at(3 + 24 * 60);

/** What `who` is told about activating (the request and its outcome), in sentences. */
const aboutRequest = (w: World, who: string, when: Iso) =>
  notificationsFor(w.state, who, when)
    .filter((n) => n.event === 'activated')
    .map((n) => ({
      id: n.id,
      at: n.at,
      critical: n.critical,
      href: n.href,
      text: `${n.as}: ${sentence(n)}`,
    }));

describe('notificationsFor: how a request to activate ended', () => {
  it('given a waiting request, tells the requester it needs approval and the approvers it needs them', () => {
    const w = asked();
    expect(aboutRequest(w, 'grace', at(4))).toEqual([
      {
        id: 'request:req_act1:assignee',
        at: at(3),
        critical: false,
        href: '/requests',
        text: 'assignee: You asked to activate Security Reader; it needs approval.',
      },
    ]);
    expect(aboutRequest(w, 'cy', at(4))).toEqual([
      {
        id: 'request:req_act1:approvers',
        at: at(3),
        critical: true,
        href: '/approvals',
        text: 'approvers: GRACE asks you to approve activating Security Reader: “Investigating incident 42”.',
      },
    ]);
  });

  it('when CY approves, then the requester hears who approved it and until when it is active; AP sees it resolved; CY is not told of her own decision', () => {
    const w = asked();
    w.decideRequest('req_act1', 'cy', at(5));
    expect(aboutRequest(w, 'grace', at(6))).toEqual([
      {
        id: 'request:req_act1:approved:assignee',
        at: at(5),
        critical: false,
        href: '/roles',
        text: `assignee: CY approved your request to activate Security Reader; it is active until <${at(65)}>.`,
      },
    ]);
    expect(aboutRequest(w, 'ap', at(6))).toEqual([
      {
        id: 'request:req_act1:approved:approvers',
        at: at(5),
        critical: false,
        href: '/approvals',
        text: 'approvers: CY approved GRACE’s request to activate Security Reader.',
      },
    ]);
    expect(aboutRequest(w, 'cy', at(6))).toEqual([]);
    // Administrators are told of the activation, as before.
    expect(aboutRequest(w, 'ada', at(6)).map((n) => n.text)).toEqual([
      'admins: GRACE activated Security Reader: “Investigating incident 42”.',
    ]);
    // The same item once the activation ended: its id and instant stay, its words follow.
    expect(aboutRequest(w, 'grace', at(70))).toEqual([
      expect.objectContaining({
        id: 'request:req_act1:approved:assignee',
        at: at(5),
        text: `assignee: CY approved your request to activate Security Reader; it ended at <${at(65)}>.`,
      }),
    ]);
  });

  it('when a request for a later start is approved, then the requester hears when it starts and ends', () => {
    const w = asked(1, at(120));
    w.decideRequest('req_act1', 'cy', at(5));
    const [approved] = notificationsFor(w.state, 'grace', at(6)).filter(
      (n) => n.event === 'activated',
    );
    expect(approved?.text).toEqual([
      'CY approved your request to activate Security Reader; it starts at ',
      { instant: at(120) },
      ' and ends at ',
      { instant: at(180) },
      '.',
    ]);
  });

  it('with a quorum of two, the first approval leaves it waiting without asking AP again; the second tells them both', () => {
    const w = asked(2);
    w.decideRequest('req_act1', 'ap', at(4));
    expect(aboutRequest(w, 'ap', at(4))).toEqual([
      {
        id: 'request:req_act1:approvers',
        at: at(3),
        critical: false,
        href: '/approvals',
        text: 'approvers: GRACE asks to activate Security Reader: “Investigating incident 42”. You approved; it needs 1 more approval.',
      },
    ]);
    expect(aboutRequest(w, 'grace', at(4)).map((n) => n.text)).toEqual([
      'assignee: You asked to activate Security Reader; it needs approval.',
    ]);
    w.decideRequest('req_act1', 'cy', at(5));
    expect(aboutRequest(w, 'grace', at(6)).map((n) => n.text)).toEqual([
      `assignee: AP and CY approved your request to activate Security Reader; it is active until <${at(65)}>.`,
    ]);
    expect(aboutRequest(w, 'ap', at(6)).map((n) => n.text)).toEqual([
      'approvers: You and CY approved GRACE’s request to activate Security Reader.',
    ]);
  });

  it('when CY denies it with a reason, then the requester and AP hear who denied it and why', () => {
    const w = asked();
    w.run(
      { type: 'DenyRequest', requestId: 'req_act1', justification: 'No incident is open' },
      asUser('cy', at(5)),
    );
    expect(aboutRequest(w, 'grace', at(6))).toEqual([
      {
        id: 'request:req_act1:denied:assignee',
        at: at(5),
        critical: false,
        href: '/requests',
        text: 'assignee: CY denied your request to activate Security Reader: “No incident is open”.',
      },
    ]);
    expect(aboutRequest(w, 'ap', at(6))).toEqual([
      {
        id: 'request:req_act1:denied:approvers',
        at: at(5),
        critical: false,
        href: '/approvals',
        text: 'approvers: CY denied GRACE’s request to activate Security Reader: “No incident is open”.',
      },
    ]);
    // Administrators were told of the ask, which stays true.
    expect(aboutRequest(w, 'ada', at(6)).map((n) => n.text)).toEqual([
      'admins: GRACE asked to activate Security Reader: “Investigating incident 42”.',
    ]);
  });

  it('when nobody decides in time, then the request expired: the same item before and after the relay records it', () => {
    const w = asked();
    const lapsed = aboutRequest(w, 'grace', at(3 + 24 * 60 + 1));
    expect(lapsed).toEqual([
      {
        id: 'request:req_act1:expired:assignee',
        at: LAPSES,
        critical: false,
        href: '/requests',
        text: `assignee: Your request to activate Security Reader expired at <${LAPSES}>: nobody decided in time.`,
      },
    ]);
    w.run({ type: 'ExpireRequest', requestId: 'req_act1' }, asSystem(at(3 + 24 * 60 + 1)));
    expect(aboutRequest(w, 'grace', at(3 + 24 * 60 + 1))).toEqual(lapsed);
    expect(aboutRequest(w, 'ap', at(3 + 24 * 60 + 1))).toEqual([
      {
        id: 'request:req_act1:expired:approvers',
        at: LAPSES,
        critical: false,
        href: '/approvals',
        text: `approvers: GRACE’s request to activate Security Reader expired at <${LAPSES}>: nobody decided in time.`,
      },
    ]);
  });

  it('when one of a quorum of two approved in time, then the expiry says it did not get enough approvals', () => {
    const w = asked(2);
    w.decideRequest('req_act1', 'ap', at(4));
    expect(aboutRequest(w, 'grace', at(3 + 24 * 60)).map((n) => n.text)).toEqual([
      `assignee: Your request to activate Security Reader expired at <${LAPSES}>: 1 of 2 approvals came in time.`,
    ]);
  });

  it('when an administrator cancels it, then the requester and AP hear who cancelled it', () => {
    const w = asked();
    w.run(
      { type: 'CancelRequest', requestId: 'req_act1', justification: 'Wrong role' },
      asUser('ada', at(5)),
    );
    expect(aboutRequest(w, 'grace', at(6))).toEqual([
      {
        id: 'request:req_act1:cancelled:assignee',
        at: at(5),
        critical: false,
        href: '/requests',
        text: 'assignee: Ada cancelled your request to activate Security Reader.',
      },
    ]);
    expect(aboutRequest(w, 'ap', at(6)).map((n) => n.text)).toEqual([
      'approvers: Ada cancelled GRACE’s request to activate Security Reader.',
    ]);
  });

  it('when the requester cancels it, then her ask no longer says it waits, and the approvers hear it', () => {
    const w = asked();
    w.run(
      { type: 'CancelRequest', requestId: 'req_act1', justification: '' },
      asUser('grace', at(5)),
    );
    expect(aboutRequest(w, 'grace', at(6)).map((n) => n.text)).toEqual([
      'assignee: You cancelled your request to activate Security Reader.',
    ]);
    expect(aboutRequest(w, 'cy', at(6)).map((n) => n.text)).toEqual([
      'approvers: GRACE cancelled their request to activate Security Reader.',
    ]);
  });

  it('when its eligibility is removed while it waits, then the requester hears it can no longer be granted', () => {
    const w = asked();
    w.run(
      { type: 'RemoveAssignment', assignmentId: 'e1', justification: 'Left the SOC' },
      asUser('ada', at(10)),
    );
    expect(aboutRequest(w, 'grace', at(11))).toEqual([
      {
        id: 'request:req_act1:failed:assignee',
        at: at(10),
        critical: false,
        href: '/requests',
        text: 'assignee: Your request to activate Security Reader can no longer be granted: the eligibility it asked to activate is no longer in force.',
      },
    ]);
  });

  it.each([
    ['approved', (w: World) => w.decideRequest('req_act1', 'cy', at(5))],
    ['denied', (w: World) => w.decideRequest('req_act1', 'cy', at(5), 'deny')],
    [
      'cancelled',
      (w: World) =>
        w.run(
          { type: 'CancelRequest', requestId: 'req_act1', justification: 'Wrong role' },
          asUser('ada', at(5)),
        ),
    ],
    ['lapsed', () => undefined],
  ] as const)('once %s, nobody is still told it waits or asked to act on it', (_, resolve) => {
    const w = asked();
    resolve(w);
    const when = at(3 + 24 * 60 + 1);
    for (const who of ['grace', 'ap', 'cy', 'ada']) {
      const items = notificationsFor(w.state, who, when);
      expect(items.filter((n) => n.critical)).toEqual([]);
      expect(items.map(sentence).filter((t) => /needs approval|asks you/.test(t))).toEqual([]);
      expect(items.map((n) => n.id)).not.toContain(`request:req_act1:assignee`);
    }
  });

  it('an administrator who approves by default is asked to act as an approver, and hears how it ended', () => {
    const w = world();
    const GR = ROLE_IDS.GlobalReader;
    w.addUser('pra', 'PRA');
    w.assign('p1', 'pra', ROLE_IDS.PrivilegedRoleAdministrator, 'active', { when: at(1) });
    w.configure(GR, { requireApproval: true }, { when: at(1) });
    w.assign('e2', 'grace', GR, 'eligible', { when: at(2) });
    w.activate('act2', 'e2', 'grace', at(3));
    expect(aboutRequest(w, 'ada', at(4))).toEqual([
      expect.objectContaining({
        id: 'request:req_act2:approvers',
        critical: true,
        text: 'approvers: GRACE asks you to approve activating Global Reader: “Investigating incident 42”.',
      }),
    ]);
    w.decideRequest('req_act2', 'pra', at(5), 'deny');
    expect(aboutRequest(w, 'ada', at(6)).map((n) => n.text)).toEqual([
      'approvers: PRA denied GRACE’s request to activate Global Reader: “Matches the incident ticket”.',
    ]);
  });
});

function DEFAULT_ROLE(): RoleSettings {
  return structuredClone({ ...settingsFor(World.setUp().state, SR) });
}
