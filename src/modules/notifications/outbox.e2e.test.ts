import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { checkAccessibility, launchBrowser, submitOfficialForm } from '../../../test/e2e/browser.ts';
import { notify } from './notify.ts';
import { ensureNotificationQueues } from './workers.ts';

/**
 * The outbox pages in a browser, as an auditor, on a desktop and a phone, in Vietnamese and
 * English: no serious or critical axe-core violation, one <h1>, and no sideways scrolling
 * of the page (long addresses and links must wrap).
 */

let t: TestApp;
let browser: Browser;
let state: Awaited<ReturnType<BrowserContext['storageState']>>;
const ids: string[] = [];
const byChannel: Record<string, string> = {};
const CODE = '000.00.00.G12-250801-0001';
const EMAIL = 'nguyenhoangbaokhanhlinhnguoinopdonthunghiem@congtyxuatnhapkhauexample.vn';

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  await ensureNotificationQueues(t.ctx);
  const code = CODE;
  const written = await t.ctx.database.db.transaction().execute((tx) =>
    notify(t.ctx, tx, {
      recipient: { name: 'Nguyễn Hoàng Bảo Khánh Linh', email: EMAIL, phone: '0912345678', zaloId: 'zalo-1' },
      event: 'dossier.supplement_requested',
      units: ['000.00.00.G12'],
      data: {
        dossierCode: code,
        procedureName: 'Cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thương mại điện tử đối với tổ chức, cá nhân nước ngoài',
        applicantName: 'Nguyễn Hoàng Bảo Khánh Linh',
        items: ['Bản sao Giấy chứng nhận đăng ký doanh nghiệp', 'Hợp đồng thuê địa điểm kinh doanh'],
        // A signed tracking token: one long word with no place to break it.
        trackingUrl: `${t.base}/tra-cuu?ma=${code}&token=3q2+7wAAAAAB8fzSgYh0RQZvNkbL1xQ9pW4sT6uVyZaBcDeFgHiJkLmNoPqRsTuV`,
      },
    }),
  );
  ids.push(...written.map((w) => w.id));
  for (const w of written) byChannel[w.channel] = w.id;
  const ctx = await browser.newContext({ baseURL: t.base });
  const page = await ctx.newPage();
  await page.goto('/can-bo/dang-nhap');
  await submitOfficialForm(page, 'kiemtra', 'congso-demo');
  state = await ctx.storageState();
  await ctx.close();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the messages under test', () => {
  // Without them the page checks below would pass on an empty outbox.
  it('are one per channel the recipient has, and the outbox lists each, its filter only the matching one', async () => {
    expect(Object.keys(byChannel).sort()).toEqual(['email', 'sms', 'zalo']);
    const ctx = await browser.newContext({ baseURL: t.base, storageState: state });
    const page = await ctx.newPage();
    const linked = async (url: string) => {
      expect((await page.goto(url))?.status(), url).toBe(200);
      const hrefs = await page.locator('main a[href^="/can-bo/hop-thu/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      return ids.filter((id) => hrefs.includes(`/can-bo/hop-thu/${id}`)).sort();
    };
    expect(await linked('/can-bo/hop-thu')).toEqual([...ids].sort());
    expect(await linked('/can-bo/hop-thu?channel=sms&status=queued')).toEqual([byChannel.sms]);
    for (const [channel, to] of [
      ['email', EMAIL],
      ['sms', '0912345678'],
      ['zalo', 'zalo-1'],
    ]) {
      expect((await page.goto(`/can-bo/hop-thu/${byChannel[channel]}`))?.status()).toBe(200);
      const main = (await page.locator('main').first().textContent()) ?? '';
      expect(main, channel).toContain(CODE);
      expect(main, channel).toContain(to);
    }
    await ctx.close();
  });
});

describe.each([
  ['desktop', 'vi'],
  ['phone', 'vi'],
  ['desktop', 'en'],
  ['phone', 'en'],
] as const)('%s, %s', (size, lang) => {
  it('the outbox list and each message pass the accessibility checks', async () => {
    expect(ids).toHaveLength(3);
    const phone = size === 'phone';
    const ctx = await browser.newContext({
      // Not isMobile: a mobile viewport widens itself to fit the content, which would hide sideways scrolling.
      viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
      baseURL: t.base,
      bypassCSP: true,
      storageState: state,
    });
    const page = await ctx.newPage();
    const problems: string[] = [];
    for (const url of ['/can-bo/hop-thu', '/can-bo/hop-thu?channel=sms&status=queued', ...ids.map((id) => `/can-bo/hop-thu/${id}`)]) {
      const r = await page.goto(`${url}${url.includes('?') ? '&' : '?'}lang=${lang}`);
      expect(r?.status(), url).toBe(200);
      const facts = await page.evaluate(() => ({
        h1: document.querySelectorAll('h1').length,
        lang: document.documentElement.lang,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      if (facts.h1 !== 1) problems.push(`${url}: ${facts.h1} <h1>`);
      if (facts.lang !== lang) problems.push(`${url}: lang="${facts.lang}"`);
      if (phone && facts.scrollWidth > facts.innerWidth + 1) problems.push(`${url}: page scrolls sideways (${facts.scrollWidth}px)`);
      problems.push(...(await checkAccessibility(page, `${size}/${lang} ${url}`)));
    }
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
