import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { citizenToken, fileOnline, FORM, importTestProcedures, LIGHT_PROCEDURE, TEST_PROCEDURE, uploadPdf, type View } from '../../../test/dossier-fixtures.ts';

type Err = { error: { code: string; message: string; messageEn: string; details?: { path: string; message: string; messageEn: string }[] } };

let t: TestApp;
let citizen: string;
let officer: string;
beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  citizen = await citizenToken(t, '10000000-0000-4000-8000-000000000001');
  officer = await login(t, 'tiepnhan.xnk');
});
afterAll(() => t?.close());

describe('filing a dossier', () => {
  it('online by the applicant: a code of the receiving unit and day, national status 1, no due date until received', async () => {
    const r = await fileOnline(t, citizen);
    expect(r.status).toBe(201);
    expect(r.body.code).toMatch(/^000\.05\.01\.G12-\d{6}-\d{4}$/);
    expect(r.body).toMatchObject({ status: 'submitted', nationalStatus: 1, dueDate: null });
    expect(r.headers.get('location')).toBe(`/api/v1/dossiers/${r.body.code}`);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'national-portal.sync' and data->>'dossierCode' = ${r.body.code}`.execute(t.ctx.database.db);
    expect(jobs.rows[0].n).toBe(1);
  });

  it('at the counter by a receiving officer: received at once, with its due date', async () => {
    const upload = await uploadPdf(t, officer, 'scan.pdf');
    const r = await api<View>(t, 'POST', '/api/v1/dossiers', {
      token: officer,
      body: { procedureCode: TEST_PROCEDURE.code, channel: 1, applicant: { name: 'Lê Thị Thu', identifier: '001190000111', phone: '0912345678' }, form: FORM, components: [{ code: 'T-01', uploadId: upload }] },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'received', nationalStatus: 2 });
    const due = await api<{ dueDate: string }>(t, 'GET', `/api/v1/calendar/due-date?from=${encodeURIComponent(new Date().toISOString())}&workingDays=10`);
    expect(r.body.dueDate).toBe(due.body.dueDate);
    const log = await api<{ action: string }[]>(t, 'GET', `/api/v1/dossiers/${r.body.code}/actions`, { token: officer });
    expect(log.body.map((a) => a.action)).toEqual(['submit', 'receive']);
    // The applicant is told, on the channel they gave, in the same transaction (form 01's notice).
    const sent = await sql<{ event: string; channel: string; recipient: string; body_text: string }>`select event, channel, recipient, body_text from notifications where dossier_code = ${r.body.code}`.execute(t.ctx.database.db);
    expect(sent.rows).toEqual([expect.objectContaining({ event: 'dossier.received', channel: 'sms', recipient: '0912345678' })]);
    expect(sent.rows[0].body_text).toContain(r.body.code);
  });

  it('the e-form is validated with the procedure version schema, errors per field in both languages', async () => {
    const r = await fileOnline(t, citizen, { form: { tenDoanhNghiep: '', maSoThue: '12ab' } });
    expect(r.status).toBe(400);
    const body = r.body as unknown as Err;
    const paths = body.error.details!.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['form.tenDoanhNghiep', 'form.maSoThue']));
    for (const d of body.error.details!) expect(d.message).not.toBe(d.messageEn);
  });

  it('a missing required component, an unknown component or someone else\'s upload is refused, and nothing is stored', async () => {
    const before = (await sql<{ n: number }>`select count(*)::int as n from dossiers`.execute(t.ctx.database.db)).rows[0].n;
    const none = await api<Err>(t, 'POST', '/api/v1/dossiers', { token: citizen, body: { procedureCode: TEST_PROCEDURE.code, channel: 2, form: FORM, components: [] } });
    expect(none.status).toBe(400);
    expect(none.body.error.details![0].message).toContain('Đơn đề nghị');
    const other = await citizenToken(t, '10000000-0000-4000-8000-000000000002', 'Nguyễn Thị Hà', '079194006789');
    const theirs = await uploadPdf(t, other);
    const stolen = await api<Err>(t, 'POST', '/api/v1/dossiers', { token: citizen, body: { procedureCode: TEST_PROCEDURE.code, channel: 2, form: FORM, components: [{ code: 'T-01', uploadId: theirs }] } });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.details![0].path).toBe('components[0].uploadId');
    const unknown = await api<Err>(t, 'POST', '/api/v1/dossiers', { token: citizen, body: { procedureCode: TEST_PROCEDURE.code, channel: 2, form: FORM, components: [{ code: 'X-99', uploadId: theirs }] } });
    expect(unknown.status).toBe(400);
    expect((await sql<{ n: number }>`select count(*)::int as n from dossiers`.execute(t.ctx.database.db)).rows[0].n).toBe(before);
  });

  it('applicants file online only; officials file for an applicant they name', async () => {
    const r = await api<Err>(t, 'POST', '/api/v1/dossiers', { token: citizen, body: { procedureCode: TEST_PROCEDURE.code, channel: 1, form: FORM } });
    expect(r.status).toBe(400);
    const noApplicant = await api<Err>(t, 'POST', '/api/v1/dossiers', { token: officer, body: { procedureCode: LIGHT_PROCEDURE.code, channel: 1, form: FORM } });
    expect(noApplicant.body.error.details![0].path).toBe('body.applicant');
    const wrongUnit = await api<Err>(t, 'POST', '/api/v1/dossiers', { token: await login(t, 'tiepnhan.hcm'), body: { procedureCode: LIGHT_PROCEDURE.code, channel: 1, form: FORM, applicant: { name: 'A B', identifier: '001190000111' } } });
    expect(wrongUnit.status).toBe(403);
  });

  it('the national portal files online for an applicant with its service token', async () => {
    const svc = await tokenFor(t, 'scope:dossiers:write');
    const r = await api<View>(t, 'POST', '/api/v1/dossiers', { token: svc, body: { procedureCode: LIGHT_PROCEDURE.code, channel: 2, form: FORM, applicant: { name: 'Phạm Thị Hồng Nhung', identifier: '031303007821' } } });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('submitted');
  });
});

describe('idempotent filing', () => {
  it('the same key and body give the same dossier; the same key with another body is a conflict', async () => {
    const a = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'key-0001-aaaa' });
    const b = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'key-0001-aaaa' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.code).toBe(a.body.code);
    const c = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'key-0001-aaaa', form: { ...FORM, tenDoanhNghiep: 'Khác' } });
    expect(c.status).toBe(409);
  });

  it('retries racing with one key create one dossier', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'key-race-0002' })));
    expect(new Set(results.map((r) => r.body.code)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
  });
});

describe('dossier codes', () => {
  it('500 simultaneous filings to one unit get 500 distinct, gap-free codes', async () => {
    const officerHcm = await login(t, 'tiepnhan.dn');
    // A unit with no dossiers yet today: the Đà Nẵng office receives the light procedure.
    await api(t, 'POST', '/api/v1/procedures/import', { token: await login(t, 'admin'), body: [{ ...LIGHT_PROCEDURE, code: '9.100003', congso: { ...LIGHT_PROCEDURE.congso, agencyCode: '000.05.03.G12', workflow: LIGHT_PROCEDURE.congso.workflow.map((s) => ({ ...s, unit: s.step === 'approve' ? '000.05.03.G12' : '000.05.03.G12', role: s.step === 'approve' ? 'signing_leader' : s.role })) } }] });
    const body = (i: number) => ({ procedureCode: '9.100003', channel: 1, form: FORM, applicant: { name: `Người nộp ${i}`, identifier: String(100000000000 + i) } });
    // On a busy machine some of 500 simultaneous requests may wait past the pool's limit and get
    // 503 with Retry-After; a client then retries with the same key, as the API asks.
    const file = async (i: number) => {
      for (let attempt = 0; ; attempt++) {
        const r = await api<View>(t, 'POST', '/api/v1/dossiers', { token: officerHcm, body: body(i), headers: { 'idempotency-key': `load-${i}-xxxxxx` } });
        if (r.status !== 503 || attempt >= 20) return r;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => file(i)));
    expect(results.map((r) => r.status).filter((s) => s !== 201 && s !== 200)).toEqual([]);
    const numbers = results.map((r) => Number(r.body.code.split('-').pop())).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // Retrying every one of them with its key files nothing new.
    const again = await Promise.all(Array.from({ length: 500 }, (_, i) => api<View>(t, 'POST', '/api/v1/dossiers', { token: officerHcm, body: body(i), headers: { 'idempotency-key': `load-${i}-xxxxxx` } })));
    expect(again.every((r, i) => r.status === 200 && r.body.code === results[i].body.code)).toBe(true);
    const n = await sql<{ n: number }>`select count(*)::int as n from dossiers where receiving_unit = '000.05.03.G12'`.execute(t.ctx.database.db);
    expect(n.rows[0].n).toBe(500);
  }, 180_000);
});

describe('public tracking', () => {
  it('shows procedure, status and dates but nothing personal', async () => {
    const f = await fileOnline(t, citizen);
    const r = await api<Record<string, unknown>>(t, 'GET', `/api/v1/public/dossiers/${f.body.code}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: f.body.code, procedureCode: TEST_PROCEDURE.code, status: 'submitted', nationalStatus: 1 });
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('Trần Văn Minh');
    expect(text).not.toContain('001089012345');
    expect(text).not.toContain('Công ty TNHH Thử Nghiệm');
    expect((await api(t, 'GET', '/api/v1/public/dossiers/000.05.01.G12-991231-9999')).status).toBe(404);
    expect((await api(t, 'GET', '/api/v1/public/dossiers/..%2F..%2Fetc')).status).toBe(404);
  });
});
