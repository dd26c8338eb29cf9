/**
 * The built app (`build/`), served by sirv: precompressed brotli or gzip variants when the
 * browser accepts them (the build writes `.br` and `.gz` beside each file), ETags with 304 on
 * `If-None-Match`, and the SPA fallback to `index.html` for paths that are not files.
 *
 * Caching: `/_app/immutable/` names carry a content hash, so they are cached for a year and never
 * revalidated; everything else (index.html, sw.js, the manifest, icons) is revalidated on each
 * use (`no-cache`), so a new build reaches everyone at once. The headers are set before sirv
 * answers, so its 304s carry them too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import sirv from 'sirv';
import { sendError } from './http-errors';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Types mrmime (sirv's table) lacks or gives without a charset; the rest, webp included, are its. */
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

export type StaticFiles = (req: IncomingMessage, res: ServerResponse, pathname: string) => void;

/** A handler for the app's files under `root`; null `root` answers 404 to every file. */
export function staticFiles(root: string | null): StaticFiles {
  if (!root) return (_req, res) => sendError(res, 404, 'not-found', 'No such page.');
  const serve = sirv(root, {
    // Despite its name, `dev` only means "look files up per request" (a few stat calls) instead
    // of once at start: a build written while the relay runs is served at once and whole, never
    // with the sizes and ETags of the files it replaced.
    dev: true,
    etag: true,
    brotli: true,
    gzip: true,
    // Paths with a file extension never fall back: a missing chunk is a 404, not a page.
    single: true,
    onNoMatch: (_req, res) =>
      sendError(res, 404, 'not-found', 'No such file. Is the app built (npm run build)?'),
  });
  return (req, res, pathname) => {
    res.setHeader(
      'cache-control',
      pathname.startsWith('/_app/immutable/') ? IMMUTABLE : 'no-cache',
    );
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('vary', 'Accept-Encoding');
    const type = CONTENT_TYPES[extname(pathname)];
    if (type) res.setHeader('content-type', type);
    serve(req, res);
  };
}
