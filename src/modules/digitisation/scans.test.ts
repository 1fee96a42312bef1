import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { degrees, PDFDocument } from 'pdf-lib';
import { sql } from 'kysely';
import { api, login, startTestApp, tokenFor, until, type TestApp } from '../../../test/helpers.ts';
import { describeWithTool } from '../../../test/tools.ts';
import { embedFonts } from '../../platform/pdf/fonts.ts';
import { foldVietnamese } from '../../platform/i18n/normalize.ts';
import { makePng } from '../../platform/blobs/testing/fixtures.ts';
import { forgetOcrTools } from '../../platform/ocr/index.ts';
import { encodePng, encodeTiff, rasterise, scanLike, scannedVietnamesePage } from '../../platform/ocr/testing.ts';
import { OCR_QUEUE, registerDigitisationWorkers } from './ocr-worker.ts';

interface ScanBody {
  id: string;
  status: 'queued' | 'processing' | 'done' | 'failed';
  progress: number;
  pageCount: number;
  pages: { page: number; text: string; error?: { vi: string; en: string } }[];
  text: string;
  error?: { code: string; vi: string; en: string };
  sourceUploadId: string;
  outputUploadId?: string;
  unitId: string;
  dossierCode?: string;
}
interface ErrBody {
  error: { code: string; message: string; messageEn: string; details?: { path: string }[] };
}

type Part = { field: string; bytes: Uint8Array; name: string } | { field: string; value: string };

let t: TestApp;
let officer: string; // receiving officer of 000.05.01.G12

async function postScan(token: string | undefined, parts: Part[], headers: Record<string, string> = {}) {
  const fd = new FormData();
  for (const p of parts) {
    if ('value' in p) fd.append(p.field, p.value);
    else fd.append(p.field, new Blob([new Uint8Array(p.bytes)], { type: 'application/octet-stream' }), p.name);
  }
  const r = await fetch(`${t.base}/api/v1/digitisation/scans`, {
    method: 'POST',
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: fd,
  });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text) as { id: string; status: string; pageCount: number } & ErrBody };
}
const getScan = (token: string, id: string) => api<ScanBody & ErrBody>(t, 'GET', `/api/v1/digitisation/scans/${id}`, { token });
const file = (bytes: Uint8Array, name: string): Part => ({ field: 'file', bytes, name });

/** A page with a few lines of large Vietnamese text, as a PDF with the embedded typeface, `turned` clockwise (/Rotate). */
async function textPdf(lines: string[], turned = 0): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  const page = doc.addPage([595.28, 841.89]);
  lines.forEach((l, i) => page.drawText(l, { x: 60, y: 740 - i * 60, size: 30, font: fonts.bold }));
  if (turned) page.setRotation(degrees(turned));
  return doc.save();
}

/** The page as a scanner gives it: grey pixels at 150 dpi, as displayed (a turned page comes out sideways), a little skew and noise. */
async function scanned(pdf: Uint8Array, seed: number) {
  return scanLike(await rasterise(pdf, { dpi: 150 }), { seed, skewDeg: 1 });
}

/** A PDF of scanned pages: each image on a page of its own size (150 dpi). */
async function imagePdf(pngs: Uint8Array[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const png of pngs) {
    const img = await doc.embedPng(png);
    const page = doc.addPage([(img.width * 72) / 150, (img.height * 72) / 150]);
    page.drawImage(img, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  }
  return doc.save();
}

const fold = (s: string) => foldVietnamese(s).replace(/\s+/g, ' ');

beforeAll(async () => {
  t = await startTestApp({ demo: true, demoDossiers: true });
  // Tests start the app without workers; this file needs the OCR job worked.
  await registerDigitisationWorkers(t.ctx, { retryDelaySeconds: 1 });
  officer = await login(t, 'tiepnhan.xnk');
}, 600_000);
afterAll(() => t?.close());

describe('receiving a scan', () => {
  it('documents the scan routes in a valid OpenAPI document, with who may call them', async () => {
    type Op = { security?: { bearerAuth?: string[] }[]; responses: Record<string, unknown> };
    const doc = (await api<{ paths: Record<string, Record<string, Op>> }>(t, 'GET', '/api/openapi.json')).body;
    const res = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
    expect(res.errors ?? []).toEqual([]);
    const post = doc.paths['/api/v1/digitisation/scans'].post;
    expect([...post.security![0].bearerAuth!].sort()).toEqual(['clerk', 'receiving_officer']);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['202', '400', '413', '415']));
    const readers = ['administrator', 'auditor', 'clerk', 'receiving_officer', 'signing_leader', 'specialist', 'unit_leader'];
    expect([...doc.paths['/api/v1/digitisation/scans/{id}'].get.security![0].bearerAuth!].sort()).toEqual(readers);
    expect([...doc.paths['/api/v1/digitisation/scans/{id}/pages/{n}/thumbnail'].get.security![0].bearerAuth!].sort()).toEqual(readers);
  });

  it('refuses a file that is not a page, naming the file, and keeps nothing', async () => {
    const before = await t.ctx.database.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const r = await postScan(officer, [file(makePng(), 'trang-1.png'), file(new TextEncoder().encode('ghi chú của cán bộ'), 'ghi-chu.txt')]);
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(r.body.error.message).toContain('ghi-chu.txt');
    expect(r.body.error.messageEn).toContain('ghi-chu.txt');
    expect(r.body.error.details?.[0].path).toBe('file[1]');
    const after = await t.ctx.database.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses a layout naming a page the file does not have, or a file not sent', async () => {
    const png = makePng();
    const page = await postScan(officer, [file(png, 'a.png'), { field: 'layout', value: JSON.stringify([{ source: 0, page: 2 }]) }]);
    expect(page.status).toBe(400);
    expect(page.body.error.code).toBe('VALIDATION_FAILED');
    expect(page.body.error.details?.[0].path).toBe('layout[0].page');
    const source = await postScan(officer, [file(png, 'a.png'), { field: 'layout', value: JSON.stringify([{ source: 1, page: 1 }]) }]);
    expect(source.status).toBe(400);
    expect(source.body.error.details?.[0].path).toBe('layout[0].source');
    const bad = await postScan(officer, [file(png, 'a.png'), { field: 'layout', value: '[{source:0}' }]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.[0].path).toBe('layout');
    const none = await postScan(officer, [{ field: 'purpose', value: 'legacy_result' }]);
    expect(none.status).toBe(400);
    expect(none.body.error.details?.[0].path).toBe('file');
  });

  it('lets only the desk and clerks scan, and only for a dossier they see', async () => {
    const citizen = await tokenFor(t, 'citizen');
    expect((await postScan(citizen, [file(makePng(), 'a.png')])).status).toBe(403);
    const specialist = await login(t, 'chuyenvien');
    expect((await postScan(specialist, [file(makePng(), 'a.png')])).status).toBe(403);
    const unknown = await postScan(officer, [file(makePng(), 'a.png'), { field: 'dossierCode', value: '000.05.01.G12-991231-9999' }]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const legacyOfDossier = await postScan(officer, [
      file(makePng(), 'a.png'),
      { field: 'purpose', value: 'legacy_result' },
      { field: 'dossierCode', value: '000.05.01.G12-991231-9999' },
    ]);
    expect(legacyOfDossier.status).toBe(400);
  });

  it('links a scan to a component of a dossier of the unit, and refuses a component the procedure does not have', async () => {
    const row = await t.ctx.database.db
      .selectFrom('dossiers')
      .select('code')
      .where('receiving_unit', '=', '000.05.01.G12')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const dossier = await api<{ components: { code: string | null }[] }>(t, 'GET', `/api/v1/dossiers/${row.code}`, { token: officer });
    const component = dossier.body.components.find((c) => c.code)!.code!;
    const r = await postScan(officer, [file(makePng(), 'a.png'), { field: 'dossierCode', value: row.code }, { field: 'componentCode', value: component }]);
    expect(r.status).toBe(202);
    const s = await getScan(officer, r.body.id);
    expect(s.body).toMatchObject({ dossierCode: row.code, componentCode: component, unitId: '000.05.01.G12', purpose: 'component', pageCount: 1 });
    const wrong = await postScan(officer, [file(makePng(), 'a.png'), { field: 'dossierCode', value: row.code }, { field: 'componentCode', value: 'KHONG-CO' }]);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.[0].path).toBe('componentCode');
    // Another unit's desk does not see the dossier.
    const other = await postScan(await login(t, 'tiepnhan.hcm'), [file(makePng(), 'a.png'), { field: 'dossierCode', value: row.code }]);
    expect(other.status).toBe(404);
  });

  it('answers a retried request with the same scan (Idempotency-Key), and refuses the key for another request', async () => {
    const parts = [file(makePng(), 'a.png'), { field: 'purpose', value: 'legacy_result' }];
    const first = await postScan(officer, parts, { 'idempotency-key': 'scan-retry-0001' });
    expect(first.status).toBe(202);
    const again = await postScan(officer, parts, { 'idempotency-key': 'scan-retry-0001' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const rows = await t.ctx.database.db.selectFrom('scans').select('id').where('idempotency_key', '=', 'scan-retry-0001').execute();
    expect(rows).toHaveLength(1);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = ${OCR_QUEUE} and data->>'scanId' = ${first.body.id}`.execute(
      t.ctx.database.db,
    );
    expect(jobs.rows[0].n).toBe(1);
    const other = await postScan(officer, [file(makePng(4, 4), 'b.png')], { 'idempotency-key': 'scan-retry-0001' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describeWithTool(['ocrmypdf', 'tesseract', 'pdftoppm', 'img2pdf'], 'reading a scan (OCR)', () => {
  let scanId: string;
  let done: ScanBody;
  const progress: number[] = [];

  it('assembles PDF, PNG and TIFF pages in the layout’s order and rotation, reads every page, and reports progress up to 1', async () => {
    const khaiSinh = await scanned(await textPdf(['GIẤY KHAI SINH', 'Nguyễn Văn An']), 1);
    // Scanned sideways: the page lies turned a quarter counter-clockwise.
    const hoKhau = await scanned(await textPdf(['SỔ HỘ KHẨU', 'Trần Thị Bình'], 270), 2);
    const ketHon = encodeTiff([await scanned(await textPdf(['ĐĂNG KÝ KẾT HÔN', 'Lê Văn Cường']), 3)], 150);
    // A phone photo of the residence confirmation (SCAN_LINES), at 200 dpi.
    const cuTru = await scannedVietnamesePage();
    const pdf = await imagePdf([encodePng(khaiSinh, 150), encodePng(hoKhau, 150)]);
    const layout = [
      { source: 1, page: 1 },
      { source: 0, page: 2, rotate: 90 },
      { source: 2, page: 1 },
      { source: 0, page: 1 },
    ];
    const r = await postScan(officer, [
      file(pdf, 'may-quet.pdf'),
      file(cuTru, 'dien-thoai.png'),
      file(ketHon, 'ket-hon.tif'),
      { field: 'layout', value: JSON.stringify(layout) },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.pageCount).toBe(4);
    scanId = r.body.id;

    done = await until(
      'the scan to be read',
      async () => {
        const s = await getScan(officer, scanId);
        expect(s.status).toBe(200);
        progress.push(s.body.progress);
        return s.body.status === 'done' || s.body.status === 'failed' ? s.body : undefined;
      },
      600_000,
    );
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('done');
    expect(done.progress).toBe(1);
    expect(progress.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(done.pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    expect(fold(done.pages[0].text)).toContain('xac nhan cu tru');
    expect(fold(done.pages[0].text)).toContain('hoan kiem');
    expect(fold(done.pages[1].text)).toContain('ho khau');
    expect(fold(done.pages[2].text)).toContain('ket hon');
    expect(fold(done.pages[3].text)).toContain('khai sinh');
    expect(fold(done.text)).toContain('nguyen van an');
    expect(done.outputUploadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(done.unitId).toBe('000.05.01.G12');

    // The PDF as assembled: four pages, the sideways one turned upright (portrait as displayed).
    const src = await fetch(`${t.base}/api/v1/uploads/${done.sourceUploadId}`, { headers: { authorization: `Bearer ${officer}` } });
    expect(src.status).toBe(200);
    const doc = await PDFDocument.load(new Uint8Array(await src.arrayBuffer()));
    expect(doc.getPageCount()).toBe(4);
    const shown = doc.getPages().map((p) => {
      const { width, height } = p.getSize();
      return p.getRotation().angle % 180 === 90 ? width > height : height > width;
    });
    expect(shown).toEqual([true, true, true, true]);
  }, 900_000);

  it('shows a page as a thumbnail, revalidated by its tag', async () => {
    const url = `${t.base}/api/v1/digitisation/scans/${scanId}/pages/2/thumbnail?width=200`;
    const r = await fetch(url, { headers: { authorization: `Bearer ${officer}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect(r.headers.get('cache-control')).toBe('private, no-cache');
    const png = Buffer.from(await r.arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const etag = r.headers.get('etag')!;
    const again = await fetch(url, { headers: { authorization: `Bearer ${officer}`, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const missing = await fetch(`${t.base}/api/v1/digitisation/scans/${scanId}/pages/5/thumbnail`, { headers: { authorization: `Bearer ${officer}` } });
    expect(missing.status).toBe(404);
  }, 600_000);

  it('is seen by the officials of its unit and of the units above, and by nobody else', async () => {
    expect((await getScan(await login(t, 'lanhdao'), scanId)).status).toBe(200);
    expect((await getScan(await login(t, 'ky'), scanId)).status).toBe(200);
    const otherUnit = await getScan(await login(t, 'tiepnhan.hcm'), scanId);
    expect(otherUnit.status).toBe(404);
    expect(otherUnit.body.error.code).toBe('NOT_FOUND');
    const thumb = await fetch(`${t.base}/api/v1/digitisation/scans/${scanId}/pages/1/thumbnail`, {
      headers: { authorization: `Bearer ${await login(t, 'tiepnhan.hcm')}` },
    });
    expect(thumb.status).toBe(404);
    expect((await getScan(await tokenFor(t, 'citizen'), scanId)).status).toBe(403);
  }, 600_000);

  it('a retried job leaves one set of pages', async () => {
    // A job delivered again after the scan is done changes nothing.
    const jobId = await t.ctx.jobs.send(OCR_QUEUE, { scanId });
    await until(
      'the repeated job to finish',
      async () => (await sql<{ state: string }>`select state from pgboss.job where id = ${jobId}`.execute(t.ctx.database.db)).rows[0]?.state === 'completed',
      120_000,
    );
    // A node that died after marking the scan processing: the next attempt reads it again and replaces the pages.
    await t.ctx.database.db.updateTable('scans').set({ status: 'processing' }).where('id', '=', scanId).execute();
    await t.ctx.jobs.send(OCR_QUEUE, { scanId });
    const again = await until(
      'the scan to be read again',
      async () => {
        const s = (await getScan(officer, scanId)).body;
        return s.status === 'done' ? s : undefined;
      },
      600_000,
    );
    expect(again.pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    const rows = await t.ctx.database.db.selectFrom('scan_pages').select('page').where('scan_id', '=', scanId).orderBy('page').execute();
    expect(rows.map((r) => r.page)).toEqual([1, 2, 3, 4]);
    expect(fold(again.pages[1].text)).toContain('ho khau');
  }, 900_000);
});

describe('a machine without OCR', () => {
  it('keeps the scan and marks it failed with OCR_UNAVAILABLE, naming what to install', async () => {
    const path = process.env.PATH;
    // Nothing on PATH: the probe finds no ocrmypdf, as on a server where it was never installed.
    process.env.PATH = '/nonexistent';
    forgetOcrTools();
    try {
      const r = await postScan(officer, [file(makePng(), 'a.png'), { field: 'purpose', value: 'legacy_result' }]);
      expect(r.status).toBe(202);
      const failed = await until(
        'the scan to be given up',
        async () => {
          const s = (await getScan(officer, r.body.id)).body;
          return s.status === 'failed' || s.status === 'done' ? s : undefined;
        },
        120_000,
      );
      expect(failed.status).toBe('failed');
      expect(failed.error?.code).toBe('OCR_UNAVAILABLE');
      expect(failed.error?.en).toContain('ocrmypdf');
      expect(failed.pages).toEqual([]);
      // The pages as sent are kept: they can be read once OCR is installed.
      expect(failed.sourceUploadId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      process.env.PATH = path;
      forgetOcrTools();
    }
  }, 600_000);
});
