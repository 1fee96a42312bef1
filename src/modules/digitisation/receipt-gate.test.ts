import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, citizenToken, FORM, fileOnline, importTestProcedures, samplePdf, TEST_PROCEDURE, uploadPdf, type View } from '../../../test/dossier-fixtures.ts';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';

/**
 * Issue 13, acceptance: a dossier received at the counter (or by post) cannot pass receipt while
 * a paper component is neither digitised nor marked not required, and the national sync event
 * says whether the dossier has digitised components (HoSoCoThanhPhanSoHoa).
 */
let t: TestApp;
let officer: string;
let leader: string;
const APPLICANT = { name: 'Trần Thị Mai', identifier: '001190000333' };

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  officer = await login(t, 'tiepnhan.xnk');
  leader = await login(t, 'lanhdao');
}, 600_000);
afterAll(() => t?.close());

async function counterDossier(channel: 1 | 3 = 1): Promise<string> {
  const components = [
    { code: 'T-01', uploadId: await uploadPdf(t, officer, 'don.pdf') },
    { code: 'T-02', uploadId: await uploadPdf(t, officer, 'ban-sao.pdf') },
  ];
  const r = await api<View>(t, 'POST', '/api/v1/dossiers', {
    token: officer,
    body: { procedureCode: TEST_PROCEDURE.code, channel, applicant: APPLICANT, form: FORM, components },
  });
  if (r.status !== 201) throw new Error(`file: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.code;
}

/** The national sync events of a dossier, oldest first. */
async function syncEvents(code: string) {
  const r = await sql<{ data: { action: string; hasDigitisedComponents: boolean } }>`
    select payload as data from outbox_messages where adapter = 'national-portal' and kind = 'DongBoHoSoMC' and key = ${code} order by id`.execute(
    t.ctx.database.db,
  );
  return r.rows.map((x) => x.data);
}

/** A scan of the component, read: the OCR job's outcome is written the way the job writes it (workers do not run in test apps). */
async function digitise(code: string, component: string, text: string) {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(await samplePdf())], { type: 'application/pdf' }), 'scan.pdf');
  form.append('dossierCode', code);
  form.append('componentCode', component);
  const res = await fetch(`${t.base}/api/v1/digitisation/scans`, { method: 'POST', headers: { authorization: `Bearer ${officer}` }, body: form });
  const scan = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(scan)).toBe(202);
  await sql`update scans set status = 'done', progress = 1, output_upload_id = source_upload_id, finished_at = now() where id = ${scan.id}`.execute(
    t.ctx.database.db,
  );
  await sql`insert into scan_pages (scan_id, page, text) values (${scan.id}, 1, ${text})`.execute(t.ctx.database.db);
  const item = await api<{ code: string }>(t, 'POST', '/api/v1/digitisation/items', { token: officer, body: { scanId: scan.id } });
  expect(item.status).toBe(201);
  return item.body.code;
}

const confirm = (item: string, metadata: Record<string, unknown>) =>
  api(t, 'PUT', `/api/v1/digitisation/items/${item}/confirm`, { token: officer, body: { metadata } });

describe('the receipt gate', () => {
  it('a counter dossier with undigitised paper cannot be assigned; each missing component is named; nothing is written', async () => {
    const code = await counterDossier();
    const before = (await api<unknown[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: officer })).body.length;
    const r = await act(t, leader, code, { action: 'assign', assignee: 'chuyenvien' });
    expect([r.status, r.body.error?.code]).toEqual([409, 'DIGITISATION_INCOMPLETE']);
    expect(r.body.error?.details?.map((d) => d.path)).toEqual(['components[code=T-01]', 'components[code=T-02]']);
    expect((await api<unknown[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: officer })).body.length).toBe(before);
    // The rules come first: someone who may not assign is told that, not about digitisation.
    const specialist = await login(t, 'chuyenvien');
    expect((await act(t, specialist, code, { action: 'assign', assignee: 'chuyenvien' })).body.error?.code).toBe('NOT_YOUR_STEP');
  });

  it('digitised (scanned, read, confirmed) or marked not required with a reason: the dossier moves on, and the sync event says it has digitised components', async () => {
    const code = await counterDossier(3);
    const item = await digitise(code, 'T-01', 'ĐƠN ĐỀ NGHỊ CẤP GIẤY CHỨNG NHẬN\nKính gửi: Sở Công Thương');
    // Scanned and read but not confirmed: still pending.
    expect((await act(t, leader, code, { action: 'assign', assignee: 'chuyenvien' })).body.error?.code).toBe('DIGITISATION_INCOMPLETE');
    expect((await confirm(item, { documentName: 'Đơn đề nghị', documentType: 'application' })).status).toBe(200);
    const exempt = await api(t, 'POST', `/api/v1/dossiers/${code}/digitisation/exemptions`, {
      token: officer,
      body: { componentCode: 'T-02', reason: 'Bản chính chỉ để đối chiếu, đã trả lại người nộp' },
    });
    expect(exempt.status).toBe(200);
    const r = await act(t, leader, code, { action: 'assign', assignee: 'chuyenvien' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const events = await syncEvents(code);
    // Filed at the counter, the filing is the receipt: one event for both.
    expect(events.map((e) => [e.action, e.hasDigitisedComponents])).toEqual([
      ['receive', false],
      ['assign', true],
    ]);
  });

  it('online filings are electronic: no gate, and no digitised components to report', async () => {
    const citizen = await citizenToken(t, '70000000-0000-4000-8000-000000000009');
    const f = await fileOnline(t, citizen);
    expect((await act(t, officer, f.body.code, { action: 'receive' })).status).toBe(200);
    expect((await act(t, leader, f.body.code, { action: 'assign', assignee: 'chuyenvien' })).status).toBe(200);
    expect((await syncEvents(f.body.code)).map((e) => e.hasDigitisedComponents)).toEqual([false, false, false]);
  });
});
