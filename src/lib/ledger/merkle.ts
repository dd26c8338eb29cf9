/**
 * Merkle tree hashing for the audit ledger, exactly as RFC 9162 §2.1.1 (unchanged from
 * RFC 6962 §2.1):
 *
 *   MTH({})     = SHA-256()
 *   MTH({d0})   = SHA-256(0x00 ‖ d0)                                  (leaf)
 *   MTH(D[n])   = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))           (node)
 *                 where k is the largest power of two strictly smaller than n.
 *
 * The distinct 0x00/0x01 prefixes keep a leaf from ever posing as an interior node
 * (second-preimage resistance). Everything here works on leaf *hashes*, so the relay can
 * keep a leaf-hash index instead of re-reading entries.
 *
 * Inclusion and consistency proofs (RFC 9162 §2.1.3 / §2.1.4) are below: the definitions
 * written out over a list of leaf hashes (`inclusionProof`, `consistencyProof`, the
 * reference), their verifiers, and `MerkleTree`, which serves both for any past size in
 * O(log n) hashes from cached perfect subtrees.
 */

import { concatBytes, fromBase64, sha256, toBase64 } from './bytes';

/** SHA-256 output length; every leaf and node hash in the tree has it. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** A leaf hash of the wrong length, an impossible tree size, or a corrupt snapshot. */
export class MerkleError extends Error {
  override name = 'MerkleError';
}

/**
 * RFC 9162 leaf hash: SHA-256(0x00 ‖ entry).
 * @param entry the stored bytes of one ledger line (canonical JSON as UTF-8), never a
 *   re-serialisation of it.
 */
export function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(LEAF_PREFIX, entry));
}

/**
 * RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right).
 * @param left root of the left (older, power-of-two sized) subtree
 * @param right root of the right subtree
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  assertHash(left, 'left child');
  assertHash(right, 'right child');
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/** MTH of the empty tree: the hash of the empty string. */
export function emptyRoot(): Promise<Uint8Array> {
  return sha256(new Uint8Array(0));
}

/**
 * The k of RFC 9162 §2.1.1: the largest power of two strictly smaller than n (n ≥ 2).
 * Arithmetic rather than bit operations, because tree sizes may exceed 2^31.
 */
export function splitPoint(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new MerkleError(`cannot split a tree of ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * MTH over a list of leaf hashes (RFC 9162 §2.1.1), recursing as the definition does.
 * Costs n − 1 node hashes; for a growing log prefer `MerkleAccumulator`.
 * @param hashes leaf hashes in log order, as produced by `leafHash` or read from the
 *   relay's leaf-hash index.
 */
export async function rootFromLeafHashes(hashes: readonly Uint8Array[]): Promise<Uint8Array> {
  hashes.forEach((hash, i) => assertHash(hash, `leaf hash ${i}`));
  if (hashes.length === 0) return emptyRoot();
  return subtreeRoot(hashes, 0, hashes.length);
}

/** MTH(D[start:end]) for already-validated, non-empty ranges. */
async function subtreeRoot(
  hashes: readonly Uint8Array[],
  start: number,
  end: number,
): Promise<Uint8Array> {
  if (end - start === 1) return hashes[start]!;
  const k = splitPoint(end - start);
  const left = await subtreeRoot(hashes, start, start + k);
  const right = await subtreeRoot(hashes, start + k, end);
  return nodeHash(left, right);
}

/** The persisted form of a `MerkleAccumulator`: its size and peaks in base64. */
export type MerkleAccumulatorState = { size: number; peaks: string[] };

/**
 * An append-only tree head that keeps only the compact range: the roots ("peaks") of the
 * perfect subtrees the tree decomposes into, one per set bit of `size`, largest (oldest)
 * first. An append merges equal-sized peaks like a binary counter carry, so it costs at
 * most log2(n) node hashes; `root()` folds the peaks right to left, which reproduces the
 * RFC's split at the largest power of two.
 *
 * Appends are serialised internally, so concurrent callers cannot interleave a carry.
 */
export class MerkleAccumulator {
  #size = 0;
  #peaks: Uint8Array[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  /** Number of leaves appended so far (settled appends only). */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds one leaf.
   * @param hash the `leafHash` of the entry just stored at index `size`.
   */
  append(hash: Uint8Array): Promise<void> {
    assertHash(hash, 'leaf hash');
    // Copy now: the caller may reuse its buffer before the queued append runs.
    const leaf = new Uint8Array(hash);
    return this.#enqueue(() => this.#appendNow(leaf));
  }

  /**
   * Adds many leaves at once, with the same result as appending them one by one. The node
   * hashes of each tree level are independent of one another, so they are computed
   * concurrently: WebCrypto then spends its time hashing rather than in round trips.
   * @param hashes the `leafHash`es of the entries stored at indices size, size + 1, …
   */
  appendMany(hashes: readonly Uint8Array[]): Promise<void> {
    hashes.forEach((hash, i) => assertHash(hash, `leaf hash ${i}`));
    const leaves = hashes.map((hash) => new Uint8Array(hash));
    return this.#enqueue(() => this.#appendManyNow(leaves));
  }

  /** The current MTH; at most log2(n) node hashes. */
  root(): Promise<Uint8Array> {
    return this.#enqueue(async () => {
      const last = this.#peaks[this.#peaks.length - 1];
      if (last === undefined) return emptyRoot();
      let acc = last;
      for (let i = this.#peaks.length - 2; i >= 0; i--) acc = await nodeHash(this.#peaks[i]!, acc);
      return acc;
    });
  }

  /** Builds an accumulator over existing leaf hashes (e.g. the relay's index at startup). */
  static async fromLeafHashes(hashes: readonly Uint8Array[]): Promise<MerkleAccumulator> {
    const acc = new MerkleAccumulator();
    for (const hash of hashes) await acc.append(hash);
    return acc;
  }

  /** Snapshot for storage next to the log, so a restart need not rehash every leaf. */
  toJSON(): MerkleAccumulatorState {
    return { size: this.#size, peaks: this.#peaks.map((p) => toBase64(p)) };
  }

  /**
   * Restores a snapshot written by `toJSON`.
   * @param state parsed from the relay's own storage; still checked, because a truncated
   *   or hand-edited snapshot must fail loudly rather than yield a wrong root.
   */
  static fromJSON(state: unknown): MerkleAccumulator {
    if (typeof state !== 'object' || state === null) {
      throw new MerkleError('accumulator state is not an object');
    }
    const { size, peaks } = state as Partial<Record<keyof MerkleAccumulatorState, unknown>>;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new MerkleError('accumulator state: size must be a non-negative safe integer');
    }
    if (!Array.isArray(peaks) || peaks.some((p) => typeof p !== 'string')) {
      throw new MerkleError('accumulator state: peaks must be an array of base64 strings');
    }
    // The compact range has exactly one peak per set bit of the size.
    if (peaks.length !== countPeaks(size)) {
      throw new MerkleError(
        `accumulator state: size ${size} needs ${countPeaks(size)} peaks, got ${peaks.length}`,
      );
    }
    const acc = new MerkleAccumulator();
    acc.#peaks = (peaks as string[]).map((text, i) => {
      const bytes = decodeCanonicalBase64(text);
      if (bytes === undefined) throw new MerkleError(`accumulator state: peak ${i} is not base64`);
      assertHash(bytes, `accumulator state: peak ${i}`);
      return bytes;
    });
    acc.#size = size;
    return acc;
  }

  async #appendNow(leaf: Uint8Array): Promise<void> {
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new MerkleError('tree is full');
    let carry: Uint8Array = leaf;
    // Each trailing 1 bit of the old size is a peak of the same height as `carry`.
    for (let n = this.#size; n % 2 === 1; n = Math.floor(n / 2)) {
      carry = await nodeHash(this.#peaks.pop()!, carry);
    }
    this.#peaks.push(carry);
    this.#size += 1;
  }

  async #appendManyNow(leaves: Uint8Array[]): Promise<void> {
    if (leaves.length === 0) return;
    if (this.#size + leaves.length > Number.MAX_SAFE_INTEGER) throw new MerkleError('tree is full');
    // Peaks by height: bit h of size set ⇔ a perfect subtree of 2^h leaves ends the tree.
    const old = new Map<number, Uint8Array>();
    let height = 0;
    for (let n = this.#size, i = this.#peaks.length - 1; n > 0; n = Math.floor(n / 2), height++) {
      if (n % 2 === 1) old.set(height, this.#peaks[i--]!);
    }
    const peaks = new Map<number, Uint8Array>();
    let nodes = leaves;
    let start = this.#size;
    for (let h = 0; nodes.length > 0; h++) {
      // An odd first index means its left sibling is the old peak of this height.
      if (start % 2 === 1) {
        nodes = [old.get(h)!, ...nodes];
        old.delete(h);
        start -= 1;
      }
      if (nodes.length % 2 === 1) peaks.set(h, nodes[nodes.length - 1]!);
      const pairs = Math.floor(nodes.length / 2);
      nodes = await Promise.all(
        Array.from({ length: pairs }, (_, i) => nodeHash(nodes[2 * i]!, nodes[2 * i + 1]!)),
      );
      start /= 2;
    }
    for (const [h, peak] of old) peaks.set(h, peak);
    this.#peaks = [...peaks].sort((a, b) => b[0] - a[0]).map(([, peak]) => peak);
    this.#size += leaves.length;
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    // A failed task must not poison later ones; its caller still sees the rejection.
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function countPeaks(size: number): number {
  let peaks = 0;
  for (let n = size; n > 0; n = Math.floor(n / 2)) peaks += n % 2;
  return peaks;
}

function decodeCanonicalBase64(text: string): Uint8Array | undefined {
  try {
    const bytes = fromBase64(text);
    return toBase64(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function assertHash(hash: Uint8Array, what: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new MerkleError(`${what} must be ${HASH_SIZE} bytes`);
  }
}

// ---------------------------------------------------------------------------------------------
// Proofs: RFC 9162 §2.1.3 (inclusion) and §2.1.4 (consistency).
// ---------------------------------------------------------------------------------------------

/**
 * RFC 9162 §2.1.3.1 PATH(m, D[n]): the inclusion proof for leaf `index` in the tree of all
 * `leafHashes`, written as the definition recurses. Costs O(n) hashes; the relay uses
 * `MerkleTree` instead, and tests use this as the reference.
 * @param index the leaf's position (its ledger `seq`)
 * @param leafHashes every leaf hash of the tree the proof is for, in log order
 * @throws MerkleError for an index outside the tree or a malformed leaf hash
 */
export async function inclusionProof(
  index: number,
  leafHashes: readonly Uint8Array[],
): Promise<Uint8Array[]> {
  leafHashes.forEach((hash, i) => assertHash(hash, `leaf hash ${i}`));
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new MerkleError(`leaf ${index} is not in a tree of ${leafHashes.length}`);
  }
  return path(index, leafHashes, 0, leafHashes.length);
}

async function path(
  m: number,
  hashes: readonly Uint8Array[],
  start: number,
  end: number,
): Promise<Uint8Array[]> {
  if (end - start === 1) return [];
  const k = splitPoint(end - start);
  // Proof elements are listed leaf-side first, so the sibling goes after the deeper path.
  if (m < k) {
    return [
      ...(await path(m, hashes, start, start + k)),
      await subtreeRoot(hashes, start + k, end),
    ];
  }
  return [
    ...(await path(m - k, hashes, start + k, end)),
    await subtreeRoot(hashes, start, start + k),
  ];
}

/**
 * RFC 9162 §2.1.4.1 PROOF(m, D[n]): the consistency proof that the first `size1` leaves are a
 * prefix of the tree of all `leafHashes`. Empty when `size1` equals the tree size.
 * @param size1 size of the older tree, 1 ≤ size1 ≤ leafHashes.length
 * @param leafHashes every leaf hash of the newer tree, in log order
 * @throws MerkleError for an impossible size1 or a malformed leaf hash
 */
export async function consistencyProof(
  size1: number,
  leafHashes: readonly Uint8Array[],
): Promise<Uint8Array[]> {
  leafHashes.forEach((hash, i) => assertHash(hash, `leaf hash ${i}`));
  // A proof from the empty tree proves nothing (every tree extends it), so none is made.
  if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > leafHashes.length) {
    throw new MerkleError(`no consistency proof from ${size1} to ${leafHashes.length}`);
  }
  return subproof(size1, leafHashes, 0, leafHashes.length, true);
}

async function subproof(
  m: number,
  hashes: readonly Uint8Array[],
  start: number,
  end: number,
  known: boolean,
): Promise<Uint8Array[]> {
  const n = end - start;
  // The verifier already holds MTH(D[0:m]) when the old tree is this very subtree.
  if (m === n) return known ? [] : [await subtreeRoot(hashes, start, end)];
  const k = splitPoint(n);
  if (m <= k) {
    return [
      ...(await subproof(m, hashes, start, start + k, known)),
      await subtreeRoot(hashes, start + k, end),
    ];
  }
  return [
    ...(await subproof(m - k, hashes, start + k, end, false)),
    await subtreeRoot(hashes, start, start + k),
  ];
}

/**
 * RFC 9162 §2.1.3.2: checks that `leafHash` sits at `index` in the tree of `treeSize` leaves
 * whose root is `root`. Never throws: malformed sizes, hashes or proofs answer false.
 * @param index the leaf's position (its ledger `seq`)
 * @param treeSize the size of the checkpoint the proof is for
 * @param leafHash `leafHash` of the entry's stored bytes
 * @param proof as returned by the relay or `inclusionProof`
 * @param root the root of a checkpoint whose signature was already verified
 */
export async function verifyInclusion(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  try {
    if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
    if (!isHash(leafHash) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) {
      return false;
    }
    let fn = index;
    let sn = treeSize - 1;
    let r = leafHash;
    for (const p of proof) {
      // More elements than the path from this leaf to the root has: a padded proof.
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        // Skip the levels where this node is a lone right edge and has no sibling.
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equalHashes(r, root);
  } catch {
    return false;
  }
}

/**
 * RFC 9162 §2.1.4.2: checks that the tree of `size1` leaves with root `root1` is a prefix of
 * the tree of `size2` leaves with root `root2`. Never throws. As the reference
 * implementation (transparency-dev/merkle), a proof from size 0 is refused, and equal sizes
 * need an empty proof and equal roots.
 * @param size1 size of the older, already trusted checkpoint
 * @param size2 size of the newer checkpoint, whose signature was already verified
 * @param proof as returned by the relay or `consistencyProof`
 */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<boolean> {
  try {
    if (!isSize(size1) || !isSize(size2) || size1 === 0 || size1 > size2) return false;
    if (!isHash(root1) || !isHash(root2) || !Array.isArray(proof) || !proof.every(isHash)) {
      return false;
    }
    if (size1 === size2) return proof.length === 0 && equalHashes(root1, root2);
    if (proof.length === 0) return false;
    // When the old tree is a perfect subtree, the proof omits its root: the verifier has it.
    const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
    let fn = size1 - 1;
    let sn = size2 - 1;
    while (fn % 2 === 1) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    let fr = path[0]!;
    let sr = path[0]!;
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equalHashes(fr, root1) && equalHashes(sr, root2);
  } catch {
    return false;
  }
}

const isSize = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_SIZE;

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** Roots are public, so a plain comparison leaks nothing worth a constant-time loop. */
function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// MerkleTree: the relay's proof server.
// ---------------------------------------------------------------------------------------------

/** Hashes per storage chunk: 128 KiB blocks instead of one object per hash. */
const CHUNK = 4096;

/** An append-only list of 32-byte hashes packed into fixed-size blocks. */
class HashList {
  #chunks: Uint8Array[] = [];
  length = 0;

  push(hash: Uint8Array): void {
    const slot = this.length % CHUNK;
    if (slot === 0) this.#chunks.push(new Uint8Array(CHUNK * HASH_SIZE));
    this.#chunks[this.#chunks.length - 1]!.set(hash, slot * HASH_SIZE);
    this.length += 1;
  }

  /** A view, not a copy: callers must not write to it. */
  at(i: number): Uint8Array {
    const chunk = this.#chunks[Math.floor(i / CHUNK)]!;
    const offset = (i % CHUNK) * HASH_SIZE;
    return chunk.subarray(offset, offset + HASH_SIZE);
  }
}

/**
 * Every leaf hash plus the root of every complete, aligned subtree, level by level
 * (level h, slot i = MTH(D[i·2^h : (i+1)·2^h])). An append fills in the subtrees it
 * completes, like a binary counter carry, so it costs amortised one node hash. Any
 * MTH(D[a:b]) the RFC's recursion asks for splits into at most log2(n) cached perfect
 * subtrees, so `root`, `inclusionProof` and `consistencyProof` cost O(log n) hashes for any
 * historical size, not O(n).
 *
 * Appends are serialised; reads may run alongside them because `size` only moves once an
 * append has cached every subtree it completed.
 */
export class MerkleTree {
  #levels: HashList[] = [new HashList()];
  #size = 0;
  #queue: Promise<unknown> = Promise.resolve();

  /** Number of leaves whose append has settled. */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds one leaf.
   * @param hash `leafHash` of the entry stored at index `size`
   */
  append(hash: Uint8Array): Promise<void> {
    assertHash(hash, 'leaf hash');
    const leaf = new Uint8Array(hash);
    const run = this.#queue.then(() => this.#appendNow(leaf));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Builds a tree over existing leaf hashes (e.g. the relay's index at startup). */
  static async fromLeafHashes(hashes: readonly Uint8Array[]): Promise<MerkleTree> {
    hashes.forEach((hash, i) => assertHash(hash, `leaf hash ${i}`));
    const tree = new MerkleTree();
    for (const hash of hashes) await tree.#appendNow(hash);
    return tree;
  }

  /**
   * The leaf hash at `index`.
   * @throws MerkleError when index ≥ size
   */
  leafHash(index: number): Uint8Array {
    this.#checkSize(index + 1, 'leaf index + 1');
    return new Uint8Array(this.#levels[0]!.at(index));
  }

  /**
   * MTH of the first `size` leaves.
   * @param size any size from 0 to the current size; defaults to the current size
   */
  async root(size = this.#size): Promise<Uint8Array> {
    this.#checkSize(size, 'size');
    if (size === 0) return emptyRoot();
    return new Uint8Array(await this.#range(0, size));
  }

  /**
   * RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of the first `size` leaves.
   * @throws MerkleError when index ≥ size or size exceeds the tree
   */
  async inclusionProof(index: number, size = this.#size): Promise<Uint8Array[]> {
    this.#checkSize(size, 'size');
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new MerkleError(`leaf ${index} is not in a tree of ${size}`);
    }
    const proof: Uint8Array[] = [];
    let [m, start, end] = [index, 0, size];
    // Iterative PATH: collect siblings root-side first, then reverse to leaf-side first.
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (m < k) {
        proof.push(await this.#range(start + k, end));
        end = start + k;
      } else {
        proof.push(await this.#range(start, start + k));
        start += k;
        m -= k;
      }
    }
    return proof.reverse().map((h) => new Uint8Array(h));
  }

  /**
   * RFC 9162 §2.1.4.1 consistency proof from the first `size1` leaves to the first `size2`.
   * @throws MerkleError unless 1 ≤ size1 ≤ size2 ≤ size
   */
  async consistencyProof(size1: number, size2 = this.#size): Promise<Uint8Array[]> {
    this.#checkSize(size2, 'size2');
    if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > size2) {
      throw new MerkleError(`no consistency proof from ${size1} to ${size2}`);
    }
    const proof: Uint8Array[] = [];
    let [m, start, end, known] = [size1, 0, size2, true];
    // Iterative SUBPROOF, root-side first like inclusionProof.
    while (m !== end - start) {
      const k = splitPoint(end - start);
      if (m <= k) {
        proof.push(await this.#range(start + k, end));
        end = start + k;
      } else {
        proof.push(await this.#range(start, start + k));
        start += k;
        m -= k;
        known = false;
      }
    }
    if (!known) proof.push(await this.#range(start, end));
    return proof.reverse().map((h) => new Uint8Array(h));
  }

  async #appendNow(leaf: Uint8Array): Promise<void> {
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new MerkleError('tree is full');
    this.#levels[0]!.push(leaf);
    // Each completed pair on a level completes a subtree one level up.
    for (let h = 0; this.#levels[h]!.length % 2 === 0; h++) {
      const level = this.#levels[h]!;
      const n = level.length;
      const parent = await nodeHash(level.at(n - 2), level.at(n - 1));
      if (this.#levels.length === h + 1) this.#levels.push(new HashList());
      this.#levels[h + 1]!.push(parent);
    }
    this.#size += 1;
  }

  /** MTH(D[start:end]) for 0 ≤ start < end ≤ size, from cached perfect subtrees. */
  async #range(start: number, end: number): Promise<Uint8Array> {
    const n = end - start;
    if (isPowerOfTwo(n) && start % n === 0) {
      return this.#levels[Math.log2(n)]!.at(start / n);
    }
    const k = splitPoint(n);
    return nodeHash(await this.#range(start, start + k), await this.#range(start + k, end));
  }

  #checkSize(size: number, what: string): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#size) {
      throw new MerkleError(`${what} ${size} is not within the tree of ${this.#size}`);
    }
  }
}
