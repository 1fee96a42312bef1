import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../helpers.ts';
import { describeWithTool } from '../tools.ts';
import { act, citizenToken, fileOnline, LIGHT_PROCEDURE } from '../dossier-fixtures.ts';
import { checkAccessibility, launchBrowser, signInOfficial, VIEWPORTS } from './browser.ts';

/**
 * Issue 15's acceptance in Chromium: a unit leader signs in, opens the dashboard from the
 * overview, chooses a period, clicks the unit's late count and lands on the work queue listing
 * exactly the dossiers returned late; downloads the unit table as XLSX and reads it back; axe
 * finds nothing serious on the dashboard and the filtered queue, in Vietnamese and English, on
 * a desktop and a phone, and nothing scrolls sideways on the phone.
 *
 * Unit 000.05.01, online filings received on a Monday at least six weeks ago: A returned the next
 * day (on time), B and F four weeks later (late), C still in progress (overdue); D received today.
 */
const DAY = 86_400_000;
const vnDay = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
const UNIT_NAME = 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội';

let t: TestApp;
let browser: Browser;
const codes: Record<string, string> = {};
let from = '';
let today = '';

async function at<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  t.ctx.config.clockOffsetMs = ms - Date.now();
  try {
    return await fn();
  } finally {
    t.ctx.config.clockOffsetMs = 0;
  }
}

beforeAll(async () => {
  t = await startTestApp();
  const admin = await login(t, 'admin');
  expect((await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [LIGHT_PROCEDURE] })).status).toBe(200);
  const citizen = await citizenToken(t, '50000000-0000-4000-8000-000000001516');
  const [desk, leader, specialist, signer] = await Promise.all(['tiepnhan.xnk', 'lanhdao', 'chuyenvien', 'ky'].map((u) => login(t, u)));
  const step = async (token: string, code: string, body: Record<string, unknown>) => {
    const r = await act(t, token, code, body);
    expect(r.status, `${String(body.action)}: ${JSON.stringify(r.body)}`).toBe(200);
  };
  const file = async (key: string) => {
    codes[key] = (await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code })).body.code;
    await step(desk, codes[key], { action: 'receive' });
  };
  const toReturn = async (key: string) => {
    await step(leader, codes[key], { action: 'assign', assignee: 'chuyenvien' });
    await step(specialist, codes[key], { action: 'propose' });
    await step(signer, codes[key], { action: 'approve' });
    await step(desk, codes[key], { action: 'return', method: 'online' });
  };
  let start = Date.parse(`${vnDay(Date.now() - 42 * DAY)}T09:00:00+07:00`);
  while (new Date(start + 7 * 3_600_000).getUTCDay() !== 1) start -= DAY;
  from = vnDay(start);
  today = vnDay(Date.now());
  await at(start, async () => {
    for (const k of ['A', 'B', 'C', 'F']) await file(k);
  });
  await at(start + DAY, () => toReturn('A'));
  await at(start + 28 * DAY, async () => {
    await toReturn('B');
    await toReturn('F');
  });
  await step(leader, codes.C, { action: 'assign', assignee: 'chuyenvien' });
  await file('D');
  browser = await launchBrowser();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The dossier codes a work-queue page lists. */
const listed = async (p: Page) => [...new Set(await p.locator('table.cs-table a[href^="/can-bo/ho-so/"]').allInnerTexts())].map((s) => s.trim()).sort();

async function problemsOn(p: Page, label: string, phone: boolean): Promise<string[]> {
  const out = await checkAccessibility(p, label);
  if (phone) {
    const wide = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (wide > 1) out.push(`[${label}] scrolls sideways by ${wide}px`);
  }
  return out;
}

describeWithTool('chromium', "the leaders' dashboard in a browser", () => {
  it("a leader drills from the unit's late count to those dossiers and downloads the table as XLSX", async () => {
    const ctx = await browser.newContext({ ...VIEWPORTS.desktop, baseURL: t.base, bypassCSP: true, acceptDownloads: true });
    ctx.setDefaultTimeout(20_000);
    const p = await ctx.newPage();
    await signInOfficial(p, 'lanhdao');
    // The overview's score card leads to the dashboard.
    await expect(p.locator('#overview-score').innerText()).resolves.toContain('/ 100');
    await Promise.all([p.waitForURL((u) => u.pathname === '/can-bo/chi-so'), p.locator('#overview-score a').click()]);
    await expect(p.locator('h1').innerText()).resolves.toBe('Chỉ số phục vụ người dân, doanh nghiệp');

    // The period from the first filing to today.
    await p.selectOption('#period', 'custom');
    await p.fill('#from', from);
    await p.fill('#to', today);
    await Promise.all([p.waitForURL(/period=custom/), p.getByRole('button', { name: 'Xem chỉ số' }).click()]);
    expect(await problemsOn(p, 'dashboard (vi, desktop)', false)).toEqual([]);

    // The unit's late count: 2, a link to the queue.
    const row = p.locator('#unit-table tr', { has: p.locator('th', { hasText: UNIT_NAME }) });
    const late = row.getByRole('link', { name: new RegExp(`^2 hồ sơ: Quá hạn, ${UNIT_NAME}`) });
    await expect(late.innerText()).resolves.toBe('2');
    await Promise.all([p.waitForURL((u) => u.pathname === '/can-bo/ho-so'), late.click()]);
    const url = new URL(p.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({
      queue: 'all',
      unit: '000.05.01.G12',
      outcome: 'late',
      finishedFrom: from,
      finishedTo: today,
    });
    expect(await listed(p)).toEqual([codes.B, codes.F].sort());
    await expect(p.locator('p.govuk-body', { hasText: /^\d+ hồ sơ$/ }).innerText()).resolves.toBe('2 hồ sơ');
    await expect(p.locator('#queue-filters').innerText()).resolves.toContain('Đã trả kết quả quá hạn');
    expect(await problemsOn(p, 'queue filtered (vi, desktop)', false)).toEqual([]);

    // Back on the dashboard: the unit table as a workbook.
    await p.goBack();
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p
        .locator('#units-title')
        .locator('xpath=..')
        .getByRole('link', { name: /^Tải XLSX/ })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe(`chi-so-units-${from}-${today}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const vn = (d: string) => d.split('-').reverse().join('/');
    expect(ws.getRow(1).getCell(1).value).toBe(`Số liệu theo đơn vị tiếp nhận — Tất cả đơn vị — từ ${vn(from)} đến ${vn(today)}`);
    // Received 5 (online 5), carried over 0, processed 3 (on time 1, late 2), in progress 2 (overdue 1), online 100%.
    expect(ws.getRow(3).values).toEqual([undefined, UNIT_NAME, 5, 5, 0, 3, 1, 2, 2, 1, 100]);
    await ctx.close();
  });

  it('the dashboard and the filtered queue are accessible in both languages, on a phone too', async () => {
    const problems: string[] = [];
    for (const kind of ['desktop', 'phone'] as const) {
      const ctx = await browser.newContext({ ...VIEWPORTS[kind], baseURL: t.base, bypassCSP: true });
      ctx.setDefaultTimeout(20_000);
      const p = await ctx.newPage();
      await signInOfficial(p, 'lanhdao');
      for (const lang of ['vi', 'en'] as const) {
        const q = `period=custom&from=${from}&to=${today}&lang=${lang}`;
        expect((await p.goto(`/can-bo/chi-so?${q}`))?.status()).toBe(200);
        problems.push(...(await problemsOn(p, `dashboard (${lang}, ${kind})`, kind === 'phone')));
        await p.goto(`/can-bo/ho-so?queue=all&unit=000.05.01.G12&outcome=late&finishedFrom=${from}&finishedTo=${today}&lang=${lang}`);
        problems.push(...(await problemsOn(p, `queue (${lang}, ${kind})`, kind === 'phone')));
      }
      await ctx.close();
    }
    expect(problems).toEqual([]);
  });
});
