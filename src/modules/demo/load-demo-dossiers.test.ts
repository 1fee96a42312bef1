import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { citizenToken } from '../../../test/dossier-fixtures.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import type { LedgerView, PaymentView } from '../payments/schemas.ts';

/**
 * The demo's fees (issue 14), as `npm start` shows them: the finance officer's account, a fee
 * asked for and paid at the desk, one asked for and still owed, and an online filing that
 * waits, unsent, for the fee its procedure charges at filing. Loaded by the real loader on a
 * fresh database, read back through the API as each person would.
 */
let t: TestApp;
/** The one-stop desk of the Ministry Office: it receives most demo dossiers, so it collects their fees. */
const DESK = '000.01.01.G12';
const MINH = '001089012345'; // the first demo citizen (demo/citizens.json)
const HA = '079194006789'; // the second

type Dossier = { code: string; status: string; fees: { due: { n: number; total: number } | null; paid: number; paidOnline: boolean } };

beforeAll(async () => {
  t = await startTestApp({ demoDossiers: true });
}, 600_000);
afterAll(() => t?.close());

/** The demo dossier of a procedure, in a status, of a demo citizen, and a token for that citizen. */
async function dossierOf(identifier: string, procedure: string, status: string): Promise<{ code: string; token: string }> {
  const rows = await t.ctx.database.db
    .selectFrom('dossiers')
    .select(['code', 'applicant', 'owner_citizen_id'])
    .where('procedure_code', '=', procedure)
    .where('status', '=', status)
    .where('owner_citizen_id', 'is not', null)
    .execute();
  const mine = rows.filter((r) => (r.applicant as { identifier?: string }).identifier === identifier);
  expect(mine, `${identifier} ${procedure} ${status}`).toHaveLength(1);
  return { code: mine[0].code, token: await citizenToken(t, mine[0].owner_citizen_id!, 'Demo', identifier) };
}

describe('the demo fees', () => {
  it('ketoan, finance officer of the one-stop desk, signs in with the demo password and finds the cash the desk collected on the ledger', async () => {
    const token = await login(t, 'ketoan');
    const today = vietnamDay(new Date());
    const ledger = await api<LedgerView>(t, 'GET', `/api/v1/payments/ledger?unit=${DESK}&from=${today}&to=${today}`, { token });
    expect(ledger.status, JSON.stringify(ledger.body)).toBe(200);
    expect(ledger.body.payments).toHaveLength(1);
    expect(ledger.body.payments[0]).toMatchObject({ method: 'cash', state: 'success', amount: 1_200_000 });
    expect(ledger.body.total).toBe(1_200_000);
    expect(ledger.body.days[0].counter).toBe(1_200_000);
  });

  it("the second demo citizen's dossier: fee asked for by the assignee, paid in cash at the desk, receipted, processing again", async () => {
    const { code, token } = await dossierOf(HA, '2.000620', 'processing');
    const d = (await api<Dossier>(t, 'GET', `/api/v1/dossiers/${code}`, { token })).body;
    expect(d).toMatchObject({ status: 'processing', fees: { due: null, paid: 1_200_000, paidOnline: false } });
    const actions = (await api<{ action: string }[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token })).body.map((a) => a.action);
    expect(actions).toEqual(['submit', 'receive', 'assign', 'request_fee', 'fee_paid']);
    const payments = (await api<PaymentView[]>(t, 'GET', `/api/v1/dossiers/${code}/payments`, { token })).body;
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ method: 'cash', state: 'success', amount: 1_200_000, refunded: 0 });
    expect(payments[0].receipt?.number).toBe('0000001');
    const pdf = await fetch(`${t.base}${payments[0].receipt!.url}`, { headers: { authorization: `Bearer ${token}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  it('the first demo citizen owes two fees, with nothing paid: one asked for while processing, one at an online filing left unsent', async () => {
    const asked = await dossierOf(MINH, '2.000633', 'awaiting_fee');
    const a = (await api<Dossier>(t, 'GET', `/api/v1/dossiers/${asked.code}`, { token: asked.token })).body;
    expect(a).toMatchObject({ status: 'awaiting_fee', fees: { due: { n: 1, total: 2_200_000 }, paid: 0 } });

    const atFiling = await dossierOf(MINH, '2.000770', 'unpaid');
    const f = (await api<Dossier>(t, 'GET', `/api/v1/dossiers/${atFiling.code}`, { token: atFiling.token })).body;
    expect(f).toMatchObject({ status: 'unpaid', fees: { due: { n: 1, total: 1_700_000 }, paid: 0 } });
    for (const code of [asked.code, atFiling.code])
      expect((await api<PaymentView[]>(t, 'GET', `/api/v1/dossiers/${code}/payments`, { token: asked.token })).body).toEqual([]);
  });

  it('the audit trail names the desk collection in words, under the Payments group', async () => {
    const auditor = await login(t, 'kiemtra');
    type Entry = { action: string; actionLabel: { vi: string; en: string } };
    const entries = (await api<Entry[]>(t, 'GET', '/api/v1/audit?action=payment.*&limit=500', { token: auditor })).body;
    expect(entries.map((e) => e.action)).toEqual(['payment.counter']);
    expect(entries[0].actionLabel).toEqual({ vi: 'Thanh toán: thu tại bộ phận một cửa, lập biên lai', en: 'Payments: collected at the desk, receipt issued' });
    const html = await (await fetch(`${t.base}/can-bo/nhat-ky`, { headers: { authorization: `Bearer ${auditor}`, accept: 'text/html' } })).text();
    expect(html).toMatch(/<option value="payment\.\*"[^>]*>Thanh toán \(tất cả\)<\/option>/);
  });
});
