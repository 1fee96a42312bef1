import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, DEMO_TOTP, startTestApp, type TestApp } from '../helpers.ts';
import { importTestProcedures, samplePdf, TEST_PROCEDURE } from '../dossier-fixtures.ts';
import { totpCode } from '../../src/platform/auth/totp.ts';
import { deliverOutbox } from '../../src/platform/outbox/index.ts';
import { pollPostalTracking } from '../../src/modules/postal/poll-postal-tracking.ts';
import { checkAccessibility, launchBrowser, openPage, signInOfficial, submitVneid } from './browser.ts';

/**
 * Issue 16's VNPost acceptance in Chromium: a citizen files choosing to receive the result by
 * post and sees the postal fee before confirming; the officials take the dossier through and
 * the receiving officer returns it by post; the order goes to the VNPost simulator (the app's
 * own, in demo mode), whose clock is moved a day and a half on; the tracking poll brings the
 * events back, and the citizen sees collected, in transit, delivered on their dossier page (in
 * Vietnamese and English); the officer's page and the hand-over record (form 08) carry the order
 * number. Every page on the way is checked with axe-core.
 */
const CODE = /\d{3}\.\d{2}\.\d{2}\.G12-\d{6}-\d{4}/;
const SIM = '/simulators/vnpost';

let t: TestApp;
let browser: Browser;
let dir: string;
let pdfFile: string;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function open() {
  const page = await openPage(browser, t.base, 'desktop');
  contexts.push(page.context());
  return page;
}

async function official(username: string) {
  const page = await open();
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
  expect(new URL(page.url()).searchParams.get('done'), `${action} on ${code}: ${await page.locator('main').innerText()}`).toBe(action);
}

async function audit(page: Page, label: string) {
  problems.push(...(await checkAccessibility(page, label)));
}

const words = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ');

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  await importTestProcedures(t);
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-postal-e2e-'));
  pdfFile = path.join(dir, 'don-de-nghi.pdf');
  writeFileSync(pdfFile, await samplePdf());
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a result delivered by post, followed by the citizen', () => {
  let code = '';
  let citizen: Page;
  let receiving: Page;

  it('the citizen chooses delivery by post and sees the postal fee before filing', async () => {
    citizen = await open();
    await citizen.goto('/dang-nhap');
    await submitVneid(citizen);
    await citizen.goto(`/nop-ho-so/${TEST_PROCEDURE.code}`);
    await citizen.fill('#f-tenDoanhNghiep', 'Công ty TNHH Thương mại Hưng Thịnh');
    await citizen.fill('#f-maSoThue', '0101234567');
    await citizen.locator('input[name="file.0"]').setInputFiles(pdfFile);
    await citizen.check('#delivery-post');
    await audit(citizen, 'filing form with postal options');
    await Promise.all([citizen.waitForNavigation(), citizen.getByRole('button', { name: 'Xem lại' }).click()]);
    // Hà Nội to Hà Nội (the demo citizen's address and the desk's), a result's weight: the table's first row.
    await expect(citizen.locator('#cuoc-buu-chinh').innerText()).resolves.toContain('22.000 đ');
    await audit(citizen, 'review with postal fee');
    await Promise.all([citizen.waitForNavigation(), citizen.getByRole('button', { name: 'Nộp hồ sơ' }).click()]);
    code = CODE.exec(await citizen.locator('main').innerText())?.[0] ?? '';
    expect(code).toMatch(CODE);
  });

  it('the officials take it through and the receiving officer returns it by post', async () => {
    receiving = await official('tiepnhan.xnk');
    await act(receiving, code, 'receive');
    await act(await official('lanhdao'), code, 'assign', (f) =>
      f
        .locator('select[name="assignee"]')
        .selectOption('chuyenvien')
        .then(() => undefined),
    );
    await act(await official('chuyenvien'), code, 'propose');
    await act(await official('ky'), code, 'approve');
    // The applicant's choice is the return's default method.
    await act(receiving, code, 'return', async (f) => {
      await expect(f.locator('select[name="method"]').inputValue()).resolves.toBe('post');
    });
    await expect(receiving.locator('main').innerText()).resolves.toContain('Đã trả kết quả');
  });

  it('the order reaches VNPost once, and its tracking comes back as the parcel travels', async () => {
    expect(await deliverOutbox(t.ctx, 'vnpost', { now: 'ignore-backoff' })).toMatchObject({ sent: 1 });
    const held = await api<{ orders: { OrderNumber: string; CODAmount: number; Receiver: { Name: string; Province: string } }[] }>(
      t,
      'GET',
      `${SIM}/orders?order=${encodeURIComponent(`${code}-TKQ`)}`,
    );
    expect(held.body.orders.map((o) => [o.OrderNumber, o.CODAmount, o.Receiver.Name, o.Receiver.Province])).toEqual([
      [`${code}-TKQ`, 22_000, 'Trần Văn Minh', '01'],
    ]);
    await api(t, 'POST', `${SIM}/clock`, { body: { advanceMs: 30 * 3600_000 } });
    await pollPostalTracking(t.ctx, { all: true });
  });

  it('the citizen sees the delivery events on their dossier, in Vietnamese and English', async () => {
    await citizen.goto(`/ho-so-cua-toi/${code}`);
    const section = words(await citizen.locator('#buu-chinh').innerText());
    expect(section).toContain(`${code}-TKQ`);
    expect(section).toContain('Đã phát thành công');
    // The events on the dossier's timeline, after the return, oldest first, each named by what it means.
    const timeline = (await citizen.locator('ol.cs-timeline > li h3').allInnerTexts()).map(words);
    expect(timeline.slice(timeline.indexOf('Trả kết quả'))).toEqual([
      'Trả kết quả',
      'Bưu chính: Bưu điện đã tiếp nhận đơn',
      'Bưu chính: Bưu điện đã nhận bưu gửi',
      'Bưu chính: Đang vận chuyển',
      'Bưu chính: Đang vận chuyển',
      'Bưu chính: Đã phát thành công',
    ]);
    await audit(citizen, 'my dossier with postal tracking');
    await citizen.goto(`/ho-so-cua-toi/${code}?lang=en`);
    expect(words(await citizen.locator('#buu-chinh').innerText())).toContain('Delivered');
    const en = (await citizen.locator('ol.cs-timeline > li h3').allInnerTexts()).map(words);
    expect(en.slice(-5)).toEqual(['Post: Accepted by the post', 'Post: Collected by the post', 'Post: In transit', 'Post: In transit', 'Post: Delivered']);
    await audit(citizen, 'my dossier with postal tracking (English)');
  });

  it('the officer sees the order and its events, and the hand-over record names the order', async () => {
    await receiving.goto(`/can-bo/ho-so/${code}`);
    const section = words(await receiving.locator('#buu-chinh').innerText());
    expect(section).toContain(`${code}-TKQ`);
    expect(section).toContain('Đã phát thành công');
    await expect(receiving.locator('ol.cs-timeline').innerText()).resolves.toContain('Bưu chính: Đã phát thành công');
    await audit(receiving, 'dossier page with postal tracking');
    const r = await receiving.request.get(`/api/v1/dossiers/${code}/forms/08`);
    expect(r.status()).toBe(200);
    const file = path.join(dir, 'handover.pdf');
    writeFileSync(file, await r.body());
    const text = words(execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }));
    expect(text).toContain(`Số đơn hàng bưu chính: ${code}-TKQ`);
    expect(text).toContain('Tổng công ty Bưu điện Việt Nam (VNPost)');
  });

  it('no page on the way had a serious or critical accessibility violation', () => {
    expect(problems).toEqual([]);
  });
});
