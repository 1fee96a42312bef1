import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, tokenFor, until, type TestApp } from '../../../test/helpers.ts';
import { citizenToken } from '../../../test/dossier-fixtures.ts';
import { countFunnelStep } from './count-usage.ts';
import { deliverOutbox } from '../../platform/outbox/index.ts';
import { enqueueEmcEvent } from './emc-jobs.ts';
import type { DossierEventFacts } from './emc/contract.ts';
import type { UsageView } from './schemas.ts';

/**
 * Usage analytics over HTTP on the real app: portal pages viewed from a phone, a computer and by
 * a robot are counted by page class, procedure and device (robots apart), with nothing that
 * names a visitor stored or set; the funnel and the filing form's steps; the administrators'
 * page, its charts and workbooks; EMC events sent through the durable queue to the simulator,
 * a failure retried and the event delivered exactly once.
 */
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
/** A demo procedure. */
const CODE = '1.004503';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t, 'admin');
}, 600_000);
afterAll(() => t?.close());

const view = (ua: string, url: string, token?: string) =>
  fetch(`${t.base}${url}`, { headers: { 'user-agent': ua, accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
const usage = async (query = '') => {
  const r = await api<UsageView>(t, 'GET', `/api/v1/analytics${query}`, { token: admin });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const funnelOf = (u: UsageView, code = CODE) => u.funnel.find((f) => f.code === code);

describe('counting portal pages', () => {
  it('counts views by page class and device, procedure views and the funnel’s first step; robots apart; office and API not at all', async () => {
    const before = await usage();
    const pages: [string, string][] = [
      [PHONE, '/'],
      [PHONE, `/thu-tuc/${CODE}`],
      [DESKTOP, `/thu-tuc/${CODE}`],
      [DESKTOP, '/thu-tuc'],
      [BOT, `/thu-tuc/${CODE}`],
      [DESKTOP, '/can-bo/dang-nhap'],
      [DESKTOP, '/thu-tuc/9.999999'], // no such procedure: 404, not counted
    ];
    const cookies: string[] = [];
    for (const [ua, url] of pages) {
      const r = await view(ua, url);
      await r.text();
      cookies.push(...r.headers.getSetCookie());
    }
    await api(t, 'GET', '/api/v1/procedures', { headers: { 'user-agent': DESKTOP } });
    const after = await until('the views counted', async () => {
      const u = await usage();
      return u.totals.views - before.totals.views >= 4 && u.totals.bots > before.totals.bots ? u : undefined;
    });
    expect(after.totals.views - before.totals.views).toBe(4);
    expect(after.totals.mobile - before.totals.mobile).toBe(2);
    expect(after.totals.desktop - before.totals.desktop).toBe(2);
    expect(after.totals.tablet - before.totals.tablet).toBe(0);
    expect(after.totals.bots - before.totals.bots).toBe(1);
    const pageViews = (u: UsageView, page: string) => u.pages.find((p) => p.page === page)?.views ?? 0;
    expect(pageViews(after, 'procedure') - pageViews(before, 'procedure')).toBe(2);
    expect(pageViews(after, 'home') - pageViews(before, 'home')).toBe(1);
    expect(pageViews(after, 'catalogue') - pageViews(before, 'catalogue')).toBe(1);
    expect(after.pages.some((p) => p.page.includes('dang-nhap') || p.page.includes('api'))).toBe(false);
    const svc = after.services.find((s) => s.code === CODE)!;
    expect(svc.views - (before.services.find((s) => s.code === CODE)?.views ?? 0)).toBe(2);
    expect(svc.name).toBeTruthy();
    expect(after.services.some((s) => s.code === '9.999999')).toBe(false);
    expect((funnelOf(after)?.viewed ?? 0) - (funnelOf(before)?.viewed ?? 0)).toBe(2);
    // Today is in the days, with the phone's views.
    expect(after.days).toHaveLength(30);
    expect(after.days.at(-1)!.mobile).toBeGreaterThanOrEqual(2);

    // No cookie of its own: only the app's CSRF cookie (and nothing else) is ever set on these pages.
    expect([...new Set(cookies.map((c) => c.split('=')[0]))]).toEqual(['congso_csrf']);
  });

  it('stores nothing that names a visitor: no address, no User-Agent, no account, no address of a page', async () => {
    const rows = await t.ctx.database.db.selectFrom('analytics_days').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]).sort()).toEqual(['count', 'day', 'device', 'key', 'kind', 'slot']);
    const text = JSON.stringify(rows);
    for (const leak of ['127.0.0.1', '::1', 'Mozilla', 'iPhone', 'Googlebot', '/thu-tuc/', 'congso_csrf']) expect(text).not.toContain(leak);
    expect(rows.every((r) => ['mobile', 'tablet', 'desktop', 'bot', 'unknown'].includes(r.device))).toBe(true);
  });

  it('counts the filing form and its sections (the beacon of a signed-in applicant), and the funnel steps the dossier code takes', async () => {
    const citizen = await citizenToken(t, '60000000-0000-4000-8000-000000000301', 'Lê Thị Phân Tích', '001089099301');
    const before = await usage();
    const form = await view(PHONE, `/nop-ho-so/${CODE}`, citizen);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('enctype="multipart/form-data"');
    const beacon = (fields: Record<string, string>, token = citizen) =>
      fetch(`${t.base}/phan-tich/su-kien`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'user-agent': PHONE, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await beacon({ procedure: CODE, step: 'contact' })).status).toBe(204);
    expect((await beacon({ procedure: CODE, step: 'eform' })).status).toBe(204);
    // A section that does not exist, a code that is not one, and a code the catalogue does not know.
    expect((await beacon({ procedure: CODE, step: 'payment' })).status).toBe(400);
    expect((await beacon({ procedure: '<script>', step: 'eform' })).status).toBe(400);
    expect((await beacon({ procedure: '9.999999', step: 'eform' })).status).toBe(204);
    // Only the applicant filing sends it.
    expect((await beacon({ procedure: CODE, step: 'eform' }, admin)).status).toBe(403);

    // The lead's hooks in drafts.ts and file-dossier.ts call this in their transactions; a rolled-back one counts nothing.
    await t.ctx.database.db.transaction().execute(async (tx) => {
      await countFunnelStep(tx, CODE, 'draft_started');
      await countFunnelStep(tx, CODE, 'submitted');
    });
    await t.ctx.database.db
      .transaction()
      .execute(async (tx) => {
        await countFunnelStep(tx, CODE, 'submitted');
        throw new Error('rolled back');
      })
      .catch(() => undefined); // the rollback is the point

    const after = await until('the steps counted', async () => {
      const u = await usage();
      const steps = u.eformSteps.find((s) => s.code === CODE)?.steps ?? [];
      return (steps.find((s) => s.step === 'eform')?.reached ?? 0) > 0 ? u : undefined;
    });
    const reached = (u: UsageView, step: string) => u.eformSteps.find((s) => s.code === CODE)?.steps.find((s) => s.step === step)?.reached ?? 0;
    expect(reached(after, 'form') - reached(before, 'form')).toBe(1);
    expect(reached(after, 'contact') - reached(before, 'contact')).toBe(1);
    expect(reached(after, 'eform') - reached(before, 'eform')).toBe(1);
    expect(after.eformSteps.some((s) => s.code === '9.999999')).toBe(false);
    const f = funnelOf(after)!;
    const b = funnelOf(before)!;
    expect(f.draftStarted - b.draftStarted).toBe(1);
    expect(f.submitted - b.submitted).toBe(1);
    expect(f.draftRate).toBe(Math.round((f.draftStarted / f.viewed) * 1000) / 10);
    // Left at the last page step: reached the review and did not file.
    const steps = after.eformSteps.find((s) => s.code === CODE)!;
    const review = steps.steps.find((s) => s.step === 'review')!;
    expect(review.left).toBe(Math.max(0, review.reached - steps.submitted));
  });

  it('refuses a period that is not one', async () => {
    const r = await api<{ error: { code: string } }>(t, 'GET', '/api/v1/analytics?from=2026-02-01&to=2026-01-01', { token: admin });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect((await api(t, 'GET', '/api/v1/analytics?from=2024-01-01&to=2026-01-01', { token: admin })).status).toBe(400);
    expect((await api(t, 'GET', '/api/v1/analytics?from=2026-02-30', { token: admin })).status).toBe(400);
  });
});

describe('the administrators’ page', () => {
  it('shows the figures with charts as images and every table as a workbook; auditors read it, others do not', async () => {
    const page = await fetch(`${t.base}/can-bo/thong-ke-truy-cap`, { headers: { authorization: `Bearer ${admin}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Thống kê truy cập Cổng dịch vụ công');
    for (const chart of ['days', 'devices', 'services'])
      expect(html).toMatch(new RegExp(`<img src="/can-bo/thong-ke-truy-cap/bieu-do\\.svg\\?[^"]*chart=${chart}[^"]*" alt="[^"]+`));
    expect(html).toContain('id="usage-funnel"');
    expect(html).toContain('id="emc-status"');
    expect(html).toContain('href="/can-bo/thong-ke-truy-cap"'); // the menu entry

    const svg = await fetch(`${t.base}/can-bo/thong-ke-truy-cap/bieu-do.svg?chart=days&lang=vi`, { headers: { authorization: `Bearer ${admin}` } });
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    const body = await svg.text();
    expect(body).toContain('<svg');
    expect(body).not.toContain(' style="');
    expect(body).toContain('Điện thoại');

    const xlsx = await fetch(`${t.base}/can-bo/thong-ke-truy-cap/bang.xlsx?table=services`, { headers: { authorization: `Bearer ${admin}` } });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0];
    expect(ws.getRow(2).values).toEqual([undefined, 'Mã thủ tục', 'Tên thủ tục', 'Lượt xem']);
    const row = [3, 4, 5, 6].map((i) => ws.getRow(i)).find((r) => r.getCell(1).value === CODE)!;
    expect(typeof row.getCell(3).value).toBe('number');

    const auditor = await tokenFor(t, 'auditor');
    expect((await fetch(`${t.base}/can-bo/thong-ke-truy-cap`, { headers: { authorization: `Bearer ${auditor}` } })).status).toBe(200);
    const specialist = await tokenFor(t, 'specialist');
    expect((await fetch(`${t.base}/can-bo/thong-ke-truy-cap`, { headers: { authorization: `Bearer ${specialist}` } })).status).toBe(403);
    expect((await api(t, 'GET', '/api/v1/analytics', { token: specialist })).status).toBe(403);

    // A period refused: the page says why, next to the field.
    const bad = await fetch(`${t.base}/can-bo/thong-ke-truy-cap?from=2026-03-01&to=2026-01-01`, { headers: { authorization: `Bearer ${admin}` } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('href="#from"');
  });
});

describe('EMC events', () => {
  const facts = (seq: number): DossierEventFacts => ({
    dossierCode: '000.05.01.G12-261207-9001',
    procedureCode: CODE,
    procedureName: 'Thủ tục thử EMC',
    nationalStatus: seq === 1 ? 1 : 2,
    action: seq === 1 ? 'submit' : 'receive',
    channel: 2,
    paidOnline: false,
    feeBearing: false,
    seq,
    ownerCitizenId: '60000000-0000-4000-8000-000000000301',
    applicantIdentifier: '001089099301',
    location: '000.05.01.G12',
  });
  const sim = (path: string, body?: unknown) =>
    fetch(
      `${t.base}/simulators/emc${path}`,
      body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );

  it('sends each action once through the queue: the first attempt fails (500), the retry delivers it, nothing is sent twice', async () => {
    await sim('/faults', { reset: true });
    // What earlier tests' actions left is delivered first: from here on, the outbox holds only this test's event.
    while ((await deliverOutbox(t.ctx, 'emc', { now: 'ignore-backoff' })).sent > 0);
    await t.ctx.database.db.transaction().execute(async (tx) => {
      await enqueueEmcEvent(t.ctx, tx, facts(2));
      // The same action again (a retried state change): recorded once.
      await enqueueEmcEvent(t.ctx, tx, facts(2));
    });
    // A state change rolled back sends nothing.
    await t.ctx.database.db
      .transaction()
      .execute(async (tx) => {
        await enqueueEmcEvent(t.ctx, tx, facts(3));
        throw new Error('rolled back');
      })
      .catch(() => undefined); // the rollback is the point
    const rows = await t.ctx.database.db
      .selectFrom('outbox_messages')
      .select(['id', 'dedupe'])
      .where('adapter', '=', 'emc')
      .where('key', '=', facts(2).dossierCode)
      .execute();
    expect(rows.map((r) => r.dedupe)).toEqual([`${facts(2).dossierCode}:2`]);

    // The state change woke the sender: a job that sends every event waiting (the events of a few seconds share one).
    const waiting = await t.ctx.jobs.boss.fetch('outbox.emc');
    expect(waiting.length).toBeLessThanOrEqual(1);

    await sim('/faults', { failNext: 1, status: 500 });
    const first = await deliverOutbox(t.ctx, 'emc', { now: 'ignore-backoff' });
    expect(first).toMatchObject({ sent: 0, failed: 1 });
    const failing = await usage();
    expect(failing.emc.configured).toBe(true);
    expect(failing.emc.failed).toBeGreaterThanOrEqual(1);
    expect(failing.emc.lastError).toContain('HTTP 500');

    expect(await deliverOutbox(t.ctx, 'emc', { now: 'ignore-backoff' })).toMatchObject({ sent: 1, failed: 0 });
    // The job run again: nothing left to send.
    expect(await deliverOutbox(t.ctx, 'emc', { now: 'ignore-backoff' })).toMatchObject({ sent: 0, failed: 0 });

    const got = (await (await sim(`/events?dossier=${encodeURIComponent(facts(2).dossierCode)}`)).json()) as { events: { event: Record<string, unknown> }[] };
    expect(got.events).toHaveLength(1);
    expect(got.events[0].event).toMatchObject({
      CodeProfile: facts(2).dossierCode,
      SiteId: 'congso-demo',
      CodeTTHC: CODE,
      Status: 1,
      FormsReception: 1,
      FormsPayments: 0,
      IsDVCBC: 0,
      User: { ID_local: facts(2).ownerCitizenId, ID_QG: '001089099301', TYPE: 1, LOCATION: '000.05.01.G12' },
    });
    const sent = await usage();
    expect(sent.emc.sent).toBeGreaterThanOrEqual(1);
    expect(sent.emc.lastSentAt).not.toBeNull();
  });

  it('the simulator refuses a malformed event and a wrong token (400)', async () => {
    const token = t.config.emc!.token;
    const post = (body: unknown, auth = token) =>
      fetch(`${t.base}/simulators/emc/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-emc-token': auth },
        body: JSON.stringify(body),
      });
    expect((await post({ CodeProfile: 'x' })).status).toBe(400);
    expect(await (await post({ CodeProfile: 'x' }, 'wrong-token')).json()).toEqual({ error: 'unknown site token' });
  });
});
