import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { samplePdf, TEST_PROCEDURE } from '../../../test/dossier-fixtures.ts';
import { checkAccessibility, DEMO_CITIZENS, launchBrowser, submitVneid } from '../../../test/e2e/browser.ts';
import { recordResult } from './record-result.ts';

/**
 * Issue 10, item 9: a citizen gives out two share links from the e-data repository and
 * revokes one, in a browser with JavaScript turned off: the revoked link no longer opens,
 * the other still does. The page passes the accessibility checks with its links listed.
 */
const citizen = DEMO_CITIZENS[0];

let t: TestApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let resultCode = '';

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  ctx = await browser.newContext({ baseURL: t.base, javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  ctx.setDefaultTimeout(20_000);
  page = await ctx.newPage();
  await page.goto('/dang-nhap');
  await submitVneid(page, citizen);
  const row = await t.ctx.database.db.selectFrom('citizens').select('id').where('identifier', '=', citizen.identifier).executeTakeFirstOrThrow();
  ({ resultCode } = await t.ctx.database.db.transaction().execute(async (tx) =>
    recordResult(
      t.ctx,
      tx,
      {
        dossierCode: '000.05.01.G12-261201-0001',
        procedureCode: TEST_PROCEDURE.code,
        documentName: 'Giấy xác nhận thử nghiệm',
        kind: 'certificate',
        number: '9/GXN',
        issuerUnit: '000.05.00.G12',
        issuerName: 'Cục Xuất nhập khẩu',
        holder: { name: citizen.name, identifier: citizen.identifier },
        ownerCitizenId: row.id,
      },
      await samplePdf(),
      'staff:ky',
    ),
  ));
}, 600_000);

afterAll(async () => {
  await ctx?.close();
  await browser?.close();
  await t?.close();
});

const open = (url: string) => fetch(url, { redirect: 'manual' });
const linksOnPage = async () => (await page.locator('#lien-ket + p + .cs-table-wrap tbody tr td:nth-child(2)').allInnerTexts()).map((s) => s.trim());

describe('share links on the repository page, without JavaScript', () => {
  it('two links given out, one revoked with its button: that one stops opening, the other still works', async () => {
    await page.goto('/kho-du-lieu');
    expect(await page.locator('main').innerText()).toContain('Không có liên kết chia sẻ nào đang mở.');
    for (let i = 0; i < 2; i++) {
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: `Chia sẻ 3 ngày ${resultCode}` }).click()]);
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain(`Liên kết chia sẻ ${resultCode}`);
    }
    const [newer, older] = await linksOnPage();
    expect(newer).toMatch(/\/chia-se\//);
    expect(older).toMatch(/\/chia-se\//);
    expect(newer).not.toBe(older);
    expect((await open(older)).status).toBe(200);

    const id = new URL(older).pathname.split('/')[2].split('.')[0];
    await Promise.all([page.waitForNavigation(), page.locator(`form[action="/kho-du-lieu/lien-ket/${id}/thu-hoi"] button`).click()]);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain(`Đã thu hồi liên kết chia sẻ ${resultCode}`);
    expect(await linksOnPage()).toEqual([newer]);
    expect((await open(older)).status).toBe(404);
    const kept = await open(newer);
    expect(kept.status).toBe(200);
    expect(kept.headers.get('content-type')).toBe('application/pdf');
  });

  it('the page with its links passes the accessibility checks', async () => {
    const axeCtx = await browser.newContext({ baseURL: t.base, bypassCSP: true, storageState: await ctx.storageState() });
    const axePage = await axeCtx.newPage();
    await axePage.goto('/kho-du-lieu');
    expect(await axePage.locator('#lien-ket').count()).toBe(1);
    expect(await checkAccessibility(axePage, 'repository with share links')).toEqual([]);
    await axeCtx.close();
  });
});
