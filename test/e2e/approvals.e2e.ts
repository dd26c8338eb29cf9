/**
 * Approvals with a quorum (issue 3, "Approvals"), as five people do it in their own browser
 * profiles: an admin at a desk sets the role settings; a requester and three approvers on phones.
 * (a) 2 of 3 approvals start the activation live, (b) the first denial ends a request with its
 * reason, (c) a request nobody decides expires, (d) one approver decides two requests at once.
 * At each ending the requester's notification centre says how the request ended, as news.
 */
import type { BrowserContext } from '@playwright/test';
import { AdminPage, InvitePage, SetupPage } from './page-models/app';
import {
  ApprovalsPage,
  RequesterPage,
  RoleSettingsPage,
  inviteLink,
} from './page-models/approvals';
import { openCountingProfile } from './page-models/activation-extras';
import { NotificationCentre } from './page-models/notifications';
import { expect, openProfile, test } from './support/fixtures';

const MIN = 60_000;
const PHONE = { width: 390, height: 844 };

test('requests wait for a quorum of approvers, can be denied, expire, and are decided in bulk', async ({
  browser,
  relay,
}) => {
  test.setTimeout(150_000);
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

  // The admin sets up Leasehold and invites a requester and three approvers.
  const { page: admin } = await openProfile(
    await profile({ width: 1280, height: 800 }),
    relay.setupUrl,
  );
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const join = async (name: string) => {
    const link = await inviteLink(admin, name);
    const { page } = await openProfile(await profile(PHONE), link);
    await new InvitePage(page).join(name);
    return page;
  };
  const bo = new RequesterPage(await join('Bo User'));
  // Cy's passkey assertions are counted: the bulk decision takes exactly one.
  const cyProfile = await openCountingProfile(
    await profile(PHONE),
    await inviteLink(admin, 'Cy User'),
  );
  await new InvitePage(cyProfile.page).join('Cy User');
  const cy = new ApprovalsPage(cyProfile.page);
  const di = new ApprovalsPage(await join('Di User'));
  const ed = new ApprovalsPage(await join('Ed User'));

  // Role settings: Security Reader needs 2 of Cy, Di, Ed; Global Reader 1 of Cy, Di.
  const settings = new RoleSettingsPage(admin);
  await settings.open('Security Reader');
  await settings.requireApproval('Security Reader', {
    approvers: ['Cy User', 'Di User', 'Ed User'],
    approvalsRequired: 2,
    timeout: '1 hour',
  });
  await settings.back();
  await settings.open('Global Reader');
  await settings.requireApproval('Global Reader', {
    approvers: ['Cy User', 'Di User'],
    approvalsRequired: 1,
    timeout: '1 hour',
  });
  await settings.back();
  await expect(admin.getByText(/needs 2 approvals/)).toBeVisible();
  await adminPage.makeEligible('Bo User', 'Security Reader', 'On-call rota');
  await adminPage.makeEligible('Bo User', 'Global Reader', 'Quarterly review');

  // (a) Quorum 2 of 3. The dialog says who must approve before anything is sent.
  await bo.request('Security Reader', {
    minutes: 30,
    justification: 'Investigating alert 42',
    says: /Needs approval from 2 of: Cy User, Di User, Ed User · expires after 1 h if nobody decides/,
  });
  const pending = bo.pendingRequest('Security Reader');
  await expect(pending.getByText('Pending approval')).toBeVisible();
  await expect(pending.getByText('0 of 2 approvals')).toBeVisible();
  await expect(pending.getByRole('button', { name: /Cancel request/ })).toBeVisible();
  // Bo's notification centre says it waits; reading it marks everything so far read.
  const boCentre = new NotificationCentre(bo.page);
  await boCentre.open();
  await expect(
    boCentre.item('You asked to activate Security Reader; it needs approval.'),
  ).toBeVisible();
  await expect(boCentre.navLink()).toHaveAccessibleName('Notifications');
  await bo.openMyRoles();

  await expect(cy.navLink()).toHaveAccessibleName(/Approvals\s*1 waiting/);
  await cy.open();
  await expect(
    cy.card('Bo User', 'Security Reader').getByText('Investigating alert 42'),
  ).toBeVisible();
  await cy.decide('Approve', 'Bo User', 'Security Reader', 'Alert 42 is real');
  await expect(cy.awaiting().getByText('Nothing is waiting for you')).toBeVisible();
  await expect(cy.decided().getByText(/You approved at .*“Alert 42 is real”/)).toBeVisible();
  await expect(pending.getByText('1 of 2 approvals')).toBeVisible();
  await expect(pending.getByText('Pending approval')).toBeVisible();

  await di.open();
  await di.decide('Approve', 'Bo User', 'Security Reader', 'Agreed with Cy');
  // Granted on the relay, seen live on Bo's phone.
  await expect(bo.activeNow().getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  await expect(pending).toBeHidden();
  // Bo is told who approved it, as news, and the ask no longer says it waits.
  await expect(boCentre.navLink()).toHaveAccessibleName(/^Notifications\s*1 unread$/);
  await boCentre.open();
  const approved = boCentre.item(
    /Cy User and Di User approved your request to activate Security Reader; it is active until \d{2}:\d{2}/,
  );
  await expect(approved).toBeVisible();
  await expect(approved.getByText('New', { exact: true })).toBeVisible();
  await expect(boCentre.item('it needs approval')).toHaveCount(0);
  await approved.getByRole('link', { name: 'Open My roles' }).click();
  await expect(bo.activeNow().getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  // Every approver sees the outcome, Ed who did not decide too.
  await ed.open();
  await expect(ed.awaiting().getByText('Nothing is waiting for you')).toBeVisible();
  await expect(
    ed
      .decided()
      .getByRole('article', { name: 'Bo User · Security Reader' })
      .getByText('Approved and active', { exact: true }),
  ).toBeVisible();
  // Ed's centre no longer asks him to act on it: it says who resolved it.
  const edCentre = new NotificationCentre(ed.page);
  await edCentre.open();
  const resolved = edCentre.item(
    'Cy User and Di User approved Bo User’s request to activate Security Reader.',
  );
  await expect(resolved).toBeVisible();
  await expect(resolved.getByText('Needs you')).toHaveCount(0);
  await expect(edCentre.item('asks you to approve')).toHaveCount(0);

  // (b) A denial ends the request at once, with the approver's reason for the requester.
  await bo.request('Global Reader', {
    minutes: 60,
    justification: 'Quarterly access review',
    says: /Needs approval from 1 of: Cy User, Di User/,
  });
  // Di starts to approve it too, but Cy's denial gets there first.
  await di
    .card('Bo User', 'Global Reader')
    .getByRole('button', { name: /^Approve / })
    .click();
  const late = di.page.getByRole('dialog', { name: 'Approve request' });
  await late.getByLabel(/Justification/).fill('Looks fine to me');
  await cy.decide('Deny', 'Bo User', 'Global Reader', 'The review is next week');
  await late.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(late.getByRole('alert')).toHaveText(
    'Not approved: someone else already resolved it (denied by Cy User).',
  );
  await late.getByRole('button', { name: 'Cancel' }).click();
  await expect(late).toBeHidden();
  await expect(
    bo
      .eligibleCard('Global Reader')
      .getByText('Your last request: Denied by Cy User: “The review is next week”.'),
  ).toBeVisible();
  await bo.openMyRequests();
  const denied = bo.requestCard('Earlier requests', 'Global Reader');
  await expect(denied.getByText('Denied', { exact: true })).toBeVisible();
  await expect(denied.getByText('Cy User denied')).toBeVisible();
  await expect(denied.getByText('“The review is next week”')).toBeVisible();
  // …and in Bo's notification centre, as news.
  await expect(boCentre.navLink()).toHaveAccessibleName(/^Notifications\s*1 unread$/);
  await boCentre.open();
  const deniedItem = boCentre.item(
    'Cy User denied your request to activate Global Reader: “The review is next week”.',
  );
  await expect(deniedItem).toBeVisible();
  await expect(deniedItem.getByText('New', { exact: true })).toBeVisible();
  await expect(boCentre.item('it needs approval')).toHaveCount(0);
  // Di, the other approver, no longer has it waiting.
  await expect(di.awaiting().getByText('Nothing is waiting for you')).toBeVisible();

  // (c) Nobody decides within the hour: the request expires everywhere.
  await bo.openMyRoles();
  await bo.request('Global Reader', {
    minutes: 60,
    justification: 'Second try',
    says: /Needs approval from 1 of/,
  });
  await expect(cy.card('Bo User', 'Global Reader')).toBeVisible();
  await moveTime(61 * MIN);
  await expect(cy.card('Bo User', 'Global Reader')).toBeHidden();
  await expect(cy.navLink()).toHaveAccessibleName('Approvals');
  await bo.openMyRequests();
  await expect(
    bo.requestCard('Earlier requests', 'Global Reader').getByText('Expired', { exact: true }),
  ).toBeVisible();
  await expect(
    bo
      .requestCard('Earlier requests', 'Global Reader')
      .getByText('Expired: nobody decided in time'),
  ).toBeVisible();
  await boCentre.open();
  await expect(
    boCentre.item(/Your request to activate Global Reader expired at .+: nobody decided in time\./),
  ).toBeVisible();
  await expect(boCentre.item('it needs approval')).toHaveCount(0);

  // (d) Two requests, one bulk approval confirmed with ONE passkey prompt bound to both.
  await bo.openMyRoles();
  await expect(bo.activeNow().getByText('No active roles')).toBeVisible();
  await bo.request('Security Reader', {
    minutes: 30,
    justification: 'Incident 7',
    says: /Needs approval from 2 of/,
  });
  await bo.request('Global Reader', {
    minutes: 30,
    justification: 'Incident 7',
    says: /Needs approval from 1 of/,
  });
  await expect(cy.navLink()).toHaveAccessibleName(/Approvals\s*2 waiting/);
  const signsBefore = await cyProfile.passkey.signCount();
  const bulk = await cy.decideSelected(
    'Approve',
    [
      { requester: 'Bo User', role: 'Security Reader' },
      { requester: 'Bo User', role: 'Global Reader' },
    ],
    'Incident 7 needs both',
  );
  await expect(bulk.getByText('Approved', { exact: true })).toHaveCount(2, { timeout: 20_000 });
  expect((await cyProfile.passkey.signCount()) - signsBefore).toBe(1);
  await bulk.getByRole('button', { name: 'Done' }).click();
  await expect(bulk).toBeHidden();
  await expect(cy.awaiting().getByText('Nothing is waiting for you')).toBeVisible();
  // Global Reader needed one approval: active now. Security Reader still waits for a second.
  await expect(bo.activeNow().getByRole('heading', { name: 'Global Reader' })).toBeVisible();
  await expect(bo.pendingRequest('Security Reader').getByText('1 of 2 approvals')).toBeVisible();

  for (const context of contexts) await context.close();
});
