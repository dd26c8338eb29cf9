/**
 * The client's ledger checks against a relay that can lie: its answers are real checkpoints and
 * RFC 9162 proofs built with #ledger (Merkle tree, signed notes, Ed25519 keys), served through
 * `fetch` as the relay's endpoints would; the pins live in a real IndexedDB (fake-indexeddb).
 * Each lie must come back as the failure that names it, and never move the pin.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromBase64, toBase64, utf8 } from '#ledger/bytes';
import { signCheckpoint, type CheckpointSigner } from '#ledger/checkpoint';
import { leafHash, MerkleTree } from '#ledger/merkle';
import { formatVerifierKey, importRelaySigner, pkcs8FromEd25519Seed } from '#ledger/relay-key';
import { keyRotationMessage } from '#protocol/key-rotation';
import type { PublishedRelayKey } from './ledger-http';
import { LEDGER_PIN_SCHEMA, type LedgerPin, type LedgerPinTable } from './ledger-store';
import { checkInclusion, checkLatestCheckpoint, type CheckpointCheck } from './ledger-verifier';

const ORIGIN = 'http://localhost:8787';
const LOG = 'leasehold.test/ledger';
const TOKEN = 'session-token';
const NOW = '2026-03-02T09:00:00.000Z';
const auth = { token: () => TOKEN, reauthenticate: async () => undefined };

const signerFrom = (seedByte: number): Promise<CheckpointSigner> =>
  importRelaySigner(LOG, pkcs8FromEd25519Seed(new Uint8Array(32).fill(seedByte)));

/** A ledger: its entries' text and the RFC 9162 tree over their leaf hashes. */
type Log = { entries: string[]; tree: MerkleTree };

async function logOf(entries: string[]): Promise<Log> {
  const tree = new MerkleTree();
  for (const entry of entries) await tree.append(await leafHash(utf8(entry)));
  return { entries, tree };
}

const entriesNamed = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, seq) => JSON.stringify({ seq, what: `${prefix}-${seq}` }));

/**
 * What the relay serves: its published key (and rotations), the checkpoint it signs and the log
 * its proofs come from. Tests change these between checks to make it lie.
 */
class Relay {
  key!: CheckpointSigner;
  signer!: CheckpointSigner;
  log!: Log;
  logOrigin = LOG;
  rotations: PublishedRelayKey['rotations'] = [];
  publishCheckpoint = true;
  /** Replaces the consistency proof the relay serves, e.g. with a tampered one. */
  tamperProof: ((proof: string[]) => string[]) | null = null;

  async handle(path: string, init?: RequestInit): Promise<Response> {
    const url = new URL(path, ORIGIN);
    const json = (body: unknown) => Response.json(body);
    switch (url.pathname) {
      case '/.well-known/leasehold/relay-key':
        return json({
          origin: this.logOrigin,
          keyName: this.key.keyName,
          publicKey: toBase64(this.key.publicKey),
          vkey: await formatVerifierKey(this.key),
          algorithm: 'Ed25519',
          rotations: this.rotations,
        });
      case '/api/ledger/checkpoint': {
        if (!this.publishCheckpoint) return new Response('no checkpoint', { status: 404 });
        const root = await this.log.tree.root();
        const size = this.log.tree.size;
        return new Response(
          await signCheckpoint({ origin: this.logOrigin, size, root }, this.signer),
        );
      }
    }
    const authorization = new Headers(init?.headers).get('authorization');
    if (authorization !== `Bearer ${TOKEN}`) {
      return Response.json({ error: { code: 'unauthenticated', message: 'no' } }, { status: 401 });
    }
    const int = (name: string) => Number(url.searchParams.get(name));
    switch (url.pathname) {
      case '/api/ledger/proof/consistency': {
        const proof = (await this.log.tree.consistencyProof(int('from'), int('to'))).map(toBase64);
        return json({
          from: int('from'),
          to: int('to'),
          proof: this.tamperProof?.(proof) ?? proof,
        });
      }
      case '/api/ledger/proof/inclusion': {
        const [index, size] = [int('index'), int('size')];
        const proof = await this.log.tree.inclusionProof(index, size);
        return json({
          index,
          size,
          leafHash: toBase64(this.log.tree.leafHash(index)),
          proof: proof.map(toBase64),
        });
      }
    }
    return Response.json({ error: { code: 'not-found', message: path } }, { status: 404 });
  }
}

let relay: Relay;
let db: Dexie & { pins: LedgerPinTable };
let dbCount = 0;
let keyA: CheckpointSigner;
let keyB: CheckpointSigner;

beforeEach(async () => {
  [keyA, keyB] = await Promise.all([signerFrom(0xa1), signerFrom(0xb2)]);
  relay = new Relay();
  relay.key = keyA;
  relay.signer = keyA;
  relay.log = await logOf(entriesNamed('honest', 6));
  vi.stubGlobal('fetch', (input: string, init?: RequestInit) => relay.handle(input, init));
  db = new Dexie(`ledger-verifier-test-${++dbCount}`) as typeof db;
  db.version(1).stores({ pins: LEDGER_PIN_SCHEMA });
  await db.open();
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await db.delete();
});

const check = () => checkLatestCheckpoint(db.pins, ORIGIN, auth, NOW);

/** Verifies the relay's current checkpoint on first contact, pinning key A at size 6. */
async function pinnedAtSix(): Promise<LedgerPin> {
  const first = await check();
  expect(first).toMatchObject({ status: 'verified', pin: { size: 6 } });
  return (await db.pins.get(ORIGIN))!;
}

/** The check failed with `kind`, and the stored pin is exactly what it was before. */
async function expectAlarm(result: CheckpointCheck, kind: string, before: LedgerPin | undefined) {
  expect(result).toMatchObject({ status: 'failed', failure: { kind } });
  if (result.status === 'failed') expect(result.failure.message.length).toBeGreaterThan(20);
  expect(await db.pins.get(ORIGIN)).toEqual(before);
}

describe('checkLatestCheckpoint: trust on first use, then growth', () => {
  it('pins the key it sees first and stores the checkpoint it verified', async () => {
    const result = await check();
    expect(result.status).toBe('verified');
    const pin = await db.pins.get(ORIGIN);
    expect(pin).toMatchObject({
      origin: ORIGIN,
      keyName: LOG,
      publicKey: toBase64(keyA.publicKey),
      logOrigin: LOG,
      pinnedAt: NOW,
      size: 6,
      root: toBase64(await relay.log.tree.root()),
      verifiedAt: NOW,
    });
    expect(pin!.checkpoint).toMatch(/^leasehold\.test\/ledger\n6\n/);
  });

  it('accepts a longer ledger whose consistency proof holds, and moves the pin', async () => {
    await pinnedAtSix();
    relay.log = await logOf(entriesNamed('honest', 11));
    const result = await check();
    expect(result).toMatchObject({ status: 'verified', checkpoint: { size: 11 } });
    expect(await db.pins.get(ORIGIN)).toMatchObject({
      size: 11,
      root: toBase64(await relay.log.tree.root()),
    });
  });

  it('says empty, and pins the key, before the first checkpoint', async () => {
    relay.publishCheckpoint = false;
    expect(await check()).toMatchObject({ status: 'empty', pin: { size: 0 } });
    expect(await db.pins.get(ORIGIN)).toMatchObject({ publicKey: toBase64(keyA.publicKey) });
  });
});

describe('checkLatestCheckpoint: the pinned key', () => {
  it('refuses a relay that now publishes another key with no rotation from the pinned one', async () => {
    const before = await pinnedAtSix();
    relay.key = keyB;
    relay.signer = keyB;
    relay.log = await logOf(entriesNamed('honest', 7));
    await expectAlarm(await check(), 'key-changed', before);
  });

  it('refuses a checkpoint signed by another key under the pinned key’s name', async () => {
    const before = await pinnedAtSix();
    relay.signer = keyB;
    relay.log = await logOf(entriesNamed('honest', 7));
    await expectAlarm(await check(), 'bad-signature', before);
  });

  it('follows a rotation signed by the pinned key, and re-pins the new key', async () => {
    await pinnedAtSix();
    const seq = 6;
    const toPublicKey = toBase64(keyB.publicKey);
    const signature = await crypto.subtle.sign(
      { name: 'Ed25519' },
      keyA.privateKey,
      new Uint8Array(keyRotationMessage(LOG, toPublicKey, seq)),
    );
    relay.rotations = [
      {
        seq,
        fromKeyName: LOG,
        fromPublicKey: toBase64(keyA.publicKey),
        toKeyName: LOG,
        toPublicKey,
        signature: toBase64(new Uint8Array(signature)),
      },
    ];
    relay.key = keyB;
    relay.signer = keyB;
    relay.log = await logOf(entriesNamed('honest', 8));
    expect(await check()).toMatchObject({ status: 'verified', checkpoint: { size: 8 } });
    expect(await db.pins.get(ORIGIN)).toMatchObject({ publicKey: toPublicKey, size: 8 });
  });

  it('refuses a rotation that the pinned key did not sign', async () => {
    const before = await pinnedAtSix();
    const toPublicKey = toBase64(keyB.publicKey);
    // Signed by the new key itself: anyone holding a key can do that.
    const signature = await crypto.subtle.sign(
      { name: 'Ed25519' },
      keyB.privateKey,
      new Uint8Array(keyRotationMessage(LOG, toPublicKey, 6)),
    );
    relay.rotations = [
      {
        seq: 6,
        fromKeyName: LOG,
        fromPublicKey: toBase64(keyA.publicKey),
        toKeyName: LOG,
        toPublicKey,
        signature: toBase64(new Uint8Array(signature)),
      },
    ];
    relay.key = keyB;
    relay.signer = keyB;
    await expectAlarm(await check(), 'key-changed', before);
  });

  it('refuses a checkpoint for another log than the one the key was published for', async () => {
    const before = await pinnedAtSix();
    relay.logOrigin = 'elsewhere.test/ledger';
    await expectAlarm(await check(), 'wrong-log', before);
  });
});

describe('checkLatestCheckpoint: rollback and fork', () => {
  it('alarms when the relay signs a smaller tree than the one verified', async () => {
    const before = await pinnedAtSix();
    relay.log = await logOf(entriesNamed('honest', 4));
    await expectAlarm(await check(), 'rollback', before);
  });

  it('alarms when the relay stops publishing any checkpoint after one was verified', async () => {
    const before = await pinnedAtSix();
    relay.publishCheckpoint = false;
    await expectAlarm(await check(), 'rollback', before);
  });

  it('alarms at the same size with another root: two histories under one key', async () => {
    const before = await pinnedAtSix();
    const forked = entriesNamed('honest', 6);
    forked[3] = JSON.stringify({ seq: 3, what: 'rewritten' });
    relay.log = await logOf(forked);
    await expectAlarm(await check(), 'fork', before);
  });

  it('alarms when a longer ledger does not contain the verified one', async () => {
    const before = await pinnedAtSix();
    const forked = entriesNamed('honest', 9);
    forked[2] = JSON.stringify({ seq: 2, what: 'rewritten' });
    relay.log = await logOf(forked);
    await expectAlarm(await check(), 'inconsistent', before);
  });

  it('alarms when the consistency proof itself is tampered with', async () => {
    const before = await pinnedAtSix();
    relay.log = await logOf(entriesNamed('honest', 9));
    relay.tamperProof = (proof) => {
      const flipped = fromBase64(proof[0]!);
      flipped[0] = flipped[0]! ^ 0x01;
      return [toBase64(flipped), ...proof.slice(1)];
    };
    await expectAlarm(await check(), 'inconsistent', before);
  });

  it('says unavailable, and keeps the pin, while the relay cannot be reached', async () => {
    const before = await pinnedAtSix();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')));
    expect(await check()).toMatchObject({ status: 'unavailable' });
    expect(await db.pins.get(ORIGIN)).toEqual(before);
  });
});

describe('checkInclusion', () => {
  it('proves an entry this device holds is in the verified checkpoint', async () => {
    const pin = await pinnedAtSix();
    expect(await checkInclusion(4, relay.log.entries[4]!, pin, auth)).toEqual({
      status: 'recorded',
      size: 6,
    });
  });

  it('alarms when the entry this device holds is not the one the relay signed', async () => {
    const pin = await pinnedAtSix();
    const altered = JSON.stringify({ seq: 4, what: 'what I was shown' });
    expect(await checkInclusion(4, altered, pin, auth)).toMatchObject({
      status: 'failed',
      failure: { kind: 'not-included' },
    });
  });

  it('waits for a checkpoint that covers the entry', async () => {
    const pin = await pinnedAtSix();
    expect(await checkInclusion(6, 'later', pin, auth)).toMatchObject({ status: 'unavailable' });
  });
});
