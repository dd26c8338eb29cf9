/**
 * Ledger reads (docs/api.md "Ledger and health"): the published relay key, the newest checkpoint,
 * RFC 9162 proofs against durable checkpoints, and paged entries and checkpoints. Binary values
 * are std base64.
 */
import type { ServerResponse } from 'node:http';
import { toBase64 } from '#ledger/bytes';
import { formatVerifierKey } from '#ledger/relay-key';
import { LEDGER_ENTRIES } from '#protocol/doc-layout';
import type { Session } from '../pipeline';
import type { HttpHost } from '../relay-host';
import { HttpError } from './http-errors';
import { intParam } from './request';
import type { GetRoutes, RouteContext } from './route';
import { requireSession } from './sessions';

async function requireAuditReader(ctx: RouteContext): Promise<Session> {
  const session = await requireSession(ctx);
  if (!ctx.relay.canRead(session.userId, 'audit')) {
    throw new HttpError(403, 'not-authorized', 'Only audit readers may read the whole ledger.');
  }
  return session;
}

/** Proofs are served against durable checkpoints only. */
function committedSize(relay: HttpHost): number {
  const size = relay.committed?.size ?? 0;
  if (size === 0) throw new HttpError(404, 'not-found', 'The ledger has no checkpoint yet.');
  return size;
}

const b64 = (bytes: Uint8Array) => toBase64(bytes);

export const ledgerRoutes: Pick<
  GetRoutes,
  | '/.well-known/leasehold/relay-key'
  | '/api/ledger/proof/inclusion'
  | '/api/ledger/proof/consistency'
  | '/api/ledger/entries'
  | '/api/ledger/mine'
  | '/api/ledger/checkpoints'
> = {
  '/.well-known/leasehold/relay-key': async ({ relay }) => ({
    origin: relay.origin,
    keyName: relay.signer.keyName,
    publicKey: toBase64(relay.signer.publicKey),
    vkey: await formatVerifierKey({
      keyName: relay.signer.keyName,
      publicKey: relay.signer.publicKey,
    }),
    algorithm: 'Ed25519',
    rotations: [...relay.keyRotations],
  }),
  '/api/ledger/proof/inclusion': async (ctx) => {
    const { relay, url } = ctx;
    await requireSession(ctx);
    const newest = committedSize(relay);
    const size = intParam(url, 'size', 1, newest, newest);
    const index = intParam(url, 'index', 0, size - 1);
    const proof = await relay.ledger.tree.inclusionProof(index, size);
    return { index, size, leafHash: b64(relay.ledger.tree.leafHash(index)), proof: proof.map(b64) };
  },
  '/api/ledger/proof/consistency': async (ctx) => {
    const { relay, url } = ctx;
    await requireSession(ctx);
    const newest = committedSize(relay);
    const to = intParam(url, 'to', 1, newest, newest);
    const from = intParam(url, 'from', 1, to);
    const proof = await relay.ledger.tree.consistencyProof(from, to);
    return { from, to, proof: proof.map(b64) };
  },
  '/api/ledger/entries': async (ctx) => {
    const { relay, url } = ctx;
    await requireAuditReader(ctx);
    const size = relay.committed?.size ?? 0;
    const from = intParam(url, 'from', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intParam(url, 'limit', 1, 1000, 500);
    const entries = relay.projection.docs[LEDGER_ENTRIES.doc]
      .getArray<string>(LEDGER_ENTRIES.array)
      .slice(Math.min(from, size), Math.min(from + limit, size));
    return { from, entries, size, next: from + limit < size ? from + limit : null };
  },
  '/api/ledger/mine': async (ctx) => {
    const { relay, url } = ctx;
    const session = await requireSession(ctx);
    const size = relay.committed?.size ?? 0;
    const from = intParam(url, 'from', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intParam(url, 'limit', 1, 5000, 1000);
    const all = relay.entriesOf(session.userId);
    const array = relay.projection.docs[LEDGER_ENTRIES.doc].getArray<string>(LEDGER_ENTRIES.array);
    const end = Math.min(from + limit, size);
    const entries = all
      .filter((seq) => seq >= from && seq < end)
      .map((seq) => ({ seq, entry: array.get(seq) }));
    return { entries, size, next: end < size ? end : null };
  },
  '/api/ledger/checkpoints': async (ctx) => {
    const { relay, url } = ctx;
    await requireAuditReader(ctx);
    const from = intParam(url, 'from', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intParam(url, 'limit', 1, 1000, 1000);
    const rows = await relay.storage.readCheckpoints(from, limit + 1);
    const page = rows.slice(0, limit);
    return {
      checkpoints: page.map((r) => r.note),
      next: rows.length > limit ? rows[limit]!.size : null,
    };
  },
};

/** `GET /api/ledger/checkpoint`: the newest signed note as text, for humans and `curl`. */
export async function sendLatestCheckpoint(relay: HttpHost, res: ServerResponse): Promise<void> {
  const note = await relay.storage.latestCheckpoint();
  res.writeHead(note ? 200 : 404, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(note ?? 'no checkpoint yet\n');
}
