import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, issueToken, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, importFeeProcedure, type View } from '../../../test/dossier-fixtures.ts';
import { bearerPages, fileFeeDossier, formFields, setField as set, signInFeeOffice, type FeeOffice } from '../../../test/payment-fixtures.ts';

/**
 * Issue 14 on the officials' dossier page, through the forms as a browser without script posts
 * them: the desk collects a fee (a receipt is issued and linked), the examining specialist asks
 * for the fee due on request (the lines pre-filled from the procedure's fee schedule), and a
 * finance officer records a refund.
 */
let t: TestApp;
let tok: FeeOffice & { otherDesk: string };

beforeAll(async () => {
  t = await startTestApp();
  await importFeeProcedure(t);
  tok = {
    ...(await signInFeeOffice(t, '30000000-0000-4000-8000-000000000141', { username: 'ketoan.hoso', name: 'Phạm Thu Kế Toán' })),
    otherDesk: await issueToken(t.ctx, {
      kind: 'staff',
      id: randomUUID(),
      username: 'tiepnhan.khac',
      name: 'Cán bộ Một cửa Khác',
      roles: [{ role: 'receiving_officer', unitId: '000.05.04.G12' }],
    }),
  };
}, 600_000);
afterAll(() => t?.close());

const { page, post } = bearerPages(() => t.base);
const view = async (code: string) =>
  (await api<View & { fees: { due: { n: number; total: number } | null; paid: number } }>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.citizen })).body;

describe('fees on the officials’ dossier page', () => {
  let code = '';

  it('the desk collects the fee due at filing: the form shows the total in words, the payment settles it, a receipt link appears', async () => {
    code = await fileFeeDossier(t, tok.citizen);

    const before = await page(tok.desk, `/can-bo/ho-so/${code}`);
    expect(before.status).toBe(200);
    expect(before.html).toContain('Thu phí tại quầy');
    expect(before.html).toContain('Một triệu không trăm linh năm nghìn đồng');
    expect(before.html).toContain('1.005.000');
    // A receiving officer of another unit cannot even see the dossier; the desk's form is the receiving unit's.
    expect((await page(tok.otherDesk, `/can-bo/ho-so/${code}`)).status).toBe(404);
    expect((await page(tok.specialist, `/can-bo/ho-so/${code}`)).html).not.toContain('Thu phí tại quầy');

    const fields = formFields(before.html, '/thu-phi"');
    expect(Object.fromEntries(fields)).toMatchObject({ method: 'cash', dueSeq: '1', amount: '1005000' });
    // A page showing another amount is refused, and nothing is collected.
    const wrong = await post(tok.desk, `/can-bo/ho-so/${code}/thu-phi`, set(fields, 'amount', '1000000'));
    expect(wrong.status).toBe(409);
    expect(await wrong.text()).toContain('govuk-error-summary');
    expect((await view(code)).status).toBe('unpaid');

    const r = await post(tok.desk, `/can-bo/ho-so/${code}/thu-phi`, set(fields, 'method', 'card'));
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/can-bo/ho-so/${code}?done=thu-phi`);
    const after = await view(code);
    expect(after.status).toBe('submitted');
    expect(after.fees).toMatchObject({ due: null, paid: 1_005_000 });

    const shown = await page(tok.desk, `/can-bo/ho-so/${code}?done=thu-phi`);
    expect(shown.html).toContain('Thu phí tại quầy, cấp biên lai');
    expect(shown.html).not.toContain('name="dueSeq"');
    expect(shown.html).toContain('Thẻ tại quầy');
    const receipt = /href="(\/api\/v1\/payments\/[0-9a-f-]+\/receipt)"/.exec(shown.html)?.[1];
    expect(receipt, 'a receipt link on the page').toBeTruthy();
    const pdf = await fetch(`${t.base}${receipt}`, { headers: { authorization: `Bearer ${tok.desk}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-');
  });

  it('the specialist asks for the fee due on request through the form: lines pre-filled from the schedule, a bad amount names its line, the dossier waits for the fee', async () => {
    expect((await act(t, tok.desk, code, { action: 'receive' })).status).toBe(200);
    expect((await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien' })).status).toBe(200);
    const detail = await page(tok.specialist, `/can-bo/ho-so/${code}`);
    expect(detail.html).toContain('name="action" value="request_fee"');
    const fields = formFields(detail.html, 'value="request_fee"');
    const values = Object.fromEntries(fields);
    // The schedule's fee due on request (LP-CAP, a lệ phí of 200 000 đồng); the filing fees are not asked for again.
    expect(values).toMatchObject({
      'lines.0.code': 'LP-CAP',
      'lines.0.name': 'Lệ phí cấp giấy phép',
      'lines.0.kind': '2',
      'lines.0.quantity': '1',
      'lines.0.amount': '200000',
    });
    expect(fields.filter(([k, v]) => k.endsWith('.amount') && v)).toHaveLength(1);

    // A second line typed with a bad amount: refused, the line named, everything typed kept.
    const typed = set(set(set(fields, 'lines.1.name', 'Phí thẩm định bổ sung'), 'lines.1.amount', 'hai trăm'), 'note', 'Theo Thông tư 01/2026');
    const bad = await post(tok.specialist, `/can-bo/ho-so/${code}/thao-tac`, typed);
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('govuk-error-summary');
    expect(badHtml).toMatch(/Khoản 2: [^<]*số/);
    expect(badHtml).toContain('value="hai trăm"');
    expect(badHtml).toContain('Phí thẩm định bổ sung');
    expect((await view(code)).status).toBe('processing');

    const ok = await post(tok.specialist, `/can-bo/ho-so/${code}/thao-tac`, set(fields, 'note', 'Căn cứ Thông tư 01/2026/TT-BTC'));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/can-bo/ho-so/${code}?done=request_fee`);
    const waiting = await view(code);
    expect(waiting.status).toBe('awaiting_fee');
    expect(waiting.nationalStatus).toBe(6);
    expect(waiting.fees.due).toMatchObject({ n: 2, total: 200_000 });
    const shown = await page(tok.desk, `/can-bo/ho-so/${code}`);
    expect(shown.html).toContain('Chờ thực hiện nghĩa vụ tài chính');
    expect(shown.html).toContain('Hai trăm nghìn đồng');
  });

  it('the desk collects the requested fee, processing resumes; a finance officer records a refund, the page shows it', async () => {
    const desk = await page(tok.desk, `/can-bo/ho-so/${code}`);
    const fields = formFields(desk.html, '/thu-phi"');
    expect(Object.fromEntries(fields)).toMatchObject({ dueSeq: '2', amount: '200000' });
    expect((await post(tok.desk, `/can-bo/ho-so/${code}/thu-phi`, fields)).status).toBe(303);
    expect((await view(code)).status).toBe('processing');
    expect((await page(tok.desk, `/can-bo/ho-so/${code}`)).html.match(/\/receipt"/g)).toHaveLength(2);

    // Only finance officers get the refund form (and its route).
    expect(desk.html).not.toContain('/hoan-tra"');
    const fin = await page(tok.finance, `/can-bo/ho-so/${code}`);
    expect(fin.status).toBe(200);
    // They came from the ledger, and have no dossier queue to go back to.
    expect(fin.html).toContain('<a href="/can-bo/thanh-toan" class="govuk-back-link">');
    expect(fin.html).not.toContain('/bieu-mau/');
    const refund = formFields(fin.html, '/hoan-tra"');
    const payment = Object.fromEntries(refund).payment;
    expect(payment).toMatch(/^[0-9a-f-]{36}$/);
    expect((await post(tok.desk, `/can-bo/ho-so/${code}/hoan-tra`, refund)).status).toBe(403);
    const noNote = await post(tok.finance, `/can-bo/ho-so/${code}/hoan-tra`, set(refund, 'amount', '50.000'));
    expect(noNote.status).toBe(400);
    expect(await noNote.text()).toContain('Cần ghi lý do hoàn trả');
    const done = await post(tok.finance, `/can-bo/ho-so/${code}/hoan-tra`, set(set(refund, 'amount', '50.000'), 'note', 'Nộp thừa, đã chuyển trả UNC 12'));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/can-bo/ho-so/${code}?done=hoan-tra`);
    const p = await api<{ refunded: number }>(t, 'GET', `/api/v1/payments/${payment}`, { token: tok.finance });
    expect(p.body.refunded).toBe(50_000);
    expect((await page(tok.finance, `/can-bo/ho-so/${code}?done=hoan-tra`)).html).toContain('Đã hoàn 50.000');
  });

  it('in English the fee panel and forms read in English', async () => {
    const en = await page(tok.desk, `/can-bo/ho-so/${code}?lang=en`);
    expect(en.html).toContain('Fees and charges');
    expect(en.html).toContain('Payments');
    expect(en.html).not.toContain('Phí, lệ phí</h2>');
  });
});
