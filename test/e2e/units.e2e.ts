/**
 * Administrative units (issue 3): a Global Administrator creates a unit, chooses its members and
 * makes someone User Administrator for that unit only; that person invites a newcomer, who joins
 * the unit on accepting; tenant-wide invites stay out of their reach.
 */
import type { BrowserContext } from '@playwright/test';
import { AdminPage, InvitePage, SetupPage } from './page-models/app';
import { inviteLink } from './page-models/approvals';
import { UnitsPage } from './page-models/units';
import { expect, openProfile, test } from './support/fixtures';

test('a User Administrator for a unit invites people into that unit only', async ({
  browser,
  relay,
}) => {
  test.setTimeout(120_000);
  const contexts: BrowserContext[] = [];
  const profile = async (viewport = { width: 1280, height: 800 }) => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    return context;
  };

  const { page: admin } = await openProfile(await profile(), relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  await new AdminPage(admin).open();
  const join = async (name: string, link: string) => {
    const { page } = await openProfile(await profile({ width: 390, height: 844 }), link);
    await new InvitePage(page).join(name);
    return page;
  };
  const olive = await join('Olive Ode', await inviteLink(admin, 'Olive Ode'));
  await join('Pat Paris', await inviteLink(admin, 'Pat Paris'));

  const units = new UnitsPage(admin);
  await expect(units.region().getByText('No administrative units yet')).toBeVisible();
  await units.create('Paris office');
  await units.create('Lyon office');
  await units.chooseMembers('Paris office', ['Pat Paris']);
  await expect(units.unit('Paris office')).toContainText('1 member: Pat Paris');
  await units.assignForUnit('Olive Ode', 'User Administrator', 'Paris office', 'Active');
  await expect(units.unit('Paris office')).toContainText(
    'Roles for this unit: Olive Ode: User Administrator (active)',
  );

  // Olive's Administration shows Users, and invites go into her unit only.
  const oliveAdmin = new AdminPage(olive);
  await oliveAdmin.open();
  const users = olive.getByRole('region', { name: 'Users' });
  await expect(users.getByLabel('Administrative unit')).toHaveValue(/.*/);
  await expect(users.getByLabel('Administrative unit').getByRole('option')).toHaveText([
    'Paris office',
  ]);
  await expect(
    users.getByText('Your User Administrator role is limited to this unit'),
  ).toBeVisible();
  await expect(olive.getByRole('region', { name: 'Administrative units' })).toHaveCount(0);
  const link = await oliveAdmin.invite('Nina New');
  await expect(users.getByText('joins Paris office')).toBeVisible();

  // Nina joins and is a member of Paris on the admin's screen, live.
  await join('Nina New', link);
  await expect(units.unit('Paris office')).toContainText('2 members: Nina New, Pat Paris');
  await expect(units.unit('Lyon office')).toContainText('No members');

  for (const context of contexts) await context.close();
});
