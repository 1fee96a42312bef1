import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_TOTP, nextOtp, startTestApp, type TestApp } from '../helpers.ts';
import { launchBrowser, submitOfficialForm } from './browser.ts';

let t: TestApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  const ctx = await browser.newContext({ baseURL: t.base, viewport: { width: 1280, height: 900 } });
  ctx.setDefaultTimeout(15_000);
  page = await ctx.newPage();
  await page.goto('/can-bo/dang-nhap');
  await submitOfficialForm(page, 'admin', 'congso-demo', await nextOtp(t, 'admin'));
  expect(DEMO_TOTP.admin).toBeDefined();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What a refused form must leave as it was: the units, and the audit trail's unit entries. */
async function unitsAndAudit() {
  const db = t.ctx.database.db;
  const units = (await db.selectFrom('org_units').select(['id', 'parent_id', 'kind', 'name']).execute()).sort(byId);
  const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'org.unit.create'`.execute(db);
  return { units, audited: audit.rows[0].n };
}

describe('administration pages', () => {
  it('adds a unit through the form; a bad code is shown next to its field and nothing is stored', async () => {
    const before = await unitsAndAudit();
    expect(before.units.length).toBeGreaterThan(0);
    await page.goto('/can-bo/don-vi');
    await page.fill('#id', 'khong hop le');
    await page.fill('#name', 'Phòng Số hóa');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/can-bo/don-vi"] button[type=submit]')]);
    expect(await page.locator('#id-error').first().textContent()).toContain('mã định danh');
    expect(await page.inputValue('#name')).toBe('Phòng Số hóa');
    expect(await unitsAndAudit()).toEqual(before);
    await page.fill('#id', '000.05.05.G12');
    await page.selectOption('#parentId', '000.05.00.G12');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/can-bo/don-vi"] button[type=submit]')]);
    expect(await page.locator('.govuk-notification-banner').first().textContent()).toContain('000.05.05.G12');
    expect(await page.locator('main').first().textContent()).toContain('Phòng Số hóa');
    const after = await unitsAndAudit();
    expect(after.units).toEqual([...before.units, { id: '000.05.05.G12', parent_id: '000.05.00.G12', kind: 'unit', name: 'Phòng Số hóa' }].sort(byId));
    expect(after.audited).toBe(before.audited + 1);
  });

  it('creates a signing leader, who is shown the enrolment QR code once', async () => {
    await page.goto('/can-bo/nhan-su');
    await page.fill('#fullName', 'Nguyễn Văn Ấn');
    await page.fill('#username', 'an.nguyen');
    await page.fill('#password', 'mat-khau-moi-2026');
    await page.selectOption('#role', 'signing_leader');
    await page.selectOption('#unitId', '000.05.00.G12');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/can-bo/nhan-su"] button[type=submit]')]);
    expect(await page.locator('.govuk-notification-banner').first().textContent()).toContain('an.nguyen');
    expect(await page.locator('.cs-qr img').isVisible()).toBe(true);
    expect((await page.locator('.cs-qr .cs-mono').textContent())?.trim()).toMatch(/^[A-Z2-7]{32}$/);
    await page.goto('/can-bo/nhan-su');
    expect(await page.locator('.cs-qr').count()).toBe(0);
  });

  it("edits an official's roles and disables the account, which then cannot sign in", async () => {
    await page.goto('/can-bo/nhan-su/chuyenvien');
    await page.selectOption('#role', 'clerk');
    await page.selectOption('#unitId', '000.01.01.G12');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/vai-tro"] button[type=submit]')]);
    expect(await page.locator('form[action$="/vai-tro"] .govuk-checkboxes__label').count()).toBe(2);
    await page.uncheck('input[name=keep][value="specialist@000.05.01.G12"]');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/vai-tro"] button[type=submit]')]);
    expect(await page.locator('form[action$="/vai-tro"] .govuk-checkboxes__label').count()).toBe(1);
    expect(await page.locator('form[action$="/vai-tro"] .govuk-checkboxes__label').first().textContent()).toContain('Văn thư');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/trang-thai"] button[type=submit]')]);
    expect(await page.locator('main').first().textContent()).toContain('Đã khóa');
    const other = await browser.newPage({ baseURL: t.base });
    await other.goto('/can-bo/dang-nhap');
    await submitOfficialForm(other, 'chuyenvien', 'congso-demo');
    expect(await other.locator('.govuk-error-summary').isVisible()).toBe(true);
    await other.close();
  });
});
