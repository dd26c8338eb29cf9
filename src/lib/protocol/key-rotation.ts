/**
 * Rotating the relay's checkpoint key inside the ledger: a `RotateRelayKey` system entry names
 * the new Ed25519 key and is signed by the key it replaces, so a verifier that knows only the
 * first key follows every later one, and the new key signs checkpoints from the size after it.
 *
 * Isomorphic: ECMAScript and WebCrypto only.
 */
import { fromBase64, toBase64, toBufferSource, utf8 } from '#ledger/bytes';
import type { CheckpointSigner } from '#ledger/checkpoint';
import { importRelayVerifier } from '#ledger/relay-key';
import type { KeyRotation, LedgerEntry } from './ledger-entry';
import { fail } from './verification-failure';

/** The command type of the relay's key-rotation entry (not a domain command). */
export const ROTATE_RELAY_KEY = 'RotateRelayKey';

/** A checkpoint key and the first checkpoint size it signs. */
export type KeyInForce = {
  keyName: string;
  /** std base64 raw Ed25519 public key. */
  publicKey: string;
  /** Signs checkpoints of size ≥ fromSize (0 for the first key, rotation seq + 1 after). */
  fromSize: number;
};

/**
 * The bytes a key rotation signs:
 * utf8(`leasehold-key-rotation-v1\n${origin}\n${newPublicKey}\n${seq}\n`).
 * @param newPublicKey std base64 of the new raw Ed25519 key
 * @param seq the seq of the rotation entry itself, so a signature cannot be replayed elsewhere
 */
export function keyRotationMessage(origin: string, newPublicKey: string, seq: number): Uint8Array {
  return utf8(`leasehold-key-rotation-v1\n${origin}\n${newPublicKey}\n${seq}\n`);
}

/**
 * Builds the `keyRotation` field of a RotateRelayKey entry, signed by the outgoing key.
 * @param oldSigner the key in force until this entry (relay-key.ts `importRelaySigner`)
 * @param seq the seq the rotation entry will get
 */
export async function signKeyRotation(
  oldSigner: CheckpointSigner,
  origin: string,
  next: { keyName: string; publicKey: Uint8Array },
  seq: number,
): Promise<KeyRotation> {
  const newPublicKey = toBase64(next.publicKey);
  const signature = await crypto.subtle.sign(
    { name: 'Ed25519' },
    oldSigner.privateKey,
    toBufferSource(keyRotationMessage(origin, newPublicKey, seq)),
  );
  return { newKeyName: next.keyName, newPublicKey, signature: toBase64(new Uint8Array(signature)) };
}

/** True when the entry claims to rotate the key, so `checkKeyRotation` must vouch for it. */
export function rotatesKey(entry: LedgerEntry): boolean {
  return entry.commandType === ROTATE_RELAY_KEY || entry.keyRotation !== undefined;
}

/**
 * A key rotation: a system entry whose new key is signed by the key it replaces.
 * @param keys every checkpoint key so far, oldest first; the last one is in force
 * @returns the new key in force; throws VerificationFailure naming the entry otherwise
 */
export async function checkKeyRotation(
  entry: LedgerEntry,
  keys: readonly KeyInForce[],
  origin: string,
): Promise<KeyInForce> {
  const seq = entry.seq;
  const rotation = entry.keyRotation;
  if (
    entry.kind !== 'system' ||
    entry.commandType !== ROTATE_RELAY_KEY ||
    entry.outcome !== 'accepted'
  ) {
    fail(
      seq,
      `entry ${seq} carries a key rotation but is not an accepted ${ROTATE_RELAY_KEY} system entry`,
    );
  }
  if (
    typeof rotation !== 'object' ||
    rotation === null ||
    typeof rotation.newKeyName !== 'string' ||
    typeof rotation.newPublicKey !== 'string' ||
    typeof rotation.signature !== 'string'
  ) {
    return fail(seq, `entry ${seq} is a ${ROTATE_RELAY_KEY} entry without a valid keyRotation`);
  }
  const newKey = canonicalBase64(rotation.newPublicKey);
  try {
    if (newKey === undefined) throw new Error('new public key is not canonical base64');
    await importRelayVerifier(rotation.newKeyName, newKey);
  } catch (error) {
    fail(seq, `entry ${seq}: the rotated-to key is unusable: ${(error as Error).message}`);
  }
  const old = keys[keys.length - 1]!;
  const signature = canonicalBase64(rotation.signature);
  let valid = false;
  if (signature !== undefined && signature.length === 64) {
    const publicKey = await crypto.subtle.importKey(
      'raw',
      toBufferSource(fromBase64(old.publicKey)),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    valid = await crypto.subtle.verify(
      { name: 'Ed25519' },
      publicKey,
      toBufferSource(signature),
      toBufferSource(keyRotationMessage(origin, rotation.newPublicKey, seq)),
    );
  }
  if (!valid) {
    fail(
      seq,
      `entry ${seq}: the key rotation is not signed by the key in force (${old.keyName}, ${old.publicKey})`,
    );
  }
  return { keyName: rotation.newKeyName, publicKey: rotation.newPublicKey, fromSize: seq + 1 };
}

/** The key that signs checkpoints of this size: the newest introduced at or below it. */
export function keyFor(keys: readonly KeyInForce[], size: number): KeyInForce {
  let key = keys[0]!;
  for (const k of keys) if (k.fromSize <= size) key = k;
  return key;
}

function canonicalBase64(text: string): Uint8Array | undefined {
  try {
    const bytes = fromBase64(text);
    return toBase64(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}
