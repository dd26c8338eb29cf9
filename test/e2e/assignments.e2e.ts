/**
 * Assignments with a start and an end (issue 3, "Admins assign eligible or active, permanent or
 * time-bound (start and end), update, remove"): an admin makes Bo eligible from a later day, then
 * changes the dates so it starts now and ends on a chosen day; Bo can activate it at once.
 */
import type { BrowserContext } from '@playwright/test';
import { AdminPage, InvitePage, MyRolesPage, SetupPage } from './page-models/app';
import { inviteLink } from './page-models/approvals';
import { localInputsIn } from './page-models/activation-extras';
import { expect, openProfile, test } from './support/fixtures';

const DAY = 86_400_000;

test('an admin assigns from a later day, then changes the dates; the holder sees the change live', async ({
  browser,
  relay,
}) => {
  test.setTimeout(120_000);
  const contexts: BrowserContext[] = [];
  const profile = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    return context;
  };
  const { page: admin } = await openProfile(await profile(), relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  await new AdminPage(admin).open();
  const { page: bo } = await openProfile(await profile(), await inviteLink(admin, 'Bo User'));
  await new InvitePage(bo).join('Bo User');

  // Eligible for Security Reader from three days ahead, until in 20 days.
  const eligibility = admin.getByRole('region', { name: 'Eligibility', exact: true });
  const start = await localInputsIn(admin, 3 * DAY);
  const end = await localInputsIn(admin, 20 * DAY);
  await eligibility.getByLabel('Person').selectOption({ label: 'Bo User' });
  await eligibility.getByLabel('Role', { exact: true }).selectOption({ label: 'Security Reader' });
  await eligibility.getByLabel('Starts on (optional; empty starts it now)').fill(start.date);
  await eligibility.getByRole('checkbox', { name: 'Permanent' }).uncheck();
  await eligibility.getByLabel('Ends on').fill(end.date);
  await eligibility.getByLabel('Justification', { exact: true }).fill('Joins the SOC rota');
  await eligibility.getByRole('button', { name: 'Assign role' }).click();
  await expect(eligibility.getByText('Bo User is now eligible for Security Reader.')).toBeVisible();
  const row = eligibility
    .getByRole('listitem')
    .filter({ hasText: 'Bo User' })
    .filter({ hasText: 'Security Reader' });
  await expect(row).toContainText(`starts ${start.shown}`);

  // Bo cannot activate it yet.
  const boRoles = new MyRolesPage(bo);
  await expect(bo.getByRole('button', { name: 'Activate Security Reader' })).toHaveCount(0);

  // The admin moves the start to now and the end to in 10 days.
  await row.getByRole('button', { name: 'Change dates of Security Reader for Bo User' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Change dates of Security Reader for Bo User' });
  const today = await localInputsIn(admin, 0);
  const sooner = await localInputsIn(admin, 10 * DAY);
  await dialog.getByLabel('Starts on').fill(today.date);
  await dialog.getByLabel('Ends on').fill(sooner.date);
  // The domain's preview, before sending: an end before the start is refused.
  await dialog.getByLabel('Ends on').fill((await localInputsIn(admin, -DAY)).date);
  await expect(dialog.getByText('Leasehold would refuse this:')).toBeVisible();
  await dialog.getByLabel('Ends on').fill(sooner.date);
  await expect(dialog.getByText('Leasehold would refuse this:')).toHaveCount(0);
  await dialog.getByLabel('Justification').fill('Needed this week');
  await dialog.getByRole('button', { name: 'Save dates' }).click();
  await expect(dialog).toBeHidden();
  await expect(
    eligibility.getByText(`Security Reader for Bo User now ends ${sooner.shown}.`),
  ).toBeVisible();
  await expect(row).not.toContainText('starts');

  // Bo's window follows live: the role can be activated now.
  await expect(boRoles.eligible().getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  await boRoles.activate('Security Reader', {
    hours: 1,
    minutes: 0,
    justification: 'Alert triage',
  });
  await expect(boRoles.activeNow().getByRole('heading', { name: 'Security Reader' })).toBeVisible();

  for (const context of contexts) await context.close();
});
