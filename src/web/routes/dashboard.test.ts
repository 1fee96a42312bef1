import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, LIGHT_PROCEDURE } from '../../../test/dossier-fixtures.ts';
import { readBack } from '../../platform/pdf/testing.ts';

/**
 * The leaders' dashboard over HTTP (issue 15): dossiers filed and worked on through the API at
 * set times (the app's clock moved), then the page's figures, the dossiers each figure links to,
 * the exports and the monthly report, and who may read which unit.
 *
 * In unit 000.05.01 (Hà Nội), all filed online on a Monday at least six weeks ago and received
 * that day: A returned the next day (on time), B returned four weeks later (late: ten working
 * days), C still in progress (overdue), E filed and never received; D filed and received today.
 */
const HN = '000.05.01.G12';
const HCM = '000.05.02.G12';
const DAY = 86_400_000;
const vnDay = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);

let t: TestApp;
let leader = '';
const codes: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };
let from = '';
let today = '';

/** Runs `fn` with the app's clock at an instant. */
async function at<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  t.ctx.config.clockOffsetMs = ms - Date.now();
  try {
    return await fn();
  } finally {
    t.ctx.config.clockOffsetMs = 0;
  }
}

const page = async (url: string, token = leader) => {
  const r = await fetch(`${t.base}${url}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  return {
    status: r.status,
    type: r.headers.get('content-type') ?? '',
    disposition: r.headers.get('content-disposition') ?? '',
    bytes: new Uint8Array(await r.arrayBuffer()),
  };
};
const html = async (url: string, token = leader) => {
  const r = await page(url, token);
  return { status: r.status, text: new TextDecoder().decode(r.bytes) };
};
const unentity = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"');
/** The part of a page inside the element with this id, up to its table's end. */
const tableOf = (text: string, id: string) => {
  const start = text.indexOf(`id="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  return text.slice(start, text.indexOf('</table>', start));
};
/** The dossier codes a work-queue page lists, and the count it states. */
async function queue(url: string, token = leader) {
  const r = await html(url, token);
  expect(r.status, url).toBe(200);
  const count = /<p class="govuk-body">(\d+) hồ sơ<\/p>/.exec(r.text)?.[1];
  const listed = [...r.text.matchAll(/href="\/can-bo\/ho-so\/([^"?#/]+)"/g)].map((m) => decodeURIComponent(m[1]));
  return { count: Number(count), codes: [...new Set(listed)].sort() };
}

beforeAll(async () => {
  t = await startTestApp();
  const admin = await login(t, 'admin');
  const imported = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [LIGHT_PROCEDURE] });
  expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  const citizen = await citizenToken(t, '50000000-0000-4000-8000-000000001515');
  const desk = await login(t, 'tiepnhan.xnk');
  leader = await login(t, 'lanhdao');
  const specialist = await login(t, 'chuyenvien');
  const signer = await login(t, 'ky');
  // A Monday at least six weeks ago, 09:00 in Viet Nam: received then, due ten working days later.
  let start = Date.parse(`${vnDay(Date.now() - 42 * DAY)}T09:00:00+07:00`);
  while (new Date(start + 7 * 3_600_000).getUTCDay() !== 1) start -= DAY;
  from = vnDay(start);
  today = vnDay(Date.now());
  const file = async () => {
    const r = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.code;
  };
  const step = async (token: string, code: string, body: Record<string, unknown>) => {
    const r = await act(t, token, code, body);
    expect(r.status, `${String(body.action)} ${code}: ${JSON.stringify(r.body)}`).toBe(200);
  };
  const toReturn = async (code: string) => {
    await step(leader, code, { action: 'assign', assignee: 'chuyenvien' });
    await step(specialist, code, { action: 'propose' });
    await step(signer, code, { action: 'approve' });
    await step(desk, code, { action: 'return', method: 'online' });
  };
  await at(start, async () => {
    for (const k of ['A', 'B', 'C', 'E'] as const) codes[k] = await file();
    for (const k of ['A', 'B', 'C'] as const) await step(desk, codes[k], { action: 'receive' });
  });
  await at(start + DAY, () => toReturn(codes.A));
  await at(start + 28 * DAY, () => toReturn(codes.B));
  await step(leader, codes.C, { action: 'assign', assignee: 'chuyenvien' });
  codes.D = await file();
  await step(desk, codes.D, { action: 'receive' });
}, 300_000);
afterAll(() => t?.close());

describe("the leaders' dashboard", () => {
  it("shows the unit's figures, and each figure opens exactly the dossiers it counts", async () => {
    const r = await html(`/can-bo/chi-so?period=custom&from=${from}&to=${today}`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('id="score-total"');
    // The unit's row: received 4 (online 4), carried over 0, processed 2 (on time 1, late 1), in progress 2 (overdue 1), online 100%.
    const units = tableOf(r.text, 'unit-table');
    const row = units.slice(units.indexOf('Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội'));
    const figures = [...row.slice(0, row.indexOf('</tr>')).matchAll(/<td[^>]*>(?:<a[^>]*>)?([^<]+)/g)].map((m) => m[1].trim());
    expect(figures).toEqual(['4', '4', '0', '2', '1', '1', '2', '1', '100,0%']);

    const hrefOf = (aria: string) => {
      const m = new RegExp(`href="([^"]+)" aria-label="[^"]*${aria}`).exec(row);
      expect(m, aria).not.toBeNull();
      return unentity(m![1]);
    };
    const late = hrefOf('Quá hạn, ');
    expect(late).toBe(`/can-bo/ho-so?queue=all&unit=${HN}&outcome=late&finishedFrom=${from}&finishedTo=${today}`);
    expect(await queue(late)).toEqual({ count: 1, codes: [codes.B] });
    expect(await queue(hrefOf('Đúng hạn, '))).toEqual({ count: 1, codes: [codes.A] });
    expect(await queue(hrefOf('Tiếp nhận, '))).toEqual({ count: 4, codes: [codes.A, codes.B, codes.C, codes.D].sort() });
    expect(await queue(hrefOf('Đã giải quyết, '))).toEqual({ count: 2, codes: [codes.A, codes.B].sort() });
    expect(await queue(hrefOf('Đang giải quyết, '))).toEqual({ count: 2, codes: [codes.C, codes.D].sort() });
    expect(await queue(hrefOf('Trong đó quá hạn, '))).toEqual({ count: 1, codes: [codes.C] });

    // Every linked figure on the page (summary, units, indicators, procedures) equals the number of dossiers its link lists.
    const links = [...r.text.matchAll(/<a class="govuk-link" href="(\/can-bo\/ho-so\?[^"]+)" aria-label="[^"]*">([\d.]+)<\/a>/g)];
    expect(links.length).toBeGreaterThan(15);
    for (const [, href, n] of links) expect((await queue(unentity(href))).count, unentity(href)).toBe(Number(n.replace(/\./g, '')));

    // The overdue list shows C; the due-soon list is empty (D is due in ten working days).
    expect(tableOf(r.text, 'overdue-table')).toContain(codes.C);
  });

  it('exports every table as XLSX and CSV', async () => {
    const q = `period=custom&from=${from}&to=${today}`;
    const x = await page(`/can-bo/chi-so/xuat.xlsx?table=units&${q}`);
    expect(x.status).toBe(200);
    expect(x.type).toContain('spreadsheetml');
    expect(x.disposition).toContain(`chi-so-units-${from}-${today}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(x.bytes) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(2).values).toEqual([
      undefined,
      'Đơn vị',
      'Tiếp nhận',
      'Trong đó trực tuyến',
      'Kỳ trước chuyển sang',
      'Đã giải quyết',
      'Đúng hạn',
      'Quá hạn',
      'Đang giải quyết',
      'Trong đó quá hạn',
      'Tỷ lệ trực tuyến',
    ]);
    expect(ws.getRow(3).values).toEqual([undefined, 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội', 4, 4, 0, 2, 1, 1, 2, 1, 100]);
    expect(ws.getRow(4).values).toEqual([undefined, 'Cộng', 4, 4, 0, 2, 1, 1, 2, 1, 100]);

    const csv = await page(`/can-bo/chi-so/xuat.csv?table=units&${q}&lang=en`);
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder()
      .decode(csv.bytes)
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lines[0]).toBe('Unit,Received,Of which online,Carried over,Processed,On time,Late,In progress,Of which overdue,Online share');
    expect(lines[1]).toMatch(/,4,4,0,2,1,1,2,1,100$/);

    for (const table of ['indicators', 'trend', 'unit_ranking', 'procedures', 'overdue', 'due_soon']) {
      const y = await page(`/can-bo/chi-so/xuat.xlsx?table=${table}&${q}`);
      expect(y.status, table).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(Buffer.from(y.bytes) as unknown as ArrayBuffer);
      expect(book.worksheets[0].rowCount, table).toBeGreaterThanOrEqual(2);
      const c = await page(`/can-bo/chi-so/xuat.csv?table=${table}&${q}`);
      expect(c.status, table).toBe(200);
    }
    const overdue = new TextDecoder().decode((await page(`/can-bo/chi-so/xuat.csv?table=overdue&${q}`)).bytes).split('\r\n');
    expect(overdue.filter((l) => l.startsWith(codes.C))).toHaveLength(1);
    const indicators = new TextDecoder().decode((await page(`/can-bo/chi-so/xuat.csv?table=indicators&${q}`)).bytes);
    // On time among those returned: 1 of 2 (50%), scored 6 × 0.5 ÷ 0.9 = 3.33.
    expect(indicators).toMatch(/Hồ sơ trả kết quả không quá hạn,[^\r\n]*,1,2,50,90,6,3\.33\r\n/);
  });

  it('prints the monthly report as a PDF with the national header', async () => {
    const month = from.slice(0, 7);
    const r = await page(`/can-bo/chi-so/bao-cao.pdf?month=${month}&unit=${HN}`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/pdf');
    const { flow } = await readBack(r.bytes);
    expect(flow).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(flow).toContain(`THÁNG ${month.slice(5, 7)}/${month.slice(0, 4)}`);
    expect(flow).toContain('Số hồ sơ tiếp nhận trong tháng: 3 (trong đó trực tuyến: 3, tỷ lệ 100,0%); từ tháng trước chuyển sang: 0.');
    expect(flow).toContain('Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội');
    expect(flow).toContain('Thử nghiệm');
    const bad = await page('/can-bo/chi-so/bao-cao.pdf?month=2026-13');
    expect(bad.status).toBe(400);
  });

  it('refuses a unit the leader does not lead, and the page to those who do not lead', async () => {
    const hcm = await login(t, 'lanhdao.hcm');
    for (const url of [
      `/can-bo/chi-so?unit=${HN}`,
      `/can-bo/chi-so/xuat.xlsx?table=units&unit=${HN}`,
      `/can-bo/chi-so/xuat.csv?table=overdue&unit=${HN}`,
      `/can-bo/chi-so/bao-cao.pdf?unit=${HN}`,
    ]) {
      const r = await html(url, hcm);
      expect(r.status, url).toBe(404);
      expect(r.text).not.toContain(codes.C);
    }
    expect((await html(`/can-bo/ho-so?unit=${HCM}`)).status).toBe(404);
    // Their own unit has nothing of Hà Nội's.
    const own = await html(`/can-bo/chi-so?unit=${HCM}&period=custom&from=${from}&to=${today}`, hcm);
    expect(own.status).toBe(200);
    expect(own.text).not.toContain(codes.C);
    const specialist = await login(t, 'chuyenvien');
    expect((await html('/can-bo/chi-so', specialist)).status).toBe(403);
    // A period written wrong comes back on the form.
    const wrong = await html('/can-bo/chi-so?period=custom&from=2026-02-30&to=2026-03-01');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('govuk-error-summary');
  });

  it("puts this month's score on a leader's overview, and nothing for a specialist", async () => {
    const mine = await html('/can-bo');
    expect(mine.text).toContain('id="overview-score"');
    expect(mine.text).toContain('href="/can-bo/chi-so"');
    const specialist = await html('/can-bo', await login(t, 'chuyenvien'));
    expect(specialist.text).not.toContain('id="overview-score"');
  });
});
