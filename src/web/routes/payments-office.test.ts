import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { importFeeProcedure } from '../../../test/dossier-fixtures.ts';
import { bearerPages, FEE_UNIT as UNIT, fileFeeDossier, financePages, payAtDesk, signInFeeOffice, type FeeOffice } from '../../../test/payment-fixtures.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { paymentSimulatorModule } from '../../simulators/payment/routes.ts';
import { setFault, simulatorFor, type Simulator } from '../../modules/payments/testing/fixtures.ts';

/**
 * Issue 14's finance pages over HTTP, as a browser without script uses them: the ledger of a
 * unit (totals, the day table, the chart image, the XLSX read back), and the reconciliation
 * (a run from the page's button lists a mismatch planted in the platform's statement, which the
 * resolve form closes with a note).
 */
let t: TestApp;
let sim: Simulator;
let pages: { base: string; close(): Promise<void> };
let tok: FeeOffice;

beforeAll(async () => {
  t = await startTestApp();
  sim = await simulatorFor(t, paymentSimulatorModule);
  await importFeeProcedure(t);
  tok = await signInFeeOffice(t, '30000000-0000-4000-8000-000000000142', { username: 'ketoan.soquy', name: 'Đỗ Minh Kế Toán' });
  pages = await financePages(t, tok.finance);
}, 600_000);
afterAll(async () => {
  await pages?.close();
  await sim?.close();
  await t?.close();
});

const { get, page, post } = bearerPages(() => pages.base);

/** Codes behind states, methods, kinds and roles must never reach a Vietnamese page's text. */
function codesIn(html: string): string[] {
  const text = html
    .replace(/<head[\s\S]*?<\/head>/i, ' ')
    .replace(/<(script|style|code)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ');
  return [
    ...text.matchAll(
      /\b(pending|success|failed|expired|online|cash|card|missing_here|missing_there|amount_differs|state_differs|finance_officer|unit_leader|undefined|NaN)\b/g,
    ),
  ].map((m) => m[0]);
}

/** A dossier filed online that owes 1 005 000 đồng at filing, paid at the desk through the API. */
async function paidAtDesk(): Promise<string> {
  const code = await fileFeeDossier(t, tok.citizen);
  await payAtDesk(t, tok.desk, code);
  return code;
}

describe('the fees ledger', () => {
  it('shows the unit’s payments of the period with totals per day, the chart as an image, and the same figures in the XLSX', async () => {
    const [a, b] = [await paidAtDesk(), await paidAtDesk()];
    const today = vietnamDay(new Date());
    const query = `unit=${UNIT}&from=${today}&to=${today}`;

    const ledger = await page(tok.finance, `/can-bo/thanh-toan?${query}`);
    expect(ledger.status).toBe(200);
    expect(ledger.html).toContain(`href="/can-bo/ho-so/${a}#phi-le-phi"`);
    expect(ledger.html).toContain(`href="/can-bo/ho-so/${b}#phi-le-phi"`);
    expect(ledger.html).toContain('2.010.000 đ');
    expect(ledger.html).toMatch(/id="ledger-days"[\s\S]*2\.010\.000 đ/);
    expect(ledger.html).toMatch(/<img src="\/can-bo\/thanh-toan\/bieu-do\.svg\?[^"]+" alt="Biểu đồ số tiền đã thu theo ngày/);
    expect(ledger.html).toContain('href="/can-bo/thanh-toan/doi-soat"');
    expect(codesIn(ledger.html)).toEqual([]);
    // The default period (the last seven days) includes today.
    expect((await page(tok.finance, '/can-bo/thanh-toan')).html).toContain(a);

    const chart = await page(tok.finance, `/can-bo/thanh-toan/bieu-do.svg?${query}&lang=vi`);
    expect(chart.status).toBe(200);
    expect(chart.type).toContain('image/svg+xml');
    expect(chart.html).toContain('<svg');
    expect(chart.html).not.toContain(' style="');
    expect(chart.html).toContain('Tại quầy');

    const x = await get(tok.finance, `/can-bo/thanh-toan/so-thu.xlsx?${query}&lang=vi`);
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await x.arrayBuffer()) as never);
    const rows = (wb.worksheets[0].getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(String(rows[0][0])).toContain('Sổ thu phí, lệ phí');
    expect(rows[1]).toEqual(['Thời điểm thu', 'Mã hồ sơ', 'Mã tham chiếu', 'Hình thức', 'Số tiền (đồng)', 'Đã hoàn trả (đồng)', 'Biên lai']);
    const mine = rows.filter((r) => r[1] === a || r[1] === b);
    expect(mine).toHaveLength(2);
    for (const r of mine) {
      expect(r[0]).toBeInstanceOf(Date);
      expect(r[3]).toBe('Tiền mặt');
      expect(r[4]).toBe(1_005_000);
      expect(String(r[6])).toMatch(/\d{7}$/);
    }
    expect(rows.at(-1)).toEqual(['Tổng cộng', undefined, undefined, undefined, 2_010_000, 0, undefined].slice(0, rows.at(-1)!.length));
  });

  it('unit leaders read it too; other roles may not; a period too long or a unit not theirs is said on the page', async () => {
    const today = vietnamDay(new Date());
    expect((await page(tok.leader, `/can-bo/thanh-toan?unit=${UNIT}&from=${today}&to=${today}`)).status).toBe(200);
    expect((await page(tok.specialist, '/can-bo/thanh-toan')).status).toBe(403);
    expect((await page(tok.leader, '/can-bo/thanh-toan/doi-soat')).status).toBe(403);
    const long = await page(tok.finance, `/can-bo/thanh-toan?unit=${UNIT}&from=2026-01-01&to=2026-12-31`);
    expect(long.status).toBe(400);
    expect(long.html).toContain('govuk-error-summary');
    expect(long.html).toContain('92 ngày');
    const other = await page(tok.finance, `/can-bo/thanh-toan?unit=000.05.04.G12&from=${today}&to=${today}`);
    expect(other.status).toBe(404);
    expect(other.html).toContain('govuk-error-summary');
    expect((await get(tok.finance, `/can-bo/thanh-toan/so-thu.xlsx?unit=000.05.04.G12&from=${today}&to=${today}`)).status).toBe(404);
  });

  it('in English', async () => {
    const en = await page(tok.finance, '/can-bo/thanh-toan?lang=en');
    expect(en.html).toContain('Fees ledger');
    expect(en.html).toContain('Collected per day');
  });
});

describe('reconciliation', () => {
  it('the run button lists a mismatch planted in the statement; the resolve form needs a note, then closes it', async () => {
    const today = vietnamDay(new Date());
    const reference = `SIM-NOT-OURS-${Date.now()}`;
    await setFault(sim, { plant: { kind: 'add_unknown', day: today, reference, amount: 75_000 } });

    const empty = await page(tok.finance, `/can-bo/thanh-toan/doi-soat?day=${today}`);
    expect(empty.status).toBe(200);
    expect(empty.html).not.toContain(reference);
    expect(empty.html).toMatch(/<button[^>]*>Đối soát ngày \d{2}\/\d{2}\/\d{4}<\/button>/);

    const run = await post(tok.finance, '/can-bo/thanh-toan/doi-soat', [['day', today]]);
    expect(run.status).toBe(303);
    expect(run.headers.get('location')).toBe(`/can-bo/thanh-toan/doi-soat?day=${today}&done=run`);
    const listed = await page(tok.finance, `/can-bo/thanh-toan/doi-soat?day=${today}&done=run`);
    expect(listed.html).toContain('Đã đối soát xong.');
    expect(listed.html.match(new RegExp(reference, 'g'))?.length).toBeGreaterThan(0);
    expect(listed.html).toContain('Có trên sao kê, không có trên sổ');
    expect(listed.html).toContain('75.000 đ, đã thanh toán');
    expect(codesIn(listed.html)).toEqual([]);
    const action = new RegExp(
      `id="item-([0-9a-f-]{36})"[^]*?${reference}[^]*?<form method="post" action="(/can-bo/thanh-toan/doi-soat/chenh-lech/[0-9a-f-]+)"`,
    ).exec(listed.html);
    expect(action, 'a resolve form for the planted mismatch').toBeTruthy();
    const [, id, url] = action!;

    const noNote = await post(tok.finance, url, [
      ['day', today],
      ['note', '  '],
    ]);
    expect(noNote.status).toBe(400);
    const noNoteHtml = await noNote.text();
    expect(noNoteHtml).toContain(`href="#note-${id}"`);
    expect(noNoteHtml).toContain('Cần ghi cách đã xử lý');

    const note = 'Giao dịch của đơn vị khác trên cổng; đã báo cổng thanh toán sửa sao kê';
    const ok = await post(tok.finance, url, [
      ['day', today],
      ['note', note],
    ]);
    expect(ok.status).toBe(303);
    const after = await page(tok.finance, `/can-bo/thanh-toan/doi-soat?day=${today}&done=resolved`);
    expect(after.html).toContain('Đã xử lý');
    expect(after.html).toContain(note);
    expect(after.html).toContain('Đỗ Minh Kế Toán');
    expect(after.html).not.toContain(`action="${url}"`);
    // Resolved once: a second note is refused and the first stands.
    const again = await post(tok.finance, url, [
      ['day', today],
      ['note', 'Ghi chú khác'],
    ]);
    expect(again.status).toBe(409);
    const view = await api<{ runs: { items: { id: string; note: string | null }[] }[] }>(t, 'GET', `/api/v1/payments/reconciliation?day=${today}`, {
      token: tok.finance,
    });
    expect(view.body.runs.flatMap((r) => r.items).find((i) => i.id === id)?.note).toBe(note);
  });

  it('a day not begun is refused on the page', async () => {
    const r = await post(tok.finance, '/can-bo/thanh-toan/doi-soat', [['day', '2999-01-01']]);
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('govuk-error-summary');
  });
});
