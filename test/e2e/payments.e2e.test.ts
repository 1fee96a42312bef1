import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, until, type TestApp } from '../helpers.ts';
import { FEE_PROCEDURE, importFeeProcedure } from '../dossier-fixtures.ts';
import { toolForCheck } from '../tools.ts';
import { queryPendingPayments } from '../../src/modules/payments/query-payments.ts';
import { checkAccessibility, DEMO_CITIZENS, launchBrowser, submitVneid, VIEWPORTS } from './browser.ts';

/**
 * Issue 14 in Chromium, through the pages a citizen uses and the payment platform's simulator
 * (served by the app in demo mode): a procedure that charges at filing is filed online, the
 * applicant is led to pay, chooses a bank on the platform's page, comes back paid, and the
 * dossier is sent; the receipt downloads and reads, in pdftotext, the amount in words. On a
 * phone too, with a reduction category chosen. Then a payment the bank never answers: the
 * return page waits (htmx asks again every few seconds), turns to "failed" once the query job
 * learns it, and its retry button pays. Every page on the way is checked with axe-core.
 */

const P = FEE_PROCEDURE.code;
const CODE = /^\d{3}\.\d{2}\.\d{2}\.G12-\d{6}-\d{4}$/;
const SIM = '/simulators/payment';

let t: TestApp;
let browser: Browser;

beforeAll(async () => {
  // Pending payments are asked about at once (the job's wait is the test's own call below).
  [t, browser] = await Promise.all([startTestApp({ env: { PAYMENT_PENDING_QUERY_AFTER_SECONDS: '0' } }), launchBrowser()]);
  await importFeeProcedure(t);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const path = (p: Page) => new URL(p.url()).pathname;
const words = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ');

/** One <h1>, no sideways scrolling on a phone, no serious or critical axe violation. */
async function audit(page: Page, label: string, phone: boolean): Promise<string[]> {
  await page.waitForLoadState('load');
  const problems: string[] = [];
  const facts = await page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (facts.h1 !== 1) problems.push(`[${label}] ${facts.h1} <h1> elements`);
  if (phone && facts.scrollWidth > facts.innerWidth + 1) problems.push(`[${label}] horizontal scroll at ${facts.innerWidth}px: ${facts.scrollWidth}`);
  problems.push(...(await checkAccessibility(page, label)));
  return problems;
}

async function signedIn(size: keyof typeof VIEWPORTS, citizen: (typeof DEMO_CITIZENS)[number]): Promise<Page> {
  const ctx = await browser.newContext({ ...VIEWPORTS[size], baseURL: t.base, bypassCSP: true, locale: 'vi-VN', acceptDownloads: true });
  ctx.setDefaultTimeout(20_000);
  const page = await ctx.newPage();
  await page.goto(`/nop-ho-so/${P}`);
  expect(path(page)).toBe('/dang-nhap');
  await submitVneid(page, citizen);
  expect(path(page)).toBe(`/nop-ho-so/${P}`);
  return page;
}

/**
 * Fills the filing form (one point of sale, the category given), saves the draft, reviews and
 * files; resolves on the page after filing with the dossier's code. `check` audits the filing
 * form with its fees worked out.
 */
async function fileWithFee(page: Page, expected: { total: string; words: string; category?: string }, check?: (label: string) => Promise<void>) {
  await page.goto(`/nop-ho-so/${P}`);
  const fees = page.locator('#phi-le-phi');
  // The schedule is on the form before anything is filled in.
  await expect(fees.innerText()).resolves.toContain('1.000.000 đồng / số điểm kinh doanh');
  await page.getByLabel(/Tên doanh nghiệp/).fill('Công ty TNHH Thử Nghiệm');
  await page.getByLabel(/Mã số thuế/).fill('0101234567');
  await page.getByLabel(/Số điểm kinh doanh/).fill('1');
  if (expected.category) await page.getByLabel(expected.category).check();
  await Promise.all([page.waitForURL((u) => u.searchParams.get('saved') === '1'), page.getByRole('button', { name: 'Lưu nháp' }).click()]);
  // Worked out on the server from what was sent: the lines, the total in figures and in words.
  await expect(page.locator('#fees-at-filing [data-fee-total]').innerText()).resolves.toBe(expected.total);
  await expect(page.locator('[data-fee-words]').innerText().then(words)).resolves.toContain(expected.words);
  if (expected.category) await expect(page.getByLabel(expected.category).isChecked()).resolves.toBe(true);
  await check?.('filing form with fees');

  await Promise.all([page.waitForURL((u) => u.pathname === `/nop-ho-so/${P}/xem-lai`), page.getByRole('button', { name: 'Xem lại' }).click()]);
  await expect(page.locator('#fees-at-filing [data-fee-total]').innerText()).resolves.toBe(expected.total);
  if (expected.category) await expect(page.locator('main').innerText()).resolves.toContain(expected.category);
  await check?.('review with fees');
  await Promise.all([page.waitForURL((u) => u.pathname === `/nop-ho-so/${P}/da-nop`), page.getByRole('button', { name: 'Nộp hồ sơ' }).click()]);
  // Not sent yet: the page says so and leads to paying.
  await expect(page.locator('h1').innerText()).resolves.toBe('Nộp phí để gửi hồ sơ');
  const code = (await page.locator('[data-dossier-code]').innerText()).trim();
  expect(code).toMatch(CODE);
  await expect(page.locator('#fees-due [data-fee-total]').innerText()).resolves.toBe(expected.total);
  return code;
}

/** On the simulator's page: checks the amount, picks the bank, presses the outcome; resolves where the platform sends the browser. */
async function onPlatform(page: Page, amount: string, outcome: 'pay' | 'fail', bank = 'BIDV') {
  await page.waitForURL((u) => u.pathname.startsWith(`${SIM}/pay/`));
  await expect(page.locator('main').innerText()).resolves.toContain(amount);
  await page.check(`#m-${bank}`);
  await Promise.all([page.waitForURL((u) => u.pathname === '/thanh-toan/ket-qua'), page.locator(`button[value="${outcome}"]`).click()]);
}

/** The receipt through its download link; its text as pdftotext reads it (undefined when pdftotext is missing outside CI). */
async function receiptText(page: Page, link: ReturnType<Page['locator']>): Promise<string | undefined> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const file = await download.path();
  expect(download.suggestedFilename()).toMatch(/^bien-lai-.+\.pdf$/);
  const pdftotext = toolForCheck('pdftotext', 'the receipt read by pdftotext');
  return pdftotext ? words(execFileSync(pdftotext, ['-raw', file, '-'], { encoding: 'utf8' })) : undefined;
}

describe.each([
  ['desktop', 0, { total: '1.005.000 đồng', words: 'Một triệu không trăm linh năm nghìn đồng', amount: '1.005.000' }],
  // A person with a disability: the phí is halved, the lệ phí stays (500.000 + 5.000).
  ['phone', 1, { total: '505.000 đồng', words: 'Năm trăm linh năm nghìn đồng', amount: '505.000', category: 'Người khuyết tật' }],
] as const)('%s', (size, who, expected) => {
  const phone = size === 'phone';

  it('files a procedure that charges at filing, pays through the platform, sees the dossier sent, and downloads the receipt', async () => {
    const problems: string[] = [];
    const page = await signedIn(size, DEMO_CITIZENS[who]);
    const check = async (label: string) => {
      problems.push(...(await audit(page, `${size} ${label}`, phone)));
    };

    const code = await fileWithFee(page, expected, check);
    await check('filed, fee due');

    // The dossier page: waiting for its fee, with what is owed and why, and the pay button.
    await Promise.all([page.waitForURL((u) => u.pathname === `/ho-so-cua-toi/${code}`), page.getByRole('link', { name: /Xem hồ sơ/ }).click()]);
    const main = page.locator('main');
    await expect(main.innerText()).resolves.toContain('Chờ nộp phí, hồ sơ chưa được gửi');
    await expect(page.locator('#fees-due [data-fee-total]').innerText()).resolves.toBe(expected.total);
    await expect(page.locator('#phi-le-phi [data-fee-words]').innerText().then(words)).resolves.toContain(expected.words);
    await expect(page.locator('#phi-le-phi').innerText()).resolves.toContain('thu phí, lệ phí khi nộp hồ sơ trực tuyến');
    await check('dossier page, fee due');

    const pay = page.getByRole('button', { name: 'Thanh toán trực tuyến' });
    if (phone) {
      // Visible, whole within the 390 px screen, big enough to tap.
      await pay.scrollIntoViewIfNeeded();
      await expect(pay.isVisible()).resolves.toBe(true);
      const box = (await pay.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(box.height).toBeGreaterThanOrEqual(40);
      await pay.tap();
    } else {
      await pay.click();
    }
    await onPlatform(page, expected.amount, 'pay');

    // Back from the platform: paid, the dossier sent, the receipt there.
    await expect(page.locator('h1').innerText()).resolves.toBe('Thanh toán thành công');
    await expect(main.innerText()).resolves.toContain(expected.total);
    await expect(main.innerText()).resolves.toContain('Mới nộp, chờ tiếp nhận');
    await check('return page, paid');
    const text = await receiptText(page, page.getByRole('link', { name: /^Tải biên lai số/ }));
    if (text !== undefined) {
      expect(text).toContain(expected.words);
      expect(text).toContain(code);
    }

    await Promise.all([page.waitForURL((u) => u.pathname === `/ho-so-cua-toi/${code}`), page.getByRole('link', { name: `Xem hồ sơ ${code}` }).click()]);
    await expect(main.innerText()).resolves.toContain('Mới nộp, chờ tiếp nhận');
    await expect(page.locator('#phi-le-phi').innerText()).resolves.toContain(`Đã nộp ${expected.total}`);
    await expect(page.locator('#payments').innerText()).resolves.toContain('Đã thanh toán');
    await expect(page.getByRole('button', { name: 'Thanh toán trực tuyến' }).count()).resolves.toBe(0);
    await check('dossier page, paid');
    // The receipt from the dossier page too.
    const again = await receiptText(page, page.locator('#payments').getByRole('link', { name: /^Tải biên lai số/ }));
    if (again !== undefined) expect(again).toContain(expected.words);

    // And in the applicant's e-data repository, beside the results issued to them.
    await page.goto('/kho-du-lieu');
    const receipts = page.locator('section[aria-labelledby="bien-lai"]');
    await expect(receipts.innerText()).resolves.toContain(code);
    await expect(receipts.innerText()).resolves.toContain(expected.total);
    await check('repository with receipts');

    await page.context().close();
    expect(problems).toEqual([]);
  });
});

describe('a payment the bank never answers', () => {
  it('waits on the return page, turns to failed when the query job learns it, and the retry pays', async () => {
    const problems: string[] = [];
    const page = await signedIn('desktop', DEMO_CITIZENS[0]);
    const check = async (label: string) => {
      problems.push(...(await audit(page, `timeout ${label}`, false)));
    };
    const code = await fileWithFee(page, { total: '1.005.000 đồng', words: 'Một triệu không trăm linh năm nghìn đồng' });

    // The bank does not answer: no callback, no return; the platform gives up after a second.
    const fault = await fetch(`${t.base}${SIM}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ next: { kind: 'timeout', expiresAfterSeconds: 1 } }),
    });
    expect(fault.status).toBe(200);
    await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click();
    await page.waitForURL((u) => u.pathname.startsWith(`${SIM}/pay/`));
    await page.check('#m-VCB');
    await page.locator('button[value="pay"]').click();
    await expect(page.locator('h1').innerText()).resolves.toContain('Ngân hàng chưa phản hồi');

    // The applicant goes back to the dossier: the attempt is pending, and its result page waits.
    await page.goto(`/ho-so-cua-toi/${code}`);
    await expect(page.locator('#payments').innerText()).resolves.toContain('Đang chờ xác nhận');
    await Promise.all([page.waitForURL((u) => u.pathname === '/thanh-toan/ket-qua'), page.getByRole('link', { name: 'Xem kết quả thanh toán' }).click()]);
    const waitingAt = page.url();
    await expect(page.locator('h1').innerText()).resolves.toBe('Đang chờ xác nhận thanh toán');
    // Without JavaScript, a link asks again; with it, htmx does every few seconds.
    await expect(page.getByRole('link', { name: 'Tải lại để xem kết quả' }).getAttribute('href')).resolves.toBe(
      new URL(waitingAt).pathname + new URL(waitingAt).search,
    );
    await expect(page.locator('#payment-result').getAttribute('hx-trigger')).resolves.toMatch(/^every \d+s$/);
    await check('return page, pending');

    // The query job asks the platform, which has given up: the attempt fails, and the page shows it without a reload.
    await until('the query job to fail the attempt', async () => (await queryPendingPayments(t.ctx)).failed > 0);
    await page.locator('h1', { hasText: 'Thanh toán không thành công' }).waitFor();
    expect(page.url()).toBe(waitingAt);
    await expect(page.locator('#payment-result').getAttribute('hx-trigger')).resolves.toBeNull();
    await check('return page, failed');

    // Try again: a new attempt, paid.
    await page.getByRole('button', { name: 'Thanh toán lại' }).click();
    await onPlatform(page, '1.005.000', 'pay', 'MOMO');
    await expect(page.locator('h1').innerText()).resolves.toBe('Thanh toán thành công');
    await Promise.all([page.waitForURL((u) => u.pathname === `/ho-so-cua-toi/${code}`), page.getByRole('link', { name: `Xem hồ sơ ${code}` }).click()]);
    const rows = page.locator('#payments tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(0).innerText()).resolves.toContain('Không thành công');
    await expect(rows.nth(1).innerText()).resolves.toContain('Đã thanh toán');

    await page.context().close();
    expect(problems).toEqual([]);
  });
});
