import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers.ts';
import { importTestProcedures } from '../dossier-fixtures.ts';
import { fileAndReceiveMany } from '../../src/modules/open-data/testing/applicants.ts';
import { checkAccessibility, launchBrowser, openPage, VIEWPORTS } from './browser.ts';

/**
 * The public statistics and the open-data pages in Chromium, without an account: at desktop and
 * phone widths, in Vietnamese and English, no serious or critical axe-core violation, the charts
 * drawn and as wide as the screen at most, no horizontal scrolling on a phone; the filter form
 * works without script.
 */
let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  await importTestProcedures(t);
  // Six received: the figures and the shares are drawn, not hidden.
  await fileAndReceiveMany(t, 6);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe.each([
  ['desktop', 'vi'],
  ['phone', 'vi'],
  ['desktop', 'en'],
  ['phone', 'en'],
] as const)('%s, %s', { timeout: 180_000 }, (size, lang) => {
  it('the statistics and open-data pages are accessible and fit the screen', async () => {
    const page = await openPage(browser, t.base, size);
    const problems: string[] = [];
    for (const url of ['/thong-ke', '/du-lieu-mo']) {
      const r = await page.goto(lang === 'en' ? `${url}?lang=en` : url);
      expect(r?.status(), url).toBe(200);
      const facts = await page.evaluate(() => ({
        h1: document.querySelectorAll('h1').length,
        lang: document.documentElement.lang,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        charts: [...document.querySelectorAll('figure.cs-chart img')].map((i) => ({
          width: i.getBoundingClientRect().width,
          height: i.getBoundingClientRect().height,
          natural: (i as HTMLImageElement).naturalWidth,
        })),
      }));
      expect(facts.h1, url).toBe(1);
      expect(facts.lang, url).toBe(lang);
      if (size === 'phone') expect(facts.scrollWidth, `${url}: horizontal scroll`).toBeLessThanOrEqual(facts.innerWidth + 1);
      if (url === '/thong-ke') {
        expect(facts.charts).toHaveLength(2);
        for (const c of facts.charts) {
          // Drawn, as wide as the column at most; a phone gets the drawing made for its width, not the wide one shrunk.
          expect(c.natural).toBe(size === 'phone' ? 360 : 720);
          expect(c.width).toBeLessThanOrEqual(VIEWPORTS[size].viewport.width);
          expect(c.height).toBeGreaterThan(200);
        }
      }
      problems.push(...(await checkAccessibility(page, `${size}/${lang} ${url}`)));
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

it('the filter form asks again without script: one unit, a shorter period', async () => {
  const ctx = await browser.newContext({ ...VIEWPORTS.desktop, baseURL: t.base, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto('/thong-ke');
  const month = await page.locator('#to').inputValue();
  await page.selectOption('#from', month);
  await page.selectOption('#unit', '000.05.01.G12');
  await Promise.all([page.waitForURL(/unit=000\.05\.01\.G12/), page.click('form[action="/thong-ke"] button[type=submit]')]);
  expect(new URL(page.url()).searchParams.get('from')).toBe(month);
  await expect(page.locator('#statistics-units tbody tr').count()).resolves.toBe(1);
  await expect(page.locator('#statistics-totals').innerText()).resolves.toContain('6');
  await ctx.close();
});
