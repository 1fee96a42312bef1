/**
 * Test files built from scratch, so the upload checks are tested against bytes whose every
 * part we know: a real PDF from pdf-lib, PNG and JPEG written chunk by chunk and segment by
 * segment, and Office documents zipped by a small ZIP writer that can also lie on purpose.
 */
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';

export const enc = (s: string) => Buffer.from(s, 'latin1');

// ---------------------------------------------------------------------------------- PDF

export async function makePdf(opts: { objectStreams?: boolean; js?: 'openAction' | 'names'; launch?: boolean; attach?: boolean; text?: string } = {}): Promise<Buffer> {
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

export const RAW_PAGES = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>'];

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
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, ...com, dqt, ...(opts.skipFrame ? [] : [sof]), dhtDc, dhtAc, sos, Buffer.from([0x3f]), Buffer.from([0xff, 0xd9])]);
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
    Object.entries(overrides).map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`).join('') +
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
    { name: '[Content_Types].xml', data: contentTypes({ '/xl/workbook.xml': EXCEL_MAIN, '/xl/worksheets/sheet1.xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml' }) },
    { name: '_rels/.rels', data: rels('xl/workbook.xml') },
    {
      name: 'xl/workbook.xml',
      data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    { name: 'xl/_rels/workbook.xml.rels', data: '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' },
    { name: 'xl/worksheets/sheet1.xml', data: '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Hồ sơ</t></is></c></row></sheetData></worksheet>' },
  ];
}

export const makeDocx = () => makeZip(docxEntries());
export const makeXlsx = () => makeZip(xlsxEntries());
