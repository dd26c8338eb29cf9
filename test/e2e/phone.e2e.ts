/**
 * Phone use (issue 5): My roles, the approvals inbox, My requests and the home page work at
 * 390×844 with touch. An admin at a desk makes Bo eligible for four roles (two need Cy's
 * approval); Bo asks for both; on their phones Bo and Cy see every screen without sideways
 * scrolling and with 44×44 CSS px touch targets, Bo activates a role with taps and a passkey, and
 * Cy approves a request with taps and a passkey.
 */
import { AdminPage, InvitePage, SetupPage } from './page-models/app';
import { ExtrasAdminPage, localInputsIn } from './page-models/activation-extras';
import { RequesterPage, RoleSettingsPage, inviteLink } from './page-models/approvals';
import {
  PhoneApprovalsPage,
  PhoneRolesPage,
  expectPhoneFriendly,
  phoneContext,
} from './page-models/phone';
import { expect, openProfile, test } from './support/fixtures';

const DAY = 86_400_000;

test('My roles, My requests and Approvals are usable with taps on a 390×844 phone', async ({
  browser,
  relay,
}) => {
  test.setTimeout(90_000);
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: admin } = await openProfile(adminContext, relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  await adminPage.open();

  const join = async (name: string) => {
    const link = await inviteLink(admin, name);
    const context = await phoneContext(browser);
    const { page } = await openProfile(context, link);
    await new InvitePage(page).join(name);
    return page;
  };
  const boPage = await join('Bo User');
  const cyPage = await join('Cy User');

  // Global Reader and Security Administrator need Cy's approval; the other two do not.
  await adminPage.createRole('Billing Reader', 'Reads invoices and payment methods.');
  const settings = new RoleSettingsPage(admin);
  for (const role of ['Global Reader', 'Security Administrator']) {
    await settings.open(role);
    await settings.requireApproval(role, {
      approvers: ['Cy User'],
      approvalsRequired: 1,
      timeout: '1 hour',
    });
    await settings.back();
  }
  for (const role of ['Security Reader', 'Global Reader', 'Security Administrator'])
    await adminPage.makeEligible('Bo User', role, 'On-call rota for the payments platform');
  // Billing Reader only for the next 10 days: Bo can ask to extend it.
  const tenDaysOn = await localInputsIn(admin, 10 * DAY);
  await new ExtrasAdminPage(admin).makeEligibleUntil(
    'Bo User',
    'Billing Reader',
    tenDaysOn.date,
    'Finance close, this quarter only',
  );

  // Bo asks for both roles that need approval, with taps.
  const bo = new PhoneRolesPage(boPage);
  await expect(bo.eligible().getByRole('heading', { name: 'Billing Reader' })).toBeVisible();
  for (const role of ['Global Reader', 'Security Administrator']) {
    const dialog = await bo.startActivation(role, {
      hours: 1,
      minutes: 0,
      justification: `Incident INC-20417: ${role} access to review the payment gateway configuration`,
    });
    await expect(dialog.getByText(/Needs approval from 1 of: Cy User/)).toBeVisible();
    await expectPhoneFriendly(boPage, `Activate ${role} dialog`);
    await bo.send(dialog, 'Request activation');
  }
  // Bo books Billing Reader for tomorrow morning, with taps.
  const tomorrow = await localInputsIn(boPage, DAY);
  const booking = await bo.startSchedule('Billing Reader', {
    date: tomorrow.date,
    time: '09:00',
    justification: 'Month-end invoice run',
  });
  await expectPhoneFriendly(boPage, 'Activate Billing Reader dialog, starting later');
  await bo.send(booking, 'Schedule');
  await expect(
    bo.scheduled().getByRole('button', { name: 'Cancel scheduled Billing Reader' }),
  ).toBeVisible();
  await expect(
    bo.eligible().getByRole('button', { name: 'Request extension of Billing Reader' }),
  ).toBeVisible();

  const requester = new RequesterPage(boPage);
  await expect(
    requester.pendingRequest('Global Reader').getByText('Pending approval'),
  ).toBeVisible();

  // My roles with eligible, pending and (below) active roles.
  await expectPhoneFriendly(boPage, 'My roles with pending requests');

  // Bo activates Security Reader with taps; the passkey confirms it.
  const dialog = await bo.startActivation('Security Reader', {
    hours: 1,
    minutes: 0,
    justification: 'Investigating alert 42',
  });
  await bo.send(dialog, 'Activate');
  await expect(bo.activeNow().getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  await expectPhoneFriendly(boPage, 'My roles with an active role');

  // My requests.
  await boPage
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'My requests' })
    .tap();
  await expect(boPage.getByRole('heading', { name: 'My requests', level: 1 })).toBeVisible();
  await expect(
    requester.requestCard('Requests waiting for approval', 'Global Reader'),
  ).toBeVisible();
  await expectPhoneFriendly(boPage, 'My requests');

  // The home page (it opens My roles once signed in).
  await boPage.goto(new URL('/', relay.origin).href);
  await expect(boPage.getByRole('heading', { name: 'My roles', level: 1 })).toBeVisible();
  await expect(bo.activeNow().getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  await expectPhoneFriendly(boPage, 'Home page');

  // Cy's approvals inbox with two requests waiting.
  const cy = new PhoneApprovalsPage(cyPage);
  await cy.open();
  await expect(cy.card('Bo User', 'Global Reader')).toBeVisible();
  await expect(cy.card('Bo User', 'Security Administrator')).toBeVisible();
  await expectPhoneFriendly(cyPage, 'Approvals with two requests waiting');

  // Cy starts to decide both at once, looks at the dialog, and thinks better of it.
  const bulk = await cy.startBulk('Deny', [
    { requester: 'Bo User', role: 'Global Reader' },
    { requester: 'Bo User', role: 'Security Administrator' },
  ]);
  await expectPhoneFriendly(cyPage, 'Deny 2 requests dialog');
  await bulk.getByRole('button', { name: 'Cancel' }).tap();
  await expect(bulk).toBeHidden();
  await cy.awaiting().getByLabel('Select all').tap();
  await expect(cy.awaiting().getByLabel('Select all')).not.toBeChecked();

  // An administrator's inbox lists every pending request too; Ada looks at it on a narrow window.
  await admin.setViewportSize({ width: 390, height: 844 });
  const adminApprovals = new PhoneApprovalsPage(admin);
  await admin
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Approvals/ })
    .click();
  await expect(
    admin.getByRole('list', { name: 'All pending requests' }).getByRole('article'),
  ).toHaveCount(2);
  await expectPhoneFriendly(admin, 'Approvals of an administrator');
  await admin.setViewportSize({ width: 1280, height: 800 });
  void adminApprovals;

  // Cy approves one with taps; the passkey confirms it and Bo's phone shows it active.
  const approve = await cy.startApproval('Bo User', 'Global Reader', 'Matches INC-20417');
  await expectPhoneFriendly(cyPage, 'Approve request dialog');
  await cy.send(approve);
  await expect(cy.card('Bo User', 'Global Reader')).toBeHidden();
  await expect(cy.page.getByRole('region', { name: 'Decided' })).toContainText('Global Reader');
  await expectPhoneFriendly(cyPage, 'Approvals with a decided request');

  await bo.open();
  await expect(bo.activeNow().getByRole('heading', { name: 'Global Reader' })).toBeVisible();
  await expectPhoneFriendly(boPage, 'My roles with two active roles');

  await boPage.context().close();
  await cyPage.context().close();
  await adminContext.close();
});
