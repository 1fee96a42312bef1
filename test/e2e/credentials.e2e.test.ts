import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { nextOtp, startTestApp, type TestApp } from '../helpers.ts';
import { checkAccessibility, launchBrowser, openPage, submitOfficialForm } from './browser.ts';

let t: TestApp;
let browser: Browser;
let admin: Page;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  admin = await openPage(browser, t.base);
  await admin.goto('/can-bo/dang-nhap');
  await submitOfficialForm(admin, 'admin', 'congso-demo', await nextOtp(t, 'admin'));
  expect(new URL(admin.url()).pathname).toBe('/can-bo');
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("an official's credentials reset in the browser", () => {
  let temporary = '';

  it('the administrator confirms the reset and is shown the temporary password once', async () => {
    await admin.goto('/can-bo/nhan-su/chuyenvien');
    await admin.check('#password-generate');
    // Without the confirmation nothing happens, and the form says why.
    await Promise.all([admin.waitForNavigation(), admin.getByRole('button', { name: 'Đặt lại mật khẩu và TOTP' }).click()]);
    expect(await admin.locator('#confirm-error').textContent()).toContain('Đánh dấu ô xác nhận');
    expect(await admin.locator('#temporary-password').count()).toBe(0);
    await admin.check('#confirm');
    await Promise.all([admin.waitForNavigation(), admin.getByRole('button', { name: 'Đặt lại mật khẩu và TOTP' }).click()]);
    temporary = (await admin.locator('#temporary-password').textContent())!.trim();
    expect(temporary).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    await admin.goto('/can-bo/nhan-su/chuyenvien');
    expect(await admin.locator('#temporary-password').count()).toBe(0);
  });

  it('the official signs in with it and is made to set a new password first', async () => {
    const official = await openPage(browser, t.base);
    await official.goto('/can-bo/dang-nhap');
    await submitOfficialForm(official, 'chuyenvien', 'congso-demo');
    expect(await official.locator('.govuk-error-summary').isVisible()).toBe(true);
    await submitOfficialForm(official, 'chuyenvien', temporary);
    expect(new URL(official.url()).pathname).toBe('/can-bo/doi-mat-khau');
    expect(await official.locator('.cs-nav').count()).toBe(0);
    expect(await checkAccessibility(official, 'change password (required)')).toEqual([]);
    await official.goto('/can-bo/ho-so');
    expect(new URL(official.url()).pathname).toBe('/can-bo/doi-mat-khau');

    // A mistake is shown next to its field, and linked from the summary.
    await official.fill('#currentPassword', temporary);
    await official.fill('#newPassword', 'ngan');
    await official.fill('#confirmPassword', 'ngan');
    await Promise.all([official.waitForNavigation(), official.getByRole('button', { name: 'Đổi mật khẩu' }).click()]);
    expect(await official.locator('#newPassword-error').textContent()).toContain('Mật khẩu mới phải có ít nhất 10 ký tự');
    expect(await official.locator('.govuk-error-summary a[href="#newPassword"]').count()).toBe(1);
    expect(await checkAccessibility(official, 'change password (errors)')).toEqual([]);

    await official.fill('#currentPassword', temporary);
    await official.fill('#newPassword', 'mat-khau-cua-duc-2026');
    await official.fill('#confirmPassword', 'mat-khau-cua-duc-2026');
    await Promise.all([official.waitForNavigation(), official.getByRole('button', { name: 'Đổi mật khẩu' }).click()]);
    expect(new URL(official.url()).pathname).toBe('/can-bo/tai-khoan');
    expect(await official.locator('.govuk-notification-banner').textContent()).toContain('Đã đổi mật khẩu');
    await official.goto('/can-bo/ho-so');
    expect(new URL(official.url()).pathname).toBe('/can-bo/ho-so');
    // The voluntary change is reached from the account page.
    await official.goto('/can-bo/tai-khoan');
    await Promise.all([official.waitForNavigation(), official.getByRole('link', { name: 'Đổi mật khẩu' }).click()]);
    expect(new URL(official.url()).pathname).toBe('/can-bo/doi-mat-khau');
    expect(await checkAccessibility(official, 'change password')).toEqual([]);
    await official.context().close();
  });

  it('both are in the audit trail, by name; the page is accessible on a phone too', async () => {
    await admin.goto('/can-bo/nhat-ky');
    await admin.fill('#target', 'chuyenvien');
    await Promise.all([admin.waitForNavigation(), admin.getByRole('button', { name: 'Lọc', exact: true }).click()]);
    const rows = await admin.locator('tbody tr').allTextContents();
    expect(
      rows.some((r) => r.includes('Đặt lại mật khẩu và TOTP của cán bộ') && r.includes('Phạm Quốc Hưng (admin)') && r.includes('Trần Minh Đức (chuyenvien)')),
    ).toBe(true);
    expect(rows.some((r) => r.includes('Đổi mật khẩu') && r.includes('Trần Minh Đức (chuyenvien)'))).toBe(true);
    expect(await checkAccessibility(admin, 'audit trail (filtered)')).toEqual([]);

    const phone = await openPage(browser, t.base, 'phone');
    await phone.goto('/can-bo/dang-nhap');
    await submitOfficialForm(phone, 'kiemtra', 'congso-demo');
    await phone.goto('/can-bo/nhat-ky?action=org.*');
    expect(await phone.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await checkAccessibility(phone, 'audit trail (phone)')).toEqual([]);
    const [download] = await Promise.all([phone.waitForEvent('download'), phone.getByRole('link', { name: /Tải về CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^nhat-ky-\d{4}-\d{2}-\d{2}\.csv$/);
    await phone.context().close();
  });
});
