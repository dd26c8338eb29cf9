/**
 * The built app as the relay serves it: precompressed variants, ETags and 304s, immutable caching
 * for hashed assets only, types for every file the service worker precaches, the SPA fallback,
 * and the API beside it untouched. The "build" is a small folder made here, shaped like build/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type TestRelay } from './support/harness';

const INDEX = '<!doctype html><html><head><title>Leasehold</title></head><body></body></html>\n';
const CHUNK = `export const roles = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `role-${i}`))};\n`;
const CHUNK_PATH = '/_app/immutable/chunks/roles.B4x9Qz1k.js';
const WEBP = Buffer.from(
  'RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00',
  'latin1',
);

type Answer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
};

/** Raw HTTP, so the body arrives as sent (fetch would decompress it). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: 'localhost', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the built app', () => {
  let h: TestRelay;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'leasehold-static-'));
    const put = (path: string, bytes: string | Buffer, precompress = false) => {
      const file = join(root, 'build', path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      if (precompress) {
        writeFileSync(`${file}.br`, brotliCompressSync(bytes));
        writeFileSync(`${file}.gz`, gzipSync(bytes));
      }
    };
    put('index.html', INDEX, true);
    put(CHUNK_PATH, CHUNK, true);
    put('sw.js', 'self.addEventListener("fetch", () => {});\n', true);
    put('icon-192.webp', WEBP);
    put('manifest.webmanifest', '{"name":"Leasehold"}');
    // Beside the app, never reachable through it.
    writeFileSync(join(root, 'secret.txt'), 'not for the web');
    h = await startRelay({ staticDir: join(root, 'build') });
  });
  afterAll(async () => {
    await h.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends a hashed asset brotli-compressed, with an ETag, cached as immutable', async () => {
    const answer = await get(h.port, CHUNK_PATH, { 'accept-encoding': 'gzip, deflate, br' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(answer.body).toString('utf8')).toBe(CHUNK);
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers.etag).toMatch(/^(W\/)?"[^"]+"$/);
  });

  it('answers 304 to If-None-Match with the ETag it gave, keeping the caching headers', async () => {
    const first = await get(h.port, CHUNK_PATH, { 'accept-encoding': 'br' });
    const again = await get(h.port, CHUNK_PATH, {
      'accept-encoding': 'br',
      'if-none-match': String(first.headers.etag),
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(again.headers.vary).toBe('Accept-Encoding');
  });

  it('sends gzip to a browser without brotli, and the file itself to one without either', async () => {
    const gzip = await get(h.port, CHUNK_PATH, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString('utf8')).toBe(CHUNK);
    const plain = await get(h.port, CHUNK_PATH);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(CHUNK);
    // Each representation has its own validator, so a cache never mixes them up.
    expect(plain.headers.etag).not.toBe(gzip.headers.etag);
  });

  it('serves a webp icon as image/webp, revalidated on each use', async () => {
    const answer = await get(h.port, '/icon-192.webp');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('image/webp');
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(answer.body.equals(WEBP)).toBe(true);
  });

  it('serves unhashed files (sw.js, the manifest) with no-cache', async () => {
    const sw = await get(h.port, '/sw.js', { 'accept-encoding': 'br' });
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.headers['content-encoding']).toBe('br');
    const manifest = await get(h.port, '/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json');
    expect(manifest.headers['cache-control']).toBe('no-cache');
  });

  it('falls back to index.html for app routes, never cached as immutable', async () => {
    for (const path of ['/', '/roles', '/admin/settings/62e90394-69f5-4237-9190-012177145e10']) {
      const answer = await get(h.port, path, { 'accept-encoding': 'br' });
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toMatch(/^text\/html/);
      expect(answer.headers['cache-control'], path).toBe('no-cache');
      expect(brotliDecompressSync(answer.body).toString('utf8'), path).toBe(INDEX);
    }
  });

  it('answers a missing file with 404 rather than the page, and never leaves the app folder', async () => {
    const missing = await get(h.port, '/_app/immutable/chunks/gone.A1b2C3d4.js');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString('utf8'))).toMatchObject({
      error: { code: 'not-found' },
    });
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const answer = await get(h.port, path);
      expect(answer.body.toString('utf8'), path).not.toContain('not for the web');
    }
  });

  it('serves a file rebuilt while the relay runs whole, with a new ETag', async () => {
    const before = await get(h.port, '/manifest.webmanifest');
    const rebuilt = '{"name":"Leasehold","short_name":"Leasehold"}';
    writeFileSync(join(root, 'build', 'manifest.webmanifest'), rebuilt);
    const after = await get(h.port, '/manifest.webmanifest');
    expect(after.body.toString('utf8')).toBe(rebuilt);
    expect(after.headers['content-length']).toBe(String(Buffer.byteLength(rebuilt)));
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('answers HEAD with the headers only', async () => {
    const answer = await get(h.port, CHUNK_PATH, { 'accept-encoding': 'br' }, 'HEAD');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.body.length).toBe(0);
  });

  it('leaves the API, the ledger key and health as they were', async () => {
    const status = await get(h.port, '/api/status', { 'accept-encoding': 'br' });
    expect(status.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(status.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(status.body.toString('utf8'))).toMatchObject({ setupDone: false });
    const unknown = await get(h.port, '/api/no-such-thing');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString('utf8'))).toMatchObject({
      error: { code: 'not-found' },
    });
    const key = await get(h.port, '/.well-known/leasehold/relay-key');
    expect(JSON.parse(key.body.toString('utf8'))).toMatchObject({ algorithm: 'Ed25519' });
    expect((await get(h.port, '/healthz')).status).toBe(200);
    expect((await get(h.port, '/api/ledger/checkpoint')).status).toBe(404);
  });
});
