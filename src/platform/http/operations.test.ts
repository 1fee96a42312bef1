import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, onPostgres, startTestApp, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('operations endpoints', () => {
  it('/healthz names the database in use', async () => {
    const r = await api<{ status: string; database: string; version: string }>(t, 'GET', '/healthz');
    expect(r.body).toEqual({ status: 'ok', database: onPostgres() ? 'postgresql' : 'embedded', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('/api/openapi.json is a valid OpenAPI 3.1 document', async () => {
    const r = await api<{ openapi: string; paths: Record<string, unknown> }>(t, 'GET', '/api/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    const v = new Validator();
    const res = await v.validate(r.body as Parameters<Validator['validate']>[0]);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/procedures',
        '/api/v1/procedures/{code}',
        '/api/v1/procedures/import',
        '/api/v1/auth/login',
        '/api/v1/oauth/token',
        '/api/v1/audit/verify',
      ]),
    );
  });

  it('/api/docs serves a readable documentation page', async () => {
    const r = await fetch(`${t.base}/api/docs/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/swagger/i);
  });

  it('/metrics exposes Prometheus metrics including request durations', async () => {
    await api(t, 'GET', '/api/v1/procedures?q=ruou');
    const text = await (await fetch(`${t.base}/metrics`)).text();
    expect(text).toMatch(/http_request_duration_seconds_bucket\{.*route="\/api\/v1\/procedures"/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  it('pages and API answers carry the security headers', async () => {
    for (const u of ['/', '/api/v1/procedures', '/thu-tuc/none']) {
      const r = await fetch(`${t.base}${u}`);
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('unknown API paths and bodies of the wrong type get bilingual errors', async () => {
    const nf = await api<{ error: { code: string; message: string; messageEn: string } }>(t, 'GET', '/api/v1/nothing');
    expect(nf.status).toBe(404);
    expect(nf.body.error.code).toBe('NOT_FOUND');
    const wrongType = await api<{ error: { code: string } }>(t, 'POST', '/api/v1/auth/login', {
      body: '<xml/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(wrongType.status).toBe(415);
    const huge = await api(t, 'POST', '/api/v1/auth/login', { body: JSON.stringify({ username: 'a', password: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
  });

  it('a browser form without its CSRF token is refused and changes nothing', async () => {
    const r = await fetch(`${t.base}/can-bo/dang-nhap`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=lanhdao&password=congso-demo',
      redirect: 'manual',
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie') ?? '').not.toMatch(/congso_sid=[^;]/);
    const rows = await t.ctx.database.db.selectFrom('audit_log').select('action').where('actor', '=', 'staff:lanhdao').execute();
    expect(rows).toEqual([]);
  });
});

describe('persistence', () => {
  it('data survives a restart of the server', async () => {
    const admin = await login(t, 'admin');
    expect(
      (
        await api(t, 'POST', '/api/v1/units', {
          token: admin,
          body: { id: '000.98.00.G12', parentId: '000.00.00.G12', kind: 'department', name: 'Vụ Lưu trữ' },
        })
      ).status,
    ).toBe(201);
    t = await t.restart();
    const r = await api<{ total: number }>(t, 'GET', '/api/v1/procedures');
    expect(r.body.total).toBeGreaterThanOrEqual(20);
    const unit = await t.ctx.database.db.selectFrom('org_units').select('name').where('id', '=', '000.98.00.G12').executeTakeFirst();
    expect(unit?.name).toBe('Vụ Lưu trữ');
    expect((await api<{ ok: boolean }>(t, 'GET', '/api/v1/audit/verify', { token: await login(t, 'kiemtra') })).body.ok).toBe(true);
  });
});
