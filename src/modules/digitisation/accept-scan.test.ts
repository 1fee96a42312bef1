import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { api, login, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { FORM, importTestProcedures, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';
import { OCR_QUEUE } from './ocr-worker.ts';

type Err = { error: { code: string; details?: { path: string }[] } };
type Accepted = { scans: { id: string; status: string; pageCount: number; componentCode: string | null }[] };
type Scan = { id: string; status: string; pageCount: number; componentCode?: string; sourceUploadId: string };

let t: TestApp;
let officer: string; // receiving officer of 000.05.01.G12
let otherUnit: string; // receiving officer of 000.05.02.G12
let dossier: string;

/** A PDF of `n` pages of different sizes (page k is 100·k points wide), so a test can tell them apart after assembly. */
async function pagesPdf(n: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let k = 1; k <= n; k++) doc.addPage([100 * k, 400]).drawText(`Trang ${k}`);
  return doc.save();
}

async function draft(
  token: string,
  fields: Record<string, string> = {},
): Promise<{ status: number; body: { id: string; status: string; pageCount: number } & Err }> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(await pagesPdf(3))], { type: 'application/pdf' }), 'ban-quet.pdf');
  fd.append('draft', 'true');
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  const r = await fetch(`${t.base}/api/v1/digitisation/scans`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd });
  return { status: r.status, body: (await r.json()) as { id: string; status: string; pageCount: number } & Err };
}

const accept = (token: string, id: string, body: unknown) => api<Accepted & Err>(t, 'POST', `/api/v1/digitisation/scans/${id}/accept`, { token, body });
const jobsOf = async (id: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = ${OCR_QUEUE} and data->>'scanId' = ${id}`.execute(t.ctx.database.db)).rows[0]
    .n;

/** The widths of the pages of a scan's assembled PDF (as its creator reads it), with each page's rotation. */
async function pagesOf(scan: Scan): Promise<string[]> {
  const r = await fetch(`${t.base}/api/v1/uploads/${scan.sourceUploadId}`, { headers: { authorization: `Bearer ${officer}` } });
  expect(r.status).toBe(200);
  const doc = await PDFDocument.load(new Uint8Array(await r.arrayBuffer()));
  return doc.getPages().map((p) => `${Math.round(p.getWidth())}@${p.getRotation().angle}`);
}

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  officer = await login(t, 'tiepnhan.xnk');
  otherUnit = await login(t, 'tiepnhan.hcm');
  const components = [];
  for (const code of ['T-01', 'T-02']) components.push({ code, uploadId: await uploadPdf(t, officer, `${code}.pdf`) });
  const r = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
    token: officer,
    body: { procedureCode: TEST_PROCEDURE.code, channel: 1, applicant: { name: 'Lê Văn Tám', identifier: '001190000333' }, form: FORM, components },
  });
  expect(r.status).toBe(201);
  dossier = r.body.code;
}, 600_000);
afterAll(() => t?.close());

describe('a draft scan, arranged then accepted', () => {
  let id = '';

  it('a draft keeps its pages for thumbnails and queues nothing', async () => {
    const r = await draft(officer, { dossierCode: dossier });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'draft', pageCount: 3 });
    id = r.body.id;
    expect(await jobsOf(id)).toBe(0);
    const view = await api<Scan>(t, 'GET', `/api/v1/digitisation/scans/${id}`, { token: officer });
    expect(view.body).toMatchObject({ status: 'draft', pageCount: 3 });
    const thumb = await fetch(`${t.base}/api/v1/digitisation/scans/${id}/pages/3/thumbnail`, { headers: { authorization: `Bearer ${officer}` } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');
  });

  it('refuses a page the draft does not have, a component the procedure does not have, and officials who do not scan there', async () => {
    const page = await accept(officer, id, { parts: [{ pages: [{ page: 1 }, { page: 4 }] }] });
    expect(page.status).toBe(400);
    expect(page.body.error.details?.map((d) => d.path)).toEqual(['parts[0].pages[1].page']);
    const comp = await accept(officer, id, { parts: [{ componentCode: 'T-99', pages: [{ page: 1 }] }] });
    expect(comp.status).toBe(400);
    expect(comp.body.error.details?.map((d) => d.path)).toEqual(['parts[0].componentCode']);
    const rotate = await accept(officer, id, { parts: [{ pages: [{ page: 1, rotate: 45 }] }] });
    expect(rotate.status).toBe(400);
    expect((await accept(otherUnit, id, { parts: [{ pages: [{ page: 1 }] }] })).status).toBe(404);
    expect((await accept(await tokenFor(t, 'specialist'), id, { parts: [{ pages: [{ page: 1 }] }] })).status).toBe(403);
    expect(await jobsOf(id)).toBe(0);
  });

  it('each part becomes a scan with its OCR job: pages reordered, turned, one dropped; the first keeps the draft id', async () => {
    const body = {
      parts: [
        { componentCode: 'T-01', pages: [{ page: 3 }, { page: 1, rotate: 90 }] },
        { componentCode: 'T-02', pages: [{ page: 2, rotate: 180 }] },
      ],
    };
    const r = await accept(officer, id, body);
    expect(r.status).toBe(202);
    expect(r.body.scans.map((s) => ({ ...s, id: s.id === id ? 'draft' : 'new' }))).toEqual([
      { id: 'draft', status: 'queued', pageCount: 2, componentCode: 'T-01' },
      { id: 'new', status: 'queued', pageCount: 1, componentCode: 'T-02' },
    ]);
    const [first, second] = await Promise.all(r.body.scans.map((s) => api<Scan>(t, 'GET', `/api/v1/digitisation/scans/${s.id}`, { token: officer })));
    expect(await pagesOf(first.body)).toEqual(['300@0', '100@90']);
    expect(await pagesOf(second.body)).toEqual(['200@180']);
    expect(await jobsOf(r.body.scans[0].id)).toBe(1);
    expect(await jobsOf(r.body.scans[1].id)).toBe(1);

    // Accepted again (a retry, a double click): the same scans, no new job, whatever the second body says.
    const again = await accept(officer, id, { parts: [{ pages: [{ page: 1 }] }] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r.body);
    expect(await jobsOf(r.body.scans[0].id)).toBe(1);
    const count = await sql<{ n: number }>`select count(*)::int as n from scans where dossier_code = ${dossier}`.execute(t.ctx.database.db);
    expect(count.rows[0].n).toBe(2);
  });

  it('a scan made without a draft answers itself when accepted', async () => {
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(await pagesPdf(1))], { type: 'application/pdf' }), 'x.pdf');
    const r = await fetch(`${t.base}/api/v1/digitisation/scans`, { method: 'POST', headers: { authorization: `Bearer ${officer}` }, body: fd });
    const made = (await r.json()) as { id: string };
    const again = await accept(officer, made.id, { parts: [{ pages: [{ page: 1 }] }] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ scans: [{ id: made.id, status: 'queued', pageCount: 1, componentCode: null }] });
  });
});
