/**
 * The ledger export format, written by `npm run ledger:export` and by the app, read by
 * `npm run ledger:verify` and by the app's verifier (docs/ledger.md):
 *
 *   entries.jsonl      line i = the stored canonical JSON (RFC 8785) of entry seq i, each
 *                      line ending in '\n'; the bytes are the RFC 9162 leaves, never re-encoded
 *   checkpoints.jsonl  one JSON string literal per line, each a C2SP signed-note checkpoint
 *                      (https://c2sp.org/tlog-checkpoint), ascending size
 *   relay-key.json     { origin, keyName, publicKey (std base64 raw Ed25519), vkey } for the key
 *                      the export's first checkpoint is signed with (before any rotation)
 *
 * The app downloads the three files as one POSIX ustar archive (IEEE Std 1003.1-2001
 * "pax" format, ustar header only), hence the small `encodeTar` / `decodeTar` here.
 * Isomorphic: ECMAScript and WebCrypto only.
 */
import { fromBase64, fromUtf8, toBase64, utf8 } from '#ledger/bytes';
import { formatVerifierKey, parseVerifierKey } from '#ledger/relay-key';
import type { CheckpointVerifier } from '#ledger/checkpoint';

/** File names inside an export directory or archive. */
export const EXPORT_FILES = {
  entries: 'entries.jsonl',
  checkpoints: 'checkpoints.jsonl',
  relayKey: 'relay-key.json',
} as const;

/** The archive name the app offers for download. */
export const EXPORT_TAR_NAME = 'ledger-export.tar';

/** Contents of relay-key.json. */
export type RelayKeyFile = {
  /** The log origin, first line of every checkpoint. */
  origin: string;
  /** signed-note key name the checkpoints are signed under. */
  keyName: string;
  /** std base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  /** The same key as a signed-note verifier key string (`name+id+base64`). */
  vkey: string;
};

/** One file of an export, as written to a directory or a tar archive. */
export type ExportFile = { name: string; bytes: Uint8Array };

/** A structurally unreadable export (as opposed to a readable one that fails verification). */
export class LedgerExportError extends Error {
  override name = 'LedgerExportError';
}

/**
 * Builds relay-key.json contents from a verifier key.
 * @param origin the log origin (meta 'log_origin')
 * @param verifier the key the first exported checkpoint is signed with
 */
export async function relayKeyFile(
  origin: string,
  verifier: CheckpointVerifier,
): Promise<RelayKeyFile> {
  return {
    origin,
    keyName: verifier.keyName,
    publicKey: toBase64(verifier.publicKey),
    vkey: await formatVerifierKey(verifier),
  };
}

/**
 * Parses relay-key.json and checks that its vkey, key name and public key agree.
 * @throws LedgerExportError naming what is wrong
 */
export async function parseRelayKeyFile(text: string): Promise<RelayKeyFile> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LedgerExportError(`${EXPORT_FILES.relayKey} is not JSON`);
  }
  if (typeof value !== 'object' || value === null) {
    throw new LedgerExportError(`${EXPORT_FILES.relayKey} is not an object`);
  }
  const record = value as Record<string, unknown>;
  for (const key of ['origin', 'keyName', 'publicKey', 'vkey'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') {
      throw new LedgerExportError(`${EXPORT_FILES.relayKey}: "${key}" must be a non-empty string`);
    }
  }
  const file = record as RelayKeyFile;
  let verifier: CheckpointVerifier;
  try {
    verifier = await parseVerifierKey(file.vkey);
  } catch (error) {
    throw new LedgerExportError(`${EXPORT_FILES.relayKey}: vkey: ${(error as Error).message}`);
  }
  // Two spellings of one key must not disagree: which one would the verifier trust?
  if (verifier.keyName !== file.keyName || toBase64(verifier.publicKey) !== file.publicKey) {
    throw new LedgerExportError(
      `${EXPORT_FILES.relayKey}: vkey does not match keyName and publicKey`,
    );
  }
  return { origin: file.origin, keyName: file.keyName, publicKey: file.publicKey, vkey: file.vkey };
}

/** The verifier key a relay-key.json describes. */
export function verifierOf(file: RelayKeyFile): CheckpointVerifier {
  return { keyName: file.keyName, publicKey: fromBase64(file.publicKey) };
}

/**
 * entries.jsonl: each entry's stored bytes followed by '\n'.
 * @param entries stored canonical JSON per entry, as bytes (from storage) or text
 */
export function encodeEntriesJsonl(entries: readonly (Uint8Array | string)[]): Uint8Array {
  const parts = entries.map((e) => (typeof e === 'string' ? utf8(e) : e));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    out[offset + part.length] = 0x0a;
    offset += part.length + 1;
  }
  return out;
}

/**
 * checkpoints.jsonl: one JSON string literal per checkpoint note, ascending size.
 * @param checkpoints signed-note texts, as stored by the relay
 */
export function encodeCheckpointsJsonl(checkpoints: readonly string[]): string {
  return checkpoints.map((note) => `${JSON.stringify(note)}\n`).join('');
}

/**
 * Reads checkpoints.jsonl back into note texts.
 * @throws LedgerExportError naming the first line that is not a JSON string
 */
export function parseCheckpointsJsonl(text: string): string[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) {
    throw new LedgerExportError(`${EXPORT_FILES.checkpoints} does not end with a newline`);
  }
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      let note: unknown;
      try {
        note = JSON.parse(line);
      } catch {
        note = undefined;
      }
      if (typeof note !== 'string') {
        throw new LedgerExportError(
          `${EXPORT_FILES.checkpoints} line ${i + 1} is not a JSON string`,
        );
      }
      return note;
    });
}

/**
 * The three files of an export.
 * @param entries stored canonical JSON of every entry from seq 0, in order
 * @param checkpoints signed-note checkpoints, ascending size
 * @param relayKey the key of the first checkpoint
 */
export function exportFiles({
  entries,
  checkpoints,
  relayKey,
}: {
  entries: readonly Uint8Array[] | readonly string[];
  checkpoints: readonly string[];
  relayKey: RelayKeyFile;
}): ExportFile[] {
  return [
    { name: EXPORT_FILES.entries, bytes: encodeEntriesJsonl(entries) },
    { name: EXPORT_FILES.checkpoints, bytes: utf8(encodeCheckpointsJsonl(checkpoints)) },
    { name: EXPORT_FILES.relayKey, bytes: utf8(`${JSON.stringify(relayKey, null, 2)}\n`) },
  ];
}

/**
 * Reads the three files back (from a directory listing or `decodeTar`), leaving the entry
 * lines to the verifier, which reports a malformed line by its seq.
 * @throws LedgerExportError when a file is missing or unreadable
 */
export async function readExportFiles(files: readonly ExportFile[]): Promise<{
  entries: Uint8Array;
  checkpoints: string[];
  relayKey: RelayKeyFile;
}> {
  const find = (name: string): Uint8Array => {
    const file = files.find((f) => f.name === name || f.name.endsWith(`/${name}`));
    if (!file) throw new LedgerExportError(`the export has no ${name}`);
    return file.bytes;
  };
  const text = (name: string): string => {
    try {
      return fromUtf8(find(name));
    } catch (error) {
      if (error instanceof LedgerExportError) throw error;
      throw new LedgerExportError(`${name} is not UTF-8`);
    }
  };
  return {
    entries: find(EXPORT_FILES.entries),
    checkpoints: parseCheckpointsJsonl(text(EXPORT_FILES.checkpoints)),
    relayKey: await parseRelayKeyFile(text(EXPORT_FILES.relayKey)),
  };
}

// ---------------------------------------------------------------------------------------------
// POSIX ustar (IEEE Std 1003.1-2001 §pax "ustar Interchange Format"), regular files only.
// ---------------------------------------------------------------------------------------------

const BLOCK = 512;

/**
 * A ustar archive of regular files (mode 0644, owner 0, mtime as given), ending with the two
 * zero blocks the format requires.
 * @param files names up to 100 bytes (no directory prefix support needed for exports)
 * @param mtime seconds since the epoch; 0 by default so that equal ledgers give equal archives
 */
export function encodeTar(files: readonly ExportFile[], mtime = 0): Uint8Array {
  const size = files.reduce((n, f) => n + BLOCK + Math.ceil(f.bytes.length / BLOCK) * BLOCK, 0);
  const out = new Uint8Array(size + 2 * BLOCK);
  let offset = 0;
  for (const file of files) {
    const name = utf8(file.name);
    if (name.length === 0 || name.length > 100) {
      throw new LedgerExportError(`tar: file name ${JSON.stringify(file.name)} is empty or long`);
    }
    const header = out.subarray(offset, offset + BLOCK);
    header.set(name, 0);
    writeOctal(header, 100, 8, 0o644);
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, file.bytes.length);
    writeOctal(header, 136, 12, mtime);
    header[156] = 0x30; // '0': regular file
    header.set(utf8('ustar\u000000'), 257);
    // The checksum is computed with its own field read as eight spaces.
    header.fill(0x20, 148, 156);
    const sum = header.reduce((n, b) => n + b, 0);
    writeOctal(header, 148, 7, sum);
    header[155] = 0x20;
    out.set(file.bytes, offset + BLOCK);
    offset += BLOCK + Math.ceil(file.bytes.length / BLOCK) * BLOCK;
  }
  return out;
}

/**
 * Reads a ustar (or old-style tar) archive of regular files.
 * @throws LedgerExportError for a bad checksum, a truncated archive or an entry type other
 *   than a regular file or directory
 */
export function decodeTar(bytes: Uint8Array): ExportFile[] {
  const files: ExportFile[] = [];
  let offset = 0;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return files;
    const stored = readOctal(header, 148, 8);
    const copy = new Uint8Array(header);
    copy.fill(0x20, 148, 156);
    if (stored !== copy.reduce((n, b) => n + b, 0)) {
      throw new LedgerExportError(`tar: bad header checksum at byte ${offset}`);
    }
    const size = readOctal(header, 124, 12);
    const type = header[156]!;
    let name = readString(header, 0, 100);
    // ustar splits long paths into prefix "/" name.
    if (readString(header, 257, 6) === 'ustar') {
      const prefix = readString(header, 345, 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    const start = offset + BLOCK;
    if (start + size > bytes.length) throw new LedgerExportError(`tar: ${name} is truncated`);
    if (type === 0x30 || type === 0) {
      files.push({ name, bytes: bytes.slice(start, start + size) });
    } else if (type !== 0x35) {
      throw new LedgerExportError(
        `tar: ${name} has entry type ${String.fromCharCode(type)}, not a regular file`,
      );
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new LedgerExportError('tar: archive ends without its end-of-archive blocks');
}

function writeOctal(header: Uint8Array, at: number, width: number, value: number): void {
  const digits = value.toString(8).padStart(width - 1, '0');
  if (digits.length > width - 1) throw new LedgerExportError('tar: value too large for header');
  header.set(utf8(digits), at);
  header[at + width - 1] = 0;
}

function readOctal(header: Uint8Array, at: number, width: number): number {
  const text = readString(header, at, width).trim();
  if (!/^[0-7]+$/.test(text)) throw new LedgerExportError('tar: header field is not octal');
  return parseInt(text, 8);
}

function readString(header: Uint8Array, at: number, width: number): string {
  const field = header.subarray(at, at + width);
  const end = field.indexOf(0);
  try {
    return fromUtf8(end < 0 ? field : field.subarray(0, end));
  } catch {
    throw new LedgerExportError('tar: header field is not UTF-8');
  }
}
