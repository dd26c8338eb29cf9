/**
 * Activation extras (issue 3): a bundle of two roles confirmed with one passkey ceremony, a
 * scheduled activation that starts later, an extension asked for by the user and approved by
 * an administrator, and a break-glass account that skips approval and raises a loud alert.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { AdminPage, InvitePage, MyRolesPage, SetupPage } from './page-models/app';
import {
  ExtrasAdminPage,
  ExtrasRolesPage,
  localInputsIn,
  openCountingProfile,
} from './page-models/activation-extras';
import { RoleSettingsPage, inviteLink } from './page-models/approvals';
import { expect, openProfile, test, type RelayProcess } from './support/fixtures';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const PHONE = { width: 390, height: 844 };

type Cast = {
  admin: Page;
  adminPage: AdminPage;
  extrasAdmin: ExtrasAdminPage;
  user: Page;
  userContext: BrowserContext;
  passkey: Awaited<ReturnType<typeof openCountingProfile>>['passkey'];
  moveTime(ms: number): Promise<void>;
  close(): Promise<void>;
};

/** Ada sets Leasehold up at a desk; Bo joins on a phone. Both on clocks the test can move. */
async function cast(browser: import('@playwright/test').Browser, relay: RelayProcess) {
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const userContext = await browser.newContext({ viewport: PHONE });
  await adminContext.clock.install();
  await userContext.clock.install();
  const { page: admin } = await openProfile(adminContext, relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const link = await inviteLink(admin, 'Bo User');
  const { page: user, passkey } = await openCountingProfile(userContext, link);
  await new InvitePage(user).join('Bo User');
  return {
    admin,
    adminPage,
    extrasAdmin: new ExtrasAdminPage(admin),
    user,
    userContext,
    passkey,
    async moveTime(ms: number) {
      await relay.advanceClock(ms);
      await adminContext.clock.fastForward(ms);
      await userContext.clock.fastForward(ms);
    },
    async close() {
      await adminContext.close();
      await userContext.close();
    },
  } satisfies Cast;
}

test('a bundle of two roles takes one passkey ceremony; a scheduled activation starts later', async ({
  browser,
  relay,
}) => {
  test.setTimeout(120_000);
  const c = await cast(browser, relay);
  await c.adminPage.makeEligible('Bo User', 'Security Reader', 'On-call rota');
  await c.adminPage.makeEligible('Bo User', 'Global Reader', 'Quarterly review');
  await c.adminPage.makeEligible('Bo User', 'User Administrator', 'Month end');
  const roles = new ExtrasRolesPage(c.user);
  await expect(roles.card('User Administrator')).toBeVisible();

  // Bundle: two roles, one justification, one passkey ceremony for both.
  const dialog = await roles.openBundle(['Security Reader', 'Global Reader']);
  await c.user.screenshot({ path: '/tmp/pw-extras/bundle-dialog-390.png', fullPage: true });
  await expect(dialog.getByText(/one passkey confirmation/)).toBeVisible();
  await dialog.getByLabel('Hours for Global Reader').fill('2');
  await dialog.getByLabel('Minutes for Global Reader').fill('0');
  await dialog.getByLabel(/Justification/).fill('Incident 7 needs both');
  const signsBefore = await c.passkey.signCount();
  const assertedBefore = c.passkey.asserted();
  await dialog.getByRole('button', { name: 'Activate all 2' }).click();
  await expect(dialog.getByText('Security Reader: active now')).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByText('Global Reader: active now')).toBeVisible();
  expect(c.passkey.asserted() - assertedBefore).toBe(1);
  expect((await c.passkey.signCount()) - signsBefore).toBe(1);
  await dialog.getByRole('button', { name: 'Done' }).click();
  const active = roles.activeNow();
  await expect(active.getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  await expect(active.getByRole('heading', { name: 'Global Reader' })).toBeVisible();
  await expect(active.getByText(/2 h|1 h 59 min/)).toBeVisible();

  // Scheduled: starts in two hours, grants nothing before then, then shows as active.
  await roles.schedule('User Administrator', 2 * 60 * MIN, 'Month-end close');
  const scheduled = roles.scheduled();
  await expect(scheduled.getByRole('heading', { name: 'User Administrator' })).toBeVisible();
  await expect(scheduled.getByText(/starts in (2 h|1 h 59 min)/)).toBeVisible();
  await expect(active.getByRole('heading', { name: 'User Administrator' })).toBeHidden();
  await c.user.screenshot({ path: '/tmp/pw-extras/my-roles-390.png', fullPage: true });
  // Two minutes before it starts, activating it now would overlap: the page says why.
  await c.moveTime(2 * 60 * MIN - 2 * MIN);
  const why = roles
    .card('User Administrator')
    .getByText('Why can’t I activate User Administrator?');
  await why.click();
  await expect(roles.card('User Administrator').getByText(/scheduled for you from/)).toBeVisible();
  await expect(
    roles.card('User Administrator').getByText('It needs no approval once this is resolved.'),
  ).toBeVisible();
  await c.user.screenshot({ path: '/tmp/pw-extras/my-roles-why-390.png', fullPage: true });
  await c.moveTime(3 * MIN);
  await expect(active.getByRole('heading', { name: 'User Administrator' })).toBeVisible();
  await expect(scheduled).toBeHidden();
  // Nothing on a phone scrolls sideways.
  const overflow = await c.user.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await c.close();
});

test('a user asks to extend an assignment ending soon; the admin approves and the end moves', async ({
  browser,
  relay,
}) => {
  test.setTimeout(120_000);
  const c = await cast(browser, relay);
  const end = await localInputsIn(c.admin, 7 * DAY);
  const later = await localInputsIn(c.admin, 60 * DAY);
  await c.extrasAdmin.makeEligibleUntil('Bo User', 'Security Reader', end.date, 'Project Kite');
  const roles = new ExtrasRolesPage(c.user);
  const card = roles.card('Security Reader');
  await expect(card.getByText(`Eligible until ${end.shown}`)).toBeVisible();

  await roles.requestExtension('Security Reader', later.date, 'Project Kite runs two more months');
  await expect(card.getByText('Waiting for an administrator')).toBeVisible();
  await c.user.screenshot({ path: '/tmp/pw-extras/my-roles-extension-390.png', fullPage: true });

  await expect(
    c.extrasAdmin.extensionRequests().getByRole('heading', { name: 'Bo User · Security Reader' }),
  ).toBeVisible();
  await c.extrasAdmin.approveExtension('Bo User', 'Security Reader', 'Confirmed with the PM');
  await expect(
    c.extrasAdmin.extensionRequests().getByText('No extension or renewal requests'),
  ).toBeVisible();
  await expect(card.getByText(`Eligible until ${later.shown}`)).toBeVisible();
  await expect(card.getByText(/extension request was approved by Ada Admin/)).toBeVisible();
  await c.close();
});

test('a break-glass account activates an approval-required role at once and the admin is alerted', async ({
  browser,
  relay,
}) => {
  test.setTimeout(120_000);
  const c = await cast(browser, relay);
  await c.extrasAdmin.markBreakGlass('Bo User', 'Emergency access account');
  await expect(
    c.extrasAdmin.users().getByText('Break-glass account', { exact: true }),
  ).toBeVisible();

  const settings = new RoleSettingsPage(c.admin);
  await settings.open('Security Reader');
  await settings.requireApproval('Security Reader', {
    approvers: ['Ada Admin'],
    approvalsRequired: 1,
    timeout: '1 hour',
  });
  await settings.back();
  await c.adminPage.makeEligible('Bo User', 'Security Reader', 'Break-glass cover');

  // The admin watches the alerts page while Bo activates.
  await c.extrasAdmin.openAlerts();
  await expect(c.admin.getByText('No alerts', { exact: true })).toBeVisible();

  // No approval needed for a break-glass account: the dialog activates at once.
  await new MyRolesPage(c.user).activate('Security Reader', {
    hours: 1,
    minutes: 0,
    justification: 'Outage: nobody else reachable',
  });
  await expect(
    new ExtrasRolesPage(c.user).activeNow().getByRole('heading', { name: 'Security Reader' }),
  ).toBeVisible();

  await expect(c.admin.getByRole('alert')).toContainText(
    /Break-glass account Bo User activated Security Reader at \d\d:\d\d/,
  );
  await expect(
    c.admin.getByRole('list', { name: 'Alerts, newest first' }).getByText('High severity'),
  ).toBeVisible();
  await expect(
    c.admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Alerts\s*1/ }),
  ).toBeVisible();
  await c.close();
});
