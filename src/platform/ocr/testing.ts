/**
 * Test-only: scans made from scratch. A Vietnamese page is drawn with pdf-lib in the embedded
 * Be Vietnam Pro, rasterised by pdftoppm, made to look scanned (a small skew, seeded noise) in
 * plain JavaScript, and written as PNG (and as a multi-page TIFF): every byte of the input is
 * known, so a test can say which words recognition must find.
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument, rgb } from 'pdf-lib';
import { PNG_SIGNATURE, pngChunk } from '../blobs/testing/fixtures.ts';
import { embedFonts } from '../pdf/fonts.ts';
import { runTool } from './run-tool.ts';

/** An 8-bit grayscale image, rows top to bottom. */
export interface Gray {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The page the OCR tests read: an administrative confirmation, in the words a search would use. */
export const SCAN_LINES = [
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  '',
  'GIẤY XÁC NHẬN CƯ TRÚ',
  '',
  'Ủy ban nhân dân phường Tràng Tiền xác nhận:',
  'Ông Nguyễn Văn Đức, sinh ngày 05 tháng 3 năm 1985,',
  'số định danh cá nhân 001085012345,',
  'thường trú tại số 12 phố Hàng Bài, quận Hoàn Kiếm,',
  'thành phố Hà Nội.',
  'Giấy này có giá trị đến hết ngày 31 tháng 12 năm 2026.',
];

/** A Vietnamese A4 page (or several): lines of text, 16 pt, in Be Vietnam Pro. */
export async function renderTextPdf(pages: string[][] = [SCAN_LINES], size = 16): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  for (const lines of pages) {
    const page = doc.addPage([595.28, 841.89]);
    let y = 770;
    for (const [i, line] of lines.entries()) {
      if (line) page.drawText(line, { x: 60, y, size, font: i < 4 ? fonts.bold : fonts.regular, color: rgb(0, 0, 0) });
      y -= size * 1.9;
    }
  }
  return doc.save();
}

/** One page of a PDF as pixels, by pdftoppm: grayscale (PGM, decoded here) or a JPEG file. */
export async function rasterise(pdf: Uint8Array, opts: { dpi: number; page?: number }): Promise<Gray>;
export async function rasterise(pdf: Uint8Array, opts: { dpi: number; page?: number; jpeg: true }): Promise<Uint8Array>;
export async function rasterise(pdf: Uint8Array, opts: { dpi: number; page?: number; jpeg?: boolean }): Promise<Gray | Uint8Array> {
  const n = String(opts.page ?? 1);
  const format = opts.jpeg ? ['-jpeg'] : ['-gray'];
  const r = await runTool('pdftoppm', { args: [...format, '-r', String(opts.dpi), '-singlefile', '-f', n, '-l', n, '-'], input: pdf, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  if (opts.jpeg) return new Uint8Array(r.stdout);
  return readPgm(r.stdout);
}

function readPgm(b: Buffer): Gray {
  // P5 <width> <height> <maxval> and one whitespace byte, then the pixels.
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(b.toString('latin1', 0, 64));
  if (m?.[3] !== '255') throw new Error('not an 8-bit PGM');
  const width = Number(m[1]);
  const height = Number(m[2]);
  return { width, height, data: new Uint8Array(b.subarray(m[0].length, m[0].length + width * height)) };
}

/** A seeded generator (mulberry32): the same seed gives the same noise in every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What a flatbed or a hurried hand does to a page: turned by `skewDeg` about its centre
 * (bilinear, white outside), grey noise of ±`noise` levels on every pixel and a sprinkle of
 * black and white specks (`specks`, a fraction of the pixels).
 */
export function scanLike(img: Gray, opts: { seed: number; skewDeg: number; noise?: number; specks?: number }): Gray {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(w * h);
  const rnd = seeded(opts.seed);
  const a = (opts.skewDeg * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = w / 2;
  const cy = h / 2;
  const noise = opts.noise ?? 30;
  const specks = opts.specks ?? 0.002;
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 255 : data[y * w + x]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // The source pixel this output pixel shows: the inverse turn.
      const dx = x - cx;
      const dy = y - cy;
      const sx = cos * dx + sin * dy + cx;
      const sy = -sin * dx + cos * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      let v = top * (1 - fy) + bottom * fy + (rnd() * 2 - 1) * noise;
      const s = rnd();
      if (s < specks / 2) v = 0;
      else if (s < specks) v = 255;
      out[y * w + x] = Math.max(0, Math.min(255, v));
    }
  }
  return { width: w, height: h, data: out };
}

/** An 8-bit grayscale PNG with its resolution (pHYs), so a page built from it has the sheet's real size. */
export function encodePng(img: Gray, dpi: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0; // grayscale
  const rows = Buffer.alloc((img.width + 1) * img.height);
  for (let y = 0; y < img.height; y++) rows.set(img.data.subarray(y * img.width, (y + 1) * img.width), y * (img.width + 1) + 1);
  const phys = Buffer.alloc(9);
  const ppm = Math.round(dpi / 0.0254);
  phys.writeUInt32BE(ppm, 0);
  phys.writeUInt32BE(ppm, 4);
  phys[8] = 1; // per metre
  return new Uint8Array(
    Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('pHYs', phys), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]),
  );
}

/**
 * A multi-page TIFF (little-endian, 8-bit grayscale, one Deflate-compressed strip per page, the
 * resolution in dots per inch): one page per image, as a scanner's multi-page file.
 */
export function encodeTiff(pages: Gray[], dpi: number): Uint8Array {
  const parts: Buffer[] = [Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0])];
  let at = 8;
  const ifdOffsets: number[] = [];
  const nextPointers: number[] = [];
  for (const img of pages) {
    const strip = deflateSync(Buffer.from(img.data));
    const stripAt = at;
    parts.push(strip);
    at += strip.length;
    if (at % 2) {
      parts.push(Buffer.alloc(1));
      at++;
    }
    const resAt = at;
    const res = Buffer.alloc(8);
    res.writeUInt32LE(dpi, 0);
    res.writeUInt32LE(1, 4);
    parts.push(res);
    at += 8;
    // Tags in ascending order: [tag, type (3 SHORT, 4 LONG, 5 RATIONAL), value or offset].
    const entries: [number, number, number][] = [
      [256, 4, img.width],
      [257, 4, img.height],
      [258, 3, 8],
      [259, 3, 8], // Adobe Deflate
      [262, 3, 1], // black is zero
      [273, 4, stripAt],
      [277, 3, 1],
      [278, 4, img.height],
      [279, 4, strip.length],
      [282, 5, resAt],
      [283, 5, resAt],
      [296, 3, 2], // inches
    ];
    const ifd = Buffer.alloc(2 + entries.length * 12 + 4);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], k) => {
      const e = 2 + k * 12;
      ifd.writeUInt16LE(tag, e);
      ifd.writeUInt16LE(type, e + 2);
      ifd.writeUInt32LE(1, e + 4);
      if (type === 3) ifd.writeUInt16LE(value, e + 8);
      else ifd.writeUInt32LE(value, e + 8);
    });
    ifdOffsets.push(at);
    nextPointers.push(at + 2 + entries.length * 12);
    parts.push(ifd);
    at += ifd.length;
  }
  const out = Buffer.concat(parts);
  out.writeUInt32LE(ifdOffsets[0], 4);
  for (let k = 0; k + 1 < pages.length; k++) out.writeUInt32LE(ifdOffsets[k + 1], nextPointers[k]);
  return new Uint8Array(out);
}

/**
 * The scan a test files: SCAN_LINES drawn, rasterised at `dpi` (200 by default), skewed by
 * `skewDeg` (1.5° by default) with seeded noise, as a PNG that says its resolution.
 */
export async function scannedVietnamesePage(opts: { lines?: string[]; dpi?: number; skewDeg?: number; seed?: number } = {}): Promise<Uint8Array> {
  const dpi = opts.dpi ?? 200;
  const gray = await rasterise(await renderTextPdf([opts.lines ?? SCAN_LINES]), { dpi });
  return encodePng(scanLike(gray, { seed: opts.seed ?? 13, skewDeg: opts.skewDeg ?? 1.5 }), dpi);
}
