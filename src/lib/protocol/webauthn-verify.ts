/**
 * Re-verifying stored WebAuthn evidence without a WebAuthn library, so that the offline
 * verifier and the app can check the ledger's passkey evidence with WebCrypto alone.
 *
 * Assertions: WebAuthn Level 3 §7.2 "Verifying an Authentication Assertion", steps 11-21
 * minus the live-only ones (credential allow-list, sign counter: synced passkeys report 0,
 * and the single-use nonce is Leasehold's replay defence).
 * Registrations: §7.1 steps 5-16 for clientDataJSON and authenticator data ("none"
 * attestation, so there is no attestation signature to check).
 * Keys: COSE_Key (RFC 9052 §7, RFC 9053 §2.1 ES256 and §2.2 EdDSA) decoded with a minimal
 * CBOR (RFC 8949) reader: definite lengths only, which is all CTAP2 canonical CBOR uses.
 */
import {
  concatBytes,
  equalBytes,
  fromBase64Url,
  fromUtf8,
  sha256,
  toBufferSource,
  utf8,
} from '#ledger/bytes';

/** Why a piece of evidence failed, or success. */
export type EvidenceVerification = { ok: true } | { ok: false; reason: string };

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
/** rpIdHash (32) + flags (1) + signCount (4). */
const AUTH_DATA_MIN = 37;

/** Thrown inside this module for malformed evidence; callers only ever see `{ ok: false }`. */
class EvidenceError extends Error {
  override name = 'EvidenceError';
}

// ---------------------------------------------------------------------------------------------
// CBOR (RFC 8949), decode only.
// ---------------------------------------------------------------------------------------------

/** Decoded CBOR: maps keep their keys as decoded (numbers or strings). */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | Map<CborValue, CborValue>;

const MAX_DEPTH = 16;

/**
 * Decodes the first CBOR data item of `bytes`.
 * @returns the value and the offset just after it (authenticator data continues there)
 * @throws Error for indefinite lengths, truncation or nesting deeper than 16
 */
export function decodeCborFirst(bytes: Uint8Array, offset = 0): [CborValue, number] {
  return readItem(bytes, offset, 0);
}

/** Decodes exactly one CBOR data item, refusing trailing bytes. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const [value, end] = readItem(bytes, 0, 0);
  if (end !== bytes.length) throw new EvidenceError('CBOR item is followed by trailing bytes');
  return value;
}

function readItem(bytes: Uint8Array, offset: number, depth: number): [CborValue, number] {
  if (depth > MAX_DEPTH) throw new EvidenceError('CBOR nests too deeply');
  const initial = bytes[offset];
  if (initial === undefined) throw new EvidenceError('CBOR is truncated');
  const major = initial >> 5;
  const info = initial & 0x1f;
  const [arg, start] = readArgument(bytes, offset + 1, info);
  let at = start;
  switch (major) {
    case 0:
      return [arg, at];
    case 1:
      return [typeof arg === 'bigint' ? -1n - arg : -1 - arg, at];
    case 2:
    case 3: {
      const length = toLength(arg);
      if (at + length > bytes.length) throw new EvidenceError('CBOR string is truncated');
      const body = bytes.slice(at, at + length);
      return [major === 2 ? body : fromUtf8(body), at + length];
    }
    case 4: {
      const items: CborValue[] = [];
      for (let i = toLength(arg); i > 0; i--) {
        const [item, next] = readItem(bytes, at, depth + 1);
        items.push(item);
        at = next;
      }
      return [items, at];
    }
    case 5: {
      const map = new Map<CborValue, CborValue>();
      for (let i = toLength(arg); i > 0; i--) {
        const [key, afterKey] = readItem(bytes, at, depth + 1);
        const [value, afterValue] = readItem(bytes, afterKey, depth + 1);
        if (map.has(key)) throw new EvidenceError('CBOR map has a duplicate key');
        map.set(key, value);
        at = afterValue;
      }
      return [map, at];
    }
    case 6: // a tag: its meaning is irrelevant to COSE keys, the tagged item is what counts
      return readItem(bytes, at, depth + 1);
    default: {
      if (info === 20) return [false, at];
      if (info === 21) return [true, at];
      if (info === 22) return [null, at];
      if (info === 23) return [undefined, at];
      throw new EvidenceError('CBOR floats and simple values are not used in COSE keys');
    }
  }
}

function readArgument(bytes: Uint8Array, at: number, info: number): [number | bigint, number] {
  if (info < 24) return [info, at];
  const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
  // 28-30 are reserved, 31 is an indefinite length: neither appears in CTAP2 canonical CBOR.
  if (width === 0) throw new EvidenceError('CBOR indefinite or reserved length');
  if (at + width > bytes.length) throw new EvidenceError('CBOR is truncated');
  let value = 0n;
  for (let i = 0; i < width; i++) value = (value << 8n) | BigInt(bytes[at + i]!);
  return [value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value, at + width];
}

function toLength(arg: number | bigint): number {
  if (typeof arg !== 'number') throw new EvidenceError('CBOR length is too large');
  return arg;
}

// ---------------------------------------------------------------------------------------------
// COSE keys.
// ---------------------------------------------------------------------------------------------

/** A COSE public key this module can verify with. */
export type CosePublicKey =
  { alg: 'ES256'; x: Uint8Array; y: Uint8Array } | { alg: 'EdDSA'; x: Uint8Array };

/**
 * Reads a COSE_Key: EC2 P-256 with ES256 (-7), or OKP Ed25519 with EdDSA (-8).
 * @returns the key, or a reason naming the unsupported algorithm or malformed field
 */
export function parseCoseKey(bytes: Uint8Array): CosePublicKey | { unsupported: string } {
  let map: CborValue;
  try {
    map = decodeCbor(bytes);
  } catch (error) {
    return { unsupported: `COSE key is not CBOR: ${(error as Error).message}` };
  }
  if (!(map instanceof Map)) return { unsupported: 'COSE key is not a CBOR map' };
  const kty = map.get(1);
  const alg = map.get(3);
  const crv = map.get(-1);
  const x = map.get(-2);
  const y = map.get(-3);
  if (kty === 2 && alg === -7) {
    if (crv !== 1) return { unsupported: `ES256 key on curve ${String(crv)}, not P-256 (1)` };
    if (
      !(x instanceof Uint8Array) ||
      x.length !== 32 ||
      !(y instanceof Uint8Array) ||
      y.length !== 32
    ) {
      return { unsupported: 'ES256 key coordinates are not 32 bytes each' };
    }
    return { alg: 'ES256', x, y };
  }
  if (kty === 1 && alg === -8) {
    if (crv !== 6) return { unsupported: `EdDSA key on curve ${String(crv)}, not Ed25519 (6)` };
    if (!(x instanceof Uint8Array) || x.length !== 32) {
      return { unsupported: 'Ed25519 key is not 32 bytes' };
    }
    return { alg: 'EdDSA', x };
  }
  return { unsupported: `COSE key type ${String(kty)} with algorithm ${String(alg)}` };
}

/** Same key, however its CBOR happened to be encoded. */
function sameCoseKey(a: CosePublicKey, b: CosePublicKey): boolean {
  if (a.alg !== b.alg || !equalBytes(a.x, b.x)) return false;
  return a.alg === 'EdDSA' || (b.alg === 'ES256' && equalBytes(a.y, b.y));
}

/** ASN.1 DER ECDSA-Sig-Value → IEEE P1363 r‖s, which WebCrypto verifies (RFC 3279 §2.2.3). */
export function derToP1363(der: Uint8Array, size = 32): Uint8Array {
  const fail = () => new EvidenceError('ECDSA signature is not DER');
  let at = 0;
  const byte = () => {
    const b = der[at++];
    if (b === undefined) throw fail();
    return b;
  };
  if (byte() !== 0x30) throw fail();
  let length = byte();
  if (length === 0x81) length = byte();
  else if (length > 0x80) throw fail();
  if (at + length !== der.length) throw fail();
  const integer = (): Uint8Array => {
    if (byte() !== 0x02) throw fail();
    const n = byte();
    if (n === 0 || n > size + 1 || at + n > der.length) throw fail();
    let value = der.subarray(at, at + n);
    at += n;
    // DER integers are signed, so a leading 0x00 keeps a high bit positive; drop it.
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw fail();
    const out = new Uint8Array(size);
    out.set(value, size - value.length);
    return out;
  };
  const r = integer();
  const s = integer();
  if (at !== der.length) throw fail();
  return concatBytes(r, s);
}

async function verifyCoseSignature(
  key: CosePublicKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  if (key.alg === 'ES256') {
    const publicKey = await crypto.subtle.importKey(
      'raw',
      toBufferSource(concatBytes(Uint8Array.of(0x04), key.x, key.y)),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    // WebAuthn ES256 signatures are DER (§6.5.5); WebCrypto wants r‖s.
    return crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      publicKey,
      toBufferSource(derToP1363(signature)),
      toBufferSource(data),
    );
  }
  const publicKey = await crypto.subtle.importKey(
    'raw',
    toBufferSource(key.x),
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  return crypto.subtle.verify(
    { name: 'Ed25519' },
    publicKey,
    toBufferSource(signature),
    toBufferSource(data),
  );
}

// ---------------------------------------------------------------------------------------------
// Client data and authenticator data.
// ---------------------------------------------------------------------------------------------

type ClientData = { type: string; challenge: string; origin: string };

function parseClientData(encoded: unknown): { bytes: Uint8Array; data: ClientData } {
  const bytes = decodeField(encoded, 'clientDataJSON');
  let data: unknown;
  try {
    data = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new EvidenceError('clientDataJSON is not UTF-8 JSON');
  }
  if (typeof data !== 'object' || data === null) {
    throw new EvidenceError('clientDataJSON is not an object');
  }
  const { type, challenge, origin } = data as Record<string, unknown>;
  if (typeof type !== 'string' || typeof challenge !== 'string' || typeof origin !== 'string') {
    throw new EvidenceError('clientDataJSON lacks type, challenge or origin');
  }
  return { bytes, data: { type, challenge, origin } };
}

/** §7.1 steps 7-9 / §7.2 steps 11-13: the ceremony type, our challenge, our origin. */
function checkClientData(
  data: ClientData,
  type: 'webauthn.get' | 'webauthn.create',
  expectedChallenge: Uint8Array,
  origin: string,
): void {
  if (data.type !== type) throw new EvidenceError(`clientData type is ${data.type}, not ${type}`);
  let challenge: Uint8Array;
  try {
    challenge = fromBase64Url(data.challenge);
  } catch {
    throw new EvidenceError('clientData challenge is not base64url');
  }
  if (!equalBytes(challenge, expectedChallenge)) {
    throw new EvidenceError('clientData challenge is not the expected challenge');
  }
  if (data.origin !== origin) {
    throw new EvidenceError(`clientData origin is ${data.origin}, not ${origin}`);
  }
}

/** §7.2 steps 15-17: the RP ID the passkey is scoped to, user presence and verification. */
async function checkAuthData(authData: Uint8Array, rpId: string): Promise<number> {
  if (authData.length < AUTH_DATA_MIN) throw new EvidenceError('authenticatorData is too short');
  if (!equalBytes(authData.subarray(0, 32), await sha256(utf8(rpId)))) {
    throw new EvidenceError(`authenticatorData rpIdHash is not SHA-256("${rpId}")`);
  }
  const flags = authData[32]!;
  if ((flags & FLAG_UP) === 0) throw new EvidenceError('authenticatorData lacks user presence');
  if ((flags & FLAG_UV) === 0) {
    throw new EvidenceError('authenticatorData lacks user verification');
  }
  return flags;
}

function decodeField(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || value === '') throw new EvidenceError(`${what} is missing`);
  try {
    return fromBase64Url(value);
  } catch {
    throw new EvidenceError(`${what} is not base64url`);
  }
}

function responseOf(json: unknown, what: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null) throw new EvidenceError(`${what} is not JSON`);
  const response = (json as Record<string, unknown>).response;
  if (typeof response !== 'object' || response === null) {
    throw new EvidenceError(`${what} has no response`);
  }
  return response as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// The two verifiers.
// ---------------------------------------------------------------------------------------------

/**
 * Re-verifies a stored passkey assertion (WebAuthn L3 §7.2). Never throws.
 * @param assertion AuthenticationResponseJSON as the browser produced it (from a command's
 *   `confirmation.assertion` or an authentication ceremony's `response`)
 * @param expectedChallenge recomputed from the ledger: `confirmationChallenge` or
 *   `enrolmentChallenge`, never taken from the assertion
 * @param origin, rpId from the registration ceremony evidence of the passkey
 * @param cosePublicKey base64url COSE key from the PasskeyRegistered event
 */
export async function verifyAssertionEvidence({
  assertion,
  expectedChallenge,
  origin,
  rpId,
  cosePublicKey,
}: {
  assertion: unknown;
  expectedChallenge: Uint8Array;
  origin: string;
  rpId: string;
  cosePublicKey: string;
}): Promise<EvidenceVerification> {
  try {
    const response = responseOf(assertion, 'assertion');
    const client = parseClientData(response.clientDataJSON);
    checkClientData(client.data, 'webauthn.get', expectedChallenge, origin);
    const authData = decodeField(response.authenticatorData, 'authenticatorData');
    await checkAuthData(authData, rpId);
    const key = parseCoseKey(decodeField(cosePublicKey, 'COSE public key'));
    if ('unsupported' in key) return { ok: false, reason: `unsupported key: ${key.unsupported}` };
    const signature = decodeField(response.signature, 'signature');
    // §7.2 steps 19-20: the signature covers authData ‖ SHA-256(clientDataJSON).
    const signed = concatBytes(authData, await sha256(client.bytes));
    if (!(await verifyCoseSignature(key, signature, signed))) {
      return { ok: false, reason: 'the assertion signature does not verify with the passkey' };
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

/**
 * Re-verifies the stored evidence of a passkey registration (WebAuthn L3 §7.1): the
 * clientDataJSON was made for `webauthn.create` with the enrolment challenge and origin, and,
 * when given, the attested credential is the one the ledger registered. Never throws.
 * @param response RegistrationResponseJSON from the ceremony evidence
 * @param expectedChallenge `enrolmentChallenge(nonce, devicePublicKey)` from the same entry
 * @param origin, rpId from the ceremony evidence
 * @param credentialId, cosePublicKey from the PasskeyRegistered event / command, to compare
 */
export async function verifyRegistrationEvidence({
  response: registration,
  expectedChallenge,
  origin,
  rpId,
  credentialId,
  cosePublicKey,
}: {
  response: unknown;
  expectedChallenge: Uint8Array;
  origin: string;
  rpId?: string;
  credentialId?: string;
  cosePublicKey?: string;
}): Promise<EvidenceVerification> {
  try {
    const response = responseOf(registration, 'registration');
    const client = parseClientData(response.clientDataJSON);
    checkClientData(client.data, 'webauthn.create', expectedChallenge, origin);
    if (rpId === undefined) return { ok: true };
    const attestation = decodeCbor(decodeField(response.attestationObject, 'attestationObject'));
    const authData = attestation instanceof Map ? attestation.get('authData') : undefined;
    if (!(authData instanceof Uint8Array)) {
      throw new EvidenceError('attestationObject has no authData');
    }
    const flags = await checkAuthData(authData, rpId);
    if ((flags & FLAG_AT) === 0) throw new EvidenceError('authData has no attested credential');
    // Attested credential data (§6.5.2): aaguid(16) ‖ idLength(2) ‖ id ‖ COSE key.
    let at = AUTH_DATA_MIN + 16;
    if (authData.length < at + 2) throw new EvidenceError('attested credential is truncated');
    const idLength = (authData[at]! << 8) | authData[at + 1]!;
    at += 2;
    if (authData.length < at + idLength) throw new EvidenceError('credential id is truncated');
    const id = authData.subarray(at, at + idLength);
    const [, keyEnd] = decodeCborFirst(authData, at + idLength);
    const attestedKey = parseCoseKey(authData.subarray(at + idLength, keyEnd));
    if (credentialId !== undefined && !equalBytes(id, decodeField(credentialId, 'credential id'))) {
      return { ok: false, reason: 'the attested credential id is not the registered passkey id' };
    }
    if (cosePublicKey !== undefined) {
      const registered = parseCoseKey(decodeField(cosePublicKey, 'COSE public key'));
      if ('unsupported' in registered) {
        return { ok: false, reason: `unsupported key: ${registered.unsupported}` };
      }
      if ('unsupported' in attestedKey || !sameCoseKey(attestedKey, registered)) {
        return { ok: false, reason: 'the attested public key is not the registered passkey key' };
      }
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof EvidenceError) return error.message;
  return `malformed evidence: ${error instanceof Error ? error.message : String(error)}`;
}
