import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { makePdf } from '../blobs/testing/fixtures.ts';
import { assemblePdf, countPages, renderThumbnail, type PageSource } from './index.ts';
import { encodePng, encodeTiff, rasterise, renderTextPdf, type Gray } from './testing.ts';
import { describeWithTool, itWithTool } from '../../../test/tools.ts';

const blank = (width: number, height: number, shade = 255): Gray => ({ width, height, data: new Uint8Array(width * height).fill(shade) });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const dir = mkdtempSync(path.join(tmpdir(), 'congso-assemble-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pdftotextPage(pdf: Uint8Array, page: number): string {
  const file = path.join(dir, `out-${page}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });
}

describeWithTool(['pdftoppm', 'pdftotext', 'img2pdf'], 'assembling scanned pages', () => {
  it('puts pages from a PDF, a JPEG, PNGs and a multi-page TIFF in the picked order, turned as picked, each image at its size', async () => {
    const pdf = await renderTextPdf([['PDF trang mot'], ['PDF trang hai']]);
    // pdftoppm writes its resolution into the JPEG's JFIF header: A4 at 50 dpi is 414 × 585 pixels.
    const jpeg = await rasterise(await renderTextPdf([['Anh JPEG']]), { dpi: 50, jpeg: true });
    const sources: PageSource[] = [
      { bytes: pdf, kind: 'pdf', name: 'don.pdf' },
      { bytes: jpeg, kind: 'jpeg', name: 'anh.jpg' },
      { bytes: encodePng(blank(500, 700, 200), 100), kind: 'png', name: 'trang.png' },
      { bytes: encodeTiff([blank(400, 600), blank(500, 400, 120)], 100), kind: 'tiff', name: 'may-quet.tif' },
      // A phone photo that says 72 dpi would be a sheet 70 cm wide: it is fitted into A4 instead.
      { bytes: encodePng(blank(2000, 3000, 230), 72), kind: 'png', name: 'dien-thoai.png' },
    ];
    const out = await assemblePdf(sources, [
      { source: 1, page: 1, rotate: 90 },
      { source: 0, page: 2 },
      { source: 3, page: 2, rotate: 180 },
      { source: 0, page: 1, rotate: 270 },
      { source: 2, page: 1 },
      { source: 3, page: 1 },
      { source: 4, page: 1 },
    ]);
    const doc = await PDFDocument.load(out);
    const pages = doc.getPages().map((p) => ({ ...p.getSize(), rotate: p.getRotation().angle }));
    expect(pages.length).toBe(7);
    expect(pages.map((p) => p.rotate)).toEqual([90, 0, 180, 270, 0, 0, 0]);
    const sizes = pages.map((p) => [Math.round(p.width * 100) / 100, Math.round(p.height * 100) / 100]);
    expect(sizes).toEqual([
      [596.16, 842.4],
      [595.28, 841.89],
      [360, 288],
      [595.28, 841.89],
      [360, 504],
      [288, 432],
      [561.26, 841.89],
    ]);
    expect(pdftotextPage(out, 2)).toContain('PDF trang hai');
    expect(pdftotextPage(out, 4)).toContain('PDF trang mot');

    const thumb = Buffer.from(await renderThumbnail(out, 2, 120));
    expect(thumb.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([thumb.readUInt32BE(16), thumb.readUInt32BE(20)]).toEqual([120, 170]);
  });

  it("turns a phone photo upright by its EXIF orientation before the pick's own rotation", async () => {
    const jpeg = Buffer.from(await rasterise(await renderTextPdf([['Anh dien thoai']]), { dpi: 30, jpeg: true }));
    // An APP1 Exif segment right after the start of image: one IFD entry, Orientation (0x0112) = 6, "turn 90° clockwise".
    const tiff = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    const exif = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (exif.length + 2) >> 8, (exif.length + 2) & 0xff]), exif]);
    const photo = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
    const out = await assemblePdf(
      [{ bytes: photo, kind: 'jpeg' }],
      [
        { source: 0, page: 1 },
        { source: 0, page: 1, rotate: 90 },
      ],
    );
    expect((await PDFDocument.load(out)).getPages().map((p) => p.getRotation().angle)).toEqual([90, 180]);
  });

  it('counts the pages of each kind of source', async () => {
    expect(await countPages({ bytes: await renderTextPdf([['a'], ['b'], ['c']]), kind: 'pdf' })).toBe(3);
    expect(await countPages({ bytes: encodePng(blank(10, 10), 100), kind: 'png' })).toBe(1);
    expect(await countPages({ bytes: encodeTiff([blank(10, 10), blank(10, 10), blank(10, 10), blank(10, 10)], 100), kind: 'tiff' })).toBe(4);
  });

  it('a page number past the end of its file is refused', async () => {
    const e = await refusal(assemblePdf([{ bytes: await renderTextPdf([['a'], ['b']]), kind: 'pdf', name: 'don.pdf' }], [{ source: 0, page: 3 }]));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details).toEqual([{ path: 'picks[0]', message: 'không có trang 3 (tệp có 2 trang)', messageEn: 'has no page 3 (it has 2)' }]);
  });
});

describe('refusing what is not a scan', () => {
  it('a file whose content is not the kind it was sent as is refused, naming the file', async () => {
    const e = await refusal(assemblePdf([{ bytes: encodePng(blank(10, 10), 100), kind: 'jpeg', name: 'anh.jpg' }], [{ source: 0, page: 1 }]));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.text.vi).toBe('Tệp “anh.jpg”: được gửi là JPEG nhưng nội dung là PNG');
    expect(e.details?.[0].path).toBe('sources[0]');
  });

  it('bytes that are none of the accepted formats are an unsupported media type', async () => {
    const e = await refusal(countPages({ bytes: Buffer.from('<html><script>alert(1)</script></html>'), kind: 'pdf', name: 'trang.pdf' }));
    expect(e.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a PDF with active content is refused before any page is read from it', async () => {
    const e = await refusal(assemblePdf([{ bytes: await makePdf({ js: 'openAction' }), kind: 'pdf', name: 'don.pdf' }], [{ source: 0, page: 1 }]));
    expect(e.code).toBe('ACTIVE_CONTENT_REFUSED');
    expect(e.text.en.startsWith('File “don.pdf”: ')).toBe(true);
  });

  it('a TIFF whose directory lies outside the file is refused as damaged', async () => {
    const tiff = Buffer.from([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0, 0, 0]);
    const e = await refusal(countPages({ bytes: tiff, kind: 'tiff', name: 'quet.tif' }));
    expect(e.code).toBe('VALIDATION_FAILED');
  });

  itWithTool('pdftoppm', 'a damaged PDF is refused', async () => {
    const pdf = Buffer.from(await renderTextPdf([['a']]));
    const e = await refusal(countPages({ bytes: pdf.subarray(0, pdf.length >> 1), kind: 'pdf', name: 'hong.pdf' }));
    expect(e.code).toBe('VALIDATION_FAILED');
  });
});
