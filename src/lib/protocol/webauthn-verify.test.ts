import { describe, expect, it } from 'vitest';
import { concatBytes, sha256, toBase64Url, utf8 } from '#ledger/bytes';
import { SoftAuthenticator } from '../../../test/integration/support/soft-authenticator';
import {
  decodeCbor,
  derToP1363,
  parseCoseKey,
  verifyAssertionEvidence,
  verifyRegistrationEvidence,
} from './webauthn-verify';

const ORIGIN = 'https://pim.example';
const RP_ID = 'pim.example';

/** A registration through the soft authenticator, and the COSE key it attested. */
async function registered() {
  const authenticator = new SoftAuthenticator(ORIGIN);
  const challenge = crypto.getRandomValues(new Uint8Array(32));
  const registration = await authenticator.register({
    challenge: toBase64Url(challenge),
    user: { id: toBase64Url(utf8('u_1')) },
  });
  // The COSE key sits after aaguid and the credential id in the attested authData.
  const attestation = decodeCbor(
    Uint8Array.from(
      Buffer.from(
        (registration.response as { attestationObject: string }).attestationObject,
        'base64url',
      ),
    ),
  ) as Map<string, Uint8Array>;
  const authData = attestation.get('authData')!;
  const idLength = (authData[53]! << 8) | authData[54]!;
  const cose = authData.subarray(55 + idLength);
  return {
    authenticator,
    registration,
    challenge,
    credentialId: registration.id as string,
    cosePublicKey: toBase64Url(cose),
  };
}

// --- a minimal CBOR encoder for hand-made keys ------------------------------------------------
const head = (major: number, n: number) =>
  n < 24 ? Uint8Array.of((major << 5) | n) : Uint8Array.of((major << 5) | 24, n);
const int = (n: number) => (n >= 0 ? head(0, n) : head(1, -1 - n));
const bstr = (b: Uint8Array) => concatBytes(head(2, b.length), b);
const map = (pairs: [Uint8Array, Uint8Array][]) =>
  concatBytes(head(5, pairs.length), ...pairs.flat());

/** An Ed25519 passkey and assertion made by hand (WebAuthn L3 §6.1, §7.2). */
async function ed25519Case(challenge: Uint8Array) {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const x = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const cose = map([
    [int(1), int(1)],
    [int(3), int(-8)],
    [int(-1), int(6)],
    [int(-2), bstr(x)],
  ]);
  const sign = async (over: { flags?: number; origin?: string; type?: string } = {}) => {
    const authData = concatBytes(
      await sha256(utf8(RP_ID)),
      Uint8Array.of(over.flags ?? 0x05),
      new Uint8Array(4),
    );
    const clientData = utf8(
      JSON.stringify({
        type: over.type ?? 'webauthn.get',
        challenge: toBase64Url(challenge),
        origin: over.origin ?? ORIGIN,
      }),
    );
    const signature = new Uint8Array(
      await crypto.subtle.sign(
        { name: 'Ed25519' },
        pair.privateKey,
        new Uint8Array(concatBytes(authData, await sha256(clientData))),
      ),
    );
    return {
      id: 'ed',
      response: {
        clientDataJSON: toBase64Url(clientData),
        authenticatorData: toBase64Url(authData),
        signature: toBase64Url(signature),
      },
    };
  };
  return { cosePublicKey: toBase64Url(cose), sign };
}

describe('verifyAssertionEvidence (WebAuthn L3 §7.2)', () => {
  it('accepts an ES256 assertion from the soft authenticator', async () => {
    const { authenticator, cosePublicKey } = await registered();
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    const assertion = await authenticator.assert(toBase64Url(challenge));
    const input = { assertion, expectedChallenge: challenge, origin: ORIGIN, rpId: RP_ID };
    expect(await verifyAssertionEvidence({ ...input, cosePublicKey })).toEqual({ ok: true });
  });

  it('names what is wrong with a tampered ES256 assertion', async () => {
    const { authenticator, cosePublicKey } = await registered();
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    const good = { expectedChallenge: challenge, origin: ORIGIN, rpId: RP_ID, cosePublicKey };
    const verify = async (assertion: unknown, over: Partial<typeof good> = {}) =>
      verifyAssertionEvidence({ ...good, assertion, ...over });
    const cases: [string, Promise<{ ok: boolean; reason?: string }>, RegExp][] = [
      [
        'bad signature',
        verify(await authenticator.assert(toBase64Url(challenge), { badSignature: true })),
        /does not verify|not DER/,
      ],
      [
        'no user verification',
        verify(await authenticator.assert(toBase64Url(challenge), { noUserVerification: true })),
        /lacks user verification/,
      ],
      [
        'other origin',
        verify(
          await authenticator.assert(toBase64Url(challenge), { origin: 'https://evil.example' }),
        ),
        /origin is https:\/\/evil.example/,
      ],
      [
        'other challenge',
        verify(await authenticator.assert(toBase64Url(new Uint8Array(32)))),
        /challenge is not the expected challenge/,
      ],
      [
        'other RP ID',
        verify(await authenticator.assert(toBase64Url(challenge)), { rpId: 'other.example' }),
        /rpIdHash/,
      ],
      [
        'another passkey',
        verify(await authenticator.assert(toBase64Url(challenge)), {
          cosePublicKey: (await registered()).cosePublicKey,
        }),
        /does not verify/,
      ],
      ['not an assertion', verify({ nothing: true }), /has no response/],
      ['null', verify(null), /not JSON/],
    ];
    for (const [what, result, reason] of cases) {
      const r = await result;
      expect(r.ok, what).toBe(false);
      expect(r.reason, what).toMatch(reason);
    }
  });

  it('refuses clientData of a registration, and a flipped authenticatorData byte', async () => {
    const { authenticator, cosePublicKey } = await registered();
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    const assertion = (await authenticator.assert(toBase64Url(challenge))) as {
      response: Record<string, string>;
    };
    const input = { expectedChallenge: challenge, origin: ORIGIN, rpId: RP_ID, cosePublicKey };
    const authData = Buffer.from(assertion.response.authenticatorData!, 'base64url');
    authData[36]! ^= 1; // the sign counter: covered by the signature, checked by nothing else
    const flipped = {
      ...assertion,
      response: { ...assertion.response, authenticatorData: authData.toString('base64url') },
    };
    expect(await verifyAssertionEvidence({ ...input, assertion: flipped })).toMatchObject({
      ok: false,
      reason: /does not verify/,
    });
  });

  it('accepts a hand-made Ed25519 (EdDSA) assertion and refuses tampered ones', async () => {
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    const { cosePublicKey, sign } = await ed25519Case(challenge);
    const input = { expectedChallenge: challenge, origin: ORIGIN, rpId: RP_ID, cosePublicKey };
    expect(await verifyAssertionEvidence({ ...input, assertion: await sign() })).toEqual({
      ok: true,
    });
    expect(
      await verifyAssertionEvidence({ ...input, assertion: await sign({ flags: 0x01 }) }),
    ).toMatchObject({ ok: false, reason: /user verification/ });
    expect(
      await verifyAssertionEvidence({ ...input, assertion: await sign({ flags: 0x04 }) }),
    ).toMatchObject({ ok: false, reason: /user presence/ });
    expect(
      await verifyAssertionEvidence({
        ...input,
        assertion: await sign({ type: 'webauthn.create' }),
      }),
    ).toMatchObject({ ok: false, reason: /type is webauthn.create/ });
    const good = (await sign()) as { response: Record<string, string> };
    const sig = Buffer.from(good.response.signature!, 'base64url');
    sig[0]! ^= 0x80;
    const bad = { ...good, response: { ...good.response, signature: sig.toString('base64url') } };
    expect(await verifyAssertionEvidence({ ...input, assertion: bad })).toMatchObject({
      ok: false,
      reason: /does not verify/,
    });
  });

  it('reports unsupported COSE algorithms instead of guessing', async () => {
    const { authenticator } = await registered();
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    const rs256 = map([
      [int(1), int(3)],
      [int(3), int(-257)],
    ]);
    const result = await verifyAssertionEvidence({
      assertion: await authenticator.assert(toBase64Url(challenge)),
      expectedChallenge: challenge,
      origin: ORIGIN,
      rpId: RP_ID,
      cosePublicKey: toBase64Url(rs256),
    });
    expect(result).toMatchObject({ ok: false, reason: /unsupported key: COSE key type 3/ });
    expect(parseCoseKey(Uint8Array.of(0xff))).toMatchObject({ unsupported: /not CBOR/ });
  });
});

describe('verifyRegistrationEvidence (WebAuthn L3 §7.1)', () => {
  it('accepts the registration with its challenge, credential id and key', async () => {
    const { registration, challenge, credentialId, cosePublicKey } = await registered();
    const input = { response: registration, expectedChallenge: challenge, origin: ORIGIN };
    expect(await verifyRegistrationEvidence(input)).toEqual({ ok: true });
    expect(
      await verifyRegistrationEvidence({ ...input, rpId: RP_ID, credentialId, cosePublicKey }),
    ).toEqual({ ok: true });
  });

  it('refuses another challenge, origin, type, credential or key', async () => {
    const { registration, challenge, credentialId, cosePublicKey } = await registered();
    const other = await registered();
    const input = {
      response: registration,
      expectedChallenge: challenge,
      origin: ORIGIN,
      rpId: RP_ID,
      credentialId,
      cosePublicKey,
    };
    const cases: [string, Partial<typeof input>, RegExp][] = [
      ['challenge', { expectedChallenge: new Uint8Array(32) }, /challenge/],
      ['origin', { origin: 'https://evil.example' }, /origin/],
      ['rp id', { rpId: 'evil.example' }, /rpIdHash/],
      ['credential id', { credentialId: other.credentialId }, /credential id/],
      ['public key', { cosePublicKey: other.cosePublicKey }, /public key/],
      [
        'an assertion',
        { response: await other.authenticator.assert(toBase64Url(challenge)) },
        /type is webauthn.get/,
      ],
    ];
    for (const [what, over, reason] of cases) {
      const result = await verifyRegistrationEvidence({ ...input, ...over });
      expect(result.ok, what).toBe(false);
      expect((result as { reason: string }).reason, what).toMatch(reason);
    }
  });
});

describe('encodings', () => {
  it('converts DER ECDSA signatures to P1363, with and without sign padding', () => {
    const r = new Uint8Array(32).fill(0x81);
    const s = Uint8Array.of(0, ...new Uint8Array(31).fill(0x11));
    const der = concatBytes(
      Uint8Array.of(0x30, 2 + 33 + 2 + 31, 0x02, 33, 0),
      r,
      Uint8Array.of(0x02, 31),
      s.subarray(1),
    );
    expect(derToP1363(der)).toEqual(concatBytes(r, s));
    expect(() => derToP1363(der.subarray(0, 10))).toThrow(/not DER/);
    expect(() => derToP1363(Uint8Array.of(0x31, 0))).toThrow(/not DER/);
  });

  it('decodes CBOR strictly', () => {
    expect(decodeCbor(map([[int(1), int(-7)]]))).toEqual(new Map([[1, -7]]));
    expect(decodeCbor(Uint8Array.of(0x19, 0x01, 0x00))).toBe(256);
    expect(decodeCbor(Uint8Array.of(0xf5))).toBe(true);
    expect(() => decodeCbor(Uint8Array.of(0x5f))).toThrow(/indefinite/);
    expect(() => decodeCbor(Uint8Array.of(0x42, 1))).toThrow(/truncated/);
    expect(() => decodeCbor(Uint8Array.of(0x01, 0x02))).toThrow(/trailing/);
    expect(() => decodeCbor(Uint8Array.of(0xa2, 1, 1, 1, 2))).toThrow(/duplicate/);
    expect(() => decodeCbor(new Uint8Array(40).fill(0x81))).toThrow(/deeply/);
  });
});
