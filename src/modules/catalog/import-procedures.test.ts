import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { bearerPages } from '../../../test/payment-fixtures.ts';
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

  it("keeps the fixture's OTHER limits (no description) unmapped, with their text, and warns per method in both languages", async () => {
    const p = await api<{ methods: { channel: string; processingTime: number; processingTimeUnit: string; processingTimeText?: string }[] }>(
      t,
      'GET',
      '/api/v1/procedures/1.001193?version=1',
    );
    expect(p.body.methods.map((m) => [m.channel, m.processingTimeUnit, m.processingTime, m.processingTimeText])).toEqual([
      ['ONLINE', 'OTHER', 1, '1 OTHER'],
      ['POSTAL', 'OTHER', 1, '1 OTHER'],
      ['DIRECT', 'OTHER', 1, '1 OTHER'],
    ]);
    // Importing it again changes nothing, and still says so.
    const r = await api<{
      unchanged: number;
      warnings: { code: string; procedure: string; channel: string; path: string; message: string; messageEn: string }[];
    }>(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: { records: [fixture()], defaults: { field: 'Hộ tịch', agencyCode: '000.00.00.G12', effectiveFrom: '2025-01-01' } },
    });
    expect(r.body.unchanged).toBe(1);
    expect(r.body.warnings.map((w) => [w.code, w.procedure, w.channel, w.path])).toEqual([
      ['TIME_LIMIT_UNMAPPED', '1.001193', 'ONLINE', 'records[0].data.executionMethods[0]'],
      ['TIME_LIMIT_UNMAPPED', '1.001193', 'POSTAL', 'records[0].data.executionMethods[1]'],
      ['TIME_LIMIT_UNMAPPED', '1.001193', 'DIRECT', 'records[0].data.executionMethods[2]'],
    ]);
    const [online] = r.body.warnings;
    expect(online.message).toContain('Thủ tục 1.001193, cách thức trực tuyến');
    expect(online.message).toContain('tính hạn theo tổng thời gian các bước của quy trình, bằng ngày làm việc');
    expect(online.messageEn).toContain('Procedure 1.001193, online: the time limit "1 OTHER" could not be converted (unit OTHER; there is no description)');
    expect(online.messageEn).toContain("count the workflow's step budgets in working days until an administrator sets the unit");
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

  it('maps the national units, reads OTHER limits from their description, and keeps conflicting ones unmapped', async () => {
    const rec = fixture().data;
    const method = (submissionMethod: string, processingTime: number, processingTimeUnit: string, description = '') => ({
      ...rec.executionMethods[0],
      submissionMethod,
      processingTime,
      processingTimeUnit,
      description,
    });
    const r = await api<{ warnings: { procedure: string; channel: string; messageEn: string }[] }>(t, 'POST', '/api/v1/procedures/import', {
      token: admin,
      body: {
        records: [
          { ...rec, code: '9.100001', executionMethods: [method('ONLINE', 5, 'NGAY_LAM_VIEC'), method('DIRECT', 30, 'NGAY')] },
          {
            ...rec,
            code: '9.100002',
            executionMethods: [
              method('ONLINE', 1, 'OTHER', 'Trong thời hạn 8 giờ làm việc kể từ khi nhận được hồ sơ đầy đủ, hợp lệ'),
              method('DIRECT', 4, 'GIO_LAM_VIEC'),
            ],
          },
          {
            ...rec,
            code: '9.100003',
            executionMethods: [
              method('ONLINE', 1, 'TRONG_NGAY', 'Ngay trong ngày; nếu nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo'),
              method('DIRECT', 1, 'OTHER', 'Trong ngày; nhận sau 15 giờ 30 thì trả trong ngày làm việc tiếp theo'),
            ],
          },
          {
            ...rec,
            code: '9.100004',
            executionMethods: [method('ONLINE', 20, 'OTHER', '15 ngày làm việc để thẩm định hồ sơ; 05 ngày làm việc để cấp giấy chứng nhận')],
          },
        ],
        defaults: { field: 'Thử nghiệm', agencyCode: '000.05.01.G12' },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.warnings.map((w) => [w.procedure, w.channel])).toEqual([['9.100004', 'ONLINE']]);
    expect(r.body.warnings[0].messageEn).toContain('the description names different limits');
    const methods = async (code: string) =>
      (await api<{ methods: Record<string, unknown>[] }>(t, 'GET', `/api/v1/procedures/${code}`)).body.methods.map((m) => [
        m.processingTimeUnit,
        m.processingTime,
        m.processingCutoff,
      ]);
    expect(await methods('9.100001')).toEqual([
      ['WORKING_DAY', 5, undefined],
      ['DAY', 30, undefined],
    ]);
    expect(await methods('9.100002')).toEqual([
      ['WORKING_HOUR', 8, undefined],
      ['WORKING_HOUR', 4, undefined],
    ]);
    expect(await methods('9.100003')).toEqual([
      ['SAME_DAY', 1, '15:00'],
      ['SAME_DAY', 1, '15:30'],
    ]);
    expect(await methods('9.100004')).toEqual([['OTHER', 20, undefined]]);
    // The public page shows each limit as people say it, and the unmapped one with what dossiers run on meanwhile.
    const page = async (code: string) => {
      const res = await fetch(`${t.base}/thu-tuc/${code}`);
      expect(res.status).toBe(200);
      return res.text();
    };
    expect(await page('9.100002')).toContain('08 giờ làm việc');
    expect(await page('9.100003')).toContain('Trong ngày làm việc; nhận sau 15:00 trả trong ngày làm việc tiếp theo');
    expect(await page('9.100004')).toContain(
      '15 ngày làm việc để thẩm định hồ sơ; 05 ngày làm việc để cấp giấy chứng nhận (chưa quy đổi được; hạn tính theo quy trình: 03 ngày làm việc)',
    );
  });

  it("the back office's import page lists the unmapped limits, in the page's language", async () => {
    const office = bearerPages(() => t.base);
    const record = { ...fixture().data, code: '9.100005', executionMethods: [fixture().data.executionMethods[2]] };
    const r = await office.post(admin, '/can-bo/thu-tuc/nhap?lang=en', [['json', JSON.stringify(record)]]);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('Time limits to review:');
    expect(html).toContain('Procedure 9.100005, in person: the time limit');
  });

  it('the demo catalogue counts the certificates of origin AK and CPTPP in working hours, 6 online and 8 in person (Decree 31/2018)', async () => {
    const methods = async (code: string) =>
      (await api<{ methods: Record<string, unknown>[] }>(t, 'GET', `/api/v1/procedures/${code}`)).body.methods.map((m) => [
        m.channel,
        m.processingTimeUnit,
        m.processingTime,
      ]);
    for (const code of ['2.001272', '2.001273']) {
      expect(await methods(code)).toEqual([
        ['ONLINE', 'WORKING_HOUR', 6],
        ['DIRECT', 'WORKING_HOUR', 8],
      ]);
    }
    const en = await (await fetch(`${t.base}/thu-tuc/2.001272?lang=en`)).text();
    expect(en).toContain('6 working hours');
    expect(await (await fetch(`${t.base}/thu-tuc/2.001272`)).text()).toContain('08 giờ làm việc');
  });

  it('every import is in the audit trail', async () => {
    const rows = await t.ctx.database.db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'catalog.import').execute();
    expect(rows.some((r) => r.actor === 'staff:admin')).toBe(true);
  });
});
