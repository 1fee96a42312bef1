import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { AppError } from '../errors.ts';
import { inspectUpload, safeFileName, UPLOAD_LIMITS } from './inspect.ts';
import { scanXml, XmlProblem } from './scan-xml.ts';
import {
  docxEntries,
  enc,
  rawPdf,
  RAW_PAGES,
  makeDocx,
  makeJpeg,
  makePdf,
  makePng,
  makeXlsx,
  makeZip,
  pngChunk,
  PNG_SIGNATURE,
  xlsxEntries,
  contentTypes,
  type ZipInput,
  ATTACK_OFFICE,
  ATTACK_PDFS,
  BENIGN_OFFICE,
  appendRevision,
  benignPackedPdf,
  pageObjects,
  packedPdf,
} from './testing/fixtures.ts';

const pdf = await makePdf();
const pdfPlain = await makePdf({ objectStreams: false });
const png = makePng();
const jpeg = makeJpeg();
const docx = makeDocx();
const xlsx = makeXlsx();

function refusal(bytes: Uint8Array, name: string, opts?: { maxBytes?: number; maxInflated?: number }): AppError {
  try {
    inspectUpload(bytes, name, opts);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error(`accepted ${name}`);
}

const latin = (b: Buffer) => b.toString('latin1');
const replaced = (b: Buffer, from: string | RegExp, to: string) => {
  const out = Buffer.from(latin(b).replace(from, to), 'latin1');
  if (out.equals(b)) throw new Error(`fixture edit did nothing: ${String(from)}`);
  return out;
};
/** The PDF's own closing `startxref N %%EOF`, to be carried by something appended after it. */
const pdfTail = (b: Buffer) => latin(b).slice(latin(b).lastIndexOf('startxref'));
const withEntry = (entries: ZipInput[], name: string, patch: Partial<ZipInput>) => entries.map((e) => (e.name === name ? { ...e, ...patch } : e));

describe('inspectUpload accepts real files of the five kinds', () => {
  it('a hand-written PDF whose content stream and strings hold names that only look active', () => {
    // A font resource may well be called /JS inside a content stream; a title may mention /Launch.
    const b = rawPdf([...RAW_PAGES, '<< /Length 36 >>\nstream\nBT /JS 12 Tf 20 150 Td (Hello) Tj ET\nendstream', '<< /Title (about /Launch and /JS) >>']);
    expect(inspectUpload(b, 'a.pdf').kind).toBe('pdf');
  });

  it('PDF from pdf-lib, with and without object streams, trailing whitespace after %%EOF allowed', () => {
    for (const b of [pdf, pdfPlain, Buffer.concat([pdf, enc('\r\n  \n')])]) {
      expect(inspectUpload(b, 'Đơn đề nghị cấp phép.pdf')).toEqual({
        kind: 'pdf',
        contentType: 'application/pdf',
        extension: 'pdf',
        safeName: 'Đơn đề nghị cấp phép.pdf',
      });
    }
  });

  it('PNG and JPEG that pdf-lib itself can embed', async () => {
    const doc = await PDFDocument.create();
    await doc.embedPng(new Uint8Array(png));
    await doc.embedJpg(new Uint8Array(jpeg));
    expect(inspectUpload(png, 'ảnh chụp.png')).toMatchObject({ kind: 'png', contentType: 'image/png', extension: 'png', safeName: 'ảnh chụp.png' });
    expect(inspectUpload(jpeg, 'CCCD mặt trước.JPG')).toMatchObject({
      kind: 'jpeg',
      contentType: 'image/jpeg',
      extension: 'jpg',
      safeName: 'CCCD mặt trước.jpg',
    });
    expect(inspectUpload(jpeg, 'scan.jpeg').safeName).toBe('scan.jpeg');
  });

  it('a PDF packed the modern way: object and cross-reference streams compressed with predictors, internal links and destinations', () => {
    expect(inspectUpload(benignPackedPdf(), 'ban-chinh.pdf').kind).toBe('pdf');
    const linked = packedPdf(
      pageObjects({
        catalog: '/OpenAction [3 0 R /Fit] /Dests << /dau [3 0 R /Fit] >>',
        page: '/Annots [6 0 R]',
        extra: ['<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D (dau) >> >>'],
      }),
    );
    expect(inspectUpload(linked, 'muc-luc.pdf').kind).toBe('pdf');
  });

  it('a smaller decompression budget (maxInflated) refuses what the default accepts', () => {
    const b = benignPackedPdf();
    expect(refusal(b, 'a.pdf', { maxInflated: 64 }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(refusal(xlsx, 'a.xlsx', { maxInflated: 64 }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each(Object.entries(BENIGN_OFFICE))('%s', (_, make) => {
    const b = make();
    expect(inspectUpload(b, b.includes('xl/workbook.xml') && !b.includes('word/document.xml') ? 'a.xlsx' : 'a.docx').kind).toMatch(/^(docx|xlsx)$/);
  });

  it('DOCX and XLSX zipped by hand', () => {
    expect(inspectUpload(docx, 'Tờ khai.docx')).toMatchObject({
      kind: 'docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      safeName: 'Tờ khai.docx',
    });
    expect(inspectUpload(xlsx, 'Bảng kê.xlsx')).toMatchObject({
      kind: 'xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      safeName: 'Bảng kê.xlsx',
    });
    // Stored (uncompressed) entries are as valid as deflated ones.
    expect(inspectUpload(makeZip(docxEntries().map((e) => ({ ...e, method: 0 as const }))), 'a.docx').kind).toBe('docx');
  });

  it('makes the display name safe: directories, controls and bidi overrides go, NFC, confusable extensions folded', () => {
    const cases: [string, string][] = [
      ['../../etc/passwd.pdf', 'passwd.pdf'],
      ['C:\\Users\\An\\Desktop\\hồ sơ.pdf', 'hồ sơ.pdf'],
      ['invoice\u202Efdp.pdf', 'invoicefdp.pdf'],
      ['bao\u0000cao\u0007\u200B.pdf', 'baocao.pdf'],
      ['Đơn đề nghị'.normalize('NFD') + '.pdf', 'Đơn đề nghị.pdf'],
      ['báo cáo．ｐｄｆ', 'báo cáo.pdf'],
      ['hồ sơ.\u0440df', 'hồ sơ.pdf'], // Cyrillic р
      ['SCAN.PDF', 'SCAN.pdf'],
      ['  ..hidden  .pdf', 'hidden.pdf'],
      ['a<b>:c|d?.pdf', 'a_b__c_d_.pdf'],
      ['CON.pdf', '_CON.pdf'],
    ];
    for (const [raw, want] of cases) expect([raw, inspectUpload(pdf, raw).safeName]).toEqual([raw, want]);
    const long = `${'Quyết định phê duyệt '.repeat(20)}.pdf`;
    const name = inspectUpload(pdf, long).safeName;
    expect([...name].length).toBeLessThanOrEqual(UPLOAD_LIMITS.nameMaxLength);
    expect(name.endsWith('.pdf')).toBe(true);
    expect(name.startsWith('Quyết định phê duyệt')).toBe(true);
  });
});

/** label, bytes, client name, the exact code, and (where another rule could also fire) the reason. */
type Case = [
  label: string,
  bytes: () => Buffer | Promise<Buffer>,
  name: string,
  code: 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'ACTIVE_CONTENT_REFUSED' | 'VALIDATION_FAILED',
  why?: RegExp,
];

const MZ = Buffer.concat([enc('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff'), Buffer.alloc(64), enc('This program cannot be run in DOS mode.')]);

const BAD: Case[] = [
  // size and emptiness
  ['empty file', () => Buffer.alloc(0), 'a.pdf', 'VALIDATION_FAILED'],
  ['one byte over 20 MiB', () => Buffer.concat([pdf, Buffer.alloc(UPLOAD_LIMITS.maxBytes + 1 - pdf.length, 0x20)]), 'a.pdf', 'PAYLOAD_TOO_LARGE'],
  // content that is none of the five kinds, whatever its name says
  ['Windows executable renamed .pdf', () => MZ, 'invoice.pdf', 'UNSUPPORTED_MEDIA_TYPE'],
  ['Windows executable as .exe', () => MZ, 'setup.exe', 'UNSUPPORTED_MEDIA_TYPE'],
  ['self-extracting archive (MZ then ZIP)', () => Buffer.concat([MZ, docx]), 'a.docx', 'UNSUPPORTED_MEDIA_TYPE'],
  ['HTML renamed .pdf', () => enc('<!DOCTYPE html><html><script>alert(1)</script></html>'), 'a.pdf', 'UNSUPPORTED_MEDIA_TYPE'],
  ['SVG renamed .png', () => enc('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'a.png', 'UNSUPPORTED_MEDIA_TYPE'],
  ['ELF binary renamed .png', () => enc('\x7fELF\x02\x01\x01\x00'), 'a.png', 'UNSUPPORTED_MEDIA_TYPE'],
  ['GIF renamed .png', () => enc('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), 'a.png', 'UNSUPPORTED_MEDIA_TYPE'],
  ['plain text renamed .pdf', () => enc('PDF-1.7 not really'), 'a.pdf', 'UNSUPPORTED_MEDIA_TYPE'],
  ['plain ZIP renamed .docx', () => makeZip([{ name: 'readme.txt', data: 'hello' }]), 'a.docx', 'UNSUPPORTED_MEDIA_TYPE'],
  [
    'ZIP with [Content_Types].xml but no main part',
    () => makeZip(docxEntries().filter((e) => e.name !== 'word/document.xml')),
    'a.docx',
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'Word template main type declared as a document part',
    () =>
      makeZip(
        withEntry(docxEntries(), '[Content_Types].xml', {
          data: contentTypes({ '/word/document.xml': 'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml' }),
        }),
      ),
    'a.docx',
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'both word/document.xml and xl/workbook.xml',
    () => makeZip([...docxEntries(), ...xlsxEntries().filter((e) => e.name.startsWith('xl/'))]),
    'a.docx',
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  // names that disagree with the content
  ['PNG named .pdf', () => png, 'scan.pdf', 'VALIDATION_FAILED'],
  ['PDF named .docx', () => pdf, 'a.docx', 'VALIDATION_FAILED'],
  ['JPEG named .png', () => jpeg, 'a.png', 'VALIDATION_FAILED'],
  ['DOCX named .xlsx', () => docx, 'a.xlsx', 'VALIDATION_FAILED'],
  ['XLSX named .pdf', () => xlsx, 'a.pdf', 'VALIDATION_FAILED'],
  ['PDF named invoice\\u202Efdp.exe (shows as invoiceexe.pdf)', () => pdf, 'invoice\u202Efdp.exe', 'VALIDATION_FAILED'],
  ['PNG named with a full-width ．ｐｄｆ', () => png, 'photo．ｐｄｆ', 'VALIDATION_FAILED'],
  ['PDF named with a full-width ．ｅｘｅ', () => pdf, 'report．ｅｘｅ', 'VALIDATION_FAILED'],
  ['PNG named with a Cyrillic .рdf', () => png, 'x.\u0440df', 'VALIDATION_FAILED'],
  ['PDF named ../../etc/passwd', () => pdf, '../../etc/passwd', 'VALIDATION_FAILED'],
  ['PDF named scan.pdf.exe', () => pdf, 'scan.pdf.exe', 'VALIDATION_FAILED'],
  ['PDF with an empty name', () => pdf, '', 'VALIDATION_FAILED'],
  // damaged PDF
  ['PDF cut in half', () => pdf.subarray(0, pdf.length >> 1), 'a.pdf', 'VALIDATION_FAILED'],
  ['PDF without %%EOF', () => Buffer.from(latin(pdf).replace(/%%EOF\s*$/, '')), 'a.pdf', 'VALIDATION_FAILED'],
  ['PDF with an unknown version', () => replaced(pdf, /^%PDF-1\.7/, '%PDF-9.9'), 'a.pdf', 'VALIDATION_FAILED'],
  ['PDF header only', () => enc('%PDF-1.4\n'), 'a.pdf', 'VALIDATION_FAILED'],
  ['PDF with data after %%EOF', () => Buffer.concat([pdf, enc('\ntrailing junk')]), 'a.pdf', 'VALIDATION_FAILED'],
  ['PDF whose startxref points past the end', () => replaced(pdf, /startxref\s+\d+/, 'startxref\n99999999'), 'a.pdf', 'VALIDATION_FAILED'],
  ['PDF without trailer or xref stream', () => enc('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n9\n%%EOF\n'), 'a.pdf', 'VALIDATION_FAILED'],
  // active PDF content
  ['PDF with an OpenAction JavaScript in an object stream', () => makePdf({ js: 'openAction' }), 'a.pdf', 'ACTIVE_CONTENT_REFUSED'],
  ['PDF with an OpenAction JavaScript, no object streams', () => makePdf({ js: 'openAction', objectStreams: false }), 'a.pdf', 'ACTIVE_CONTENT_REFUSED'],
  ['PDF with document-level JavaScript (names tree)', () => makePdf({ js: 'names' }), 'a.pdf', 'ACTIVE_CONTENT_REFUSED'],
  [
    'PDF hiding /JavaScript as /J#61vaScript',
    async () => replaced(await makePdf({ js: 'openAction', objectStreams: false }), '/JavaScript', '/J#61vaScript'),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /\/JavaScript/,
  ],
  [
    'PDF with only a /JS key',
    async () => replaced(await makePdf({ js: 'openAction', objectStreams: false }), '/S /JavaScript', '/S /Named'),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /JavaScript code \(\/JS\)/,
  ],
  ['PDF with a /Launch action', () => makePdf({ launch: true }), 'a.pdf', 'ACTIVE_CONTENT_REFUSED', /\/S \/Launch/],
  ['PDF with an embedded file', () => makePdf({ attach: true }), 'a.pdf', 'ACTIVE_CONTENT_REFUSED', /\/EmbeddedFile/],
  [
    'hand-written PDF with an OpenAction script',
    () => rawPdf(['<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>', ...RAW_PAGES.slice(1), '<< /S /JavaScript /JS (app.alert\\(1\\)) >>']),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /\/JavaScript/,
  ],
  [
    'PDF hiding its script behind a "stream" keyword inside a string',
    () =>
      rawPdf([
        '<< /Type /Catalog /Pages 2 0 R /Title (x >> stream\n) /OpenAction 4 0 R >>',
        ...RAW_PAGES.slice(1),
        '<< /S /JavaScript /JS (app.alert\\(1\\)) >>',
        '<< /T (endstream) >>',
      ]),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /\/JavaScript/,
  ],
  [
    'PDF whose stream data fakes an early endstream, its length given indirectly',
    () => rawPdf([...RAW_PAGES, '<< /Length 5 0 R >>\nstream\nq endstream ( Q\nendstream', '15', '<< /S /JavaScript /JS 4 0 R >>']),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /\/JavaScript/,
  ],
  ['PDF with a string that never closes', () => rawPdf([...RAW_PAGES, '<< /Title (never closed >>']), 'a.pdf', 'VALIDATION_FAILED', /never closed/],
  ['encrypted PDF', () => replaced(pdfPlain, /trailer\s*<</, 'trailer\n<<\n/Encrypt 99 0 R'), 'a.pdf', 'UNSUPPORTED_MEDIA_TYPE', /Encrypted/],
  // what the byte-pattern check let through: actions and forms it never looked for, and scripts it could not see
  ...Object.entries(ATTACK_PDFS).map(([label, a]): Case => [`PDF with ${label}`, () => a.build(), 'a.pdf', 'ACTIVE_CONTENT_REFUSED', a.names]),
  [
    'PDF whose OpenAction opens a URI, no object streams',
    () => rawPdf(pageObjects({ catalog: '/OpenAction << /S /URI /URI (http://example.invalid/) >>' })),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /link-opening action \(\/S \/URI\)/,
  ],
  [
    'PDF with a link that submits a form',
    () =>
      rawPdf(
        pageObjects({
          page: '/Annots [6 0 R]',
          extra: ['<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /SubmitForm /F (http://example.invalid/) >> >>'],
        }),
      ),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /SubmitForm/,
  ],
  [
    'PDF with an action opening another file (GoToR)',
    () => rawPdf(pageObjects({ catalog: '/OpenAction << /S /GoToR /F (other.pdf) /D [0 /Fit] >>' })),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /GoToR/,
  ],
  [
    'PDF whose action type is given by reference',
    () => rawPdf([...pageObjects({ catalog: '/OpenAction << /S 6 0 R /F (calc.exe) >>' }), '/Launch']),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /\/S \/Launch/,
  ],
  [
    'PDF with a script in an older revision only',
    () =>
      appendRevision(
        rawPdf(pageObjects({ catalog: '/OpenAction 6 0 R', extra: ['<< /S /JavaScript /JS (app.alert\\(1\\)) >>'] })),
        { 1: '<< /Type /Catalog /Pages 2 0 R >>' },
        7,
      ),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /JavaScript/,
  ],
  [
    'PDF with rich media',
    () =>
      rawPdf(
        pageObjects({
          page: '/Annots [6 0 R]',
          extra: ['<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] /RichMediaContent << /Assets << /Names [] >> >> >>'],
        }),
      ),
    'a.pdf',
    'ACTIVE_CONTENT_REFUSED',
    /RichMedia/,
  ],
  [
    'PDF whose object stream expands past the decompression budget',
    () =>
      packedPdf(pageObjects(), {
        objStm: {
          entries: '/Filter /FlateDecode',
          encode: (plain) => deflateSync(Buffer.concat([plain, Buffer.alloc(UPLOAD_LIMITS.pdfMaxInflated + 1, 0x20)])),
        },
      }),
    'a.pdf',
    'PAYLOAD_TOO_LARGE',
  ],
  // Office files that run, fetch or embed
  ...Object.entries(ATTACK_OFFICE).map(([label, a]): Case => [label, () => a.build(), a.name, a.code, a.says]),
  // polyglots
  [
    'PDF that is also a valid ZIP (archive appended, the comment carries startxref/%%EOF)',
    () => Buffer.concat([pdf, makeZip([{ name: 'x.html', data: '<script>1</script>' }], { comment: `\n${pdfTail(pdf)}` })]),
    'a.pdf',
    'UNSUPPORTED_MEDIA_TYPE',
    /ZIP archive is appended/,
  ],
  ['ZIP that starts with %PDF', () => Buffer.concat([enc('%PDF-1.7\n'), docx]), 'a.pdf', 'UNSUPPORTED_MEDIA_TYPE', /ZIP archive is appended/],
  [
    'DOCX with a PDF header inside its first kilobyte',
    () => makeZip([{ name: 'a.txt', data: '%PDF-1.4 1 0 obj', method: 0 }, ...docxEntries()]),
    'a.docx',
    'UNSUPPORTED_MEDIA_TYPE',
    /hides a PDF header/,
  ],
  ['PDF with a second %PDF header', () => Buffer.concat([enc('%PDF-1.7\n'), pdf]), 'a.pdf', 'UNSUPPORTED_MEDIA_TYPE', /hides a PDF header/],
  ['PNG with a ZIP appended', () => Buffer.concat([png, makeZip([{ name: 'x', data: 'y' }])]), 'a.png', 'UNSUPPORTED_MEDIA_TYPE', /ZIP archive is appended/],
  [
    'JPEG with a ZIP appended whose comment ends in FFD9',
    () => Buffer.concat([jpeg, makeZip([{ name: 'x', data: 'y' }], { comment: '\xff\xd9' })]),
    'a.jpg',
    'UNSUPPORTED_MEDIA_TYPE',
    /ZIP archive is appended/,
  ],
  ['JPEG with <script> in a comment segment', () => makeJpeg({ comment: '<script>alert(1)</script>' }), 'a.jpg', 'UNSUPPORTED_MEDIA_TYPE', /HTML or script/],
  // damaged JPEG
  ['JPEG without its end marker', () => jpeg.subarray(0, jpeg.length - 2), 'a.jpg', 'VALIDATION_FAILED'],
  ['JPEG signature and end marker only', () => Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'a.jpg', 'VALIDATION_FAILED'],
  ['JPEG with a scan before any frame header', () => makeJpeg({ skipFrame: true }), 'a.jpg', 'VALIDATION_FAILED'],
  [
    'JPEG whose segment length runs past the end',
    () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x7f, 0xff]), Buffer.alloc(10), Buffer.from([0xff, 0xd9])]),
    'a.jpg',
    'VALIDATION_FAILED',
  ],
  // damaged PNG
  ['PNG cut before IEND', () => png.subarray(0, png.length - 12), 'a.png', 'VALIDATION_FAILED'],
  ['PNG signature only', () => PNG_SIGNATURE, 'a.png', 'VALIDATION_FAILED'],
  [
    'PNG with a wrong IHDR CRC',
    () => {
      const b = Buffer.from(png);
      b[8 + 8 + 13] ^= 0xff;
      return b;
    },
    'a.png',
    'VALIDATION_FAILED',
    /IHDR fails its CRC/,
  ],
  ['PNG whose first chunk is not IHDR', () => makePng(2, 2, (c) => [pngChunk('tEXt', enc('a\0b')), c.ihdr, c.idat, c.iend]), 'a.png', 'VALIDATION_FAILED'],
  ['PNG with data after IEND', () => Buffer.concat([png, enc('trailing')]), 'a.png', 'VALIDATION_FAILED'],
  ['PNG without image data', () => makePng(2, 2, (c) => [c.ihdr, c.iend]), 'a.png', 'VALIDATION_FAILED'],
  ['PNG with zero width', () => makePng(0, 2), 'a.png', 'VALIDATION_FAILED'],
  // damaged, hostile or macro-enabled Office files
  ['DOCX cut short', () => docx.subarray(0, docx.length - 10), 'a.docx', 'VALIDATION_FAILED'],
  [
    'DOCX with bytes slipped in before the central directory',
    () => {
      const eocd = docx.length - 22;
      const cd = docx.readUInt32LE(eocd + 16);
      return Buffer.concat([docx.subarray(0, cd), Buffer.alloc(16), docx.subarray(cd)]);
    },
    'a.docx',
    'VALIDATION_FAILED',
    /central directory is not where/,
  ],
  [
    'DOCX shifted behind a PK-looking prefix',
    () => makeZip(docxEntries(), { prefix: Buffer.concat([enc('PK\x03\x04'), Buffer.alloc(40)]) }),
    'a.docx',
    'VALIDATION_FAILED',
    /before the first entry/,
  ],
  [
    'DOCX whose main part fails its CRC',
    () => makeZip(withEntry(docxEntries(), 'word/document.xml', { crc: 12345 })),
    'a.docx',
    'VALIDATION_FAILED',
    /fails its CRC/,
  ],
  ['DOCX with an entry named ../../evil.sh', () => makeZip([...docxEntries(), { name: '../../evil.sh', data: 'rm -rf /' }]), 'a.docx', 'VALIDATION_FAILED'],
  [
    'DOCX with a duplicated entry',
    () => makeZip([...docxEntries(), { name: 'word/document.xml', data: '<w:document/>' }]),
    'a.docx',
    'VALIDATION_FAILED',
    /twice/,
  ],
  [
    'DOCX with overlapping entries',
    () => makeZip([...docxEntries(), { name: 'word/other.xml', data: 'x', offset: 0 }]),
    'a.docx',
    'VALIDATION_FAILED',
    /overlap/,
  ],
  ['DOCX with an encrypted entry', () => makeZip(withEntry(docxEntries(), '_rels/.rels', { flags: 1 })), 'a.docx', 'UNSUPPORTED_MEDIA_TYPE'],
  ['DOCX with ZIP64 size markers', () => makeZip(withEntry(docxEntries(), '_rels/.rels', { declaredSize: 0xffffffff })), 'a.docx', 'UNSUPPORTED_MEDIA_TYPE'],
  [
    'docm: DOCX carrying word/vbaProject.bin',
    () => makeZip([...docxEntries(), { name: 'word/vbaProject.bin', data: Buffer.from([0xd0, 0xcf, 0x11, 0xe0]) }]),
    'a.docx',
    'ACTIVE_CONTENT_REFUSED',
    /macros/,
  ],
  [
    'docm content type without the VBA part',
    () =>
      makeZip(
        withEntry(docxEntries(), '[Content_Types].xml', {
          data: contentTypes({ '/word/document.xml': 'application/vnd.ms-word.document.macroEnabled.main+xml' }),
        }),
      ),
    'a.docx',
    'ACTIVE_CONTENT_REFUSED',
    /macros/,
  ],
  [
    'XLSX with Excel 4.0 macro sheets',
    () => makeZip([...xlsxEntries(), { name: 'xl/macrosheets/sheet1.xml', data: '<xm:macrosheet/>' }]),
    'a.xlsx',
    'ACTIVE_CONTENT_REFUSED',
    /macros/,
  ],
  [
    'zip bomb: one entry declares 4 GB',
    () => makeZip([...docxEntries(), { name: 'word/media/big.bin', data: 'x', declaredSize: 0xf0000000 }]),
    'a.docx',
    'PAYLOAD_TOO_LARGE',
  ],
  [
    'zip bomb: 50 MiB declared from a few bytes',
    () => makeZip([...docxEntries(), { name: 'word/media/big.bin', data: 'x', declaredSize: 50 * 1024 * 1024 }]),
    'a.docx',
    'PAYLOAD_TOO_LARGE',
  ],
  [
    'zip bomb: more entries than allowed',
    () => makeZip([...docxEntries(), ...Array.from({ length: UPLOAD_LIMITS.zipMaxEntries }, (_, i) => ({ name: `word/x${i}`, data: '', method: 0 as const }))]),
    'a.docx',
    'PAYLOAD_TOO_LARGE',
  ],
];

describe('inspectUpload refuses bad files with the exact error code', () => {
  it('has a corpus of at least 40 bad files', () => expect(BAD.length).toBeGreaterThanOrEqual(40));
  it.each(BAD.map(([label, make, name, code, why]) => ({ label, make, name, code, why })))('$label → $code', async ({ make, name, code, why }) => {
    const e = refusal(await make(), name);
    expect(e.code).toBe(code);
    if (why) expect(e.text.en).toMatch(why);
    expect(e.text.vi).not.toBe(e.text.en);
    expect(e.text.vi.length).toBeGreaterThan(5);
  });

  it('honours a smaller maxBytes, and names the file name as the culprit of a disguise', () => {
    expect(refusal(pdf, 'a.pdf', { maxBytes: pdf.length - 1 }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(inspectUpload(pdf, 'a.pdf', { maxBytes: pdf.length }).kind).toBe('pdf');
    expect(refusal(png, 'scan.pdf').details?.[0].path).toBe('fileName');
    expect(refusal(MZ, 'a.pdf').details?.[0].path).toBe('file');
  });
});

describe('properties', () => {
  it('any client name becomes a safe name: no directories, controls, bidi or zero-width characters; NFC; at most 120 characters', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('/', '\\', '.', '\u202E', '\u200B', '\u0000', '\n', 'ệ', 'Đ', 'e\u0301', '．', 'ｐ', ' ', '..'),
            fc.string({ unit: 'binary', maxLength: 1 }),
          ),
          maxLength: 400,
        }),
        (raw) => {
          const s = safeFileName(raw);
          expect(s).not.toMatch(/[/\\\p{Cc}\p{Cf}]/u);
          expect(s).toBe(s.normalize('NFC'));
          expect([...s].length).toBeLessThanOrEqual(UPLOAD_LIMITS.nameMaxLength);
          expect(s.startsWith('.')).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a PDF under any name is either refused for its name or stored under a safe name ending in .pdf', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('', '.pdf', '.PDF', '．ｐｄｆ', '.exe', '.pdf.exe', '\u202Efdp.exe'),
        (stem, ext) => {
          let r: ReturnType<typeof inspectUpload>;
          try {
            r = inspectUpload(pdf, stem + ext);
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
            expect((e as AppError).details?.[0].path).toBe('fileName');
            return;
          }
          expect(r.safeName.endsWith('.pdf')).toBe(true);
          expect(r.safeName).not.toMatch(/[/\\\p{Cc}\p{Cf}]/u);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every truncation of a good file is refused', () => {
    const lastEof = pdf.lastIndexOf('%%EOF');
    const files: [Buffer, string, number][] = [
      [pdf, 'a.pdf', lastEof + 4],
      [png, 'a.png', png.length - 1],
      [jpeg, 'a.jpg', jpeg.length - 1],
      [docx, 'a.docx', docx.length - 1],
      [xlsx, 'a.xlsx', xlsx.length - 1],
    ];
    for (const [b, name, maxLen] of files) {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: maxLen }), (n) => {
          const e = refusal(b.subarray(0, n), name);
          expect(['VALIDATION_FAILED', 'UNSUPPORTED_MEDIA_TYPE']).toContain(e.code);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('corrupted bytes never crash the inspector: the answer is an inspection or an AppError', () => {
    const files: [Buffer, string][] = [
      [pdf, 'a.pdf'],
      [png, 'a.png'],
      [jpeg, 'a.jpg'],
      [docx, 'a.docx'],
      [xlsx, 'a.xlsx'],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...files),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        ([b, name], edits) => {
          const m = Buffer.from(b);
          for (const [at, v] of edits) m[at % m.length] = v;
          try {
            const r = inspectUpload(m, name);
            expect(r.safeName).toBe(name);
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('the Office XML reader answers any text with events or an XmlProblem, never expanding a declaration', () => {
    fc.assert(
      fc.property(
        fc.string({
          maxLength: 200,
          unit: fc.constantFrom('<', '>', '/', '"', "'", '=', '&', ';', '#', 'x', 'a', ' ', '!', '?', '-', '[', ']', ':', 'DOCTYPE', 'ENTITY', 'CDATA'),
        }),
        (x) => {
          try {
            scanXml(x, { start() {}, end() {}, text() {} });
            // (inside a comment, a CDATA section or a processing instruction it is only text)
            if (!/<!--|<!\[CDATA\[|<\?/.test(x)) expect(x).not.toMatch(/<!(DOCTYPE|ENTITY)/);
          } catch (e) {
            expect(e).toBeInstanceOf(XmlProblem);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a PNG with any flipped byte in a chunk fails its CRC', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: png.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const m = Buffer.from(png);
        m[at] ^= x;
        expect(refusal(m, 'a.png').code).toBe('VALIDATION_FAILED');
      }),
    );
    expect(crc32(Buffer.from('IEND'))).toBe(png.readUInt32BE(png.length - 4));
  });
});
