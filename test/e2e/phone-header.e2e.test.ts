import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers.ts';
import { checkAccessibility, launchBrowser, signInOfficial } from './browser.ts';

/**
 * The header on a phone (issue 11): at 360 × 740 the navigation folds behind a Menu button
 * (GOV.UK Frontend's service navigation: aria-expanded, aria-controls), so the header with the
 * navigation bar is at most ~100 px tall (it was 245 px); the language switch and the account
 * links stay in view; without JavaScript the navigation stays open; the desktop is unchanged.
 */
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const MAX_HEADER_PX = 100;

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The bottom edge of the header and navigation bar, in CSS pixels from the top of the page. */
const headerBottom = (page: Page) =>
  page.evaluate(() => Math.max(...['header', '.cs-nav'].map((s) => document.querySelector(s)?.getBoundingClientRect().bottom ?? 0)));

async function open(options: object, url: string, as?: string) {
  const ctx = await browser.newContext({ ...options, baseURL: t.base, bypassCSP: true });
  ctx.setDefaultTimeout(20_000);
  const page = await ctx.newPage();
  if (as) await signInOfficial(page, as);
  await page.goto(url);
  await page.waitForLoadState('load');
  return { ctx, page };
}

describe('the header on a 360 px phone', { timeout: 180_000 }, () => {
  for (const [label, url, as, account, navLink] of [
    ['portal, Vietnamese', '/', undefined, 'Đăng nhập', 'Tra cứu hồ sơ'],
    ['portal, English', '/?lang=en', undefined, 'Sign in', 'Track a dossier'],
    ['back office with many links', '/can-bo', 'kiemtra', 'Đăng xuất', 'Nhật ký hệ thống'],
  ] as const) {
    it(`${label}: folds the navigation behind a Menu button that opens it`, async () => {
      const { ctx, page } = await open(PHONE, url, as);
      const menu = page.getByRole('button', { name: 'Menu' });
      await menu.waitFor({ state: 'visible' });
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      const list = page.locator(`#${await menu.getAttribute('aria-controls')}`);
      expect(await list.count()).toBe(1);
      const link = page.getByRole('navigation').getByRole('link', { name: navLink });
      expect(await link.isVisible()).toBe(false);
      expect(await headerBottom(page), 'header height on a phone').toBeLessThanOrEqual(MAX_HEADER_PX);
      // The language switch and the account link stay in view, outside the menu.
      expect(
        await page
          .getByRole('banner')
          .getByRole('link', { name: url.includes('lang=en') ? 'Tiếng Việt' : 'English' })
          .isVisible(),
      ).toBe(true);
      expect(
        await page
          .getByRole('banner')
          .getByRole(as ? 'button' : 'link', { name: account })
          .isVisible(),
      ).toBe(true);
      expect(await checkAccessibility(page, `${label} closed`)).toEqual([]);

      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      expect(await link.isVisible()).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling').toBe(true);
      expect(await checkAccessibility(page, `${label} open`)).toEqual([]);
      // A link in the opened menu leads on; the next page starts with the menu folded again.
      await Promise.all([page.waitForNavigation(), link.click()]);
      expect(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('false');

      // From the keyboard, as well.
      await page.getByRole('button', { name: 'Menu' }).focus();
      await page.keyboard.press('Enter');
      expect(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.press('Enter');
      expect(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('false');
      expect(await headerBottom(page)).toBeLessThanOrEqual(MAX_HEADER_PX);
      await ctx.close();
    });
  }

  it('without JavaScript the navigation stays open and no Menu button shows', async () => {
    const { ctx, page } = await open({ ...PHONE, javaScriptEnabled: false }, '/');
    expect(await page.locator('.cs-header__menu').isVisible()).toBe(false);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Tra cứu hồ sơ' }).isVisible()).toBe(true);
    await ctx.close();
  });

  it('leaves the desktop as it was: no Menu button, the navigation in one bar', async () => {
    const { ctx, page } = await open(DESKTOP, '/');
    await page.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'));
    expect(await page.locator('.cs-header__menu').isVisible()).toBe(false);
    const links = page.getByRole('navigation').getByRole('link');
    expect(await links.count()).toBe(5);
    const tops = await links.evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().top)));
    expect(new Set(tops).size, 'the links share one row').toBe(1);
    expect(await checkAccessibility(page, 'desktop')).toEqual([]);
    await ctx.close();
  });
});
