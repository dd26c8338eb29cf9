// Writes the app icons (static/icon-192.png, icon-512.png, icon-maskable-512.png) as PNGs:
// a navy tile with a white "L" — the same mark as static/favicon.svg. Run: node scripts/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const NAVY = [0x1d, 0x35, 0x57];
const WHITE = [0xf1, 0xfa, 0xee];

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x / size, y / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** The mark in a unit square, scaled into [inset, 1 - inset]. */
function mark(inset, rounded) {
  return (u, v) => {
    const r = 0.22;
    if (rounded) {
      const cx = Math.min(Math.max(u, r), 1 - r);
      const cy = Math.min(Math.max(v, r), 1 - r);
      if ((u - cx) ** 2 + (v - cy) ** 2 > r * r) return [0, 0, 0, 0];
    }
    const x = (u - inset) / (1 - 2 * inset);
    const y = (v - inset) / (1 - 2 * inset);
    const inL =
      (x >= 0.31 && x <= 0.44 && y >= 0.22 && y <= 0.78) ||
      (x >= 0.31 && x <= 0.69 && y >= 0.66 && y <= 0.78);
    return [...(inL ? WHITE : NAVY), 255];
  };
}
writeFileSync('static/icon-192.png', png(192, mark(0, true)));
writeFileSync('static/icon-512.png', png(512, mark(0, true)));
// Maskable: full bleed, the mark inside the central safe zone.
writeFileSync('static/icon-maskable-512.png', png(512, mark(0.1, false)));
console.log('icons written');
