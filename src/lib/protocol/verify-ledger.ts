/**
 * The ledger verifier: everything `npm run ledger:verify` and the app check about an export,
 * from the stored bytes alone (docs/ledger.md "What the verifier checks").
 *
 * Per entry, in order: RFC 8785 canonical form of the stored line, `v`, contiguous `seq`,
 * `ts` never going backwards, key rotations (signed by the key they replace, key-rotation.ts),
 * and with `webauthn` the passkey evidence (WebAuthn L3 §7.1/§7.2, entry-evidence.ts). The
 * lines are RFC 9162 leaves; whenever the tree reaches the size of a C2SP checkpoint
 * (https://c2sp.org/tlog-checkpoint), that checkpoint's Ed25519 signature is checked with the
 * key in force at its size and its root with the root of that prefix, so an older checkpoint
 * that disagrees (a fork or a rewrite) is caught as well as a bad newest one. Finally the
 * newest checkpoint must cover every entry.
 *
 * The first failure stops verification and is reported with the index of the first entry it
 * implicates (null when only a checkpoint is wrong). Entries stream through once and only the
 * Merkle peaks are kept, so memory does not grow with the ledger, and a `VerifiedState`
 * lets a later run verify just the new entries on top of an already verified prefix.
 *
 * Isomorphic: ECMAScript and WebCrypto only; the app runs it too.
 */
import { fromBase64, fromUtf8, toBase64, utf8 } from '#ledger/bytes';
import { canonicalize } from '#ledger/canonical-json';
import { parseCheckpoint, verifyCheckpoint, type Checkpoint } from '#ledger/checkpoint';
import {
  MerkleAccumulator,
  emptyRoot,
  leafHash,
  type MerkleAccumulatorState,
} from '#ledger/merkle';
import { checkEntryEvidence, rememberPasskeys, type RegisteredPasskey } from './entry-evidence';
import { checkKeyRotation, keyFor, rotatesKey, type KeyInForce } from './key-rotation';
import { parseRelayKeyFile, type RelayKeyFile } from './ledger-export';
import { LEDGER_ENTRY_VERSION, type LedgerEntry } from './ledger-entry';
import { fail, VerificationFailure } from './verification-failure';

export type { KeyInForce } from './key-rotation';
export type { RegisteredPasskey } from './entry-evidence';

/**
 * The version of the `VerifiedState` format; a state of another version is refused (verify the
 * whole ledger again instead). Bump it when the state's shape changes (ADR 0006).
 */
export const VERIFIED_STATE_VERSION = 1;

/**
 * What a verified prefix leaves behind for the next run: enough to verify new entries on top
 * of it in O(new entries). JSON-serialisable; `npm run ledger:verify -- --state` stores it.
 */
export type VerifiedState = {
  v: typeof VERIFIED_STATE_VERSION;
  origin: string;
  /** Number of verified entries. */
  size: number;
  /** The Merkle peaks of those entries (MerkleAccumulator.toJSON). */
  peaks: MerkleAccumulatorState;
  /** ts of the last verified entry. */
  lastTs: string | null;
  /** The newest verified checkpoint, as signed-note text (its size is `size`). */
  newestCheckpoint: string | null;
  /** Every checkpoint key so far, oldest first; the last one is in force. */
  keys: KeyInForce[];
  /** Passkeys registered in the prefix, by credential id. */
  passkeys: Record<string, RegisteredPasskey>;
  /** True when every entry of the prefix was verified with `webauthn`. */
  webauthn: boolean;
};

/** Counts of what was checked, for the report. */
export type VerificationStats = {
  checkpointsChecked: number;
  /** Checkpoints older than `resumeFrom`, which cannot be checked without the old entries. */
  checkpointsSkipped: number;
  keyRotations: number;
  /** Passkey confirmations and ceremonies re-verified (with `webauthn`). */
  evidenceChecked: number;
  /** Rejected entries whose evidence was not required to verify. */
  evidenceSkipped: number;
};

export type LedgerVerification =
  | ({ ok: true; size: number; state: VerifiedState } & VerificationStats)
  | { ok: false; index: number | null; reason: string };

/** Entry lines without their '\n': stored bytes, or text that is encoded as UTF-8. */
export type EntrySource = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export type VerifyLedgerInput = {
  /** The entries as separate lines (the app's store, tests). */
  entries?: EntrySource;
  /** Or entries.jsonl as bytes, whole or streamed in chunks (the CLI). */
  entriesJsonl?: Uint8Array | AsyncIterable<Uint8Array>;
  /** Signed-note checkpoints (checkpoints.jsonl), any order. */
  checkpoints: readonly string[];
  /** relay-key.json: the key of the first checkpoint; optional when resuming. */
  relayKey?: RelayKeyFile;
  /** Also re-verify every passkey assertion and registration. */
  webauthn?: boolean;
  /** A state from an earlier run: then entries start at seq `resumeFrom.size`. */
  resumeFrom?: VerifiedState;
};

/**
 * Verifies a ledger export, or the part of it after `resumeFrom`. Never throws.
 * @returns the verified state and counts, or the first failure with the entry it names
 */
export async function verifyLedger(input: VerifyLedgerInput): Promise<LedgerVerification> {
  try {
    return await new LedgerVerifier(input).run();
  } catch (error) {
    if (error instanceof VerificationFailure) {
      return { ok: false, index: error.index, reason: error.message };
    }
    return {
      ok: false,
      index: null,
      reason: `verification failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

type ParsedCheckpoint = { position: number; note: string; checkpoint: Checkpoint };

/** One entry line; `terminated` is false only for a last line missing its '\n'. */
type Line = { bytes: Uint8Array | null; text: string | null; terminated: boolean };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Lines checked together, so their leaf hashes can be computed concurrently. */
const BATCH = 512;

class LedgerVerifier {
  readonly #input: VerifyLedgerInput;
  readonly #webauthn: boolean;
  #origin = '';
  #size = 0;
  #acc = new MerkleAccumulator();
  #lastTs: string | null = null;
  #keys: KeyInForce[] = [];
  #passkeys = new Map<string, RegisteredPasskey>();
  #newest: string | null = null;
  /** Entries from here on are not yet covered by a verified checkpoint. */
  #coveredUpTo = 0;
  #webauthnPrefix = true;
  /** Checkpoints by size, ascending; `#next` is the first not yet checked. */
  #checkpoints: ParsedCheckpoint[] = [];
  #next = 0;
  #stats: VerificationStats = {
    checkpointsChecked: 0,
    checkpointsSkipped: 0,
    keyRotations: 0,
    evidenceChecked: 0,
    evidenceSkipped: 0,
  };

  constructor(input: VerifyLedgerInput) {
    this.#input = input;
    this.#webauthn = input.webauthn === true;
  }

  async run(): Promise<LedgerVerification> {
    await this.#start();
    this.#parseCheckpoints();
    // A checkpoint of the size we start from (0, or the resumed size) is checked first.
    await this.#checkCheckpointsAt(this.#size);
    let batch: Line[] = [];
    for await (const line of this.#lines()) {
      batch.push(line);
      if (batch.length >= BATCH) {
        await this.#verifyBatch(batch);
        batch = [];
      }
    }
    await this.#verifyBatch(batch);
    return this.#finish();
  }

  async #start(): Promise<void> {
    const { relayKey, resumeFrom } = this.#input;
    let key: RelayKeyFile | undefined;
    if (relayKey !== undefined) {
      try {
        key = await parseRelayKeyFile(JSON.stringify(relayKey));
      } catch (error) {
        fail(null, `relay key: ${(error as Error).message}`);
      }
    }
    if (resumeFrom !== undefined) {
      this.#resume(resumeFrom);
      if (key !== undefined) {
        if (key.origin !== this.#origin) {
          fail(
            null,
            `relay key is for origin ${key.origin}, the verified state for ${this.#origin}`,
          );
        }
        // The export may start before or after a rotation, but its key must be one we know.
        if (!this.#keys.some((k) => k.publicKey === key.publicKey && k.keyName === key.keyName)) {
          fail(null, `relay key ${key.keyName} is not a key of the verified state`);
        }
      }
      return;
    }
    if (key === undefined) return fail(null, 'no relay key to verify checkpoints with');
    this.#origin = key.origin;
    this.#keys = [{ keyName: key.keyName, publicKey: key.publicKey, fromSize: 0 }];
  }

  #resume(state: VerifiedState): void {
    if (typeof state !== 'object' || state === null || state.v !== VERIFIED_STATE_VERSION) {
      fail(null, `the verified state is not a version ${VERIFIED_STATE_VERSION} state`);
    }
    try {
      this.#acc = MerkleAccumulator.fromJSON(state.peaks);
    } catch (error) {
      fail(null, `the verified state is corrupt: ${(error as Error).message}`);
    }
    if (this.#acc.size !== state.size || !Array.isArray(state.keys) || state.keys.length === 0) {
      fail(null, 'the verified state is corrupt: size, peaks and keys disagree');
    }
    if (typeof state.passkeys !== 'object' || state.passkeys === null) {
      fail(null, 'the verified state is corrupt: it has no passkeys');
    }
    this.#origin = state.origin;
    this.#size = state.size;
    this.#coveredUpTo = state.size;
    this.#lastTs = state.lastTs;
    this.#newest = state.newestCheckpoint;
    this.#keys = state.keys.map((k) => ({ ...k }));
    this.#passkeys = new Map(Object.entries(state.passkeys));
    this.#webauthnPrefix = state.webauthn === true;
  }

  #parseCheckpoints(): void {
    const parsed: ParsedCheckpoint[] = [];
    this.#input.checkpoints.forEach((note, i) => {
      let checkpoint: Checkpoint;
      try {
        checkpoint = parseCheckpoint(note).checkpoint;
      } catch (error) {
        return fail(null, `checkpoint ${i + 1}: ${(error as Error).message}`);
      }
      if (checkpoint.origin !== this.#origin) {
        fail(null, `checkpoint ${i + 1} is for origin ${checkpoint.origin}, not ${this.#origin}`);
      }
      parsed.push({ position: i + 1, note, checkpoint });
    });
    // The file lists them by size; a stable sort keeps the verdict independent of that order.
    parsed.sort((a, b) => a.checkpoint.size - b.checkpoint.size);
    for (const cp of parsed) {
      // Older than the verified state: the entries it commits to are not here to check.
      if (cp.checkpoint.size < this.#size) this.#stats.checkpointsSkipped += 1;
      else this.#checkpoints.push(cp);
    }
  }

  /** Splits entries.jsonl (whole or streamed) into lines, or passes separate lines through. */
  async *#lines(): AsyncGenerator<Line> {
    const { entries, entriesJsonl } = this.#input;
    if (entries !== undefined) {
      for await (const item of entries) {
        yield typeof item === 'string'
          ? { bytes: null, text: item, terminated: true }
          : { bytes: item, text: null, terminated: true };
      }
      return;
    }
    if (entriesJsonl === undefined) return;
    const chunks = entriesJsonl instanceof Uint8Array ? [entriesJsonl] : entriesJsonl;
    let rest = new Uint8Array(0);
    for await (const chunk of chunks) {
      let data = chunk;
      if (rest.length > 0) {
        data = new Uint8Array(rest.length + chunk.length);
        data.set(rest);
        data.set(chunk, rest.length);
      }
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
        yield { bytes: data.subarray(start, nl), text: null, terminated: true };
        start = nl + 1;
      }
      rest = data.slice(start);
    }
    if (rest.length > 0) yield { bytes: rest, text: null, terminated: false };
  }

  async #verifyBatch(lines: Line[]): Promise<void> {
    if (lines.length === 0) return;
    // Synchronous checks first; a failure there is reported only after every earlier entry
    // has passed its asynchronous checks too, so the first bad entry is always the one named.
    const parsed: { entry: LedgerEntry; bytes: Uint8Array }[] = [];
    let pending: VerificationFailure | null = null;
    for (const line of lines) {
      try {
        parsed.push(this.#checkLine(line, this.#size + parsed.length));
      } catch (error) {
        if (!(error instanceof VerificationFailure)) throw error;
        pending = error;
        break;
      }
    }
    const hashes = await Promise.all(parsed.map((p) => leafHash(p.bytes)));
    // Up to each checkpoint size inside the batch: entry checks, then the tree, then the
    // checkpoint, so that failures still surface in ledger order.
    let from = 0;
    while (from < parsed.length) {
      const nextSize = this.#checkpoints[this.#next]?.checkpoint.size ?? Infinity;
      const to = Math.min(parsed.length, Math.max(from + 1, nextSize - this.#size));
      for (const { entry } of parsed.slice(from, to)) await this.#checkEntryAsync(entry);
      await this.#acc.appendMany(hashes.slice(from, to));
      this.#size += to - from;
      await this.#checkCheckpointsAt(this.#size);
      from = to;
    }
    if (pending) throw pending;
  }

  /** Canonical form, v, seq, ts: everything that needs no hashing or signatures. */
  #checkLine(line: Line, seq: number): { entry: LedgerEntry; bytes: Uint8Array } {
    let text: string;
    if (line.text !== null) {
      text = line.text;
    } else {
      try {
        text = fromUtf8(line.bytes!);
      } catch {
        return fail(seq, `entry ${seq} is not valid UTF-8`);
      }
    }
    if (!line.terminated) {
      fail(seq, `entry ${seq} is truncated: entries.jsonl does not end with a newline`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return fail(seq, `entry ${seq} is not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(seq, `entry ${seq} is not a JSON object`);
    }
    // The stored bytes are the leaf: they must be the one canonical spelling of the entry.
    let canonical: string;
    try {
      canonical = canonicalize(value);
    } catch (error) {
      return fail(seq, `entry ${seq} cannot be canonicalised: ${(error as Error).message}`);
    }
    if (canonical !== text)
      fail(seq, `entry ${seq} is not canonical JSON (RFC 8785): ${diff(text, canonical)}`);
    const entry = value as LedgerEntry;
    if (entry.v !== LEDGER_ENTRY_VERSION) {
      fail(
        seq,
        `entry ${seq} has format version ${JSON.stringify(entry.v)}, not ${LEDGER_ENTRY_VERSION}`,
      );
    }
    if (entry.seq !== seq) {
      fail(
        seq,
        `entry ${seq} has seq ${JSON.stringify(entry.seq)}, expected ${seq} (entries missing, duplicated or reordered)`,
      );
    }
    if (typeof entry.ts !== 'string' || !ISO.test(entry.ts) || Number.isNaN(Date.parse(entry.ts))) {
      fail(seq, `entry ${seq} has ts ${JSON.stringify(entry.ts)}, not an RFC 3339 UTC time`);
    }
    if (this.#lastTs !== null && entry.ts < this.#lastTs) {
      fail(seq, `entry ${seq} has ts ${entry.ts}, before the previous entry's ${this.#lastTs}`);
    }
    if (!['command', 'ceremony', 'system'].includes(entry.kind)) {
      fail(seq, `entry ${seq} has kind ${JSON.stringify(entry.kind)}`);
    }
    if (entry.outcome !== 'accepted' && entry.outcome !== 'rejected') {
      fail(seq, `entry ${seq} has outcome ${JSON.stringify(entry.outcome)}`);
    }
    if (!Array.isArray(entry.events)) fail(seq, `entry ${seq} has no events array`);
    this.#lastTs = entry.ts;
    return { entry, bytes: line.bytes ?? utf8(text) };
  }

  async #checkEntryAsync(entry: LedgerEntry): Promise<void> {
    if (rotatesKey(entry)) {
      this.#keys.push(await checkKeyRotation(entry, this.#keys, this.#origin));
      this.#stats.keyRotations += 1;
    }
    if (this.#webauthn) {
      const verdict = await checkEntryEvidence(entry, this.#passkeys);
      if (verdict === 'checked') this.#stats.evidenceChecked += 1;
      if (verdict === 'skipped') this.#stats.evidenceSkipped += 1;
    }
    rememberPasskeys(entry, this.#passkeys);
  }

  /** Every checkpoint of exactly this size: signed by the key in force, root = prefix root. */
  async #checkCheckpointsAt(size: number): Promise<void> {
    let root: Uint8Array | null = null;
    let matched: ParsedCheckpoint | null = null;
    while (this.#next < this.#checkpoints.length) {
      const cp = this.#checkpoints[this.#next]!;
      if (cp.checkpoint.size !== size) break;
      this.#next += 1;
      const key = keyFor(this.#keys, size);
      const verdict = await verifyCheckpoint(cp.note, {
        keyName: key.keyName,
        publicKey: fromBase64(key.publicKey),
      });
      if (!verdict.ok) {
        fail(
          null,
          `checkpoint ${cp.position} (size ${size}) is not signed by the key in force at that size (${key.keyName}, ${key.publicKey}): ${verdict.reason}`,
        );
      }
      root ??= size === 0 ? await emptyRoot() : await this.#acc.root();
      if (!equalRoots(cp.checkpoint.root, root)) {
        if (matched) {
          fail(
            null,
            `checkpoints ${matched.position} and ${cp.position} both have size ${size} but different roots: the log forked`,
          );
        }
        const from = this.#coveredUpTo;
        // The entries already matched a checkpoint of this size: only the log can be at fault.
        if (from >= size) {
          fail(
            null,
            `checkpoint ${cp.position} (size ${size}) disagrees with the verified checkpoint of the same size: the log forked`,
          );
        }
        fail(
          from,
          `checkpoint ${cp.position} (size ${size}) has root ${toBase64(cp.checkpoint.root)}, but entries 0..${size - 1} hash to ${toBase64(root)}: ${from === size - 1 ? `entry ${from}` : `an entry in ${from}..${size - 1}`} was changed, or the log forked`,
        );
      }
      matched = cp;
      this.#stats.checkpointsChecked += 1;
      this.#coveredUpTo = size;
      this.#newest = cp.note;
    }
  }

  #finish(): LedgerVerification {
    const rest = this.#checkpoints[this.#next];
    if (rest !== undefined) {
      const size = rest.checkpoint.size;
      fail(
        this.#size,
        `checkpoint ${rest.position} has size ${size}, but the export ends after ${this.#size} entries: entry ${this.#size} is missing`,
      );
    }
    if (this.#coveredUpTo < this.#size) {
      fail(
        this.#coveredUpTo,
        `entry ${this.#coveredUpTo} is not covered by any checkpoint (the newest covers ${this.#coveredUpTo} entries of ${this.#size})`,
      );
    }
    const state: VerifiedState = {
      v: VERIFIED_STATE_VERSION,
      origin: this.#origin,
      size: this.#size,
      peaks: this.#acc.toJSON(),
      lastTs: this.#lastTs,
      newestCheckpoint: this.#newest,
      keys: this.#keys,
      passkeys: Object.fromEntries(this.#passkeys),
      webauthn: this.#webauthn && this.#webauthnPrefix,
    };
    return { ok: true, size: this.#size, state, ...this.#stats };
  }
}

function equalRoots(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Where a line first differs from its canonical form, for a reason a person can act on. */
function diff(text: string, canonical: string): string {
  let i = 0;
  while (i < text.length && text[i] === canonical[i]) i++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 12), i + 12));
  const what = /\s/.test(text[i] ?? '') ? 'whitespace' : 'member order or spelling';
  return `${what} at character ${i}: ${around(text)} should read ${around(canonical)}`;
}
