/** The built app (`build/`): files as they are, and the SPA fallback to `index.html`. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { sendError } from './http-errors';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export type StaticFiles = (
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
) => Promise<void>;

/** A handler for the app's files under `root`; null `root` answers 404 to every file. */
export function staticFiles(root: string | null): StaticFiles {
  return async (req, res, pathname) => {
    if (!root) return sendError(res, 404, 'not-found', 'No such page.');
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendError(res, 400, 'invalid-request', 'Bad path.');
    }
    const file = normalize(join(root, decoded));
    const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
    let target = join(root, 'index.html');
    if (inside) {
      const info = await stat(file).catch(() => null);
      if (info?.isFile()) target = file;
    }
    const info = await stat(target).catch(() => null);
    if (!info) return sendError(res, 404, 'not-found', 'The app is not built: run npm run build.');
    const immutable = target.includes(`${sep}_app${sep}immutable${sep}`);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(target).pipe(res);
  };
}
