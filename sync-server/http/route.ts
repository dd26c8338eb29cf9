/**
 * The shape of a route: what each handler receives, and the answer #protocol/http-api declares
 * for its path. The router's tables are typed with these, so a route cannot answer anything else.
 */
import type { IncomingMessage } from 'node:http';
import type { HttpGetAnswer, HttpGetPath, HttpPostAnswer, HttpPostPath } from '#protocol/http-api';
import type { RelayWebAuthn } from '../passkeys';
import type { HttpHost } from '../relay-host';
import type { CeremonyStore, PendingCeremony, PendingSessionChallenge } from './ceremony-store';
import type { JsonBody } from './request';

/** What the relay hands its HTTP API when it starts. */
export type HttpDeps = {
  relay: HttpHost;
  /** Owned by the relay, so they live and die with it (and two relays in one process never share). */
  ceremonies: CeremonyStore<PendingCeremony>;
  sessionChallenges: CeremonyStore<PendingSessionChallenge>;
  /** Exposes /api/test/clock; only with a TestClock. */
  testClock: { advance(ms: number): number } | null;
  /** Folder with the built app (index.html); null serves the API only. */
  staticDir: string | null;
};

export type RouteContext = HttpDeps & { req: IncomingMessage; url: URL };

export type PostRoutes = {
  [P in HttpPostPath]: (
    ctx: RouteContext,
    body: JsonBody,
  ) => Promise<HttpPostAnswer<P, RelayWebAuthn>>;
};

export type GetRoutes = {
  [P in HttpGetPath]: (ctx: RouteContext) => Promise<HttpGetAnswer<P>>;
};
