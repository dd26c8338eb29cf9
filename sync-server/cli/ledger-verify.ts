/**
 * `npm run ledger:verify -- <DIR or .tar> [--webauthn] [--state <file>] [--vkey <vkey>]`
 *
 * Verifies a ledger export offline (docs/ledger.md "What the verifier checks") and prints a
 * short report. Exit 0 valid; 1 integrity failure, naming the first bad entry and why;
 * 2 usage error or unreadable input.
 *
 * --webauthn  also re-verify every passkey assertion and registration in the ledger
 * --state F   incremental: if F exists, verify only the entries after the state it holds
 *             (the export may hold all entries or only the new ones); on success, write the
 *             new state to F
 * --vkey K    pin the relay key: relay-key.json must be this signed-note verifier key
 */
import {
  createReadStream,
  existsSync,
  openSync,
  readSync,
  closeSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { fromUtf8 } from '#ledger/bytes';
import {
  EXPORT_FILES,
  LedgerExportError,
  decodeTar,
  parseCheckpointsJsonl,
  parseRelayKeyFile,
  readExportFiles,
  type RelayKeyFile,
} from '#protocol/ledger-export';
import { verifyLedger, type LedgerVerification, type VerifiedState } from '#protocol/verify-ledger';
import { UsageError, isMain, parseArgs } from './args';

const USAGE =
  'usage: npm run ledger:verify -- <DIR or .tar> [--webauthn] [--state <file>] [--vkey <vkey>]';

/** What --state stores: the verifier's state and where its entries end in entries.jsonl. */
type StateFile = { state: VerifiedState; entriesBytes: number };

type Input = {
  entries: Uint8Array | AsyncIterable<Uint8Array>;
  checkpoints: string[];
  relayKey: RelayKeyFile;
  /** Byte length of the entries consumed, for the next --state run. */
  entriesBytes: number;
};

class InputError extends Error {
  override name = 'InputError';
}

/** Reads an export directory or archive; streams entries.jsonl from a directory. */
async function readInput(path: string, resume: StateFile | null): Promise<Input> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError(`cannot read ${path}`);
  }
  try {
    if (stat.isFile()) {
      const files = await readExportFiles(decodeTar(readFileSync(path)));
      const skip = resume ? resumeOffset(files.entries.subarray(0, 4096), resume) : 0;
      return {
        ...files,
        entries: files.entries.subarray(skip),
        entriesBytes: cumulativeBytes(files.entries.length, skip, resume),
      };
    }
    const entriesPath = join(path, EXPORT_FILES.entries);
    const checkpoints = parseCheckpointsJsonl(
      readFileSync(join(path, EXPORT_FILES.checkpoints), 'utf8'),
    );
    const relayKey = await parseRelayKeyFile(
      readFileSync(join(path, EXPORT_FILES.relayKey), 'utf8'),
    );
    const size = statSync(entriesPath).size;
    let start = 0;
    if (resume) {
      const head = new Uint8Array(4096);
      const fd = openSync(entriesPath, 'r');
      const n = readSync(fd, head, 0, head.length, 0);
      closeSync(fd);
      start = resumeOffset(head.subarray(0, n), resume);
    }
    return {
      entries: readChunks(entriesPath, start),
      checkpoints,
      relayKey,
      entriesBytes: cumulativeBytes(size, start, resume),
    };
  } catch (error) {
    if (error instanceof LedgerExportError) throw new InputError(error.message);
    if ((error as NodeJS.ErrnoException).code) throw new InputError((error as Error).message);
    throw error;
  }
}

/** Streams a file from `start`, opening it only once iteration begins (and closing it early). */
async function* readChunks(path: string, start: number): AsyncGenerator<Uint8Array> {
  yield* createReadStream(path, { start, highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
}

/**
 * Where the new entries start: at 0 when the export holds only them, at the stored offset
 * when it holds the whole ledger again (the old part was verified and is not read).
 */
function resumeOffset(head: Uint8Array, resume: StateFile): number {
  const newline = head.indexOf(0x0a);
  let seq: unknown;
  try {
    seq = (
      JSON.parse(fromUtf8(head.subarray(0, newline < 0 ? head.length : newline))) as {
        seq?: unknown;
      }
    ).seq;
  } catch {
    return 0;
  }
  return seq === 0 && resume.state.size > 0 ? resume.entriesBytes : 0;
}

/**
 * Where the verified entries end in a whole-ledger entries.jsonl: the file size when it held
 * the whole ledger, or the old end plus this file when it held only the new entries.
 */
function cumulativeBytes(size: number, skipped: number, resume: StateFile | null): number {
  if (!resume || skipped > 0 || resume.state.size === 0) return size;
  return resume.entriesBytes + size;
}

function loadState(file: string): StateFile | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
    if (typeof parsed.entriesBytes !== 'number' || typeof parsed.state !== 'object')
      throw new Error();
    return parsed;
  } catch {
    throw new InputError(`${file} is not a verifier state file`);
  }
}

function report(
  path: string,
  result: LedgerVerification,
  webauthn: boolean,
  resumed: StateFile | null,
): string {
  if (!result.ok) {
    const where = result.index === null ? 'checkpoints' : `entry ${result.index}`;
    return `ledger: ${path}\nINVALID (${where}): ${result.reason}\n`;
  }
  const lines = [
    `ledger: ${path}`,
    `origin: ${result.state.origin}`,
    resumed
      ? `entries: ${result.size} (${result.size - resumed.state.size} new since the saved state)`
      : `entries: ${result.size}`,
    `checkpoints: ${result.checkpointsChecked} verified` +
      (result.checkpointsSkipped
        ? `, ${result.checkpointsSkipped} older than the saved state`
        : ''),
    `key rotations: ${result.keyRotations}; key in force: ${result.state.keys.at(-1)?.keyName} ${result.state.keys.at(-1)?.publicKey}`,
    webauthn
      ? `passkey evidence: ${result.evidenceChecked} verified, ${result.evidenceSkipped} in rejected entries not required`
      : 'passkey evidence: not checked (add --webauthn)',
    'VALID',
  ];
  return `${lines.join('\n')}\n`;
}

/** The CLI: returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, { values: ['state', 'vkey'], flags: ['webauthn', 'help'] });
    if (args.flags.has('help')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (args.positional.length !== 1) throw new UsageError('give exactly one export DIR or .tar');
  } catch (error) {
    process.stderr.write(`ledger:verify: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const path = resolve(args.positional[0]!);
  const webauthn = args.flags.has('webauthn');
  const stateFile = args.values.get('state');
  let resume: StateFile | null = null;
  let input: Input;
  try {
    resume = stateFile ? loadState(stateFile) : null;
    input = await readInput(path, resume);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`ledger:verify: ${error.message}\n`);
    return 2;
  }
  const pinned = args.values.get('vkey');
  if (pinned !== undefined && pinned !== input.relayKey.vkey) {
    process.stdout.write(
      `ledger: ${path}\nINVALID (relay key): relay-key.json holds ${input.relayKey.vkey}, not the pinned key ${pinned}\n`,
    );
    return 1;
  }
  const started = performance.now();
  const result = await verifyLedger({
    entriesJsonl: input.entries,
    checkpoints: input.checkpoints,
    relayKey: input.relayKey,
    webauthn,
    ...(resume ? { resumeFrom: resume.state } : {}),
  });
  process.stdout.write(report(path, result, webauthn, resume));
  if (process.env.LEDGER_VERIFY_TIMING === '1') {
    process.stdout.write(`took ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
  }
  if (!result.ok) return 1;
  if (stateFile) {
    const saved: StateFile = { state: result.state, entriesBytes: input.entriesBytes };
    writeFileSync(stateFile, `${JSON.stringify(saved)}\n`);
  }
  return 0;
}

if (isMain(import.meta.url)) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
