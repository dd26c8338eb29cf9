/**
 * A software WebAuthn authenticator for Node test clients (WebAuthn L3 §6: authenticator data,
 * attested credential data, "none" attestation, ES256 assertions). It produces the same JSON a
 * browser's `startRegistration` / `startAuthentication` produce, so the relay verifies them with
 * the same code path as a real passkey. The browser suite uses Chromium's virtual authenticator.
 */
import { createHash, webcrypto } from 'node:crypto';
import { concatBytes, toBase64Url, utf8 } from '#ledger/bytes';

type Json = Record<string, unknown>;

// --- a minimal CBOR encoder (RFC 8949): unsigned/negative ints, bytes, text, maps ------------
function head(major: number, value: number): Uint8Array {
  if (value < 24) return Uint8Array.of((major << 5) | value);
  if (value < 256) return Uint8Array.of((major << 5) | 24, value);
  if (value < 65536) return Uint8Array.of((major << 5) | 25, value >> 8, value & 0xff);
  return Uint8Array.of(
    (major << 5) | 26,
    (value >>> 24) & 0xff,
    (value >> 16) & 0xff,
    (value >> 8) & 0xff,
    value & 0xff,
  );
}
type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;
function cbor(value: Cbor): Uint8Array {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = utf8(value);
    return concatBytes(head(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concatBytes(head(2, value.length), value);
  const parts: Uint8Array[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return concatBytes(...parts);
}

const sha256 = (bytes: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(bytes).digest());

/** IEEE P1363 (r‖s) → ASN.1 DER, which WebAuthn ES256 signatures use. */
function p1363ToDer(sig: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0]! & 0x80) v = concatBytes(Uint8Array.of(0), v);
    return concatBytes(Uint8Array.of(0x02, v.length), v);
  };
  const body = concatBytes(int(sig.subarray(0, 32)), int(sig.subarray(32)));
  return concatBytes(Uint8Array.of(0x30, body.length), body);
}

export type SoftCredential = {
  id: Uint8Array;
  keyPair: webcrypto.CryptoKeyPair;
  userHandle: Uint8Array;
  counter: number;
};

export type TamperOptions = {
  badSignature?: boolean;
  noUserVerification?: boolean;
  origin?: string;
};

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  readonly origin: string;
  readonly rpId: string;
  constructor(origin: string, rpId = new URL(origin).hostname) {
    this.origin = origin;
    this.rpId = rpId;
  }

  #authData(flags: number, counter: number, attested?: Uint8Array): Uint8Array {
    const count = Uint8Array.of(
      (counter >>> 24) & 0xff,
      (counter >> 16) & 0xff,
      (counter >> 8) & 0xff,
      counter & 0xff,
    );
    return concatBytes(
      sha256(utf8(this.rpId)),
      Uint8Array.of(flags),
      count,
      attested ?? new Uint8Array(),
    );
  }

  #clientData(type: string, challenge: string, origin = this.origin): Uint8Array {
    return utf8(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() with the relay's PublicKeyCredentialCreationOptionsJSON. */
  async register(options: Json): Promise<Json> {
    const keyPair = (await webcrypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    const jwk = await webcrypto.subtle.exportKey('jwk', keyPair.publicKey);
    const id = webcrypto.getRandomValues(new Uint8Array(16));
    const user = options.user as { id: string };
    const userHandle = Uint8Array.from(Buffer.from(user.id, 'base64url'));
    const cose = cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Uint8Array.from(Buffer.from(jwk.x!, 'base64url'))],
        [-3, Uint8Array.from(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const attested = concatBytes(new Uint8Array(16), Uint8Array.of(0, id.length), id, cose);
    const authData = this.#authData(0x01 | 0x04 | 0x40 | 0x08 | 0x10, 0, attested); // UP, UV, AT, BE, BS
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    this.credentials.push({ id, keyPair, userHandle, counter: 0 });
    const clientDataJSON = this.#clientData('webauthn.create', options.challenge as string);
    return {
      id: toBase64Url(id),
      rawId: toBase64Url(id),
      type: 'public-key',
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        attestationObject: toBase64Url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get() for a challenge (base64url), with optional tampering. */
  async assert(
    challenge: string,
    tamper: TamperOptions = {},
    credential = this.credentials[0],
  ): Promise<Json> {
    if (!credential) throw new Error('no credential registered');
    credential.counter += 1;
    const flags = tamper.noUserVerification ? 0x01 | 0x08 | 0x10 : 0x01 | 0x04 | 0x08 | 0x10;
    const authData = this.#authData(flags, credential.counter);
    const clientDataJSON = this.#clientData('webauthn.get', challenge, tamper.origin);
    const signed = concatBytes(authData, sha256(clientDataJSON));
    const sig = new Uint8Array(
      await webcrypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        credential.keyPair.privateKey,
        signed,
      ),
    );
    if (tamper.badSignature) sig[5] = sig[5]! ^ 0xff;
    return {
      id: toBase64Url(credential.id),
      rawId: toBase64Url(credential.id),
      type: 'public-key',
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        authenticatorData: toBase64Url(authData),
        signature: toBase64Url(p1363ToDer(sig)),
        userHandle: toBase64Url(credential.userHandle),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
