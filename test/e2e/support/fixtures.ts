/**
 * Playwright fixtures: a real relay process (built app, SQLite in a temp folder, movable clock)
 * per test, and Chromium's virtual WebAuthn authenticator per page over CDP.
 */
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RelayProcess = {
  origin: string;
  setupUrl: string;
  dataDir: string;
  /** The SQLite database file, for tests that play a malicious operator. */
  dbFile: string;
  /** Moves the relay's clock forward and waits until due work (expiries) has been recorded. */
  advanceClock(ms: number): Promise<void>;
  /** Stops the relay, lets `mutate` change its database, and starts it again on the same port. */
  restart(opts?: { mutate?: (dbFile: string) => void | Promise<void> }): Promise<void>;
  output(): string;
  stop(): Promise<void>;
};

type Running = { child: ChildProcess; origin: string; setupUrl: string | null };

function spawnRelay(
  dataDir: string,
  port: number,
  log: (text: string) => void,
  staticDir?: string,
  host?: string,
): Promise<Running> {
  const child: ChildProcess = spawn(join('node_modules', '.bin', 'tsx'), ['sync-server/main.ts'], {
    env: {
      ...process.env,
      // Each test's relay keeps its data in its own SQLite file, never in a shell's database.
      DATABASE_URL: '',
      PORT: String(port),
      DATA_DIR: dataDir,
      LEASEHOLD_TEST_CLOCK: '1',
      ...(staticDir ? { STATIC_DIR: staticDir } : {}),
      ...(host ? { HOST: host } : {}),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
    log(String(d));
  });
  child.stderr!.on('data', (d) => log(String(d)));
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      // Wait for the whole listening line; a first start's setup link follows it.
      const listening = /listening on (http:\/\/localhost:\d+)\n/.exec(out);
      if (!listening) return;
      clearTimeout(timer);
      resolve({ child, origin: listening[1]!, setupUrl: null });
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}:\n${out}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** `host`: the address to listen on (main.ts's HOST; it still advertises http://localhost). */
export async function startRelayProcess(
  opts: { staticDir?: string; host?: string } = {},
): Promise<RelayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leasehold-e2e-'));
  let out = '';
  const log = (text: string) => (out += text);
  let running = await spawnRelay(dataDir, 0, log, opts.staticDir, opts.host);
  // A first start prints the setup link just after the listening line.
  for (let i = 0; i < 50 && !running.setupUrl; i++) {
    await new Promise((r) => setTimeout(r, 100));
    running.setupUrl = /open (http:\/\/localhost:\d+\/setup#token=[\w-]+)/.exec(out)?.[1] ?? null;
  }
  if (!running.setupUrl) throw new Error(`relay printed no setup link:\n${out}`);
  const origin = running.origin;
  const port = Number(new URL(origin).port);
  return {
    origin,
    setupUrl: running.setupUrl,
    dataDir,
    dbFile: join(dataDir, 'leasehold.sqlite'),
    output: () => out,
    async advanceClock(ms) {
      const res = await fetch(`${origin}/api/test/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: ms }),
      });
      expect(res.status).toBe(200);
    },
    async restart({ mutate } = {}) {
      await stopChild(running.child);
      await mutate?.(join(dataDir, 'leasehold.sqlite'));
      running = await spawnRelay(dataDir, port, log, opts.staticDir, opts.host);
    },
    async stop() {
      await stopChild(running.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A platform passkey authenticator with user verification, attached to one page. */
export async function addPasskeyAuthenticator(
  page: Page,
): Promise<{ credentialCount(): Promise<number> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
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
  return {
    async credentialCount() {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials.length;
    },
  };
}

/** A browser profile (context) with its own page and passkey authenticator. */
export async function openProfile(context: BrowserContext, url: string) {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
  await page.goto(new URL('/', url).href);
  const authenticator = await addPasskeyAuthenticator(page);
  await page.goto(url);
  return { page, authenticator };
}

export const test = base.extend<{ relay: RelayProcess }>({
  // eslint-disable-next-line no-empty-pattern
  relay: async ({}, use) => {
    const relay = await startRelayProcess();
    await use(relay);
    await relay.stop();
  },
});

export { expect };
