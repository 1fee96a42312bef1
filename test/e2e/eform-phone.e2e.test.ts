import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers.ts';
import { importTableProcedure, importTestProcedures, TABLE_PROCEDURE } from '../dossier-fixtures.ts';
import { checkAccessibility, launchBrowser } from './browser.ts';
import { SESSION_COOKIE } from '../../src/platform/auth/sessions.ts';
import { loadDraft } from '../../src/modules/dossiers/drafts.ts';
import type { Principal } from '../../src/platform/auth/roles.ts';

/**
 * The filing form with an e-form table on a 360 × 740 phone: nothing wider than the screen,
 * and "Thêm dòng" / "Xóa dòng" working in place with JavaScript, the rows numbered again so
 * the server reads what the person sees.
 */
const citizen: Principal = {
  kind: 'citizen',
  id: '00000000-0000-4000-8000-00000000e360',
  name: 'Phạm Thị Thu',
  identifier: '001190003600',
  citizenKind: 'citizen',
};
let t: TestApp;
let browser: Browser;
let page: Page;

/** How far the page is wider than the screen, in CSS pixels (0: no horizontal scrolling). */
const overflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const rows = (p: Page) => p.locator('[data-eform-table="hangHoa"] [data-eform-rows] > [data-eform-row]');

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  await importTestProcedures(t);
  await importTableProcedure(t);
  const session = await t.ctx.sessions.create(citizen);
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, baseURL: t.base, bypassCSP: true });
  ctx.setDefaultTimeout(20_000);
  await ctx.addCookies([{ name: SESSION_COOKIE, value: session.id, url: t.base }]);
  page = await ctx.newPage();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('an e-form table on a 360 px phone', () => {
  it('the filing page fits the screen and is accessible', async () => {
    await page.goto(`/nop-ho-so/${TABLE_PROCEDURE.code}`);
    await page.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'));
    expect(await rows(page).count()).toBe(1);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    // Every input of the table is inside the screen too, not only the page's box.
    const widest = await page.evaluate(() =>
      Math.max(...[...document.querySelectorAll('[data-eform-table] input, [data-eform-table] select')].map((e) => e.getBoundingClientRect().right)),
    );
    expect(widest).toBeLessThanOrEqual(360);
    expect(await checkAccessibility(page, 'filing page with a table (360 px)')).toEqual([]);
  }, 300_000);

  it('"Thêm dòng" adds a row in place, "Xóa dòng" removes one, and the rows are numbered again', async () => {
    const url = page.url();
    await page.fill('#f-hangHoa-0-moTa', 'Cà phê nhân');
    await page.getByRole('button', { name: /^Thêm dòng/ }).click();
    expect(page.url()).toBe(url); // no round trip: JavaScript did it
    expect(await rows(page).count()).toBe(2);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-hangHoa-1-moTa');
    expect(await rows(page).nth(1).locator('legend').innerText()).toBe('Dòng 2');
    await page.fill('#f-hangHoa-1-moTa', 'Hạt tiêu đen');
    await page.fill('#f-hangHoa-1-maHS', '09041120');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await checkAccessibility(page, 'filing page, two rows (360 px)')).toEqual([]);

    // Remove the first row: the second becomes row 1, its inputs renamed f.hangHoa.0.*.
    await rows(page).nth(0).getByRole('button', { name: 'Xóa dòng 1' }).click();
    expect(await rows(page).count()).toBe(1);
    expect(await page.inputValue('#f-hangHoa-0-moTa')).toBe('Hạt tiêu đen');
    expect(await page.getAttribute('#f-hangHoa-0-maHS', 'name')).toBe('f.hangHoa.0.maHS');
    expect(await page.locator('label[for="f-hangHoa-0-maHS"]').count()).toBe(1);
    expect(await rows(page).nth(0).locator('legend').innerText()).toBe('Dòng 1');
    // One row is the table's minimum: it cannot be removed.
    expect(await rows(page).nth(0).locator('[data-eform-remove]').isVisible()).toBe(false);

    // The server reads the renumbered rows as they are shown.
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: 'Lưu nháp' }).click()]);
    expect((await loadDraft(t.ctx, citizen.id, TABLE_PROCEDURE.code))?.form.hangHoa).toEqual([{ moTa: 'Hạt tiêu đen', maHS: '09041120' }]);
  }, 300_000);
});
