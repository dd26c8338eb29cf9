/**
 * The verifiable ledger (issue 4) as people meet it: inclusion receipts on their own requests,
 * an auditor's filtered audit with passkey re-verification and exports, and the tamper alarm
 * when the relay's operator rewrites history.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { AdminPage, InvitePage, MyRolesPage, SetupPage } from './page-models/app';
import { LedgerAuditPage, TamperAlarm } from './page-models/ledger';
import { expect, openProfile, test } from './support/fixtures';

const MIN = 60_000;
const VERIFY_CLI = 'sync-server/cli/ledger-verify.ts';

test('own requests show their inclusion receipt; an auditor filters, re-verifies a passkey and exports', async ({
  browser,
  relay,
}, testInfo) => {
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const userContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await userContext.clock.install();

  const { page: admin } = await openProfile(adminContext, relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const inviteLink = await adminPage.invite('Bo User');
  const { page: user } = await openProfile(userContext, inviteLink);
  await new InvitePage(user).join('Bo User');
  await adminPage.createRole('Billing Reader', 'Reads invoices.');
  await adminPage.makeEligible('Bo User', 'Billing Reader', 'Month-end close');

  // A device clock ten minutes fast: the local preview passes, the relay denies and records it.
  const myRoles = new MyRolesPage(user);
  await expect(myRoles.eligible().getByRole('heading', { name: 'Billing Reader' })).toBeVisible();
  await userContext.clock.setSystemTime(Date.now() + 10 * MIN);
  await user.getByRole('button', { name: 'Activate Billing Reader' }).click();
  const dialog = user.getByRole('dialog', { name: 'Activate Billing Reader' });
  await dialog.getByLabel(/Justification/).fill('Quarter close, clock drift');
  await dialog.getByRole('button', { name: 'Activate' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/future/i, { timeout: 20_000 });
  await dialog
    .getByRole('button', { name: /Cancel|Close/ })
    .first()
    .click();

  // With the right time the same request is accepted, and shows its receipt once proven.
  await userContext.clock.setSystemTime(Date.now());
  await myRoles.activate('Billing Reader', {
    hours: 1,
    minutes: 0,
    justification: 'Invoice run 7',
  });
  const active = myRoles.activeNow();
  await expect(active.getByRole('heading', { name: 'Billing Reader' })).toBeVisible();
  await expect(active.getByText('Recorded in the ledger')).toBeVisible({ timeout: 20_000 });

  // My audit: every member sees their own entries, both requests proven in the ledger.
  const userAudit = new LedgerAuditPage(user);
  await userAudit.open();
  await expect(userAudit.tab('My audit')).toHaveAttribute('aria-selected', 'true');
  await expect(userAudit.tab('All entries')).toHaveCount(0);
  const mine = userAudit.entries().filter({ hasText: 'Billing Reader' });
  await expect(mine.filter({ hasText: 'Denied' }).getByText('Recorded in the ledger')).toBeVisible({
    timeout: 20_000,
  });
  await expectNoHorizontalScroll(user);
  await user.screenshot({ path: testInfo.outputPath('my-audit-390.png'), fullPage: true });

  // The auditor's view: the whole ledger, filtered by outcome and role.
  const audit = new LedgerAuditPage(admin);
  await audit.open();
  await audit.expectVerified();
  await expect(audit.tab('All entries')).toHaveAttribute('aria-selected', 'true');
  await audit.filterBy('Outcome', 'Denied');
  await audit.filterBy('Role', 'Billing Reader');
  await expect(audit.matchCount()).toHaveText('1 entry matches');
  const denied = audit.entries();
  await expect(denied).toHaveCount(1);
  await expect(denied).toContainText(/Activate Billing Reader for \d/);
  await expect(denied).toContainText('Quarter close, clock drift');
  await audit.search('nothing like this');
  await expect(audit.page.getByText('No entries match these filters')).toBeVisible();
  await audit.search('quarter');
  await expect(denied).toHaveCount(1);
  await admin.screenshot({ path: testInfo.outputPath('audit-1280.png'), fullPage: true });

  // CSV of the filtered view: RFC 4180, one row for the denial.
  const csv = await audit.download('Download CSV');
  const csvText = readFileSync(await csv.path(), 'utf8');
  const lines = csvText.split('\r\n');
  expect(lines[0]).toBe('seq,time,actor,action,outcome,reason,justification');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toMatch(
    /^\d+,\d{4}-\d\d-\d\dT[^,]+,Bo User,Activate Billing Reader for [^,]+,Denied,/,
  );
  expect(lines[1]).toContain('"Quarter close, clock drift"');

  // The entry itself: proven included, and its passkey evidence re-verified in the browser.
  await audit.openEntry(denied.first());
  await expect(audit.inclusionSection().getByText('Recorded in the ledger.')).toBeVisible({
    timeout: 20_000,
  });
  await expect(admin.getByRole('region', { name: 'Canonical JSON' })).toContainText(
    '"commandType":"ActivateRole"',
  );
  await audit.reverifyPasskey();
  await expect(audit.passkeySection().getByText(/The passkey signature is valid/)).toBeVisible();
  await admin.screenshot({ path: testInfo.outputPath('entry-1280.png'), fullPage: true });

  // The whole ledger as a tar the offline verifier accepts.
  await admin.getByRole('link', { name: 'Back to the audit' }).click();
  const tar = await audit.download('Download the whole ledger');
  expect(tar.suggestedFilename()).toBe('ledger-export.tar');
  const tarPath = testInfo.outputPath('ledger-export.tar');
  await tar.saveAs(tarPath);
  // The offline verifier accepts it. A missing CLI fails here: it is part of what this proves.
  expect(existsSync(VERIFY_CLI), `${VERIFY_CLI} is missing`).toBe(true);
  const run = promisify(execFile);
  // Exit 0 or execFile throws; --webauthn also re-checks every passkey assertion.
  const { stdout } = await run('node_modules/.bin/tsx', [VERIFY_CLI, '--webauthn', tarPath]);
  expect(stdout).toMatch(/^VALID$/m);
  expect(stdout).toMatch(/^passkey evidence: [1-9]\d* verified/m);

  await adminContext.close();
  await userContext.close();
});

test('a rewritten history raises the tamper alarm naming the failed consistency proof', async ({
  browser,
  relay,
}, testInfo) => {
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const userContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const { page: admin } = await openProfile(adminContext, relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const inviteLink = await adminPage.invite('Bo User');
  const { page: user } = await openProfile(userContext, inviteLink);
  await new InvitePage(user).join('Bo User');
  await adminPage.createRole('Billing Reader', 'Reads invoices.');
  await adminPage.makeEligible('Bo User', 'Billing Reader', 'Month-end close');

  // The admin's app has verified a checkpoint covering the early entries.
  const audit = new LedgerAuditPage(admin);
  await audit.open();
  await audit.expectVerified();
  const alarm = new TamperAlarm(admin);
  await expect(alarm.alert()).toHaveCount(0);

  // The operator rewrites the first entry and its leaf hash: a forked history.
  await relay.restart({
    mutate(dbFile) {
      const db = new Database(dbFile);
      try {
        const row = db.prepare('SELECT bytes FROM entries WHERE seq = 0').get() as {
          bytes: Buffer;
        };
        const forged = Buffer.from(row.bytes.toString('utf8').replaceAll('Ada Admin', 'Eve Admin'));
        expect(forged.equals(row.bytes)).toBe(false);
        const leaf = createHash('sha256')
          .update(Buffer.concat([Buffer.of(0), forged]))
          .digest();
        db.prepare('UPDATE entries SET bytes = ?, leaf_hash = ? WHERE seq = 0').run(forged, leaf);
      } finally {
        db.close();
      }
    },
  });

  // The user does something, so the relay signs a new checkpoint over the forged tree.
  await expect(user.getByText('Online')).toBeVisible({ timeout: 30_000 });
  await new MyRolesPage(user).activate('Billing Reader', {
    hours: 1,
    minutes: 0,
    justification: 'After the restart',
  });

  await expect(alarm.alert()).toContainText(
    /The relay's ledger no longer contains the history this device verified: the consistency proof from size \d+ to \d+ does not match/,
    { timeout: 30_000 },
  );
  await admin.screenshot({ path: testInfo.outputPath('alarm-1280.png'), fullPage: true });
  await expect(new TamperAlarm(user).alert()).toBeVisible({ timeout: 30_000 });
  await user.screenshot({ path: testInfo.outputPath('alarm-390.png'), fullPage: true });
  await expectNoHorizontalScroll(user);

  // It survives a reload and stays until acknowledged; it is on every page.
  await admin.reload();
  await expect(alarm.alert()).toBeVisible();
  await admin.getByRole('link', { name: 'My roles' }).click();
  await expect(alarm.alert()).toBeVisible();
  await alarm.acknowledge();
  await expect(alarm.alert()).toHaveCount(0);

  await adminContext.close();
  await userContext.close();
});

async function expectNoHorizontalScroll(page: import('@playwright/test').Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test('a key rotation signed by the old key is followed; a key swapped without one raises the alarm', async ({
  browser,
  relay,
}) => {
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page: admin } = await openProfile(adminContext, relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  const adminPage = new AdminPage(admin);
  const audit = new LedgerAuditPage(admin);
  const alarm = new TamperAlarm(admin);
  await audit.open();
  await audit.expectVerified();

  // The operator rotates the key properly: the ledger records it, signed by the old key.
  await relay.restart({
    async mutate(dbFile) {
      await promisify(execFile)('node_modules/.bin/tsx', [
        'sync-server/cli/rotate-key.ts',
        '--data-dir',
        dirname(dbFile),
      ]);
    },
  });
  await expect(admin.getByText('Online')).toBeVisible({ timeout: 30_000 });
  await adminPage.open();
  await adminPage.createRole('After Rotation', 'Signed by the new key.');
  // The checkpoint now verified is the one the new key signed, after the rotation entry.
  const rotatedSize = Number(
    (await (await admin.request.get(`${relay.origin}/api/ledger/checkpoint`)).text()).split(
      '\n',
    )[1],
  );
  await audit.open();
  await expect(admin.getByRole('status').filter({ hasText: 'Ledger verified.' })).toContainText(
    `checkpoint of ${rotatedSize.toLocaleString('en-US')} entries`,
    { timeout: 20_000 },
  );
  await expect(alarm.alert()).toHaveCount(0);

  // A key swapped behind the ledger's back has no rotation signed by the pinned key.
  await relay.restart({
    mutate(dbFile) {
      const db = new Database(dbFile);
      try {
        const { privateKey } = generateKeyPairSync('ed25519');
        const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
        db.prepare("UPDATE meta SET value = ? WHERE key = 'relay_key_pkcs8'").run(pkcs8);
      } finally {
        db.close();
      }
    },
  });
  await expect(admin.getByText('Online')).toBeVisible({ timeout: 30_000 });
  await adminPage.open();
  await adminPage.createRole('After Swap', 'Signed by an unknown key.');
  await expect(alarm.alert()).toContainText(/The relay key changed/, { timeout: 30_000 });
  await adminContext.close();
});
