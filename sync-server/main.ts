/**
 * Composition root: `npm run relay` (and `npm start`, after a build). Environment:
 *   PORT (8787), DATA_DIR (./data, SQLite inside), HOST (localhost),
 *   DATABASE_URL (postgres://… or postgresql://…: use PostgreSQL instead of SQLite; opt-in),
 *   PUBLIC_ORIGIN (http://localhost:<port>; the WebAuthn origin), RP_ID (its hostname),
 *   LEASEHOLD_TEST_CLOCK=1 (tests only: a movable clock at POST /api/test/clock),
 *   LOG_LEVEL (info).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestClock, systemClock } from './clock';
import { log } from './log';
import { Relay } from './relay';
import { startLines } from './start-lines';
import { openConfiguredStorage } from './storage/open';

const port = Number(process.env.PORT ?? 8787);
const host = process.env.HOST ?? 'localhost';
const dataDir = resolve(process.env.DATA_DIR ?? './data');
const staticDir = resolve(process.env.STATIC_DIR ?? 'build');
const testClock = process.env.LEASEHOLD_TEST_CLOCK === '1' ? new TestClock() : null;

async function main(): Promise<void> {
  const { storage, location } = await openConfiguredStorage(process.env, dataDir);
  log('info', 'storage opened', { storage: storage.kind, location });
  const relay = await Relay.open({
    storage,
    clock: testClock ?? systemClock,
    // The origin is only known after listening when PORT=0, so the RP is filled in below.
    rp: { rpName: 'Leasehold', rpId: '', origin: '' },
    staticDir: existsSync(join(staticDir, 'index.html')) ? staticDir : null,
    testClock,
  });
  const bound = await relay.listen(port, host);
  const origin = process.env.PUBLIC_ORIGIN ?? `http://localhost:${bound}`;
  Object.assign(relay.rp, { origin, rpId: process.env.RP_ID ?? new URL(origin).hostname });
  if (!relay.options.staticDir)
    log('warn', 'no built app found; serving the API only (run npm run build)', { staticDir });

  const token = await relay.issueSetupToken();
  process.stdout.write(
    startLines({ name: 'Leasehold', origin, storage: storage.kind, location }) +
      (token
        ? `First start: open ${origin}/setup#token=${token} to create the first administrator.\n`
        : ''),
  );

  const stop = (signal: string) => {
    log('info', 'stopping', { signal });
    void relay.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  log('error', 'relay failed to start', { error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
