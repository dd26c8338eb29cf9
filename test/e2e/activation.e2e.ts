/**
 * The foundation journey (issue "Foundation: passkey-confirmed role activation"), as two people
 * do it in two browser profiles: setup → invite → eligibility → passkey-confirmed activation seen
 * live by the admin → early deactivation rules → expiry offline → audit.
 */
import Database from 'better-sqlite3';
import type { LedgerEntry } from '#protocol/ledger-entry';
import { endsLabel, timeLeft } from '../../src/lib/components/format';
import { AdminPage, AuditPage, InvitePage, MyRolesPage, SetupPage } from './page-models/app';
import { expect, openProfile, test } from './support/fixtures';

const MIN = 60_000;

/** The activation the relay recorded with this justification, read from its ledger entries. */
function recordedActivation(dbFile: string, justification: string) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare<[], { bytes: Buffer }>('SELECT bytes FROM entries ORDER BY seq').all();
    for (const { bytes } of rows) {
      const entry = JSON.parse(bytes.toString('utf8')) as LedgerEntry;
      for (const event of entry.events) {
        if (event.type === 'ActivationStarted' && event.activation.justification === justification)
          return event.activation;
      }
    }
  } finally {
    db.close();
  }
  throw new Error(`no activation “${justification}” in the ledger`);
}

test('an eligible user activates a role with a passkey; the admin sees it live; it ends on time offline', async ({
  browser,
  relay,
}) => {
  // Both profiles run on fake clocks that flow like real time until the test moves them.
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The expected end-time label is formatted in this process's time zone: the page uses it too.
  const userContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    timezoneId: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  await adminContext.clock.install();
  await userContext.clock.install();
  const moveTime = async (ms: number) => {
    await relay.advanceClock(ms);
    await adminContext.clock.fastForward(ms);
    await userContext.clock.fastForward(ms);
  };

  // 1–2. The printed setup link makes the first passkey a permanent Global Administrator.
  const { page: admin, authenticator: adminKey } = await openProfile(adminContext, relay.setupUrl);
  await new SetupPage(admin).createFirstAdmin('Ada Admin');
  expect(await adminKey.credentialCount()).toBe(1);
  const adminRoles = new MyRolesPage(admin);
  await expect(adminRoles.activeNow().getByText('Global Administrator')).toBeVisible();
  await expect(admin.getByText('Online')).toBeVisible({ timeout: 15_000 });

  // The setup link works once.
  const stranger = await browser.newContext();
  const { page: again } = await openProfile(stranger, relay.setupUrl);
  await expect(again.getByText(/already set up/i)).toBeVisible();
  await stranger.close();

  // 3. The admin invites a second user, who joins in another profile on a phone-sized screen.
  const adminPage = new AdminPage(admin);
  await adminPage.open();
  const inviteLink = await adminPage.invite('Bo User');
  await expect(admin.getByText(/expires/).first()).toBeVisible();
  const { page: user } = await openProfile(userContext, inviteLink);
  await new InvitePage(user).join('Bo User');
  const myRoles = new MyRolesPage(user);
  await expect(myRoles.eligible().getByText('No eligible roles')).toBeVisible();

  // 4. A custom role exists beside the catalogue; the user is made eligible for a built-in one.
  await adminPage.createRole('Billing Reader', 'Reads invoices.');
  await adminPage.makeEligible('Bo User', 'Security Reader', 'On-call rota');
  await expect(myRoles.eligible().getByRole('heading', { name: 'Security Reader' })).toBeVisible();

  // 5. Activation: the local preview refuses a missing justification before any passkey prompt;
  //    then the passkey confirms the exact request and the role is active with a countdown.
  await user.getByRole('button', { name: 'Activate Security Reader' }).click();
  const dialog = user.getByRole('dialog', { name: 'Activate Security Reader' });
  await dialog.getByRole('button', { name: 'Activate' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/justification/i);
  await dialog
    .getByRole('button', { name: /Cancel|Close/ })
    .first()
    .click();
  await myRoles.activate('Security Reader', {
    hours: 1,
    minutes: 0,
    justification: 'Investigating alert 42',
  });
  const active = myRoles.activeNow();
  await expect(active.getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  // The card says when it ends and how long is left, as the app's formatting puts it for the
  // end the relay recorded (an hour after the start) at the page's time — "Ends at 17:05" today,
  // "Ends Wed 2 Dec, 00:38" past midnight. Read again if a minute turns between the two reads.
  const recorded = recordedActivation(relay.dbFile, 'Investigating alert 42');
  expect(Date.parse(recorded.endsAt) - Date.parse(recorded.startsAt)).toBe(60 * MIN);
  const card = active.getByRole('listitem').filter({ hasText: 'Security Reader' });
  await expect(async () => {
    const now = await user.evaluate(() => Date.now());
    expect(await card.innerText()).toContain(
      `${endsLabel(recorded.endsAt, now)} · ${timeLeft(recorded.endsAt, now)}`,
    );
  }).toPass({ timeout: 10_000 });
  // The admin's open window shows it without a reload.
  await expect(adminPage.activeNow().getByText('Bo User')).toBeVisible();

  // 6. No early deactivation in the first 5 minutes; afterwards it ends at once on both screens.
  const deactivate = active.getByRole('button', { name: 'Deactivate' });
  await expect(deactivate).toBeDisabled();
  await expect(active.getByText(/cannot end in its first 5 minutes/)).toBeVisible();
  await moveTime(5 * MIN + 1_000);
  await expect(deactivate).toBeEnabled();
  await deactivate.click();
  await expect(active.getByText('No active roles')).toBeVisible();
  await expect(adminPage.activeNow().getByText('Bo User')).toBeHidden();

  // At its end time an activation disappears from both screens even with the network off.
  await myRoles.activate('Security Reader', {
    hours: 0,
    minutes: 30,
    justification: 'Second look',
  });
  await expect(active.getByRole('heading', { name: 'Security Reader' })).toBeVisible();
  await expect(adminPage.activeNow().getByText('Bo User')).toBeVisible();
  await adminContext.setOffline(true);
  await userContext.setOffline(true);
  await adminContext.clock.fastForward(30 * MIN + 1_000);
  await userContext.clock.fastForward(30 * MIN + 1_000);
  await expect(active.getByText('No active roles')).toBeVisible();
  await expect(adminPage.activeNow().getByText('Bo User')).toBeHidden();
  // Back online, the relay's scheduler has recorded the expiry in the ledger.
  await relay.advanceClock(30 * MIN + 1_000);
  await adminContext.setOffline(false);
  await userContext.setOffline(false);

  // 7. The audit lists every step, the denials included.
  const audit = new AuditPage(admin);
  await audit.open();
  await expect(
    audit.entries().filter({ hasText: 'A role activation ended at' }).first(),
  ).toBeVisible({ timeout: 20_000 });
  await expect(
    audit.entries().filter({ hasText: 'Bo User activated Security Reader' }),
  ).toHaveCount(2);
  await expect(audit.entries().filter({ hasText: 'was ended early' })).toHaveCount(1);
  await expect(
    audit.entries().filter({ hasText: 'made Bo User eligible for Security Reader' }),
  ).toHaveCount(1);
  await expect(audit.entries().filter({ hasText: 'Accepted' }).first()).toBeVisible();

  await adminContext.close();
  await userContext.close();
});
