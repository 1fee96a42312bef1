import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers.ts';
import { checkAccessibility, DEMO_CITIZENS, launchBrowser, signInOfficial, submitVneid, VIEWPORTS } from './browser.ts';

/**
 * Issue 16 in Chromium: an e-form whose tax code field is marked for the business registry
 * (demo procedure 2.000150) fills itself from the registry (its simulator, served by the app as
 * the data-sharing platform). With JavaScript, "Tra cứu" fills the business's name, head office,
 * representative and registration date in place, and says plainly when a business has ceased;
 * without it, the button posts the form and it comes back filled. A business signed in with
 * VNeID finds its own details already there. Every page is checked with axe-core.
 */
const P = '2.000150';
const CITIZEN = DEMO_CITIZENS[0];
const BUSINESS = DEMO_CITIZENS.find((c) => c.identifier === '0101234565')!;

let t: TestApp;
let browser: Browser;
let signedIn: BrowserContext;
let page: Page;

const field = (p: Page, key: string) => p.inputValue(`#f-${key}`);
const status = (p: Page) => p.locator('#f-maSoThue-lookup').innerText();

async function signIn(citizen: (typeof DEMO_CITIZENS)[number]): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ ...VIEWPORTS.desktop, baseURL: t.base, bypassCSP: true });
  ctx.setDefaultTimeout(20_000);
  const p = await ctx.newPage();
  await p.goto(`/nop-ho-so/${P}`);
  await submitVneid(p, citizen);
  expect(new URL(p.url()).pathname).toBe(`/nop-ho-so/${P}`);
  return { ctx, page: p };
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  ({ ctx: signedIn, page } = await signIn(CITIZEN));
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('an e-form filled from the business registry', () => {
  it('"Tra cứu" fills name, head office, representative and registration date in place', async () => {
    await page.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'));
    expect(await checkAccessibility(page, 'filing form with a tax code lookup')).toEqual([]);
    const url = page.url();
    await page.fill('#f-maSoThue', '0101234565');
    await page.getByRole('button', { name: /^Tra cứu/ }).click();
    await expect.poll(() => field(page, 'tenDoanhNghiep')).toBe('Công ty TNHH Thương mại Sao Việt');
    expect(page.url()).toBe(url); // no round trip: the script filled the form
    expect(await field(page, 'diaChi')).toBe('Tầng 5, số 25 Láng Hạ, phường Đống Đa, Hà Nội');
    expect(await field(page, 'nguoiDaiDien')).toBe('Lê Thị Thu');
    expect(await field(page, 'ngayDangKy')).toBe('2015-03-12');
    expect(await status(page)).toContain('Đang hoạt động');
    expect(await checkAccessibility(page, 'filing form, filled from the registry')).toEqual([]);

    // What was filled is the applicant's form: saved with the draft, there when the form opens again.
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: 'Lưu nháp' }).click()]);
    expect(await field(page, 'tenDoanhNghiep')).toBe('Công ty TNHH Thương mại Sao Việt');
    expect(await field(page, 'ngayDangKy')).toBe('2015-03-12');
  }, 300_000);

  it('says plainly that a business has ceased, and that a code is unknown or wrong', async () => {
    await page.fill('#f-maSoThue', '0309876547');
    await page.getByRole('button', { name: /^Tra cứu/ }).click();
    await expect.poll(() => status(page)).toContain('đã chấm dứt hoạt động');
    expect(await field(page, 'tenDoanhNghiep')).toBe('Công ty TNHH Vận tải Bến Nghé');
    expect(await checkAccessibility(page, 'filing form, a ceased business')).toEqual([]);

    await page.fill('#f-maSoThue', '0100109106');
    await page.getByRole('button', { name: /^Tra cứu/ }).click();
    await expect.poll(() => status(page)).toContain('Không có doanh nghiệp nào mang mã số thuế 0100109106');
    await page.fill('#f-maSoThue', '0101234567');
    await page.getByRole('button', { name: /^Tra cứu/ }).click();
    await expect.poll(() => status(page)).toContain('chữ số kiểm tra không khớp');
    expect(await checkAccessibility(page, 'filing form, a wrong tax code')).toEqual([]);
  }, 300_000);

  it('works without JavaScript: the button posts the form, which comes back filled', async () => {
    const ctx = await browser.newContext({ ...VIEWPORTS.desktop, baseURL: t.base, bypassCSP: true, javaScriptEnabled: false });
    ctx.setDefaultTimeout(20_000);
    await ctx.addCookies(await signedIn.cookies());
    const p = await ctx.newPage();
    await p.goto(`/nop-ho-so/${P}`);
    await p.fill('#f-maSoThue', '0312456782');
    await p.fill('#f-cauCang', 'Cầu cảng số 3');
    await Promise.all([
      p.waitForLoadState('load'),
      p.waitForResponse((r) => r.request().method() === 'POST'),
      p.getByRole('button', { name: /^Tra cứu/ }).click(),
    ]);
    expect(await field(p, 'tenDoanhNghiep')).toBe('Công ty TNHH Xuất nhập khẩu Phương Nam');
    expect(await field(p, 'nguoiDaiDien')).toBe('Lê Thị Mỹ Dung');
    expect(await field(p, 'ngayDangKy')).toBe('2013-07-21');
    expect(await field(p, 'cauCang')).toBe('Cầu cảng số 3'); // what was typed is kept
    expect(await status(p)).toContain('Xuất nhập khẩu Phương Nam');
    await ctx.close();

    // The page the server sends back, checked by axe (which needs JavaScript): the same post, the script's handler taken off the button.
    await page.goto(`/nop-ho-so/${P}`);
    await page.fill('#f-maSoThue', '4500654329');
    await page.evaluate(() => document.querySelector('[data-registry-lookup]')?.removeAttribute('data-registry-lookup'));
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: /^Tra cứu/ }).click()]);
    await page.waitForLoadState('load');
    expect(await field(page, 'tenDoanhNghiep')).toBe('Công ty Cổ phần Nông sản Phan Rang');
    expect(await status(page)).toContain('tạm ngừng kinh doanh');
    expect(await checkAccessibility(page, 'filing form filled by the server (a suspended business)')).toEqual([]);
  }, 300_000);

  it('a business signed in with VNeID finds its own details filled in', async () => {
    const { ctx, page: p } = await signIn(BUSINESS);
    expect(await field(p, 'maSoThue')).toBe('0101234565');
    expect(await field(p, 'tenDoanhNghiep')).toBe('Công ty TNHH Thương mại Sao Việt');
    expect(await field(p, 'nguoiDaiDien')).toBe('Lê Thị Thu');
    expect(await status(p)).toContain('Thông tin doanh nghiệp của bạn đã được điền sẵn');
    expect(await checkAccessibility(p, 'filing form of a business, pre-filled')).toEqual([]);
    await ctx.close();
  }, 300_000);

  it('the one-stop desk fills the counter filing form from the registry too', async () => {
    const ctx = await browser.newContext({ ...VIEWPORTS.desktop, baseURL: t.base, bypassCSP: true });
    ctx.setDefaultTimeout(20_000);
    const p = await ctx.newPage();
    await signInOfficial(p, 'tiepnhan.xnk');
    await p.goto(`/can-bo/tiep-nhan/${P}?lang=en`);
    await p.fill('#f-maSoThue', '0101234565-001');
    await p.getByRole('button', { name: /^Look up/ }).click();
    await expect.poll(() => field(p, 'tenDoanhNghiep')).toBe('Chi nhánh Công ty TNHH Thương mại Sao Việt tại Đà Nẵng');
    expect(await field(p, 'maSoThue')).toBe('0101234565001'); // as the e-form keeps a branch's code
    expect(await status(p)).toContain('Filled in from the national business registry');
    expect(await checkAccessibility(p, 'counter filing form, filled from the registry (English)')).toEqual([]);
    await ctx.close();
  }, 300_000);
});
