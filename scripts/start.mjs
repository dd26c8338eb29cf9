// `npm start` and `npm run demo`: builds the app, then runs the relay (or the demo) in this
// terminal, printing only what a person needs. The build's output (about 200 lines, ending in
// advice that does not apply here) is kept back and shown only when the build fails. The relay's
// JSON logs on stderr start at `warn` unless LOG_LEVEL is set; `npm run relay`, for operators,
// keeps the default `info`.
// Run: node scripts/start.mjs sync-server/main.ts
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/start.mjs <relay entry, e.g. sync-server/main.ts>');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm run build`, holding its output back; answers the exit code and the output. */
function build() {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(output) }));
  });
}

process.stdout.write('Building the app… ');
const started = Date.now();
const built = await build();
if (built.code !== 0) {
  process.stdout.write('failed:\n\n');
  process.stderr.write(built.output);
  process.exit(built.code);
}
process.stdout.write(`done (${Math.round((Date.now() - started) / 1000)} s).\n`);

const relay = spawn(fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url)), [entry], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
});
// Ctrl-C reaches the relay from the terminal too; a signal sent to this process alone (a
// service manager's SIGTERM) is passed on, so the relay always drains and closes its database.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => relay.kill(signal));
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
