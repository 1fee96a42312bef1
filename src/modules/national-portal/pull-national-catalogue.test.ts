import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { bearerPages, formFields } from '../../../test/payment-fixtures.ts';
import { previewNationalCatalogue } from './pull-national-catalogue.ts';

/**
 * Issue 16 item 2: the procedure catalogue pulled from the National Public Service Portal
 * (LayDanhSachTTHC, LayThuTuc) through the adapter's client, shown as differences, then applied
 * through the catalogue import. The simulator's catalogue is the demo's with three procedures
 * moved ahead (2.000620's time limit 10 → 8 working days, a legal basis added to 1.004503, an
 * optional component added to 2.000115) and one the ministry lacks (1.013001).
 */
let t: TestApp;
let admin = '';
const office = bearerPages(() => t.base);
const URL = '/can-bo/thu-tuc/lay-tu-dvcqg';

beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t, 'admin');
}, 600_000);
afterAll(() => t?.close());

type Proc = {
  version: number;
  name: string;
  methods: { channel: string; processingTime: number }[];
  workflow: unknown[];
  eForm: unknown;
  agencyCode: string | null;
};
const procedure = async (code: string) => api<Proc>(t, 'GET', `/api/v1/procedures/${code}`);

describe('pulling the catalogue from the National Public Service Portal', () => {
  it('shows what is new, what changed field by field, and what is unchanged, and changes nothing', async () => {
    const p = await previewNationalCatalogue(t.ctx);
    expect(p.counts).toEqual({ new: 1, changed: 3, unchanged: 22 });
    const by = Object.fromEntries(p.entries.map((e) => [e.code, e]));
    expect(by['1.013001']).toMatchObject({ status: 'new', agencyCode: '000.13.00.G12', changes: [] });
    expect(by['2.000620'].changes.map((c) => [c.field, c.ours, c.theirs])).toEqual([
      ['time:ONLINE', '10 ngày làm việc', '8 ngày làm việc'],
      ['time:POSTAL', '10 ngày làm việc', '8 ngày làm việc'],
      ['time:DIRECT', '10 ngày làm việc', '8 ngày làm việc'],
    ]);
    expect(by['1.004503'].changes.map((c) => c.field)).toEqual(['legalBasis']);
    expect(by['1.004503'].changes[0].ours).toBe('—');
    expect(by['1.004503'].changes[0].theirs).toMatch(/^\+ Thông tư số 05\/2025\/TT-BCT/);
    expect(by['2.000115'].changes.map((c) => c.field)).toEqual(['components']);
    expect(by['2.000115'].changes[0].theirs).toMatch(/^\+ 000\.00\.00\.G12-HS001905: /);
    expect(by['2.001270'].status).toBe('unchanged');
    expect((await procedure('1.013001')).status).toBe(404);
    expect((await procedure('2.000620')).body.version).toBe(1);
  });

  it('on the page: pull, read the differences, apply; new versions keep our e-form and workflow; a second pull finds nothing', async () => {
    const before = (await procedure('2.000620')).body;
    const start = await office.page(admin, URL);
    expect(start.status).toBe(200);
    expect(start.html).toContain('Lấy từ Cổng DVCQG');

    const shown = await office.post(admin, URL, [['op', 'preview']]);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain('1 thủ tục mới');
    expect(html).toContain('3 thủ tục thay đổi');
    expect(html).toContain('Thời hạn giải quyết (trực tuyến)');
    const english = await office.post(admin, `${URL}?lang=en`, [['op', 'preview']]);
    expect(await english.text()).toContain('Time limit (online)');

    const applied = await office.post(admin, URL, formFields(html, 'value="apply"'));
    expect(applied.status).toBe(303);
    expect(applied.headers.get('location')).toBe(`${URL}?tao=1&phien-ban=3`);

    const after = (await procedure('2.000620')).body;
    expect(after.version).toBe(2);
    expect(after.methods.map((m) => m.processingTime)).toEqual([8, 8, 8]);
    expect(after.workflow).toEqual(before.workflow);
    expect(after.eForm).toEqual(before.eForm);
    const created = (await procedure('1.013001')).body;
    expect(created).toMatchObject({ version: 1, name: 'Cấp Giấy xác nhận ưu đãi dự án sản xuất sản phẩm công nghiệp hỗ trợ', agencyCode: '000.13.00.G12' });
    expect(created.workflow).toHaveLength(5);

    expect((await previewNationalCatalogue(t.ctx)).counts).toEqual({ new: 0, changed: 0, unchanged: 26 });
    const audit = await t.ctx.database.db.selectFrom('audit_log').select(['actor', 'data']).where('action', '=', 'catalog.national-pull').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('staff:admin');
  });

  it('refuses to apply differences nobody saw: the catalogue changed since, nothing is applied', async () => {
    const r = await office.post(admin, URL, [
      ['op', 'apply'],
      ['fingerprint', 'not-what-was-shown'],
    ]);
    expect(r.status).toBe(409);
    expect(await r.text()).toContain('chưa áp dụng gì');
    const audit = await t.ctx.database.db.selectFrom('audit_log').select('id').where('action', '=', 'catalog.national-pull').execute();
    expect(audit).toHaveLength(1);
  });
});
