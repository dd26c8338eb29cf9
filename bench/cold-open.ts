/**
 * Bytes on the wire for opening the app, measured in Chromium. A real relay (temp data dir)
 * serves the built app; a person sets Leasehold up with a virtual passkey and is signed in.
 * Then, with the service worker kept out of the way (so every byte comes from the relay):
 *   cold open  — the HTTP cache emptied, open My roles (`/roles`) until the network is idle;
 *   warm open  — open it again with that cache (revalidations and what the cache cannot answer);
 * and, in a fresh profile, the service worker's first install (its precache of the app shell).
 * Bytes are what Chromium reports per response (Playwright's `request.sizes()`: headers plus the
 * body as received, i.e. compressed when the relay compressed it), summed for the app's files and
 * for the API (`/api/`, `/.well-known/`). Websocket traffic is not counted. DEBUG=1 lists every
 * response.
 * Run `npm run build` first. Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';

/** One response: headers plus body bytes received, and the body alone (0 when revalidated). */
type Transfer = { url: string; status: number; bytes: number; body: number; encoding: string };

async function startRelay(dataDir: string) {
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['sync-server/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  for (let i = 0; i < 300; i++) {
    const origin = /listening on (http:\/\/localhost:\d+)/.exec(out)?.[1];
    const setup = /open (http:\/\/localhost:\d+\/setup#token=[\w-]+)/.exec(out)?.[1];
    if (origin && setup) return { child, origin, setup };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`relay did not start:\n${out}`);
}

/**
 * Records what every request of a browser context (its pages and its service worker) received:
 * headers plus the body as sent, i.e. compressed when the relay compressed it.
 */
function recordTransfers(context: BrowserContext): () => Promise<Transfer[]> {
  let pending: Promise<Transfer>[] = [];
  context.on('requestfinished', (request) => {
    pending.push(
      Promise.all([request.sizes(), request.response()]).then(([sizes, response]) => ({
        url: request.url(),
        status: response?.status() ?? 0,
        bytes: sizes.responseHeadersSize + sizes.responseBodySize,
        body: sizes.responseBodySize,
        encoding: response?.headers()['content-encoding'] ?? '',
      })),
    );
  });
  return async () => {
    const taken = pending;
    pending = [];
    return Promise.all(taken);
  };
}

async function openMyRoles(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/roles`);
  await page.getByRole('heading', { name: 'My roles', level: 1 }).waitFor();
  await page.waitForLoadState('networkidle');
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function summarise(label: string, origin: string, transfers: Transfer[]): void {
  const isApi = (t: Transfer) => /^\/(api|\.well-known)\//.test(new URL(t.url).pathname);
  const ofKind = (api: boolean) => transfers.filter((t) => isApi(t) === api);
  const app = ofKind(false);
  const api = ofKind(true);
  const sum = (ts: Transfer[]) => ts.reduce((s, t) => s + t.bytes, 0);
  const encodings = new Map<string, number>();
  for (const t of app) {
    // Chromium reports a revalidated response with the cached status: headers but no body.
    const key =
      t.bytes === 0
        ? 'from cache'
        : t.status === 304 || t.body === 0
          ? '304'
          : t.encoding || 'uncompressed';
    encodings.set(key, (encodings.get(key) ?? 0) + 1);
  }
  const how = [...encodings].map(([k, n]) => `${n} ${k}`).join(', ');
  console.log(
    `${label}: ${kb(sum(transfers))} transferred — app files ${kb(sum(app))} in ${app.length} responses (${how}), API ${kb(sum(api))} in ${api.length}`,
  );
  if (process.env.DEBUG) {
    for (const t of [...transfers].sort((a, b) => b.bytes - a.bytes)) {
      console.log(`  ${String(t.bytes).padStart(8)}  ${t.status}  ${t.url.replace(origin, '')}`);
    }
  }
}

async function withVirtualPasskey(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'leasehold-bench-cold-'));
  const relay = await startRelay(dataDir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  try {
    console.log(
      `machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, node ${process.version}, ${browser.version()}`,
    );
    // Without a service worker every request reaches the relay, as on a first visit.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(relay.origin);
    await withVirtualPasskey(context, page);
    await page.goto(relay.setup);
    await page.getByLabel('Display name').fill('Ada Admin');
    await page.getByRole('button', { name: 'Create passkey' }).click();
    await page.waitForURL('**/roles');
    await page.getByRole('heading', { name: 'My roles', level: 1 }).waitFor();

    const take = recordTransfers(context);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await take();
    await openMyRoles(page, relay.origin);
    summarise('cold open of My roles', relay.origin, await take());
    await openMyRoles(page, relay.origin);
    summarise('warm open of My roles', relay.origin, await take());
    await context.close();

    // A first visit in a fresh profile: the page, then the service worker precaching the shell.
    const fresh = await browser.newContext();
    const takeFresh = recordTransfers(fresh);
    const visitor = await fresh.newPage();
    await visitor.goto(relay.origin);
    await visitor.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await visitor.waitForLoadState('networkidle');
    summarise('first visit with service worker install', relay.origin, await takeFresh());
    await fresh.close();
  } finally {
    await browser.close();
    relay.child.kill('SIGTERM');
    await new Promise((r) => relay.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
