import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, FORM, importTestProcedures, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';
import { pdfText } from '../../platform/pdf/testing.ts';

const APPLICANT = 'Phạm Thị Hường Ấn';
let t: TestApp;
const tok: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  tok.owner = await citizenToken(t, '30000000-0000-4000-8000-000000000001', APPLICANT, '001190012399');
  tok.other = await citizenToken(t, '30000000-0000-4000-8000-000000000002', 'Nguyễn Thị Hà', '079194006789');
  tok.receiving = await login(t, 'tiepnhan.xnk');
  tok.leader = await login(t, 'lanhdao');
  tok.specialist = await login(t, 'chuyenvien');
  tok.signer = await login(t, 'ky');
  tok.hcm = await login(t, 'lanhdao.hcm');
});
afterAll(() => t?.close());

async function step(as: string, code: string, body: Record<string, unknown>) {
  const r = await act(t, tok[as], code, body);
  if (r.status !== 200) throw new Error(`${String(body.action)} as ${as}: ${r.status} ${JSON.stringify(r.body)}`);
}

async function get(path: string, token: string) {
  const r = await fetch(`${t.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = new Uint8Array(await r.arrayBuffer());
  return {
    status: r.status,
    headers: r.headers,
    bytes,
    json: () => JSON.parse(Buffer.from(bytes).toString('utf8')) as { error: { code: string; message: string; messageEn: string } },
  };
}

/** The text as a reader gets it, with runs of whitespace (table wraps, layout) folded to one space. */
const textOf = async (bytes: Uint8Array) => (await pdfText(bytes, { mode: 'raw' })).replace(/\s+/g, ' ');

describe('dossier forms as PDF', () => {
  let code: string;
  beforeAll(async () => {
    code = (await fileOnline(t, tok.owner)).body.code;
    await step('receiving', code, { action: 'receive' });
    await step('leader', code, { action: 'assign', assignee: 'chuyenvien' });
    await step('specialist', code, { action: 'request_supplement', items: [{ component: 'Giấy tờ khác', reason: 'Thiếu bản sao có chứng thực' }] });
    await step('owner', code, { action: 'supplement', components: [{ code: 'T-02', uploadId: await uploadPdf(t, tok.owner) }] });
    await step('specialist', code, { action: 'propose', note: 'Đủ điều kiện cấp' });
    await step('signer', code, { action: 'approve' });
  });

  it('01: the receipt slip, to the applicant, inline PDF with the name and code', async () => {
    const r = await get(`/api/v1/dossiers/${code}/forms/01`, tok.owner);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toBe(`inline; filename="${code}-01.pdf"`);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(r.bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const text = await textOf(r.bytes);
    expect(text).toContain(APPLICANT);
    expect(text).toContain(code);
    expect(text).toContain('Giấy tiếp nhận hồ sơ và hẹn trả kết quả'.toUpperCase());
    expect(text).toContain('Nguyễn Thị Hoa'); // the receiving officer
    expect(text).toContain('Thủ tục thử nghiệm cấp giấy xác nhận');
  });

  it('02: the supplement request lists what was asked', async () => {
    const r = await get(`/api/v1/dossiers/${code}/forms/02`, tok.owner);
    expect(r.status).toBe(200);
    const text = await textOf(r.bytes);
    expect(text).toContain(APPLICANT);
    expect(text).toContain(code);
    expect(text).toContain('Thiếu bản sao có chứng thực');
    expect(text).toContain('Trần Minh Đức'); // the specialist who asked
  });

  it('06: one row per hand-off with the officials, for staff only', async () => {
    const r = await get(`/api/v1/dossiers/${code}/forms/06`, tok.leader);
    expect(r.status).toBe(200);
    const text = await textOf(r.bytes);
    expect(text).toContain(code);
    expect(text).toContain(APPLICANT);
    // receive, assign, request supplement, supplement, propose, approve: six hand-offs, numbered.
    const table = text.slice(text.indexOf('Ghi chú'));
    for (const n of ['Nguyễn Thị Hoa', 'Lê Thu Hương', 'Trần Minh Đức', 'Hoàng Văn Thắng']) expect(table).toContain(n);
    expect(table).toMatch(/\b6 /);
    expect(table).not.toMatch(/\b7 Trả/);
    const raw = await pdfText(r.bytes, { mode: 'raw' });
    const rows = raw.split('\n').filter((l) => /^[1-9] \S/.test(l.trim()));
    expect(rows.map((l) => l.trim().split(' ')[0])).toEqual(expect.arrayContaining(['1', '2', '3', '4', '5', '6']));
    expect(text).toMatch(/Đúng hạn|Trước hạn/);
    expect(text).toContain('Đang xử lý'); // the last hand-off: approved, the desk has not returned it yet

    const owner = await get(`/api/v1/dossiers/${code}/forms/06`, tok.owner);
    expect(owner.status).toBe(403);
    expect(owner.json().error.code).toBe('FORBIDDEN');
  });

  it('07: the receiving unit’s register for the month of submission', async () => {
    const r = await get(`/api/v1/dossiers/${code}/forms/07`, tok.receiving);
    expect(r.status).toBe(200);
    const text = await textOf(r.bytes);
    expect(text).toContain(code);
    expect(text).toContain(APPLICANT);
    expect((await get(`/api/v1/dossiers/${code}/forms/07`, tok.owner)).status).toBe(403);
  });

  it('03, 04, 05 do not apply to this history: 409 FORM_NOT_APPLICABLE with a bilingual message', async () => {
    for (const f of ['03', '04', '05']) {
      const r = await get(`/api/v1/dossiers/${code}/forms/${f}`, tok.leader);
      expect(r.status, f).toBe(409);
      const e = r.json().error;
      expect(e.code, f).toBe('FORM_NOT_APPLICABLE');
      expect(e.message, f).not.toBe(e.messageEn);
    }
  });

  it('another citizen gets 404 for every form; other units’ officials too', async () => {
    for (const f of ['01', '02', '06']) expect((await get(`/api/v1/dossiers/${code}/forms/${f}`, tok.other)).status).toBe(404);
    expect((await get(`/api/v1/dossiers/${code}/forms/01`, tok.hcm)).status).toBe(404);
    expect((await get(`/api/v1/dossiers/${code}/forms/09`, tok.leader)).status).toBe(400);
  });

  it('the register of a unit and period: covered units only, at most 366 days', async () => {
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const from = `${today.slice(0, 8)}01`;
    const r = await get(`/api/v1/registers/000.05.01.G12?from=${from}&to=${today}`, tok.leader);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    const text = await textOf(r.bytes);
    expect(text).toContain(code);
    expect(text).toContain(APPLICANT);
    expect((await get(`/api/v1/registers/000.05.01.G12?from=${from}&to=${today}`, tok.hcm)).status).toBe(403);
    expect((await get(`/api/v1/registers/000.05.01.G12?from=2025-01-01&to=2026-01-02`, tok.leader)).status).toBe(400);
    expect((await get(`/api/v1/registers/000.05.01.G12?from=2025-01-02&to=2025-01-01`, tok.leader)).status).toBe(400);
    expect((await get(`/api/v1/registers/000.99.99.G12?from=${from}&to=${today}`, tok.leader)).status).toBe(404);
    expect((await get(`/api/v1/registers/000.05.01.G12?from=${from}&to=${today}`, tok.owner)).status).toBe(403);
  });

  it('the OpenAPI document describes both as application/pdf', async () => {
    const doc = (await (await fetch(`${t.base}/api/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, { schema: { format?: string } }> }> } }>;
    };
    for (const p of ['/api/v1/dossiers/{code}/forms/{form}', '/api/v1/registers/{unitId}']) {
      expect(doc.paths[p].get.responses['200'].content?.['application/pdf'].schema.format, p).toBe('binary');
    }
  });

  it('a refused dossier gets its refusal slip (03), and no receipt slip (01)', async () => {
    const refused = (await fileOnline(t, tok.owner)).body.code;
    await step('receiving', refused, { action: 'refuse', reason: 'Thủ tục không thuộc thẩm quyền giải quyết của đơn vị' });
    const r = await get(`/api/v1/dossiers/${refused}/forms/03`, tok.owner);
    expect(r.status).toBe(200);
    const text = await textOf(r.bytes);
    expect(text).toContain(APPLICANT);
    expect(text).toContain(refused);
    expect(text).toContain('Thủ tục không thuộc thẩm quyền giải quyết của đơn vị');
    expect(text).toContain('Nguyễn Thị Hoa');
    expect((await get(`/api/v1/dossiers/${refused}/forms/01`, tok.owner)).status).toBe(409);
    expect((await get(`/api/v1/dossiers/${refused}/forms/02`, tok.owner)).status).toBe(409);
  });

  it('an apology gives 04 and a stop gives 05, signed by the leader who recorded them', async () => {
    const c = (await fileOnline(t, tok.owner)).body.code;
    await step('receiving', c, { action: 'receive' });
    await step('leader', c, { action: 'assign', assignee: 'chuyenvien' });
    await step('leader', c, { action: 'apologise', reason: 'Cần xác minh thêm với cơ quan hải quan', newDueDate: '2099-12-31' });
    const apology = await get(`/api/v1/dossiers/${c}/forms/04`, tok.owner);
    expect(apology.status).toBe(200);
    const a = await textOf(apology.bytes);
    expect(a).toContain(APPLICANT);
    expect(a).toContain('Cần xác minh thêm với cơ quan hải quan');
    expect(a).toContain('Lê Thu Hương');
    expect(a).toContain('31 tháng 12 năm 2099');
    expect((await get(`/api/v1/dossiers/${c}/forms/05`, tok.owner)).status).toBe(409);
    await step('leader', c, { action: 'stop', reason: 'Người nộp đề nghị dừng giải quyết hồ sơ' });
    const stop = await get(`/api/v1/dossiers/${c}/forms/05`, tok.owner);
    expect(stop.status).toBe(200);
    expect(await textOf(stop.bytes)).toContain('Người nộp đề nghị dừng giải quyết hồ sơ');
    const slip = await textOf((await get(`/api/v1/dossiers/${c}/forms/06`, tok.leader)).bytes);
    // The note column is narrow: pdftotext may break the date inside.
    expect(slip.replace(/\s/g, '')).toContain('Xinlỗi,hẹnlạingàytrả:31/12/2099');
    expect(slip).toContain('Lê Thu Hương');
  });
  it('08: a result returned by post gets the postal hand-over record, for staff only; one returned online gets 409', async () => {
    const address = 'Số 12 ngõ 34 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội';
    const filed = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
      token: tok.owner,
      body: {
        procedureCode: TEST_PROCEDURE.code,
        channel: 2,
        form: FORM,
        components: [{ code: 'T-01', uploadId: await uploadPdf(t, tok.owner) }],
        applicant: { name: APPLICANT, identifier: '001190012399', address },
      },
    });
    expect(filed.status).toBe(201);
    const toApproved = async (c: string) => {
      await step('receiving', c, { action: 'receive' });
      await step('leader', c, { action: 'assign', assignee: 'chuyenvien' });
      await step('specialist', c, { action: 'propose', note: 'Đủ điều kiện cấp' });
      await step('signer', c, { action: 'approve' });
    };
    const byPost = filed.body.code;
    await toApproved(byPost);
    expect((await get(`/api/v1/dossiers/${byPost}/forms/08`, tok.receiving)).status).toBe(409); // approved, not yet returned
    await step('receiving', byPost, { action: 'return', method: 'post' });
    const r = await get(`/api/v1/dossiers/${byPost}/forms/08`, tok.receiving);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe(`inline; filename="${byPost}-08.pdf"`);
    const text = await textOf(r.bytes);
    expect(text).toContain('Biên bản giao nhận kết quả qua dịch vụ bưu chính'.toUpperCase());
    expect(text).toContain(address);
    expect(text).toContain('Nguyễn Thị Hoa'); // the receiving officer who handed it over
    expect(text).toContain(byPost);
    expect(text).toContain(APPLICANT);
    expect(text).toContain('NHÂN VIÊN BƯU CHÍNH');
    expect((await get(`/api/v1/dossiers/${byPost}/forms/08`, tok.owner)).status).toBe(403);

    const online = (await fileOnline(t, tok.owner)).body.code;
    await toApproved(online);
    await step('receiving', online, { action: 'return', method: 'online' });
    const no = await get(`/api/v1/dossiers/${online}/forms/08`, tok.leader);
    expect([no.status, no.json().error.code]).toEqual([409, 'FORM_NOT_APPLICABLE']);
  });
});
