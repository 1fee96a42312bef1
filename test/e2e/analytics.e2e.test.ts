import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, login, nextOtp, startTestApp, until, type TestApp } from '../helpers.ts';
import { describeWithTool } from '../tools.ts';
import { checkAccessibility, launchBrowser, signInOfficial, submitVneid, VIEWPORTS } from './browser.ts';

/**
 * Usage analytics in Chromium. An applicant on a phone opens a procedure page and its filing
 * form: our own script reports the form's sections as they are shown, and nothing but the app's
 * CSRF cookie is stored in the browser. An administrator then opens the usage page on a desktop
 * and a phone, in Vietnamese and English: axe finds nothing serious, the charts (server-drawn
 * images) load, nothing scrolls sideways on the phone, and a table's XLSX downloads and reads
 * back with its figures. The applicant signs in with VNeID (the beacon rides on the session with
 * the page's CSRF token, as in real use); the administrator with the back-office form for the
 * download, by bearer token elsewhere (the pages accept it).
 */
const CODE = '1.004503';
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let t: TestApp;
let browser: Browser;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t, 'admin');
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface Usage {
  totals: { views: number; mobile: number };
  eformSteps: { code: string; steps: { step: string; reached: number }[] }[];
}
const usage = async () => (await api<Usage>(t, 'GET', '/api/v1/analytics', { token: admin })).body;
const reached = (u: Usage, step: string) => u.eformSteps.find((s) => s.code === CODE)?.steps.find((s) => s.step === step)?.reached ?? 0;

describeWithTool('chromium', 'usage analytics in a browser', () => {
  it('an applicant’s phone: pages counted, the form’s sections reported by our beacon, no cookie of its own', async () => {
    const ctx = await browser.newContext({ ...VIEWPORTS.phone, userAgent: PHONE_UA, baseURL: t.base });
    ctx.setDefaultTimeout(20_000);
    const page = await ctx.newPage();
    await page.goto('/dang-nhap');
    await submitVneid(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    expect((await page.goto(`/thu-tuc/${CODE}`))?.status()).toBe(200);
    expect((await page.goto(`/nop-ho-so/${CODE}`))?.status()).toBe(200);
    // Scrolling the form down shows each section in turn.
    for (let y = 0; y < 20; y++) {
      await page.mouse.wheel(0, 600);
      await page.waitForTimeout(50);
    }
    const u = await until('the sections reported', async () => {
      const x = await usage();
      return reached(x, 'contact') >= 1 && reached(x, 'delivery') >= 1 ? x : undefined;
    });
    expect(reached(u, 'form')).toBe(1);
    expect(u.totals.mobile).toBeGreaterThanOrEqual(2);
    // First-party only: every request went to the app itself.
    const origin = new URL(t.base).origin;
    expect(requests.filter((r) => new URL(r).origin !== origin)).toEqual([]);
    expect(requests.some((r) => r.endsWith('/phan-tich/theo-doi.js'))).toBe(true);
    // The app's own cookies only (session, CSRF; the SSO simulator's under /sso); nothing kept in local storage.
    const cookies = (await ctx.cookies(t.base)).map((c) => c.name);
    expect(cookies.filter((n) => !['congso_sid', 'congso_csrf'].includes(n))).toEqual([]);
    // (GOV.UK Frontend's accordions keep which sections are open in sessionStorage, for the tab's life: not ours.)
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await ctx.close();
  });

  it('the administrators’ page: accessible on a desktop and a phone, in both languages, charts loaded, a table exported and read back', async () => {
    const problems: string[] = [];
    for (const kind of ['desktop', 'phone'] as const) {
      for (const lang of ['vi', 'en'] as const) {
        // Signed in through the form once (the download rides on the session), by bearer token for the others.
        const signIn = kind === 'desktop' && lang === 'vi';
        const ctx = await browser.newContext({
          ...VIEWPORTS[kind],
          userAgent: DESKTOP_UA,
          baseURL: t.base,
          bypassCSP: true,
          acceptDownloads: true,
          ...(signIn ? {} : { extraHTTPHeaders: { authorization: `Bearer ${admin}` } }),
        });
        ctx.setDefaultTimeout(20_000);
        const page: Page = await ctx.newPage();
        if (signIn) await signInOfficial(page, 'admin', await nextOtp(t, 'admin'));
        expect((await page.goto(`/can-bo/thong-ke-truy-cap?lang=${lang}`))?.status()).toBe(200);
        await page.locator('details').evaluateAll((els) => {
          for (const el of els) el.setAttribute('open', '');
        });
        for (const id of ['chart-days', 'chart-devices', 'chart-services']) {
          const img = page.locator(`#${id}`);
          await img.scrollIntoViewIfNeeded();
          await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
        }
        problems.push(...(await checkAccessibility(page, `usage (${lang}, ${kind})`)));
        if (kind === 'phone') {
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (wide > 1) problems.push(`[usage (${lang}, phone)] scrolls sideways by ${wide}px`);
        }
        if (signIn) {
          await expect.poll(() => page.locator('#usage-services').innerText()).toContain(CODE);
          const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải thủ tục được xem (XLSX)' }).click()]);
          expect(download.suggestedFilename()).toMatch(/^thong-ke-truy-cap-services-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/);
          const wb = new ExcelJS.Workbook();
          await wb.xlsx.readFile((await download.path())!);
          const ws = wb.worksheets[0];
          expect(String(ws.getRow(1).getCell(1).value)).toContain('Thủ tục được xem nhiều nhất');
          const row = [3, 4, 5].map((i) => ws.getRow(i)).find((r) => r.getCell(1).value === CODE);
          expect(row?.getCell(3).value).toBeGreaterThanOrEqual(1);
        }
        await ctx.close();
      }
    }
    expect(problems).toEqual([]);
  });
});
