import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { describeWithTool } from '../../../test/tools.ts';
import { checkAccessibility, launchBrowser, VIEWPORTS } from '../../../test/e2e/browser.ts';

/**
 * An outgoing document from the specialist's draft form to its release, in Chromium, each step a
 * button on the document's page: the drafter submits, the signer approves and signs, the clerk seals
 * and releases; then the register. Every page axe-checked (nothing serious) in Vietnamese and
 * English, and on a phone nothing scrolls sideways. Officials are signed in by bearer token.
 */
let t: TestApp;
let browser: Browser;
const tok: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  for (const u of ['chuyenvien', 'ky', 'vanthu.xnk']) tok[u] = await login(t, u);
  browser = await launchBrowser();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function pageAs(who: string, kind: keyof typeof VIEWPORTS = 'desktop'): Promise<Page> {
  const ctx = await browser.newContext({ ...VIEWPORTS[kind], baseURL: t.base, bypassCSP: true, extraHTTPHeaders: { authorization: `Bearer ${tok[who]}` } });
  ctx.setDefaultTimeout(30_000);
  return ctx.newPage();
}

/** axe on the page in both languages, and on a phone no sideways scrolling. */
async function checkPage(who: string, url: string, label: string): Promise<string[]> {
  const problems: string[] = [];
  for (const kind of ['desktop', 'phone'] as const) {
    for (const lang of ['vi', 'en'] as const) {
      const p = await pageAs(who, kind);
      const r = await p.goto(`${url}${url.includes('?') ? '&' : '?'}lang=${lang}`);
      expect(r?.status(), `${label} ${lang}`).toBe(200);
      problems.push(...(await checkAccessibility(p, `${label} (${lang}, ${kind})`)));
      if (kind === 'phone') {
        const wide = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (wide > 1) problems.push(`[${label} (${lang}, phone)] scrolls sideways by ${wide}px`);
      }
      await p.context().close();
    }
  }
  return problems;
}

async function press(who: string, url: string, action: string) {
  const p = await pageAs(who);
  await p.goto(url);
  await Promise.all([p.waitForURL(/done=/), p.click(`#form-${action} button[type=submit]`)]);
  const text = await p.locator('main').innerText();
  await p.context().close();
  return text;
}

describeWithTool('chromium', 'outgoing documents in a browser', () => {
  it('goes from the draft form to the released document and the register', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]).drawText('Du thao cong van', { x: 72, y: 760, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
    const pdf = Buffer.from(await doc.save());

    expect(await checkPage('chuyenvien', '/can-bo/van-ban-di/moi', 'draft form')).toEqual([]);
    const p = await pageAs('chuyenvien');
    await p.goto('/can-bo/van-ban-di/moi');
    await p.selectOption('#seriesCode', 'CV');
    await p.fill('#subject', 'V/v phối hợp thử nghiệm trên trình duyệt');
    await p.check('input[name="unit.000.05.02.G12"]');
    await p.setInputFiles('#mainFile', { name: 'du-thao.pdf', mimeType: 'application/pdf', buffer: pdf });
    await Promise.all([
      p.waitForURL(/\/can-bo\/van-ban-di\/[0-9a-f-]{36}\?done=create/),
      p.click('form[action^="/can-bo/van-ban-di/moi"] button[type=submit]'),
    ]);
    const url = new URL(p.url()).pathname;
    await p.context().close();
    expect(await checkPage('chuyenvien', url, 'draft')).toEqual([]);

    expect(await press('chuyenvien', url, 'submit')).toContain('Chờ lãnh đạo đơn vị cho ý kiến');
    expect(await press('ky', url, 'approve')).toContain('Đã duyệt, chờ ký');
    expect(await press('ky', url, 'sign')).toContain('Đã ký số, chờ đóng dấu');
    expect(await press('vanthu.xnk', url, 'seal')).toContain('Đã đóng dấu, chờ phát hành');
    const released = await press('vanthu.xnk', url, 'release');
    expect(released).toContain('01/BCT-XNK');
    expect(released).toContain('Đã phát hành');

    expect(await checkPage('vanthu.xnk', url, 'released document')).toEqual([]);
    expect(await checkPage('vanthu.xnk', '/can-bo/van-ban-di', 'list')).toEqual([]);
    expect(await checkPage('vanthu.xnk', '/can-bo/van-ban-di/so', 'register')).toEqual([]);
  }, 600_000);
});
