import { afterEach, describe, expect, it, vi } from 'vitest';
import { concatBytes, fromHex, sha256, toHex, utf8 } from './bytes';
import {
  MerkleAccumulator,
  MerkleError,
  MerkleTree,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
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

  it('appends many leaves at once exactly as one by one, from any starting size', async () => {
    const hashes = await leavesFor(200, 41);
    for (const [start, count] of [
      [0, 0],
      [0, 1],
      [0, 200],
      [1, 1],
      [1, 2],
      [3, 5],
      [7, 1],
      [7, 9],
      [64, 64],
      [63, 70],
      [100, 100],
      [127, 2],
    ] as const) {
      const acc = await MerkleAccumulator.fromLeafHashes(hashes.slice(0, start));
      await acc.appendMany(hashes.slice(start, start + count));
      const one = await MerkleAccumulator.fromLeafHashes(hashes.slice(0, start + count));
      expect(acc.toJSON(), `${start} + ${count}`).toEqual(one.toJSON());
      expect(toHex(await acc.root())).toBe(
        toHex(await referenceRoot(hashes.slice(0, start + count))),
      );
    }
    expect(() => new MerkleAccumulator().appendMany([new Uint8Array(3)])).toThrow(MerkleError);
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

// RFC 6962 reference proofs over the eight leaves above, as the reference implementations
// (certificate-transparency, transparency-dev/merkle proof/verify_test.go) expect them.
const RFC6962_INCLUSION: { index: number; size: number; path: string[] }[] = [
  { index: 0, size: 1, path: [] },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    index: 2,
    size: 3,
    path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
  },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const RFC6962_CONSISTENCY: { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const hexAll = (hashes: Uint8Array[]) => hashes.map(toHex);

/** Copies of a proof with one bit flipped in each byte position of each element. */
function* bitFlips(proof: Uint8Array[]): Generator<[string, Uint8Array[]]> {
  for (let i = 0; i < proof.length; i++) {
    for (const byte of [0, 13, 31]) {
      const copy = proof.map((p) => new Uint8Array(p));
      copy[i]![byte]! ^= 1 << (byte % 8);
      yield [`element ${i} byte ${byte}`, copy];
    }
  }
}

describe('inclusion proofs (RFC 9162 §2.1.3)', () => {
  it('reproduces the RFC 6962 reference paths and verifies them', async () => {
    const hashes = await rfcLeafHashes();
    for (const { index, size, path } of RFC6962_INCLUSION) {
      const tree = hashes.slice(0, size);
      const label = `leaf ${index} of ${size}`;
      expect(hexAll(await inclusionProof(index, tree)), label).toEqual(path);
      const big = await MerkleTree.fromLeafHashes(hashes);
      expect(hexAll(await big.inclusionProof(index, size)), label).toEqual(path);
      const root = fromHex(RFC6962_ROOTS[size]!);
      expect(await verifyInclusion(index, size, hashes[index]!, path.map(fromHex), root)).toBe(
        true,
      );
    }
  });

  it('verifies every proof of every leaf for every size up to 70', async () => {
    const hashes = await leavesFor(70, 11);
    const tree = await MerkleTree.fromLeafHashes(hashes);
    for (let n = 1; n <= 70; n++) {
      const root = await tree.root(n);
      for (let i = 0; i < n; i++) {
        const proof = await tree.inclusionProof(i, n);
        expect(await verifyInclusion(i, n, hashes[i]!, proof, root), `${i} of ${n}`).toBe(true);
      }
    }
  });

  it('matches the naive PATH for every leaf and size up to 40', async () => {
    const hashes = await leavesFor(40, 12);
    const tree = await MerkleTree.fromLeafHashes(hashes);
    for (let n = 1; n <= 40; n++) {
      for (let i = 0; i < n; i++) {
        expect(hexAll(await tree.inclusionProof(i, n)), `${i} of ${n}`).toEqual(
          hexAll(await inclusionProof(i, hashes.slice(0, n))),
        );
      }
    }
  });

  it('refuses every mutation of a good proof', async () => {
    const hashes = await leavesFor(45, 13);
    const tree = await MerkleTree.fromLeafHashes(hashes);
    for (const [index, size] of [
      [0, 45],
      [17, 45],
      [44, 45],
      [31, 32],
      [6, 7],
      [1, 2],
    ] as const) {
      const root = await tree.root(size);
      const leaf = hashes[index]!;
      const proof = await tree.inclusionProof(index, size);
      const ok = (i: number, n: number, l: Uint8Array, p: Uint8Array[], r: Uint8Array) =>
        verifyInclusion(i, n, l, p, r);
      const label = `${index} of ${size}`;
      expect(await ok(index, size, leaf, proof, root), label).toBe(true);
      for (const [what, mutated] of bitFlips(proof)) {
        expect(await ok(index, size, leaf, mutated, root), `${label}: ${what}`).toBe(false);
      }
      const other = hashes[(index + 1) % hashes.length]!;
      expect(await ok(index, size, leaf, [...proof, other], root), `${label}: extra`).toBe(false);
      expect(await ok(index, size, leaf, [other, ...proof], root), `${label}: prefix`).toBe(false);
      expect(await ok(index, size, leaf, proof.slice(0, -1), root), `${label}: short`).toBe(false);
      expect(await ok(index, size, leaf, proof.slice(1), root), `${label}: no first`).toBe(false);
      expect(await ok(index, size, other, proof, root), `${label}: wrong leaf`).toBe(false);
      expect(await ok(index, size, leaf, proof, await tree.root(size - 1 || 2)), label).toBe(false);
      expect(await ok(index, size, leaf, proof, leaf), `${label}: root = leaf`).toBe(false);
      expect(await ok(index ^ 1, size, leaf, proof, root), `${label}: index ^ 1`).toBe(false);
      expect(await ok(index + 1, size, leaf, proof, root), `${label}: index + 1`).toBe(false);
      // (size + 1 can share this leaf's path shape, and then the same proof rightly holds.)
      expect(await ok(index, size * 2, leaf, proof, root), `${label}: size * 2`).toBe(false);
      expect(await ok(size, size, leaf, proof, root), `${label}: index = size`).toBe(false);
      expect(await ok(-1, size, leaf, proof, root), `${label}: index -1`).toBe(false);
      if (proof.length > 1) {
        const swapped = [proof[1]!, proof[0]!, ...proof.slice(2)];
        expect(await ok(index, size, leaf, swapped, root), `${label}: swapped`).toBe(false);
      }
    }
  });

  it('answers false, never throws, on malformed input', async () => {
    const hashes = await leavesFor(4);
    const root = await rootFromLeafHashes(hashes);
    const proof = await inclusionProof(1, hashes);
    const cases: [number, number, unknown, unknown, unknown][] = [
      [1, 0, hashes[1], proof, root],
      [1, 4, hashes[1], proof, new Uint8Array(0)],
      [1, 4, new Uint8Array(31), proof, root],
      [1, 4, hashes[1], [...proof.slice(0, 1), new Uint8Array(33)], root],
      [1, 4, hashes[1], null, root],
      [1, 4, hashes[1], [null], root],
      [1.5, 4, hashes[1], proof, root],
      [Number.NaN, 4, hashes[1], proof, root],
      [1, 2 ** 53, hashes[1], proof, root],
      [0, 1, hashes[0], [], new Uint8Array(32)],
    ];
    for (const [i, n, leaf, p, r] of cases) {
      await expect(
        verifyInclusion(i, n, leaf as Uint8Array, p as Uint8Array[], r as Uint8Array),
      ).resolves.toBe(false);
    }
    // The one-leaf tree: the leaf hash is the root and the proof is empty.
    expect(await verifyInclusion(0, 1, hashes[0]!, [], hashes[0]!)).toBe(true);
  });

  it('refuses to build proofs for leaves outside the tree', async () => {
    const hashes = await leavesFor(5);
    await expect(inclusionProof(5, hashes)).rejects.toThrow(MerkleError);
    await expect(inclusionProof(-1, hashes)).rejects.toThrow(MerkleError);
    await expect(inclusionProof(0, [])).rejects.toThrow(MerkleError);
    const tree = await MerkleTree.fromLeafHashes(hashes);
    await expect(tree.inclusionProof(3, 3)).rejects.toThrow(MerkleError);
    await expect(tree.inclusionProof(0, 6)).rejects.toThrow(MerkleError);
  });
});

describe('consistency proofs (RFC 9162 §2.1.4)', () => {
  it('reproduces the RFC 6962 reference proofs and verifies them', async () => {
    const hashes = await rfcLeafHashes();
    const tree = await MerkleTree.fromLeafHashes(hashes);
    for (const { size1, size2, proof } of RFC6962_CONSISTENCY) {
      const label = `${size1} → ${size2}`;
      expect(hexAll(await consistencyProof(size1, hashes.slice(0, size2))), label).toEqual(proof);
      expect(hexAll(await tree.consistencyProof(size1, size2)), label).toEqual(proof);
      const [root1, root2] = [fromHex(RFC6962_ROOTS[size1]!), fromHex(RFC6962_ROOTS[size2]!)];
      expect(await verifyConsistency(size1, size2, proof.map(fromHex), root1, root2), label).toBe(
        true,
      );
    }
  });

  it('agrees with the naive PROOF and verifies for every 1 ≤ m ≤ n ≤ 64', async () => {
    const hashes = await leavesFor(64, 21);
    const tree = await MerkleTree.fromLeafHashes(hashes);
    const roots = await Promise.all(
      Array.from({ length: 65 }, (_, n) => rootFromLeafHashes(hashes.slice(0, n))),
    );
    for (let n = 1; n <= 64; n++) {
      expect(toHex(await tree.root(n)), `root ${n}`).toBe(toHex(roots[n]!));
      for (let m = 1; m <= n; m++) {
        const proof = await tree.consistencyProof(m, n);
        expect(hexAll(proof), `${m} → ${n}`).toEqual(
          hexAll(await consistencyProof(m, hashes.slice(0, n))),
        );
        expect(await verifyConsistency(m, n, proof, roots[m]!, roots[n]!), `${m} → ${n}`).toBe(
          true,
        );
      }
    }
  });

  it('verifies every proof between sizes up to 70', async () => {
    const hashes = await leavesFor(70, 22);
    const tree = await MerkleTree.fromLeafHashes(hashes);
    for (let n = 65; n <= 70; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await tree.consistencyProof(m, n);
        const ok = await verifyConsistency(m, n, proof, await tree.root(m), await tree.root(n));
        expect(ok, `${m} → ${n}`).toBe(true);
      }
    }
  });

  it('refuses every mutation of a good proof', async () => {
    const hashes = await leavesFor(45, 23);
    const tree = await MerkleTree.fromLeafHashes(hashes);
    for (const [size1, size2] of [
      [1, 45],
      [7, 45],
      [16, 45],
      [32, 33],
      [44, 45],
      [3, 4],
      [6, 8],
    ] as const) {
      const [root1, root2] = [await tree.root(size1), await tree.root(size2)];
      const proof = await tree.consistencyProof(size1, size2);
      const ok = (m: number, n: number, p: Uint8Array[], r1: Uint8Array, r2: Uint8Array) =>
        verifyConsistency(m, n, p, r1, r2);
      const label = `${size1} → ${size2}`;
      expect(await ok(size1, size2, proof, root1, root2), label).toBe(true);
      for (const [what, mutated] of bitFlips(proof)) {
        expect(await ok(size1, size2, mutated, root1, root2), `${label}: ${what}`).toBe(false);
      }
      const junk = await leafHash(utf8('junk'));
      expect(await ok(size1, size2, [...proof, junk], root1, root2), `${label}: extra`).toBe(false);
      expect(await ok(size1, size2, [junk, ...proof], root1, root2), `${label}: prefix`).toBe(
        false,
      );
      expect(await ok(size1, size2, proof.slice(0, -1), root1, root2), `${label}: short`).toBe(
        false,
      );
      expect(await ok(size1, size2, [], root1, root2), `${label}: empty`).toBe(false);
      expect(await ok(size1, size2, proof, root2, root1), `${label}: swapped roots`).toBe(false);
      expect(await ok(size1, size2, proof, root1, root1), `${label}: root1 twice`).toBe(false);
      expect(await ok(size1, size2, proof, junk, root2), `${label}: wrong root1`).toBe(false);
      expect(await ok(size1, size2, proof, root1, junk), `${label}: wrong root2`).toBe(false);
      expect(await ok(size1 + 1, size2, proof, root1, root2), `${label}: size1 + 1`).toBe(false);
      expect(await ok(size1 ^ 2, size2, proof, root1, root2), `${label}: size1 ^ 2`).toBe(false);
      expect(await ok(size1, size2 * 2, proof, root1, root2), `${label}: size2 * 2`).toBe(false);
      expect(await ok(size2, size1, proof, root2, root1), `${label}: size1 > size2`).toBe(false);
      expect(await ok(0, size2, proof, root1, root2), `${label}: size1 = 0`).toBe(false);
      if (proof.length > 1) {
        const swapped = [proof[1]!, proof[0]!, ...proof.slice(2)];
        expect(await ok(size1, size2, swapped, root1, root2), `${label}: swapped`).toBe(false);
      }
    }
  });

  it('treats equal sizes as "same root, empty proof" and size 0 as meaningless', async () => {
    const hashes = await leavesFor(5);
    const tree = await MerkleTree.fromLeafHashes(hashes);
    const [r4, r5] = [await tree.root(4), await tree.root(5)];
    expect(await verifyConsistency(5, 5, [], r5, r5)).toBe(true);
    expect(await verifyConsistency(5, 5, [], r5, r4)).toBe(false);
    expect(await verifyConsistency(5, 5, [hashes[0]!], r5, r5)).toBe(false);
    const empty = await tree.root(0);
    expect(await verifyConsistency(0, 0, [], empty, empty)).toBe(false);
    expect(await verifyConsistency(0, 5, [], empty, r5)).toBe(false);
    expect(await verifyConsistency(4, 5, [new Uint8Array(31)], r4, r5)).toBe(false);
    expect(await verifyConsistency(4, 5, null as unknown as Uint8Array[], r4, r5)).toBe(false);
    expect(await verifyConsistency(4, 5, [hashes[4]!], r4, new Uint8Array(0))).toBe(false);
    expect(await verifyConsistency(-1, 5, [], r4, r5)).toBe(false);
    await expect(consistencyProof(0, hashes)).rejects.toThrow(MerkleError);
    await expect(consistencyProof(6, hashes)).rejects.toThrow(MerkleError);
    await expect(tree.consistencyProof(0, 5)).rejects.toThrow(MerkleError);
    await expect(tree.consistencyProof(3, 6)).rejects.toThrow(MerkleError);
    await expect(tree.consistencyProof(4, 3)).rejects.toThrow(MerkleError);
  });
});

describe('MerkleTree', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps the root of every historical size equal to the definition', async () => {
    const hashes = await leavesFor(130, 31);
    const tree = new MerkleTree();
    expect(toHex(await tree.root())).toBe(RFC6962_ROOTS[0]);
    for (let n = 1; n <= 130; n++) {
      await tree.append(hashes[n - 1]!);
      expect(tree.size).toBe(n);
      expect(toHex(tree.leafHash(n - 1))).toBe(toHex(hashes[n - 1]!));
    }
    for (let n = 0; n <= 130; n++) {
      expect(toHex(await tree.root(n)), `size ${n}`).toBe(
        toHex(await referenceRoot(hashes.slice(0, n))),
      );
    }
    await expect(tree.root(131)).rejects.toThrow(MerkleError);
    expect(() => tree.leafHash(130)).toThrow(MerkleError);
  });

  it('serialises concurrent appends', async () => {
    const hashes = await leavesFor(50, 32);
    const tree = new MerkleTree();
    await Promise.all(hashes.map((hash) => tree.append(hash)));
    expect(toHex(await tree.root())).toBe(toHex(await referenceRoot(hashes)));
  });

  it('costs amortised O(1) hashes per append and O(log n) per proof at any size', async () => {
    const hashes = await leavesFor(4096, 33);
    const tree = await MerkleTree.fromLeafHashes(hashes.slice(0, 4000));
    const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
    for (const hash of hashes.slice(4000)) await tree.append(hash);
    // 96 appends complete 96 + 48 + 24 + ... subtrees: fewer than 2 per append.
    expect(digest.mock.calls.length).toBeLessThan(2 * 96);
    for (const [call, bound] of [
      [() => tree.root(4095), 12],
      [() => tree.root(2049), 12],
      [() => tree.inclusionProof(3000, 4095), 12],
      [() => tree.inclusionProof(7, 3001), 12],
      [() => tree.consistencyProof(1234, 4095), 24],
      [() => tree.consistencyProof(3, 2999), 24],
    ] as const) {
      digest.mockClear();
      await call();
      expect(digest.mock.calls.length).toBeLessThanOrEqual(bound);
    }
    digest.mockClear();
    await tree.root(4096);
    // A perfect tree's root is cached.
    expect(digest).toHaveBeenCalledTimes(0);
  });

  it('refuses a leaf hash of the wrong length', async () => {
    const tree = new MerkleTree();
    expect(() => tree.append(new Uint8Array(31))).toThrow(MerkleError);
    await expect(MerkleTree.fromLeafHashes([new Uint8Array(33)])).rejects.toThrow(MerkleError);
    expect(tree.size).toBe(0);
  });
});
