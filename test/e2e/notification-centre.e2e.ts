/**
 * Role notification settings and the in-app notification centre (issue 3, "Role settings": the
 * notification rows of PRODUCT.md's table). An admin stops telling the assignee of an eligible
 * assignment of Security Reader and tells Cy instead; the centres of Bo and Cy follow, live, and
 * opening the centre marks it read.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { AdminPage, InvitePage, SetupPage } from './page-models/app';
import { inviteLink, RoleSettingsPage } from './page-models/approvals';
import { NotificationCentre } from './page-models/notifications';
import { expect, openProfile, test } from './support/fixtures';

const CELL = 'Someone is assigned as eligible';

const navLink = (page: Page) => new NotificationCentre(page).navLink();
const openCentre = (page: Page) => new NotificationCentre(page).open();

test('notification settings decide who is told of an assignment; the centre marks what is new', async ({
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
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const join = async (name: string) => {
    const { page } = await openProfile(await profile(), await inviteLink(admin, name));
    await new InvitePage(page).join(name);
    return page;
  };
  const bo = await join('Bo User');
  const cy = await join('Cy User');

  // Security Reader: the assignee is not told of an eligible assignment; Cy is, as an admin would be.
  const settings = new RoleSettingsPage(admin);
  await settings.open('Security Reader');
  await admin
    .getByRole('checkbox', { name: `${CELL} — Assignee or requester: default recipients` })
    .uncheck();
  await admin
    .getByRole('listbox', { name: `${CELL} — Administrators: also notify` })
    .selectOption({ label: 'Cy User' });
  await expect(
    settings
      .changes()
      .getByText(
        'Notifications defaults → (someone is assigned as eligible → administrators: also Cy User; someone is assigned as eligible → assignee or requester: default recipients off)',
      ),
  ).toBeVisible();
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(settings.changes().getByText(/^Saved 1 change to Security Reader\.$/)).toBeVisible();
  await settings.back();

  // Bo is made eligible for Security Reader (not told) and for Global Reader (told, by default).
  await adminPage.makeEligible('Bo User', 'Security Reader', 'SOC rota');
  await expect(navLink(cy)).toHaveAccessibleName(/Notifications\s*1 unread/);
  await openCentre(cy);
  const cyList = cy.getByRole('list', { name: 'Notifications' });
  await expect(cyList.getByRole('listitem')).toHaveCount(1);
  await expect(cyList).toContainText('Ada Admin assigned Bo User as eligible for Security Reader.');
  await expect(cyList).toContainText('New');
  await expect(navLink(cy)).toHaveAccessibleName('Notifications');

  await adminPage.makeEligible('Bo User', 'Global Reader', 'Audit work');
  await expect(navLink(bo)).toHaveAccessibleName(/Notifications\s*1 unread/);
  await openCentre(bo);
  const boList = bo.getByRole('list', { name: 'Notifications' });
  await expect(boList.getByRole('listitem')).toHaveCount(1);
  await expect(boList).toContainText(
    'You are now eligible for Global Reader: activate it when you need it.',
  );
  await expect(boList).not.toContainText('Security Reader');
  await boList.getByRole('link', { name: 'Open My roles' }).click();
  await expect(bo.getByRole('heading', { name: 'My roles', level: 1 })).toBeVisible();

  // Read marks stay read across a reload.
  await cy.reload();
  await expect(navLink(cy)).toHaveAccessibleName('Notifications');

  for (const context of contexts) await context.close();
});
