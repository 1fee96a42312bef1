import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, login, nextOtp, startTestApp, type TestApp } from '../helpers.ts';
import { act, citizenToken, fileOnline, importTestProcedures, pdfsigReport, samplePdf, TEST_PROCEDURE } from '../dossier-fixtures.ts';
import { checkAccessibility, DEMO_CITIZENS, launchBrowser, openPage, signInOfficial, submitVneid } from './browser.ts';

/**
 * A result from approval to reuse, through the pages: the signing leader signs the approved
 * dossier's result (his signature, then the organisation's seal), the citizen downloads it
 * from the e-data repository, it verifies with pdfsig, and the citizen reuses it in a new
 * dossier, which records the reuse.
 */
const citizen = DEMO_CITIZENS[0];

let t: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];
let citizenPage: Page;
let dossierCode = '';
let resultCode = '';

async function open(phone = false) {
  const page = await openPage(browser, t.base, phone ? 'phone' : 'desktop');
  contexts.push(page.context());
  return page;
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  await importTestProcedures(t);
  // The citizen signs in through VNeID, so their account exists; the dossier is then walked to approval through the API.
  citizenPage = await open(true);
  await citizenPage.goto('/dang-nhap');
  await submitVneid(citizenPage, citizen);
  const row = await t.ctx.database.db.selectFrom('citizens').select('id').where('identifier', '=', citizen.identifier).executeTakeFirstOrThrow();
  const asCitizen = await citizenToken(t, row.id, citizen.name, citizen.identifier);
  dossierCode = (await fileOnline(t, asCitizen)).body.code;
  for (const [who, body] of [
    ['tiepnhan.xnk', { action: 'receive' }],
    ['lanhdao', { action: 'assign', assignee: 'chuyenvien' }],
    ['chuyenvien', { action: 'propose' }],
    ['ky', { action: 'approve' }],
  ] as const) {
    const r = await act(t, await login(t, who), dossierCode, body);
    if (r.status !== 200) throw new Error(`${body.action}: ${JSON.stringify(r.body)}`);
  }
}, 600_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
});

describe('a signed result, from approval to reuse', () => {
  it('the signing leader signs it from the signing queue', async () => {
    const page = await open();
    // 'ky' signed in through the API a moment ago; a TOTP code is accepted once, so take the next step's.
    await signInOfficial(page, 'ky', await nextOtp(t, 'ky'));
    await page.goto('/can-bo/ky-so');
    problems.push(...(await checkAccessibility(page, 'signing queue')));
    // Each waiting result can be read before it is signed.
    expect(await page.getByRole('link', { name: `Xem trước kết quả của hồ sơ ${dossierCode} (PDF, mở trong thẻ mới)` }).getAttribute('href')).toBe(
      `/api/v1/dossiers/${dossierCode}/result-preview`,
    );
    // Nothing ticked: an error summary whose link takes the focus to the first checkbox.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ký số các kết quả đã chọn' }).click()]);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Chọn ít nhất một hồ sơ để ký');
    problems.push(...(await checkAccessibility(page, 'signing queue, nothing ticked')));
    await page.getByRole('link', { name: 'Chọn ít nhất một hồ sơ để ký' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sign-0');
    // Ticked: a confirmation page lists the dossier; only its button signs.
    await page.locator(`input[name="codes"][value="${dossierCode}"]`).check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ký số các kết quả đã chọn' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('Xác nhận ký số');
    expect(await page.locator('main').innerText()).toContain(dossierCode);
    problems.push(...(await checkAccessibility(page, 'signing confirmation')));
    expect(await t.ctx.database.db.selectFrom('results').select('result_code').where('dossier_code', '=', dossierCode).execute()).toEqual([]);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ký 1 kết quả' }).click()]);
    const banner = await page.locator('.govuk-notification-banner').innerText();
    expect(banner).toContain('Đã ký 1 kết quả');
    resultCode = /\d{3}\.\d{2}\.\d{2}\.G12-KQ\d{2}-\d{6}/.exec(banner)?.[0] ?? '';
    expect(resultCode).not.toBe('');
  }, 300_000);

  it('the citizen finds it in the repository, downloads it, and both signatures verify with pdfsig', async () => {
    await citizenPage.goto('/kho-du-lieu');
    problems.push(...(await checkAccessibility(citizenPage, 'repository (phone)')));
    expect(await citizenPage.locator('main').innerText()).toContain(resultCode);
    const href = await citizenPage.getByRole('link', { name: `Tải về ${resultCode}` }).getAttribute('href');
    const r = await citizenPage.request.get(href!);
    expect(r.status()).toBe(200);
    const report = pdfsigReport(new Uint8Array(await r.body()));
    expect(report.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(report).toContain('Hoàng Văn Thắng');
    await citizenPage.goto(`/verify/${resultCode}`);
    expect(await citizenPage.locator('main').innerText()).toContain('Còn hiệu lực');
    problems.push(...(await checkAccessibility(citizenPage, 'verification page (phone)')));
  });

  it('the citizen reuses it in a new dossier instead of uploading, and the dossier records the reuse', async () => {
    await citizenPage.goto(`/nop-ho-so/${TEST_PROCEDURE.code}`);
    await citizenPage.fill('#f-tenDoanhNghiep', 'Công ty TNHH Thương mại Hưng Thịnh');
    await citizenPage.fill('#f-maSoThue', '0101234567');
    // Offered under the component that asks for this kind of document (T-02), not under the application form (T-01).
    expect(await citizenPage.locator('select[name="reuse.0"]').count()).toBe(0);
    await citizenPage.locator('select[name="reuse.1"]').selectOption(resultCode);
    await citizenPage.setInputFiles('#c-0', { name: 'don-de-nghi.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await samplePdf()) });
    await Promise.all([citizenPage.waitForNavigation(), citizenPage.getByRole('button', { name: 'Xem lại' }).click()]);
    await Promise.all([citizenPage.waitForNavigation(), citizenPage.getByRole('button', { name: 'Nộp hồ sơ' }).click()]);
    const code = /\d{3}\.\d{2}\.\d{2}\.G12-\d{6}-\d{4}/.exec(await citizenPage.locator('main').innerText())?.[0];
    expect(code).toBeDefined();
    const view = await api<{ components: { code: string | null; reused: boolean }[] }>(t, 'GET', `/api/v1/dossiers/${code}`, {
      token: await login(t, 'tiepnhan.xnk'),
    });
    expect(view.body.components.find((c) => c.code === 'T-02')?.reused).toBe(true);
  });

  it('no page on the way had a serious or critical accessibility violation', () => {
    expect(problems).toEqual([]);
  });
});
