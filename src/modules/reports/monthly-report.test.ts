import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, LIGHT_PROCEDURE } from '../../../test/dossier-fixtures.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { listStaff } from '../organisation/list-staff.ts';
import { monthlyReport, monthPeriod } from './monthly-report.ts';

/**
 * The monthly report's figures (issue 15), through the operation: dossiers filed and worked on
 * through the API this month; who may ask for which unit; months written wrong or not begun.
 */
let t: TestApp;
const staff = new Map<string, Principal>();
const month = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7);

beforeAll(async () => {
  t = await startTestApp();
  const admin = await login(t, 'admin');
  expect((await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [LIGHT_PROCEDURE] })).status).toBe(200);
  const citizen = await citizenToken(t, '50000000-0000-4000-8000-000000001517');
  const [desk, leader, specialist, signer] = await Promise.all(['tiepnhan.xnk', 'lanhdao', 'chuyenvien', 'ky'].map((u) => login(t, u)));
  const step = async (token: string, code: string, body: Record<string, unknown>) => expect((await act(t, token, code, body)).status).toBe(200);
  const codes: string[] = [];
  for (let i = 0; i < 3; i++) codes.push((await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code })).body.code);
  // Two received, one of them returned (on time: today); the third waits for receipt and counts nowhere.
  for (const c of codes.slice(0, 2)) await step(desk, c, { action: 'receive' });
  await step(leader, codes[0], { action: 'assign', assignee: 'chuyenvien' });
  await step(specialist, codes[0], { action: 'propose' });
  await step(signer, codes[0], { action: 'approve' });
  await step(desk, codes[0], { action: 'return', method: 'online' });
  for (const s of await listStaff(t.ctx)) staff.set(s.username, { kind: 'staff', id: s.id, username: s.username, name: s.fullName, roles: s.roles as never });
}, 300_000);
afterAll(() => t?.close());

describe('the monthly report', () => {
  it("counts the month by receiving unit and by field, with the totals, under the unit's header", async () => {
    const r = await monthlyReport(t.ctx, { month, unit: '000.05.01.G12' }, staff.get('lanhdao')!);
    const figures = { received: 2, receivedOnline: 2, carriedOver: 0, processed: 1, onTime: 1, late: 0, inProgress: 1, overdue: 0 };
    expect(r.total).toEqual({ key: 'total', name: 'Tổng cộng', ...figures });
    expect(r.byUnit).toEqual([{ key: '000.05.01.G12', name: 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội', ...figures }]);
    expect(r.byField).toEqual([{ key: 'Thử nghiệm', name: 'Thử nghiệm', ...figures }]);
    expect(r.agency).toEqual({ parent: 'Cục Xuất nhập khẩu', name: 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội', place: 'Hà Nội' });
    // Without a unit: every unit the official reads, under the highest of them.
    const all = await monthlyReport(t.ctx, { month }, staff.get('ky')!);
    expect(all.total).toMatchObject(figures);
    expect(all.agency.name).toBe('Cục Xuất nhập khẩu');
  });

  it('refuses a unit the official does not lead, and officials who read no index', async () => {
    const other = await monthlyReport(t.ctx, { month, unit: '000.05.01.G12' }, staff.get('lanhdao.hcm')!).catch((e: unknown) => e);
    expect((other as { code?: string }).code).toBe('NOT_FOUND');
    const specialist = await monthlyReport(t.ctx, { month }, staff.get('chuyenvien')!).catch((e: unknown) => e);
    expect((specialist as { code?: string }).code).toBe('FORBIDDEN');
  });

  it('takes a month written YYYY-MM that has begun', async () => {
    expect(monthPeriod('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthPeriod('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    for (const bad of ['2026-13', '2026-2', 'tháng 2', '2099-01']) {
      const e = await monthlyReport(t.ctx, { month: bad }, staff.get('lanhdao')!).catch((x: unknown) => x);
      expect((e as { code?: string }).code, bad).toBe('VALIDATION_FAILED');
    }
  });
});
