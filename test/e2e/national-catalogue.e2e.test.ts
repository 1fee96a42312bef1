import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_TOTP, startTestApp, type TestApp } from '../helpers.ts';
import { totpCode } from '../../src/platform/auth/totp.ts';
import { checkAccessibility, launchBrowser, openPage, signInOfficial } from './browser.ts';

/**
 * An administrator pulls the catalogue from the National Public Service Portal (its simulator):
 * from the catalogue page to the pull, the differences in a table, in Vietnamese and English, on a
 * desktop and a phone, then applies them. axe on every page shown.
 */

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('pull from the portal, read the differences, apply them', { timeout: 180_000 }, async () => {
  const page = await openPage(browser, t.base);
  await signInOfficial(page, 'admin', totpCode(DEMO_TOTP.admin));
  const problems: string[] = [];

  await page.goto('/can-bo/thu-tuc');
  await page.getByRole('link', { name: /Lấy từ Cổng DVCQG/ }).click();
  expect(new URL(page.url()).pathname).toBe('/can-bo/thu-tuc/lay-tu-dvcqg');
  problems.push(...(await checkAccessibility(page, 'pull page')));

  await page.getByRole('button', { name: 'Lấy từ Cổng DVCQG' }).click();
  await page.locator('#diff').waitFor();
  expect(await page.locator('#counts').innerText()).toContain('3 thủ tục thay đổi');
  const row = page.locator('#diff tr', { hasText: 'Thời hạn giải quyết (trực tuyến)' });
  expect(await row.innerText()).toMatch(/10 ngày làm việc\s+8 ngày làm việc/);
  problems.push(...(await checkAccessibility(page, 'differences')));

  // The same in English, and on a phone (the table scrolls in its own region, not the page).
  const phone = await openPage(browser, t.base, 'phone');
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto('/can-bo/thu-tuc/lay-tu-dvcqg?lang=en');
  await phone.getByRole('button', { name: 'Pull from the portal' }).click();
  await phone.locator('#diff').waitFor();
  expect(await phone.locator('#diff').innerText()).toContain('Time limit (online)');
  const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1] + 1);
  problems.push(...(await checkAccessibility(phone, 'differences, English, phone')));
  await phone.context().close();

  await page.getByRole('button', { name: /^Áp dụng 4 thay đổi/ }).click();
  await page.locator('.govuk-notification-banner--success').waitFor();
  expect(await page.locator('.govuk-notification-banner--success').innerText()).toContain('1 thủ tục mới, 3 phiên bản mới');
  problems.push(...(await checkAccessibility(page, 'applied')));
  expect(problems).toEqual([]);
  await page.context().close();
});
