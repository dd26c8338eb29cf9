import { afterEach, describe, expect, it, vi } from 'vitest';
import { concatBytes, fromHex, sha256, toHex, utf8 } from './bytes';
import {
  MerkleAccumulator,
  MerkleError,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  splitPoint,
} from './merkle';

// The reference tree of RFC 6962 implementations (transparency-dev/merkle testonly,
// certificate-transparency-go): eight leaf inputs and MTH of the first n of them.
const RFC6962_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(fromHex);
const RFC6962_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** RFC 9162 §2.1.1 written out literally, sharing no code with merkle.ts but sha256. */
async function referenceRoot(leafHashes: Uint8Array[]): Promise<Uint8Array> {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  if (leafHashes.length === 1) return leafHashes[0]!;
  let k = 1;
  while (k * 2 < leafHashes.length) k *= 2;
  const left = await referenceRoot(leafHashes.slice(0, k));
  const right = await referenceRoot(leafHashes.slice(k));
  return sha256(concatBytes(Uint8Array.of(1), left, right));
}

/** Deterministic xorshift32, so a failing random case can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

async function leavesFor(n: number, seed = 1): Promise<Uint8Array[]> {
  const next = prng(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const entry = Uint8Array.from({ length: 1 + Math.floor(next() * 40) }, () => next() * 256);
    out.push(await leafHash(entry));
  }
  return out;
}

const rfcLeafHashes = () => Promise.all(RFC6962_LEAVES.map((leaf) => leafHash(leaf)));

describe('leafHash and nodeHash (RFC 6962 known answers)', () => {
  it('hashes the empty leaf as SHA-256(0x00)', async () => {
    expect(toHex(await leafHash(new Uint8Array(0)))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('hashes the leaf "L123456"', async () => {
    expect(toHex(await leafHash(utf8('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
  });

  it('separates leaves from nodes and from plain SHA-256', async () => {
    const a = await leafHash(utf8('a'));
    const b = await leafHash(utf8('b'));
    const node = await nodeHash(a, b);
    expect(toHex(node)).toBe(toHex(await sha256(concatBytes(Uint8Array.of(1), a, b))));
    expect(toHex(node)).not.toBe(toHex(await leafHash(concatBytes(a, b))));
    expect(toHex(a)).not.toBe(toHex(await sha256(utf8('a'))));
    expect(toHex(await nodeHash(b, a))).not.toBe(toHex(node));
  });

  it('refuses children that are not 32-byte hashes', async () => {
    const good = new Uint8Array(32);
    expect(() => nodeHash(new Uint8Array(31), good)).toThrow(MerkleError);
    expect(() => nodeHash(good, new Uint8Array(33))).toThrow(MerkleError);
  });
});

describe('splitPoint', () => {
  it('is the largest power of two strictly below n', () => {
    expect([2, 3, 4, 5, 8, 9, 1024, 1025].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 512, 1024]);
    expect(splitPoint(2 ** 40 + 1)).toBe(2 ** 40);
  });

  it('rejects sizes that have no split', () => {
    for (const n of [0, 1, -4, 2.5, Number.NaN]) expect(() => splitPoint(n)).toThrow(MerkleError);
  });
});

describe('rootFromLeafHashes', () => {
  it('matches the RFC 6962 reference roots for every size 0..8', async () => {
    const hashes = await rfcLeafHashes();
    for (let n = 0; n <= 8; n++) {
      expect(toHex(await rootFromLeafHashes(hashes.slice(0, n))), `size ${n}`).toBe(
        RFC6962_ROOTS[n],
      );
    }
  });

  it('changes when any leaf changes, or two leaves swap', async () => {
    const hashes = await rfcLeafHashes();
    const root = toHex(await rootFromLeafHashes(hashes));
    for (let i = 0; i < hashes.length; i++) {
      const mutated = hashes.slice();
      const flipped = new Uint8Array(hashes[i]!);
      flipped[31]! ^= 1;
      mutated[i] = flipped;
      expect(toHex(await rootFromLeafHashes(mutated)), `leaf ${i}`).not.toBe(root);
    }
    const swapped = hashes.slice();
    [swapped[6], swapped[7]] = [swapped[7]!, swapped[6]!];
    expect(toHex(await rootFromLeafHashes(swapped))).not.toBe(root);
  });

  it('rejects leaf hashes of the wrong length', async () => {
    await expect(rootFromLeafHashes([new Uint8Array(32), new Uint8Array(20)])).rejects.toThrow(
      /leaf hash 1 must be 32 bytes/,
    );
  });
});

describe('MerkleAccumulator', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reproduces the RFC 6962 reference roots after each append', async () => {
    const acc = new MerkleAccumulator();
    expect(toHex(await acc.root())).toBe(RFC6962_ROOTS[0]);
    for (const [i, hash] of (await rfcLeafHashes()).entries()) {
      await acc.append(hash);
      expect(acc.size).toBe(i + 1);
      expect(toHex(await acc.root()), `size ${i + 1}`).toBe(RFC6962_ROOTS[i + 1]);
    }
  });

  it('equals the recursive definition for every size 0..300', async () => {
    const hashes = await leavesFor(300);
    const acc = new MerkleAccumulator();
    for (let n = 0; n <= 300; n++) {
      if (n > 0) await acc.append(hashes[n - 1]!);
      expect(toHex(await acc.root()), `size ${n}`).toBe(
        toHex(await referenceRoot(hashes.slice(0, n))),
      );
    }
  });

  it('equals rootFromLeafHashes for random sizes', async () => {
    const next = prng(0x5eed);
    for (let round = 0; round < 6; round++) {
      const n = 301 + Math.floor(next() * 1200);
      const hashes = await leavesFor(n, round + 7);
      const acc = await MerkleAccumulator.fromLeafHashes(hashes);
      expect(acc.size).toBe(n);
      expect(toHex(await acc.root()), `size ${n}`).toBe(toHex(await rootFromLeafHashes(hashes)));
    }
  });

  it('hashes at most log2(n) nodes per append and per root', async () => {
    const hashes = await leavesFor(1024);
    const acc = await MerkleAccumulator.fromLeafHashes(hashes.slice(0, 1023));
    const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
    // 1023 = 0b1111111111: ten peaks, so the root folds nine times...
    await acc.root();
    expect(digest).toHaveBeenCalledTimes(9);
    // ...and appending the 1024th leaf carries through all ten of them into one peak.
    digest.mockClear();
    await acc.append(hashes[1023]!);
    expect(digest).toHaveBeenCalledTimes(10);
    digest.mockClear();
    expect(toHex(await acc.root())).toBe(toHex(await referenceRoot(hashes)));
    expect(digest.mock.calls.length).toBeGreaterThan(0);
    digest.mockClear();
    await acc.root();
    // A single perfect tree: its only peak is the root.
    expect(digest).toHaveBeenCalledTimes(0);
  });

  it('serialises concurrent appends', async () => {
    const hashes = await leavesFor(64);
    const acc = new MerkleAccumulator();
    await Promise.all(hashes.map((hash) => acc.append(hash)));
    expect(acc.size).toBe(64);
    expect(toHex(await acc.root())).toBe(toHex(await referenceRoot(hashes)));
  });

  it('keeps its own copy of an appended hash', async () => {
    const hashes = await leavesFor(3);
    const acc = new MerkleAccumulator();
    const reused = new Uint8Array(hashes[0]!);
    const pending = acc.append(reused);
    reused.fill(0);
    await pending;
    await acc.append(hashes[1]!);
    await acc.append(hashes[2]!);
    expect(toHex(await acc.root())).toBe(toHex(await referenceRoot(hashes)));
  });

  it('refuses a leaf hash of the wrong length without changing state', async () => {
    const acc = await MerkleAccumulator.fromLeafHashes(await leavesFor(5));
    const before = toHex(await acc.root());
    expect(() => acc.append(new Uint8Array(31))).toThrow(MerkleError);
    expect(acc.size).toBe(5);
    expect(toHex(await acc.root())).toBe(before);
  });

  it('round-trips through toJSON/fromJSON and keeps growing identically', async () => {
    const hashes = await leavesFor(140, 3);
    for (const cut of [0, 1, 2, 3, 7, 8, 64, 99, 127, 128]) {
      const original = await MerkleAccumulator.fromLeafHashes(hashes.slice(0, cut));
      const state = JSON.parse(JSON.stringify(original)) as unknown;
      const restored = MerkleAccumulator.fromJSON(state);
      expect(restored.size).toBe(cut);
      expect(restored.toJSON()).toEqual(original.toJSON());
      expect(toHex(await restored.root())).toBe(toHex(await original.root()));
      for (const hash of hashes.slice(cut)) {
        await original.append(hash);
        await restored.append(hash);
      }
      expect(toHex(await restored.root()), `cut at ${cut}`).toBe(
        toHex(await referenceRoot(hashes)),
      );
    }
  });

  it('stores one peak per set bit of the size', async () => {
    const acc = await MerkleAccumulator.fromLeafHashes(await leavesFor(13));
    const state = acc.toJSON();
    expect(state.size).toBe(13);
    expect(state.peaks).toHaveLength(3); // 13 = 8 + 4 + 1
    expect(new MerkleAccumulator().toJSON()).toEqual({ size: 0, peaks: [] });
  });

  it('rejects corrupt snapshots', async () => {
    const good = (await MerkleAccumulator.fromLeafHashes(await leavesFor(6))).toJSON();
    const [p0, p1] = good.peaks as [string, string];
    const bad: [unknown, RegExp][] = [
      [null, /not an object/],
      ['{"size":6}', /not an object/],
      [{ ...good, size: -1 }, /non-negative safe integer/],
      [{ ...good, size: 6.5 }, /non-negative safe integer/],
      [{ ...good, size: '6' }, /non-negative safe integer/],
      [{ ...good, size: 2 ** 53 }, /non-negative safe integer/],
      [{ size: 6 }, /array of base64/],
      [{ size: 6, peaks: [p0, 7] }, /array of base64/],
      [{ size: 7, peaks: [p0, p1] }, /needs 3 peaks, got 2/],
      [{ size: 6, peaks: [p0] }, /needs 2 peaks, got 1/],
      [{ size: 6, peaks: [p0, p1.slice(4)] }, /peak 1 must be 32 bytes/],
      [{ size: 6, peaks: [p0, `${p1.slice(0, -2)}!=`] }, /peak 1 is not base64/],
      [{ size: 6, peaks: [p0.replace(/=$/, ''), p1] }, /peak 0 is not base64/],
    ];
    for (const [state, message] of bad) {
      expect(() => MerkleAccumulator.fromJSON(state), JSON.stringify(state)).toThrow(message);
    }
    expect(() => MerkleAccumulator.fromJSON(good)).not.toThrow();
  });
});
