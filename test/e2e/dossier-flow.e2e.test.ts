import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_TOTP, startTestApp, type TestApp } from '../helpers.ts';
import { importTestProcedures, samplePdf, TEST_PROCEDURE } from '../dossier-fixtures.ts';
import { totpCode } from '../../src/platform/auth/totp.ts';
import { checkAccessibility, launchBrowser, openPage, signInOfficial, submitVneid } from './browser.ts';

/**
 * The one-stop flow end to end in Chromium, every step through the pages people use: a
 * citizen files online with an attachment, the receiving officer receives, the unit leader
 * assigns, the specialist asks for a supplement, the citizen supplies it, the specialist
 * proposes, the signing leader approves, the result is returned; then the control slip
 * lists every hand-off in correct Vietnamese (pdftotext).
 */
const CODE = /\d{3}\.\d{2}\.\d{2}\.G12-\d{6}-\d{4}/;

let t: TestApp;
let browser: Browser;
let dir: string;
let pdfFile: string;
const contexts: BrowserContext[] = [];
const problems: string[] = [];
const consoleErrors: string[] = [];
const people: Record<string, Page> = {};

async function open(phone = false) {
  const page = await openPage(browser, t.base, phone ? 'phone' : 'desktop');
  contexts.push(page.context());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

async function official(username: string, phone = false) {
  const page = await open(phone);
  await signInOfficial(page, username, DEMO_TOTP[username] ? totpCode(DEMO_TOTP[username]) : undefined);
  return page;
}

/** Opens the action's form on the dossier page, fills it and submits; resolves on the page that follows. */
async function act(page: Page, code: string, action: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) {
  await page.goto(`/can-bo/ho-so/${code}`);
  const form = page.locator(`form:has(input[name="action"][value="${action}"])`);
  const details = form.locator('details');
  if ((await details.getAttribute('open')) === null) await form.locator('summary').click();
  if (fill) await fill(form);
  await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
  const url = new URL(page.url());
  expect(url.searchParams.get('done'), `${action} on ${code}: ${await page.locator('main').innerText()}`).toBe(action);
  await expect(page.locator('.govuk-notification-banner--success').innerText()).resolves.toContain('Đã thực hiện');
}

async function audit(page: Page, label: string) {
  problems.push(...(await checkAccessibility(page, label)));
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  await importTestProcedures(t);
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-e2e-'));
  pdfFile = path.join(dir, 'don-de-nghi.pdf');
  writeFileSync(pdfFile, await samplePdf());
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a dossier from filing to result, through the pages', () => {
  let code = '';

  it('the citizen signs in with VNeID and files online with an attachment', async () => {
    const page = await open(true);
    people.citizen = page;
    await page.goto('/dang-nhap');
    await submitVneid(page);

    await page.goto(`/nop-ho-so/${TEST_PROCEDURE.code}`);
    await audit(page, 'filing form (phone)');
    await page.fill('#f-tenDoanhNghiep', 'Công ty TNHH Thương mại Hưng Thịnh');
    await page.fill('#f-maSoThue', '0101234567');
    await page.locator('input[name="file.0"]').setInputFiles(pdfFile);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Xem lại' }).click()]);
    await expect(page.locator('main').innerText()).resolves.toContain('Công ty TNHH Thương mại Hưng Thịnh');
    await audit(page, 'review (phone)');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Nộp hồ sơ' }).click()]);
    const text = await page.locator('main').innerText();
    code = CODE.exec(text)?.[0] ?? '';
    expect(code, text).toMatch(CODE);
    expect(code.startsWith('000.05.01.G12-')).toBe(true);
  });

  it('the receiving officer finds it in their queue and receives it', async () => {
    const page = await official('tiepnhan.xnk');
    people.receiving = page;
    await page.goto('/can-bo/ho-so?queue=mine');
    await audit(page, 'work queue');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: code }).click()]);
    await audit(page, 'dossier page');
    await act(page, code, 'receive');
    await expect(page.locator('main').innerText()).resolves.toContain('Đã tiếp nhận, chờ phân công');
  });

  it('the unit leader assigns it to a specialist from the unit queue, on a phone', async () => {
    const page = await official('lanhdao', true);
    people.leader = page;
    await page.goto('/can-bo/ho-so?queue=mine');
    await audit(page, 'work queue (phone)');
    await act(page, code, 'assign', (f) =>
      f
        .locator('select[name="assignee"]')
        .selectOption('chuyenvien')
        .then(() => undefined),
    );
    await expect(page.locator('main').innerText()).resolves.toContain('Trần Minh Đức');
  });

  it('the specialist asks for a supplement, listing what is missing', async () => {
    const page = await official('chuyenvien');
    people.specialist = page;
    await act(page, code, 'request_supplement', (f) =>
      f.locator('textarea[name="items"]').fill('Bản sao Giấy chứng nhận đăng ký doanh nghiệp\nĐơn đề nghị chưa có chữ ký'),
    );
    await expect(page.locator('main').innerText()).resolves.toContain('Chờ bổ sung hồ sơ');
  });

  it('the citizen sees what is asked, uploads it and resubmits', async () => {
    const page = people.citizen;
    await page.goto('/ho-so-cua-toi');
    await audit(page, 'my dossiers (phone)');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: code }).click()]);
    const main = await page.locator('main').innerText();
    expect(main).toContain('Đơn đề nghị chưa có chữ ký');
    await audit(page, 'my dossier, supplement asked (phone)');
    await page.locator('input[type="file"]').first().setInputFiles(pdfFile);
    await Promise.all([
      page.waitForNavigation(),
      page
        .getByRole('button', { name: /bổ sung/i })
        .first()
        .click(),
    ]);
    await expect(page.locator('main').innerText()).resolves.toContain('Đang xử lý');
  });

  it('the specialist proposes, the signing leader approves, the officer returns the result', async () => {
    await act(people.specialist, code, 'propose');
    const signer = await official('ky');
    people.signer = signer;
    await act(signer, code, 'approve');
    await expect(signer.locator('main').innerText()).resolves.toContain('Đã giải quyết');
    await act(people.receiving, code, 'return', (f) =>
      f
        .locator('select[name="method"]')
        .selectOption('online')
        .then(() => undefined),
    );
    await expect(people.receiving.locator('main').innerText()).resolves.toContain('Đã trả kết quả');
  });

  it('the control slip lists every hand-off, in correct Vietnamese', async () => {
    const r = await people.receiving.request.get(`/api/v1/dossiers/${code}/forms/06`);
    expect(r.status()).toBe(200);
    expect(r.headers()['content-type']).toContain('application/pdf');
    const file = path.join(dir, 'slip.pdf');
    writeFileSync(file, await r.body());
    const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).normalize('NFC');
    expect(text).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(text).toContain(code);
    // Every official who handed it on is named on the slip.
    for (const name of ['Nguyễn Thị Hoa', 'Lê Thu Hương', 'Trần Minh Đức', 'Hoàng Văn Thắng']) expect(text.replace(/\s+/g, ' ')).toContain(name);
  });

  it('the citizen tracks it publicly and rates the service', async () => {
    const page = people.citizen;
    await page.goto(`/tra-cuu?ma=${code}`);
    await expect(page.locator('main').innerText()).resolves.toContain('Đã trả kết quả');
    await audit(page, 'public tracking (phone)');
  });

  it('no page on the way had a serious or critical accessibility violation, nor a script error', () => {
    expect(problems).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
