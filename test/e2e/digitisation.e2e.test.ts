import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { api, login, startTestApp, type TestApp } from '../helpers.ts';
import { describeWithTool } from '../tools.ts';
import { FORM, importTestProcedures, TEST_PROCEDURE, uploadPdf } from '../dossier-fixtures.ts';
import { foldVietnamese } from '../../src/platform/i18n/normalize.ts';
import { renderTextPdf, scannedVietnamesePage } from '../../src/platform/ocr/testing.ts';
import { registerDigitisationWorkers } from '../../src/modules/digitisation/ocr-worker.ts';
import { checkAccessibility, DEMO_CITIZENS, launchBrowser, openPage, signInOfficial, submitVneid, type VIEWPORTS } from './browser.ts';

/**
 * Digitisation at the counter, in Chromium, with the OCR job really running (the test app's
 * worker is started here): the receiving officer uploads a generated Vietnamese page (drawn
 * with the embedded typeface, rasterised by pdftoppm, skewed, with noise) and another page,
 * reorders and turns pages on the thumbnails, sorts them into the dossier's components,
 * accepts, watches the progress reach the end, confirms the metadata (an error first, shown
 * beside its field by label), and then finds the dossier's document by a word of the page
 * typed without diacritics. On a 768×1024 tablet and on a desktop; axe on every page.
 */
const TABLET: BrowserContextOptions = { viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true };
const OFFICER = 'tiepnhan.xnk';
const CITIZEN = DEMO_CITIZENS[0];
/** The second page: a request form, drawn (not scanned) as a PDF page. */
const REQUEST_LINES = ['ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP', '', 'Kính gửi: Sở Công Thương', 'Tên doanh nghiệp: Công ty TNHH Thử Nghiệm'];

let t: TestApp;
let browser: Browser;
let officerToken: string;
const contexts: BrowserContext[] = [];
const problems: string[] = [];
const consoleErrors: string[] = [];
let residencePng: Uint8Array;
let requestPdf: Uint8Array;

const fold = (s: string) => foldVietnamese(s).replace(/\s+/g, ' ');

async function open(options: BrowserContextOptions | keyof typeof VIEWPORTS) {
  let page: Page;
  if (typeof options === 'string') page = await openPage(browser, t.base, options);
  else {
    const c = await browser.newContext({ ...options, baseURL: t.base, bypassCSP: true });
    c.setDefaultTimeout(20_000);
    page = await c.newPage();
  }
  contexts.push(page.context());
  page.on('console', (m) => {
    // A refused form comes back as the page with its errors, status 400, as every form here does: the browser logs the status.
    const path = new URL(page.url()).pathname;
    const refusedForm =
      (/status of 400/.test(m.text()) && path.startsWith('/can-bo/so-hoa/tai-lieu/')) || (/status of 404/.test(m.text()) && path === '/can-bo/so-hoa/quet');
    if (m.type() === 'error' && !refusedForm) consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

async function audit(page: Page, label: string) {
  problems.push(...(await checkAccessibility(page, label)));
}

/** A counter dossier of the test procedure (components T-01 and T-02, on paper), filed by the officer for the applicant. */
async function counterDossier(applicant: { name: string; identifier: string }): Promise<string> {
  const components = [];
  for (const code of ['T-01', 'T-02']) components.push({ code, uploadId: await uploadPdf(t, officerToken, `${code}.pdf`) });
  const r = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
    token: officerToken,
    body: { procedureCode: TEST_PROCEDURE.code, channel: 1, applicant, form: FORM, components },
  });
  if (r.status !== 201) throw new Error(`file: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.code;
}

const click = async (page: Page, selector: string) => {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
};
/** The arrangement the page holds now: [draft page, rotation, component] per row. */
const arrangement = (page: Page) =>
  page.$$eval('#pages > li', (rows) =>
    rows.map((li) => [
      Number((li.querySelector('input[name^="p."]') as HTMLInputElement).value),
      Number((li.querySelector('input[name^="r."]') as HTMLInputElement).value),
      (li.querySelector('select') as HTMLSelectElement | null)?.value ?? '',
    ]),
  );

/**
 * The officer's whole scan, from the dossier page: upload both files, arrange, accept, wait for
 * OCR, confirm the metadata of the first document. Returns the digitised item's code.
 */
async function scanAtTheCounter(page: Page, label: string, code: string, split: boolean): Promise<string> {
  await page.goto(`/can-bo/ho-so/${code}`);
  await expect(page.locator('#so-hoa').innerText()).resolves.toContain('Số hóa');
  await expect(page.locator('main').innerText()).resolves.toContain('Chưa số hóa');
  await audit(page, `dossier page, digitisation panel (${label})`);
  await click(page, `a[href="/can-bo/so-hoa/quet?hoSo=${encodeURIComponent(code)}"]`);
  await audit(page, `scanning: choose files (${label})`);

  // The request form first, the residence page second: the officer will put them right.
  await page.setInputFiles('#files', [
    { name: 'don-de-nghi.pdf', mimeType: 'application/pdf', buffer: Buffer.from(requestPdf) },
    { name: 'xac-nhan-cu-tru.png', mimeType: 'image/png', buffer: Buffer.from(residencePng) },
  ]);
  await click(page, 'form[enctype="multipart/form-data"] button[type=submit]');
  expect(new URL(page.url()).pathname).toMatch(/^\/can-bo\/so-hoa\/quet\/[0-9a-f-]{36}$/);
  const draftId = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.locator('h1').innerText()).resolves.toBe('Sắp xếp các trang đã quét');
  await page.waitForFunction(() => [...document.querySelectorAll('#pages image')].length === 2);
  // The thumbnails are real pictures of the draft's pages.
  const thumb = await page.request.get(`/api/v1/digitisation/scans/${draftId}/pages/2/thumbnail?width=320`);
  expect(thumb.status()).toBe(200);
  expect(thumb.headers()['content-type']).toBe('image/png');
  expect(await arrangement(page)).toEqual([
    [1, 0, ''],
    [2, 0, ''],
  ]);
  await audit(page, `scanning: arrange pages (${label})`);

  // Reorder: the residence page up; turn the request form a quarter to the right, then sort into components.
  await click(page, 'button[value="up.1"]');
  expect(await arrangement(page)).toEqual([
    [2, 0, ''],
    [1, 0, ''],
  ]);
  await click(page, 'button[value="right.1"]');
  await click(page, 'button[value="right.1"]');
  await click(page, 'button[value="left.1"]');
  expect(await arrangement(page)).toEqual([
    [2, 0, ''],
    [1, 90, ''],
  ]);
  await page.selectOption('#c-0', 'T-01');
  await page.selectOption('#c-1', split ? 'T-02' : 'T-01');
  await click(page, 'button[value="update"]');
  expect(await arrangement(page)).toEqual([
    [2, 0, 'T-01'],
    [1, 90, split ? 'T-02' : 'T-01'],
  ]);
  await expect(page.locator('main').innerText()).resolves.toContain(split ? 'Đơn đề nghị: 1 trang' : 'Đơn đề nghị: 2 trang');
  await audit(page, `scanning: pages arranged (${label})`);

  await click(page, 'button[value="accept"]');
  expect(new URL(page.url()).pathname).toBe(`/can-bo/so-hoa/quet/${draftId}`);
  await expect(page.locator('h1').innerText()).resolves.toBe('Nhận dạng chữ');
  await expect(page.locator('progress').count()).resolves.toBe(split ? 2 : 1);
  await audit(page, `scanning: progress (${label})`);

  // The page polls by itself (htmx, every 2 s) until every document is read.
  await page.waitForFunction((n) => document.querySelectorAll('#scan-progress .govuk-tag--green').length === n, split ? 2 : 1, { timeout: 240_000 });
  await expect(page.locator('#scan-progress [hx-trigger]').count()).resolves.toBe(0);
  await expect(page.locator('progress').first().getAttribute('value')).resolves.toBe('100');
  await audit(page, `scanning: done (${label})`);

  // What was read: the residence page's key words, the document as the officer arranged it.
  const read = await api<{ status: string; pageCount: number; text: string; componentCode: string }>(t, 'GET', `/api/v1/digitisation/scans/${draftId}`, {
    token: officerToken,
  });
  expect(read.body).toMatchObject({ status: 'done', pageCount: split ? 1 : 2, componentCode: 'T-01' });
  const text = fold(read.body.text);
  for (const word of ['giay xac nhan cu tru', 'trang tien', 'hoan kiem', 'ha noi']) expect(text).toContain(word);
  if (!split) expect(text).toContain('don de nghi');

  await click(page, '#scan-progress form button[type=submit]');
  expect(new URL(page.url()).pathname).toMatch(/^\/can-bo\/so-hoa\/tai-lieu\//);
  const itemCode = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  expect(itemCode).toMatch(/^000\.05\.01\.G12\.SH\.\d{4}\.\d{6}$/);
  await expect(page.locator('details').first().innerText()).resolves.toMatch(/CƯ TRÚ/i);
  await audit(page, `metadata form (${label})`);

  // A date that is no date: the error stands beside the field and names it by its label.
  await page.selectOption('#m-documentType', 'other');
  await page.fill('#m-documentName', 'Giấy xác nhận cư trú');
  await page.fill('#m-issueDate', '2024-13-45');
  await page.fill('#m-validUntil', '');
  await click(page, 'button[value="confirm"]');
  await expect(page.locator('#m-issueDate-error').innerText()).resolves.toContain('Ngày ban hành');
  await expect(page.locator('.govuk-error-summary a[href="#m-issueDate"]').count()).resolves.toBe(1);
  await audit(page, `metadata form with an error (${label})`);

  await page.fill('#m-issueDate', '2024-03-05');
  await page.fill('#m-issuingAgency', 'Ủy ban nhân dân phường Tràng Tiền');
  await click(page, 'button[value="confirm"]');
  await expect(page.locator('.govuk-notification-banner--success').innerText()).resolves.toContain(`Đã xác nhận siêu dữ liệu của ${itemCode}`);
  await audit(page, `metadata confirmed (${label})`);

  // The dossier's panel: the first component digitised, with its code.
  await page.goto(`/can-bo/ho-so/${code}`);
  const panel = await page.locator('section[aria-labelledby="so-hoa"]').innerText();
  expect(panel).toContain('Đã số hóa');
  expect(panel).toContain(itemCode);
  return itemCode;
}

/** Searches the officials' page for words typed without diacritics; the hit's snippet marks them. */
async function searchFinds(page: Page, label: string, q: string, itemCode: string, dossier: string) {
  await page.goto('/can-bo/so-hoa/tim-kiem');
  await page.fill('#q', q);
  await click(page, 'form[role="search"] button[type=submit]');
  const hit = page.locator('#results li', { hasText: itemCode });
  await expect(hit.count()).resolves.toBe(1);
  await expect(hit.innerText()).resolves.toContain(dossier);
  const marks = await hit.locator('mark').allInnerTexts();
  expect(marks.map(fold)).toContain('cu');
  await audit(page, `search (${label})`);
}

describeWithTool(['chromium', 'ocrmypdf', 'tesseract', 'pdftoppm', 'img2pdf'], 'digitisation at the counter, in Chromium', () => {
  let tabletDossier = '';
  let desktopDossier = '';
  let citizenPage: Page;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    // Test apps start without workers; this one reads scans as a node would, so the progress is real.
    await registerDigitisationWorkers(t.ctx);
    await importTestProcedures(t);
    officerToken = await login(t, OFFICER);
    [residencePng, requestPdf] = await Promise.all([scannedVietnamesePage(), renderTextPdf([REQUEST_LINES])]);
    // The applicant of the desktop dossier has an account (signed in once with VNeID): its documents reach their repository.
    citizenPage = await open('desktop');
    await citizenPage.goto('/dang-nhap');
    await submitVneid(citizenPage, CITIZEN);
    tabletDossier = await counterDossier({ name: 'Nguyễn Văn Đức', identifier: '001085012345' });
    desktopDossier = await counterDossier({ name: CITIZEN.name, identifier: CITIZEN.identifier });
  }, 600_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });

  it('on a tablet: scan, reorder, turn, split into two components, read, confirm, and find by a word without diacritics', async () => {
    const page = await open(TABLET);
    await signInOfficial(page, OFFICER);
    const item = await scanAtTheCounter(page, 'tablet', tabletDossier, true);
    await searchFinds(page, 'tablet', 'cu tru', item, tabletDossier);

    // The second component was read too and waits for its own confirmation.
    const status = await api<{ components: { code: string; state: string }[] }>(t, 'GET', `/api/v1/dossiers/${tabletDossier}/digitisation`, {
      token: officerToken,
    });
    expect(status.body.components).toEqual([
      expect.objectContaining({ code: 'T-01', state: 'digitised' }),
      expect.objectContaining({ code: 'T-02', state: 'pending' }),
    ]);
  }, 420_000);

  it('on a desktop: both pages in one component; the applicant finds it in their repository, the officer marks the rest not required', async () => {
    const page = await open('desktop');
    await signInOfficial(page, OFFICER);
    const item = await scanAtTheCounter(page, 'desktop', desktopDossier, false);
    await searchFinds(page, 'desktop', 'xac nhan cu tru', item, desktopDossier);

    await page.goto(`/can-bo/ho-so/${desktopDossier}`);
    await page.click('section[aria-labelledby="so-hoa"] details summary');
    await page.selectOption('#exempt-component', 'T-02');
    await page.fill('#exempt-reason', 'Bản chính chỉ xuất trình để đối chiếu và đã trả lại');
    await click(page, 'form[action$="/khong-can-so-hoa"] button[type=submit]');
    const panel = await page.locator('section[aria-labelledby="so-hoa"]').innerText();
    expect(panel).toContain('Không cần số hóa');
    expect(panel).toContain('Bản chính chỉ xuất trình');
    await audit(page, 'dossier page, all digitised (desktop)');

    await citizenPage.goto('/kho-du-lieu?q=cu%20tru');
    const hit = citizenPage.locator('section[aria-labelledby="so-hoa"] li', { hasText: item });
    await expect(hit.count()).resolves.toBe(1);
    await expect(hit.locator('mark').count()).resolves.toBeGreaterThan(0);
    await audit(citizenPage, 'citizen repository search (desktop)');
    await citizenPage.goto('/kho-du-lieu?q=zzqx%20wwvk');
    await expect(citizenPage.locator('section[aria-labelledby="so-hoa"]').innerText()).resolves.toContain('Không tìm thấy');
  }, 420_000);

  it('in English and on a phone, the scanning pages read and pass axe', async () => {
    const phone = await open('phone');
    await signInOfficial(phone, OFFICER);
    await phone.goto(`/can-bo/so-hoa/quet?hoSo=${tabletDossier}&lang=en`);
    await expect(phone.locator('h1').innerText()).resolves.toBe('Digitise paper documents');
    await expect(phone.locator('#camera').getAttribute('capture')).resolves.toBe('environment');
    await audit(phone, 'scanning: choose files (phone, English)');
    // Opened without a dossier, the page asks for its code; one the officer cannot see is refused beside the field.
    await phone.goto('/can-bo/so-hoa/quet?lang=en');
    await phone.fill('#hoSo', '000.05.02.G12-000000-0000');
    await phone.setInputFiles('#files', [{ name: 'trang.png', mimeType: 'image/png', buffer: Buffer.from(residencePng) }]);
    await click(phone, 'form[enctype="multipart/form-data"] button[type=submit]');
    await expect(phone.locator('#hoSo-error').innerText()).resolves.toContain('000.05.02.G12-000000-0000');
    await expect(phone.locator('#hoSo').inputValue()).resolves.toBe('000.05.02.G12-000000-0000');
    await audit(phone, 'scanning: unknown dossier (phone, English)');
    await phone.goto('/can-bo/so-hoa/tim-kiem?q=ha%20noi');
    await expect(phone.locator('#results').innerText()).resolves.toContain('documents match');
    await audit(phone, 'search (phone, English)');
  }, 600_000);

  it('no page had a serious accessibility problem or a console error', () => {
    expect(problems).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
