import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../platform/auth/roles.ts';
import { pdfText } from '../../../platform/pdf/testing.ts';
import { api, login, startTestApp, type TestApp } from '../../../../test/helpers.ts';
import { itWithTool } from '../../../../test/tools.ts';
import { indexDocument } from '../search/index-document.ts';
import { changeFile } from './change-file.ts';
import { listFiles } from './get-file.ts';
import type { FileSummary, FileView } from './schemas.ts';

const XNK_HN = '000.05.01.G12';
const XNK_HCM = '000.05.02.G12';

let t: TestApp;
let specialist: string; // chuyenvien: specialist of 000.05.01.G12
let otherSpecialist: string; // chuyenvien.hcm: specialist of 000.05.02.G12
let auditor: string; // kiemtra: auditor of the whole ministry
let specialistP: Principal;
let fileId: string;

async function principalOf(username: string): Promise<Principal> {
  const db = t.ctx.database.db;
  const s = await db.selectFrom('staff').select(['id', 'full_name']).where('username', '=', username).executeTakeFirstOrThrow();
  const roles = await db.selectFrom('staff_roles').select(['role', 'unit_id']).where('staff_id', '=', s.id).execute();
  return { kind: 'staff', id: s.id, username, name: s.full_name, roles: roles.map((r) => ({ role: r.role as 'specialist', unitId: r.unit_id })) };
}

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  await t.ctx.database.db.transaction().execute(async (tx) => {
    await indexDocument(tx, {
      kind: 'incoming',
      id: 'in-1',
      unitId: XNK_HN,
      numberNotation: '05/QĐ-BCT',
      subject: 'Quyết định về việc kiểm tra hàng hóa xuất khẩu',
      organ: 'Bộ Công Thương',
      date: '2026-03-02',
    });
    await indexDocument(tx, {
      kind: 'outgoing',
      id: 'out-1',
      unitId: XNK_HN,
      numberNotation: '112/BC-XNK',
      subject: 'Báo cáo kết quả kiểm tra lô thép cuộn',
      organ: 'Cục Xuất nhập khẩu',
      date: '2026-03-20',
    });
    await indexDocument(tx, { kind: 'incoming', id: 'in-hcm', unitId: XNK_HCM, subject: 'Công văn của cảng Cát Lái', date: '2026-03-03' });
  });
  [specialist, otherSpecialist, auditor] = await Promise.all([login(t, 'chuyenvien'), login(t, 'chuyenvien.hcm'), login(t, 'kiemtra')]);
  specialistP = await principalOf('chuyenvien');
});
afterAll(() => t?.close());

const act = (token: string, id: string, body: Record<string, unknown>) =>
  api<{ id: string; version: number }>(t, 'POST', `/api/v1/documents/files/${id}/actions`, { token, body });
const get = (token: string, id: string) => api<FileView>(t, 'GET', `/api/v1/documents/files/${id}`, { token });

describe('work files', () => {
  it('opens a file in the unit, due for the archive at the end of the year after its own', async () => {
    const r = await api<FileSummary>(t, 'POST', '/api/v1/documents/files', {
      token: specialist,
      body: { unitId: XNK_HN, code: '01.XNK', title: 'Hồ sơ kiểm tra hàng hóa xuất khẩu năm 2026', year: 2026, retentionYears: 10 },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ code: '01.XNK', year: 2026, retentionYears: 10, status: 'open', transferDue: '2027-12-31', version: 1, documentCount: 0 });
    expect(r.body.responsible.name).not.toBe('');
    fileId = r.body.id;
    // The same code in the same unit and year is taken.
    const again = await api<{ error: { code: string } }>(t, 'POST', '/api/v1/documents/files', {
      token: specialist,
      body: { unitId: XNK_HN, code: '01.XNK', title: 'Một hồ sơ khác', year: 2026, retentionYears: null },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DOCUMENT_FILE_CODE_TAKEN');
    // Another unit's official cannot open a file in this unit.
    const foreign = await api<{ error: { code: string } }>(t, 'POST', '/api/v1/documents/files', {
      token: otherSpecialist,
      body: { unitId: XNK_HN, code: '02.XNK', title: 'Hồ sơ lạ', year: 2026, retentionYears: 5 },
    });
    expect(foreign.status).toBe(403);
  });

  it('adds and removes documents it may see, checking the version; another unit sees nothing of it', async () => {
    expect((await act(specialist, fileId, { action: 'add', version: 1, kind: 'incoming', documentId: 'in-1' })).body.version).toBe(2);
    const stale = await act(specialist, fileId, { action: 'add', version: 1, kind: 'outgoing', documentId: 'out-1' });
    expect(stale.status).toBe(409);
    expect((stale.body as unknown as { error: { code: string } }).error.code).toBe('STALE_VERSION');
    expect((await act(specialist, fileId, { action: 'add', version: 2, kind: 'outgoing', documentId: 'out-1' })).status).toBe(200);
    // Another unit's document is not found for this official.
    const foreignDoc = await act(specialist, fileId, { action: 'add', version: 3, kind: 'incoming', documentId: 'in-hcm' });
    expect(foreignDoc.status).toBe(404);
    expect((await act(specialist, fileId, { action: 'add', version: 3, kind: 'incoming', documentId: 'in-hcm-missing' })).status).toBe(404);

    const f = (await get(specialist, fileId)).body;
    expect(f.version).toBe(3);
    expect(f.canChange).toBe(true);
    expect(f.documents.map((d) => [d.kind, d.id, d.numberNotation, d.subject])).toEqual([
      ['incoming', 'in-1', '05/QĐ-BCT', 'Quyết định về việc kiểm tra hàng hóa xuất khẩu'],
      ['outgoing', 'out-1', '112/BC-XNK', 'Báo cáo kết quả kiểm tra lô thép cuộn'],
    ]);

    expect((await get(otherSpecialist, fileId)).status).toBe(404);
    expect((await act(otherSpecialist, fileId, { action: 'close', version: 3 })).status).toBe(404);
    // Auditors read, and change nothing.
    expect((await get(auditor, fileId)).body.canChange).toBe(false);
    expect((await act(auditor, fileId, { action: 'close', version: 3 })).status).toBe(403);
    const list = await api<{ items: FileSummary[] }>(t, 'GET', '/api/v1/documents/files', { token: otherSpecialist });
    expect(list.body.items.map((i) => i.id)).not.toContain(fileId);

    const removed = await act(specialist, fileId, { action: 'remove', version: 3, kind: 'outgoing', documentId: 'out-1' });
    expect(removed.body.version).toBe(4);
    expect((await get(specialist, fileId)).body.documents.map((d) => d.id)).toEqual(['in-1']);
    await act(specialist, fileId, { action: 'add', version: 4, kind: 'outgoing', documentId: 'out-1' });
  });

  it('warns from 30 days before the archive-transfer day, and lists those due soon', async () => {
    const at = async (today: string) => {
      const all = await listFiles(t.ctx, specialistP, {}, { today });
      const soon = await listFiles(t.ctx, specialistP, { due: 'soon' }, { today });
      const f = all.items.find((i) => i.id === fileId)!;
      return { warning: f.warning, days: f.daysToTransfer, soon: soon.items.map((i) => i.id).includes(fileId), count: all.dueSoonCount };
    };
    // Due 2027-12-31.
    expect(await at('2027-11-30')).toEqual({ warning: null, days: 31, soon: false, count: 0 });
    expect(await at('2027-12-01')).toEqual({ warning: 'due-soon', days: 30, soon: true, count: 1 });
    expect(await at('2027-12-31')).toEqual({ warning: 'due-soon', days: 0, soon: true, count: 1 });
    expect(await at('2028-01-01')).toEqual({ warning: 'overdue', days: -1, soon: true, count: 1 });
  });

  itWithTool('pdftotext', "exports the file as PDF with its cover data and its documents' titles", async () => {
    const r = await fetch(`${t.base}/api/v1/documents/files/${fileId}/pdf`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    const text = (await pdfText(new Uint8Array(await r.arrayBuffer()), { mode: 'raw' })).normalize('NFC').replace(/\s+/g, ' ');
    for (const s of ['HỒ SƠ CÔNG VIỆC', '01.XNK', 'Hồ sơ kiểm tra hàng hóa xuất khẩu năm 2026', 'MỤC LỤC VĂN BẢN', '05/QĐ-BCT', '112/BC-XNK', '10 năm'])
      expect(text).toContain(s);
    expect(text).toContain('Quyết định về việc kiểm tra hàng hóa');
    expect(text).toContain('Báo cáo kết quả kiểm tra lô thép');
  });

  it('exports the file as XML that parses, with every document listed', async () => {
    const r = await fetch(`${t.base}/api/v1/documents/files/${fileId}/xml`, { headers: { authorization: `Bearer ${specialist}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/xml/);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(await r.text());
    const wf = doc.workFile;
    expect(wf['@xmlns']).toBe('urn:congso:work-file:1');
    expect(wf).toMatchObject({ code: '01.XNK', year: '2026', status: 'open', transferDue: '2027-12-31', retention: { '@years': '10' } });
    expect(wf.documents['@count']).toBe('2');
    expect(wf.documents.document.map((d: Record<string, string>) => [d['@seq'], d['@kind'], d['@id'], d.numberNotation, d.subject, d.date])).toEqual([
      ['1', 'incoming', 'in-1', '05/QĐ-BCT', 'Quyết định về việc kiểm tra hàng hóa xuất khẩu', '2026-03-02'],
      ['2', 'outgoing', 'out-1', '112/BC-XNK', 'Báo cáo kết quả kiểm tra lô thép cuộn', '2026-03-20'],
    ]);
  });

  it('closes the file: due a year after closing, then it no longer changes; every change is audited', async () => {
    const v = (await get(specialist, fileId)).body.version;
    await changeFile(t.ctx, specialistP, fileId, { action: 'close', version: v }, { now: new Date('2026-06-15T03:00:00Z') });
    const f = (await get(specialist, fileId)).body;
    expect(f).toMatchObject({ status: 'closed', transferDue: '2027-06-15' });
    const refused = await act(specialist, fileId, { action: 'remove', version: f.version, kind: 'incoming', documentId: 'in-1' });
    expect(refused.status).toBe(409);
    expect((refused.body as unknown as { error: { code: string } }).error.code).toBe('DOCUMENT_FILE_CLOSED');
    const audit = await t.ctx.database.db.selectFrom('audit_log').select('action').where('target', '=', `document-file:${fileId}`).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual([
      'documents.file.create',
      'documents.file.add',
      'documents.file.add',
      'documents.file.remove',
      'documents.file.add',
      'documents.file.close',
    ]);
  });
});
