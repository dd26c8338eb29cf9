/**
 * `npm run demo` (after a build): the relay with a realistic organisation already in it, so a new
 * user sees Leasehold working in a minute. Everything is loaded through the real pipeline — passkey
 * ceremonies (software authenticators), signed commands, passkey-confirmed activations,
 * approvals — so the ledger is a genuine, verifiable history, not fixture rows.
 *
 * Environment: PORT (8787), DATA_DIR (./data-demo), DATABASE_URL (PostgreSQL instead; see
 * main.ts), DEMO_USERS (300).
 * The demo prints an invite link for you; once you join, you are made a Global Administrator.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { systemClock } from './clock';
import { loadDemoOrganisation } from './dev/demo-data';
import type { RelayEndpoint } from './dev/node-client';
import { log } from './log';
import { Relay } from './relay';
import { startLines } from './start-lines';
import { openConfiguredStorage } from './storage/open';

const port = Number(process.env.PORT ?? 8787);
const dataDir = resolve(process.env.DATA_DIR ?? './data-demo');
const staticDir = resolve(process.env.STATIC_DIR ?? 'build');
const userCount = Math.max(20, Math.min(2000, Number(process.env.DEMO_USERS ?? 300)));

async function main(): Promise<void> {
  const { storage, location } = await openConfiguredStorage(process.env, dataDir);
  log('info', 'storage opened', { storage: storage.kind, location });
  const relay = await Relay.open({
    storage,
    clock: systemClock,
    rp: { rpName: 'Leasehold (demo)', rpId: '', origin: '' },
    staticDir: existsSync(join(staticDir, 'index.html')) ? staticDir : null,
  });
  const bound = await relay.listen(port, 'localhost');
  const origin = `http://localhost:${bound}`;
  Object.assign(relay.rp, { origin, rpId: 'localhost' });
  const endpoint: RelayEndpoint = {
    http: origin,
    ws: `ws://localhost:${bound}`,
    origin,
    clock: systemClock,
  };
  process.stdout.write(
    startLines({ name: 'Leasehold (demo)', origin, storage: storage.kind, location }),
  );

  if (relay.state.setupCompletedAt) {
    process.stdout.write(
      'The demo organisation is already loaded: open the app and sign in with your passkey.\n',
    );
    process.stdout.write(
      `To start over, stop the demo and delete ${storage.kind === 'sqlite' ? dataDir : 'its tables'}.\n`,
    );
  } else {
    const started = performance.now();
    const invite = await loadDemoOrganisation(relay, endpoint, userCount);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `Loaded ${Object.keys(relay.state.users).length} people and ${relay.ledger.size} ledger entries in ${seconds} s.\n`,
    );
    process.stdout.write(
      `Open ${origin}/invite#token=${invite.secret} to join as a Global Administrator.\n`,
    );
    await invite.promoteWhenJoined();
  }
  const stop = () => void relay.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log('error', 'demo failed', { error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
