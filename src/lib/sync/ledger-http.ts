/**
 * The relay's ledger endpoints (docs/api.md "Ledger and health"): the published key, the newest
 * checkpoint, RFC 9162 proofs, and paged entries and checkpoints. Binary values are std base64.
 * Nothing here trusts an answer: the verifier checks every one against what this device pinned.
 */
import { fromBase64 } from '#ledger/bytes';
import type {
  CheckpointsPage,
  EntriesPage,
  HttpGetAnswer,
  HttpGetPath,
  HttpGetQuery,
  MinePage,
  PublishedRelayKey,
} from '#protocol/http-api';
import { relayGet, RelayHttpError, RelayUnreachableError } from './relay-http';

export type { CheckpointsPage, EntriesPage, MinePage, PublishedRelayKey } from '#protocol/http-api';

/** An inclusion proof as the verifier uses it: the hashes decoded. */
export type InclusionProof = {
  index: number;
  size: number;
  leafHash: Uint8Array;
  proof: Uint8Array[];
};
export type ConsistencyProof = { from: number; to: number; proof: Uint8Array[] };

/** The relay does not serve this ledger endpoint (an older relay): verification cannot run. */
export class LedgerEndpointMissingError extends Error {
  override name = 'LedgerEndpointMissingError';
}

/** The relay answered with something that is not the documented shape. */
export class LedgerAnswerError extends Error {
  override name = 'LedgerAnswerError';
}

/** A session token source: the current token and a way to get a fresh one after a 401. */
export type LedgerAuth = { token(): string | null; reauthenticate(): Promise<void> };

export function fetchRelayKey(): Promise<PublishedRelayKey> {
  return relayGet('/.well-known/leasehold/relay-key', {}).then((key) => {
    if (
      typeof key?.origin !== 'string' ||
      typeof key.keyName !== 'string' ||
      typeof key.publicKey !== 'string' ||
      typeof key.vkey !== 'string' ||
      !Array.isArray(key.rotations)
    ) {
      throw new LedgerAnswerError('The relay published its key in an unknown form.');
    }
    return key;
  });
}

/** The newest signed checkpoint note, or null before the first entry (404). */
export async function fetchLatestCheckpoint(): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch('/api/ledger/checkpoint', { cache: 'no-store' });
  } catch {
    throw new RelayUnreachableError('The relay cannot be reached.');
  }
  const text = await response.text();
  if (response.status === 404) return null;
  if (!response.ok) throw new RelayHttpError(response.status, `http-${response.status}`, text);
  return text;
}

async function authorizedGet<P extends HttpGetPath>(
  path: P,
  query: HttpGetQuery<P>,
  auth: LedgerAuth,
): Promise<HttpGetAnswer<P>> {
  if (!auth.token()) await auth.reauthenticate();
  try {
    return await relayGet(path, query, auth.token());
  } catch (error) {
    if (error instanceof RelayHttpError && error.status === 401) {
      await auth.reauthenticate();
      return relayGet(path, query, auth.token());
    }
    if (error instanceof RelayHttpError && error.status === 404 && error.code === 'not-found') {
      throw new LedgerEndpointMissingError(`The relay does not serve ${path}.`);
    }
    throw error;
  }
}

function hashes(value: unknown, what: string): Uint8Array[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new LedgerAnswerError(`The relay's ${what} is not a list of base64 hashes.`);
  }
  return (value as string[]).map((v) => fromBase64(v));
}

export async function fetchInclusionProof(
  index: number,
  size: number,
  auth: LedgerAuth,
): Promise<InclusionProof> {
  const raw = await authorizedGet('/api/ledger/proof/inclusion', { index, size }, auth);
  if (raw?.index !== index || raw.size !== size || typeof raw.leafHash !== 'string') {
    throw new LedgerAnswerError(`The relay answered an inclusion proof for the wrong entry.`);
  }
  return {
    index,
    size,
    leafHash: fromBase64(raw.leafHash),
    proof: hashes(raw.proof, 'inclusion proof'),
  };
}

export async function fetchConsistencyProof(
  from: number,
  to: number,
  auth: LedgerAuth,
): Promise<ConsistencyProof> {
  const raw = await authorizedGet('/api/ledger/proof/consistency', { from, to }, auth);
  if (raw?.from !== from || raw.to !== to) {
    throw new LedgerAnswerError(`The relay answered a consistency proof for the wrong sizes.`);
  }
  return { from, to, proof: hashes(raw.proof, 'consistency proof') };
}

/** Audit readers only: the stored canonical JSON of entries from `from`. */
export function fetchEntries(from: number, limit: number, auth: LedgerAuth): Promise<EntriesPage> {
  return authorizedGet('/api/ledger/entries', { from, limit }, auth);
}

/** Every member: the entries about the caller, scanning `limit` seqs from `from`. */
export function fetchMine(from: number, limit: number, auth: LedgerAuth): Promise<MinePage> {
  return authorizedGet('/api/ledger/mine', { from, limit }, auth);
}

/** Audit readers only: stored checkpoints with size ≥ from, ascending. */
export function fetchCheckpoints(
  from: number,
  limit: number,
  auth: LedgerAuth,
): Promise<CheckpointsPage> {
  return authorizedGet('/api/ledger/checkpoints', { from, limit }, auth);
}
