import { describe, expect, it } from 'vitest';
import { utf8 } from '#ledger/bytes';
import { canonicalize } from '#ledger/canonical-json';
import { signCheckpoint, type CheckpointSigner } from '#ledger/checkpoint';
import { MerkleTree, leafHash } from '#ledger/merkle';
import { generateRelayKey, importRelaySigner } from '#ledger/relay-key';
import { encodeEntriesJsonl, relayKeyFile, type RelayKeyFile } from './ledger-export';
import { LEDGER_ENTRY_VERSION, type LedgerEntry } from './ledger-entry';
import { ROTATE_RELAY_KEY, signKeyRotation } from './key-rotation';
import {
  verifyLedger,
  VERIFIED_STATE_VERSION,
  type LedgerVerification,
  type VerifiedState,
} from './verify-ledger';

const ORIGIN = 'test.leasehold.local/unit';

const newSigner = async (): Promise<CheckpointSigner> =>
  importRelaySigner(ORIGIN, (await generateRelayKey()).privateKeyPkcs8);

function entry(seq: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    v: LEDGER_ENTRY_VERSION,
    seq,
    ts: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
    kind: 'system',
    outcome: 'accepted',
    actor: null,
    commandType: 'ExpireActivation',
    cmdId: null,
    signed: null,
    command: { type: 'ExpireActivation', activationId: `act_${seq}` },
    ceremony: null,
    events: [],
    rejection: null,
    ...over,
  };
}

/** A ledger of canonical lines with a checkpoint at each given size, signed by signerAt(size). */
async function ledger(
  lines: string[],
  sizes: number[],
  signerAt: (size: number) => CheckpointSigner,
): Promise<string[]> {
  const tree = await MerkleTree.fromLeafHashes(
    await Promise.all(lines.map((l) => leafHash(utf8(l)))),
  );
  return Promise.all(
    sizes.map(async (size) =>
      signCheckpoint({ origin: ORIGIN, size, root: await tree.root(size) }, signerAt(size)),
    ),
  );
}

const lineAt = (seq: number, over: Partial<LedgerEntry> = {}) => canonicalize(entry(seq, over));

async function fixture(n = 12) {
  const signer = await newSigner();
  const relayKey = await relayKeyFile(ORIGIN, signer);
  const lines = Array.from({ length: n }, (_, i) => lineAt(i));
  const checkpoints = await ledger(lines, [3, 7, n], () => signer);
  return { signer, relayKey, lines, checkpoints };
}

const failure = (r: LedgerVerification) => (r.ok ? null : { index: r.index, reason: r.reason });

describe('verifyLedger', () => {
  it('accepts a consistent ledger and reports what it checked', async () => {
    const { relayKey, lines, checkpoints } = await fixture();
    const result = await verifyLedger({ entries: lines, checkpoints, relayKey });
    expect(result).toMatchObject({ ok: true, size: 12, checkpointsChecked: 3, keyRotations: 0 });
    expect(result.ok && result.state).toMatchObject({
      v: VERIFIED_STATE_VERSION,
      origin: ORIGIN,
      size: 12,
    });
  });

  it('refuses an entry whose v is not LEDGER_ENTRY_VERSION, naming the version it expects', async () => {
    const { relayKey, lines, checkpoints } = await fixture();
    for (const v of [LEDGER_ENTRY_VERSION + 1, LEDGER_ENTRY_VERSION - 1]) {
      const other = { v } as unknown as Partial<LedgerEntry>;
      const tampered = lines.map((l, i) => (i === 4 ? lineAt(4, other) : l));
      expect(
        failure(await verifyLedger({ entries: tampered, checkpoints, relayKey })),
      ).toMatchObject({
        index: 4,
        reason: `entry 4 has format version ${v}, not ${LEDGER_ENTRY_VERSION}`,
      });
    }
  });

  it('reads entries.jsonl whole, in odd-sized chunks, or as byte lines, alike', async () => {
    const { relayKey, lines, checkpoints } = await fixture();
    const jsonl = encodeEntriesJsonl(lines);
    async function* chunks(size: number) {
      for (let i = 0; i < jsonl.length; i += size) yield jsonl.subarray(i, i + size);
    }
    const whole = await verifyLedger({ entriesJsonl: jsonl, checkpoints, relayKey });
    for (const source of [
      { entriesJsonl: chunks(7) },
      { entriesJsonl: chunks(1000) },
      { entries: lines.map(utf8) },
    ]) {
      const result = await verifyLedger({ ...source, checkpoints, relayKey });
      expect(result.ok && result.state).toEqual(whole.ok && whole.state);
    }
  });

  it('accepts checkpoints in any order, duplicates, and the empty ledger', async () => {
    const { relayKey, lines, checkpoints } = await fixture();
    const shuffled = [checkpoints[2]!, checkpoints[0]!, checkpoints[1]!, checkpoints[0]!];
    expect((await verifyLedger({ entries: lines, checkpoints: shuffled, relayKey })).ok).toBe(true);
    expect(await verifyLedger({ entries: [], checkpoints: [], relayKey })).toMatchObject({
      ok: true,
      size: 0,
    });
  });

  it('names the first bad entry for each kind of damage', async () => {
    const { signer, relayKey, lines, checkpoints } = await fixture();
    const cases: [string, string[], string[], number | null, RegExp][] = [
      ['not JSON', lines.map((l, i) => (i === 5 ? l.slice(1) : l)), checkpoints, 5, /not JSON/],
      ['an array', lines.map((l, i) => (i === 5 ? '[]' : l)), checkpoints, 5, /not a JSON object/],
      [
        'time going backwards',
        lines.map((l, i) => (i === 8 ? lineAt(8, { ts: '2025-01-01T00:00:00.000Z' }) : l)),
        checkpoints,
        8,
        /before the previous entry's/,
      ],
      [
        'a bad ts',
        lines.map((l, i) => (i === 8 ? lineAt(8, { ts: 'yesterday' }) : l)),
        checkpoints,
        8,
        /not an RFC 3339/,
      ],
      [
        'an unknown kind',
        lines.map((l, i) => (i === 2 ? lineAt(2, { kind: 'magic' as 'system' }) : l)),
        checkpoints,
        2,
        /kind "magic"/,
      ],
      [
        'a checkpoint for too many entries',
        lines.slice(0, 9),
        checkpoints,
        9,
        /entry 9 is missing/,
      ],
      ['no checkpoint at all', lines, [], 0, /entry 0 is not covered/],
      [
        'a changed entry',
        lines.map((l, i) => (i === 5 ? lineAt(5, { actor: 'u_x' }) : l)),
        checkpoints,
        3,
        /an entry in 3\.\.6 was changed/,
      ],
    ];
    for (const [what, entries, cps, index, reason] of cases) {
      const result = failure(await verifyLedger({ entries, checkpoints: cps, relayKey }));
      expect(result, what).not.toBeNull();
      expect(result!.index, `${what}: ${result!.reason}`).toBe(index);
      expect(result!.reason, what).toMatch(reason);
    }
    const bytes = lines.map(utf8);
    bytes[4] = Uint8Array.of(...bytes[4]!.subarray(0, 20), 0xff, ...bytes[4]!.subarray(21));
    expect(failure(await verifyLedger({ entries: bytes, checkpoints, relayKey }))).toMatchObject({
      index: 4,
      reason: /entry 4 is not valid UTF-8/,
    });
    // The first failure wins even when a later one is also there.
    const two = lines.map((l, i) => (i === 2 ? lineAt(2, { v: 3 as 1 }) : i === 9 ? 'x' : l));
    expect(failure(await verifyLedger({ entries: two, checkpoints, relayKey }))?.index).toBe(2);
    const other = await ledger(lines, [12], () => signer);
    const otherOrigin = other[0]!.replace(ORIGIN, 'elsewhere');
    expect(
      failure(await verifyLedger({ entries: lines, checkpoints: [otherOrigin], relayKey })),
    ).toMatchObject({
      index: null,
      reason: /origin elsewhere/,
    });
    expect(failure(await verifyLedger({ entries: lines, checkpoints }))).toMatchObject({
      reason: /no relay key/,
    });
    const badKey: RelayKeyFile = { ...relayKey, keyName: 'other' };
    expect(
      failure(await verifyLedger({ entries: lines, checkpoints, relayKey: badKey })),
    ).toMatchObject({
      reason: /vkey does not match/,
    });
  });

  it('resumes from a verified state with only the new entries and checkpoints', async () => {
    const { signer, relayKey, lines } = await fixture(30);
    const all = [...lines];
    const full = await ledger(all, [3, 7, 30], () => signer);
    const first = await verifyLedger({
      entries: all.slice(0, 7),
      checkpoints: full.slice(0, 2),
      relayKey,
    });
    expect(first.ok).toBe(true);
    const state = JSON.parse(
      JSON.stringify((first as { state: VerifiedState }).state),
    ) as VerifiedState;
    const resumed = await verifyLedger({
      entries: all.slice(7),
      checkpoints: full.slice(2),
      resumeFrom: state,
    });
    const whole = await verifyLedger({ entries: all, checkpoints: full, relayKey });
    expect(resumed.ok && resumed.state).toEqual(whole.ok && whole.state);
    expect(resumed).toMatchObject({ checkpointsChecked: 1 });
    // Old checkpoints in the new part are skipped, not trusted blindly.
    expect(
      await verifyLedger({ entries: all.slice(7), checkpoints: full, resumeFrom: state }),
    ).toMatchObject({
      ok: true,
      checkpointsSkipped: 1,
      checkpointsChecked: 2,
    });
    // New entries that do not extend the verified prefix: the new checkpoint cannot match.
    const rewritten = [...all.slice(0, 5), lineAt(5, { actor: 'u_rewritten' }), ...all.slice(6)];
    const forked = await ledger(rewritten, [30], () => signer);
    expect(
      failure(
        await verifyLedger({ entries: rewritten.slice(7), checkpoints: forked, resumeFrom: state }),
      ),
    ).toMatchObject({
      index: 7,
      reason: /was changed, or the log forked/,
    });
    // A checkpoint of the verified size with another root is a fork.
    const fork = await ledger(rewritten, [7], () => signer);
    expect(
      failure(await verifyLedger({ entries: [], checkpoints: fork, resumeFrom: state })),
    ).toMatchObject({
      index: null,
      reason: /the log forked/,
    });
    expect(
      failure(
        await verifyLedger({
          entries: all.slice(8),
          checkpoints: full.slice(2),
          resumeFrom: state,
        }),
      ),
    ).toMatchObject({
      index: 7,
      reason: /has seq 8, expected 7/,
    });
    expect(
      failure(
        await verifyLedger({ entries: [], checkpoints: [], resumeFrom: { ...state, size: 9 } }),
      ),
    ).toMatchObject({
      reason: /corrupt/,
    });
    const otherVersion = { ...state, v: VERIFIED_STATE_VERSION + 1 } as unknown as VerifiedState;
    expect(
      failure(await verifyLedger({ entries: [], checkpoints: [], resumeFrom: otherVersion })),
    ).toMatchObject({
      reason: `the verified state is not a version ${VERIFIED_STATE_VERSION} state`,
    });
  });

  it('follows a key rotation signed by the key it replaces', async () => {
    const [oldKey, newKey, intruder] = await Promise.all([newSigner(), newSigner(), newSigner()]);
    const relayKey = await relayKeyFile(ORIGIN, oldKey);
    const rotation = (by: CheckpointSigner, to: CheckpointSigner, seq = 4) =>
      signKeyRotation(by, ORIGIN, to, seq);
    const build = async (
      keyRotation: LedgerEntry['keyRotation'],
      over: Partial<LedgerEntry> = {},
    ) =>
      Array.from({ length: 8 }, (_, i) =>
        i === 4
          ? lineAt(4, {
              commandType: ROTATE_RELAY_KEY,
              command: null,
              ...(keyRotation ? { keyRotation } : {}),
              ...over,
            })
          : lineAt(i),
      );
    const good = await build(await rotation(oldKey, newKey));
    const signedRight = await ledger(good, [2, 5, 8], (s) => (s > 4 ? newKey : oldKey));
    expect(await verifyLedger({ entries: good, checkpoints: signedRight, relayKey })).toMatchObject(
      {
        ok: true,
        keyRotations: 1,
      },
    );
    const cases: [string, string[], string[], number | null, RegExp][] = [
      [
        'old key after the rotation',
        good,
        await ledger(good, [2, 5, 8], () => oldKey),
        null,
        /size 5\) is not signed by the key in force/,
      ],
      [
        'new key before the rotation',
        good,
        await ledger(good, [2, 5, 8], () => newKey),
        null,
        /size 2\) is not signed/,
      ],
      [
        'a rotation signed by another key',
        await build(await rotation(intruder, intruder)),
        await ledger(await build(await rotation(intruder, intruder)), [2, 5, 8], (s) =>
          s > 4 ? intruder : oldKey,
        ),
        4,
        /key rotation is not signed by the key in force/,
      ],
      [
        'a rotation signed for another seq',
        await build(await rotation(oldKey, newKey, 5)),
        await ledger(await build(await rotation(oldKey, newKey, 5)), [2, 5, 8], (s) =>
          s > 4 ? newKey : oldKey,
        ),
        4,
        /not signed by the key in force/,
      ],
      [
        'a rotation without its field',
        await build(undefined),
        signedRight,
        4,
        /without a valid keyRotation/,
      ],
      [
        'a rotation on a command entry',
        await build(await rotation(oldKey, newKey), { kind: 'command' }),
        signedRight,
        4,
        /is not an accepted RotateRelayKey system entry/,
      ],
    ];
    for (const [what, entries, checkpoints, index, reason] of cases) {
      const result = failure(await verifyLedger({ entries, checkpoints, relayKey }));
      expect(result, what).not.toBeNull();
      expect(result!.reason, what).toMatch(reason);
      expect(result!.index, what).toBe(index);
    }
  });
});
