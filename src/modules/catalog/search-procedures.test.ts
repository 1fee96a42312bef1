import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';

type Page = { items: { code: string; name: string; field: string; agencyCode: string | null }[]; total: number; page: number; pageSize: number };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const rec = JSON.parse(readFileSync(new URL('../../../test/fixtures/national-procedures/1.001193.excerpt.json', import.meta.url), 'utf8'));
  const admin = await login(t, 'admin');
  const r = await api(t, 'POST', '/api/v1/procedures/import', {
    token: admin,
    body: { records: [rec], defaults: { field: 'Hộ tịch', agencyCode: '000.00.00.G12', effectiveFrom: '2025-01-01' } },
  });
  expect(r.status).toBe(200);
});
afterAll(() => t?.close());

const search = async (qs: string) => (await api<Page>(t, 'GET', `/api/v1/procedures?${qs}`)).body;

describe('Vietnamese-aware catalogue search', () => {
  it.each(['dang ky khai sinh', 'ĐĂNG KÝ KHAI SINH', 'Đăng ký khai sinh', 'đăng ký khai sinh', 'Dang Ky Khai Sinh'])(
    '"%s" finds birth registration first',
    async (q) => {
      const r = await search(`q=${encodeURIComponent(q)}`);
      expect(r.items[0]?.code).toBe('1.001193');
    },
  );

  it('all spellings return the same results in the same order', async () => {
    const a = await search('q=giay%20phep%20ruou');
    const b = await search(`q=${encodeURIComponent('GIẤY PHÉP RƯỢU')}`);
    expect(a.total).toBeGreaterThan(1);
    expect(b.items.map((i) => i.code)).toEqual(a.items.map((i) => i.code));
  });

  it('ranks the closest name first and matches the last word as a prefix', async () => {
    const exact = await search(`q=${encodeURIComponent('Cấp Giấy phép bán lẻ rượu')}`);
    expect(exact.items[0].name).toBe('Cấp Giấy phép bán lẻ rượu');
    const typing = await search('q=ban%20le%20ru');
    expect(typing.items.map((i) => i.name)).toContain('Cấp Giấy phép bán lẻ rượu');
  });

  it('finds by national code', async () => {
    expect((await search('q=1.001193')).items[0].code).toBe('1.001193');
  });

  it('tolerates a typo through trigram similarity', async () => {
    const r = await search(`q=${encodeURIComponent('giấy phép bán lẻ rượi')}`);
    expect(r.items.map((i) => i.name)).toContain('Cấp Giấy phép bán lẻ rượu');
  });

  it('filters by field and agency, and pages', async () => {
    const all = await search('pageSize=5');
    expect(all.total).toBeGreaterThanOrEqual(21);
    expect(all.items).toHaveLength(5);
    const p2 = await search('pageSize=5&page=2');
    expect(p2.items.map((i) => i.code)).not.toEqual(all.items.map((i) => i.code));
    expect(p2.total).toBe(all.total);
    const byField = await search(`field=${encodeURIComponent('Hộ tịch')}`);
    expect(byField.items.map((i) => i.code)).toEqual(['1.001193']);
    const agency = all.items.find((i) => i.agencyCode)!.agencyCode!;
    const byAgency = await search(`agency=${encodeURIComponent(agency)}&pageSize=100`);
    expect(byAgency.total).toBeGreaterThan(0);
    expect(byAgency.items.every((i) => i.agencyCode === agency)).toBe(true);
  });

  it('answers nonsense with an empty page and bad parameters with a bilingual 400', async () => {
    expect((await search('q=zzzzqqqxxx')).total).toBe(0);
    expect((await search(`q=${encodeURIComponent("'; drop table procedures; --")}`)).total).toBe(0);
    const bad = await api<{ error: { code: string; message: string; messageEn: string; details: { path: string }[] } }>(t, 'GET', '/api/v1/procedures?page=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('querystring.page');
    expect(bad.body.error.message).not.toBe(bad.body.error.messageEn);
  });

  it('the detail of an unknown procedure is a 404 in both languages', async () => {
    const r = await api<{ error: { code: string; message: string; messageEn: string } }>(t, 'GET', '/api/v1/procedures/0.000000');
    expect([r.status, r.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(r.body.error.message).not.toBe(r.body.error.messageEn);
  });
});
