/**
 * Writes the PWA icons (192, 512, maskable 512) as PNGs with no image library: the mark is a white ring with an
 * accent dot on the brand blue. Maskable icons keep the mark inside the 80% safe zone on a full-bleed background.
 * Run: node server/scripts/make-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BRAND = [0x1d, 0x3b, 0x6f] as const;
const WHITE = [0xff, 0xff, 0xff] as const;
const ACCENT = [0x7c, 0xc4, 0xff] as const;

function crc32(buf: Buffer): number {
  let crc = ~0;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function icon(size: number, maskable: boolean): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const c = size / 2;
  const scale = maskable ? 0.8 : 1;
  const corner = maskable ? 0 : size * 0.2;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - c;
      const dy = y + 0.5 - c;
      const r = Math.hypot(dx, dy) / (size / 2) / scale;
      const cx = Math.max(Math.abs(dx) - (c - corner), 0);
      const cy = Math.max(Math.abs(dy) - (c - corner), 0);
      const inside = corner === 0 || Math.hypot(cx, cy) <= corner;
      const dot = Math.hypot(dx - size * 0.22 * scale, dy - size * 0.22 * scale) / (size / 2) / scale;
      let colour: readonly number[] = BRAND;
      if (r > 0.42 && r < 0.62) colour = WHITE;
      if (dot < 0.14) colour = ACCENT;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = colour[0]!;
      raw[o + 1] = colour[1]!;
      raw[o + 2] = colour[2]!;
      raw[o + 3] = inside ? 255 : 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../../public/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', out), icon(192, false));
writeFileSync(new URL('icon-512.png', out), icon(512, false));
writeFileSync(new URL('maskable-512.png', out), icon(512, true));
