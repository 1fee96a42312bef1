import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, tokenFor, type TestApp } from '../../../../test/helpers.ts';
import { describeWithTool } from '../../../../test/tools.ts';
import { renderDocument } from '../../../platform/pdf/index.ts';
import { rasterise, renderTextPdf } from '../../../platform/ocr/testing.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import type { EdxmlDocumentMessage, EdxmlStatusMessage, SignatureReport } from '../edxml/model.ts';
import { registerExchangedDocument } from './register-exchanged-document.ts';
import { recordRecallRequest } from './record-recall-request.ts';
import { ocrIncoming } from './ocr-job.ts';
import { loadDemoIncoming } from './load-demo-incoming.ts';
import { deadlineStates } from './deadline-state.ts';
import type { IncomingView } from './schemas.ts';

let t: TestApp;
const tok: Record<string, string> = {};
let handlerId: string;
let seq = 0;

const SENDER = { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };
const SIG: SignatureReport = { present: true, valid: true, algorithm: 'rsa-sha1', weak: true, signer: 'CN=Văn phòng Chính phủ' };

function message(over: Partial<EdxmlDocumentMessage> = {}): EdxmlDocumentMessage {
  seq += 1;
  const code = `${7000 + seq}/VPCP-TTĐT`;
  return {
    kind: 'document',
    from: SENDER,
    to: [{ organId: '000.00.00.G12', organName: 'Bộ Công Thương' }],
    documentId: `${SENDER.organId},2026/12/01,${code}`,
    code: { number: String(7000 + seq), notation: 'VPCP-TTĐT' },
    promulgation: { place: 'Hà Nội', date: '2026-12-01' },
    documentType: { type: 1, typeDetail: 2, typeName: 'Công văn' },
    subject: `Về việc báo cáo tình hình xuất nhập khẩu số ${seq}`,
    signer: { position: 'Phó Chủ nhiệm', fullName: 'Nguyễn Văn A' },
    dueDate: '2026-12-20',
    steeringType: 1,
    toPlaces: [],
    otherInfo: { appendixes: [] },
    responseFor: [],
    business: { type: 0, replacementInfo: [] },
    trace: [],
    attachments: [{ contentId: 'cid:1', name: 'cong-van.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 test') }],
    ...over,
  };
}

const arrive = (m: EdxmlDocumentMessage) =>
  t.ctx.database.db.transaction().execute((tx) => registerExchangedDocument(t.ctx, tx, m, { signature: SIG, rawBlob: 'a'.repeat(64), via: 'axis' }));

/** The statuses sendEdxmlStatus queued for the sender about a document, oldest first. */
async function sentStatuses(documentId: string): Promise<string[]> {
  const rows = await t.ctx.database.db
    .selectFrom('edxml_deliveries')
    .select(['status_code', 'organ_id'])
    .where('document_id', '=', documentId)
    .where('kind', '=', 'status')
    .orderBy('created_at')
    .execute();
  for (const r of rows) expect(r.organ_id).toBe(SENDER.organId);
  return rows.map((r) => r.status_code ?? '');
}

const get = (id: string, who: string) => api<IncomingView>(t, 'GET', `/api/v1/documents/incoming/${id}`, { token: tok[who] });
const act = (id: string, who: string, body: Record<string, unknown>) =>
  api<IncomingView & { error: { code: string; details?: { path: string }[] } }>(t, 'POST', `/api/v1/documents/incoming/${id}/actions`, {
    token: tok[who],
    body,
  });

beforeAll(async () => {
  t = await startTestApp();
  for (const u of ['vanthu', 'vanthu.xnk', 'lanhdao', 'chuyenvien', 'chuyenvien.hcm']) tok[u] = await login(t, u);
  tok.citizen = await tokenFor(t, 'citizen');
  handlerId = (await listStaff(t.ctx)).find((s) => s.username === 'chuyenvien')!.id;
}, 120_000);
afterAll(async () => t?.close());

describe('incoming documents through the exchange', () => {
  it('registers a message once: the second delivery is a duplicate with the same id', async () => {
    const m = message();
    const a = await arrive(m);
    const b = await arrive(m);
    expect(a.duplicate).toBe(false);
    expect(b).toEqual({ id: a.id, documentId: m.documentId, duplicate: true });
    const r = await get(a.id, 'vanthu');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'arrived',
      numberNotation: `${m.code.number}/VPCP-TTĐT`,
      sender: SENDER,
      promulgationDate: '2026-12-01',
      dueDate: '2026-12-20',
      documentType: 'Công văn',
      signature: { valid: true, weak: true },
      attachments: [{ n: 1, name: 'cong-van.pdf', contentType: 'application/pdf', size: 13 }],
      allowedActions: ['register', 'refuse'],
    });
    const file = await fetch(`${t.base}/api/v1/documents/incoming/${a.id}/attachments/1`, { headers: { authorization: `Bearer ${tok.vanthu}` } });
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('%PDF-1.4 test');
  });

  it('goes arrived → registered (03) → directed (04) → in progress (05 once) → done (06), numbered continuously', async () => {
    const m1 = message();
    const m2 = message();
    const d1 = await arrive(m1);
    const d2 = await arrive(m2);
    // Not presented yet: the leader and the specialist do not see it, nor another unit's clerk.
    expect((await get(d1.id, 'lanhdao')).status).toBe(404);
    expect((await get(d1.id, 'chuyenvien')).status).toBe(404);
    expect((await get(d1.id, 'vanthu.xnk')).status).toBe(404);
    expect((await get(d1.id, 'citizen')).status).toBe(403);
    // Only the clerk registers.
    expect((await act(d1.id, 'vanthu.xnk', { action: 'register', version: 1 })).status).toBe(404);

    const r1 = await act(d1.id, 'vanthu', { action: 'register', version: 1 });
    expect(r1.status).toBe(200);
    const r2 = await act(d2.id, 'vanthu', { action: 'register', version: 1 });
    expect(r2.body.incomingNumber).toBe(r1.body.incomingNumber! + 1);
    expect(r1.body.status).toBe('awaiting_direction');

    // The same page posted twice: the second is stale.
    const stale = await act(d1.id, 'vanthu', { action: 'register', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_VERSION');

    // The leader now sees it among the documents awaiting direction.
    const awaiting = await api<{ items: { id: string }[] }>(t, 'GET', '/api/v1/documents/incoming?awaiting=1', { token: tok.lanhdao });
    expect(awaiting.body.items.map((x) => x.id)).toContain(d1.id);
    // A clerk may not direct; the handler must be a specialist the leader leads.
    expect((await act(d1.id, 'vanthu', { action: 'direct', version: 2, handlerId })).body.error.code).toBe('NOT_YOUR_STEP');
    const wrong = await act(d1.id, 'lanhdao', { action: 'direct', version: 2, handlerId: (await listStaff(t.ctx)).find((s) => s.username === 'vanthu')!.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.[0].path).toBe('body.handlerId');

    const directed = await act(d1.id, 'lanhdao', {
      action: 'direct',
      version: 2,
      handlerId,
      instructions: 'Chủ trì, báo cáo trước hạn',
      deadline: '2099-12-31',
    });
    expect(directed.status).toBe(200);
    expect(directed.body).toMatchObject({ status: 'directed', handlerId, deadline: '2099-12-31', deadlineState: 'ok' });

    const mine = await api<{ items: { id: string }[] }>(t, 'GET', '/api/v1/documents/incoming?mine=1', { token: tok.chuyenvien });
    expect(mine.body.items.map((x) => x.id)).toContain(d1.id);
    // Another specialist is not the handler.
    expect((await act(d1.id, 'chuyenvien.hcm', { action: 'progress', version: 3, note: 'Đang xử lý' })).status).toBe(404);

    const p1 = await act(d1.id, 'chuyenvien', { action: 'progress', version: 3, note: 'Đã lấy ý kiến các phòng' });
    expect(p1.body.status).toBe('in_progress');
    const p2 = await act(d1.id, 'chuyenvien', { action: 'progress', version: 4, note: 'Đang tổng hợp' });
    expect(p2.status).toBe(200);
    const done = await act(d1.id, 'chuyenvien', { action: 'complete', version: 5, note: 'Đã có văn bản trả lời' });
    expect(done.body.status).toBe('done');
    expect(done.body.history.map((h) => [h.action, h.statusCode ?? null])).toEqual([
      ['arrive', '01'],
      ['register', '03'],
      ['direct', '04'],
      ['progress', '05'],
      ['progress', null],
      ['complete', '06'],
    ]);
    expect(await sentStatuses(m1.documentId)).toEqual(['03', '04', '05', '06']);
  });

  it('refuses with a reason (02), and asks for one', async () => {
    const m = message();
    const d = await arrive(m);
    const none = await act(d.id, 'vanthu', { action: 'refuse', version: 1 });
    expect(none.status).toBe(400);
    expect(none.body.error.details?.[0].path).toBe('body.reason');
    const r = await act(d.id, 'vanthu', { action: 'refuse', version: 1, reason: 'Văn bản gửi nhầm cơ quan' });
    expect(r.body.status).toBe('refused');
    expect(r.body.history.at(-1)).toMatchObject({ action: 'refuse', statusCode: '02', note: 'Văn bản gửi nhầm cơ quan' });
    expect(await sentStatuses(m.documentId)).toEqual(['02']);
    expect((await act(d.id, 'vanthu', { action: 'register', version: 2 })).body.error.code).toBe('ACTION_NOT_ALLOWED');
  });

  it('answers recall requests: agreed (15) marks it recalled, refused (16) lets the work go on', async () => {
    const m = message();
    const d = await arrive(m);
    await act(d.id, 'vanthu', { action: 'register', version: 1 });
    const status13: EdxmlStatusMessage = {
      kind: 'status',
      from: SENDER,
      responseFor: { organId: '000.00.00.G12', code: `${m.code.number}/VPCP-TTĐT`, documentId: m.documentId },
      statusCode: '13',
      description: 'Văn bản ban hành sai thể thức',
      timestamp: '2026-12-02T09:00:00+07:00',
    };
    const rec = await t.ctx.database.db.transaction().execute((tx) => recordRecallRequest(t.ctx, tx, status13));
    expect(rec).toEqual({ incomingId: d.id });
    const v = (await get(d.id, 'vanthu')).body;
    expect(v).toMatchObject({ recallPending: true, recallReason: 'Văn bản ban hành sai thể thức', allowedActions: ['agree-recall', 'refuse-recall'] });
    // While the request waits, the leader cannot direct it.
    expect((await act(d.id, 'lanhdao', { action: 'direct', version: v.version, handlerId })).body.error.code).toBe('ACTION_NOT_ALLOWED');
    const refused = await act(d.id, 'vanthu', { action: 'refuse-recall', version: v.version, reason: 'Văn bản đã được phân công xử lý' });
    expect(refused.body).toMatchObject({ status: 'awaiting_direction', recallPending: false });

    // A revocation message (business type 1) is a recall request too; this time the clerk agrees.
    const revocation = await arrive({ ...m, business: { type: 1, reason: 'Thu hồi văn bản điện tử', replacementInfo: [] } });
    expect(revocation).toMatchObject({ id: d.id, duplicate: false });
    const v2 = (await get(d.id, 'vanthu')).body;
    expect(v2.recallPending).toBe(true);
    const agreed = await act(d.id, 'vanthu', { action: 'agree-recall', version: v2.version });
    expect(agreed.body.status).toBe('recalled');
    expect(await sentStatuses(m.documentId)).toEqual(['03', '16', '15']);
    // Unknown document: nothing to recall.
    const other = await t.ctx.database.db
      .transaction()
      .execute((tx) => recordRecallRequest(t.ctx, tx, { ...status13, responseFor: { ...status13.responseFor, documentId: 'x,2026/01/01,1/X' } }));
    expect(other).toBeNull();
  });

  it('links an update to the earlier document and says so in its history', async () => {
    const m = message();
    const d = await arrive(m);
    const upd = message({ business: { type: 2, reason: 'Sửa trích yếu', documentId: m.documentId, replacementInfo: [] } });
    const u = await arrive(upd);
    expect((await get(u.id, 'vanthu')).body).toMatchObject({ relatedId: d.id, businessType: 2 });
    expect((await get(d.id, 'vanthu')).body.history.at(-1)).toMatchObject({ action: 'updated', note: 'Sửa trích yếu' });
    // A replacement names the replaced document in ReplacementInfoList: the earlier one is marked superseded.
    const rep = message({ business: { type: 3, reason: 'Thay thế do sai sót', replacementInfo: [{ documentId: m.documentId, organIds: ['000.00.00.G12'] }] } });
    const r = await arrive(rep);
    const earlier = (await get(d.id, 'vanthu')).body;
    expect(earlier.supersededBy).toBe(r.id);
    expect(earlier.history.at(-1)).toMatchObject({ action: 'replaced', note: 'Thay thế do sai sót' });
  });
});

describe('paper and e-mail documents', () => {
  it('a clerk records a scanned paper document; metadata errors name the field', async () => {
    const pdf = await renderDocument({
      qr: { dossierCode: 'X', procedureCode: 'X', applicantId: 'X', documentName: 'X' },
      header: { agency: 'UBND TỈNH NGHỆ AN', place: 'Vinh', date: new Date('2026-12-01T03:00:00Z') },
      title: 'CÔNG VĂN',
      body: [{ kind: 'paragraph', text: 'Về việc phối hợp kiểm tra hàng hóa.' }],
    });
    const form = (fields: Record<string, string>) => {
      const f = new FormData();
      for (const [k, v] of Object.entries(fields)) f.append(k, v);
      f.append('file', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), 'cong-van-giay.pdf');
      return f;
    };
    const post = (body: FormData, who = 'vanthu') =>
      fetch(`${t.base}/api/v1/documents/incoming`, { method: 'POST', headers: { authorization: `Bearer ${tok[who]}` }, body });
    const fields = {
      channel: 'paper',
      senderName: 'UBND tỉnh Nghệ An',
      numberNotation: '12/UBND-KT',
      promulgationDate: '2026-12-01',
      subject: 'Về việc phối hợp kiểm tra',
    };
    const missing = await post(form({ ...fields, subject: '' }));
    expect(missing.status).toBe(400);
    const err = (await missing.json()) as { error: { code: string; details: { path: string }[] } };
    expect(err.error.code).toBe('VALIDATION_FAILED');
    expect(err.error.details.map((x) => x.path)).toContain('body.subject');
    expect((await post(form(fields), 'lanhdao')).status).toBe(403);

    const ok = await post(form(fields));
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    const v = (await get(id, 'vanthu')).body;
    expect(v).toMatchObject({ channel: 'paper', status: 'arrived', numberNotation: '12/UBND-KT', ocrStatus: 'queued', signature: null });
    expect(v.attachments[0]).toMatchObject({ name: 'cong-van-giay.pdf', contentType: 'application/pdf' });
    // Paper has no exchange address: registering sends nothing back.
    const reg = await act(id, 'vanthu', { action: 'register', version: 1 });
    expect(reg.body.status).toBe('awaiting_direction');
    expect(reg.body.history.at(-1)?.statusCode).toBeUndefined();
  });

  it('an e-mail: the .eml fills sender, subject and date', async () => {
    const eml = [
      'From: =?UTF-8?B?U+G7nyBDw7RuZyBUaMawxqFuZyBIw6AgTuG7mWk=?= <soct@hanoi.gov.vn>',
      'Subject: =?UTF-8?Q?V=E1=BB=81_vi=E1=BB=87c_th=E1=BB=91ng_k=C3=AA?=',
      'Date: Tue, 01 Dec 2026 09:15:00 +0700',
      '',
      'Kính gửi Bộ Công Thương',
    ].join('\r\n');
    const f = new FormData();
    f.append('channel', 'email');
    f.append('numberNotation', '55/SCT-QLTM');
    f.append('file', new Blob([eml], { type: 'message/rfc822' }), 'thu.eml');
    const r = await fetch(`${t.base}/api/v1/documents/incoming`, { method: 'POST', headers: { authorization: `Bearer ${tok.vanthu}` }, body: f });
    expect(r.status).toBe(201);
    const { id } = (await r.json()) as { id: string };
    expect((await get(id, 'vanthu')).body).toMatchObject({
      channel: 'email',
      sender: { organName: 'Sở Công Thương Hà Nội' },
      subject: 'Về việc thống kê',
      promulgationDate: '2026-12-01',
      attachments: [{ name: 'thu.eml', contentType: 'message/rfc822' }],
    });
  });

  it('exports the incoming register as XLSX and PDF', async () => {
    const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    for (const [format, type, magic] of [
      ['xlsx', 'spreadsheetml', 'PK'],
      ['pdf', 'application/pdf', '%PDF'],
    ]) {
      const r = await fetch(`${t.base}/api/v1/documents/incoming/register?year=${year}&format=${format}`, {
        headers: { authorization: `Bearer ${tok.vanthu}` },
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain(type);
      expect(
        Buffer.from(await r.arrayBuffer())
          .subarray(0, magic.length)
          .toString('latin1'),
      ).toBe(magic);
    }
    expect((await api(t, 'GET', `/api/v1/documents/incoming/register?year=${year}`, { token: tok.chuyenvien })).status).toBe(403);
    // The workbook's rows: the registered documents in incoming-number order, with their handler.
    const r = await fetch(`${t.base}/api/v1/documents/incoming/register?year=${year}&format=xlsx`, { headers: { authorization: `Bearer ${tok.vanthu}` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const numbers = rows.slice(2).map((x) => x[0] as number);
    expect(numbers.length).toBeGreaterThanOrEqual(3);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    expect(rows.some((x) => x[6] === 'Trần Minh Đức' && String(x[5]).includes('báo cáo tình hình xuất nhập khẩu'))).toBe(true);
  });
});

describeWithTool(['ocrmypdf', 'tesseract', 'pdftoppm', 'img2pdf'], 'a scanned paper document is read by OCR', () => {
  it('keeps the recognised text for search', async () => {
    const jpeg = await rasterise(await renderTextPdf(), { dpi: 150, jpeg: true });
    const f = new FormData();
    for (const [k, v] of Object.entries({
      channel: 'paper',
      senderName: 'UBND phường Tràng Tiền',
      numberNotation: '31/GXN-UBND',
      promulgationDate: '2026-11-30',
      subject: 'Giấy xác nhận cư trú',
    }))
      f.append(k, v);
    f.append('file', new Blob([Buffer.from(jpeg)], { type: 'image/jpeg' }), 'ban-quet.jpg');
    const r = await fetch(`${t.base}/api/v1/documents/incoming`, { method: 'POST', headers: { authorization: `Bearer ${tok.vanthu}` }, body: f });
    expect(r.status).toBe(201);
    const { id } = (await r.json()) as { id: string };
    // The job's work, run here (the test app has no job workers).
    await ocrIncoming(t.ctx, id);
    expect((await get(id, 'vanthu')).body.ocrStatus).toBe('done');
    const row = await t.ctx.database.db.selectFrom('incoming_documents').select('ocr_text').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.ocr_text).toContain('001085012345');
    expect(row.ocr_text).toContain('Hoàn Kiếm');
  }, 300_000);
});

describe('deadlines against the working calendar', () => {
  it('tells overdue, due soon (two working days, weekends not counted) and finished documents apart', async () => {
    // Friday 4 December 2026, 10:00 in Hà Nội.
    const now = new Date('2026-12-04T03:00:00Z');
    const open = (deadline: string | null) => ({ deadline, status: 'directed' });
    expect(
      await deadlineStates(
        t.ctx,
        [open('2026-12-03'), open('2026-12-04'), open('2026-12-08'), open('2026-12-09'), open(null), { deadline: '2026-12-01', status: 'done' }],
        now,
      ),
    ).toEqual(['overdue', 'due_soon', 'due_soon', 'ok', 'none', 'none']);
  });
});

describe('demo data', () => {
  it('loads incoming documents in several states', async () => {
    await loadDemoIncoming(t.ctx);
    const all = await api<{ items: { status: string }[] }>(t, 'GET', '/api/v1/documents/incoming', { token: tok.vanthu });
    const statuses = new Set(all.body.items.map((x) => x.status));
    for (const s of ['arrived', 'awaiting_direction', 'directed', 'in_progress', 'done']) expect(statuses).toContain(s);
    const mine = await api<{ items: { deadline: string | null }[] }>(t, 'GET', '/api/v1/documents/incoming?mine=1', { token: tok.chuyenvien });
    expect(mine.body.items.length).toBeGreaterThanOrEqual(3);
  });
});
