import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { csrfPair } from '../../../test/security/request.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';

type Entry = {
  id: number;
  action: string;
  actor: string;
  actorName: string;
  actionLabel: { vi: string; en: string };
  target: string | null;
  targetName: string | null;
};
type Err = { error: { code: string; details?: { path: string }[] } };

let t: TestApp;
let admin: string;
let auditor: string;
let dossier: { code: string; applicant: string };
const today = vietnamDay(new Date());

const page = async (url: string, token: string) => {
  const r = await fetch(`${t.base}${url}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/html' }, redirect: 'manual' });
  return { status: r.status, headers: r.headers, text: await r.text() };
};
const csv = async (url: string, token: string) => {
  const r = await fetch(`${t.base}${url}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  return { status: r.status, headers: r.headers, bytes: new Uint8Array(await r.arrayBuffer()) };
};
/** The rows of the table on the page, as text per cell. */
const cells = (html: string) =>
  [...html.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
    .map((m) =>
      [...m[1].matchAll(/<td class="govuk-table__cell">([\s\S]*?)<\/td>/g)].map((c) =>
        c[1]
          .replace(/<[^>]+>/g, '')
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, '&')
          .trim(),
      ),
    )
    .filter((r) => r.length);

beforeAll(async () => {
  t = await startTestApp({ demoDossiers: true });
  admin = await login(t, 'admin');
  auditor = await login(t, 'kiemtra');
  // Something of each kind to name: a unit (its name needs quoting and defusing in CSV), an official's roles.
  expect(
    (await api(t, 'POST', '/api/v1/units', { token: admin, body: { id: 'G12.88', parentId: '000.00.00.G12', kind: 'unit', name: '=Phòng "Thử", nghiệm' } }))
      .status,
  ).toBe(201);
  expect(
    (await api(t, 'PUT', '/api/v1/staff/chuyenvien/roles', { token: admin, body: { roles: [{ role: 'specialist', unitId: '000.05.01.G12' }] } })).status,
  ).toBe(200);
  const row = await t.ctx.database.db.selectFrom('dossiers').select(['code', 'applicant']).orderBy('code').executeTakeFirstOrThrow();
  dossier = { code: row.code, applicant: (row.applicant as { name: string }).name };
});
afterAll(() => t?.close());

describe('the audit trail page', () => {
  it('administrators and auditors read it, page and API; other officials and citizens are refused', async () => {
    for (const token of [admin, auditor]) {
      expect((await page('/can-bo/nhat-ky', token)).status).toBe(200);
      expect((await api(t, 'GET', '/api/v1/audit', { token })).status).toBe(200);
      expect((await api(t, 'GET', '/api/v1/audit/verify', { token })).status).toBe(200);
      expect((await csv('/can-bo/nhat-ky/xuat.csv', token)).status).toBe(200);
    }
    for (const role of ['specialist', 'receiving_officer', 'unit_leader', 'signing_leader', 'clerk', 'citizen'] as const) {
      const token = await tokenFor(t, role);
      expect((await page('/can-bo/nhat-ky', token)).status, role).toBe(403);
      expect((await csv('/can-bo/nhat-ky/xuat.csv', token)).status, role).toBe(403);
      expect((await api(t, 'GET', '/api/v1/audit', { token })).status, role).toBe(403);
    }
    expect((await api(t, 'GET', '/api/v1/audit')).status).toBe(401);
    const anonymous = await fetch(`${t.base}/can-bo/nhat-ky`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toMatch(/^\/can-bo\/dang-nhap\?next=/);
  });

  it("shows readable actions and people's names, not codes and ids", async () => {
    const html = (await page('/can-bo/nhat-ky?action=org.*', admin)).text;
    const rows = cells(html);
    const unit = rows.find((r) => r[3].startsWith('Thêm đơn vị'));
    expect(unit?.[2]).toBe('Phạm Quốc Hưng (admin)');
    expect(unit?.[4]).toBe('=Phòng "Thử", nghiệm (G12.88)');
    const roles = rows.find((r) => r[3].startsWith('Thay đổi vai trò cán bộ'));
    expect(roles?.[4]).toBe('Trần Minh Đức (chuyenvien)');
    expect(rows.every((r) => !r[2].startsWith('staff:'))).toBe(true);
    const en = (await page('/can-bo/nhat-ky?action=org.*&lang=en', admin)).text;
    expect(cells(en).some((r) => r[3].startsWith('Added a unit'))).toBe(true);

    const filed = await api<Entry[]>(t, 'GET', `/api/v1/audit?target=${dossier.code}&action=dossier.submit`, { token: auditor });
    expect(filed.body).toHaveLength(1);
    expect(filed.body[0]).toMatchObject({
      target: `dossier:${dossier.code}`,
      targetName: `${dossier.code} — ${dossier.applicant}`,
      actionLabel: { vi: 'Hồ sơ: nộp hồ sơ' },
    });
    expect(filed.body[0].actorName).not.toMatch(/^(citizen|staff):/);
  });

  it('filters by actor (username or name), action, target and period', async () => {
    const byName = (await api<Entry[]>(t, 'GET', `/api/v1/audit?actor=${encodeURIComponent('Quốc Hưng')}&limit=500`, { token: auditor })).body;
    expect(byName.length).toBeGreaterThan(0);
    expect(new Set(byName.map((e) => e.actor))).toEqual(new Set(['staff:admin']));
    const byUsername = (await api<Entry[]>(t, 'GET', '/api/v1/audit?actor=admin&limit=500', { token: auditor })).body;
    expect(byUsername.map((e) => e.id)).toEqual(byName.map((e) => e.id));

    const exact = (await api<Entry[]>(t, 'GET', '/api/v1/audit?action=auth.login&limit=500', { token: auditor })).body;
    expect(exact.length).toBeGreaterThan(0);
    expect(new Set(exact.map((e) => e.action))).toEqual(new Set(['auth.login']));
    const group = (await api<Entry[]>(t, 'GET', '/api/v1/audit?action=org.*&limit=500', { token: auditor })).body;
    expect(group.every((e) => e.action.startsWith('org.'))).toBe(true);
    expect(group.map((e) => e.action)).toEqual(expect.arrayContaining(['org.unit.create', 'org.staff.roles']));

    const target = (await api<Entry[]>(t, 'GET', '/api/v1/audit?target=chuyenvien', { token: auditor })).body;
    expect(target.map((e) => e.action)).toContain('org.staff.roles');
    expect(target.every((e) => e.target === 'staff:chuyenvien')).toBe(true);

    expect(
      (await api<Entry[]>(t, 'GET', `/api/v1/audit?from=${today}&to=${today}&action=org.unit.create`, { token: auditor })).body.map((e) => e.target),
    ).toContain('unit:G12.88');
    expect((await api<Entry[]>(t, 'GET', '/api/v1/audit?to=2000-01-01', { token: auditor })).body).toEqual([]);
    const backwards = await api<Err>(t, 'GET', '/api/v1/audit?from=2026-02-01&to=2026-01-01', { token: auditor });
    expect([backwards.status, backwards.body.error.details?.[0].path]).toEqual([400, 'querystring.to']);
    expect((await api<Err>(t, 'GET', '/api/v1/audit?from=2026-02-30', { token: auditor })).status).toBe(400);

    // On the page: the filter stays in the form and in the paging link; a bad date is named next to its field.
    const filtered = (await page('/can-bo/nhat-ky?actor=admin&action=auth.*', admin)).text;
    expect(filtered).toContain('value="admin"');
    expect(filtered).toMatch(/<option value="auth\.\*" selected/);
    expect(filtered).toContain('href="/can-bo/nhat-ky/xuat.csv?actor=admin&amp;action=auth.*"');
    const bad = await page('/can-bo/nhat-ky?from=31-01-2026', admin);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#from"');
    expect(bad.text).toContain('id="from-error"');
  });

  it('pages older entries with the filter kept', async () => {
    const first = (await api<Entry[]>(t, 'GET', '/api/v1/audit?action=dossier.*&limit=3', { token: auditor })).body;
    expect(first).toHaveLength(3);
    const next = (await api<Entry[]>(t, 'GET', `/api/v1/audit?action=dossier.*&limit=3&before=${first[2].id}`, { token: auditor })).body;
    expect(next.length).toBeGreaterThan(0);
    expect(Math.max(...next.map((e) => e.id))).toBeLessThan(first[2].id);
    expect(next.every((e) => e.action.startsWith('dossier.'))).toBe(true);
    expect((await api<Entry[]>(t, 'GET', '/api/v1/audit?action=org.*&limit=500', { token: auditor })).body.length).toBeGreaterThan(50);
    const html = (await page('/can-bo/nhat-ky?action=org.*', admin)).text;
    expect(cells(html)).toHaveLength(50);
    const older = /href="(\/can-bo\/nhat-ky\?action=org\.\*&amp;before=\d+)"/.exec(html)?.[1].replace(/&amp;/g, '&');
    expect(older).toBeDefined();
    const second = (await page(older!, admin)).text;
    expect(cells(second).length).toBeGreaterThan(0);
    expect(second).toContain('href="/can-bo/nhat-ky?action=org.*"');
  });

  it('exports the filtered list as CSV for Excel: UTF-8 with BOM, quoted, names beside ids, and the export audited', async () => {
    const r = await csv('/can-bo/nhat-ky/xuat.csv?action=org.*', auditor);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="nhat-ky-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect([...r.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(r.bytes).slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('#,Thời điểm,Người thực hiện,Mã người thực hiện,Hành động,Mã hành động,Đối tượng,Mã đối tượng,Chi tiết');
    expect(lines.at(-1)).toBe('');
    const unitLine = lines.find((l) => l.includes(',org.unit.create,'))!;
    // The name has a quote and a comma (quoted, quotes doubled) and starts with "=" (defused for Excel).
    expect(unitLine).toContain(`,Phạm Quốc Hưng (admin),staff:admin,Thêm đơn vị,org.unit.create,"'=Phòng ""Thử"", nghiệm (G12.88)",unit:G12.88,`);
    const body = lines.slice(1, -1);
    expect(body.every((l) => /,org\.[a-z.]+,/.test(l))).toBe(true);
    expect(body.length).toBe((await api<Entry[]>(t, 'GET', '/api/v1/audit?action=org.*&limit=500', { token: auditor })).body.length);

    const en = new TextDecoder().decode((await csv('/can-bo/nhat-ky/xuat.csv?action=org.unit.create&lang=en', admin)).bytes);
    expect(en.split('\r\n')[0]).toBe('#,When,Actor,Actor id,Action,Action code,Target,Target id,Details');
    expect(en).toContain(',Added a unit,org.unit.create,');

    const exports = (await api<Entry[]>(t, 'GET', '/api/v1/audit?action=audit.export', { token: auditor })).body;
    // Newest first: this test's two exports, then the first test's (admin's, then the auditor's).
    expect(exports.map((e) => e.actor)).toEqual(['staff:admin', 'staff:kiemtra', 'staff:kiemtra', 'staff:admin']);
    expect(exports[1]).toMatchObject({ actionLabel: { vi: 'Xuất nhật ký hệ thống (CSV)' } });
  });

  it('keeps the hash-chain verification', async () => {
    const pair = csrfPair(t);
    const r = await fetch(`${t.base}/can-bo/nhat-ky/kiem-tra`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin}`,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: pair.cookie,
        'x-csrf-token': pair.token,
      },
      body: `_csrf=${pair.token}`,
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Chuỗi nhật ký toàn vẹn');
  });
});
