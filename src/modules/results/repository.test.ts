import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { citizenToken, FORM, importTestProcedures, samplePdf, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';
import { recordResult } from './record-result.ts';
import type { MyResult } from './repository.ts';

let t: TestApp;
let pdf: Uint8Array;
const HOLDER = '40000000-0000-4000-8000-000000000001';
let holder: string;
let stranger: string;
let code: string;

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  pdf = await samplePdf();
  holder = await citizenToken(t, HOLDER, 'Trần Văn Minh', '001089012345');
  stranger = await citizenToken(t, '40000000-0000-4000-8000-000000000002', 'Nguyễn Thị Hà', '079194006789');
  ({ resultCode: code } = await t.ctx.database.db.transaction().execute((tx) =>
    recordResult(t.ctx, tx, {
      dossierCode: '000.05.01.G12-261129-0001', procedureCode: TEST_PROCEDURE.code, documentName: 'Giấy xác nhận thử nghiệm', kind: 'certificate', number: '7/GXN-XNK',
      issuerUnit: '000.05.00.G12', issuerName: 'Cục Xuất nhập khẩu', holder: { name: 'Trần Văn Minh', identifier: '001089012345' }, ownerCitizenId: HOLDER,
    }, pdf, 'staff:ky')));
});
afterAll(() => t?.close());

const get = (url: string, token?: string) => fetch(`${t.base}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('the e-data repository', () => {
  it('lists the holder’s results only; the file goes to its holder and the issuing unit’s officials, to no one else', async () => {
    const mine = await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token: holder });
    expect(mine.body.map((r) => [r.resultCode, r.documentName, r.status])).toEqual([[code, 'Giấy xác nhận thử nghiệm', 'valid']]);
    expect((await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token: stranger })).body).toEqual([]);
    const file = await get(`/api/v1/results/${code}/pdf`, holder);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from(pdf));
    expect((await get(`/api/v1/results/${code}/pdf`, stranger)).status).toBe(404);
    expect((await get(`/api/v1/results/${code}/pdf`, await login(t, 'ky'))).status).toBe(200);
    expect((await get(`/api/v1/results/${code}/pdf`, await login(t, 'lanhdao.hcm'))).status).toBe(404);
    const page = await get('/kho-du-lieu', holder);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Giấy xác nhận thử nghiệm');
  });

  it('a share link opens without an account until it is tampered with or the result is revoked', async () => {
    const { body } = await api<{ url: string; expiresAt: string }>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 2 } });
    const path = new URL(body.url).pathname;
    const open = await get(path);
    expect(open.status).toBe(200);
    expect(Buffer.from(await open.arrayBuffer())).toEqual(Buffer.from(pdf));
    expect((await get(`${path.slice(0, -2)}xx`)).status).toBe(404);
    expect((await api(t, 'POST', `/api/v1/results/${code}/share`, { token: stranger, body: { hours: 2 } })).status).toBe(404);
    expect((await api(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 10_000 } })).status).toBe(400);
  });

  it('reusing a result files it into a new dossier without an upload, and the dossier records the reuse', async () => {
    const reuse = await api<{ id: string; reusedFrom: string }>(t, 'POST', `/api/v1/results/${code}/reuse`, { token: holder });
    expect(reuse.status).toBe(201);
    expect(reuse.body.reusedFrom).toBe(code);
    const own = await uploadPdf(t, holder, 'giay-khac.pdf');
    const filed = await api<{ code: string; components: { code: string | null; reused: boolean }[] }>(t, 'POST', '/api/v1/dossiers', {
      token: holder,
      body: { procedureCode: TEST_PROCEDURE.code, channel: 2, form: FORM, components: [{ code: 'T-01', uploadId: reuse.body.id }, { code: 'T-02', uploadId: own, reused: true }] },
    });
    expect(filed.status).toBe(201);
    // The client's claim counts for nothing: only the file taken from the repository is a reuse.
    expect(filed.body.components.map((c) => [c.code, c.reused])).toEqual([['T-01', true], ['T-02', false]]);
    expect((await api(t, 'POST', `/api/v1/results/${code}/reuse`, { token: stranger })).status).toBe(404);
  });

  it('a revoked result can no longer be shared, opened by link or reused', async () => {
    const { body } = await api<{ url: string }>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 2 } });
    expect((await api(t, 'POST', `/api/v1/results/${code}/revoke`, { token: await login(t, 'ky'), body: { reason: 'Thu hồi để kiểm thử' } })).status).toBe(200);
    expect((await get(new URL(body.url).pathname)).status).toBe(404);
    expect((await api(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 2 } })).status).toBe(409);
    expect((await api(t, 'POST', `/api/v1/results/${code}/reuse`, { token: holder })).status).toBe(409);
  });
});
