import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';

/** The public catalogue on a phone: search from the home page, live search, filter, detail, language. */

const NAME = 'Cấp Giấy phép bán lẻ rượu';
const FIELD = 'Lưu thông hàng hóa trong nước';

let t: TestApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

beforeEach(async () => {
  ctx = await browser.newContext({ baseURL: t.base, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
  ctx.setDefaultTimeout(15_000);
  page = await ctx.newPage();
});

afterEach(async () => {
  await ctx?.close();
});

/** The number in the results' status line ("Tìm thấy N thủ tục"), or 0 when nothing matched. */
async function resultCount(p: Page): Promise<number> {
  const text = await p.locator('#results [role=status]').innerText();
  return Number(/Tìm thấy (\d+) thủ tục/.exec(text)?.[1] ?? 0);
}
const resultNames = (p: Page) => p.locator('#results .cs-card h3 a').allInnerTexts();
const htmxResponse = (p: Page) =>
  p.waitForResponse((r) => new URL(r.url()).pathname === '/thu-tuc' && r.request().headers()['hx-request'] === 'true' && r.status() === 200);

it('search from the home page, live search and field filter on /thu-tuc, then a procedure', async () => {
  // Home page search, without diacritics.
  await page.goto('/');
  await page.locator('#q').tap();
  await page.locator('#q').fill('ban le ruou');
  await Promise.all([page.waitForURL((u) => u.pathname === '/thu-tuc'), page.locator('form[role=search]').getByRole('button', { name: 'Tìm kiếm' }).tap()]);
  expect(new URL(page.url()).searchParams.get('q')).toBe('ban le ruou');
  expect(await resultNames(page)).toContain(NAME);

  // Live search: results are swapped in place by htmx and the address follows with pushState.
  await page.goto('/thu-tuc');
  const all = await resultCount(page);
  expect(all).toBeGreaterThan(4);
  await page.evaluate(() => ((window as unknown as { __noReload: string }).__noReload = 'still here'));
  const swapped = htmxResponse(page);
  await page.locator('#q').pressSequentially('GIẤY PHÉP BÁN LẺ RƯỢU', { delay: 20 });
  await swapped;
  await page.waitForURL((u) => u.pathname === '/thu-tuc' && u.searchParams.get('q') === 'GIẤY PHÉP BÁN LẺ RƯỢU');
  await page.waitForFunction((n) => [...document.querySelectorAll('#results .cs-card h3 a')].some((a) => a.textContent === n), NAME);
  const found = await resultCount(page);
  expect(found).toBeGreaterThan(0);
  expect(found).toBeLessThan(all);
  expect(await page.evaluate(() => (window as unknown as { __noReload?: string }).__noReload), 'no full page load happened').toBe('still here');

  // Field filter: clear the words, then pick a field; the list narrows to that field's count.
  await Promise.all([htmxResponse(page), page.locator('#q').fill('')]);
  await page.waitForFunction((n) => (document.querySelector('#results [role=status]')?.textContent ?? '').includes(`Tìm thấy ${n} thủ tục`), all);
  const label = (await page.locator('#field option', { hasText: FIELD }).innerText()).trim();
  const inField = Number(/\((\d+)\)$/.exec(label)![1]);
  expect(inField).toBeLessThan(all);
  await Promise.all([htmxResponse(page), page.selectOption('#field', FIELD)]);
  await page.waitForURL((u) => u.searchParams.get('field') === FIELD);
  await page.waitForFunction((n) => (document.querySelector('#results [role=status]')?.textContent ?? '').includes(`Tìm thấy ${n} thủ tục`), inField);
  const metas = await page.locator('#results .cs-card .cs-meta').allInnerTexts();
  expect(metas).toHaveLength(inField);
  for (const m of metas) expect(m).toContain(FIELD);
  expect(await page.evaluate(() => (window as unknown as { __noReload?: string }).__noReload)).toBe('still here');

  // Open a result: the detail page, with its components table and the apply button.
  await Promise.all([page.waitForURL((u) => /^\/thu-tuc\/[^/]+$/.test(u.pathname)), page.locator('#results .cs-card h3 a', { hasText: NAME }).tap()]);
  await expect(page.locator('h1').innerText()).resolves.toBe(NAME);
  const code = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
  await expect(page.getByRole('heading', { name: 'Thành phần hồ sơ' }).isVisible()).resolves.toBe(true);
  const components = page.locator('table', { has: page.locator('th', { hasText: 'Tên giấy tờ' }) }).first();
  await expect(components.isVisible()).resolves.toBe(true);
  expect(await components.locator('tbody tr').count()).toBeGreaterThan(0);
  const apply = page.getByRole('button', { name: 'Nộp hồ sơ trực tuyến' });
  await expect(apply.isVisible()).resolves.toBe(true);
  await expect(apply.getAttribute('href')).resolves.toBe(`/thu-tuc/${encodeURIComponent(code)}/nop-ho-so`);
});

it('switches the catalogue to English', async () => {
  await page.goto('/thu-tuc');
  await expect(page.locator('h1').innerText()).resolves.toBe('Thủ tục hành chính');
  await Promise.all([page.waitForURL((u) => u.searchParams.get('lang') === 'en'), page.getByRole('link', { name: 'English' }).tap()]);
  expect(new URL(page.url()).pathname).toBe('/thu-tuc');
  await expect(page.locator('h1').innerText()).resolves.toBe('Administrative procedures');
  await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
  // The choice sticks: the next page is in English without the parameter.
  await page.goto('/');
  await expect(page.locator('h1').innerText()).resolves.toBe('Online public services');
});
