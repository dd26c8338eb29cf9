/**
 * Signed checkpoints of the audit ledger.
 *
 * Body: C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint)
 *
 *   <origin>\n<tree size, decimal>\n<base64 RFC 9162 root>\n
 *
 * Envelope: C2SP signed-note (https://c2sp.org/signed-note): the body, a blank line, then
 * one line per signature, `— <key name> <base64(key ID ‖ signature)>\n` (U+2014 em dash),
 * where for Ed25519 the key ID is SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4] and the
 * signature covers the body bytes exactly.
 *
 * Following Go's golang.org/x/mod/sumdb/note (the reference implementation): unknown keys
 * are ignored, a known key whose signature fails rejects the whole note, and a note is
 * accepted only if at least one known key verified it. Leasehold is stricter than the spec
 * in two places: extension lines in the body are rejected (the relay never writes them,
 * and tlog-checkpoint calls them unauditable), and base64 must be canonical, so that one
 * checkpoint has exactly one spelling.
 */

import {
  concatBytes,
  equalBytes,
  fromBase64,
  sha256,
  toBase64,
  toBufferSource,
  utf8,
} from './bytes';

/** A tree head: the log named `origin` had `size` leaves whose RFC 9162 root is `root`. */
export type Checkpoint = { origin: string; size: number; root: Uint8Array };

/** The relay's signing key; build it with `importRelaySigner` from relay-key.ts. */
export type CheckpointSigner = { keyName: string; privateKey: CryptoKey; publicKey: Uint8Array };

/** A pinned public key: shipped in the PWA build or handed to the offline CLI. */
export type CheckpointVerifier = { keyName: string; publicKey: Uint8Array };

/** One parsed signature line; nothing about it has been verified. */
export type NoteSignature = { keyName: string; keyId: Uint8Array; signature: Uint8Array };

export type CheckpointVerification =
  { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string };

/** Text that is not a well-formed signed note or checkpoint, or a checkpoint that cannot be written. */
export class CheckpointFormatError extends Error {
  override name = 'CheckpointFormatError';
}

const SIGNATURE_PREFIX = '\u2014 ';
const ED25519 = { name: 'Ed25519' } as const;
const ED25519_ALGORITHM_BYTE = 0x01;
const ED25519_PUBLIC_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const KEY_ID_SIZE = 4;
const ROOT_SIZE = 32;
/** Go's sumdb/note caps signatures too; a bound keeps a hostile note from costing much. */
const MAX_SIGNATURES = 100;

/**
 * The signed-note key ID of an Ed25519 key: SHA-256(name ‖ "\n" ‖ 0x01 ‖ key)[:4].
 * @param keyName the name the relay signs under (by convention its origin)
 * @param publicKey the raw 32-byte Ed25519 public key
 */
export async function ed25519KeyId(keyName: string, publicKey: Uint8Array): Promise<Uint8Array> {
  assertKeyName(keyName);
  assertPublicKey(publicKey);
  const digest = await sha256(
    concatBytes(utf8(keyName), Uint8Array.of(0x0a, ED25519_ALGORITHM_BYTE), publicKey),
  );
  return digest.slice(0, KEY_ID_SIZE);
}

/**
 * The checkpoint body: origin, size and base64 root, each on its own line.
 * @param checkpoint the relay's current tree head (size and root from `MerkleAccumulator`)
 */
export function formatCheckpointBody(checkpoint: Checkpoint): string {
  const { origin, size, root } = checkpoint;
  if (origin === '' || !isNoteText(origin) || origin.includes('\n')) {
    throw new CheckpointFormatError('origin must be a non-empty line of printable text');
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new CheckpointFormatError('size must be a non-negative safe integer');
  }
  if (!(root instanceof Uint8Array) || root.length !== ROOT_SIZE) {
    throw new CheckpointFormatError(`root must be ${ROOT_SIZE} bytes`);
  }
  return `${origin}\n${size}\n${toBase64(root)}\n`;
}

/**
 * Signs any signed-note text with one Ed25519 key and returns the note.
 * @param text the note body; printable UTF-8 text ending with a newline
 * @param signer the relay key (relay-key.ts)
 */
export async function signNote(text: string, signer: CheckpointSigner): Promise<string> {
  if (!text.endsWith('\n') || !isNoteText(text)) {
    throw new CheckpointFormatError('note text must be printable and end with a newline');
  }
  const keyId = await ed25519KeyId(signer.keyName, signer.publicKey);
  const signature = new Uint8Array(
    await crypto.subtle.sign(ED25519, signer.privateKey, toBufferSource(utf8(text))),
  );
  return `${text}\n${SIGNATURE_PREFIX}${signer.keyName} ${toBase64(concatBytes(keyId, signature))}\n`;
}

/**
 * Formats and signs a checkpoint; the relay calls this after each append batch.
 * @param checkpoint size and root from the relay's `MerkleAccumulator`, origin from config
 * @param signer the relay key (relay-key.ts `importRelaySigner`)
 * @returns the signed-note text, served to clients as is
 */
export function signCheckpoint(checkpoint: Checkpoint, signer: CheckpointSigner): Promise<string> {
  return signNote(formatCheckpointBody(checkpoint), signer);
}

/**
 * Splits signed-note text into its body and signature lines without verifying anything.
 * @param note text received from the relay or read from an export
 * @throws CheckpointFormatError naming the first malformed part
 */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  if (!isNoteText(note)) {
    throw new CheckpointFormatError('note contains control characters or invalid Unicode');
  }
  // Signature lines are never empty, so the last blank line is the one before them.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new CheckpointFormatError('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '') throw new CheckpointFormatError('note has no signature lines');
  if (!block.endsWith('\n')) {
    throw new CheckpointFormatError('note does not end with a newline after its last signature');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    throw new CheckpointFormatError(`note has more than ${MAX_SIGNATURES} signatures`);
  }
  const signatures = lines.map((line, i) => parseSignatureLine(line, i + 1));
  return { text, signatures };
}

/**
 * Parses a signed checkpoint strictly, without verifying its signatures.
 * @param note signed-note text from the relay, a client's store, or an export
 * @throws CheckpointFormatError naming the first malformed part
 */
export function parseCheckpoint(note: string): {
  checkpoint: Checkpoint;
  signatures: NoteSignature[];
} {
  const { text, signatures } = parseNote(note);
  return { checkpoint: parseCheckpointBody(text), signatures };
}

/**
 * Checks a signed checkpoint against one pinned key. Never throws: every failure becomes
 * `{ ok: false, reason }`, which the client shows as a tamper alarm.
 * @param note signed-note text as received from the relay or read from an export
 * @param verifier the pinned relay key (relay-key.ts `importRelayVerifier`)
 */
export async function verifyCheckpoint(
  note: string,
  verifier: CheckpointVerifier,
): Promise<CheckpointVerification> {
  try {
    const { text, signatures } = parseNote(note);
    const checkpoint = parseCheckpointBody(text);
    const failure = await checkSignatures(text, signatures, verifier);
    return failure === undefined ? { ok: true, checkpoint } : { ok: false, reason: failure };
  } catch (error) {
    return { ok: false, reason: describe(error) };
  }
}

/**
 * Checks any signed note against one pinned key; like `verifyCheckpoint`, never throws.
 * @param note signed-note text
 * @param verifier the key the note must be signed by
 */
export async function verifyNote(
  note: string,
  verifier: CheckpointVerifier,
): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  try {
    const { text, signatures } = parseNote(note);
    const failure = await checkSignatures(text, signatures, verifier);
    return failure === undefined ? { ok: true, text } : { ok: false, reason: failure };
  } catch (error) {
    return { ok: false, reason: describe(error) };
  }
}

/** Returns why the note fails for this key, or undefined when it verifies. */
async function checkSignatures(
  text: string,
  signatures: NoteSignature[],
  verifier: CheckpointVerifier,
): Promise<string | undefined> {
  const keyId = await ed25519KeyId(verifier.keyName, verifier.publicKey);
  const label = `key ${verifier.keyName} (id ${toBase64(keyId)})`;
  // Signatures by other keys (co-signers, a rotated-out key) are none of our business.
  const ours = signatures.filter(
    (s) => s.keyName === verifier.keyName && equalBytes(s.keyId, keyId),
  );
  if (ours.length === 0) return `no signature from ${label}`;
  const publicKey = await crypto.subtle.importKey(
    'raw',
    toBufferSource(verifier.publicKey),
    ED25519,
    false,
    ['verify'],
  );
  const message = toBufferSource(utf8(text));
  for (const { signature } of ours) {
    if (signature.length !== ED25519_SIGNATURE_SIZE) {
      return `signature from ${label} is ${signature.length} bytes, not ${ED25519_SIGNATURE_SIZE}`;
    }
    // A known key that fails to verify means tampering, even if another copy verifies.
    if (!(await crypto.subtle.verify(ED25519, publicKey, toBufferSource(signature), message))) {
      return `signature from ${label} does not verify`;
    }
  }
  return undefined;
}

function parseCheckpointBody(text: string): Checkpoint {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) {
    throw new CheckpointFormatError('checkpoint body needs origin, size and root lines');
  }
  if (lines.length > 3) {
    throw new CheckpointFormatError('checkpoint has extension lines, which Leasehold rejects');
  }
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === '') throw new CheckpointFormatError('checkpoint origin is empty');
  // Leading zeros or signs would give one tree size several spellings.
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) {
    throw new CheckpointFormatError(
      `checkpoint size ${JSON.stringify(sizeText)} is not a decimal without leading zeros`,
    );
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) {
    throw new CheckpointFormatError(`checkpoint size ${sizeText} is beyond 2^53 - 1`);
  }
  const root = decodeCanonicalBase64(rootText);
  if (root === undefined) {
    throw new CheckpointFormatError('checkpoint root is not canonical padded base64');
  }
  if (root.length !== ROOT_SIZE) {
    throw new CheckpointFormatError(`checkpoint root is ${root.length} bytes, not ${ROOT_SIZE}`);
  }
  return { origin, size, root };
}

function parseSignatureLine(line: string, n: number): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw new CheckpointFormatError(`signature line ${n} does not start with "— "`);
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw new CheckpointFormatError(`signature line ${n} has no signature`);
  const keyName = rest.slice(0, space);
  if (!isKeyName(keyName)) {
    throw new CheckpointFormatError(`signature line ${n} has an invalid key name`);
  }
  const blob = decodeCanonicalBase64(rest.slice(space + 1));
  if (blob === undefined) {
    throw new CheckpointFormatError(`signature line ${n} is not canonical padded base64`);
  }
  if (blob.length <= KEY_ID_SIZE) {
    throw new CheckpointFormatError(`signature line ${n} is too short to hold a key ID`);
  }
  return {
    keyName,
    keyId: blob.slice(0, KEY_ID_SIZE),
    signature: blob.slice(KEY_ID_SIZE),
  };
}

/** Signed-note: key names are non-empty and contain neither Unicode spaces nor "+". */
function isKeyName(name: string): boolean {
  return name !== '' && isNoteText(name) && !/[\s+]/u.test(name);
}

function assertKeyName(name: string): void {
  if (!isKeyName(name)) {
    throw new CheckpointFormatError(`key name ${JSON.stringify(name)} is empty or has spaces or +`);
  }
}

function assertPublicKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new CheckpointFormatError(`Ed25519 public key must be ${ED25519_PUBLIC_KEY_SIZE} bytes`);
  }
}

/**
 * As sumdb/note: no control characters but newline, and (since we sign the UTF-8 bytes)
 * no lone surrogates, which UTF-8 encoding would silently replace.
 */
function isNoteText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 && unit !== 0x0a) return false;
  }
  return !/\p{Surrogate}/u.test(text);
}

function decodeCanonicalBase64(text: string): Uint8Array | undefined {
  try {
    const bytes = fromBase64(text);
    // fromBase64 is lenient (url alphabet, missing padding); a re-encode pins one spelling.
    return toBase64(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof CheckpointFormatError) return error.message;
  return `verification failed: ${error instanceof Error ? error.message : String(error)}`;
}
