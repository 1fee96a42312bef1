import {
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFPage,
  concatTransformationMatrix,
  degrees,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';
import { inspectUpload } from '../blobs/inspect.ts';
import { AppError } from '../errors.ts';
import { parsePdf } from '../pdf/parse-pdf.ts';
import { rewritePdf } from '../pdf/rewrite-pdf.ts';
import { requireOcrTools } from './probe.ts';
import { runTool } from './run-tool.ts';

export type PageKind = 'pdf' | 'jpeg' | 'png' | 'tiff';
/** One file of a scan batch. `name` (the file's name as sent) only makes messages say which file. */
export type PageSource = { bytes: Uint8Array; kind: PageKind; name?: string };
/** A page of the assembled PDF: `page` is 1-based within its source; `rotate` turns it clockwise, on top of its own rotation. */
export interface PagePick {
  source: number;
  page: number;
  rotate?: 0 | 90 | 180 | 270;
}

export const ASSEMBLE_LIMITS = {
  /** Pages in one assembled PDF, and frames in one TIFF. */
  maxPages: 2000,
  /** One image's pixels: a scan of A3 at 600 dpi is 70 million; more is a decompression bomb. */
  maxPixels: 120_000_000,
  /** img2pdf converting one TIFF. */
  convertTimeoutMs: 120_000,
} as const;

/** The A4 sheet in points: an image whose resolution is unknown or implausible is fitted into it. */
const A4 = { short: 595.28, long: 841.89 };

/** Which of the accepted page formats the bytes are, by their first bytes; null for anything else. */
export function sniffPageKind(bytes: Uint8Array): PageKind | null {
  const b = bytes;
  if (b.length >= 5 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 && b[4] === 0x2d) return 'pdf';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a)
    return 'png';
  if (b.length >= 8 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42 && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 42)))
    return 'tiff';
  return null;
}

const LABEL: Record<PageKind, string> = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG', tiff: 'TIFF' };
const EXT: Record<Exclude<PageKind, 'tiff'>, string> = { pdf: 'pdf', jpeg: 'jpg', png: 'png' };

const fileOf = (src: PageSource, i: number) => ({
  vi: src.name ? `Tệp “${src.name}”` : `Tệp thứ ${i + 1}`,
  en: src.name ? `File “${src.name}”` : `File ${i + 1}`,
});

function refuse(code: 'VALIDATION_FAILED' | 'UNSUPPORTED_MEDIA_TYPE', src: PageSource, i: number, vi: string, en: string): AppError {
  const f = fileOf(src, i);
  const path = `sources[${i}]`;
  return new AppError(code, { vi: `${f.vi}: ${vi}`, en: `${f.en}: ${en}` }, [{ path, message: vi, messageEn: en }]);
}

/** Re-throws a check's refusal with the file named, keeping its code (413, 415 active content, …). */
function named(e: unknown, src: PageSource, i: number): never {
  if (!(e instanceof AppError)) throw e;
  const f = fileOf(src, i);
  throw new AppError(e.code, { vi: `${f.vi}: ${e.text.vi}`, en: `${f.en}: ${e.text.en}` }, [
    { path: `sources[${i}]`, message: e.text.vi, messageEn: e.text.en },
  ]);
}

// ------------------------------------------------------------------------------------------
// Reading the sources: each checked by content before anything is drawn from it

interface ImageInfo {
  width: number;
  height: number;
  dpiX?: number;
  dpiY?: number;
}
type Loaded =
  | { kind: 'pdf'; doc: PDFDocument; pages: number }
  | { kind: 'jpeg'; info: ImageInfo; orientation: 0 | 90 | 180 | 270; pages: 1 }
  | { kind: 'png'; info: ImageInfo & PngHeader; pages: 1 }
  | { kind: 'tiff'; frames: ImageInfo[]; pages: number; doc?: PDFDocument };

function checkKind(src: PageSource, i: number): PageKind {
  const found = sniffPageKind(src.bytes);
  if (!found)
    throw refuse('UNSUPPORTED_MEDIA_TYPE', src, i, 'chỉ nhận trang quét dạng PDF, TIFF, JPEG hoặc PNG', 'only PDF, TIFF, JPEG or PNG scans are accepted');
  if (found !== src.kind)
    throw refuse(
      'VALIDATION_FAILED',
      src,
      i,
      `được gửi là ${LABEL[src.kind]} nhưng nội dung là ${LABEL[found]}`,
      `was sent as ${LABEL[src.kind]} but its content is ${LABEL[found]}`,
    );
  return found;
}

async function load(src: PageSource, i: number, withTiffPdf: boolean): Promise<Loaded> {
  const kind = checkKind(src, i);
  if (kind !== 'tiff') {
    try {
      // The upload checks (structure, polyglots, PDF active content) with the size left to the caller.
      inspectUpload(src.bytes, `scan.${EXT[kind]}`, { maxBytes: Number.MAX_SAFE_INTEGER });
    } catch (e) {
      named(e, src, i);
    }
  }
  if (kind === 'pdf') {
    try {
      // pdf-lib reads the plain rewrite: it cannot decode every object stream a scanner writes.
      const doc = await PDFDocument.load(rewritePdf(parsePdf(src.bytes)), { updateMetadata: false });
      return { kind, doc, pages: doc.getPageCount() };
    } catch (e) {
      if (e instanceof AppError) named(e, src, i);
      throw refuse('VALIDATION_FAILED', src, i, 'tệp PDF bị hỏng, không đọc được các trang', 'the PDF is damaged: its pages cannot be read');
    }
  }
  if (kind === 'jpeg') {
    const j = readJpeg(src.bytes);
    if (!j) throw refuse('VALIDATION_FAILED', src, i, 'ảnh JPEG bị hỏng (không có khung ảnh)', 'the JPEG is damaged (no frame header)');
    checkPixels(j.info, src, i);
    return { kind, info: j.info, orientation: j.orientation, pages: 1 };
  }
  if (kind === 'png') {
    const p = readPng(src.bytes);
    if (!p) throw refuse('VALIDATION_FAILED', src, i, 'ảnh PNG bị hỏng', 'the PNG is damaged');
    checkPixels(p, src, i);
    return { kind, info: p, pages: 1 };
  }
  const frames = readTiff(src.bytes);
  if (typeof frames === 'string') throw refuse('VALIDATION_FAILED', src, i, `ảnh TIFF bị hỏng (${frames})`, `the TIFF is damaged (${frames})`);
  if (isPolyglot(src.bytes)) throw refuse('UNSUPPORTED_MEDIA_TYPE', src, i, 'tệp chứa đồng thời nhiều định dạng', 'the file is two formats at once');
  for (const f of frames) checkPixels(f, src, i);
  if (!withTiffPdf) return { kind, frames, pages: frames.length };
  return { kind, frames, pages: frames.length, doc: await tiffToPdf(src, i, frames.length) };
}

function checkPixels(info: ImageInfo, src: PageSource, i: number) {
  if (!info.width || !info.height) throw refuse('VALIDATION_FAILED', src, i, 'ảnh không có kích thước', 'the image has no size');
  if (info.width * info.height > ASSEMBLE_LIMITS.maxPixels)
    throw refuse(
      'VALIDATION_FAILED',
      src,
      i,
      `ảnh quá lớn (${info.width}×${info.height} điểm ảnh); hãy quét ở độ phân giải 300 dpi`,
      `the image is too large (${info.width}×${info.height} pixels); scan at 300 dpi`,
    );
}

// What browsers sniff as markup and what PDF readers accept as a header in the first kilobyte.
function isPolyglot(b: Uint8Array): boolean {
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 1024)).toString('latin1');
  return head.includes('%PDF-') || /<(?:html|script|body|iframe|svg|!doctype)[\s>/]/i.test(head);
}

/** The number of pages a source gives; checks it the way assemblePdf does (TIFF frames are counted, not converted). */
export async function countPages(src: PageSource): Promise<number> {
  return (await load(src, 0, false)).pages;
}

// ------------------------------------------------------------------------------------------
// Assembling

/**
 * One PDF of the picked pages in pick order, each turned by its pick's rotation (the page's
 * /Rotate; a phone photo's EXIF orientation counted first). Images become pages of their own
 * size at their resolution, or fitted into A4 when the resolution is unknown or implausible (a
 * phone photo says 72 dpi), so recognition knows the text's real size. PNGs are copied into the
 * PDF without decoding where PDF can carry them as they are; TIFFs go through img2pdf.
 */
export async function assemblePdf(sources: PageSource[], picks: PagePick[]): Promise<Uint8Array> {
  if (!picks.length)
    throw new AppError('VALIDATION_FAILED', { vi: 'Chưa chọn trang nào', en: 'No page was picked' }, [
      { path: 'picks', message: 'Chưa chọn trang nào', messageEn: 'No page was picked' },
    ]);
  if (picks.length > ASSEMBLE_LIMITS.maxPages)
    throw new AppError('VALIDATION_FAILED', {
      vi: `Quá nhiều trang: tối đa ${ASSEMBLE_LIMITS.maxPages}`,
      en: `Too many pages: at most ${ASSEMBLE_LIMITS.maxPages}`,
    });
  picks.forEach((p, k) => {
    const bad = (vi: string, en: string) => new AppError('VALIDATION_FAILED', { vi, en }, [{ path: `picks[${k}]`, message: vi, messageEn: en }]);
    if (!Number.isInteger(p.source) || p.source < 0 || p.source >= sources.length)
      throw bad('Trang chọn từ tệp không có', 'The page is picked from a file that is not there');
    if (!Number.isInteger(p.page) || p.page < 1) throw bad('Số trang phải từ 1 trở lên', 'Page numbers start at 1');
    if (p.rotate !== undefined && ![0, 90, 180, 270].includes(p.rotate))
      throw bad('Chỉ xoay 0, 90, 180 hoặc 270 độ', 'Rotate by 0, 90, 180 or 270 degrees only');
  });
  const used = [...new Set(picks.map((p) => p.source))];
  const loaded = new Map<number, Loaded>();
  for (const i of used) loaded.set(i, await load(sources[i], i, true));
  picks.forEach((p, k) => {
    const l = loaded.get(p.source)!;
    if (p.page > l.pages) {
      const vi = `không có trang ${p.page} (tệp có ${l.pages} trang)`;
      const en = `has no page ${p.page} (it has ${l.pages})`;
      const f = fileOf(sources[p.source], p.source);
      throw new AppError('VALIDATION_FAILED', { vi: `${f.vi} ${vi}`, en: `${f.en} ${en}` }, [{ path: `picks[${k}]`, message: vi, messageEn: en }]);
    }
  });

  const out = await PDFDocument.create({ updateMetadata: false });
  out.setProducer('congso');
  out.setCreator('congso');
  // Pages copied from one document in one call share their fonts and images.
  const copied = new Map<string, PDFPage>();
  for (const [i, l] of loaded) {
    const doc = l.kind === 'pdf' || l.kind === 'tiff' ? l.doc : undefined;
    if (!doc) continue;
    const wanted = [...new Set(picks.filter((p) => p.source === i).map((p) => p.page - 1))];
    const pages = await out.copyPages(doc, wanted);
    wanted.forEach((w, k) => copied.set(`${i}:${w}`, pages[k]));
  }
  const usedOnce = new Set<string>();
  for (const p of picks) {
    const l = loaded.get(p.source)!;
    let page: PDFPage;
    let base = 0;
    if (l.kind === 'pdf' || l.kind === 'tiff') {
      const key = `${p.source}:${p.page - 1}`;
      // The same page picked twice (a document that belongs to two components) is copied again.
      page = usedOnce.has(key) ? (await out.copyPages(l.doc!, [p.page - 1]))[0] : copied.get(key)!;
      usedOnce.add(key);
      out.addPage(page);
      if (l.kind === 'tiff') {
        const f = l.frames[p.page - 1];
        const [w, h] = pageSize(f);
        const { width, height } = page.getSize();
        page.scale(w / width, h / height);
      }
      base = page.getRotation().angle;
    } else if (l.kind === 'jpeg') {
      const img = await out.embedJpg(ownBuffer(sources[p.source].bytes));
      const [w, h] = pageSize(l.info);
      page = out.addPage([w, h]);
      page.drawImage(img, { x: 0, y: 0, width: w, height: h });
      base = l.orientation;
    } else {
      const [w, h] = pageSize(l.info);
      page = out.addPage([w, h]);
      await drawPng(out, page, sources[p.source].bytes, l.info, w, h);
    }
    page.setRotation(degrees(normalAngle(base + (p.rotate ?? 0))));
  }
  return out.save({ useObjectStreams: false });
}

/** pdf-lib reads images through a DataView over the whole ArrayBuffer: a Buffer from Node's pool starts elsewhere in it. */
const ownBuffer = (b: Uint8Array) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b));

const normalAngle = (a: number) => ((((Math.round(a / 90) * 90) % 360) + 360) % 360) as 0 | 90 | 180 | 270;

/** Points for an image: its size at its resolution when that gives a plausible sheet, else fitted into A4. */
function pageSize(info: ImageInfo): [number, number] {
  const { width, height, dpiX, dpiY } = info;
  if (dpiX && dpiY && dpiX >= 50 && dpiY >= 50 && dpiX <= 2400 && dpiY <= 2400) {
    const w = (width * 72) / dpiX;
    const h = (height * 72) / dpiY;
    // From a business card (about 5 cm) up to A3 with a margin.
    if (Math.min(w, h) >= 130 && Math.max(w, h) <= 1300) return [w, h];
  }
  const s = Math.min(A4.short / Math.min(width, height), A4.long / Math.max(width, height));
  return [width * s, height * s];
}

// ------------------------------------------------------------------------------------------
// JPEG: size, resolution (JFIF) and the camera's orientation (EXIF)

function readJpeg(b: Uint8Array): { info: ImageInfo; orientation: 0 | 90 | 180 | 270 } | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 2;
  let dpiX: number | undefined;
  let dpiY: number | undefined;
  let orientation: 0 | 90 | 180 | 270 = 0;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const len = v.getUint16(i + 2);
    const body = i + 4;
    if (len < 2 || body + len - 2 > b.length) return null;
    if (marker === 0xe0 && len >= 16 && ascii(b, body, 5) === 'JFIF\0') {
      const units = b[body + 7];
      const x = v.getUint16(body + 8);
      const y = v.getUint16(body + 10);
      if (units === 1 && x && y) [dpiX, dpiY] = [x, y];
      if (units === 2 && x && y) [dpiX, dpiY] = [x * 2.54, y * 2.54];
    }
    if (marker === 0xe1 && len >= 16 && ascii(b, body, 6) === 'Exif\0\0') orientation = exifOrientation(b.subarray(body + 6, body + len - 2));
    // Start of frame (not DHT C4, JPG C8, DAC CC): height and width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (len < 8) return null;
      return { info: { height: v.getUint16(body + 1), width: v.getUint16(body + 3), dpiX, dpiY }, orientation };
    }
    if (marker === 0xda) return null;
    i = body + len - 2;
  }
  return null;
}

const ascii = (b: Uint8Array, at: number, n: number) => Buffer.from(b.buffer, b.byteOffset + at, Math.min(n, Math.max(0, b.length - at))).toString('latin1');

/** EXIF Orientation (tag 0x0112) as the clockwise turn that shows the photo upright; mirrored ones are left as they are. */
function exifOrientation(t: Uint8Array): 0 | 90 | 180 | 270 {
  if (t.length < 8) return 0;
  const v = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const le = t[0] === 0x49;
  const ifd = v.getUint32(4, le);
  if (ifd + 2 > t.length) return 0;
  const n = v.getUint16(ifd, le);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > t.length) return 0;
    if (v.getUint16(e, le) !== 0x0112) continue;
    const o = v.getUint16(e + 8, le);
    return o === 3 ? 180 : o === 6 ? 90 : o === 8 ? 270 : 0;
  }
  return 0;
}

// ------------------------------------------------------------------------------------------
// PNG: the compressed rows go into the PDF as they are when PDF can read them so

interface PngHeader {
  bitDepth: number;
  colorType: number;
  interlace: number;
  palette?: Uint8Array;
  transparency: boolean;
  idat: Uint8Array[];
}

function readPng(b: Uint8Array): (ImageInfo & PngHeader) | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 8;
  let head: (ImageInfo & PngHeader) | undefined;
  while (i + 12 <= b.length) {
    const len = v.getUint32(i);
    const type = ascii(b, i + 4, 4);
    const data = i + 8;
    if (data + len + 4 > b.length) return null;
    if (type === 'IHDR') {
      if (len < 13) return null;
      head = {
        width: v.getUint32(data),
        height: v.getUint32(data + 4),
        bitDepth: b[data + 8],
        colorType: b[data + 9],
        interlace: b[data + 12],
        transparency: false,
        idat: [],
      };
    } else if (!head) return null;
    else if (type === 'PLTE') head.palette = b.subarray(data, data + len);
    else if (type === 'tRNS') head.transparency = true;
    else if (type === 'pHYs' && len >= 9 && b[data + 8] === 1) {
      // Pixels per metre.
      head.dpiX = v.getUint32(data) * 0.0254;
      head.dpiY = v.getUint32(data + 4) * 0.0254;
    } else if (type === 'IDAT') head.idat.push(b.subarray(data, data + len));
    else if (type === 'IEND') return head.idat.length && validDepth(head) ? head : null;
    i = data + len + 4;
  }
  return null;
}

/** The bit depths PNG allows for each colour type: anything else is a damaged file. */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const validDepth = (h: PngHeader) => (DEPTHS[h.colorType] ?? []).includes(h.bitDepth) && h.interlace <= 1;

async function drawPng(out: PDFDocument, page: PDFPage, bytes: Uint8Array, png: PngHeader & ImageInfo, w: number, h: number) {
  const colors = { 0: 1, 2: 3, 3: 1 }[png.colorType as 0 | 2 | 3];
  // Alpha, transparency and interlacing need the pixels decoded: pdf-lib does it.
  if (!colors || png.interlace || png.transparency || (png.colorType === 3 && !png.palette)) {
    const img = await out.embedPng(ownBuffer(bytes));
    page.drawImage(img, { x: 0, y: 0, width: w, height: h });
    return;
  }
  const colorSpace =
    png.colorType === 0
      ? PDFName.of('DeviceGray')
      : png.colorType === 2
        ? PDFName.of('DeviceRGB')
        : out.context.obj([
            PDFName.of('Indexed'),
            PDFName.of('DeviceRGB'),
            PDFNumber.of(png.palette!.length / 3 - 1),
            PDFHexString.of(Buffer.from(png.palette!).toString('hex')),
          ]);
  const stream = out.context.stream(Buffer.concat(png.idat), {
    Type: 'XObject',
    Subtype: 'Image',
    Width: png.width,
    Height: png.height,
    ColorSpace: colorSpace,
    BitsPerComponent: png.bitDepth,
    Filter: 'FlateDecode',
    DecodeParms: { Predictor: 15, Colors: colors, BitsPerComponent: png.bitDepth, Columns: png.width },
  });
  const name = page.node.newXObject('Scan', out.context.register(stream));
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, 0, 0), drawObject(name), popGraphicsState());
}

// ------------------------------------------------------------------------------------------
// TIFF: the frames are counted and checked here, converted by img2pdf (Debian's; pdf-lib reads no TIFF)

function readTiff(b: Uint8Array): ImageInfo[] | string {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = b[0] === 0x49;
  const frames: ImageInfo[] = [];
  const seen = new Set<number>();
  let ifd = v.getUint32(4, le);
  if (!ifd) return 'không có ảnh nào / no image';
  while (ifd) {
    if (seen.has(ifd)) return 'các ảnh trỏ vòng / the frames loop';
    seen.add(ifd);
    if (frames.length >= ASSEMBLE_LIMITS.maxPages) return `quá ${ASSEMBLE_LIMITS.maxPages} trang / over ${ASSEMBLE_LIMITS.maxPages} pages`;
    if (ifd + 2 > b.length) return 'thư mục ảnh nằm ngoài tệp / a directory lies outside the file';
    const n = v.getUint16(ifd, le);
    if (!n || ifd + 2 + n * 12 + 4 > b.length) return 'thư mục ảnh nằm ngoài tệp / a directory lies outside the file';
    const tag = (t: number): number | undefined => {
      for (let k = 0; k < n; k++) {
        const e = ifd + 2 + k * 12;
        if (v.getUint16(e, le) !== t) continue;
        const type = v.getUint16(e + 2, le);
        if (type === 3) return v.getUint16(e + 8, le);
        if (type === 4) return v.getUint32(e + 8, le);
        if (type === 5) {
          const at = v.getUint32(e + 8, le);
          if (at + 8 > b.length) return undefined;
          const den = v.getUint32(at + 4, le);
          return den ? v.getUint32(at, le) / den : undefined;
        }
        return undefined;
      }
      return undefined;
    };
    const unit = tag(296) ?? 2;
    const perInch = unit === 3 ? 2.54 : unit === 2 ? 1 : 0;
    const rx = tag(282);
    const ry = tag(283);
    frames.push({
      width: tag(256) ?? 0,
      height: tag(257) ?? 0,
      dpiX: perInch && rx ? rx * perInch : undefined,
      dpiY: perInch && ry ? ry * perInch : undefined,
    });
    ifd = v.getUint32(ifd + 2 + n * 12, le);
  }
  return frames;
}

async function tiffToPdf(src: PageSource, i: number, frames: number): Promise<PDFDocument> {
  await requireOcrTools(['img2pdf']);
  // img2pdf copies CCITT G4 (what document scanners write) into the PDF as it is, and decodes the other compressions with Pillow.
  const r = await runTool('img2pdf', {
    args: ['-'],
    input: src.bytes,
    timeoutMs: ASSEMBLE_LIMITS.convertTimeoutMs,
    maxStdout: src.bytes.byteLength * 20 + 64 * 1024 * 1024,
  });
  if (r.code !== 0) {
    const why = lastLine(r.stderr) || (r.timedOut ? 'timed out' : `exit ${r.code}`);
    throw refuse('UNSUPPORTED_MEDIA_TYPE', src, i, `không chuyển được ảnh TIFF thành trang (${why})`, `the TIFF cannot be converted to pages (${why})`);
  }
  const doc = await PDFDocument.load(r.stdout, { updateMetadata: false });
  if (doc.getPageCount() !== frames)
    throw refuse('VALIDATION_FAILED', src, i, 'số trang đọc được khác số ảnh trong tệp TIFF', 'the pages read differ from the frames the TIFF lists');
  return doc;
}

export const lastLine = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1)
    ?.slice(0, 300) ?? '';
