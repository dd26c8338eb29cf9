/**
 * Offline-first (issue 5): the app opens offline from its service worker to the last synced
 * state; an approver on a phone approves two requests with the network off, confirmed by passkey
 * against pre-issued relay nonces; a requester activates a role offline; on reconnect the
 * heartbeat notices the dead sockets, the outbox goes out exactly once (two tabs open), and each
 * queued command shows its outcome — including a stale approval for a request that the requester
 * cancelled meanwhile.
 */
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from '@playwright/test';
import { AdminPage, InvitePage, MyRolesPage, SetupPage } from './page-models/app';
import {
  ApprovalsPage,
  RequesterPage,
  RoleSettingsPage,
  inviteLink,
} from './page-models/approvals';
import { expect, openProfile, test } from './support/fixtures';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 800 };

/** Rows of a Dexie table, read through plain IndexedDB. */
function countRows(page: Page, store: 'noncePool' | 'outbox'): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('leasehold');
        open.onerror = () => resolve(-1);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains(name)) {
            db.close();
            resolve(0);
            return;
          }
          const count = db.transaction(name).objectStore(name).count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
        };
      }),
    store,
  );
}

/** Waits until a service worker controls the page (generateSW does not claim open clients). */
async function controlledBySw(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect
    .poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)))
    .toBe(true);
}

const syncStatus = (page: Page) => page.getByTestId('sync-status');

/** AdminPage.makeEligible, tolerant of the assignee-kind radios ("A person" / a group). */
async function makeEligible(admin: Page, person: string, role: string, justification: string) {
  await admin.getByLabel('Person', { exact: true }).selectOption({ label: person });
  await admin.getByLabel('Role', { exact: true }).selectOption({ label: role });
  await admin.getByLabel('Justification', { exact: true }).fill(justification);
  await admin.getByRole('button', { name: 'Assign role' }).click();
  await expect(admin.getByText(`${person} is now eligible for ${role}.`)).toBeVisible();
}

test('approve and activate offline, reconnect, and see each outcome exactly once', async ({
  browser,
  relay,
}) => {
  test.setTimeout(180_000);
  const contexts: BrowserContext[] = [];
  const profile = async (viewport: { width: number; height: number }) => {
    const context = await browser.newContext({ viewport, serviceWorkers: 'allow' });
    contexts.push(context);
    return context;
  };

  // Ada sets up Leasehold; Bo (desk) requests roles; Cy approves them from a phone.
  const { page: admin } = await openProfile(await profile(DESK), relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const join = async (name: string, viewport: { width: number; height: number }) => {
    const link = await inviteLink(admin, name);
    const { page } = await openProfile(await profile(viewport), link);
    await new InvitePage(page).join(name);
    return page;
  };
  const boPage = await join('Bo User', DESK);
  const cyPage = await join('Cy User', PHONE);
  const bo = new RequesterPage(boPage);
  const cy = new ApprovalsPage(cyPage);

  const settings = new RoleSettingsPage(admin);
  for (const role of ['Security Reader', 'Global Reader']) {
    await settings.open(role);
    await settings.requireApproval(role, {
      approvers: ['Cy User'],
      approvalsRequired: 1,
      timeout: '1 hour',
    });
    await settings.back();
  }
  await makeEligible(admin, 'Bo User', 'Security Reader', 'On-call rota');
  await makeEligible(admin, 'Bo User', 'Global Reader', 'Quarterly review');
  await makeEligible(admin, 'Bo User', 'Security Administrator', 'Incident duty');

  await bo.openMyRoles();
  await bo.request('Security Reader', {
    minutes: 60,
    justification: 'Investigating alert 42',
    says: /Needs approval from 1 of: Cy User/,
  });
  await bo.request('Global Reader', {
    minutes: 60,
    justification: 'Quarterly access review',
    says: /Needs approval from 1 of: Cy User/,
  });

  // Cy's phone syncs both requests, installs the app shell and collects offline confirmations.
  await cy.open();
  await expect(cy.card('Bo User', 'Security Reader')).toBeVisible();
  await expect(cy.card('Bo User', 'Global Reader')).toBeVisible();
  await controlledBySw(cyPage);
  await expect.poll(() => countRows(cyPage, 'noncePool')).toBeGreaterThanOrEqual(4);
  await controlledBySw(boPage);
  await expect.poll(() => countRows(boPage, 'noncePool')).toBeGreaterThanOrEqual(4);

  // The network goes away. The app says so, and opens again from the service worker.
  const cyContext = cyPage.context();
  await cyContext.setOffline(true);
  await expect(syncStatus(cyPage)).toContainText('Offline');
  const reopened = await cyPage.goto(new URL('/approvals', relay.origin).href);
  expect(reopened?.fromServiceWorker()).toBe(true);
  await expect(cy.card('Bo User', 'Security Reader')).toBeVisible();
  await expect(syncStatus(cyPage)).toContainText('Offline');

  // Meanwhile, online, Bo cancels the Global Reader request.
  await bo.openMyRequests();
  await boPage.getByRole('button', { name: 'Cancel request for Global Reader' }).click();
  await expect(
    boPage.getByText('Your request to activate Global Reader was cancelled.'),
  ).toBeAttached();

  // Offline, Cy approves both (the phone still shows Global Reader as pending).
  await cy.decide('Approve', 'Bo User', 'Security Reader', 'Alert 42 is real');
  await cy.decide('Approve', 'Bo User', 'Global Reader', 'Fine by me');
  await expect(syncStatus(cyPage)).toContainText('2 commands waiting');
  expect(await countRows(cyPage, 'outbox')).toBe(2);
  // No horizontal scrolling on the phone.
  expect(await cyPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    PHONE.width,
  );

  // A second tab on the same phone: both will try to flush on reconnect.
  const cyTab2 = await cyContext.newPage();
  await cyTab2.goto(new URL('/approvals', relay.origin).href);
  await expect(syncStatus(cyTab2)).toContainText('2 commands waiting');

  // Bo goes offline too and activates Security Administrator (passkey, no approval).
  await boPage.context().setOffline(true);
  await expect(syncStatus(boPage)).toContainText('Offline');
  await bo.openMyRoles();
  await new MyRolesPage(boPage).activate('Security Administrator', {
    hours: 1,
    minutes: 0,
    justification: 'Incident 7, on the train',
  });
  await expect(syncStatus(boPage)).toContainText('1 command waiting');

  // Back online: the heartbeat drops the dead sockets, the outbox goes out, outcomes show.
  await cyContext.setOffline(false);
  await expect(syncStatus(cyPage)).toContainText('Online', { timeout: 30_000 });
  await expect(syncStatus(cyPage)).not.toContainText('waiting');
  await cyPage.getByRole('button', { name: '2 decided' }).click();
  const panel = cyPage.getByRole('region', { name: 'Commands made while offline' });
  await expect(panel.getByRole('listitem').filter({ hasText: 'Security Reader' })).toContainText(
    'Accepted',
  );
  await expect(panel.getByRole('listitem').filter({ hasText: 'Global Reader' })).toContainText(
    /Rejected: The request was cancelled meanwhile/,
  );

  await boPage.context().setOffline(false);
  await expect(syncStatus(boPage)).toContainText('Online', { timeout: 30_000 });
  await expect(
    bo.activeNow().getByRole('heading', { name: 'Security Administrator' }),
  ).toBeVisible();
  await expect(bo.activeNow().getByRole('heading', { name: 'Security Reader' })).toBeVisible();

  // Exactly once: one ledger entry per command id, two tabs notwithstanding.
  const db = new Database(relay.dbFile, { readonly: true, fileMustExist: true });
  try {
    const entries = db
      .prepare<[], { bytes: Buffer }>('SELECT bytes FROM entries ORDER BY seq')
      .all()
      .map(
        (r) =>
          JSON.parse(r.bytes.toString('utf8')) as {
            cmdId: string | null;
            commandType: string;
            outcome: string;
          },
      );
    const offline = entries.filter((e) =>
      ['ApproveRequest', 'ActivateRole'].includes(e.commandType),
    );
    const perCmd = new Map<string, number>();
    for (const e of offline) perCmd.set(e.cmdId ?? '', (perCmd.get(e.cmdId ?? '') ?? 0) + 1);
    expect([...perCmd.values()].every((n) => n === 1)).toBe(true);
    expect(offline.filter((e) => e.commandType === 'ApproveRequest')).toHaveLength(2);
  } finally {
    db.close();
  }
  for (const context of contexts) await context.close();
});

test('a signed-in device adds a phone with a single-use link and QR code', async ({
  browser,
  relay,
}) => {
  const desk = await browser.newContext({ viewport: DESK });
  const { page: ada } = await openProfile(desk, relay.setupUrl);
  await new SetupPage(ada).createFirstAdmin('Ada Admin');
  await ada
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Devices' })
    .click();
  await expect(ada.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
  await ada.getByRole('button', { name: 'Add a device' }).click();
  await expect(ada.getByRole('img', { name: 'QR code of the link to add a device' })).toBeVisible();
  const link = await ada.getByLabel('Link for your other device').inputValue();
  expect(link).toMatch(/\/add-device#token=[\w-]+$/);

  // A second browser profile (the phone) registers its own passkey through the link.
  const phone = await browser.newContext({ viewport: PHONE });
  const { page: phonePage, authenticator } = await openProfile(phone, link);
  await phonePage.getByRole('button', { name: 'Create passkey on this device' }).click();
  await expect(phonePage.getByRole('heading', { name: 'My roles', level: 1 })).toBeVisible({
    timeout: 20_000,
  });
  expect(await authenticator.credentialCount()).toBe(1);
  await expect(phonePage.getByText('Ada Admin')).toBeVisible();

  // Both devices are listed on the desk; the link does not work twice.
  const devices = ada.getByRole('region', { name: 'Your devices' });
  await expect(devices.getByRole('listitem')).toHaveCount(2);
  const again = await browser.newContext({ viewport: PHONE });
  const { page: againPage } = await openProfile(again, link);
  await againPage.getByRole('button', { name: 'Create passkey on this device' }).click();
  await expect(againPage.getByRole('alert')).toContainText(/not valid or was already used/);
  for (const context of [desk, phone, again]) await context.close();
});
