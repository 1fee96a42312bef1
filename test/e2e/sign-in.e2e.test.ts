import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_TOTP, startTestApp, type TestApp } from '../helpers.ts';
import { totpCode } from '../../src/platform/auth/totp.ts';
import { launchBrowser, submitOfficialForm } from './browser.ts';

const citizens = JSON.parse(readFileSync(new URL('../../demo/citizens.json', import.meta.url), 'utf8')) as {
  username: string;
  password: string;
  name: string;
}[];
const citizen = citizens[0];

let t: TestApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let code: string;

const path = (p: Page) => new URL(p.url()).pathname;
const errorSummary = (p: Page) => p.locator('.govuk-error-summary');

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  const list = (await (await fetch(`${t.base}/api/v1/procedures?q=${encodeURIComponent('bán lẻ rượu')}`)).json()) as {
    items: { code: string; name: string }[];
  };
  code = list.items.find((p) => p.name === 'Cấp Giấy phép bán lẻ rượu')!.code;
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

beforeEach(async () => {
  ctx = await browser.newContext({ baseURL: t.base, viewport: { width: 1280, height: 900 } });
  ctx.setDefaultTimeout(15_000);
  page = await ctx.newPage();
});

afterEach(async () => {
  await ctx?.close();
});

/** A six-digit code that is not valid for this secret now, nor one step either side. */
function wrongCode(secret: string) {
  const now = Date.now();
  const valid = new Set([-60_000, -30_000, 0, 30_000, 60_000].map((d) => totpCode(secret, now + d)));
  for (let n = 0; ; n++) {
    const c = String((123456 + n * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
}

/** Signs in on the VNeID simulator's page, which the browser is on. */
async function vneidSignIn(p: Page, waitFor: (u: URL) => boolean) {
  await p.locator('#username').waitFor();
  expect(await p.title()).toContain('VNeID');
  await p.fill('#username', citizen.username);
  await p.fill('#password', citizen.password);
  await Promise.all([p.waitForURL(waitFor), p.getByRole('button', { name: /^Đăng nhập/ }).click()]);
}

describe('officials', () => {
  it('the administrator signs in with a TOTP code, and signs out', async () => {
    await page.goto('/can-bo/dang-nhap');

    // Right password, no code: refused like a wrong password (the answer never says which part
    // was right), still on the sign-in page with the username kept; the code field is there.
    await submitOfficialForm(page, 'admin', 'congso-demo');
    expect(path(page)).toBe('/can-bo/dang-nhap');
    await expect(errorSummary(page).innerText()).resolves.toContain('Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng');
    await expect(page.locator('#username').inputValue()).resolves.toBe('admin');
    await expect(page.locator('#otp').isVisible()).resolves.toBe(true);

    // A wrong code: refused.
    await submitOfficialForm(page, 'admin', 'congso-demo', wrongCode(DEMO_TOTP.admin));
    expect(path(page)).toBe('/can-bo/dang-nhap');
    await expect(errorSummary(page).innerText()).resolves.toContain('Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng');

    // The right code: in, on the overview, greeted by name.
    await submitOfficialForm(page, 'admin', 'congso-demo', totpCode(DEMO_TOTP.admin));
    expect(path(page)).toBe('/can-bo');
    await expect(page.locator('h1').innerText()).resolves.toBe('Xin chào, Phạm Quốc Hưng');
    await expect(page.locator('.cs-header__tools').innerText()).resolves.toContain('Phạm Quốc Hưng');

    // Sign out from the header: back on the sign-in page, and the office is closed again.
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/can-bo/dang-nhap'),
      page.locator('.cs-header__tools').getByRole('button', { name: 'Đăng xuất' }).click(),
    ]);
    await expect(page.locator('.cs-header__tools').innerText()).resolves.not.toContain('Phạm Quốc Hưng');
    await page.goto('/can-bo');
    expect(path(page)).toBe('/can-bo/dang-nhap');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/can-bo');
  });

  it('a unit leader, who has no second factor, signs in without a code', async () => {
    await page.goto('/can-bo/dang-nhap');
    await submitOfficialForm(page, 'lanhdao', 'congso-demo');
    expect(path(page)).toBe('/can-bo');
    await expect(page.locator('h1').innerText()).resolves.toBe('Xin chào, Lê Thu Hương');
    await expect(page.locator('main').innerText()).resolves.toContain('Lãnh đạo');
  });

  it('five wrong passwords lock the account, even against the right one', async () => {
    await page.goto('/can-bo/dang-nhap');
    for (let i = 1; i <= 5; i++) {
      await submitOfficialForm(page, 'tiepnhan', `sai-mat-khau-${i}`);
      expect(path(page)).toBe('/can-bo/dang-nhap');
      await expect(errorSummary(page).isVisible()).resolves.toBe(true);
    }
    await submitOfficialForm(page, 'tiepnhan', 'congso-demo');
    expect(path(page), 'a locked account must not get in').toBe('/can-bo/dang-nhap');
    await expect(errorSummary(page).innerText()).resolves.toContain('Tài khoản tạm khóa');
    await expect(page.locator('.cs-header__tools').innerText()).resolves.not.toContain('Vũ Thị Mai Anh');
  });
});

describe('citizens (OpenID Connect through the VNeID simulator)', () => {
  it('sign in from the sign-in page, then apply without signing in again', async () => {
    expect(citizen.username).toBe('001089012345');
    await page.goto('/dang-nhap');
    await Promise.all([page.waitForURL(/\/sso\/interaction\//), page.getByRole('button', { name: 'Đăng nhập bằng VNeID' }).click()]);
    await vneidSignIn(page, (u) => u.origin === t.base && u.pathname === '/');
    await expect(page.locator('.cs-header__tools').innerText()).resolves.toContain(citizen.name);
    await expect(page.locator('.cs-header__tools').getByRole('button', { name: 'Đăng xuất' }).isVisible()).resolves.toBe(true);

    await page.goto(`/thu-tuc/${code}`);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/thu-tuc/${code}/nop-ho-so`),
      page.getByRole('button', { name: 'Nộp hồ sơ trực tuyến' }).click(),
    ]);
    await expect(page.locator('h1').innerText()).resolves.toBe('Chuẩn bị hồ sơ: Cấp Giấy phép bán lẻ rượu');
    await expect(page.locator('.cs-header__tools').innerText()).resolves.toContain(citizen.name);
  });

  it('a signed-out visit to the application page goes through sign-in and comes back to it', async () => {
    const target = `/thu-tuc/${code}/nop-ho-so`;
    await page.goto(target);
    expect(path(page)).toBe('/dang-nhap');
    expect(new URL(page.url()).searchParams.get('next')).toBe(target);
    await Promise.all([page.waitForURL(/\/sso\/interaction\//), page.getByRole('button', { name: 'Đăng nhập bằng VNeID' }).click()]);
    await vneidSignIn(page, (u) => u.origin === t.base && u.pathname === target);
    await expect(page.locator('h1').innerText()).resolves.toBe('Chuẩn bị hồ sơ: Cấp Giấy phép bán lẻ rượu');
    await expect(page.locator('.cs-header__tools').innerText()).resolves.toContain(citizen.name);
  });

  it('signing out also ends the VNeID session: the next person at the same PC must sign in', async () => {
    await page.goto('/dang-nhap');
    await Promise.all([page.waitForURL(/\/sso\/interaction\//), page.getByRole('button', { name: 'Đăng nhập bằng VNeID' }).click()]);
    await vneidSignIn(page, (u) => u.origin === t.base && u.pathname === '/');
    await expect(page.locator('.cs-header__tools').innerText()).resolves.toContain(citizen.name);

    // A link to the VNeID sign-in from anywhere does not end the session: straight on to `next`.
    await page.goto('/dang-nhap/vneid?next=/ho-so-cua-toi');
    expect(path(page)).toBe('/ho-so-cua-toi');
    await expect(page.locator('.cs-header__tools').innerText()).resolves.toContain(citizen.name);

    // Sign out: the provider asks to confirm, then sends the browser back to the portal.
    await Promise.all([page.waitForURL(/\/sso\//), page.locator('.cs-header__tools').getByRole('button', { name: 'Đăng xuất' }).click()]);
    await Promise.all([page.waitForURL((u) => u.origin === t.base && u.pathname === '/'), page.getByRole('button', { name: /^Đăng xuất/ }).click()]);
    await expect(page.locator('.cs-header__tools').innerText()).resolves.not.toContain(citizen.name);

    // The next person presses "Đăng nhập bằng VNeID": the provider asks for credentials.
    await page.goto('/dang-nhap');
    await Promise.all([page.waitForURL(/\/sso\/interaction\//), page.getByRole('button', { name: 'Đăng nhập bằng VNeID' }).click()]);
    await expect(page.locator('#username').isVisible()).resolves.toBe(true);
    await expect(page.locator('#password').isVisible()).resolves.toBe(true);
  });
});
