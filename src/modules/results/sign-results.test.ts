import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  type Crew,
  act,
  fileAndApprove,
  fileOnline,
  importTestProcedures,
  pdfsigReport,
  samplePdf,
  signInCrew,
  uploadPdf,
} from '../../../test/dossier-fixtures.ts';
import { decodeQr, pdfText } from '../../platform/pdf/testing.ts';
import type { PublicResult } from './schemas.ts';
import type { MyResult } from './repository.ts';
import { randomUUID } from 'node:crypto';
import type { Principal, StaffRole } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { listAudit } from '../../platform/audit/index.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import { signResults } from './sign-results.ts';
import { listDossierResults } from './list-dossier-results.ts';
import { revokeResult } from './revoke-result.ts';
import { getResultDraft, saveResultDraft } from './draft-result.ts';
import { certifyCopy } from './certify-copy.ts';

let t: TestApp;
let tok: Crew;

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  tok = await signInCrew(t);
});
afterAll(async () => {
  await t?.close();
});

const approved = () => fileAndApprove(t, tok);

describe('signing results', () => {
  it('the signing leader signs an approved dossier’s result: two signatures pdfsig accepts, the QR leads to its verification page, the citizen finds it in the repository', async () => {
    const code = await approved();
    const r = await api<{ dossierCode: string; resultCode?: string; error?: unknown }[]>(t, 'POST', '/api/v1/results/sign', {
      token: tok.signer,
      body: { dossierCodes: [code] },
    });
    expect(r.status).toBe(200);
    const resultCode = r.body[0].resultCode!;
    expect(resultCode, JSON.stringify(r.body)).toMatch(/^000\.05\.00\.G12-KQ\d{2}-\d{6}$/);

    const file = await fetch(`${t.base}/api/v1/results/${resultCode}/pdf`, { headers: { authorization: `Bearer ${tok.citizen}` } });
    expect(file.status).toBe(200);
    const pdf = new Uint8Array(await file.arrayBuffer());
    const report = pdfsigReport(pdf);
    expect(report.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(report).toContain('Signer Certificate Common Name: Hoàng Văn Thắng');
    expect(report).toContain('Total document signed');

    const qr = (await decodeQr(pdf)).join('\n');
    expect(qr).toContain(`/verify/${encodeURIComponent(resultCode)}`);
    expect(qr).toContain(code);
    const pub = await api<PublicResult>(t, 'GET', `/api/v1/public/results/${resultCode}`);
    expect(pub.body.status).toBe('valid');
    const mine = await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token: tok.citizen });
    expect(mine.body.map((x) => x.resultCode)).toContain(resultCode);

    // Changing one byte: both pdfsig and our verification say so.
    const tampered = new Uint8Array(pdf);
    tampered[200] ^= 0x01;
    const check = await fetch(`${t.base}/api/v1/public/results/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: tampered });
    expect(await check.json()).toMatchObject({ registered: false, signaturesIntact: false });
  }, 300_000);

  it('refuses what it may not sign, dossier by dossier: not approved, already signed, another unit’s signer', async () => {
    const code = await approved();
    const early = (await fileOnline(t, tok.citizen)).body.code;
    const first = await api<{ resultCode?: string; error?: { code: string } }[]>(t, 'POST', '/api/v1/results/sign', {
      token: tok.signer,
      body: { dossierCodes: [code, early, code] },
    });
    expect(first.body.map((x) => (x.resultCode ? 'ok' : x.error!.code))).toEqual(['ok', 'NOTHING_TO_SIGN', 'RESULT_ALREADY_ISSUED']);
    const other = await approved();
    const foreign = await api<{ error?: { code: string } }[]>(t, 'POST', '/api/v1/results/sign', {
      token: await login(t, 'lanhdao.hcm'),
      body: { dossierCodes: [other] },
    });
    expect(foreign.body[0].error?.code).toBe('NOT_FOUND');
    expect((await api(t, 'POST', '/api/v1/results/sign', { token: tok.specialist, body: { dossierCodes: [other] } })).status).toBe(403);
  }, 300_000);

  it('parallel signings of one dossier give one result; the others are refused', async () => {
    const code = await approved();
    const sign = () =>
      api<{ resultCode?: string; error?: { code: string } }[]>(t, 'POST', '/api/v1/results/sign', { token: tok.signer, body: { dossierCodes: [code] } });
    const replies = await Promise.all([sign(), sign(), sign()]);
    expect(replies.map((r) => (r.body[0].resultCode ? 'ok' : r.body[0].error!.code)).sort()).toEqual(['RESULT_ALREADY_ISSUED', 'RESULT_ALREADY_ISSUED', 'ok']);
    const mine = await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token: tok.citizen });
    expect(mine.body.filter((x) => x.dossierCode === code)).toHaveLength(1);
  }, 600_000);

  it('the specialist drafts the result while examining; the signed document says what the draft says; nobody else may edit it', async () => {
    const { body } = await fileOnline(t, tok.citizen);
    const code = body.code;
    await act(t, tok.receiving, code, { action: 'receive' });
    await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien' });
    const draft = {
      kind: 'certificate',
      documentName: 'Giấy xác nhận đủ điều kiện thử nghiệm',
      fields: [{ label: 'Phạm vi', value: 'Kiểm định thiết bị đo lường điện' }],
      validUntil: '2029-12-31',
    };
    // A specialist of the unit, not the assigned one.
    const notAssigned = await api<{ error: { code: string } }>(t, 'PUT', `/api/v1/dossiers/${code}/result-draft`, {
      token: await login(t, 'chuyenvien.xuatxu'),
      body: draft,
    });
    expect([notAssigned.status, notAssigned.body.error.code]).toEqual([403, 'NOT_YOUR_STEP']);
    expect((await api(t, 'PUT', `/api/v1/dossiers/${code}/result-draft`, { token: tok.specialist, body: { ...draft, fields: [] } })).status).toBe(400);
    const saved = await api<{ documentName: string; updatedBy: string }>(t, 'PUT', `/api/v1/dossiers/${code}/result-draft`, {
      token: tok.specialist,
      body: draft,
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ documentName: draft.documentName, updatedBy: 'chuyenvien' });
    const page = await fetch(`${t.base}/can-bo/ho-so/${code}/ket-qua`, { headers: { authorization: `Bearer ${tok.signer}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Phạm vi: Kiểm định thiết bị đo lường điện');
    const preview = await fetch(`${t.base}/api/v1/dossiers/${code}/result-preview`, { headers: { authorization: `Bearer ${tok.signer}` } });
    expect(preview.headers.get('content-type')).toBe('application/pdf');

    await act(t, tok.specialist, code, { action: 'propose' });
    const closed = await api<{ error: { code: string } }>(t, 'PUT', `/api/v1/dossiers/${code}/result-draft`, { token: tok.specialist, body: draft });
    expect([closed.status, closed.body.error.code]).toEqual([409, 'RESULT_DRAFT_CLOSED']);
    await act(t, tok.signer, code, { action: 'approve' });
    const signed = await api<{ resultCode: string }[]>(t, 'POST', '/api/v1/results/sign', { token: tok.signer, body: { dossierCodes: [code] } });
    const pdf = new Uint8Array(
      await (await fetch(`${t.base}/api/v1/results/${signed.body[0].resultCode}/pdf`, { headers: { authorization: `Bearer ${tok.citizen}` } })).arrayBuffer(),
    );
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    expect(text).toContain('GIẤY XÁC NHẬN ĐỦ ĐIỀU KIỆN THỬ NGHIỆM');
    expect(text).toContain('Kiểm định thiết bị đo lường điện');
  }, 300_000);

  it('the desk certifies a scan as a true copy: signed and sealed, verifiable, in the applicant’s repository', async () => {
    const { body } = await fileOnline(t, tok.citizen);
    await act(t, tok.receiving, body.code, { action: 'receive' });
    const scan = await uploadPdf(t, tok.receiving, 'ban-chinh-giay-phep.pdf');
    const input = { dossierCode: body.code, uploadId: scan, documentName: 'Giấy phép kinh doanh số 0101234567' };
    expect((await api(t, 'POST', '/api/v1/results/certified-copies', { token: tok.specialist, body: input })).status).toBe(403);
    const r = await api<{ resultCode: string }>(t, 'POST', '/api/v1/results/certified-copies', { token: tok.receiving, body: input });
    expect(r.status).toBe(201);
    const pdf = new Uint8Array(
      await (await fetch(`${t.base}/api/v1/results/${r.body.resultCode}/pdf`, { headers: { authorization: `Bearer ${tok.citizen}` } })).arrayBuffer(),
    );
    const report = pdfsigReport(pdf);
    expect(report.match(/Signature is Valid\./g)).toHaveLength(2);
    expect((await pdfText(pdf)).replace(/\s+/g, ' ')).toContain('CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH');
    const mine = await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token: tok.citizen });
    expect(mine.body.find((x) => x.resultCode === r.body.resultCode)?.documentName).toBe('Bản sao chứng thực: Giấy phép kinh doanh số 0101234567');
  }, 300_000);

  it('the counter certifies a copy from the dossier’s result page; a missing name comes back as an error', async () => {
    const { body } = await fileOnline(t, tok.citizen);
    const url = `${t.base}/can-bo/ho-so/${body.code}/chung-thuc`;
    const form = (name: string) => {
      const fd = new FormData();
      fd.append('documentName', name);
      fd.append('file', new Blob([new Uint8Array(0)]), 'empty.pdf');
      return fd;
    };
    const bad = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${tok.receiving}` }, body: form('') });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('govuk-error-summary');
    const fd = new FormData();
    fd.append('documentName', 'Giấy khai sinh bản chính');
    fd.append('file', new Blob([new Uint8Array(await samplePdf())], { type: 'application/pdf' }), 'khai-sinh.pdf');
    const ok = await fetch(url, { method: 'POST', redirect: 'manual', headers: { authorization: `Bearer ${tok.receiving}` }, body: fd });
    expect(ok.status).toBe(303);
    const page = await (await fetch(`${t.base}/can-bo/ho-so/${body.code}/ket-qua`, { headers: { authorization: `Bearer ${tok.receiving}` } })).text();
    expect(page).toContain('Bản sao chứng thực: Giấy khai sinh bản chính');
  }, 300_000);
});

/**
 * The operations check for themselves that the caller may see the dossier (issue 12, item 10):
 * called directly, with no route and no getDossier before them, a caller from another unit or
 * another citizen gets the 404 of a dossier that does not exist, and nothing is written.
 */
describe('operations on a dossier’s result check that the caller sees the dossier', () => {
  // Officials of the Ho Chi Minh City office (000.05.02.G12): the test procedure's dossiers are
  // received and handled in Hanoi (000.05.01.G12) and approved by the agency (000.05.00.G12).
  const hcm = (role: StaffRole): Principal => ({
    kind: 'staff',
    id: randomUUID(),
    username: `thu.${role}.hcm`,
    name: 'Cán bộ thử TP.HCM',
    roles: [{ role, unitId: '000.05.02.G12' }],
  });
  const owner: Principal = {
    kind: 'citizen',
    id: '50000000-0000-4000-8000-000000000001',
    name: 'Trần Văn Minh',
    identifier: '001089012345',
    citizenKind: 'citizen',
  };
  const stranger: Principal = {
    kind: 'citizen',
    id: '50000000-0000-4000-8000-0000000000ff',
    name: 'Nguyễn Thị Khác',
    identifier: '079194006789',
    citizenKind: 'citizen',
  };
  const signer: Principal = {
    kind: 'staff',
    id: randomUUID(),
    username: 'ky',
    name: 'Hoàng Văn Thắng',
    roles: [{ role: 'signing_leader', unitId: '000.05.00.G12' }],
  };
  /** The error code an operation fails with, or 'ok'. */
  const outcome = (run: Promise<unknown>) =>
    run.then(
      () => 'ok',
      (e: unknown) => (e instanceof AppError ? e.code : Promise.reject(e)),
    );
  const resultsOf = async (code: string) => (await listDossierResults(t.ctx, code, signer)).map((r) => [r.resultCode, r.status]);

  it('signResults and listDossierResults: another unit’s signer signs nothing and lists nothing; another citizen lists nothing', async () => {
    const code = await approved();
    expect(await signResults(t.ctx, [code], hcm('signing_leader'))).toEqual([{ dossierCode: code, error: expect.objectContaining({ code: 'NOT_FOUND' }) }]);
    expect(await resultsOf(code)).toEqual([]);

    const [signed] = await signResults(t.ctx, [code], signer);
    const resultCode = (signed as { resultCode: string }).resultCode;
    expect(await outcome(listDossierResults(t.ctx, code, hcm('signing_leader')))).toBe('NOT_FOUND');
    expect(await outcome(listDossierResults(t.ctx, code, stranger))).toBe('NOT_FOUND');
    expect((await listDossierResults(t.ctx, code, owner)).map((r) => [r.resultCode, r.status])).toEqual([[resultCode, 'valid']]);
  }, 300_000);

  it('revokeResult: another unit’s signer gets NOT_FOUND and the result stays valid, with no event and no audit entry', async () => {
    const code = await approved();
    const [signed] = await signResults(t.ctx, [code], signer);
    const resultCode = (signed as { resultCode: string }).resultCode;
    for (const p of [hcm('signing_leader'), hcm('administrator')]) {
      expect(await outcome(revokeResult(t.ctx, resultCode, { reason: 'Thu hồi thử từ đơn vị khác' }, p))).toBe('NOT_FOUND');
    }
    const pub = await api<PublicResult>(t, 'GET', `/api/v1/public/results/${resultCode}`);
    expect([pub.body.status, pub.body.history.map((h) => h.event)]).toEqual(['valid', ['issued']]);
    expect((await listAudit(t.ctx.database.db, { target: `result:${resultCode}`, limit: 10 })).map((e) => e.action)).toEqual(['result.issue']);
  }, 300_000);

  it('saveResultDraft and getResultDraft: a specialist of another unit gets NOT_FOUND and no draft is saved', async () => {
    const { body } = await fileOnline(t, tok.citizen);
    await act(t, tok.receiving, body.code, { action: 'receive' });
    await act(t, tok.leader, body.code, { action: 'assign', assignee: 'chuyenvien' });
    const draft = { kind: 'certificate', documentName: 'Giấy xác nhận thử', fields: [{ label: 'Phạm vi', value: 'Thử' }] };
    expect(await outcome(saveResultDraft(t.ctx, body.code, draft, hcm('specialist')))).toBe('NOT_FOUND');
    expect(await outcome(saveResultDraft(t.ctx, body.code, draft, stranger))).toBe('NOT_FOUND');
    expect(await outcome(getResultDraft(t.ctx, body.code, hcm('specialist')))).toBe('NOT_FOUND');
    expect(await getResultDraft(t.ctx, body.code, signer)).toBeNull();
    expect(await listAudit(t.ctx.database.db, { target: `dossier:${body.code}`, actionIs: 'result.draft', limit: 10 })).toEqual([]);
  }, 300_000);

  it('certifyCopy: a receiving officer of another unit gets NOT_FOUND for the dossier and nothing is certified', async () => {
    const { body } = await fileOnline(t, tok.citizen);
    await act(t, tok.receiving, body.code, { action: 'receive' });
    const officer = hcm('receiving_officer');
    const scan = await storeUpload(t.ctx, officer, await samplePdf(), 'ban-chinh.pdf');
    expect(await outcome(certifyCopy(t.ctx, { dossierCode: body.code, uploadId: scan.id, documentName: 'Giấy phép bản chính' }, officer))).toBe('NOT_FOUND');
    expect(await resultsOf(body.code)).toEqual([]);
  }, 300_000);
});
