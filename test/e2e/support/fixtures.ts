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
  /** Moves the relay's clock forward and waits until due work (expiries) has been recorded. */
  advanceClock(ms: number): Promise<void>;
  output(): string;
  stop(): Promise<void>;
};

export async function startRelayProcess(): Promise<RelayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leasehold-e2e-'));
  const child: ChildProcess = spawn(join('node_modules', '.bin', 'tsx'), ['sync-server/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      LEASEHOLD_TEST_CLOCK: '1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const setupUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${out}`)), 30_000);
    const check = () => {
      const match = /open (http:\/\/localhost:\d+\/setup#token=[\w-]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}:\n${out}`)));
  });
  const origin = new URL(setupUrl).origin;
  return {
    origin,
    setupUrl,
    dataDir,
    output: () => out,
    async advanceClock(ms) {
      const res = await fetch(`${origin}/api/test/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: ms }),
      });
      expect(res.status).toBe(200);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
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
