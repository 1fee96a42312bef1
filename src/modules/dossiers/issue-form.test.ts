import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, FORM, importTestProcedures, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';
import { sql } from 'kysely';
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
    // The desk as Decree 118/2025 names it; a limit in working days gives the appointment as a day.
    expect(text).toContain('BỘ PHẬN MỘT CỬA');
    expect(text).not.toContain('Tiếp nhận và Trả kết quả');
    expect(text).toContain('3. Thời gian giải quyết hồ sơ theo quy định là: 10 ngày làm việc');
    expect(text).toMatch(/5\. Thời gian trả kết quả giải quyết hồ sơ: ngày \d\d tháng \d+ năm \d{4}/);
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
    expect(a).toContain('V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ');
    expect(a).toContain(`Kính gửi: ${APPLICANT}`);
    expect(a).toContain(`Mã hồ sơ: ${c}`);
    expect(a).toContain('Lý do: Cần xác minh thêm với cơ quan hải quan');
    expect(a).toContain('trân trọng xin lỗi Ông/Bà');
    expect(a).toContain('đề nghị gia hạn thời gian giải quyết hồ sơ đến ngày 31 tháng 12 năm 2099');
    expect(a).toContain('chỉ được gia hạn một lần');
    expect(a).toMatch(/THỦ TRƯỞNG CƠ QUAN .*Lê Thu Hương/);
    expect(a).not.toContain('PHIẾU XIN LỖI');
    // The applicant is told the same: the due date missed (not the extended one), the extension asked for, once only.
    const told = await t.ctx.database.db
      .selectFrom('citizen_notifications')
      .select('data')
      .where('dossier_code', '=', c)
      .where('event', '=', 'dossier.apology')
      .executeTakeFirstOrThrow();
    const due = (await api<{ dueDate: string }>(t, 'GET', `/api/v1/dossiers/${c}`, { token: tok.owner })).body;
    expect(told.data).toMatchObject({ newDueDate: '2099-12-31', reason: 'Cần xác minh thêm với cơ quan hải quan' });
    expect(told.data.dueDate).not.toBe('2099-12-31');
    expect(due.dueDate).toBe('2099-12-31');
    expect(a).toContain(`Thời hạn trả kết quả theo quy định: ngày ${String(told.data.dueDate).slice(8, 10)} tháng`);
    expect((await get(`/api/v1/dossiers/${c}/forms/05`, tok.owner)).status).toBe(409);
    await step('leader', c, { action: 'stop', reason: 'Người nộp đề nghị dừng giải quyết hồ sơ' });
    const stop = await get(`/api/v1/dossiers/${c}/forms/05`, tok.owner);
    expect(stop.status).toBe(200);
    const s = await textOf(stop.bytes);
    expect(s).toContain('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ');
    expect(s).toContain('Lý do: Người nộp đề nghị dừng giải quyết hồ sơ');
    expect(s).toContain('thông báo dừng giải quyết hồ sơ nêu trên kể từ');
    expect(s).not.toContain('dừng xử lý');
    const slip = await textOf((await get(`/api/v1/dossiers/${c}/forms/06`, tok.leader)).bytes);
    // The note column is narrow: pdftotext may break the date inside.
    expect(slip.replace(/\s/g, '')).toContain('Xinlỗi,đềnghịgiahạnđến:31/12/2099');
    expect(slip).toContain('Lê Thu Hương');
  });
  it('an older dossier’s history keeps the 2018 names: forms about events before 15 September 2025', async () => {
    const c = (await fileOnline(t, tok.owner)).body.code;
    await step('receiving', c, { action: 'receive' });
    await step('leader', c, { action: 'assign', assignee: 'chuyenvien' });
    await step('leader', c, { action: 'apologise', reason: 'Chờ ý kiến của cơ quan phối hợp', newDueDate: '2099-12-30' });
    await step('leader', c, { action: 'stop', reason: 'Người nộp đề nghị dừng' });
    // The history as an older dossier has it: received in August, apology and stop before 15 September 2025.
    const db = t.ctx.database.db;
    const id = (await db.selectFrom('dossiers').select('id').where('code', '=', c).executeTakeFirstOrThrow()).id;
    const setAt = (action: string, at: string) =>
      db
        .updateTable('dossier_actions')
        .set({ at: new Date(at) })
        .where('dossier_id', '=', id)
        .where('action', '=', action)
        .execute();
    await setAt('receive', '2025-08-20T02:30:00Z');
    await setAt('assign', '2025-08-20T03:00:00Z');
    await setAt('apologise', '2025-09-10T03:00:00Z');
    await setAt('stop', '2025-09-14T16:59:00Z');

    const slip = await textOf((await get(`/api/v1/dossiers/${c}/forms/01`, tok.owner)).bytes);
    expect(slip).toContain('BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ');
    expect(slip).not.toContain('Một cửa');
    const apology = await textOf((await get(`/api/v1/dossiers/${c}/forms/04`, tok.owner)).bytes);
    expect(apology).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(apology).toContain('ngày 30 tháng 12 năm 2099');
    expect(apology).not.toContain('gia hạn');
    const stop = await textOf((await get(`/api/v1/dossiers/${c}/forms/05`, tok.owner)).bytes);
    expect(stop).toContain('THÔNG BÁO Về việc dừng xử lý hồ sơ');
    const control = (await textOf((await get(`/api/v1/dossiers/${c}/forms/06`, tok.leader)).bytes)).replace(/\s/g, '');
    expect(control).toContain('Xinlỗi,hẹnlạingàytrả:30/12/2099');
  });

  it('01 of a dossier whose limit counts working hours gives the appointment with its time', async () => {
    const c = (await fileOnline(t, tok.owner)).body.code;
    await step('receiving', c, { action: 'receive' });
    // The due moment as the deadline engine sets it for an 8-working-hour limit: 10:00 on 8 December 2026, Vietnam time.
    await t.ctx.database.db
      .updateTable('dossiers')
      .set({
        due_at: new Date('2026-12-08T03:00:00Z'),
        due_date: '2026-12-08',
        state: sql`jsonb_set(state, '{processingUnit}', '"WORKING_HOUR"')`,
      })
      .where('code', '=', c)
      .execute();
    const text = await textOf((await get(`/api/v1/dossiers/${c}/forms/01`, tok.owner)).bytes);
    expect(text).toContain('5. Thời gian trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 08 tháng 12 năm 2026');
    const control = await textOf((await get(`/api/v1/dossiers/${c}/forms/06`, tok.leader)).bytes);
    expect(control).toContain('Thời gian hẹn trả kết quả: 10 giờ 00 phút, ngày 08 tháng 12 năm 2026');
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
