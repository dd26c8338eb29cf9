/**
 * OS notifications (issue 5), shown by the app's service worker registration while Leasehold is
 * open, for a person who turned them on from the Devices page: (a) another person asks for a role
 * this person approves; (b) an activation of theirs ends within 10 minutes. Seen through
 * `registration.getNotifications()`, the list of notifications that registration has on screen,
 * and counted in DevTools' background-services log of displayed notifications.
 */
import type { BrowserContext } from '@playwright/test';
import { AdminPage, InvitePage, MyRolesPage, SetupPage } from './page-models/app';
import { RequesterPage, RoleSettingsPage, inviteLink } from './page-models/approvals';
import {
  DevicesPage,
  recordDisplayedNotifications,
  serviceWorkerReady,
  shownNotifications,
} from './page-models/notifications';
import { expect, openProfile, test } from './support/fixtures';

const MIN = 60_000;

test('an approver is notified of a new request, and of an activation about to end', async ({
  browser,
  relay,
}) => {
  test.setTimeout(90_000);
  const contexts: BrowserContext[] = [];
  const profile = async (viewport: { width: number; height: number }) => {
    const context = await browser.newContext({ viewport });
    // Fake clocks that flow like real time until the test moves them (see activation.e2e.ts).
    await context.clock.install();
    contexts.push(context);
    return context;
  };
  const moveTime = async (ms: number) => {
    await relay.advanceClock(ms);
    for (const context of contexts) await context.clock.fastForward(ms);
  };

  const { page: admin } = await openProfile(
    await profile({ width: 1280, height: 800 }),
    relay.setupUrl,
  );
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const join = async (name: string) => {
    const link = await inviteLink(admin, name);
    const context = await profile({ width: 390, height: 844 });
    const { page } = await openProfile(context, link);
    await new InvitePage(page).join(name);
    return { page, context };
  };
  const bo = await join('Bo User');
  const cy = await join('Cy User');

  const settings = new RoleSettingsPage(admin);
  await settings.open('Global Reader');
  await settings.requireApproval('Global Reader', {
    approvers: ['Cy User'],
    approvalsRequired: 1,
    timeout: '1 hour',
  });
  await settings.back();
  await adminPage.makeEligible('Bo User', 'Global Reader', 'Quarterly access review');
  await adminPage.makeEligible('Cy User', 'Security Reader', 'On-call rota');

  // Cy turns notifications on from the Devices page.
  const log = await recordDisplayedNotifications(cy.context, cy.page);
  const devices = new DevicesPage(cy.page);
  await devices.open();
  await devices.allowNotifications(cy.context, relay.origin);
  await serviceWorkerReady(cy.page);
  expect(await shownNotifications(cy.page)).toEqual([]);

  // (a) Bo asks for Global Reader, which Cy approves: Cy's phone shows a notification.
  const requester = new RequesterPage(bo.page);
  await requester.request('Global Reader', {
    minutes: 60,
    justification: 'Quarterly access review',
    says: /Needs approval from 1 of: Cy User/,
  });
  await expect
    .poll(() => shownNotifications(cy.page), { timeout: 15_000 })
    .toEqual([
      {
        title: 'Approval needed: Global Reader',
        body: 'Bo User asks to activate Global Reader: “Quarterly access review”',
        tag: expect.stringMatching(/^request-/),
        url: '/approvals',
      },
    ]);
  // Displayed once, and not again when Cy reopens the app with the request still waiting.
  const requestShown = log.displayed();
  expect(requestShown.map((n) => n.title)).toEqual(['Approval needed: Global Reader']);
  await cy.page.reload();
  await expect(cy.page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
  await expect(cy.page.getByText('Online')).toBeVisible({ timeout: 15_000 });
  await moveTime(1 * MIN);
  expect(log.displayed()).toEqual(requestShown);
  // Bo did not allow notifications: nothing for Bo.
  expect(
    await bo.page.evaluate(() =>
      typeof Notification === 'undefined' ? null : Notification.permission,
    ),
  ).toBe('default');

  // (b) Cy activates Security Reader for 30 minutes. No warning while it has 30 minutes left…
  const roles = new MyRolesPage(cy.page);
  await cy.page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'My roles' })
    .click();
  await roles.activate('Security Reader', { hours: 0, minutes: 30, justification: 'Alert 42' });
  await expect(roles.activeNow().getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  await moveTime(1 * MIN);
  expect(log.displayed()).toEqual(requestShown);
  // …and one once it is within 10 minutes of its end: 8 minutes and some seconds left.
  await moveTime(20 * MIN);
  const endsAt = roles.activeNow().getByText(/Ends at \d\d:\d\d \S+ · 8 min left/);
  await expect(endsAt).toBeVisible();
  // The time as the app shows it, zone and all ("17:05 UTC").
  const time = /\d\d:\d\d \S+/.exec((await endsAt.textContent()) ?? '')![0];
  await expect
    .poll(async () => (await shownNotifications(cy.page)).slice(1), { timeout: 15_000 })
    .toEqual([
      {
        title: 'Security Reader ends in 8 min',
        body: `It ends on its own at ${time}. Finish your work, or activate it again when you need it.`,
        tag: expect.stringMatching(/^ending-/),
        url: '/roles',
      },
    ]);
  // Warned once: Cy dismisses the notifications, and later looks (every 30 s) add none.
  await cy.page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    for (const n of await registration.getNotifications()) n.close();
  });
  expect(await shownNotifications(cy.page)).toEqual([]);
  await moveTime(1 * MIN);
  await expect(roles.activeNow().getByText(/· 7 min left/)).toBeVisible();
  await moveTime(1 * MIN);
  await expect(roles.activeNow().getByText(/· 6 min left/)).toBeVisible();
  expect(await shownNotifications(cy.page)).toEqual([]);
  expect(log.displayed().map((n) => n.title)).toEqual([
    'Approval needed: Global Reader',
    'Security Reader ends in 8 min',
  ]);

  for (const context of contexts) await context.close();
});
