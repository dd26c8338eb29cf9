/**
 * Initial JavaScript of the built app (issue 5 target: ≤ 250 KB gzip). "Initial" = what a cold
 * open of My roles (`/roles`, the start page of a signed-in person) loads before it is
 * interactive: the modulepreloads of the SPA fallback page, the /roles route node, and every
 * static import they pull in (dynamic imports, e.g. workbox-window or the audit tools, excluded).
 * Run `npm run build` first. Prints figures; asserts nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUILD = process.argv[2] ?? 'build';
const TARGET_KB = 250;

if (!existsSync(join(BUILD, 'index.html'))) {
  console.error(`No ${BUILD}/index.html: run npm run build first.`);
  process.exit(2);
}
const html = readFileSync(join(BUILD, 'index.html'), 'utf8');
const roots = new Set<string>();
for (const m of html.matchAll(/<link href="([^"]+\.js)" rel="modulepreload">/g)) roots.add(m[1]!);
for (const m of html.matchAll(/import\("([^"]+\.js)"\)/g)) roots.add(m[1]!);

// The /roles route node, from the router's dictionary in the app entry.
const entryDir = join(BUILD, '_app/immutable/entry');
const appFile = readdirSync(entryDir).find((f) => f.startsWith('app.'))!;
const app = readFileSync(join(entryDir, appFile), 'utf8');
const node = /"\/roles":\[~?(\d+)/.exec(app)?.[1];
if (node !== undefined) {
  const nodeFile = readdirSync(join(BUILD, '_app/immutable/nodes')).find((f) =>
    f.startsWith(`${node}.`),
  );
  if (nodeFile) roots.add(`/_app/immutable/nodes/${nodeFile}`);
}

const seen = new Map<string, { raw: number; gzip: number }>();
const visit = (url: string) => {
  if (seen.has(url)) return;
  const file = join(BUILD, url);
  const bytes = readFileSync(file);
  seen.set(url, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  const text = bytes.toString('utf8');
  // Static imports only: `from"./x.js"` and bare `import"./x.js"`.
  for (const m of text.matchAll(/(?:from|import)\s*["']([^"']+\.js)["']/g)) {
    const spec = m[1]!;
    if (!spec.startsWith('.') && !spec.startsWith('/')) continue;
    visit(spec.startsWith('/') ? spec : posix.join(posix.dirname(url), spec));
  }
};
for (const root of roots) visit(root);

const kb = (n: number) => (n / 1024).toFixed(1);
const rows = [...seen.entries()].sort((a, b) => b[1].gzip - a[1].gzip);
const total = rows.reduce((s, [, v]) => ({ raw: s.raw + v.raw, gzip: s.gzip + v.gzip }), {
  raw: 0,
  gzip: 0,
});
let allGzip = 0;
const walk = (dir: string) => {
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    if (f.isDirectory()) walk(p);
    else if (f.name.endsWith('.js')) allGzip += gzipSync(readFileSync(p), { level: 9 }).length;
  }
};
walk(join(BUILD, '_app'));

console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, node ${process.version}`,
);
console.log(`build: ${relative(process.cwd(), BUILD) || '.'}, ${seen.size} initial chunks`);
for (const [url, v] of rows.slice(0, 8)) {
  console.log(`  ${kb(v.gzip).padStart(7)} KB gzip  ${kb(v.raw).padStart(7)} KB  ${url}`);
}
if (rows.length > 8) console.log(`  … ${rows.length - 8} smaller chunks`);
console.log(
  `initial JavaScript (/roles): ${kb(total.gzip)} KB gzip (${kb(total.raw)} KB raw); target ≤ ${TARGET_KB} KB gzip: ${total.gzip <= TARGET_KB * 1024 ? 'met' : 'NOT met'}`,
);
console.log(`all JavaScript in ${dirname(join(BUILD, '_app/x'))}: ${kb(allGzip)} KB gzip`);
