/**
 * The relay's checkpoint key: Ed25519 (RFC 8032) through WebCrypto, stored as PKCS#8
 * (RFC 8410 §7), published as a signed-note verifier key (https://c2sp.org/signed-note,
 * `<name>+<key ID hex>+<base64(0x01 ‖ public key)>`, as Go's sumdb/note prints it).
 *
 * Isomorphic on purpose: the relay loads the key with these functions, while the PWA and
 * the offline CLI parse the same verifier key string to pin it.
 */

import { concatBytes, fromBase64, fromHex, toBase64, toBufferSource, toHex } from './bytes';
import { ed25519KeyId, type CheckpointSigner, type CheckpointVerifier } from './checkpoint';

/** A key that WebCrypto will not take as Ed25519, or a malformed verifier key string. */
export class RelayKeyError extends Error {
  override name = 'RelayKeyError';
}

const ED25519 = { name: 'Ed25519' } as const;
const ED25519_ALGORITHM_BYTE = 0x01;
/** RFC 8410 PrivateKeyInfo for Ed25519, up to the 32-byte seed that follows it. */
const PKCS8_ED25519_PREFIX = fromHex('302e020100300506032b657004220420');

/**
 * A fresh key pair for a new relay deployment. The private key comes back as PKCS#8 so
 * the relay can write it to a 0600 file; nothing else should ever hold it.
 */
export async function generateRelayKey(): Promise<{
  privateKeyPkcs8: Uint8Array;
  publicKey: Uint8Array;
}> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const [pkcs8, raw] = await Promise.all([
    crypto.subtle.exportKey('pkcs8', pair.privateKey),
    crypto.subtle.exportKey('raw', pair.publicKey),
  ]);
  return { privateKeyPkcs8: new Uint8Array(pkcs8), publicKey: new Uint8Array(raw) };
}

/**
 * Wraps a 32-byte RFC 8032 seed in PKCS#8, for fixed test keys and seed-only key files.
 * @param seed the Ed25519 private key seed
 */
export function pkcs8FromEd25519Seed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new RelayKeyError('an Ed25519 seed is 32 bytes');
  return concatBytes(PKCS8_ED25519_PREFIX, seed);
}

/**
 * Loads the relay's signing key.
 * @param keyName the signed-note key name, by convention the log's origin
 * @param pkcs8 the stored private key, as written from `generateRelayKey`
 */
export async function importRelaySigner(
  keyName: string,
  pkcs8: Uint8Array,
): Promise<CheckpointSigner> {
  let exportable: CryptoKey;
  try {
    exportable = await crypto.subtle.importKey('pkcs8', toBufferSource(pkcs8), ED25519, true, [
      'sign',
    ]);
  } catch (error) {
    throw new RelayKeyError(`not an Ed25519 PKCS#8 private key: ${message(error)}`);
  }
  // WebCrypto cannot derive a public key directly, but the private JWK carries it as `x`.
  const jwk = await crypto.subtle.exportKey('jwk', exportable);
  if (typeof jwk.x !== 'string') throw new RelayKeyError('Ed25519 JWK export has no public key');
  const publicKey = fromBase64(jwk.x);
  await assertKeyName(keyName, publicKey);
  // The key that stays in memory is not extractable, so nothing can export it later.
  const privateKey = await crypto.subtle.importKey('pkcs8', toBufferSource(pkcs8), ED25519, false, [
    'sign',
  ]);
  return { keyName, privateKey, publicKey };
}

/**
 * Builds a verifier from a raw public key.
 * @param keyName the signed-note key name the relay signs under
 * @param publicKeyRaw the 32-byte Ed25519 public key, pinned in the PWA build or CLI input
 */
export async function importRelayVerifier(
  keyName: string,
  publicKeyRaw: Uint8Array,
): Promise<CheckpointVerifier> {
  const publicKey = new Uint8Array(publicKeyRaw);
  await assertKeyName(keyName, publicKey);
  try {
    await crypto.subtle.importKey('raw', toBufferSource(publicKey), ED25519, false, ['verify']);
  } catch (error) {
    throw new RelayKeyError(`not an Ed25519 public key: ${message(error)}`);
  }
  return { keyName, publicKey };
}

/**
 * The signed-note verifier key string, e.g. for `/.well-known/` and the README.
 * @param verifier the relay's public key and name
 */
export async function formatVerifierKey(verifier: CheckpointVerifier): Promise<string> {
  const keyId = await ed25519KeyId(verifier.keyName, verifier.publicKey);
  const material = concatBytes(Uint8Array.of(ED25519_ALGORITHM_BYTE), verifier.publicKey);
  return `${verifier.keyName}+${toHex(keyId)}+${toBase64(material)}`;
}

/**
 * Parses a signed-note verifier key string and checks that its key ID matches.
 * @param vkey as published by the relay, pinned by the PWA or passed to the CLI
 */
export async function parseVerifierKey(vkey: string): Promise<CheckpointVerifier> {
  // Key names contain no "+", but the base64 part may, so split at the first two only.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new RelayKeyError('verifier key is not name+id+key');
  const keyName = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  if (!/^[0-9a-f]{8}$/.test(idHex)) {
    throw new RelayKeyError('verifier key ID is not 8 lowercase hex digits');
  }
  let material: Uint8Array;
  try {
    material = fromBase64(vkey.slice(second + 1));
  } catch {
    throw new RelayKeyError('verifier key material is not base64');
  }
  if (toBase64(material) !== vkey.slice(second + 1)) {
    throw new RelayKeyError('verifier key material is not canonical padded base64');
  }
  if (material[0] !== ED25519_ALGORITHM_BYTE || material.length !== 33) {
    throw new RelayKeyError('verifier key is not an Ed25519 key (0x01 followed by 32 bytes)');
  }
  const verifier = await importRelayVerifier(keyName, material.slice(1));
  if (toHex(await ed25519KeyId(keyName, verifier.publicKey)) !== idHex) {
    throw new RelayKeyError('verifier key ID does not match its name and key');
  }
  return verifier;
}

/** Both the name rules and the key length live in checkpoint.ts; surface them as ours. */
async function assertKeyName(keyName: string, publicKey: Uint8Array): Promise<void> {
  try {
    await ed25519KeyId(keyName, publicKey);
  } catch (error) {
    throw new RelayKeyError(message(error));
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
