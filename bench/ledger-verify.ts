/**
 * `npm run bench:ledger` — how fast the offline verifier checks an export (prints, asserts
 * nothing). BENCH_ENTRIES sets the size of the big export (default 1,000,000).
 *
 * 1. Writes a synthetic export into a temp dir, streamed: canonical JSON entries shaped like
 *    real LedgerEntry lines (a passkey-confirmed ActivateRole, ~900 bytes each), a checkpoint
 *    every 10,000 entries signed with a generated Ed25519 key. Roots here come from node:crypto
 *    with an independent compact-range fold, so the bench also cross-checks the verifier.
 * 2. Times `ledger:verify` on it end to end (file reading included), saving its --state.
 * 3. Appends 1,000 entries and a checkpoint and times the incremental verify from the state,
 *    for a 100,000-entry and for the big export: the figure should not grow with the old size.
 *
 * BENCH_KEEP=1 keeps the generated exports in the temp dir (for profiling).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { canonicalize } from '#ledger/canonical-json';
import { signCheckpoint, type CheckpointSigner } from '#ledger/checkpoint';
import { generateRelayKey, importRelaySigner } from '#ledger/relay-key';
import { LEDGER_ENTRY_VERSION } from '#protocol/ledger-entry';
import { encodeCheckpointsJsonl, exportFiles, relayKeyFile } from '#protocol/ledger-export';
import { PROTOCOL_VERSION } from '#protocol/messages';
import { main as verify } from '../sync-server/cli/ledger-verify';

const BIG = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const SMALL = Math.min(100_000, BIG);
const APPEND = 1_000;
const CHECKPOINT_EVERY = 10_000;
const ORIGIN = 'bench.leasehold.local/ledger';

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

/** RFC 9162 compact range, independent of src/lib/ledger/merkle.ts. */
class Peaks {
  size = 0;
  peaks: Uint8Array[] = [];
  append(entry: Uint8Array): void {
    let carry = sha256(LEAF, entry);
    for (let n = this.size; n % 2 === 1; n = Math.floor(n / 2)) {
      carry = sha256(NODE, this.peaks.pop()!, carry);
    }
    this.peaks.push(carry);
    this.size += 1;
  }
  root(): Uint8Array {
    let acc = this.peaks[this.peaks.length - 1]!;
    for (let i = this.peaks.length - 2; i >= 0; i--) acc = sha256(NODE, this.peaks[i]!, acc);
    return acc;
  }
}

/** Deterministic base64url-looking ids, cheaply: slices of one random pool. */
const POOL = Buffer.from(
  Array.from({ length: 3072 }, (_, i) => sha256(Buffer.from(String(i)))[0]!),
).toString('base64url');
const b64u = (n: number, len: number) => {
  const at = (n * 7919) % (POOL.length - len);
  return POOL.slice(at, at + len);
};

/** A realistic accepted, passkey-confirmed activation entry. */
function entryAt(seq: number, t0: number): string {
  const ts = new Date(t0 + seq * 1000).toISOString();
  const user = `u_${b64u(seq % 500, 11)}`;
  const activationId = `act_${b64u(seq, 11)}`;
  const command = {
    type: 'ActivateRole',
    activationId,
    assignmentId: `a_${b64u(seq % 900, 11)}`,
    durationMinutes: 60,
    startsAt: null,
    justification: `Investigating incident INC-${100000 + (seq % 90000)} on the payroll cluster`,
    ticket: null,
  };
  return canonicalize({
    v: LEDGER_ENTRY_VERSION,
    seq,
    ts,
    kind: 'command',
    outcome: 'accepted',
    actor: user,
    commandType: 'ActivateRole',
    cmdId: b64u(seq + 1, 22),
    signed: {
      envelope: {
        v: PROTOCOL_VERSION,
        cmdId: b64u(seq + 1, 22),
        deviceId: `d_${b64u(seq % 700, 22)}`,
        issuedAt: ts,
        command,
        confirmation: {
          nonce: b64u(seq + 2, 43),
          assertion: {
            id: b64u(seq % 500, 22),
            rawId: b64u(seq % 500, 22),
            type: 'public-key',
            response: {
              clientDataJSON: b64u(seq + 3, 40),
              authenticatorData: b64u(seq + 4, 49),
              signature: b64u(seq + 5, 40),
            },
            clientExtensionResults: {},
          },
        },
      },
      signature: b64u(seq + 6, 43),
    },
    command: null,
    ceremony: null,
    events: [
      {
        type: 'ActivationStarted',
        activation: { id: activationId, principalId: user, startsAt: ts, status: 'active' },
      },
    ],
    rejection: null,
  });
}

type Synthetic = { dir: string; tree: Peaks; notes: string[]; bytes: number; t0: number };

/** Appends entries [from, to) to the export in dir, with a checkpoint every 10,000 and at the end. */
async function writeEntries(
  s: Synthetic,
  from: number,
  to: number,
  signer: CheckpointSigner,
): Promise<void> {
  const stream = createWriteStream(join(s.dir, 'entries.jsonl'), { flags: 'a' });
  for (let seq = from; seq < to; seq++) {
    const line = Buffer.from(`${entryAt(seq, s.t0)}\n`);
    s.tree.append(line.subarray(0, line.length - 1));
    s.bytes += line.length;
    if (!stream.write(line)) await once(stream, 'drain');
    if (s.tree.size % CHECKPOINT_EVERY === 0 || seq === to - 1) {
      s.notes.push(
        await signCheckpoint({ origin: ORIGIN, size: s.tree.size, root: s.tree.root() }, signer),
      );
    }
  }
  stream.end();
  await once(stream, 'finish');
  writeFileSync(join(s.dir, 'checkpoints.jsonl'), encodeCheckpointsJsonl(s.notes));
}

async function synthetic(size: number, signer: CheckpointSigner): Promise<Synthetic> {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-bench-ledger-'));
  const relayKey = await relayKeyFile(ORIGIN, signer);
  writeFileSync(
    join(dir, 'relay-key.json'),
    exportFiles({ entries: [], checkpoints: [], relayKey })[2]!.bytes,
  );
  writeFileSync(join(dir, 'entries.jsonl'), '');
  const s: Synthetic = { dir, tree: new Peaks(), notes: [], bytes: 0, t0: Date.UTC(2026, 0, 1) };
  await writeEntries(s, 0, size, signer);
  return s;
}

/** Runs the CLI in-process, returning seconds; fails loudly if the export does not verify. */
async function timedVerify(...argv: string[]): Promise<number> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  const started = performance.now();
  let code: number;
  try {
    code = await verify(argv);
  } finally {
    process.stdout.write = write;
  }
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`verify failed (${code}):\n${out}`);
  return seconds;
}

const fmt = (n: number) => n.toLocaleString('en-US');

async function incremental(s: Synthetic, signer: CheckpointSigner, label: string): Promise<void> {
  const state = join(s.dir, 'state.json');
  const full = await timedVerify(s.dir, '--state', state);
  const mb = s.bytes / 2 ** 20;
  console.log(
    `${label}: full verify of ${fmt(s.tree.size)} entries (${mb.toFixed(0)} MiB, ${s.notes.length} checkpoints): ` +
      `${full.toFixed(1)} s, ${fmt(Math.round(s.tree.size / full))} entries/s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  const old = s.tree.size;
  await writeEntries(s, old, old + APPEND, signer);
  const again = await timedVerify(s.dir, '--state', state);
  console.log(
    `${label}: incremental verify of ${fmt(APPEND)} new entries on top of ${fmt(old)}: ${(again * 1000).toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(
    `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM ` +
      `(${(freemem() / 2 ** 30).toFixed(1)} free), Node ${process.version}, ${process.platform}/${process.arch}`,
  );
  const key = await generateRelayKey();
  const signer = await importRelaySigner(ORIGIN, key.privateKeyPkcs8);
  const dirs: string[] = [];
  try {
    for (const size of SMALL === BIG ? [BIG] : [SMALL, BIG]) {
      const started = performance.now();
      const s = await synthetic(size, signer);
      dirs.push(s.dir);
      console.log(
        `generated ${fmt(size)} entries in ${((performance.now() - started) / 1000).toFixed(1)} s (${s.dir})`,
      );
      await incremental(s, signer, fmt(size));
      if (!process.env.BENCH_KEEP) rmSync(s.dir, { recursive: true, force: true });
    }
  } finally {
    if (!process.env.BENCH_KEEP)
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
