import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../../../test/helpers.ts';
import { checkAccessibility, launchBrowser, VIEWPORTS } from '../../../../test/e2e/browser.ts';
import { SESSION_COOKIE } from '../../../platform/auth/sessions.ts';
import type { Principal, StaffRole } from '../../../platform/auth/roles.ts';
import { listStaff } from '../../../modules/organisation/list-staff.ts';
import { registerExchangedDocument } from '../../../modules/documents/incoming/register-exchanged-document.ts';
import { takeIncomingAction } from '../../../modules/documents/incoming/take-incoming-action.ts';

/**
 * The incoming documents' pages in a browser: the leader directs a document from a phone-sized
 * screen, the handler reports progress and completes it; the clerk's pages. Axe on every page.
 */
let t: TestApp;
let browser: Browser;
let docId: string;
const staff: Record<string, Principal> = {};

const overflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function pageAs(username: string, kind: keyof typeof VIEWPORTS): Promise<Page> {
  const session = await t.ctx.sessions.create(staff[username]);
  const ctx = await browser.newContext({ ...VIEWPORTS[kind], baseURL: t.base, bypassCSP: true });
  ctx.setDefaultTimeout(20_000);
  await ctx.addCookies([{ name: SESSION_COOKIE, value: session.id, url: t.base }]);
  return ctx.newPage();
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  for (const s of await listStaff(t.ctx))
    staff[s.username] = {
      kind: 'staff',
      id: s.id,
      username: s.username,
      name: s.fullName,
      roles: s.roles.map((r) => ({ role: r.role as StaffRole, unitId: r.unitId })),
      mfa: true,
    };
  const r = await t.ctx.database.db.transaction().execute((tx) =>
    registerExchangedDocument(
      t.ctx,
      tx,
      {
        kind: 'document',
        from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
        to: [{ organId: '000.00.00.G12', organName: 'Bộ Công Thương' }],
        documentId: '000.00.00.G22,2026/12/01,9001/VPCP-KTTH',
        code: { number: '9001', notation: 'VPCP-KTTH' },
        promulgation: { place: 'Hà Nội', date: '2026-12-01' },
        documentType: { type: 1, typeDetail: 2, typeName: 'Công văn' },
        subject: 'Về việc rà soát thủ tục xuất khẩu gạo',
        signer: { position: 'Phó Chủ nhiệm', fullName: 'Trần Văn Sơn' },
        toPlaces: [],
        otherInfo: { appendixes: [] },
        responseFor: [],
        business: { type: 0, replacementInfo: [] },
        trace: [],
        attachments: [{ contentId: 'cid:1', name: 'cong-van-9001.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 e2e') }],
      },
      { signature: { present: true, valid: false, weak: true, algorithm: 'rsa-sha1', reason: 'digest mismatch' }, rawBlob: 'b'.repeat(64), via: 'axis' },
    ),
  );
  docId = r.id;
  await takeIncomingAction(t.ctx, docId, { action: 'register', version: 1 }, staff.vanthu);
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('incoming documents in the browser', () => {
  it('the leader directs the document from a phone', async () => {
    const p = await pageAs('lanhdao', 'phone');
    await p.goto('/can-bo/van-ban-den/cho-chi-dao');
    expect(await checkAccessibility(p, 'awaiting direction (phone)')).toEqual([]);
    await p.getByRole('link', { name: /9001\/VPCP-KTTH/ }).click();
    await p.waitForURL(/\/can-bo\/van-ban-den\/[0-9a-f-]+$/);
    expect(await p.locator('body').innerText()).toContain('Chữ ký số không hợp lệ');
    expect(await overflow(p)).toBeLessThanOrEqual(0);
    expect(await checkAccessibility(p, 'document, direct form (phone)')).toEqual([]);
    // Without a handler the form says what is missing, on the field.
    await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Giao xử lý' }).click()]);
    expect(await p.locator('#direct-handlerId-error').innerText()).toContain('Cần chọn cán bộ chủ trì');
    expect(await checkAccessibility(p, 'direct form with an error (phone)')).toEqual([]);
    await p.selectOption('#direct-handlerId', { label: 'Trần Minh Đức' });
    await p.fill('#direct-instructions', 'Chủ trì rà soát, báo cáo Bộ trưởng');
    await p.fill('#direct-deadline', '2099-06-30');
    await Promise.all([p.waitForURL(/done=direct/), p.getByRole('button', { name: 'Giao xử lý' }).click()]);
    expect(await p.locator('.govuk-tag').first().innerText()).toContain('Đã phân công xử lý');
    await p.context().close();
  }, 300_000);

  it('the handler reports progress and completes it', async () => {
    const p = await pageAs('chuyenvien', 'phone');
    await p.goto('/can-bo/van-ban-den/cua-toi');
    expect(await checkAccessibility(p, 'my documents (phone)')).toEqual([]);
    await p.getByRole('link', { name: /9001\/VPCP-KTTH/ }).click();
    await p.fill('#progress-note', 'Đã lấy ý kiến Cục Xuất nhập khẩu');
    await Promise.all([p.waitForURL(/done=progress/), p.getByRole('button', { name: 'Báo cáo tiến độ' }).click()]);
    expect(await checkAccessibility(p, 'document in progress (phone)')).toEqual([]);
    await Promise.all([p.waitForURL(/done=complete/), p.getByRole('button', { name: 'Hoàn thành xử lý' }).click()]);
    expect(await p.locator('.govuk-tag').first().innerText()).toContain('Đã hoàn thành');
    await p.context().close();
  }, 300_000);

  it("the clerk's list, register and paper form are accessible", async () => {
    const p = await pageAs('vanthu', 'desktop');
    for (const [url, label] of [
      ['/can-bo/van-ban-den', 'incoming list'],
      ['/can-bo/van-ban-den/so', 'incoming register'],
      ['/can-bo/van-ban-den/moi', 'paper form'],
    ]) {
      await p.goto(url);
      expect(await checkAccessibility(p, label)).toEqual([]);
    }
    expect(await p.locator('body').innerText()).toContain('Vào sổ văn bản giấy');
    // The register lists the document with its handler.
    await p.goto('/can-bo/van-ban-den/so');
    expect(await p.locator('table').innerText()).toContain('Trần Minh Đức');
    await p.context().close();
  }, 300_000);
});
