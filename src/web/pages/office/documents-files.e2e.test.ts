import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../../../test/helpers.ts';
import { describeWithTool } from '../../../../test/tools.ts';
import { checkAccessibility, launchBrowser, openPage, signInOfficial } from '../../../../test/e2e/browser.ts';
import { indexDocument } from '../../../modules/documents/search/index-document.ts';

/**
 * Document search and work files in Chromium, without JavaScript doing anything the forms need:
 * a specialist finds a document by a word of its scanned text typed without diacritics, opens a
 * work file (a mistake first, shown beside its field), adds a document found by search, removes
 * it again, sees the archive warning (the app's clock is set to 10 December 2027, so last year's
 * open files are due on the 31st), and closes the file. On a phone and on a desktop; axe on
 * every page.
 */
const TODAY = '2027-12-10';
const UNIT = '000.05.01.G12';

let t: TestApp;
let browser: Browser;
const problems: string[] = [];
const consoleErrors: string[] = [];

async function open(kind: 'desktop' | 'phone'): Promise<Page> {
  const page = await openPage(browser, t.base, kind);
  page.on('console', (m) => {
    // A refused form comes back as the page with its errors and a 4xx status, which the browser logs.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}
const audit = async (page: Page, label: string) => problems.push(...(await checkAccessibility(page, label)));
const submit = (page: Page, name: string | RegExp) => Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).first().click()]);

describeWithTool('chromium', 'document search and work files in the browser', () => {
  beforeAll(async () => {
    t = await startTestApp({ demo: true, env: { CLOCK_OFFSET_MS: String(Date.parse(`${TODAY}T03:00:00Z`) - Date.now()) } });
    await t.ctx.database.db.transaction().execute(async (tx) => {
      await indexDocument(tx, {
        kind: 'incoming',
        id: 'e2e-decision',
        unitId: UNIT,
        numberNotation: '05/QĐ-BCT',
        subject: 'Quyết định về việc kiểm tra hàng hóa xuất khẩu',
        organ: 'Bộ Công Thương',
        date: '2027-03-02',
        text: 'Lô hàng thép cuộn cán nóng được kiểm tra tại kho ngoại quan.',
      });
      await indexDocument(tx, {
        kind: 'outgoing',
        id: 'e2e-report',
        unitId: UNIT,
        numberNotation: '12/BC-XNK',
        subject: 'Báo cáo tình hình xuất khẩu gạo',
        organ: 'Cục Xuất nhập khẩu',
        date: '2027-04-01',
      });
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const kind of ['phone', 'desktop'] as const) {
    it(`searches documents and keeps a work file (${kind})`, async () => {
      const page = await open(kind);
      await signInOfficial(page, 'chuyenvien');

      // Search, from the office navigation.
      await page.goto('/can-bo');
      expect(await page.locator('a[href="/can-bo/van-ban/tim-kiem"]').count()).toBeGreaterThan(0);
      await page.goto('/can-bo/van-ban/tim-kiem');
      await audit(page, `${kind} search`);
      await page.fill('#q', 'thep cuon');
      await submit(page, 'Tìm');
      const hits = page.locator('.cs-hits li');
      expect(await hits.count()).toBe(1);
      expect(await hits.first().locator('h2').innerText()).toBe('Quyết định về việc kiểm tra hàng hóa xuất khẩu');
      expect(await hits.first().locator('mark').allInnerTexts()).toEqual(['thép', 'cuộn']);
      await audit(page, `${kind} search results`);

      // Open a file: the title left out first.
      await page.goto('/can-bo/ho-so-cong-viec');
      await audit(page, `${kind} files`);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Lập hồ sơ mới' }).click()]);
      const code = `${kind === 'phone' ? 'DT' : 'MT'}.01`;
      await page.fill('#code', code);
      await page.fill('#year', '2026');
      await submit(page, 'Lập hồ sơ');
      expect(await page.locator('.govuk-error-summary').innerText()).toContain('Nhập tiêu đề hồ sơ');
      expect(await page.locator('#title-error').count()).toBe(1);
      await audit(page, `${kind} new file with an error`);
      await page.fill('#title', `Hồ sơ kiểm tra xuất khẩu (${kind})`);
      await page.selectOption('#retention', 'permanent');
      await submit(page, 'Lập hồ sơ');
      expect(new URL(page.url()).pathname).toMatch(/^\/can-bo\/ho-so-cong-viec\/[0-9a-f-]{36}$/);
      expect(await page.locator('h1').innerText()).toBe(`${code} — Hồ sơ kiểm tra xuất khẩu (${kind})`);
      // A 2026 file still open is due for the archive on 31 December 2027: 21 days from the app's today.
      expect(await page.locator('#archive-warning').innerText()).toContain('sau 21 ngày');
      expect(await page.locator('#file-cover').innerText()).toContain('Vĩnh viễn');

      // Add a document found by search (no diacritics), then remove it.
      await page.fill('#q', 'bao cao gao');
      await submit(page, 'Tìm');
      await audit(page, `${kind} file with search hits`);
      await submit(page, 'Thêm vào hồ sơ');
      expect(await page.locator('#file-documents').innerText()).toContain('Báo cáo tình hình xuất khẩu gạo');
      expect(await page.locator('#file-documents').innerText()).toContain('12/BC-XNK');
      await submit(page, 'Bỏ khỏi hồ sơ');
      expect(await page.locator('#file-documents').count()).toBe(0);
      await page.fill('#q', '05/QD');
      await submit(page, 'Tìm');
      await submit(page, 'Thêm vào hồ sơ');
      expect(await page.locator('#file-documents').innerText()).toContain('05/QĐ-BCT');

      // The exports.
      const pdf = await page.request.get(
        await page
          .getByRole('link', { name: 'Mục lục hồ sơ (PDF)' })
          .getAttribute('href')
          .then((h) => h!),
      );
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      const xml = await page.request.get(
        await page
          .getByRole('link', { name: 'Dữ liệu hồ sơ (XML)' })
          .getAttribute('href')
          .then((h) => h!),
      );
      expect(await xml.text()).toContain('<numberNotation>05/QĐ-BCT</numberNotation>');

      // The list warns about it.
      await page.goto('/can-bo/ho-so-cong-viec');
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Sắp đến hạn nộp lưu');
      expect(await page.locator('#files').innerText()).toContain('Còn 21 ngày');

      // Closing: due a year from today, no more changes offered.
      await page.getByRole('link', { name: new RegExp(code.replace('.', '\\.')) }).click();
      await page.waitForURL(/\/can-bo\/ho-so-cong-viec\/[0-9a-f-]{36}$/);
      await submit(page, 'Kết thúc hồ sơ');
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Đã kết thúc hồ sơ');
      expect(await page.locator('#file-cover').innerText()).toContain('10/12/2028');
      expect(await page.getByRole('button', { name: 'Thêm vào hồ sơ' }).count()).toBe(0);
      await audit(page, `${kind} closed file`);

      // English.
      await page.goto(`${new URL(page.url()).pathname}?lang=en`);
      expect(await page.locator('h2').first().innerText()).toContain('Documents in the file');
      await page.context().close();
    });
  }

  it('has no serious accessibility problems and no console errors', () => {
    expect(problems).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
