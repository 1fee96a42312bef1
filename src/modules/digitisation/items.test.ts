import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { citizenToken, FORM, importTestProcedures, samplePdf, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { importCitizens } from '../identity/import-citizens.ts';
import { recordDigitisedItem, recordLegacyResultItem } from './record-digitised-item.ts';
import { assertComponentsDigitised } from './digitisation-status.ts';

type Err = { error: { code: string; message: string; messageEn: string; details?: { path: string; message: string; messageEn: string }[] } };
type Item = {
  code: string;
  kind: string;
  dossierCode: string | null;
  componentCode: string | null;
  holderIdentifier: string | null;
  holderName: string | null;
  metadata: Record<string, unknown> & { extra: Record<string, string | null> };
  evidence: Record<string, string>;
  confirmed: boolean;
  confirmedBy: string | null;
  uploadId: string | null;
};
type Hit = {
  code: string;
  matchedWords: number;
  metadataHit: boolean;
  snippet: { from: string; text: string; marked: string; highlights: { start: number; end: number }[] } | null;
};
type Search = { items: Hit[]; total: number; totalCapped: boolean };
type Status = {
  paper: boolean;
  components: { code: string; name: string; state: string; itemCode: string | null; reason: string | null }[];
  componentsDigitised: boolean;
  result: string;
  resultDigitised: boolean;
  digitised: string;
  hasDigitisedComponents: boolean;
};

// A certificate as OCR reads it back: the two-column header on shared lines, diacritics kept.
const CERTIFICATE = `UBND TỈNH BẮC NINH          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ CÔNG THƯƠNG               Độc lập - Tự do - Hạnh phúc
Số: 45/GCN-SCT               Bắc Ninh, ngày 12 tháng 01 năm 2025

GIẤY CHỨNG NHẬN
ĐỦ ĐIỀU KIỆN KINH DOANH RƯỢU
Cấp cho: Công ty Cổ phần Rượu Kinh Bắc
Mã số doanh nghiệp: 2300987654
Địa chỉ trụ sở chính: số 12 đường Lý Thái Tổ, thành phố Bắc Ninh
Giấy chứng nhận có giá trị đến ngày 12/01/2030`;

const APPLICANT = { name: 'Lê Thị Thu', identifier: '001190000111' };
const OWNER = '70000000-0000-4000-8000-000000000001';
const STRANGER = '70000000-0000-4000-8000-000000000002';
const XNK = '000.05.01.G12';
const YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date());
/** The first item the desk of 000.05.01.G12 digitises this year. */
const FIRST = `${XNK}.SH.${YEAR}.000001`;

let t: TestApp;
let officer: string; // receiving officer of 000.05.01.G12
let otherUnit: string; // receiving officer of 000.05.02.G12
let owner: string;
let stranger: string;
let dossier: string;
let officerP: Principal;

/** The officer's principal as the operations take it (the token's subject, with the officer's roles). */
async function principalOf(username: string): Promise<Principal> {
  const s = await t.ctx.database.db.selectFrom('staff').select(['id', 'full_name']).where('username', '=', username).executeTakeFirstOrThrow();
  const roles = await t.ctx.database.db.selectFrom('staff_roles').select(['role', 'unit_id']).where('staff_id', '=', s.id).execute();
  return { kind: 'staff', id: s.id, username, name: s.full_name, roles: roles.map((r) => ({ role: r.role as 'receiving_officer', unitId: r.unit_id })) };
}

/** A scan through the real API (files checked, assembled, stored, OCR queued). */
async function scan(token: string, fields: Record<string, string>): Promise<string> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(await samplePdf())], { type: 'application/pdf' }), 'ban-quet.pdf');
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  const r = await fetch(`${t.base}/api/v1/digitisation/scans`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd });
  const body = (await r.json()) as { id: string };
  if (r.status !== 202) throw new Error(`scan: ${r.status} ${JSON.stringify(body)}`);
  return body.id;
}

/**
 * Stands in for the OCR job (its own tests run ocrmypdf in scans.test.ts): the scan is marked
 * read, with its text, as the job's last transaction leaves it. The job queue does not run here.
 */
async function finishScan(id: string, text: string) {
  await sql`update scans set status = 'done', progress = 1, output_upload_id = source_upload_id, started_at = now(), finished_at = now() where id = ${id}`.execute(
    t.ctx.database.db,
  );
  await sql`insert into scan_pages (scan_id, page, text) values (${id}, 1, ${text})`.execute(t.ctx.database.db);
}

async function counterDossier(components: { code: string }[]): Promise<string> {
  const uploads = [];
  for (const c of components) uploads.push({ code: c.code, uploadId: await uploadPdf(t, officer, `${c.code}.pdf`) });
  const r = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
    token: officer,
    body: { procedureCode: TEST_PROCEDURE.code, channel: 1, applicant: APPLICANT, form: FORM, components: uploads },
  });
  if (r.status !== 201) throw new Error(`file: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.code;
}

const status = (code: string, token = officer) => api<Status>(t, 'GET', `/api/v1/dossiers/${code}/digitisation`, { token });
const search = (token: string, q: string) => api<Search>(t, 'GET', `/api/v1/digitisation/search?q=${encodeURIComponent(q)}`, { token });

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  // The applicant has an account (signed in once through the national SSO): the item goes to their repository.
  await importCitizens(t.ctx, [
    { id: OWNER, issuer: 'test', subject: 'owner', kind: 'citizen', fullName: APPLICANT.name, identifier: APPLICANT.identifier, email: null, phone: null },
    { id: STRANGER, issuer: 'test', subject: 'stranger', kind: 'citizen', fullName: 'Phạm Văn Lạ', identifier: '001190000222', email: null, phone: null },
  ]);
  officer = await login(t, 'tiepnhan.xnk');
  otherUnit = await login(t, 'tiepnhan.hcm');
  owner = await citizenToken(t, OWNER, APPLICANT.name, APPLICANT.identifier);
  stranger = await citizenToken(t, STRANGER, 'Phạm Văn Lạ', '001190000222');
  officerP = await principalOf('tiepnhan.xnk');
  dossier = await counterDossier([{ code: 'T-01' }, { code: 'T-02' }]);
}, 600_000);
afterAll(() => t?.close());

describe('digitised items from scans', () => {
  let item: Item;

  it('a finished scan of a paper component becomes an item: its code, the applicant as holder, metadata read from the text', async () => {
    const id = await scan(officer, { dossierCode: dossier, componentCode: 'T-01' });
    // Not read yet: no item.
    const early = await api<Err>(t, 'POST', '/api/v1/digitisation/items', { token: officer, body: { scanId: id } });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('SCAN_NOT_READY');

    await finishScan(id, CERTIFICATE);
    const r = await api<Item>(t, 'POST', '/api/v1/digitisation/items', { token: officer, body: { scanId: id } });
    expect(r.status).toBe(201);
    item = r.body;
    expect(item.code).toBe(FIRST);
    expect(item).toMatchObject({
      kind: 'component',
      dossierCode: dossier,
      componentCode: 'T-01',
      holderIdentifier: '001190000111',
      holderName: 'Lê Thị Thu',
      confirmed: false,
      confirmedBy: null,
    });
    expect(item.uploadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(item.metadata).toEqual({
      documentName: 'GIẤY CHỨNG NHẬN ĐỦ ĐIỀU KIỆN KINH DOANH RƯỢU',
      documentType: 'certificate',
      number: '45',
      notation: 'GCN-SCT',
      issuingAgency: 'SỞ CÔNG THƯƠNG',
      issueDate: '2025-01-12',
      validUntil: '2030-01-12',
      subjectName: 'Công ty Cổ phần Rượu Kinh Bắc',
      subjectIdentifier: '2300987654',
      extra: { enterpriseCode: '2300987654', address: 'số 12 đường Lý Thái Tổ, thành phố Bắc Ninh' },
    });
    expect(item.evidence.issueDate).toBe('Số: 45/GCN-SCT Bắc Ninh, ngày 12 tháng 01 năm 2025');

    // The same scan again: the same item, no second code.
    const again = await api<Item>(t, 'POST', '/api/v1/digitisation/items', { token: officer, body: { scanId: id } });
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(item.code);
    // Another unit's officer cannot make or read it.
    expect((await api(t, 'POST', '/api/v1/digitisation/items', { token: otherUnit, body: { scanId: id } })).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/digitisation/items/${item.code}`, { token: otherUnit })).status).toBe(404);
    // Its holder reads it in their repository; another citizen does not.
    expect((await api<Item>(t, 'GET', `/api/v1/digitisation/items/${item.code}`, { token: owner })).body.code).toBe(item.code);
    expect((await api(t, 'GET', `/api/v1/digitisation/items/${item.code}`, { token: stranger })).status).toBe(404);
    // The holder downloads the searchable PDF from their repository.
    const pdf = await fetch(`${t.base}/api/v1/digitisation/items/${item.code}/pdf`, { headers: { authorization: `Bearer ${owner}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await api(t, 'GET', `/api/v1/digitisation/items/${item.code}/pdf`, { token: stranger })).status).toBe(404);
  });

  it('the dossier is not digitised until the item is confirmed, and cannot pass receipt before', async () => {
    const s = await status(dossier);
    expect(s.status).toBe(200);
    expect(s.body).toEqual({
      dossierCode: dossier,
      paper: true,
      components: [
        { code: 'T-01', name: 'Đơn đề nghị', state: 'pending', itemCode: item.code, reason: null },
        { code: 'T-02', name: 'Giấy tờ khác: Giấy xác nhận thử nghiệm đã được cấp (nếu có)', state: 'pending', itemCode: null, reason: null },
      ],
      componentsDigitised: false,
      result: 'none',
      resultDigitised: false,
      digitised: 'none',
      hasDigitisedComponents: false,
    });
    await expect(assertComponentsDigitised(t.ctx, dossier, officerP)).rejects.toMatchObject({
      code: 'DIGITISATION_INCOMPLETE',
      details: [
        { path: 'components[code=T-01]', message: 'Chưa số hóa: Đơn đề nghị', messageEn: 'Not digitised: T-01' },
        {
          path: 'components[code=T-02]',
          message: 'Chưa số hóa: Giấy tờ khác: Giấy xác nhận thử nghiệm đã được cấp (nếu có)',
          messageEn: 'Not digitised: T-02',
        },
      ],
    });
    // The applicant sees their dossier's status; another unit's officer does not.
    expect((await status(dossier, owner)).body.components.map((c) => c.state)).toEqual(['pending', 'pending']);
    expect((await status(dossier, otherUnit)).status).toBe(404);
  });

  it('confirming checks each field and names it by its label: a date that does not exist is «Ngày ban hành»', async () => {
    const bad = await api<Err>(t, 'PUT', `/api/v1/digitisation/items/${item.code}/confirm`, {
      token: officer,
      body: { metadata: { ...item.metadata, issueDate: '2025-02-30', subjectIdentifier: '12345' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details).toEqual([
      {
        path: 'metadata.issueDate',
        message: 'Ngày ban hành: phải là ngày có thật, dạng YYYY-MM-DD',
        messageEn: 'Date of issue: must be a real date, YYYY-MM-DD',
      },
      {
        path: 'metadata.subjectIdentifier',
        message: 'Số định danh / mã số thuế: gồm 9, 10, 12 hoặc 13 chữ số',
        messageEn: 'Identity number / tax code: 9, 10, 12 or 13 digits',
      },
    ]);
    expect(bad.body.error.message).toContain('Ngày ban hành');

    const before = await api<Err>(t, 'PUT', `/api/v1/digitisation/items/${item.code}/confirm`, {
      token: officer,
      body: { metadata: { ...item.metadata, validUntil: '2024-01-01' } },
    });
    expect(before.body.error.details).toEqual([
      {
        path: 'metadata.validUntil',
        message: 'Có giá trị đến ngày: không được trước ngày ban hành',
        messageEn: 'Valid until: cannot be before the date of issue',
      },
    ]);
    // A certificate is issued by an agency: its agency and date of issue are required.
    const missing = await api<Err>(t, 'PUT', `/api/v1/digitisation/items/${item.code}/confirm`, {
      token: officer,
      body: { metadata: { ...item.metadata, issuingAgency: '  ' } },
    });
    expect(missing.body.error.details).toEqual([
      { path: 'metadata.issuingAgency', message: 'Cơ quan ban hành: bắt buộc phải có', messageEn: 'Issuing agency: required' },
    ]);
    // Officials who read but do not digitise cannot confirm.
    const specialist = await login(t, 'chuyenvien');
    expect((await api(t, 'PUT', `/api/v1/digitisation/items/${item.code}/confirm`, { token: specialist, body: { metadata: item.metadata } })).status).toBe(403);
    expect((await api(t, 'PUT', `/api/v1/digitisation/items/${item.code}/confirm`, { token: otherUnit, body: { metadata: item.metadata } })).status).toBe(404);

    const ok = await api<Item>(t, 'PUT', `/api/v1/digitisation/items/${item.code}/confirm`, {
      token: officer,
      body: { metadata: { ...item.metadata, documentName: 'Giấy chứng nhận đủ điều kiện kinh doanh rượu', subjectIdentifier: '2300 987 654' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ confirmed: true, confirmedBy: 'staff:tiepnhan.xnk' });
    expect(ok.body.metadata).toMatchObject({ documentName: 'Giấy chứng nhận đủ điều kiện kinh doanh rượu', subjectIdentifier: '2300987654' });
  });

  it('a component marked not required, with its reason, lets the dossier pass receipt', async () => {
    const short = await api<Err>(t, 'POST', `/api/v1/dossiers/${dossier}/digitisation/exemptions`, {
      token: officer,
      body: { componentCode: 'T-02', reason: 'x' },
    });
    expect(short.status).toBe(400);
    const unknown = await api<Err>(t, 'POST', `/api/v1/dossiers/${dossier}/digitisation/exemptions`, {
      token: officer,
      body: { componentCode: 'T-09', reason: 'Bản gốc chỉ xuất trình, đã trả lại' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details?.[0].path).toBe('body.componentCode');
    expect(
      (
        await api(t, 'POST', `/api/v1/dossiers/${dossier}/digitisation/exemptions`, {
          token: otherUnit,
          body: { componentCode: 'T-02', reason: 'Bản gốc chỉ xuất trình, đã trả lại' },
        })
      ).status,
    ).toBe(404);

    const r = await api<Status>(t, 'POST', `/api/v1/dossiers/${dossier}/digitisation/exemptions`, {
      token: officer,
      body: { componentCode: 'T-02', reason: 'Bản gốc chỉ xuất trình, đã trả lại' },
    });
    expect(r.status).toBe(200);
    expect(r.body.components).toEqual([
      { code: 'T-01', name: 'Đơn đề nghị', state: 'digitised', itemCode: item.code, reason: null },
      {
        code: 'T-02',
        name: 'Giấy tờ khác: Giấy xác nhận thử nghiệm đã được cấp (nếu có)',
        state: 'not_required',
        itemCode: null,
        reason: 'Bản gốc chỉ xuất trình, đã trả lại',
      },
    ]);
    expect(r.body).toMatchObject({ componentsDigitised: true, digitised: 'components', hasDigitisedComponents: true, result: 'none' });
    await expect(assertComponentsDigitised(t.ctx, dossier, officerP)).resolves.toMatchObject({ componentsDigitised: true });
  });
});

describe('search over what was read', () => {
  let legacy: Item;

  beforeAll(async () => {
    // An old result of the same holder, scanned by the desk, one word of the certificate in its text.
    const id = await scan(officer, { purpose: 'legacy_result' });
    await finishScan(
      id,
      `BỘ CÔNG THƯƠNG\nCỤC XUẤT NHẬP KHẨU\nSố: 0815/GP-XNK\nHà Nội, ngày 20 tháng 10 năm 2019\nGIẤY PHÉP NHẬP KHẨU TỰ ĐỘNG\nMặt hàng: rượu vang nhập khẩu`,
    );
    legacy = (
      await recordLegacyResultItem(t.ctx, officerP, { scanId: id, holderIdentifier: '0011 9000 0111', metadata: { issuingAgency: 'Cục Xuất nhập khẩu' } })
    ).item as unknown as Item;
  });

  it('records an old result for its holder, with the metadata given over what the rules read', () => {
    expect(legacy).toMatchObject({ kind: 'legacy_result', dossierCode: null, holderIdentifier: '001190000111', confirmed: false });
    expect(legacy.metadata).toMatchObject({
      documentName: 'GIẤY PHÉP NHẬP KHẨU TỰ ĐỘNG',
      documentType: 'licence',
      number: '0815',
      notation: 'GP-XNK',
      issuingAgency: 'Cục Xuất nhập khẩu',
      issueDate: '2019-10-20',
      subjectIdentifier: '001190000111',
    });
  });

  it('finds an item by a word typed without diacritics, with the snippet as written and the word marked', async () => {
    const r = await search(officer, 'kinh doanh ruou');
    expect(r.status).toBe(200);
    // The certificate has all three words (in the text and its metadata); the old licence only "rượu".
    expect(r.body.items.map((h) => [h.code, h.matchedWords, h.metadataHit])).toEqual([
      [FIRST, 3, true],
      [legacy.code, 1, false],
    ]);
    const [first, second] = r.body.items;
    const s = first.snippet!;
    expect(s.from).toBe('text');
    expect(s.highlights.map((h) => s.text.slice(h.start, h.end))).toEqual(['KINH', 'DOANH', 'RƯỢU', 'Rượu', 'Kinh', 'doanh']);
    expect(s.marked).toContain('«KINH» «DOANH» «RƯỢU»');
    expect(second.snippet).toEqual({
      from: 'text',
      text: expect.any(String),
      marked: expect.stringContaining('«rượu» vang'),
      highlights: [expect.any(Object)],
    });
    expect(second.snippet!.text.slice(second.snippet!.highlights[0].start, second.snippet!.highlights[0].end)).toBe('rượu');
    // Case and đ/d do not matter either.
    expect((await search(officer, 'BAC NINH')).body.items.map((h) => h.code)).toEqual([first.code]);
    expect((await search(officer, 'dieu kien')).body.items.map((h) => h.code)).toEqual([first.code]);
  });

  it("another unit's official finds nothing; the holder finds their own items, another citizen nothing", async () => {
    expect((await search(otherUnit, 'ruou')).body).toMatchObject({ items: [], total: 0 });
    expect((await search(owner, 'ruou')).body.items.map((h) => h.code).sort()).toEqual([legacy.code, FIRST].sort());
    expect((await search(stranger, 'ruou')).body).toMatchObject({ items: [], total: 0 });
    // Officials of the units above see what their units digitised.
    const leader = await login(t, 'vanthu.xnk'); // clerk of 000.05.00.G12, the department above
    expect((await search(leader, 'ruou')).body.total).toBe(2);
  });

  it('a query of nothing but punctuation lists the newest; a word found nowhere, nothing', async () => {
    expect((await search(officer, '  ')).body.items.map((h) => h.code)).toEqual([legacy.code, FIRST]);
    expect((await search(officer, 'khongcotu')).body).toMatchObject({ items: [], total: 0, totalCapped: false });
  });
});

describe('digitisation codes', () => {
  it('are gap-free under concurrency, and one scan recorded at once from several requests is one item', async () => {
    const db = t.ctx.database.db;
    const source = (await db.selectFrom('scans').select('source_upload_id').executeTakeFirstOrThrow()).source_upload_id;
    const ids = Array.from({ length: 20 }, () => randomUUID());
    // Finished scans written directly (the scan API is exercised above): what is tested here is the counter.
    for (const id of ids) {
      await db
        .insertInto('scans')
        .values({ id, unit_id: XNK, created_by: 'staff:tiepnhan.xnk', purpose: 'legacy_result', page_count: 1, source_upload_id: source })
        .execute();
      await finishScan(id, `Giấy phép số ${id}`);
    }
    const before = await sql<{ last: number }>`select last from digitisation_counters where unit_id = ${XNK}`.execute(db);
    const made = await Promise.all([
      ...ids.map((scanId) => recordLegacyResultItem(t.ctx, officerP, { scanId, holderIdentifier: '001190000111' })),
      // The first scan four more times at once.
      ...[1, 2, 3, 4].map(() => recordLegacyResultItem(t.ctx, officerP, { scanId: ids[0], holderIdentifier: '001190000111' })),
    ]);
    const codes = [...new Set(made.map((m) => m.item.code))].sort();
    const start = before.rows[0].last;
    expect(codes).toEqual(Array.from({ length: 20 }, (_, i) => `${XNK}.SH.${YEAR}.${String(start + i + 1).padStart(6, '0')}`));
    expect(made.filter((m) => m.created)).toHaveLength(20);
    const after = await sql<{ last: number }>`select last from digitisation_counters where unit_id = ${XNK}`.execute(db);
    expect(after.rows[0].last).toBe(start + 20);
    // Recording a scan again, by either operation, answers the item it became.
    await expect(recordDigitisedItem(t.ctx, officerP, ids[1])).resolves.toMatchObject({ created: false, item: { code: made[1].item.code } });
    // An old result's scan is not a dossier component.
    const spare = randomUUID();
    await db
      .insertInto('scans')
      .values({ id: spare, unit_id: XNK, created_by: 'staff:tiepnhan.xnk', purpose: 'legacy_result', page_count: 1, source_upload_id: source })
      .execute();
    await finishScan(spare, 'Giấy phép');
    await expect(recordDigitisedItem(t.ctx, officerP, spare)).rejects.toMatchObject({ code: 'SCAN_PURPOSE_MISMATCH' });
  }, 600_000);
});
