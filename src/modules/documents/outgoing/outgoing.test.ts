import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPdfSignatures } from '../../../platform/signing/verify.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { api, login, startTestApp, type TestApp } from '../../../../test/helpers.ts';
import type { EdxmlStatusMessage } from '../edxml/model.ts';
import { recordRecipientStatus } from './record-recipient-status.ts';

/** The outgoing document's life through the HTTP API, as the plan states it (issue 18 item 1). */
let t: TestApp;
const tok: Record<string, string> = {};
let kyId: string;
let mainPdf: Uint8Array;

type View = {
  id: string;
  version: number;
  status: string;
  number: number | null;
  notation: string | null;
  documentId: string | null;
  files: { role: string; seq: number; current: boolean }[];
  history: { action: string; note: string | null }[];
  recipients: { kind: string; organId: string | null; name: string; delivery: string | null; recalled: boolean; statuses: { code: string }[] }[];
  allowedActions: string[];
  replacementId?: string;
};
type Err = { error: { code: string; details?: { path: string; message: string }[] } };

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(text, { x: 72, y: 760, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

async function upload(token: string, bytes: Uint8Array, name: string): Promise<string> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
  const r = await fetch(`${t.base}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

const act = (who: string, id: string, body: Record<string, unknown>) =>
  api<View & Err>(t, 'POST', `/api/v1/documents/outgoing/${id}/actions`, { token: tok[who], body });
const view = async (who: string, id: string) => (await api<View>(t, 'GET', `/api/v1/documents/outgoing/${id}`, { token: tok[who] })).body;

async function draft(body: Record<string, unknown>) {
  const main = await upload(tok.chuyenvien, mainPdf, 'du-thao.pdf');
  return api<{ id: string; version: number } & Err>(t, 'POST', '/api/v1/documents/outgoing', {
    token: tok.chuyenvien,
    body: { signer: { staffId: kyId }, mainUploadId: main, ...body },
  });
}

beforeAll(async () => {
  t = await startTestApp();
  mainPdf = await pdf('Du thao quyet dinh');
  for (const u of ['chuyenvien', 'lanhdao', 'ky', 'vanthu.xnk', 'chuyenvien.hcm', 'lanhdao.hcm']) tok[u] = await login(t, u);
  kyId = (await listStaff(t.ctx)).find((s) => s.username === 'ky')!.id;
}, 180_000);
afterAll(() => t?.close());

describe('outgoing documents', () => {
  let id: string;

  it('drafts, reviews, approves, signs, seals, numbers and releases a decision', async () => {
    const appendix = await upload(tok.chuyenvien, await pdf('Phu luc'), 'phu-luc.pdf');
    const created = await draft({
      seriesCode: 'QĐ',
      subject: 'Quyết định về việc thử nghiệm',
      summary: 'Tóm tắt',
      appendixUploadIds: [appendix],
      recipients: [
        { kind: 'external', organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
        { kind: 'internal', unitId: '000.05.02.G12' },
      ],
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    expect(created.body.version).toBe(1);

    let v = await view('chuyenvien', id);
    expect(v.status).toBe('draft');
    expect(v.allowedActions).toContain('submit');
    expect(v.files.map((f) => f.role)).toEqual(['main', 'appendix']);

    expect((await act('chuyenvien', id, { action: 'submit', version: 1 })).body.status).toBe('review');
    // The same page's button pressed again: the version is stale, nothing happens.
    const stale = await act('chuyenvien', id, { action: 'submit', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_VERSION');
    expect(stale.body.error.details).toContainEqual(expect.objectContaining({ path: 'current.version', message: '2' }));

    // The specialist cannot approve; the unit leader comments, returns with a reason, then forwards.
    const notMine = await act('chuyenvien', id, { action: 'approve', version: 2 });
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.code).toBe('NOT_YOUR_STEP');
    expect((await act('lanhdao', id, { action: 'comment', version: 2, text: 'Sửa lại điều 2' })).body.version).toBe(2);
    expect((await act('lanhdao', id, { action: 'return', version: 2, reason: 'Chưa đúng thể thức' })).body.status).toBe('draft');
    const noReason = await act('lanhdao', id, { action: 'return', version: 3 });
    expect(noReason.status).toBe(400);
    await act('chuyenvien', id, { action: 'submit', version: 3 });
    expect((await act('lanhdao', id, { action: 'forward', version: 4 })).body.status).toBe('forwarded');
    // The clerk cannot seal what is not signed.
    const early = await act('vanthu.xnk', id, { action: 'seal', version: 5 });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('ACTION_NOT_ALLOWED');
    expect((await act('ky', id, { action: 'approve', version: 5 })).body.status).toBe('approved');
    const signed = await act('ky', id, { action: 'sign', version: 6 });
    expect(signed.body.status).toBe('signed');
    expect((await act('vanthu.xnk', id, { action: 'seal', version: 7 })).body.status).toBe('sealed');

    v = await view('vanthu.xnk', id);
    const sealed = v.files.find((f) => f.role === 'sealed')!;
    const file = await fetch(`${t.base}/api/v1/documents/outgoing/${id}/files/${sealed.seq}`, { headers: { authorization: `Bearer ${tok['vanthu.xnk']}` } });
    expect(file.status).toBe(200);
    const checks = await verifyPdfSignatures(new Uint8Array(await file.arrayBuffer()));
    // The signer's signature and the seal, both intact: the seal was appended without breaking the first.
    expect(checks).toHaveLength(2);
    expect(checks.every((c) => c.valid)).toBe(true);
    expect(checks[1].coversWholeDocument).toBe(true);
    expect(checks.map((c) => c.signer)).toEqual(['Hoàng Văn Thắng', 'Bộ Công Thương']);

    const released = await act('vanthu.xnk', id, { action: 'release', version: 8 });
    expect(released.status).toBe(200);
    expect(released.body.status).toBe('released');
    expect(released.body.number).toBe(1);
    expect(released.body.notation).toBe('01/QĐ-BCT');
    expect(released.body.documentId).toMatch(/^000\.00\.00\.G12,\d{4}\/\d{2}\/\d{2},01\/QĐ-BCT$/);
    const ext = released.body.recipients.find((r) => r.kind === 'external')!;
    expect(ext.delivery).toBe('pending');
    expect(released.body.recipients.find((r) => r.kind === 'internal')!.delivery).toBe('delivered');
    expect(released.body.history.map((h) => h.action)).toEqual([
      'create',
      'submit',
      'comment',
      'return',
      'submit',
      'forward',
      'approve',
      'sign',
      'seal',
      'release',
    ]);
  }, 120_000);

  it('lets the internal recipient unit see it, and hides it from other units', async () => {
    // lanhdao.hcm leads 000.05.02, the internal recipient; chuyenvien.hcm works there too.
    const list = await api<{ items: { id: string }[] }>(t, 'GET', '/api/v1/documents/outgoing?received=1', { token: tok['lanhdao.hcm'] });
    expect(list.body.items.map((d) => d.id)).toContain(id);
    expect((await api(t, 'GET', `/api/v1/documents/outgoing/${id}`, { token: tok['lanhdao.hcm'] })).status).toBe(200);
    // A draft of another unit is not found for them.
    const other = await draft({ seriesCode: 'CV', subject: 'Công văn nội bộ', recipients: [{ kind: 'internal', unitId: '000.05.03.G12' }] });
    expect((await api<Err>(t, 'GET', `/api/v1/documents/outgoing/${other.body.id}`, { token: tok['chuyenvien.hcm'] })).status).toBe(404);
    expect((await act('chuyenvien.hcm', other.body.id, { action: 'submit', version: 1 })).status).toBe(404);
  }, 60_000);

  it("records the recipients' statuses once each, and a 15 marks their copy recalled", async () => {
    const v = await view('vanthu.xnk', id);
    const status = (code: EdxmlStatusMessage['statusCode'], at: string): EdxmlStatusMessage => ({
      kind: 'status',
      from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
      responseFor: { organId: '000.00.00.G12', code: v.notation!, documentId: v.documentId! },
      statusCode: code,
      description: 'Đã tiếp nhận',
      timestamp: at,
    });
    const record = (s: EdxmlStatusMessage) => t.ctx.database.db.transaction().execute((tx) => recordRecipientStatus(t.ctx, tx, s));
    expect(await record(status('03', '2026-12-07T09:00:00+07:00'))).toEqual({ outgoingId: id });
    expect(await record(status('03', '2026-12-07T09:00:00+07:00'))).toEqual({ outgoingId: id });
    expect(await record({ ...status('03', '2026-12-07T09:00:00+07:00'), responseFor: { organId: 'x', code: 'x', documentId: 'nope' } })).toBeNull();

    const recall = await act('vanthu.xnk', id, { action: 'recall', version: v.version, reason: 'Ban hành nhầm' });
    expect(recall.body.status).toBe('recalled');
    await record(status('15', '2026-12-07T10:00:00+07:00'));
    const after = await view('vanthu.xnk', id);
    const ext = after.recipients.find((r) => r.kind === 'external')!;
    expect(ext.statuses.map((s) => s.code)).toEqual(['03', '15']);
    expect(ext.recalled).toBe(true);
    expect(after.recipients.find((r) => r.kind === 'internal')!.recalled).toBe(true);
    // Recalled: the internal unit no longer lists it.
    const list = await api<{ items: { id: string }[] }>(t, 'GET', '/api/v1/documents/outgoing?received=1', { token: tok['lanhdao.hcm'] });
    expect(list.body.items.map((d) => d.id)).not.toContain(id);
    expect((await act('vanthu.xnk', id, { action: 'archive', version: after.version })).body.status).toBe('archived');
  }, 60_000);

  it('numbers a công văn with the agency then the drafting unit, updates and replaces it', async () => {
    const created = await draft({
      seriesCode: 'CV',
      subject: 'Công văn về việc phối hợp',
      recipients: [{ kind: 'external', organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' }],
    });
    const cv = created.body.id;
    await act('chuyenvien', cv, { action: 'submit', version: 1 });
    await act('ky', cv, { action: 'approve', version: 2 });
    await act('ky', cv, { action: 'sign', version: 3 });
    await act('vanthu.xnk', cv, { action: 'seal', version: 4 });
    const released = await act('vanthu.xnk', cv, { action: 'release', version: 5 });
    expect(released.body.notation).toBe('01/BCT-XNK');

    const updated = await act('vanthu.xnk', cv, { action: 'update', version: 6, reason: 'Sửa trích yếu', subject: 'Công văn về việc phối hợp kiểm tra' });
    expect(updated.status).toBe(200);
    expect(updated.body.status).toBe('released');

    const newMain = await upload(tok.chuyenvien, await pdf('Ban thay the'), 'thay-the.pdf');
    const replaced = await act('chuyenvien', cv, { action: 'replace', version: 7, reason: 'Sai số liệu', mainUploadId: newMain });
    expect(replaced.status).toBe(200);
    const rid = replaced.body.replacementId!;
    expect((await view('chuyenvien', rid)).status).toBe('draft');
    await act('chuyenvien', rid, { action: 'submit', version: 1 });
    await act('ky', rid, { action: 'approve', version: 2 });
    await act('ky', rid, { action: 'sign', version: 3 });
    await act('vanthu.xnk', rid, { action: 'seal', version: 4 });
    const second = await act('vanthu.xnk', rid, { action: 'release', version: 5 });
    expect(second.body.notation).toBe('02/BCT-XNK');
    const old = await view('vanthu.xnk', cv);
    expect(old.status).toBe('replaced');
  }, 120_000);

  it('keeps the outgoing register as JSON, PDF and XLSX', async () => {
    const year = Number((await view('vanthu.xnk', id)).documentId!.split(',')[1].slice(0, 4));
    const json = await api<{ entries: { notation: string; copies: number; recipients: string[] }[] }>(
      t,
      'GET',
      `/api/v1/documents/outgoing/register?year=${year}`,
      { token: tok['vanthu.xnk'] },
    );
    expect(json.status).toBe(200);
    expect(json.body.entries.map((e) => e.notation)).toEqual(['01/QĐ-BCT', '01/BCT-XNK', '02/BCT-XNK']);
    expect(json.body.entries[0].copies).toBe(3);
    const pdfReply = await fetch(`${t.base}/api/v1/documents/outgoing/register?year=${year}&format=pdf`, {
      headers: { authorization: `Bearer ${tok['vanthu.xnk']}` },
    });
    expect(pdfReply.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdfReply.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const xlsx = await fetch(`${t.base}/api/v1/documents/outgoing/register?year=${year}&format=xlsx`, {
      headers: { authorization: `Bearer ${tok['vanthu.xnk']}` },
    });
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    // A unit that numbered nothing sees an empty register.
    const other = await api<{ entries: unknown[] }>(t, 'GET', `/api/v1/documents/outgoing/register?year=${year}`, { token: tok['lanhdao.hcm'] });
    expect(other.body.entries).toEqual([]);
  }, 60_000);
});
