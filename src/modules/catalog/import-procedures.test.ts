import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { getProcedure } from './get-procedure.ts';

const fixture = () => JSON.parse(readFileSync(new URL('../../../test/fixtures/national-procedures/1.001193.excerpt.json', import.meta.url), 'utf8'));

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t, 'admin');
});
afterAll(() => t?.close());

describe('import of the national procedures format', () => {
  it('imports the national portal record as published, wrapped in {code, data}, keeping unknown fields', async () => {
    const r = await api<{ created: number; procedures: { code: string; version: number; status: string }[] }>(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: { records: [fixture()], defaults: { field: 'Hộ tịch', agencyCode: '000.00.00.G12', effectiveFrom: '2025-01-01' } },
    });
    expect(r.status).toBe(200);
    expect(r.body.procedures).toEqual([{ code: '1.001193', version: 1, status: 'created' }]);
    const p = await api<{ name: string; field: string; methods: { channel: string }[]; cases: { components: { code: string }[] }[] }>(
      t,
      'GET',
      '/api/v1/procedures/1.001193',
    );
    expect(p.body.name).toBe('Thủ tục đăng ký khai sinh');
    expect(p.body.field).toBe('Hộ tịch');
    expect(p.body.methods.map((m) => m.channel)).toEqual(['ONLINE', 'POSTAL', 'DIRECT']);
    expect(p.body.cases[0].components.map((c) => c.code)).toContain('000.00.00.G15-KQ004389');
    const raw = await t.ctx.database.db
      .selectFrom('procedure_versions')
      .innerJoin('procedure_documents', 'version_id', 'id')
      .select('raw')
      .where('procedure_code', '=', '1.001193')
      .executeTakeFirstOrThrow();
    const kept = raw.raw as unknown as Record<string, unknown>;
    expect(kept.id).toBe('019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7');
    expect(kept.decisionNo).toBe('');
  });

  it('importing the same record again changes nothing', async () => {
    const r = await api<{ unchanged: number; created: number; newVersions: number }>(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: { records: [fixture()], defaults: { field: 'Hộ tịch', agencyCode: '000.00.00.G12', effectiveFrom: '2025-01-01' } },
    });
    expect(r.body).toMatchObject({ unchanged: 1, created: 0, newVersions: 0 });
  });

  it('rejects invalid input with the JSON path of each problem, and stores nothing', async () => {
    const bad = fixture();
    bad.data.executionMethods[1].processingTime = 'one';
    bad.data.executionCases[0].profileComponents[2].name = '';
    const good = fixture();
    good.data.code = '9.999999';
    const r = await api<{ error: { code: string; message: string; messageEn: string; details: { path: string; message: string; messageEn: string }[] } }>(
      t,
      'POST',
      '/api/v1/procedures/import',
      { token: admin, body: [good, bad] },
    );
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    const paths = r.body.error.details.map((d) => d.path);
    expect(paths).toContain('[1].data.executionMethods[1].processingTime');
    expect(paths).toContain('[1].data.executionCases[0].profileComponents[2].name');
    for (const d of r.body.error.details) expect(d.message).not.toBe(d.messageEn);
    expect((await api(t, 'GET', '/api/v1/procedures/9.999999')).status).toBe(404);
  });

  it('rejects unknown units, bad e-forms and repeated codes', async () => {
    const rec = fixture().data;
    const r = await api<{ error: { details: { path: string }[] } }>(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: [
        { ...rec, code: '9.000001', congso: { agencyCode: 'NOPE.01' } },
        { ...rec, code: '9.000002', congso: { eForm: { type: 'object', properties: { a: { type: 'strin' } } } } },
        { ...rec, code: '9.000001' },
      ],
    });
    expect(r.status).toBe(400);
    const paths = r.body.error.details.map((d) => d.path);
    expect(paths).toEqual(['[0].congso.agencyCode', '[1].congso.eForm', '[2].code']);
    expect((await api(t, 'GET', '/api/v1/procedures/9.000001')).status).toBe(404);
  });

  it('refuses e-forms that could stall a filing, each problem at its JSON path, in both languages', async () => {
    const rec = fixture().data;
    const form = (eForm: Record<string, unknown>, i: number) => ({ ...rec, code: `9.0001${i}`, congso: { eForm: { type: 'object', ...eForm } } });
    let deep: Record<string, unknown> = { type: 'string' };
    // 20 levels of form (40 of JSON): deeper than an e-form may be, within what the HTTP input guard lets through.
    for (let i = 0; i < 20; i++) deep = { type: 'object', properties: { a: deep } };
    const r = await api<{ error: { details: { path: string; message: string; messageEn: string }[] } }>(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: [
        form({ properties: { maSoThue: { type: 'string', pattern: '^(?=[0-9]*$).{10}$' } } }, 0),
        form({ properties: { diaChi: { type: 'object', properties: { soNha: { type: 'string', pattern: '^(a)\\1$' } } } } }, 1),
        form({ properties: { ghiChu: { type: 'string', description: 'x'.repeat(300 * 1024) } } }, 2),
        form({ properties: { a: deep } }, 3),
        form({ properties: { coQuan: { $ref: 'https://schemas.example/co-quan.json' } } }, 4),
        form({ patternProperties: { '^(?<!x)y$': { type: 'string' } } }, 5),
        form({ properties: { web: { type: 'string', format: 'url' } } }, 6),
      ],
    });
    expect(r.status).toBe(400);
    const byPath = new Map(r.body.error.details.map((d) => [d.path, d]));
    const depth32 = `[3].congso.eForm.properties${'.a.properties'.repeat(15)}.a`;
    expect([...byPath.keys()]).toEqual([
      '[0].congso.eForm.properties.maSoThue.pattern',
      '[1].congso.eForm.properties.diaChi.properties.soNha.pattern',
      '[2].congso.eForm',
      depth32,
      '[4].congso.eForm.properties.coQuan.$ref',
      '[5].congso.eForm.patternProperties.^(?<!x)y$',
      '[6].congso.eForm.properties.web.format',
    ]);
    expect(byPath.get('[0].congso.eForm.properties.maSoThue.pattern')!.messageEn).toMatch(/lookahead/);
    expect(byPath.get('[1].congso.eForm.properties.diaChi.properties.soNha.pattern')!.messageEn).toMatch(/backreferences/);
    expect(byPath.get('[2].congso.eForm')!.messageEn).toMatch(/bytes long, at most 262144/);
    expect(byPath.get(depth32)!.messageEn).toMatch(/nested deeper than 32 levels/);
    expect(byPath.get('[4].congso.eForm.properties.coQuan.$ref')!.messageEn).toMatch(/Only references inside the e-form/);
    expect(byPath.get('[6].congso.eForm.properties.web.format')!.message).toMatch(/Không hỗ trợ định dạng "url"/);
    for (const d of r.body.error.details) expect(d.message).not.toBe(d.messageEn);
    expect((await api(t, 'GET', '/api/v1/procedures/9.000100')).status).toBe(404);
  });

  it('accepts honest e-forms: Unicode letter classes, local $ref and the supported formats', async () => {
    const eForm = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { soDienThoai: { type: 'string', pattern: '^0[0-9]{9,10}$' } },
      properties: {
        hoTen: { type: 'string', pattern: '^[\\p{L} ]+$', maxLength: 100 },
        dienThoai: { $ref: '#/$defs/soDienThoai' },
        email: { type: 'string', format: 'email' },
        ngaySinh: { type: 'string', format: 'date' },
      },
    };
    const r = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [{ ...fixture().data, code: '9.000300', congso: { eForm } }] });
    expect(r.status).toBe(200);
  });

  it('a changed procedure becomes a new version; what was in force before stays readable', async () => {
    const v2 = fixture();
    v2.data.executionMethods[0].processingTime = 2;
    v2.data.executionMethods[0].processingTimeUnit = 'WORKING_DAY';
    const before = new Date();
    const r = await api<{ newVersions: number; procedures: { version: number }[] }>(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: { records: [v2], defaults: { field: 'Hộ tịch', agencyCode: '000.00.00.G12' } },
    });
    expect(r.body.newVersions).toBe(1);
    const now = await api<{ version: number; methods: { processingTime: number }[]; versions: unknown[] }>(t, 'GET', '/api/v1/procedures/1.001193');
    expect(now.body.version).toBe(2);
    expect(now.body.methods[0].processingTime).toBe(2);
    expect(now.body.versions).toHaveLength(2);
    const old = await api<{ version: number; methods: { processingTime: number }[]; effectiveTo: string }>(t, 'GET', '/api/v1/procedures/1.001193?version=1');
    expect(old.body.methods[0].processingTime).toBe(1);
    expect(new Date(old.body.effectiveTo).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    // A dossier received before the change is judged by the version in force then.
    const then = await getProcedure(t.ctx, '1.001193', { at: new Date(before.getTime() - 60_000) });
    expect(then.version).toBe(1);
    // The search lists the procedure once, at its current version.
    const s = await api<{ items: { code: string; version: number }[] }>(t, 'GET', '/api/v1/procedures?q=khai%20sinh');
    expect(s.body.items.filter((i) => i.code === '1.001193')).toEqual([expect.objectContaining({ version: 2 })]);
  });

  it('a version scheduled for later takes over only from its date', async () => {
    const v3 = fixture();
    v3.data.name = 'Thủ tục đăng ký khai sinh (sửa đổi)';
    const r = await api(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: { records: [v3], defaults: { field: 'Hộ tịch', agencyCode: '000.00.00.G12', effectiveFrom: '2099-01-01' } },
    });
    expect(r.status).toBe(200);
    expect((await api<{ version: number }>(t, 'GET', '/api/v1/procedures/1.001193')).body.version).toBe(2);
    expect((await getProcedure(t.ctx, '1.001193', { at: new Date('2099-06-01') })).name).toBe('Thủ tục đăng ký khai sinh (sửa đổi)');
    // Going back before a later version is refused rather than rewriting history.
    const back = await api<{ error: { code: string } }>(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: { records: [{ ...v3.data, name: 'x'.repeat(10) }], defaults: { effectiveFrom: '2030-01-01' } },
    });
    expect([back.status, back.body.error.code]).toEqual([409, 'EFFECTIVE_DATE_TOO_EARLY']);
  });

  it('every import is in the audit trail', async () => {
    const rows = await t.ctx.database.db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'catalog.import').execute();
    expect(rows.some((r) => r.actor === 'staff:admin')).toBe(true);
  });
});
