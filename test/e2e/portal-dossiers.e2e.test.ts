import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers.ts';
import { importTestProcedures, samplePdf, TEST_PROCEDURE } from '../dossier-fixtures.ts';
import { checkAccessibility, launchBrowser, VIEWPORTS } from './browser.ts';

/**
 * A citizen files a dossier in Chromium, from sign-in through the VNeID simulator to the
 * confirmation, finds it in "my dossiers", and anyone tracks it by its code. Every page on
 * the way is checked with axe-core, on a desktop and on a phone.
 */
const citizens = JSON.parse(readFileSync(new URL('../../demo/citizens.json', import.meta.url), 'utf8')) as {
  username: string;
  password: string;
  name: string;
}[];

let t: TestApp;
let browser: Browser;
let pdf: Buffer;
const P = TEST_PROCEDURE.code;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  await importTestProcedures(t);
  pdf = Buffer.from(await samplePdf());
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const path = (p: Page) => new URL(p.url()).pathname;

/** One <h1>, no sideways scrolling on a phone, no serious or critical axe violation. */
async function audit(page: Page, label: string, phone: boolean): Promise<string[]> {
  await page.waitForLoadState('load');
  const problems: string[] = [];
  const facts = await page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (facts.h1 !== 1) problems.push(`[${label}] ${facts.h1} <h1> elements`);
  if (phone && facts.scrollWidth > facts.innerWidth + 1) problems.push(`[${label}] horizontal scroll at ${facts.innerWidth}px: ${facts.scrollWidth}`);
  problems.push(...(await checkAccessibility(page, label)));
  return problems;
}

describe.each([
  ['desktop', 0],
  ['phone', 1],
] as const)('%s', (size, who) => {
  const phone = size === 'phone';
  const citizen = citizens[who];

  it('signs in, files a dossier with a PDF, finds it in my dossiers, and tracks it publicly', async () => {
    const ctx = await browser.newContext({ ...VIEWPORTS[size], baseURL: t.base, bypassCSP: true, locale: 'vi-VN' });
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();
    const problems: string[] = [];
    const check = async (label: string) => problems.push(...(await audit(page, `${size} ${label}`, phone)));

    // Filing needs a session: the form sends the visitor to sign in and back.
    await page.goto(`/nop-ho-so/${P}`);
    expect(path(page)).toBe('/dang-nhap');
    await Promise.all([page.waitForURL(/\/sso\/interaction\//), page.getByRole('button', { name: 'Đăng nhập bằng VNeID' }).click()]);
    await page.fill('#username', citizen.username);
    await page.fill('#password', citizen.password);
    await Promise.all([page.waitForURL((u) => u.pathname === `/nop-ho-so/${P}`), page.click('button.primary')]);
    await check('filing form');

    // Nothing filled in: the error summary links to the fields.
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Xem lại' }).click()]);
    await page.locator('.govuk-error-summary').waitFor();
    await expect(page.locator('.govuk-error-summary').innerText()).resolves.toContain('Đính kèm Đơn đề nghị');
    await check('filing form with errors');

    // Fill in, attach the PDF, save the draft.
    await page.getByLabel(/Tên doanh nghiệp/).fill('Công ty TNHH Thử Nghiệm');
    await page.getByLabel(/Mã số thuế/).fill('0101234567');
    await page.setInputFiles('#c-0', { name: 'don-de-nghi.pdf', mimeType: 'application/pdf', buffer: pdf });
    await Promise.all([page.waitForURL((u) => u.searchParams.get('saved') === '1'), page.getByRole('button', { name: 'Lưu nháp' }).click()]);
    await expect(page.locator('.govuk-notification-banner').innerText()).resolves.toContain('Đã lưu nháp');
    await expect(page.locator('#c-0-have').innerText()).resolves.toContain('don-de-nghi.pdf');
    await check('filing form, draft saved');

    // Review without uploading again, then file.
    await Promise.all([page.waitForURL((u) => u.pathname === `/nop-ho-so/${P}/xem-lai`), page.getByRole('button', { name: 'Xem lại' }).click()]);
    await expect(page.locator('main').innerText()).resolves.toContain('don-de-nghi.pdf');
    await check('review');
    await Promise.all([page.waitForURL((u) => u.pathname === `/nop-ho-so/${P}/da-nop`), page.getByRole('button', { name: 'Nộp hồ sơ' }).click()]);
    const code = (await page.locator('.govuk-panel__body strong').innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9.]+-\d{6}-\d{4}$/);
    await check('confirmation');

    // My dossiers: the list, then the dossier.
    await Promise.all([page.waitForURL((u) => u.pathname === '/ho-so-cua-toi'), page.locator('main').getByRole('link', { name: 'Hồ sơ của tôi' }).click()]);
    await expect(page.locator('table').innerText()).resolves.toContain(code);
    await check('my dossiers');
    await Promise.all([page.waitForURL((u) => u.pathname === `/ho-so-cua-toi/${code}`), page.getByRole('link', { name: code }).click()]);
    await expect(page.locator('h1').innerText()).resolves.toBe(`Hồ sơ ${code}`);
    await expect(page.locator('main').innerText()).resolves.toContain('Mới nộp, chờ tiếp nhận');
    await check('dossier detail');
    await ctx.close();

    // Anyone with the code, not signed in.
    const anon = await browser.newContext({ ...VIEWPORTS[size], baseURL: t.base, bypassCSP: true, locale: 'vi-VN' });
    const p2 = await anon.newPage();
    const found = await p2.goto(`/tra-cuu/${code}`);
    expect(found?.status()).toBe(200);
    await expect(p2.locator('main').innerText()).resolves.toContain(TEST_PROCEDURE.name);
    await expect(p2.locator('main').innerText()).resolves.not.toContain(citizen.name);
    problems.push(...(await audit(p2, `${size} public tracking`, phone)));
    const missing = await p2.goto('/tra-cuu/G12.99-250101-9999');
    expect(missing?.status()).toBe(404);
    await expect(p2.locator('.govuk-warning-text').innerText()).resolves.toContain('Không tìm thấy hồ sơ');
    problems.push(...(await audit(p2, `${size} public tracking, unknown code`, phone)));
    await anon.close();

    expect(problems).toEqual([]);
  });
});
