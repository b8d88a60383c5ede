#!/usr/bin/env node
// Draws the app icon, a white envelope on a blue rounded square, into build/icon.png
// (512x512 RGBA, the size electron-builder needs to derive the macOS .icns and Windows .ico).
// Plain Node and zlib, no image library: the icon is geometry, so it is generated, not drawn by
// hand, and can be regenerated after a change here with `node build/make-icon.mjs`.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // 4x4 samples per pixel: smooth edges without an anti-aliasing algorithm

const insideRoundedRect = (x, y, left, top, right, bottom, r) => {
  const cx = (left + right) / 2;
  const cy = (top + bottom) / 2;
  const dx = Math.max(Math.abs(x - cx) - ((right - left) / 2 - r), 0);
  const dy = Math.max(Math.abs(y - cy) - ((bottom - top) / 2 - r), 0);
  return dx * dx + dy * dy <= r * r;
};

const distToSegment = (x, y, [ax, ay], [bx, by]) => {
  const vx = bx - ax;
  const vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - (ax + t * vx), y - (ay + t * vy));
};

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const BLUE_TOP = [59, 130, 246]; // #3B82F6
const BLUE_BOTTOM = [29, 78, 216]; // #1D4ED8
const WHITE = [255, 255, 255];
const FLAP = [37, 99, 235]; // #2563EB

// The envelope, and the V of its flap from the top corners down to the middle.
const ENV = { left: 104, top: 152, right: 408, bottom: 360, r: 24 };
const FLAP_LEFT = [ENV.left + 22, ENV.top + 22];
const FLAP_TIP = [256, 268];
const FLAP_RIGHT = [ENV.right - 22, ENV.top + 22];
const FLAP_HALF_WIDTH = 11;

/** The colour at one sample point, or null where the icon is transparent. */
function sample(x, y) {
  if (!insideRoundedRect(x, y, 24, 24, 488, 488, 104)) return null;
  if (insideRoundedRect(x, y, ENV.left, ENV.top, ENV.right, ENV.bottom, ENV.r)) {
    const d = Math.min(distToSegment(x, y, FLAP_LEFT, FLAP_TIP), distToSegment(x, y, FLAP_TIP, FLAP_RIGHT));
    return d <= FLAP_HALF_WIDTH ? FLAP : WHITE;
  }
  return mix(BLUE_TOP, BLUE_BOTTOM, y / SIZE);
}

export function renderIcon() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = sample(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const o = (py * SIZE + px) * 4;
      // Average the covered samples' colour (straight alpha, as PNG stores it); coverage is alpha.
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
      }
      rgba[o + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
    }
  }
  return rgba;
}

// ---------------------------------------------------------------- PNG (RFC 2083)

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function encodePng(rgba, width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 6; // colour type: RGBA
  // bytes 10-12: deflate, adaptive filtering, no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None for every row
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Run as a script (not imported): write the file.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = new URL('./icon.png', import.meta.url);
  writeFileSync(out, encodePng(renderIcon(), SIZE, SIZE));
  console.log(`wrote ${out.pathname}`);
}
