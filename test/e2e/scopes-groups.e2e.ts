/**
 * Scopes and PIM for Groups (issue 3, "Scopes and groups"), as four people do it in their own
 * browser profiles: an admin builds a small resource tree and a group and makes the GROUP
 * eligible for Contributor at a subscription; a member activates it on a phone and sees a role
 * the group holds actively under "Active now"; a new owner of the group manages its members; the
 * last owner cannot be removed, and the app says why.
 */
import type { BrowserContext } from '@playwright/test';
import { AdminPage, InvitePage, MyRolesPage, SetupPage } from './page-models/app';
import { inviteLink } from './page-models/approvals';
import { GroupsPage, ResourcesPage, ScopedEligibilityPage } from './page-models/scopes-groups';
import { expect, openProfile, test } from './support/fixtures';

const PHONE = { width: 390, height: 844 };
const GROUP = 'Payments on-call';
const ROLE_AT_SUB = 'Contributor · on sub-payments';

test('a group made eligible at a subscription lets its member activate; owners manage the group', async ({
  browser,
  relay,
}) => {
  test.setTimeout(150_000);
  const contexts: BrowserContext[] = [];
  const profile = async (viewport: { width: number; height: number }) => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    return context;
  };

  // The admin sets up Leasehold and invites Bo, Cy and Di.
  const { page: admin } = await openProfile(
    await profile({ width: 1280, height: 800 }),
    relay.setupUrl,
  );
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const join = async (name: string, viewport = PHONE) => {
    const link = await inviteLink(admin, name);
    const { page } = await openProfile(await profile(viewport), link);
    await new InvitePage(page).join(name);
    return page;
  };
  const bo = await join('Bo User');
  const cy = await join('Cy User', { width: 1024, height: 768 });
  await join('Di User');

  // A small tree: management group → subscription → resource group.
  const resources = new ResourcesPage(admin);
  await expect(resources.region().getByText('No resources yet')).toBeVisible();
  await resources.add('mg-contoso', 'Management group');
  await resources.add('sub-payments', 'Subscription', 'mg-contoso');
  await resources.add('rg-payments', 'Resource group', 'sub-payments');
  await expect(
    resources.tree().getByRole('list', { name: 'Inside sub-payments' }).getByText('rg-payments'),
  ).toBeVisible();
  // A scope with something below it cannot be deleted: the domain's reason, in plain words.
  await resources.region().getByRole('button', { name: 'Delete sub-payments' }).click();
  await expect(resources.region().getByRole('alert')).toContainText(
    'sub-payments still has scopes below it; delete those first.',
  );

  // A group with Bo as a member, made eligible for Contributor at the subscription.
  const groups = new GroupsPage(admin);
  await groups.create(GROUP);
  await groups.add(GROUP, 'member', 'Bo User');
  await expect(groups.effective(GROUP)).toContainText('Bo User');
  await new ScopedEligibilityPage(admin).makeGroupEligible(
    GROUP,
    'Contributor',
    'sub-payments',
    'Payments incident rota',
  );

  // Bo, on a phone, sees it through the group and activates it with the passkey.
  const boRoles = new MyRolesPage(bo);
  const card = boRoles
    .eligible()
    .getByRole('listitem')
    .filter({
      has: bo.getByRole('heading', { name: ROLE_AT_SUB, exact: true }),
    });
  await expect(card).toBeVisible({ timeout: 15_000 });
  await expect(card).toContainText(`Through the group ${GROUP}`);
  await boRoles.activate(ROLE_AT_SUB, { hours: 1, minutes: 0, justification: 'INC-7 payments' });
  await expect(boRoles.activeNow().getByRole('heading', { name: ROLE_AT_SUB })).toBeVisible();

  // The group is also made ACTIVE for Reader below the subscription: Bo holds it all the time,
  // only through the group, and My roles lists it under "Active now" and says so.
  await new ScopedEligibilityPage(admin).assignGroup(
    GROUP,
    'Reader',
    'rg-payments',
    'Read access for the rota',
    'active',
  );
  const heldThroughGroup = boRoles
    .activeNow()
    .getByRole('listitem')
    .filter({
      has: bo.getByRole('heading', { name: 'Reader · on rg-payments', exact: true }),
    });
  await expect(heldThroughGroup).toBeVisible();
  await expect(heldThroughGroup).toContainText(`Through the group ${GROUP}`);
  const noScroll = await bo.evaluate(
    () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
  );
  expect(noScroll).toBe(true);

  // The admin makes Cy an owner; Cy (no admin role) manages the group and adds Di.
  await groups.add(GROUP, 'owner', 'Cy User');
  await cy.reload();
  await cy.getByRole('link', { name: 'Administration' }).click();
  const cyGroups = new GroupsPage(cy);
  await expect(cyGroups.card(GROUP)).toBeVisible();
  await cyGroups.add(GROUP, 'member', 'Di User');
  await expect(cyGroups.effective(GROUP)).toContainText('Di User');

  // Cy removes Ada as owner; then Cy is the last owner and cannot be removed, and sees why.
  await cyGroups
    .owners(GROUP)
    .getByRole('button', { name: `Remove Ada Admin from the owners of ${GROUP}` })
    .click();
  await expect(
    cyGroups.card(GROUP).getByText(`Ada Admin is no longer an owner of ${GROUP}.`),
  ).toBeVisible();
  const reason = `Cy User is the last owner of ${GROUP}; add another owner first.`;
  await expect(cyGroups.owners(GROUP).getByText(reason)).toBeVisible();
  await cyGroups
    .owners(GROUP)
    .getByRole('button', { name: `Remove Cy User from the owners of ${GROUP}` })
    .click();
  await expect(cyGroups.card(GROUP).getByRole('alert')).toContainText(reason);
  await expect(cyGroups.owners(GROUP).getByText('Cy User', { exact: true })).toBeVisible();

  // Settings: per group × member/owner, reached from the group; per role × scope for resource
  // roles, which do not inherit; approvers may be groups.
  await groups
    .card(GROUP)
    .getByRole('link', { name: `Membership settings for ${GROUP}` })
    .click();
  await expect(
    admin.getByRole('heading', { name: `Member of ${GROUP} settings`, level: 1 }),
  ).toBeVisible();
  await admin.getByRole('link', { name: /Administration · Groups/ }).click();
  await admin.getByRole('link', { name: 'Settings for Contributor' }).click();
  await expect(admin.getByText(/Pick the scope whose Contributor settings/)).toBeVisible();
  const scopeSelect = admin.getByLabel('Scope', { exact: true });
  const sub = scopeSelect.getByRole('option', { name: /sub-payments \(/ });
  await scopeSelect.selectOption((await sub.getAttribute('value')) ?? '');
  await expect(admin.getByText(/do not inherit/)).toBeVisible();
  await admin.getByLabel('Approval required').check();
  await admin.getByRole('group', { name: 'Approvers' }).getByLabel(`Group: ${GROUP}`).check();
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(
    admin
      .getByRole('region', { name: 'Changes to save' })
      .getByText(/^Saved \d+ changes? to Contributor on sub-payments\.$/),
  ).toBeVisible();

  for (const context of contexts) await context.close();
});
