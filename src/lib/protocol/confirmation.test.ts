/**
 * Golden vectors for the bytes a passkey or a device key signs (test/fixtures/protocol, built as
 * test/fixtures/README.md says). An outside client or auditor must reproduce these exactly; a
 * change here is a protocol change.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import signingGolden from '../../../test/fixtures/protocol/command-signing-bytes.json';
import confirmGolden from '../../../test/fixtures/protocol/confirmation-challenge.json';
import enrolGolden from '../../../test/fixtures/protocol/enrolment-challenge.json';
import sessionGolden from '../../../test/fixtures/protocol/session-signing-bytes.json';
import { canonicalize } from '#ledger/canonical-json';
import { toBase64Url, toHex } from '#ledger/bytes';
import type { DevicePublicKey } from '#domain/model';
import {
  commandSigningBytes,
  confirmationChallenge,
  deviceIdFor,
  enrolmentChallenge,
  sessionSigningBytes,
} from './confirmation';
import { PROTOCOL_VERSION, type CommandEnvelope, type CommandIntent } from './messages';

const sha256Hex = (...parts: Buffer[]) =>
  createHash('sha256').update(Buffer.concat(parts)).digest('hex');

describe('golden vectors and PROTOCOL_VERSION', () => {
  it('include intents and envelopes of the current version (a bump comes with new vectors)', () => {
    expect(confirmGolden.vectors.some((v) => v.intent.v === PROTOCOL_VERSION)).toBe(true);
    expect(signingGolden.vectors.some((v) => v.envelope.v === PROTOCOL_VERSION)).toBe(true);
  });
});

describe('confirmationChallenge golden vectors', () => {
  it.each(confirmGolden.vectors)('$name', async (vector) => {
    const intent = vector.intent as CommandIntent;
    expect(canonicalize(intent)).toBe(vector.canonicalIntent);
    const challenge = await confirmationChallenge(vector.nonce, intent);
    expect(toHex(challenge)).toBe(vector.challengeHex);
    expect(toBase64Url(challenge)).toBe(vector.challengeBase64Url);
  });

  it('matches SHA-256 over the bytes assembled by hand with node:crypto', () => {
    for (const vector of confirmGolden.vectors) {
      const digest = sha256Hex(
        Buffer.from('leasehold-confirm-v1\0', 'ascii'),
        Buffer.from(vector.nonce, 'base64url'),
        Buffer.from(vector.canonicalIntent, 'utf8'),
      );
      expect(digest).toBe(vector.challengeHex);
    }
  });

  it('writes non-ASCII text as raw UTF-8, the emoji as one four-byte sequence', () => {
    const [vector] = confirmGolden.vectors.filter((v) => v.name === 'activate-non-ascii');
    const bytes = Buffer.from(vector!.canonicalIntent, 'utf8').toString('hex');
    // "ü" c3bc, "–" e28093, "東京" e69db1 e4baac, "😀" f09f9880: no \u escapes anywhere.
    expect(bytes).toContain('5ac3bc72696368');
    expect(bytes).toContain('20e2809320e69db1e4baac20f09f9880');
    expect(vector!.canonicalIntent).not.toContain('\\u');
  });
});

describe('commandSigningBytes golden vectors', () => {
  it.each(signingGolden.vectors)('$name', (vector) => {
    const envelope = vector.envelope as CommandEnvelope;
    expect(canonicalize(envelope)).toBe(vector.canonicalEnvelope);
    const bytes = commandSigningBytes(envelope);
    expect(toHex(bytes)).toBe(vector.bytesHex);
    expect(sha256Hex(Buffer.from(bytes))).toBe(vector.bytesSha256Hex);
  });

  it('signs the envelope whose confirmation carries the first intent’s challenge', () => {
    const confirmed = signingGolden.vectors.find((v) => v.name === 'activate-confirmed')!;
    const clientData = JSON.parse(
      Buffer.from(
        confirmed.envelope.confirmation!.assertion.response.clientDataJSON,
        'base64url',
      ).toString('utf8'),
    ) as { challenge: string };
    expect(clientData.challenge).toBe(confirmGolden.vectors[0]!.challengeBase64Url);
  });
});

describe('enrolmentChallenge and deviceIdFor golden vectors', () => {
  it.each(enrolGolden.vectors)('$name', async (vector) => {
    const key = vector.devicePublicKey as DevicePublicKey;
    expect(canonicalize(key)).toBe(vector.canonicalDevicePublicKey);
    const challenge = await enrolmentChallenge(vector.nonce, key);
    expect(toHex(challenge)).toBe(vector.challengeHex);
    expect(toBase64Url(challenge)).toBe(vector.challengeBase64Url);
    expect(
      sha256Hex(
        Buffer.from('leasehold-enrol-v1\0', 'ascii'),
        Buffer.from(vector.nonce, 'base64url'),
        Buffer.from(vector.canonicalDevicePublicKey, 'utf8'),
      ),
    ).toBe(vector.challengeHex);
    expect(await deviceIdFor(key)).toBe(vector.deviceId);
  });
});

describe('sessionSigningBytes golden vectors', () => {
  it.each(sessionGolden.vectors)('$name', (vector) => {
    const bytes = sessionSigningBytes(vector.challenge);
    expect(toHex(bytes)).toBe(vector.bytesHex);
    expect(toHex(bytes)).toBe(
      Buffer.concat([
        Buffer.from('leasehold-session-v1\0', 'ascii'),
        Buffer.from(vector.challenge, 'base64url'),
      ]).toString('hex'),
    );
  });
});
