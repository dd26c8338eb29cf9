/**
 * Seals ledger entries: assigns seq, canonicalises (RFC 8785), hashes the leaf (RFC 9162),
 * keeps the incremental root, and signs a checkpoint after each batch.
 */
import { canonicalize } from '#ledger/canonical-json';
import { sha256, toBase64Url, utf8 } from '#ledger/bytes';
import { MerkleTree, leafHash } from '#ledger/merkle';
import { signCheckpoint } from '#ledger/checkpoint';
import type { LedgerEntry } from '#protocol/ledger-entry';
import type { StoredEntry } from './storage/types';

export type RelaySigner = { keyName: string; privateKey: CryptoKey; publicKey: Uint8Array };

export type SealedEntry = { entry: LedgerEntry; canonical: string; stored: StoredEntry };

export class LedgerWriter {
  /** Every leaf with cached subtree hashes: roots and proofs for any past size in O(log n). */
  readonly tree: MerkleTree;
  private readonly signer: RelaySigner;
  readonly origin: string;
  constructor(tree: MerkleTree, signer: RelaySigner, origin: string) {
    this.tree = tree;
    this.signer = signer;
    this.origin = origin;
  }

  get size(): number {
    return this.tree.size;
  }

  /** Seals the next entry. The caller commits it durably before telling anyone. */
  async seal(draft: Omit<LedgerEntry, 'seq' | 'v'>): Promise<SealedEntry> {
    const entry = { v: 1, seq: this.tree.size, ...draft } as LedgerEntry;
    const canonical = canonicalize(entry);
    const bytes = utf8(canonical);
    const hash = await leafHash(bytes);
    await this.tree.append(hash);
    return { entry, canonical, stored: { seq: entry.seq, bytes, leafHash: hash } };
  }

  async checkpoint(): Promise<string> {
    return signCheckpoint(
      { origin: this.origin, size: this.tree.size, root: await this.tree.root() },
      this.signer,
    );
  }
}

/** Stable digest of a signed command, to tell a resend from a reuse of its cmdId. */
export async function commandDigest(signed: unknown): Promise<string> {
  return toBase64Url(await sha256(utf8(canonicalize(signed))));
}
