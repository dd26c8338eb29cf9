/**
 * Installable and offline-capable: Chromium reports no installability errors, the service worker
 * serves the app shell for deep links with the network off, and a new build shows the update
 * prompt instead of swapping the app out from under the person — and, on a phone, without
 * covering any of the page.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { SetupPage } from './page-models/app';
import { addPasskeyAuthenticator, expect, startRelayProcess, test } from './support/fixtures';

test('the app is installable, opens offline from its service worker, and offers updates', async ({
  playwright,
}) => {
  // A private copy of the build, so that this test can publish a "new version".
  const staticDir = mkdtempSync(join(tmpdir(), 'leasehold-pwa-'));
  cpSync('build', staticDir, { recursive: true });
  const relay = await startRelayProcess({ staticDir });
  // A real profile: Chromium never offers to install from an incognito context.
  const profile = mkdtempSync(join(tmpdir(), 'leasehold-profile-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    ...test.info().project.use.launchOptions,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await addPasskeyAuthenticator(page);
    await page.goto(relay.setupUrl);
    await expect(page.getByRole('heading', { name: 'Set up Leasehold' })).toBeVisible();

    // The manifest is linked and complete; Chromium finds nothing that blocks installation.
    const manifest = (await (
      await page.request.get(`${relay.origin}/manifest.webmanifest`)
    ).json()) as {
      name: string;
      short_name: string;
      display: string;
      start_url: string;
      icons: { sizes: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({
      short_name: 'Leasehold',
      display: 'standalone',
      start_url: '/',
    });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    const cdp = await context.newCDPSession(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    // Once the worker controls the page, a deep link opens with the network off.
    await page.reload();
    await expect
      .poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)))
      .toBe(true);
    await context.setOffline(true);
    const offline = await page.goto(`${relay.origin}/audit`);
    expect(offline?.fromServiceWorker()).toBe(true);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await context.setOffline(false);

    // A new build, while an administrator works on a long page: the waiting worker prompts;
    // "Reload" switches to it.
    await page.goto(relay.setupUrl);
    await new SetupPage(page).createFirstAdmin('Ada Admin');
    await page.getByRole('link', { name: 'Administration' }).click();
    const administration = page.getByRole('heading', { name: 'Administration', level: 1 });
    await expect(administration).toBeVisible();
    const sw = join(staticDir, 'sw.js');
    appendFileSync(sw, `\n// build ${Date.now()}\n`);
    // A build also writes the compressed copies the relay prefers.
    writeFileSync(`${sw}.br`, brotliCompressSync(readFileSync(sw)));
    writeFileSync(`${sw}.gz`, gzipSync(readFileSync(sw)));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page
      .getByRole('status')
      .filter({ hasText: 'A new version of Leasehold is available.' });
    await expect(prompt).toBeVisible({ timeout: 20_000 });
    // On a phone, scrolled anywhere, no part of the page lies under the prompt.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const scroll of ['top', 'bottom'] as const) {
      await page.evaluate(
        (to) => window.scrollTo(0, to === 'top' ? 0 : document.body.scrollHeight),
        scroll,
      );
      const covered = await prompt.evaluate((toast) => {
        const t = toast.getBoundingClientRect();
        const content = document.querySelectorAll(
          'main :is(h1, h2, h3, p, label, input, select, textarea, button, a, li)',
        );
        return [...content]
          .filter((element) => {
            const r = element.getBoundingClientRect();
            return (
              r.width > 0 &&
              r.height > 0 &&
              r.left < t.right &&
              t.left < r.right &&
              r.top < t.bottom &&
              t.top < r.bottom
            );
          })
          .map((element) => `${element.tagName}: ${element.textContent?.trim().slice(0, 40)}`);
      });
      expect(covered, `covered with the page scrolled to the ${scroll}`).toEqual([]);
    }
    await Promise.all([
      page.waitForEvent('load'),
      prompt.getByRole('button', { name: 'Reload' }).click(),
    ]);
    await expect(administration).toBeVisible();
  } finally {
    await context.close();
    await relay.stop();
    rmSync(staticDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
});
