import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, login, startTestApp, type TestApp } from '../helpers.ts';
import { describeWithTool } from '../tools.ts';
import { act, FEE_PROCEDURE, importFeeProcedure } from '../dossier-fixtures.ts';
import { fileFeeDossier, financePages, payAtDesk, signInFeeOffice, type FeeOffice } from '../payment-fixtures.ts';
import { vietnamDay } from '../../src/platform/i18n/index.ts';
import { paymentSimulatorModule } from '../../src/simulators/payment/routes.ts';
import { setFault, simulatorFor, type Simulator } from '../../src/modules/payments/testing/fixtures.ts';
import { checkAccessibility, launchBrowser, VIEWPORTS } from './browser.ts';

/**
 * Issue 14's officials' pages in Chromium, each in Vietnamese and English, on a desktop and a
 * phone: axe finds nothing serious, and nothing scrolls sideways on the phone (tables scroll in
 * their own region). The dossier page with the fee panel, the desk's counter form, the request-
 * fee form opened and the refund form; the ledger; the reconciliation with a mismatch; the
 * procedure editor's fee rows. Officials are signed in by bearer token (the pages accept it).
 */
let t: TestApp;
let sim: Simulator;
let browser: Browser;
let finance: { base: string; close(): Promise<void> };
let tok: FeeOffice & { admin: string };
let code = '';

beforeAll(async () => {
  t = await startTestApp();
  sim = await simulatorFor(t, paymentSimulatorModule);
  await importFeeProcedure(t);
  const office = await signInFeeOffice(t, '30000000-0000-4000-8000-000000000143', { username: 'ketoan.e2e', name: 'Lý Thị Kế Toán' });
  tok = { ...office, admin: await login(t, 'admin') };
  finance = await financePages(t, tok.finance);
  // A dossier paid at the desk, then asked for the fee due on request: the page has every fee part.
  code = await fileFeeDossier(t, tok.citizen);
  await payAtDesk(t, tok.desk, code);
  await act(t, tok.desk, code, { action: 'receive' });
  await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien' });
  const today = vietnamDay(new Date());
  await setFault(sim, { plant: { kind: 'add_unknown', day: today, reference: `SIM-E2E-${Date.now()}`, amount: 75_000 } });
  await api(t, 'POST', '/api/v1/payments/reconciliation/runs', { token: tok.finance, body: { day: today } });
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await finance?.close();
  await sim?.close();
  await t?.close();
});

async function check(base: string, token: string, url: string, label: string, prepare?: (p: Page) => Promise<void>): Promise<string[]> {
  const problems: string[] = [];
  for (const kind of ['desktop', 'phone'] as const) {
    for (const lang of ['vi', 'en'] as const) {
      const ctx = await browser.newContext({ ...VIEWPORTS[kind], baseURL: base, bypassCSP: true, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
      ctx.setDefaultTimeout(20_000);
      const page = await ctx.newPage();
      const r = await page.goto(`${url}${url.includes('?') ? '&' : '?'}lang=${lang}`);
      expect(r?.status(), `${label} ${lang}`).toBe(200);
      if (prepare) await prepare(page);
      problems.push(...(await checkAccessibility(page, `${label} (${lang}, ${kind})`)));
      if (kind === 'phone') {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (wide > 1) problems.push(`[${label} (${lang}, phone)] scrolls sideways by ${wide}px`);
      }
      await ctx.close();
    }
  }
  return problems;
}

describeWithTool('chromium', 'the officials’ fee pages in a browser', () => {
  it('the dossier page: fee panel, the request-fee form opened, the counter form, the refund form', async () => {
    const openAll = async (p: Page) => {
      for (const d of await p.locator('details').all()) await d.evaluate((el) => el.setAttribute('open', ''));
    };
    const has = async (token: string, marker: string) =>
      expect(await (await fetch(`${t.base}/can-bo/ho-so/${code}`, { headers: { authorization: `Bearer ${token}` } })).text()).toContain(marker);
    await has(tok.specialist, 'name="action" value="request_fee"');
    expect(await check(t.base, tok.specialist, `/can-bo/ho-so/${code}`, 'dossier, specialist', openAll)).toEqual([]);
    const asked = await act(t, tok.specialist, code, {
      action: 'request_fee',
      lines: [{ code: 'LP-CAP', name: 'Lệ phí cấp giấy phép', kind: 2, quantity: 1, amount: 200_000 }],
    });
    expect(asked.status).toBe(200);
    await has(tok.desk, '/thu-phi"');
    expect(await check(t.base, tok.desk, `/can-bo/ho-so/${code}`, 'dossier, desk')).toEqual([]);
    await has(tok.finance, '/hoan-tra"');
    expect(await check(t.base, tok.finance, `/can-bo/ho-so/${code}`, 'dossier, finance', openAll)).toEqual([]);
  });

  it('the ledger and the reconciliation', async () => {
    expect(await check(finance.base, tok.finance, '/can-bo/thanh-toan', 'ledger')).toEqual([]);
    expect(await check(finance.base, tok.finance, `/can-bo/thanh-toan/doi-soat?day=${vietnamDay(new Date())}`, 'reconciliation')).toEqual([]);
  });

  it('the procedure editor with fee rows', async () => {
    expect(await check(t.base, tok.admin, `/can-bo/thu-tuc/${FEE_PROCEDURE.code}/sua`, 'procedure edit')).toEqual([]);
  });
});
