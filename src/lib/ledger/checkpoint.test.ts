import { describe, expect, it } from 'vitest';
import golden from '../../../test/fixtures/ledger/checkpoint.json';
import { fromBase64, fromHex, toBase64, toBase64Url, toHex } from './bytes';
import {
  CheckpointFormatError,
  ed25519KeyId,
  formatCheckpointBody,
  parseCheckpoint,
  parseNote,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
  verifyNote,
  type Checkpoint,
  type CheckpointSigner,
} from './checkpoint';
import { generateRelayKey, importRelaySigner, pkcs8FromEd25519Seed } from './relay-key';

// golang.org/x/mod/sumdb/note's documented example: an independent implementation's
// key and byte-exact signed note. Its private key string is base64(0x01 ‖ seed).
const GO_SIGNER_KEY =
  'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const GO_NOTE =
  GO_TEXT +
  '\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

const goSigner = () =>
  importRelaySigner(
    'PeterNeumann',
    pkcs8FromEd25519Seed(fromBase64(GO_SIGNER_KEY.split('+').slice(4).join('+')).slice(1)),
  );
const goPublicKey = () => fromBase64(GO_VERIFIER_KEY.split('+')[2]!).slice(1);

const goldenSigner = () =>
  importRelaySigner(golden.keyName, pkcs8FromEd25519Seed(fromHex(golden.seedHex)));
const goldenVerifier = { keyName: golden.keyName, publicKey: fromHex(golden.publicKeyHex) };
const goldenVector = golden.vectors.find((v) => v.size === 8)!;
const goldenNote = goldenVector.note;

const checkpointOf = (v: { origin: string; size: number; rootHex: string }): Checkpoint => ({
  origin: v.origin,
  size: v.size,
  root: fromHex(v.rootHex),
});

const lines = (note: string) => note.split('\n');
const withLine = (note: string, index: number, line: string) => {
  const all = lines(note);
  all[index] = line;
  return all.join('\n');
};
/** Rewrites the base64 blob of the first signature line. */
const withBlob = (note: string, edit: (blob: Uint8Array) => Uint8Array) => {
  const sigLine = lines(note)[4]!;
  const space = sigLine.lastIndexOf(' ');
  const blob = edit(fromBase64(sigLine.slice(space + 1)));
  return withLine(note, 4, `${sigLine.slice(0, space + 1)}${toBase64(blob)}`);
};
const flipBit = (bytes: Uint8Array, index: number) => {
  const copy = new Uint8Array(bytes);
  copy[index]! ^= 0x01;
  return copy;
};

describe('ed25519KeyId', () => {
  it('matches the key ID in Go sumdb/note’s verifier key', async () => {
    expect(toHex(await ed25519KeyId('PeterNeumann', goPublicKey()))).toBe('c74f20a3');
  });

  it('depends on both the name and the key', async () => {
    const key = goPublicKey();
    expect(toHex(await ed25519KeyId('PeterNeumanN', key))).not.toBe('c74f20a3');
    expect(toHex(await ed25519KeyId('PeterNeumann', flipBit(key, 0)))).not.toBe('c74f20a3');
  });

  it('rejects key names with spaces or "+", and keys that are not 32 bytes', async () => {
    const key = goPublicKey();
    for (const name of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b']) {
      await expect(ed25519KeyId(name, key), JSON.stringify(name)).rejects.toThrow(
        CheckpointFormatError,
      );
    }
    await expect(ed25519KeyId('x', key.slice(1))).rejects.toThrow(/32 bytes/);
  });
});

describe('signed notes against Go sumdb/note', () => {
  it('reproduces the published note byte for byte', async () => {
    expect(await signNote(GO_TEXT, await goSigner())).toBe(GO_NOTE);
  });

  it('verifies the published note and rejects an edited one', async () => {
    const verifier = { keyName: 'PeterNeumann', publicKey: goPublicKey() };
    expect(await verifyNote(GO_NOTE, verifier)).toEqual({ ok: true, text: GO_TEXT });
    const edited = await verifyNote(GO_NOTE.replace('cryptography', 'cryptographY'), verifier);
    expect(edited).toEqual({ ok: false, reason: expect.stringMatching(/does not verify/) });
  });

  it('refuses to sign text that does not end with a newline', async () => {
    await expect(signNote('no newline', await goSigner())).rejects.toThrow(CheckpointFormatError);
    await expect(signNote('tab\there\n', await goSigner())).rejects.toThrow(CheckpointFormatError);
  });
});

describe('formatCheckpointBody', () => {
  it('writes origin, decimal size and padded base64 root', () => {
    // SHA-256 of nothing, whose base64 is widely published (it is also MTH of the empty tree).
    const root = fromHex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(formatCheckpointBody({ origin: 'example.com/log', size: 1234, root })).toBe(
      'example.com/log\n1234\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n',
    );
  });

  it('refuses checkpoints it could not parse back', () => {
    const root = new Uint8Array(32);
    const bad: Checkpoint[] = [
      { origin: '', size: 1, root },
      { origin: 'a\nb', size: 1, root },
      { origin: 'a\rb', size: 1, root },
      { origin: 'log', size: -1, root },
      { origin: 'log', size: 1.5, root },
      { origin: 'log', size: 2 ** 53, root },
      { origin: 'log', size: 1, root: new Uint8Array(31) },
    ];
    for (const cp of bad) {
      expect(() => formatCheckpointBody(cp), JSON.stringify(cp.origin)).toThrow(
        CheckpointFormatError,
      );
    }
  });
});

describe('golden vectors (test/fixtures/ledger/checkpoint.json)', () => {
  it('derives the fixture’s public key and key ID from its seed', async () => {
    const signer = await goldenSigner();
    expect(toHex(signer.publicKey)).toBe(golden.publicKeyHex);
    expect(toHex(await ed25519KeyId(golden.keyName, signer.publicKey))).toBe(golden.keyIdHex);
  });

  it.each(golden.vectors)('signs size $size byte for byte', async (vector) => {
    expect(await signCheckpoint(checkpointOf(vector), await goldenSigner())).toBe(vector.note);
  });

  it.each(golden.vectors)('verifies size $size', async (vector) => {
    const result = await verifyCheckpoint(vector.note, goldenVerifier);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.checkpoint.origin).toBe(vector.origin);
    expect(result.checkpoint.size).toBe(vector.size);
    expect(toHex(result.checkpoint.root)).toBe(vector.rootHex);
  });

  it('parses into the checkpoint and one signature line', () => {
    const { checkpoint, signatures } = parseCheckpoint(goldenNote);
    expect(checkpoint.size).toBe(8);
    expect(toHex(checkpoint.root)).toBe(goldenVector.rootHex);
    expect(signatures).toHaveLength(1);
    expect(signatures[0]!.keyName).toBe(golden.keyName);
    expect(toHex(signatures[0]!.keyId)).toBe(golden.keyIdHex);
    expect(signatures[0]!.signature).toHaveLength(64);
  });
});

describe('round trip with a fresh key', () => {
  it('signs and verifies checkpoints of many sizes', async () => {
    const key = await generateRelayKey();
    const signer = await importRelaySigner('relay.test/log', key.privateKeyPkcs8);
    const verifier = { keyName: 'relay.test/log', publicKey: key.publicKey };
    for (const size of [0, 1, 7, 1000, Number.MAX_SAFE_INTEGER]) {
      const root = crypto.getRandomValues(new Uint8Array(32));
      const note = await signCheckpoint({ origin: 'relay.test/log', size, root }, signer);
      const result = await verifyCheckpoint(note, verifier);
      expect(result, `size ${size}`).toEqual({
        ok: true,
        checkpoint: { origin: 'relay.test/log', size, root },
      });
    }
  });
});

describe('verifyCheckpoint tamper matrix', () => {
  const sizeLine = 1;
  const rootLine = 2;
  const flippedRoot = toBase64(flipBit(fromHex(goldenVector.rootHex), 17));

  const cases: [string, (note: string) => string, RegExp][] = [
    ['origin changed', (n) => withLine(n, 0, 'leasehold.example/audit/v2'), /does not verify/],
    ['garbage before the origin', (n) => `x${n}`, /does not verify/],
    ['size changed', (n) => withLine(n, sizeLine, '9'), /does not verify/],
    ['size with a leading zero', (n) => withLine(n, sizeLine, '08'), /leading zeros/],
    ['size signed', (n) => withLine(n, sizeLine, '+8'), /leading zeros/],
    ['size negative', (n) => withLine(n, sizeLine, '-8'), /leading zeros/],
    ['size fractional', (n) => withLine(n, sizeLine, '8.0'), /leading zeros/],
    ['size padded', (n) => withLine(n, sizeLine, ' 8'), /leading zeros/],
    ['size empty', (n) => withLine(n, sizeLine, ''), /leading zeros/],
    ['size beyond 2^53', (n) => withLine(n, sizeLine, '9007199254740992'), /beyond/],
    ['root bit flipped', (n) => withLine(n, rootLine, flippedRoot), /does not verify/],
    ['root truncated', (n) => withLine(n, rootLine, toBase64(new Uint8Array(31))), /31 bytes/],
    ['root unpadded', (n) => withLine(n, rootLine, lines(n)[rootLine]!.slice(0, -1)), /base64/],
    ['root not base64', (n) => withLine(n, rootLine, `!${lines(n)[rootLine]!.slice(1)}`), /base64/],
    [
      'root in base64url',
      (n) => withLine(n, rootLine, toBase64Url(fromHex(goldenVector.rootHex))),
      /base64/,
    ],
    [
      'root line missing',
      (n) => lines(n).toSpliced(rootLine, 1).join('\n'),
      /origin, size and root/,
    ],
    ['extension line added', (n) => lines(n).toSpliced(3, 0, 'ext').join('\n'), /extension/],
    ['blank origin', (n) => withLine(n, 0, ''), /origin is empty/],
    ['signature bit flipped', (n) => withBlob(n, (b) => flipBit(b, 40)), /does not verify/],
    ['signature truncated', (n) => withBlob(n, (b) => b.slice(0, -1)), /63 bytes, not 64/],
    ['key ID flipped', (n) => withBlob(n, (b) => flipBit(b, 0)), /no signature from key/],
    [
      'key name changed',
      (n) => n.replace('— leasehold.example/audit/v1', '— other'),
      /no signature from key/,
    ],
    ['signature line missing', (n) => n.slice(0, n.indexOf('\n\n') + 2), /no signature lines/],
    ['blank line missing', (n) => n.replace('\n\n', '\n'), /no blank line|does not start with/],
    ['em dash replaced', (n) => n.replace('—', '-'), /does not start with "— "/],
    ['signature not base64', (n) => n.replace(/=\n$/, '!\n'), /not canonical padded base64/],
    ['signature unpadded', (n) => n.replace(/=\n$/, '\n'), /not canonical padded base64/],
    ['signature line has no blob', (n) => n.replace(/ [^ ]+\n$/, '\n'), /has no signature/],
    ['trailing garbage', (n) => `${n}garbage`, /does not end with a newline/],
    ['trailing garbage line', (n) => `${n}garbage\n`, /signature line 2 does not start/],
    ['trailing blank line', (n) => `${n}\n`, /no signature lines/],
    ['missing final newline', (n) => n.slice(0, -1), /does not end with a newline/],
    ['CRLF line endings', (n) => n.replace(/\n/g, '\r\n'), /control characters/],
    ['lone surrogate', (n) => n.replace('audit', 'aud\ud800it'), /invalid Unicode/],
    ['empty text', () => '', /no blank line/],
  ];

  it('accepts the untouched note', async () => {
    expect((await verifyCheckpoint(goldenNote, goldenVerifier)).ok).toBe(true);
  });

  it.each(cases)('%s → ok: false', async (_name, tamper, reason) => {
    const tampered = tamper(goldenNote);
    expect(tampered).not.toBe(goldenNote);
    const result = await verifyCheckpoint(tampered, goldenVerifier);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('rejects a note signed by a different key under the same name', async () => {
    const other = await generateRelayKey();
    const result = await verifyCheckpoint(goldenNote, {
      keyName: golden.keyName,
      publicKey: other.publicKey,
    });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/no signature from key/) });
  });

  it('rejects when the verifier expects another key name', async () => {
    const result = await verifyCheckpoint(goldenNote, { ...goldenVerifier, keyName: 'other' });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/no signature from key/) });
  });

  it('reports a bad verifier key instead of throwing', async () => {
    const result = await verifyCheckpoint(goldenNote, {
      keyName: golden.keyName,
      publicKey: new Uint8Array(31),
    });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/32 bytes/) });
  });
});

describe('notes with several signatures', () => {
  async function cosigned(extra: CheckpointSigner, extraFirst: boolean): Promise<string> {
    const body = formatCheckpointBody(checkpointOf(goldenVector));
    const theirs = (await signNote(body, extra)).slice(body.length + 1);
    const ours = goldenNote.slice(body.length + 1);
    return `${body}\n${extraFirst ? theirs + ours : ours + theirs}`;
  }

  it('ignores signatures from unknown keys, before or after ours', async () => {
    const key = await generateRelayKey();
    const witness = await importRelaySigner('witness.example', key.privateKeyPkcs8);
    for (const extraFirst of [true, false]) {
      const note = await cosigned(witness, extraFirst);
      expect(parseNote(note).signatures).toHaveLength(2);
      expect((await verifyCheckpoint(note, goldenVerifier)).ok).toBe(true);
      // ...and the witness's key alone verifies it too.
      expect(
        (await verifyCheckpoint(note, { keyName: 'witness.example', publicKey: key.publicKey })).ok,
      ).toBe(true);
    }
  });

  it('rejects a note whose only signatures are from unknown keys', async () => {
    const key = await generateRelayKey();
    const stranger = await importRelaySigner(golden.keyName, key.privateKeyPkcs8);
    const note = await signCheckpoint(checkpointOf(goldenVector), stranger);
    expect(await verifyCheckpoint(note, goldenVerifier)).toEqual({
      ok: false,
      reason: expect.stringMatching(/no signature from key/),
    });
  });

  it('rejects a valid signature accompanied by a bad one from the same key', async () => {
    const sigLine = lines(goldenNote)[4]!;
    const bad = lines(withBlob(goldenNote, (b) => flipBit(b, 50)))[4]!;
    const body = goldenNote.slice(0, goldenNote.indexOf('\n\n') + 2);
    for (const block of [`${sigLine}\n${bad}\n`, `${bad}\n${sigLine}\n`]) {
      expect(await verifyCheckpoint(body + block, goldenVerifier)).toEqual({
        ok: false,
        reason: expect.stringMatching(/does not verify/),
      });
    }
  });

  it('refuses more than 100 signature lines', () => {
    const sigLine = lines(goldenNote)[4]!;
    const body = goldenNote.slice(0, goldenNote.indexOf('\n\n') + 2);
    expect(() => parseNote(body + `${sigLine}\n`.repeat(100))).not.toThrow();
    expect(() => parseNote(body + `${sigLine}\n`.repeat(101))).toThrow(/more than 100/);
  });
});

describe('parseCheckpoint', () => {
  it('throws CheckpointFormatError with a precise message', () => {
    expect(() => parseCheckpoint(withLine(goldenNote, 1, '007'))).toThrow(CheckpointFormatError);
    expect(() => parseCheckpoint(withLine(goldenNote, 1, '007'))).toThrow(
      'checkpoint size "007" is not a decimal without leading zeros',
    );
    expect(() => parseCheckpoint('origin\n1\n')).toThrow(
      'note has no blank line before its signatures',
    );
  });

  it('accepts the largest safe size', () => {
    const note = withLine(goldenNote, 1, String(Number.MAX_SAFE_INTEGER));
    expect(parseCheckpoint(note).checkpoint.size).toBe(Number.MAX_SAFE_INTEGER);
  });
});
