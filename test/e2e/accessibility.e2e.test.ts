import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_TOTP, startTestApp, type TestApp } from '../helpers.ts';
import { totpCode } from '../../src/platform/auth/totp.ts';
import { checkAccessibility, launchBrowser, signInOfficial, submitVneid, VIEWPORTS } from './browser.ts';

/**
 * Every page, as the person who would see it, at desktop and phone widths, in Vietnamese
 * and English: no serious or critical axe-core violation, one <h1>, a <title>, a `lang`
 * on <html>, and no horizontal scrolling on a phone.
 */

type Lang = 'vi' | 'en';
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

let t: TestApp;
let browser: Browser;
let code: string;
const sessions: Partial<Record<'admin' | 'auditor' | 'citizen', StorageState>> = {};

const withLang = (url: string, lang: Lang) => (lang === 'en' ? `${url}${url.includes('?') ? '&' : '?'}lang=en` : url);

async function newContext(kind: keyof typeof VIEWPORTS, storageState?: StorageState) {
  // bypassCSP: the pages forbid inline scripts, and axe-core is injected as one.
  return browser.newContext({ ...VIEWPORTS[kind], baseURL: t.base, bypassCSP: true, storageState, locale: 'vi-VN' });
}

/** The page's structural checks plus axe; returns the problems found, as readable lines. */
async function audit(page: Page, label: string, opts: { lang?: Lang; phone: boolean }): Promise<string[]> {
  await page.waitForLoadState('load');
  const problems: string[] = [];
  const facts = await page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    title: document.title.trim(),
    lang: document.documentElement.getAttribute('lang') ?? '',
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (facts.h1 !== 1) problems.push(`[${label}] ${facts.h1} <h1> elements, expected exactly one`);
  if (!facts.title) problems.push(`[${label}] empty or missing <title>`);
  if (!facts.lang) problems.push(`[${label}] no lang attribute on <html>`);
  else if (opts.lang && facts.lang !== opts.lang) problems.push(`[${label}] <html lang="${facts.lang}">, expected "${opts.lang}"`);
  if (opts.phone && facts.scrollWidth > facts.innerWidth + 1)
    problems.push(`[${label}] horizontal scroll at ${facts.innerWidth}px: scrollWidth ${facts.scrollWidth}`);
  problems.push(...(await checkAccessibility(page, label)));
  return problems;
}

async function visit(page: Page, url: string, expectStatus = 200) {
  const r = await page.goto(url);
  expect(r, url).not.toBeNull();
  expect(r!.status(), `status of ${url}`).toBe(expectStatus);
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  const list = (await (await fetch(`${t.base}/api/v1/procedures?q=${encodeURIComponent('bán lẻ rượu')}`)).json()) as { items: { code: string }[] };
  code = list.items[0].code;

  // One sign-in per person through the real forms; each test reuses the session cookie.
  // (A TOTP code is accepted once, so the administrator cannot sign in again in the same 30 s.)
  const signIn = async (who: 'admin' | 'auditor' | 'citizen') => {
    const ctx = await newContext('desktop');
    const page = await ctx.newPage();
    if (who === 'admin') await signInOfficial(page, 'admin', totpCode(DEMO_TOTP.admin));
    else if (who === 'auditor') await signInOfficial(page, 'kiemtra');
    else {
      await page.goto('/dang-nhap');
      await submitVneid(page);
    }
    sessions[who] = await ctx.storageState();
    await ctx.close();
  };
  for (const who of ['admin', 'auditor', 'citizen'] as const) await signIn(who);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('serves the API documentation', async () => {
  const ctx = await newContext('desktop');
  const page = await ctx.newPage();
  const r = await page.goto('/api/docs');
  expect(r?.status()).toBe(200);
  // Swagger UI renders the OpenAPI document (not axe-checked: third-party UI).
  await expect(page.locator('.swagger-ui .info .title').innerText({ timeout: 15_000 })).resolves.toContain('congso API');
  await ctx.close();
});

// The four runs are independent (own contexts, own accounts) but run one after another: four
// browsers' worth of pages at once on two shared cores made each page's time depend on what
// else the machine was doing. The three minutes per test only guard against a hang.
describe.each([
  ['desktop', 'vi'],
  ['phone', 'vi'],
  ['desktop', 'en'],
  ['phone', 'en'],
] as const)('%s, %s', { timeout: 180_000 }, (size, lang) => {
  const phone = size === 'phone';
  const L = (s: string) => `${size}/${lang} ${s}`;

  it('public portal pages', async ({ expect }) => {
    const ctx = await newContext(size);
    const page = await ctx.newPage();
    const problems: string[] = [];
    for (const url of ['/', '/thu-tuc', '/thu-tuc?q=ruou', `/thu-tuc/${code}`, '/tra-cuu', '/dang-nhap', '/can-bo/dang-nhap']) {
      await visit(page, withLang(url, lang));
      problems.push(...(await audit(page, L(url), { lang, phone })));
    }
    // An unknown dossier code is a 404 that still shows the tracking form.
    await visit(page, withLang('/tra-cuu?ma=ABC', lang), 404);
    problems.push(...(await audit(page, L('/tra-cuu?ma=ABC'), { lang, phone })));
    await visit(page, withLang('/trang-khong-ton-tai', lang), 404);
    problems.push(...(await audit(page, L('404 page'), { lang, phone })));
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('official sign-in error state', async ({ expect }) => {
    const ctx = await newContext(size);
    const page = await ctx.newPage();
    await visit(page, withLang('/can-bo/dang-nhap', lang));
    // A different account per run so the failures never add up to a lockout.
    await page.fill(
      '#username',
      { 'desktop/vi': 'vanthu', 'phone/vi': 'chuyenvien', 'desktop/en': 'vanthu.xnk', 'phone/en': 'chuyenvien.hcm' }[`${size}/${lang}`],
    );
    await page.fill('#password', 'sai-mat-khau');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/can-bo/dang-nhap') && r.request().method() === 'POST'),
      page.click('form[action="/can-bo/dang-nhap"] button[type=submit]'),
    ]);
    await page.locator('.govuk-error-summary').waitFor();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      lang === 'en' ? 'Wrong username, password or code' : 'Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng',
    );
    expect(await audit(page, L('office sign-in error'), { lang, phone })).toEqual([]);
    await ctx.close();
  });

  it('VNeID simulator sign-in page', async ({ expect }) => {
    const ctx = await newContext(size);
    const page = await ctx.newPage();
    await visit(page, withLang('/dang-nhap', lang));
    await Promise.all([
      page.waitForURL(/\/sso\/interaction\//),
      page.getByRole('button', { name: lang === 'en' ? 'Sign in with VNeID' : 'Đăng nhập bằng VNeID' }).click(),
    ]);
    await page.locator('#username').waitFor();
    // The simulator's page is bilingual with lang="vi" and lang="en" on the English parts.
    expect(await audit(page, L('VNeID simulator login'), { phone })).toEqual([]);
    await ctx.close();
  });

  it('citizen: prepare a dossier', async ({ expect }) => {
    const ctx = await newContext(size, sessions.citizen);
    const page = await ctx.newPage();
    await visit(page, withLang(`/thu-tuc/${code}/nop-ho-so`, lang));
    expect(new URL(page.url()).pathname).toBe(`/thu-tuc/${code}/nop-ho-so`);
    expect(await audit(page, L('prepare page'), { lang, phone })).toEqual([]);
    await ctx.close();
  });

  it('administrator: back office pages', async ({ expect }) => {
    const ctx = await newContext(size, sessions.admin);
    const page = await ctx.newPage();
    const problems: string[] = [];
    const pages = ['/can-bo', '/can-bo/thu-tuc', '/can-bo/don-vi', '/can-bo/nhan-su', '/can-bo/nhan-su/chuyenvien', '/can-bo/tai-khoan'];
    // Digitisation: the campaign's progress bars and chart, the old-results import, the search.
    pages.push('/can-bo/so-hoa/chien-dich', '/can-bo/so-hoa/ket-qua-cu', '/can-bo/so-hoa/tim-kiem');
    // The connections to the national systems: state, queues, dead letters, pause and replay.
    pages.push('/can-bo/ket-noi');
    for (const url of pages) {
      await visit(page, withLang(url, lang));
      expect(new URL(page.url()).pathname, `${url} stays on the page (signed in)`).toBe(url);
      problems.push(...(await audit(page, L(url), { lang, phone })));
    }
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('auditor: audit trail and its integrity check', async ({ expect }) => {
    const ctx = await newContext(size, sessions.auditor);
    const page = await ctx.newPage();
    await visit(page, withLang('/can-bo/nhat-ky', lang));
    expect(new URL(page.url()).pathname).toBe('/can-bo/nhat-ky');
    const problems = await audit(page, L('/can-bo/nhat-ky'), { lang, phone });
    const url = page.url();
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/can-bo/nhat-ky/kiem-tra') && r.status() === 200),
      page.getByRole('button', { name: lang === 'en' ? 'Verify integrity' : 'Kiểm tra tính toàn vẹn' }).click(),
    ]);
    await expect(page.locator('#verify-result').textContent({ timeout: 10_000 })).resolves.toMatch(
      lang === 'en' ? /Audit chain intact/ : /Chuỗi nhật ký toàn vẹn/,
    );
    await page.locator('#verify-result .govuk-notification-banner').waitFor();
    expect(page.url(), 'the check is an htmx partial, not a navigation').toBe(url);
    problems.push(...(await audit(page, L('/can-bo/nhat-ky after integrity check'), { lang, phone })));
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
