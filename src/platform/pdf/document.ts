import { PDFDocument, PageSizes, rgb, type PDFPage } from 'pdf-lib';
import { AppError } from '../errors.ts';
import { placeDate } from './dates.ts';
import { embedFonts, type FontSet } from './fonts.ts';
import { qrMatrix, qrPayload, qrSvgPath, type QrData } from './qr.ts';
import { Measurer, drawLine, plainText, wrap, wrapBalanced, type Align, type Line, type RichText } from './text.ts';

export const MM = 72 / 25.4;

/** The national-style header (Decree 30/2020/NĐ-CP, Appendix I). */
export interface HeaderSpec {
  /** Lines above the issuing agency, regular: the parent agency ("BỘ CÔNG THƯƠNG"). */
  parentAgencies?: string[];
  /** The issuing agency or desk, bold, with a short rule under it. */
  agency: string;
  /** Number and notation without "Số: " ("15/GTN-BPMC"); omitted, the line is not printed. */
  number?: string;
  /** An official letter's summary under the number ("V/v …", Decree 30/2020, Appendix I). */
  subject?: string;
  /** Place name of the date line ("Hà Nội"). */
  place: string;
  /** Issue date: the date line and the PDF creation date. */
  date: Date;
}

export interface Signer {
  /** "NGƯỜI TIẾP NHẬN"; several lines with "\n" ("KT. CỤC TRƯỞNG\nPHÓ CỤC TRƯỞNG"). */
  title: string;
  /** Under the title, italic; default "(Ký và ghi rõ họ tên)". Empty string: none. */
  note?: string;
  name?: string;
  /** Room left for the handwritten or stamped signature, in mm; default 20. */
  space?: number;
}

export interface Field {
  label: string;
  /** Empty or missing values print as a dotted line, to be filled by hand. */
  value?: RichText;
  bold?: boolean;
}

export interface Column {
  header: string;
  /** Relative width; the columns share the text width in proportion. */
  width: number;
  align?: 'left' | 'center' | 'right';
}

export type Block =
  | { kind: 'heading'; text: string; align?: 'left' | 'center'; size?: number }
  | {
      kind: 'paragraph';
      text: RichText;
      align?: Align;
      bold?: boolean;
      italic?: boolean;
      size?: number;
      firstLineIndent?: number;
      indent?: number;
      spaceAfter?: number;
    }
  /** Numbered ("1.", "2." …), dashed or bulleted items with a hanging indent. */
  | { kind: 'list'; items: RichText[]; marker?: 'number' | 'paren' | 'dash' | 'bullet'; indent?: number; size?: number; align?: Align }
  /** "Label: value" lines; an inner array puts several fields on one line. */
  | { kind: 'fields'; items: (Field | Field[])[]; size?: number }
  | { kind: 'table'; columns: Column[]; rows: RichText[][]; size?: number; numbered?: boolean /** Cell padding in mm; default 1.5. */; padding?: number }
  /** The signature on the right; on the left, another signer or the "Nơi nhận" list. */
  | { kind: 'signature'; signer: Signer; left?: Signer; recipients?: string[] }
  | { kind: 'recipients'; items: string[] }
  | { kind: 'spacer'; mm: number };

export interface DocumentSpec {
  orientation?: 'portrait' | 'landscape';
  qr: QrData & { caption?: string[] };
  header: HeaderSpec;
  /** Printed bold, centred, upper case; empty for an official letter, which has none (its header's `subject` says what it is about). */
  title: string;
  /** Centred lines under the title ("Mã hồ sơ: …", "Về việc …"). */
  subtitle?: RichText[];
  body: Block[];
  meta?: { title?: string; subject?: string; keywords?: string[] };
  /** 'top': Decree 30 style, centred at the top from page 2; 'bottom': "Trang x/y" on every page. */
  pageNumbers?: 'top' | 'bottom' | 'none';
  /** Body text size in points; default 11. */
  fontSize?: number;
}

const MARGIN = 20 * MM;
const BLACK = rgb(0, 0, 0);
const LEADING = 1.38;
const DOTS = '……………………………………';

/** The A4 page flow: a cursor going down, a new page when the next thing does not fit. */
class Flow {
  page!: PDFPage;
  y = 0;
  readonly pages: PDFPage[] = [];
  readonly width: number;
  readonly height: number;
  readonly left = MARGIN;
  readonly right: number;
  readonly top: number;
  readonly bottom = MARGIN;
  constructor(
    readonly doc: PDFDocument,
    readonly fonts: FontSet,
    readonly m: Measurer,
    landscape: boolean,
  ) {
    const [w, h] = PageSizes.A4;
    [this.width, this.height] = landscape ? [h, w] : [w, h];
    this.right = this.width - MARGIN;
    this.top = this.height - MARGIN;
    this.newPage();
  }
  get textWidth() {
    return this.right - this.left;
  }
  newPage() {
    this.page = this.doc.addPage([this.width, this.height]);
    this.pages.push(this.page);
    this.y = this.top;
  }
  /** Starts a new page unless `h` points still fit; true if it did. */
  ensure(h: number): boolean {
    if (this.y - h >= this.bottom - 0.01 || this.y === this.top) return false;
    this.newPage();
    return true;
  }
  wrap(t: RichText, width: number, size: number, base?: { bold?: boolean; italic?: boolean }, firstWidth?: number) {
    return wrap(t, width, size, this.m, base, firstWidth);
  }
  /** Draws a line whose box starts at the cursor, and moves the cursor under it. */
  line(l: Line, x: number, width: number, size: number, align: Align) {
    drawLine(this.page, this.fonts, this.m, l, x, baseline(this.y, size), width, size, align);
    this.y -= size * LEADING;
  }
  rule(x1: number, x2: number, y: number, thickness = 0.6) {
    this.page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness, color: BLACK });
  }
}

/** Baseline of a line whose box top is `top`: the ascender sits within the leading. */
const baseline = (top: number, size: number) => top - size * (1 + (LEADING - 1.265) / 2);

/** Lines drawn as one unit (header columns, signatures), measured before drawn. */
interface Chunk {
  lines: Line[];
  size: number;
  align: Align;
  /** Offset from the column's left edge and the width it wraps to. */
  dx: number;
  width: number;
  gapBefore: number;
  marker?: { text: Line; width: number };
  rule?: 'third' | 'full';
}

const chunkHeight = (c: Chunk) => c.gapBefore + c.lines.length * c.size * LEADING;
const chunksHeight = (cs: Chunk[]) => cs.reduce((s, c) => s + chunkHeight(c), 0);

function drawChunks(f: Flow, cs: Chunk[], x: number, top: number): number {
  let y = top;
  for (const c of cs) {
    y -= c.gapBefore;
    c.lines.forEach((l, i) => {
      if (i === 0 && c.marker) drawLine(f.page, f.fonts, f.m, c.marker.text, x + c.dx - c.marker.width, baseline(y, c.size), c.marker.width, c.size, 'left');
      drawLine(f.page, f.fonts, f.m, l, x + c.dx, baseline(y, c.size), c.width, c.size, c.align);
      y -= c.size * LEADING;
    });
    if (c.rule && c.lines.length) {
      const w = Math.max(...c.lines.map((l) => l.width));
      const len = c.rule === 'full' ? w : Math.max(w / 3, 18 * MM);
      const cx = x + c.dx + c.width / 2;
      // Well under the descenders: a rule set apart from the text, not an underline.
      f.rule(cx - len / 2, cx + len / 2, y - c.size * 0.2);
      y -= c.size * 0.5;
    }
  }
  return y;
}

const upper = (s: string) => s.normalize('NFC').toLocaleUpperCase('vi');

function chunk(
  f: Flow,
  t: RichText,
  size: number,
  width: number,
  o: Partial<Omit<Chunk, 'lines' | 'size' | 'width'>> & { bold?: boolean; italic?: boolean } = {},
): Chunk {
  const style = { bold: o.bold, italic: o.italic };
  const align = o.align ?? 'center';
  const lines = align === 'center' ? wrapBalanced(t, width, size, f.m, style) : f.wrap(t, width, size, style);
  return { lines, size, width, align, dx: o.dx ?? 0, gapBefore: o.gapBefore ?? 0, rule: o.rule };
}

/** The largest size not above `size` at which a one-line text fits `width`. */
function fit(f: Flow, text: string, bold: boolean, size: number, width: number): number {
  const w = f.m.width(text.normalize('NFC'), bold ? 'bold' : 'regular', size);
  return w <= width ? size : Math.floor((size * width * 10) / w) / 10;
}

function drawQr(f: Flow, q: DocumentSpec['qr']): number {
  const matrix = qrMatrix(qrPayload(q));
  const n = matrix.length;
  // About 0.45 mm per module: phone cameras and a 150 dpi scan both read it, and the header
  // still starts in the upper quarter of the page.
  const size = Math.min(30 * MM, Math.max(20 * MM, n * 0.45 * MM));
  const mod = size / n;
  f.page.drawSvgPath(qrSvgPath(matrix, mod), { x: f.left, y: f.top, color: BLACK, borderWidth: 0 });
  if (q.caption?.length) {
    const cs = q.caption.map((c) => chunk(f, c, 8, f.textWidth / 2, { align: 'left' }));
    drawChunks(f, cs, f.left + size + 3 * MM, f.top - (size - chunksHeight(cs)) / 2);
  }
  return size;
}

function drawHeader(f: Flow, h: HeaderSpec, size: number) {
  const leftW = f.textWidth * 0.45;
  const rightW = f.textWidth - leftW;
  const pad = 2 * MM;
  const left: Chunk[] = [
    ...(h.parentAgencies ?? []).map((p) => chunk(f, upper(p), size, leftW - pad)),
    chunk(f, upper(h.agency), size, leftW - pad, { bold: true, rule: 'third' }),
  ];
  const nation = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
  const motto = 'Độc lập - Tự do - Hạnh phúc';
  const right: Chunk[] = [
    chunk(f, nation, fit(f, nation, true, size, rightW), rightW, { bold: true }),
    chunk(f, motto, fit(f, motto, true, size + 1, rightW), rightW, { bold: true, rule: 'full' }),
  ];
  const top = f.y;
  const yl = drawChunks(f, left, f.left, top);
  const yr = drawChunks(f, right, f.left + leftW, top);
  const row = Math.min(yl, yr) - 3;
  const numberAndSubject = [
    ...(h.number ? [chunk(f, `Số: ${h.number}`, size, leftW - pad)] : []),
    ...(h.subject ? [chunk(f, h.subject, size - 1, leftW - pad, { gapBefore: 1 })] : []),
  ];
  const yn = drawChunks(f, numberAndSubject, f.left, row);
  const yd = drawChunks(f, [chunk(f, placeDate(h.place, h.date), size, rightW, { italic: true })], f.left + leftW, row);
  f.y = Math.min(yn, yd);
}

function drawTitle(f: Flow, spec: DocumentSpec, size: number) {
  if (!spec.title && !spec.subtitle?.length) {
    f.y -= 3 * MM;
    return;
  }
  const w = f.textWidth * 0.9;
  const dx = (f.textWidth - w) / 2;
  const cs = [
    chunk(f, upper(spec.title), size + 2.5, w, { bold: true, dx }),
    ...(spec.subtitle ?? []).map((s, i) => chunk(f, s, size, w, { dx, gapBefore: i ? 0 : 2 })),
  ];
  f.y = drawChunks(f, cs, f.left, f.y - 5 * MM) - 3 * MM;
}

/** Paragraph lines flow over pages one by one; `dx` and `width` place the lines in the text width. */
function flowLines(
  f: Flow,
  lines: Line[],
  size: number,
  align: Align,
  dx: number,
  width: number,
  o: { firstDx?: number; marker?: { line: Line; dx: number; width: number } } = {},
) {
  lines.forEach((l, i) => {
    f.ensure(size * LEADING);
    const lx = i === 0 && o.firstDx !== undefined ? o.firstDx : dx;
    if (i === 0 && o.marker) drawLine(f.page, f.fonts, f.m, o.marker.line, f.left + o.marker.dx, baseline(f.y, size), o.marker.width, size, 'left');
    f.line(l, f.left + lx, width - (lx - dx), size, align);
  });
}

function fieldRuns(it: Field): RichText {
  const v = it.value;
  // An empty value prints as a dotted line, as on a paper form filled by hand.
  if (v === undefined || plainText(v).trim() === '') return [`${it.label}: `, DOTS];
  const runs = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [v as { text: string }];
  return [`${it.label}: `, ...runs.map((r) => (typeof r === 'string' ? { text: r, bold: it.bold } : { bold: it.bold, ...r }))];
}

function markerText(kind: 'number' | 'paren' | 'dash' | 'bullet', i: number) {
  return kind === 'number' ? `${i + 1}.` : kind === 'paren' ? `(${i + 1})` : kind === 'dash' ? '-' : '•';
}

function drawTable(f: Flow, b: Extract<Block, { kind: 'table' }>, path: string) {
  const size = b.size ?? 9.5;
  const lh = size * LEADING;
  const padX = (b.padding ?? 1.5) * MM;
  const padY = Math.min(1, b.padding ?? 1) * MM;
  const total = b.columns.reduce((s, c) => s + c.width, 0);
  const widths = b.columns.map((c) => (c.width / total) * f.textWidth);
  b.rows.forEach((r, i) => {
    if (r.length !== b.columns.length)
      throw new AppError(
        'VALIDATION_FAILED',
        {
          vi: `Dòng ${i + 1} của bảng có ${r.length} ô, cần ${b.columns.length}`,
          en: `Table row ${i + 1} has ${r.length} cells, expected ${b.columns.length}`,
        },
        [{ path: `${path}.rows[${i}]`, message: `Cần ${b.columns.length} ô`, messageEn: `Expected ${b.columns.length} cells` }],
      );
  });
  const cellLines = (t: RichText, w: number, bold = false) => f.wrap(t, Math.max(1, w - 2 * padX), size, { bold });
  const header = b.columns.map((c, i) => cellLines(c.header, widths[i], true));
  const headerRows = [{ cells: header, height: Math.max(...header.map((l) => l.length)) * lh + 2 * padY, bold: true }];
  if (b.numbered) {
    const nums = b.columns.map((_, i) => cellLines({ text: `(${i + 1})`, italic: true }, widths[i]));
    headerRows.push({ cells: nums, height: lh + 2 * padY, bold: false });
  }
  const headerHeight = headerRows.reduce((s, r) => s + r.height, 0);

  const grid = (top: number, height: number) => {
    const p = f.page;
    let x = f.left;
    p.drawRectangle({ x: f.left, y: top - height, width: f.textWidth, height, borderColor: BLACK, borderWidth: 0.5 });
    for (const w of widths.slice(0, -1)) {
      x += w;
      p.drawLine({ start: { x, y: top }, end: { x, y: top - height }, thickness: 0.5, color: BLACK });
    }
  };
  const drawCells = (cells: Line[][], from: number, count: number, top: number, height: number, align: (i: number) => Align, centreV = false) => {
    let x = f.left;
    cells.forEach((lines, i) => {
      const slice = lines.slice(from, from + count);
      let y = top - padY - (centreV ? (height - 2 * padY - slice.length * lh) / 2 : 0);
      for (const l of slice) {
        drawLine(f.page, f.fonts, f.m, l, x + padX, baseline(y, size), widths[i] - 2 * padX, size, align(i));
        y -= lh;
      }
      x += widths[i];
    });
    grid(top, height);
  };
  const drawHeaderRows = () => {
    for (const r of headerRows) {
      f.page.drawRectangle({ x: f.left, y: f.y - r.height, width: f.textWidth, height: r.height, color: rgb(0.93, 0.93, 0.93) });
      drawCells(r.cells, 0, Infinity, f.y, r.height, () => 'center', true);
      f.y -= r.height;
    }
  };

  // Never a header alone at the foot of a page: it goes with at least one line of a row.
  f.ensure(headerHeight + (b.rows.length ? lh + 2 * padY : 0));
  drawHeaderRows();
  b.rows.forEach((row) => {
    const cells = row.map((t, i) => cellLines(t, widths[i]));
    const n = Math.max(1, ...cells.map((c) => c.length));
    let done = 0;
    while (done < n) {
      const room = Math.floor((f.y - f.bottom - 2 * padY + 0.01) / lh);
      const fresh = f.top - f.bottom - headerHeight - 2 * padY;
      // Move a row that fits on a fresh page rather than split it; only a row taller than a
      // page (or a long remainder) is cut between lines.
      const atPageTop = Math.abs(f.y - (f.top - headerHeight)) < 0.01;
      if (room < n - done && !atPageTop && (room < 1 || (done === 0 && (n - done) * lh <= fresh))) {
        f.newPage();
        drawHeaderRows();
        continue;
      }
      const take = Math.max(1, Math.min(room, n - done));
      const height = take * lh + 2 * padY;
      drawCells(cells, done, take, f.y, height, (i) => b.columns[i].align ?? 'left');
      f.y -= height;
      done += take;
    }
  });
  f.y -= 2 * MM;
}

function signerChunks(f: Flow, s: Signer, width: number, size: number): Chunk[] {
  const cs = [chunk(f, upper(s.title), size, width, { bold: true })];
  const note = s.note ?? '(Ký và ghi rõ họ tên)';
  if (note) cs.push(chunk(f, note, size - 0.5, width, { italic: true }));
  if (s.name) cs.push(chunk(f, s.name, size, width, { bold: true, gapBefore: (s.space ?? 20) * MM }));
  else cs.push({ lines: [], size, width, align: 'center', dx: 0, gapBefore: (s.space ?? 20) * MM });
  return cs;
}

function recipientChunks(f: Flow, items: string[], width: number): Chunk[] {
  const markerW = f.m.width('- ', 'regular', 9.5);
  return [
    chunk(f, { text: 'Nơi nhận:', bold: true, italic: true }, 10.5, width, { align: 'left' }),
    ...items.map((it) => ({
      ...chunk(f, it, 9.5, width - markerW, { align: 'left', dx: markerW }),
      marker: { text: f.wrap('-', markerW, 9.5)[0], width: markerW },
    })),
  ];
}

function drawBlock(f: Flow, b: Block, base: number, path: string) {
  switch (b.kind) {
    case 'spacer':
      f.y -= b.mm * MM;
      return;
    case 'heading': {
      const size = b.size ?? base;
      const lines = f.wrap(b.text, f.textWidth, size, { bold: true });
      // Keep a heading with at least the first line after it.
      f.ensure((lines.length + 2) * size * LEADING + 2 * MM);
      f.y -= 2 * MM;
      flowLines(f, lines, size, b.align ?? 'left', 0, f.textWidth);
      f.y -= 1 * MM;
      return;
    }
    case 'paragraph': {
      const size = b.size ?? base;
      const dx = (b.indent ?? 0) * MM;
      const width = f.textWidth - dx;
      const first = (b.firstLineIndent ?? 0) * MM;
      const lines = f.wrap(b.text, width, size, { bold: b.bold, italic: b.italic }, width - first);
      flowLines(f, lines, size, b.align ?? 'justify', dx, width, { firstDx: dx + first });
      f.y -= b.spaceAfter ?? 1.2 * MM;
      return;
    }
    case 'list': {
      const size = b.size ?? base;
      const indent = (b.indent ?? 0) * MM;
      b.items.forEach((it, i) => {
        const mk = markerText(b.marker ?? 'number', i);
        const mw = Math.max(f.m.width(`${b.items.length}.  `, 'regular', size), f.m.width(`${mk} `, 'regular', size));
        const lines = f.wrap(it, f.textWidth - indent - mw, size);
        flowLines(f, lines, size, b.align ?? 'justify', indent + mw, f.textWidth - indent - mw, {
          marker: { line: f.wrap(mk, mw, size)[0], dx: indent, width: mw },
        });
      });
      f.y -= 1.2 * MM;
      return;
    }
    case 'fields': {
      const size = b.size ?? base;
      for (const it of b.items) {
        if (!Array.isArray(it) || it.length === 1) {
          flowLines(f, f.wrap(fieldRuns(Array.isArray(it) ? it[0] : it), f.textWidth, size), size, 'left', 0, f.textWidth);
          continue;
        }
        // Several fields on one line start at even tab stops, each wrapping in its own column.
        const colW = f.textWidth / it.length;
        const cs = it.map((fd, i) => chunk(f, fieldRuns(fd), size, colW - 3 * MM, { align: 'left', dx: i * colW }));
        const h = Math.max(...cs.map(chunkHeight));
        f.ensure(h);
        f.y = Math.min(...cs.map((c) => drawChunks(f, [c], f.left, f.y)));
      }
      f.y -= 1.2 * MM;
      return;
    }
    case 'table':
      drawTable(f, b, path);
      return;
    case 'recipients': {
      const cs = recipientChunks(f, b.items, f.textWidth * 0.45);
      f.ensure(chunksHeight(cs));
      f.y = drawChunks(f, cs, f.left, f.y);
      return;
    }
    case 'signature': {
      const leftW = f.textWidth * 0.45;
      const rightW = f.textWidth - leftW;
      const size = base;
      const right = signerChunks(f, b.signer, rightW, size);
      const left = b.left ? signerChunks(f, b.left, leftW, size) : b.recipients ? recipientChunks(f, b.recipients, leftW) : [];
      f.y -= 3 * MM;
      // A signature is never separated from its title: the whole block moves to the next page.
      f.ensure(Math.max(chunksHeight(right), chunksHeight(left)));
      const top = f.y;
      const yl = drawChunks(f, left, f.left, top);
      const yr = drawChunks(f, right, f.left + leftW, top);
      f.y = Math.min(yl, yr) - 2 * MM;
      return;
    }
  }
}

function numberPages(f: Flow, mode: 'top' | 'bottom' | 'none') {
  const n = f.pages.length;
  const size = 9.5;
  f.pages.forEach((p, i) => {
    let text: string;
    let y: number;
    if (mode === 'top') {
      if (i === 0) return;
      text = String(i + 1);
      y = f.height - MARGIN / 2 - size / 2;
    } else if (mode === 'bottom') {
      text = `Trang ${i + 1}/${n}`;
      y = MARGIN / 2 - size / 2;
    } else return;
    const w = f.m.width(text, 'regular', size);
    p.drawText(text, { x: (f.width - w) / 2, y, size, font: f.fonts.regular, color: BLACK });
  });
}

/**
 * Renders a document: QR code in the top-left corner of page 1, the national header, the
 * title, the body blocks flowing over A4 pages. Same spec, same bytes: the only date in the
 * file is the header's.
 */
export async function renderDocument(spec: DocumentSpec): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const f = new Flow(doc, fonts, new Measurer(fonts), spec.orientation === 'landscape');
  const base = spec.fontSize ?? 11;

  const qrSize = drawQr(f, spec.qr);
  f.y = f.top - qrSize - 3 * MM;
  drawHeader(f, spec.header, base - 0.5);
  drawTitle(f, spec, base);
  spec.body.forEach((b, i) => drawBlock(f, b, base, `body[${i}]`));
  numberPages(f, spec.pageNumbers ?? 'top');

  const title = (spec.meta?.title ?? spec.title).normalize('NFC');
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setAuthor(spec.header.agency.normalize('NFC'));
  doc.setSubject((spec.meta?.subject ?? `${spec.qr.documentName} — ${spec.qr.dossierCode}`).normalize('NFC'));
  doc.setKeywords(spec.meta?.keywords ?? [spec.qr.dossierCode, spec.qr.procedureCode]);
  doc.setCreator('congso');
  doc.setProducer('congso');
  doc.setCreationDate(spec.header.date);
  doc.setModificationDate(spec.header.date);
  doc.setLanguage('vi');
  return doc.save();
}
