/**
 * Seals ledger entries: assigns seq, canonicalises (RFC 8785), hashes the leaf (RFC 9162),
 * keeps the incremental root, and signs a checkpoint after each batch.
 *
 * The single writer must not wait on the tree for every entry: leaves are hashed synchronously
 * here and appended to the tree in seq order on a chain that `flush()` (and so `checkpoint()`)
 * awaits once per batch, before anything is committed.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '#ledger/canonical-json';
import { utf8 } from '#ledger/bytes';
import { MerkleTree } from '#ledger/merkle';
import { signCheckpoint } from '#ledger/checkpoint';
import { LEDGER_ENTRY_VERSION, type LedgerEntry } from '#protocol/ledger-entry';
import type { StoredEntry } from './storage/types';

export type RelaySigner = { keyName: string; privateKey: CryptoKey; publicKey: Uint8Array };

export type SealedEntry = { entry: LedgerEntry; canonical: string; stored: StoredEntry };

export class LedgerWriter {
  /** Every leaf with cached subtree hashes: roots and proofs for any past size in O(log n). */
  readonly tree: MerkleTree;
  private readonly signer: RelaySigner;
  readonly origin: string;
  #size: number;
  #appends: Promise<void> = Promise.resolve();
  constructor(tree: MerkleTree, signer: RelaySigner, origin: string) {
    this.tree = tree;
    this.signer = signer;
    this.origin = origin;
    this.#size = tree.size;
  }

  /** Entries sealed so far (the tree catches up at `flush()`). */
  get size(): number {
    return this.#size;
  }

  /** Resolves once every sealed leaf is in the tree. */
  async flush(): Promise<void> {
    await this.#appends;
  }

  /** Seals the next entry. The caller commits it durably before telling anyone. */
  async seal(draft: Omit<LedgerEntry, 'seq' | 'v'>): Promise<SealedEntry> {
    const entry: LedgerEntry = { v: LEDGER_ENTRY_VERSION, seq: this.#size, ...draft };
    const canonical = canonicalize(entry);
    const bytes = utf8(canonical);
    // RFC 9162 §2.1.1 leaf hash, SHA-256(0x00 ‖ entry): the same bytes #ledger/merkle's leafHash
    // hashes (the restart and verifier tests recompute it with that function).
    const hash = new Uint8Array(
      createHash('sha256').update(Uint8Array.of(0)).update(bytes).digest(),
    );
    this.#size += 1;
    this.#appends = this.#appends.then(() => this.tree.append(hash));
    return { entry, canonical, stored: { seq: entry.seq, bytes, leafHash: hash } };
  }

  async checkpoint(): Promise<string> {
    await this.flush();
    return signCheckpoint(
      { origin: this.origin, size: this.tree.size, root: await this.tree.root() },
      this.signer,
    );
  }
}

/**
 * Stable digest of a signed command, to tell a resend from a reuse of its cmdId. Synchronous on
 * purpose: it throws at once for a value canonical JSON refuses, instead of leaving a rejected
 * promise behind.
 */
export function commandDigest(signed: unknown): string {
  return createHash('sha256')
    .update(utf8(canonicalize(signed)))
    .digest('base64url');
}
