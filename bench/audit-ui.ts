/// <reference lib="dom" />
/**
 * Audit page figures (issue 4: "smooth over 100,000 entries"), measured in headless Chromium
 * against a real relay, printed, never asserted:
 *  - indexing the whole ledger into the offline Dexie index (navigation → progress → done);
 *  - time to the first page of rows; each filter from choosing it to its count on screen;
 *  - paging to the next and previous 50; a reload with the index built, offline;
 *  - the page's JS heap.
 * The ledger is filled from Node by a second Global Administrator (software passkey) over
 * several command sockets: invites, custom roles, eligibility for a few hundred users,
 * passkey-confirmed activations with varied justifications, deactivations, expiries and denials.
 * Run: npm run bench:audit  (BENCH_AUDIT_ENTRIES=100000; BENCH_STATIC_DIR=build)
 */
import { chromium, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { randomId } from '#ledger/bytes';
import { TestClock } from '../sync-server/clock';
import { AdminPage, SetupPage } from '../test/e2e/page-models/app';
import { openProfile, startRelayProcess } from '../test/e2e/support/fixtures';
import {
  CommandClient,
  inviteUser,
  TestUser,
  type TestRelay,
} from '../test/integration/support/harness';
import type { ServerFrame, SignedCommand } from '#protocol/messages';

const TARGET = Number(process.env.BENCH_AUDIT_ENTRIES ?? 100_000);
const STATIC_DIR = process.env.BENCH_STATIC_DIR ?? 'build';
const USERS = Number(process.env.BENCH_AUDIT_USERS ?? 300);
const ROLES = 200;
const ACTIVATORS = 40;
const SOCKETS = 12;
const CLOCK_STEPS = 10;
const HOUR = 3_600_000;

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

if (!existsSync(`${STATIC_DIR}/index.html`)) {
  console.log(`no built app in ${STATIC_DIR}: running vite build…`);
  execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
}

// ---------------------------------------------------------------------------------------------
// Relay and browser.
// ---------------------------------------------------------------------------------------------
const relay = await startRelayProcess({ staticDir: STATIC_DIR });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
browser.on('disconnected', () => console.log('[browser disconnected]'));
const cpus = os.cpus();
console.log(
  `machine: ${cpus[0]?.model} × ${cpus.length}, ${mb(os.totalmem())} RAM, ${os.platform()} ${os.release()}; node ${process.version}; Chromium ${browser.version()}`,
);

const clock = new TestClock();
const h = {
  origin: relay.origin,
  http: relay.origin,
  ws: relay.origin.replace(/^http/, 'ws'),
  clock,
} as unknown as TestRelay;

async function ledgerSize(): Promise<number> {
  const res = await fetch(`${relay.origin}/healthz`);
  return ((await res.json()) as { seq: number }).seq;
}

async function advance(ms: number): Promise<void> {
  await relay.advanceClock(ms);
  clock.advance(ms);
}

// ---------------------------------------------------------------------------------------------
// Filling the ledger from Node.
// ---------------------------------------------------------------------------------------------
async function fill(bench: TestUser): Promise<void> {
  const started = performance.now();
  let sockets = await Promise.all(
    Array.from({ length: SOCKETS }, () => CommandClient.connect(h, bench.token)),
  );
  let turn = 0;
  const send = (signed: SignedCommand): Promise<ServerFrame> =>
    sockets[turn++ % SOCKETS]!.send(signed, 120_000);
  const sendAll = async (commands: SignedCommand[]) => {
    const replies = await Promise.all(commands.map(send));
    return replies.filter((r) => r.t === 'ack').length;
  };
  const tally = { accepted: 0, denied: 0 };
  const count = (accepted: number, total: number) => {
    tally.accepted += accepted;
    tally.denied += total - accepted;
  };

  // People: a few hundred users who joined by invite, each with their own passkey.
  const users: { user: TestUser; cmd: CommandClient | null }[] = [];
  const adminCmd = sockets[0]!;
  for (let i = 0; i < USERS; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, USERS - i) }, (_, j) =>
        inviteUser(h, bench, adminCmd, `User ${i + j + 1}`),
      ),
    );
    for (const joined of batch) {
      if (users.length >= ACTIVATORS) {
        joined.cmd.close();
        users.push({ user: joined.user, cmd: null });
      } else users.push(joined);
    }
  }

  // Custom roles with unique names.
  const roleIds = Array.from({ length: ROLES }, () => `r_${randomId(8)}`);
  const roleCommands = await Promise.all(
    roleIds.map((roleId, i) =>
      bench.signed({
        type: 'CreateRole',
        roleId,
        name: `Bench role ${i + 1}`,
        description: `${pick(SYSTEMS, i)} access, tier ${i % 4}`,
      }),
    ),
  );
  count(await sendAll(roleCommands), roleCommands.length);

  // Eligibility: three roles for every user.
  const assignments: { userIndex: number; id: string }[] = [];
  const assignCommands: SignedCommand[] = [];
  for (const [u, { user }] of users.entries()) {
    for (let k = 0; k < 3; k++) {
      const id = `a_${randomId(8)}`;
      assignments.push({ userIndex: u, id });
      assignCommands.push(
        await bench.signed({
          type: 'AssignRole',
          principalKind: 'user',
          scopeId: null,
          administrativeUnitId: null,
          assignmentId: id,
          principalId: user.userId,
          roleId: roleIds[(u * 7 + k * 13) % ROLES]!,
          assignmentType: 'eligible',
          startsAt: null,
          endsAt: null,
          justification: `${pick(REASONS, u + k)} (${pick(SYSTEMS, u * 3 + k)})`,
        }),
      );
    }
  }
  count(await sendAll(assignCommands), assignCommands.length);
  console.log(
    `fill: ${USERS} users, ${ROLES} roles, ${assignCommands.length} assignments in ${fmt(performance.now() - started)}`,
  );

  // Rounds: activations (confirmed, by their holders) and most deactivated, then invites and
  // denied attempts; the relay clock moves on an hour ten times, expiring what is still active.
  const activators = users.slice(0, ACTIVATORS);
  let round = 0;
  let nextStep = 1;
  for (;;) {
    const size = await ledgerSize();
    if (size >= TARGET) break;
    round++;
    const remaining = TARGET - size;
    // Activations: one per activator, a different eligibility each round.
    const acts = await Promise.all(
      activators.map(async ({ user }, a) => {
        const assignment = assignments[a * 3 + (round % 3)]!;
        const activationId = `act_${randomId(8)}`;
        const signed = await user.signed(
          {
            type: 'ActivateRole',
            activationId,
            assignmentId: assignment.id,
            durationMinutes: 30 + ((round * 7 + a) % 8) * 30,
            startsAt: null,
            justification: justification(round, a),
            ticket:
              (round + a) % 5 === 0 ? { system: 'JIRA', number: `OPS-${round * 100 + a}` } : null,
          },
          { confirm: true },
        );
        return { user, activationId, signed };
      }),
    );
    const actReplies = await Promise.all(
      acts.map(({ signed }, a) => activators[a]!.cmd!.send(signed, 120_000)),
    );
    count(actReplies.filter((r) => r.t === 'ack').length, acts.length);
    // The hour is about to pass: leave this round's activations to expire.
    const stepNow = size >= (nextStep * TARGET) / (CLOCK_STEPS + 1);
    if (!stepNow) {
      const deacts = await Promise.all(
        acts.map(({ user, activationId }) => user.signed({ type: 'DeactivateRole', activationId })),
      );
      const replies = await Promise.all(
        deacts.map((signed, a) => activators[a]!.cmd!.send(signed, 120_000)),
      );
      count(replies.filter((r) => r.t === 'ack').length, deacts.length);
    }
    // Filler: invites (accepted) and denied attempts with justifications.
    const batch = Math.min(Math.max(remaining - 2 * ACTIVATORS, 0), 1200);
    const fillers: SignedCommand[] = [];
    for (let i = 0; i < batch; i++) {
      const n = round * 10_000 + i;
      if (i % 10 === 0) {
        // An activation of an eligibility that is not the administrator's: denied.
        fillers.push(
          await bench.signed({
            type: 'ActivateRole',
            activationId: `act_${randomId(8)}`,
            assignmentId: assignments[n % assignments.length]!.id,
            durationMinutes: 60,
            startsAt: null,
            justification: justification(n, 7),
            ticket: null,
          }),
        );
      } else if (i % 10 === 5) {
        // Eligibility for someone who does not exist: denied.
        fillers.push(
          await bench.signed({
            type: 'AssignRole',
            principalKind: 'user',
            scopeId: null,
            administrativeUnitId: null,
            assignmentId: `a_${randomId(8)}`,
            principalId: `u_${randomId(8)}`,
            roleId: roleIds[n % ROLES]!,
            assignmentType: 'eligible',
            startsAt: null,
            endsAt: null,
            justification: `${pick(REASONS, n)} for a contractor`,
          }),
        );
      } else {
        fillers.push(
          await bench.signed({
            type: 'CreateInvite',
            administrativeUnitId: null,
            inviteId: `inv_${randomId(8)}`,
            tokenHash: randomId(32),
            displayName: `Guest ${n}`,
          }),
        );
      }
    }
    count(await sendAll(fillers), fillers.length);
    if (stepNow) {
      nextStep++;
      await advance(HOUR);
      // Sessions outlive the hour, but the sockets are reopened as a client would after a pause.
      for (const s of sockets) s.close();
      sockets = await Promise.all(
        Array.from({ length: SOCKETS }, () => CommandClient.connect(h, bench.token)),
      );
    }
  }
  for (const s of sockets) s.close();
  for (const { cmd } of users) cmd?.close();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `fill: ${tally.accepted.toLocaleString('en-US')} accepted and ${tally.denied.toLocaleString('en-US')} denied commands in ${seconds.toFixed(1)} s (${Math.round((tally.accepted + tally.denied) / seconds)}/s), ${round} rounds, relay clock +${nextStep - 1} h`,
  );
}

const SYSTEMS = ['billing', 'payroll', 'CRM', 'data warehouse', 'VPN', 'mail', 'HR portal'];
const REASONS = [
  'Month-end close',
  'Quarterly access review',
  'On-call rotation',
  'Incident response',
  'Vendor onboarding',
  'Audit evidence collection',
  'Database migration',
  'Emergency patch',
];
const VERBS = ['Investigate', 'Fix', 'Rotate', 'Review', 'Restore', 'Export', 'Reconcile'];
const OBJECTS = [
  'failed invoice run',
  'expired certificate',
  'stuck payroll batch',
  'VPN outage',
  'mailbox permissions',
  'customer escalation',
  'backup restore test',
  'suspicious sign-in',
  'quarterly report',
  'vendor invoice mismatch',
  'firewall rule change',
];
const pick = <T>(list: readonly T[], n: number): T => list[Math.abs(n) % list.length]!;

function justification(n: number, a: number): string {
  return `${pick(VERBS, n + a)} ${pick(OBJECTS, n * 3 + a)} in ${pick(SYSTEMS, n + 2 * a)} #${(n * 37 + a) % 9973}`;
}

// ---------------------------------------------------------------------------------------------
// Measuring in the browser.
// ---------------------------------------------------------------------------------------------
type Timed = { ms: number; status: string };

/** In the page: changes one control and times until the view has loaded and painted. */
async function timed(page: Page, act: { selector: string; value?: string; click?: boolean }) {
  return page.evaluate(
    async ({ selector, value, click }): Promise<Timed> => {
      const list = () => document.querySelector('ol[aria-label="Audit entries, newest first"]');
      const status = () =>
        [...document.querySelectorAll('[role="status"]')]
          .map((e) => e.textContent?.trim() ?? '')
          .find((t) => /match/.test(t)) ?? '';
      let sawBusy = false;
      const observer = new MutationObserver(() => {
        if (list()?.getAttribute('aria-busy') === 'true') sawBusy = true;
      });
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-busy'],
      });
      const el = document.querySelector(selector) as HTMLInputElement | HTMLButtonElement;
      const t0 = performance.now();
      if (click) (el as HTMLButtonElement).click();
      else {
        (el as HTMLInputElement).value = value ?? '';
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
      await new Promise<void>((resolve, reject) => {
        const deadline = t0 + 300_000;
        const poll = () => {
          const l = list();
          if (sawBusy && (!l || l.getAttribute('aria-busy') === 'false')) resolve();
          else if (performance.now() > deadline) reject(new Error(`timed out: ${status()}`));
          else setTimeout(poll, 5);
        };
        poll();
      });
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      observer.disconnect();
      return { ms: performance.now() - t0, status: status() };
    },
    { selector: act.selector, value: act.value ?? '', click: act.click ?? false },
  );
}

async function statusText(page: Page): Promise<string> {
  return (
    (await page
      .getByRole('status')
      .filter({ hasText: /match/ })
      .first()
      .textContent()
      .catch(() => '')) ?? ''
  ).trim();
}

async function heap(page: Page, label: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const before = await cdp.send('Runtime.getHeapUsage');
  await cdp.send('HeapProfiler.collectGarbage');
  const after = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  console.log(
    `heap (${label}): ${mb(before.usedSize)} used of ${mb(before.totalSize)}; after GC ${mb(after.usedSize)}`,
  );
}

/** Waits (polling every 20 ms in the page) for the count of all entries to reach `size`. */
async function waitForCount(page: Page, size: number, timeout = 600_000): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const text =
        [...document.querySelectorAll('[role="status"]')]
          .map((e) => e.textContent ?? '')
          .find((t) => /match/.test(t)) ?? '';
      const shown = Number(/([\d,]+) entr/.exec(text)?.[1]?.replace(/,/g, '') ?? -1);
      const busy = document
        .querySelector('ol[aria-label="Audit entries, newest first"]')
        ?.getAttribute('aria-busy');
      return shown >= n && busy === 'false';
    },
    size,
    { polling: 20, timeout },
  );
}

async function measure(page: Page, size: number): Promise<void> {
  const { origin } = new URL(relay.origin);
  const rows = page
    .getByRole('list', { name: 'Audit entries, newest first' })
    .getByRole('listitem');
  const progress = page.getByText(/Indexing the ledger for search/);

  // tsx keeps function names with a helper the page does not have.
  await page.context().addInitScript({ content: 'globalThis.__name = (f) => f;' });

  // 1. Cold: the app opens on the Audit page and indexes the whole ledger.
  const t0 = performance.now();
  await page.goto(`${origin}/audit`);
  await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
  const shell = performance.now() - t0;
  await rows.first().waitFor({ timeout: 600_000 });
  const firstRows = performance.now() - t0;
  // Small ledgers index in one chunk and show no progress.
  let progressSeen: number | null = null;
  let indexed = 0;
  const counting = waitForCount(page, size).then(() => performance.now() - t0);
  const first = await Promise.race([
    progress.waitFor({ timeout: 600_000 }).then(() => 'progress' as const),
    counting.then(() => 'counted' as const),
  ]);
  if (first === 'progress') {
    progressSeen = performance.now() - t0;
    await progress.waitFor({ state: 'hidden', timeout: 600_000 });
    indexed = performance.now() - t0;
  }
  const counted = await counting;
  if (!indexed) indexed = counted;
  console.log(
    `cold open: shell ${fmt(shell)}, first rows ${fmt(firstRows)}, indexing progress from ${progressSeen === null ? 'n/a' : fmt(progressSeen)} to done ${fmt(indexed)}, all ${size.toLocaleString('en-US')} counted ${fmt(counted)} (${await statusText(page)})`,
  );
  await heap(page, 'after indexing');

  // 2. Filters, one at a time from the unfiltered view.
  const sel = {
    outcome: '#f-outcome',
    role: '#f-role',
    type: '#f-type',
    actor: '#f-actor',
    target: '#f-target',
    from: '#f-from',
    to: '#f-to',
    text: '#f-text',
  };
  const optionValue = (selector: string, label: string) =>
    page.$eval(
      selector,
      (el, l) =>
        [...(el as HTMLSelectElement).options].find((o) => o.textContent?.trim() === l)?.value ??
        '',
      label,
    );
  const day = (iso: string) => iso.slice(0, 10);
  const lastDay = day(new Date(clock.now()).toISOString());
  const firstDay = day(new Date().toISOString());

  const results: [string, Timed][] = [];
  const run = async (label: string, steps: { selector: string; value?: string }[]) => {
    let total = 0;
    let last: Timed = { ms: 0, status: '' };
    for (const step of steps) {
      last = await timed(page, step);
      total += last.ms;
    }
    results.push([label, { ms: total, status: last.status }]);
    console.log(`filter ${label}: ${fmt(total)} → ${last.status}`);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForCount(page, size);
  };
  const opValue = async (label: string) => optionValue(sel.role, label);
  await run('outcome Denied', [{ selector: sel.outcome, value: 'rejected' }]);
  await run('role "Bench role 7"', [{ selector: sel.role, value: await opValue('Bench role 7') }]);
  await run('type Activate role', [{ selector: sel.type, value: 'ActivateRole' }]);
  await run('actor "User 3"', [
    { selector: sel.actor, value: await optionValue(sel.actor, 'User 3') },
  ]);
  await run('actor "Bench Admin" (most entries)', [
    { selector: sel.actor, value: await optionValue(sel.actor, 'Bench Admin') },
  ]);
  await run('concerning "User 3"', [
    { selector: sel.target, value: await optionValue(sel.target, 'User 3') },
  ]);
  await run(`date range ${firstDay}…${firstDay}`, [
    { selector: sel.from, value: firstDay },
    { selector: sel.to, value: firstDay },
  ]);
  if (lastDay !== firstDay)
    await run(`date from ${lastDay}`, [{ selector: sel.from, value: lastDay }]);
  await run('text "certificate" (incl. 250 ms debounce)', [
    { selector: sel.text, value: 'certificate' },
  ]);
  await run('text "vpn outage restore" (incl. 250 ms debounce)', [
    { selector: sel.text, value: 'vpn outage restore' },
  ]);
  await run('outcome Denied + actor "Bench Admin"', [
    { selector: sel.outcome, value: 'rejected' },
    { selector: sel.actor, value: await optionValue(sel.actor, 'Bench Admin') },
  ]);
  await run('role "Bench role 7" + text "invoice"', [
    { selector: sel.role, value: await opValue('Bench role 7') },
    { selector: sel.text, value: 'invoice' },
  ]);

  // 3. Paging the unfiltered view.
  const older = 'nav[aria-label="Audit pages"] button:last-of-type';
  const newer = 'nav[aria-label="Audit pages"] button:first-of-type';
  for (const [label, selector] of [
    ['next 50', older],
    ['next 50 again', older],
    ['previous 50', newer],
    ['previous 50 again', newer],
  ] as const) {
    const t = await timed(page, { selector, click: true });
    console.log(`paging ${label}: ${fmt(t.ms)} → ${t.status}`);
  }
  const mine = await timed(page, { selector: '#tab-mine', click: true });
  console.log(`tab My audit: ${fmt(mine.ms)} → ${mine.status}`);
  await page.locator('#tab-all').click();
  await waitForCount(page, size);
  await heap(page, 'after filters and paging');

  // 4. Reloaded with the index built, offline: the relay is gone (context.setOffline(true)
  // made this Chromium drop the browser connection), the service worker serves the shell.
  await relay.stop();
  try {
    const r0 = performance.now();
    await page.reload();
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    const rShell = performance.now() - r0;
    await rows.first().waitFor({ timeout: 60_000 });
    const rRows = performance.now() - r0;
    const landed = await statusText(page);
    console.log(
      `offline reload (index built, relay down): shell ${fmt(rShell)}, first rows ${fmt(rRows)}, on tab "${await page.locator('[role="tab"][aria-selected="true"]').innerText()}" (${landed})`,
    );
    // Offline the app does not know yet that this person is an auditor: it opens on My audit.
    if ((await page.locator('#tab-all[aria-selected="false"]').count()) > 0) {
      const all = await timed(page, { selector: '#tab-all', click: true });
      console.log(`offline tab All entries: ${fmt(all.ms)} → ${all.status}`);
    }
    await waitForCount(page, size, 120_000);
    const offlineFilter = await timed(page, { selector: sel.outcome, value: 'rejected' });
    console.log(
      `offline filter outcome Denied: ${fmt(offlineFilter.ms)} → ${offlineFilter.status}`,
    );
    const offlineText = await timed(page, { selector: sel.text, value: 'certificate' });
    console.log(
      `offline filter + text "certificate" (incl. 250 ms debounce): ${fmt(offlineText.ms)} → ${offlineText.status}`,
    );
    await heap(page, 'after offline reload');
  } catch (error) {
    const seen = await page
      .locator('main')
      .innerText({ timeout: 2000 })
      .catch(() => '(page gone)');
    console.log(`offline reload failed: ${String(error).split('\n')[0]}`);
    console.log(`  page shows: ${seen.slice(0, 400).replace(/\s+/g, ' ')}`);
  }
  if (!browser.isConnected()) return;
  const mem = await page.evaluate(() => {
    const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return m?.usedJSHeapSize ?? 0;
  });
  console.log(`performance.memory.usedJSHeapSize: ${mb(mem)}`);
}

try {
  // The first administrator, in the browser with Chromium's virtual authenticator.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await openProfile(context, relay.setupUrl);
  await new SetupPage(page).createFirstAdmin('Ada Admin');
  const admin = new AdminPage(page);
  await admin.open();
  const link = await admin.invite('Bench Admin');
  const secret = new URL(link).hash.replace(/^#token=/, '');

  // A second administrator in Node, made a permanent active Global Administrator in the UI.
  const bench = await TestUser.create(h);
  await bench.register('invite', secret, 'Bench Admin');
  await page.getByLabel('Person').selectOption({ label: 'Bench Admin' });
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Global Administrator' });
  await page.getByLabel('Active (holds the role all the time)').check();
  await page.getByLabel('Justification', { exact: true }).fill('Benchmark driver');
  await page.getByRole('button', { name: 'Assign role' }).click();
  await page
    .getByText('Bench Admin is now assigned Global Administrator.')
    .waitFor({ timeout: 20_000 });
  // The app stays away while the ledger fills, so the figures below start from a cold index.
  await page.goto('about:blank');

  await fill(bench);
  const size = await ledgerSize();
  console.log(`ledger: ${size.toLocaleString('en-US')} entries`);

  await measure(page, size);
  await context.close();
} finally {
  await browser.close();
  await relay.stop();
}
