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
 * Inclusion and consistency proofs (RFC 9162 §2.1.3 / §2.1.4) belong in this file too;
 * `splitPoint` and `subtreeRoot` are the building blocks their PATH and PROOF
 * definitions recurse on.
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
