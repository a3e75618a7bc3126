#!/usr/bin/env node
// Draws the app icons into public/ (PNG via node:zlib, plus the same design as SVG), so the web
// app manifest needs no image tools. Run `node scripts/make-icons.mjs` after changing the design;
// the generated files are committed.
//
// Design: the λ logo of the header, white on the accent blue. The maskable variant is full-bleed
// with the glyph inside the central 80 % "safe zone" that launchers may crop to a circle.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const BACKGROUND = [0x3b, 0x5b, 0xdb];
const FOREGROUND = [0xff, 0xff, 0xff];

// The λ in a unit box (y down): a long stroke from the top serif to the bottom right, a short leg.
const STROKES = [
  [0.3, 0.2, 0.42, 0.2],
  [0.42, 0.2, 0.7, 0.8],
  [0.7, 0.8, 0.77, 0.8],
  [0.535, 0.445, 0.3, 0.8],
];
const STROKE_WIDTH = 0.09;

function distanceToSegment(px, py, [ax, ay, bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideRoundedSquare(x, y, radius) {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

/** RGBA pixels of the icon: `cornerRadius` 0 is full-bleed; `glyphScale` shrinks the λ about the centre. */
function draw(size, { cornerRadius, glyphScale }) {
  const SS = 4; // supersampling per axis
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const u = (x + (sx + 0.5) / SS) / size;
          const v = (y + (sy + 0.5) / SS) / size;
          if (!insideRoundedSquare(u, v, cornerRadius)) continue;
          bg++;
          const gu = (u - 0.5) / glyphScale + 0.5;
          const gv = (v - 0.5) / glyphScale + 0.5;
          if (STROKES.some((s) => distanceToSegment(gu, gv, s) <= STROKE_WIDTH / 2)) fg++;
        }
      }
      const i = (y * size + x) * 4;
      const a = bg / (SS * SS);
      const f = bg ? fg / bg : 0;
      for (let c = 0; c < 3; c++) pixels[i + c] = Math.round(BACKGROUND[c] * (1 - f) + FOREGROUND[c] * f);
      pixels[i + 3] = Math.round(a * 255);
    }
  }
  return pixels;
}

// ---- PNG ----------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- SVG ----------------------------------------------------------------------------------------

function svg({ cornerRadius, glyphScale }) {
  const s = 512;
  const t = (v) => +(((v - 0.5) * glyphScale + 0.5) * s).toFixed(1);
  const path = STROKES.map(([ax, ay, bx, by]) => `M${t(ax)} ${t(ay)}L${t(bx)} ${t(by)}`).join('');
  const hex = (rgb) => '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${s} ${s}">` +
    `<rect width="${s}" height="${s}" rx="${cornerRadius * s}" fill="${hex(BACKGROUND)}"/>` +
    `<path d="${path}" fill="none" stroke="${hex(FOREGROUND)}" stroke-width="${(STROKE_WIDTH * glyphScale * s).toFixed(1)}" stroke-linecap="round" stroke-linejoin="round"/>` +
    `</svg>\n`
  );
}

const ROUNDED = { cornerRadius: 0.22, glyphScale: 0.82 };
const FULL_BLEED = { cornerRadius: 0, glyphScale: 0.62 };

const files = {
  'icon-192.png': png(192, draw(192, ROUNDED)),
  'icon-512.png': png(512, draw(512, ROUNDED)),
  'icon-maskable-512.png': png(512, draw(512, FULL_BLEED)),
  // iOS masks the corners itself and shows transparency as black: full-bleed.
  'apple-touch-icon.png': png(180, draw(180, { cornerRadius: 0, glyphScale: 0.75 })),
  'favicon.svg': svg(ROUNDED),
};
for (const [name, data] of Object.entries(files)) {
  writeFileSync(join(OUT, name), data);
  console.log(`public/${name}  ${data.length} bytes`);
}
