import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, nextOtp, startTestApp, type TestApp } from '../helpers.ts';
import { vietnamDay } from '../../src/platform/i18n/index.ts';
import { checkAccessibility, launchBrowser, openPage, submitOfficialForm } from './browser.ts';

const CODE = '2.000753';
let t: TestApp;
let browser: Browser;
let page: Page;

async function signInAdmin(p: Page) {
  await p.goto('/can-bo/dang-nhap');
  await submitOfficialForm(p, 'admin', 'congso-demo', await nextOtp(t, 'admin'));
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  page = await openPage(browser, t.base);
  await signInAdmin(page);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const submit = (p: Page, name: string) => Promise.all([p.waitForNavigation(), p.getByRole('button', { name, exact: true }).click()]);

describe('editing a procedure in the back office', () => {
  it('changes a fee and a workflow step, previews the e-form, and saves a new version from today', async () => {
    await page.goto(`/can-bo/thu-tuc?q=${CODE}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: `Sửa thủ tục ${CODE}` }).click()]);
    expect(new URL(page.url()).pathname).toBe(`/can-bo/thu-tuc/${CODE}/sua`);
    expect(await page.inputValue('#methods-0-fees-0-value')).toBe('12800000');
    expect(await checkAccessibility(page, 'procedure edit')).toEqual([]);

    await page.fill('#methods-0-fees-0-value', '13.500.000');
    await page.fill('#workflow-2-name', 'Thẩm định hồ sơ và kiểm tra thực địa');
    await page.fill('#workflow-2-workingDays', '8');

    // Live preview (htmx): the label typed shows in the preview, nothing is saved.
    await page.fill('#eFormFields-0-label', 'Tên tổ chức đề nghị (đầy đủ)');
    await page.locator('#eform-preview label', { hasText: 'Tên tổ chức đề nghị (đầy đủ)' }).waitFor();

    // The same preview through the button (how it works without JavaScript): the form comes back as typed.
    await submit(page, 'Xem trước');
    expect(await page.locator('#eform-preview label', { hasText: 'Tên tổ chức đề nghị (đầy đủ)' }).count()).toBe(1);
    expect(await page.inputValue('#methods-0-fees-0-value')).toBe('13.500.000');
    expect(await page.inputValue('#workflow-2-workingDays')).toBe('8');

    // Rows are added and removed by posting the form back.
    await submit(page, 'Thêm bước');
    expect(await page.locator('#workflow-5-name').count()).toBe(1);
    await submit(page, 'Xóa bước 6');
    expect(await page.locator('#workflow-5-name').count()).toBe(0);

    // A date in the past: the error summary links to the field, and nothing is saved.
    await page.fill('#effectiveFrom', vietnamDay(new Date(Date.now() - 2 * 86_400_000)));
    await page.fill('#workflow-1-workingDays', '-1');
    await submit(page, 'Lưu phiên bản mới');
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.locator('a[href="#effectiveFrom"]').count()).toBe(1);
    expect(await summary.locator('a[href="#workflow-1-workingDays"]').count()).toBe(1);
    expect(await page.locator('#workflow-1-workingDays-error').textContent()).toContain('Không được âm');
    expect(await checkAccessibility(page, 'procedure edit with errors')).toEqual([]);
    expect((await api<{ version: number }>(t, 'GET', `/api/v1/procedures/${CODE}`)).body.version).toBe(1);

    await page.fill('#workflow-1-workingDays', '1');
    await page.fill('#effectiveFrom', vietnamDay(new Date()));
    await submit(page, 'Lưu phiên bản mới');
    expect(new URL(page.url()).pathname).toBe(`/can-bo/thu-tuc/${CODE}/phien-ban`);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Đã lưu phiên bản 2');
    const versions = page.locator('main li.cs-card');
    expect(await versions.count()).toBe(2);
    expect(await versions.nth(0).textContent()).toContain('Đang hiệu lực');
    expect(await versions.nth(1).textContent()).toContain('Hết hiệu lực');
    expect(await checkAccessibility(page, 'procedure versions')).toEqual([]);

    const now = await api<{
      version: number;
      methods: { fees: { value: number }[] }[];
      workflow: { name: string; workingDays: number }[];
      eForm: { properties: Record<string, { title: string }> };
    }>(t, 'GET', `/api/v1/procedures/${CODE}`);
    expect(now.body.version).toBe(2);
    expect(now.body.methods[0].fees[0].value).toBe(13_500_000);
    expect(now.body.workflow[2]).toMatchObject({ name: 'Thẩm định hồ sơ và kiểm tra thực địa', workingDays: 8 });
    expect(now.body.eForm.properties.tenToChuc.title).toBe('Tên tổ chức đề nghị (đầy đủ)');
    const before = await api<{ methods: { fees: { value: number }[] }[]; workflow: { workingDays: number }[] }>(
      t,
      'GET',
      `/api/v1/procedures/${CODE}?version=1`,
    );
    expect(before.body.methods[0].fees[0].value).toBe(12_800_000);
    expect(before.body.workflow[2].workingDays).toBe(10);
  });

  it('saving the form as it was opened makes no version: the editor keeps every value it shows', async () => {
    const codes = readdirSync(new URL('../../demo/procedures/', import.meta.url))
      .map((f) => f.replace(/\.json$/, ''))
      .filter((c) => c !== CODE);
    for (const code of codes) {
      await page.goto(`/can-bo/thu-tuc/${code}/sua`);
      await submit(page, 'Lưu phiên bản mới');
      expect(new URL(page.url()).search, code).toBe('?khong-doi=1');
    }
  });

  it('fits a phone in both languages: the edit form stacks without sideways scrolling', async () => {
    const phone = await openPage(browser, t.base, 'phone');
    await signInAdmin(phone);
    for (const lang of ['vi', 'en']) {
      await phone.goto(`/can-bo/thu-tuc/${CODE}/sua?lang=${lang}`);
      expect(await phone.locator('h1').textContent()).toContain(lang === 'en' ? 'Edit procedure' : 'Sửa thủ tục');
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      expect(await checkAccessibility(phone, `procedure edit on a phone (${lang})`)).toEqual([]);
    }
    await phone.context().close();
  });

  it('is not offered to officials who are not administrators', async () => {
    const other = await openPage(browser, t.base);
    await other.goto('/can-bo/dang-nhap');
    await submitOfficialForm(other, 'chuyenvien', 'congso-demo');
    await other.goto(`/can-bo/thu-tuc?q=${CODE}`);
    expect(await other.getByRole('link', { name: /Sửa thủ tục/ }).count()).toBe(0);
    const r = await other.goto(`/can-bo/thu-tuc/${CODE}/sua`);
    expect(r?.status()).toBe(403);
    await other.context().close();
  });
});
