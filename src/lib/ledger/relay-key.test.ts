import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from './bytes';
import { verifyCheckpoint, signCheckpoint } from './checkpoint';
import {
  RelayKeyError,
  formatVerifierKey,
  generateRelayKey,
  importRelaySigner,
  importRelayVerifier,
  parseVerifierKey,
  pkcs8FromEd25519Seed,
} from './relay-key';

// RFC 8032 §7.1 TEST 1 and TEST 2: seed, public key, message, signature.
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

// Go sumdb/note's example keys: same Ed25519 key printed as signer and verifier strings.
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

describe('importRelaySigner', () => {
  it.each(RFC8032)('derives the RFC 8032 public key and signature', async (vector) => {
    const signer = await importRelaySigner('relay', pkcs8FromEd25519Seed(fromHex(vector.seed)));
    expect(toHex(signer.publicKey)).toBe(vector.publicKey);
    const signature = await crypto.subtle.sign(
      { name: 'Ed25519' },
      signer.privateKey,
      fromHex(vector.message) as Uint8Array<ArrayBuffer>,
    );
    expect(toHex(new Uint8Array(signature))).toBe(vector.signature);
  });

  it('keeps the private key non-extractable', async () => {
    const signer = await importRelaySigner('relay', pkcs8FromEd25519Seed(new Uint8Array(32)));
    expect(signer.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', signer.privateKey)).rejects.toThrow();
  });

  it('rejects bytes that are not an Ed25519 PKCS#8 key', async () => {
    await expect(importRelaySigner('relay', utf8('not a key'))).rejects.toThrow(RelayKeyError);
    const truncated = pkcs8FromEd25519Seed(new Uint8Array(32)).slice(0, -1);
    await expect(importRelaySigner('relay', truncated)).rejects.toThrow(RelayKeyError);
  });

  it('rejects key names that signed-note forbids', async () => {
    const pkcs8 = pkcs8FromEd25519Seed(new Uint8Array(32));
    for (const name of ['', 'has space', 'has+plus']) {
      await expect(importRelaySigner(name, pkcs8), JSON.stringify(name)).rejects.toThrow(
        RelayKeyError,
      );
    }
  });
});

describe('pkcs8FromEd25519Seed', () => {
  it('prefixes the RFC 8410 header and insists on 32 bytes', () => {
    expect(toHex(pkcs8FromEd25519Seed(new Uint8Array(32).fill(0xab)))).toBe(
      `302e020100300506032b657004220420${'ab'.repeat(32)}`,
    );
    expect(() => pkcs8FromEd25519Seed(new Uint8Array(31))).toThrow(RelayKeyError);
  });
});

describe('generateRelayKey', () => {
  it('yields a storable key whose public half matches and which signs checkpoints', async () => {
    const key = await generateRelayKey();
    expect(key.publicKey).toHaveLength(32);
    const signer = await importRelaySigner('relay.test', key.privateKeyPkcs8);
    expect(toHex(signer.publicKey)).toBe(toHex(key.publicKey));
    const verifier = await importRelayVerifier('relay.test', key.publicKey);
    const note = await signCheckpoint(
      { origin: 'relay.test', size: 3, root: new Uint8Array(32) },
      signer,
    );
    expect((await verifyCheckpoint(note, verifier)).ok).toBe(true);
  });

  it('yields a different key each time', async () => {
    const [a, b] = await Promise.all([generateRelayKey(), generateRelayKey()]);
    expect(toHex(a.publicKey)).not.toBe(toHex(b.publicKey));
  });
});

describe('importRelayVerifier', () => {
  it('copies the key so later edits to the caller’s buffer do not leak in', async () => {
    const raw = fromHex(RFC8032[0]!.publicKey);
    const verifier = await importRelayVerifier('relay', raw);
    raw.fill(0);
    expect(toHex(verifier.publicKey)).toBe(RFC8032[0]!.publicKey);
  });

  it('rejects keys that are not 32 bytes and bad names', async () => {
    await expect(importRelayVerifier('relay', new Uint8Array(31))).rejects.toThrow(RelayKeyError);
    await expect(importRelayVerifier('a b', new Uint8Array(32))).rejects.toThrow(RelayKeyError);
  });
});

describe('verifier key strings', () => {
  it('parses Go sumdb/note’s verifier key and prints it back identically', async () => {
    const verifier = await parseVerifierKey(GO_VERIFIER_KEY);
    expect(verifier.keyName).toBe('PeterNeumann');
    expect(await formatVerifierKey(verifier)).toBe(GO_VERIFIER_KEY);
  });

  it('rejects mangled verifier keys', async () => {
    const bad = [
      'PeterNeumann',
      'PeterNeumann+c74f20a3',
      GO_VERIFIER_KEY.replace('c74f20a3', 'c74f20a4'),
      GO_VERIFIER_KEY.replace('c74f20a3', 'C74F20A3'),
      GO_VERIFIER_KEY.replace('PeterNeumann', 'PeterNeuman'),
      GO_VERIFIER_KEY.replace('+ARpc', '+Apc'),
      GO_VERIFIER_KEY.replace('+ARpc', '+AhPc'),
      GO_VERIFIER_KEY.slice(0, -4),
      `${GO_VERIFIER_KEY}AA==`,
      GO_VERIFIER_KEY.replace('+ARpc', '+BRpc'),
    ];
    for (const vkey of bad) {
      await expect(parseVerifierKey(vkey), vkey).rejects.toThrow(RelayKeyError);
    }
  });
});
