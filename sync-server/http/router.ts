/**
 * The relay's HTTP side (docs/api.md): JSON routes by method and path, the newest checkpoint as
 * text, and the built app for every other GET. A refused request answers
 * `{ error: { code, message } }`; a failing handler answers 500 and the relay goes on serving.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../log';
import { ceremonyRoutes } from './ceremonies';
import { HttpError, sendError, sendJson } from './http-errors';
import { ledgerRoutes, sendLatestCheckpoint } from './ledger-routes';
import { nonceRoutes } from './nonces';
import { readJson } from './request';
import type { GetRoutes, HttpDeps, PostRoutes } from './route';
import { sessionRoutes } from './sessions';
import { staticFiles } from './static-files';
import { testClockGetRoutes, testClockPostRoutes } from './test-clock';

const POST_ROUTES: PostRoutes = {
  ...ceremonyRoutes,
  ...sessionRoutes,
  ...nonceRoutes,
  ...testClockPostRoutes,
};

const GET_ROUTES: GetRoutes = {
  '/healthz': async ({ relay }) => ({ ok: true, seq: relay.ledger.size }),
  '/api/status': async ({ relay }) => ({
    setupDone: relay.state.setupCompletedAt !== null,
    rpId: relay.rp.rpId,
    origin: relay.rp.origin,
    seq: relay.ledger.size,
  }),
  ...ledgerRoutes,
  ...testClockGetRoutes,
};

const routeOf = <R extends object>(routes: R, path: string): R[keyof R] | undefined =>
  Object.hasOwn(routes, path) ? routes[path as keyof R] : undefined;

/** The request handler the relay's HTTP server runs. */
export function createHttpHandler(
  deps: HttpDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const serveStatic = staticFiles(deps.staticDir);
  return async (req, res) => {
    // A request target Node accepts can still be an invalid URL (e.g. "//"): refuse, never crash.
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      log('info', 'http request refused', { status: 400, code: 'invalid-request' });
      return sendError(res, 400, 'invalid-request', 'The request path is not a valid URL.');
    }
    const ctx = { ...deps, req, url };
    try {
      if (req.method === 'POST') {
        const route = routeOf(POST_ROUTES, url.pathname);
        if (!route) throw new HttpError(404, 'not-found', 'No such endpoint.');
        const body = await readJson(req);
        return sendJson(res, 200, await route(ctx, body));
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const route = routeOf(GET_ROUTES, url.pathname);
        if (route) return sendJson(res, 200, await route(ctx));
        if (url.pathname === '/api/ledger/checkpoint')
          return await sendLatestCheckpoint(deps.relay, res);
        if (url.pathname.startsWith('/api/'))
          throw new HttpError(404, 'not-found', 'No such endpoint.');
        return serveStatic(req, res, url.pathname);
      }
      throw new HttpError(405, 'method-not-allowed', `${req.method} is not supported here.`);
    } catch (error) {
      if (error instanceof HttpError) {
        log('info', 'http request refused', {
          path: url.pathname,
          status: error.status,
          code: error.code,
        });
        return sendError(res, error.status, error.code, error.message);
      }
      log('error', 'http handler failed', {
        path: url.pathname,
        error: String((error as Error)?.stack ?? error),
      });
      if (res.headersSent) return void res.end();
      sendError(res, 500, 'internal', 'Something went wrong on the relay.');
    }
  };
}
