import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, issueToken, login, startTestApp, until, type TestApp } from '../../../test/helpers.ts';
import { citizenToken } from '../../../test/dossier-fixtures.ts';
import { listAudit } from '../../platform/audit/index.ts';
import { AppError } from '../../platform/errors.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { paymentSimulatorModule } from '../../simulators/payment/routes.ts';
import { acceptReturn } from './accept-confirmation.ts';
import { listMyReceipts } from './get-payment.ts';
import { QUERY_QUEUE, registerPaymentWorkers } from './payment-jobs.ts';
import type { LedgerView, PaymentView } from './schemas.ts';
import {
  FEE_TOTAL,
  FEE_UNIT,
  fileOwing,
  importFeeProcedure,
  payAt,
  returnFields,
  setFault,
  simTransaction,
  simulatorFor,
  type Simulator,
} from './testing/fixtures.ts';

type Err = { error: { code: string } };
type Started = { paymentId: string; redirectUrl: string };

const CITIZEN_ID = '60000000-0000-4000-8000-000000000014';
let t: TestApp;
let sim: Simulator;
let citizen: string;
let other: string; // another citizen: sees none of it
let desk: string; // a receiving officer of the receiving unit
let finance: string; // a finance officer of the receiving unit

beforeAll(async () => {
  t = await startTestApp();
  sim = await simulatorFor(t, paymentSimulatorModule);
  await importFeeProcedure(t);
  await registerPaymentWorkers(t.ctx);
  citizen = await citizenToken(t, CITIZEN_ID);
  other = await citizenToken(t, '60000000-0000-4000-8000-000000000099', 'Lê Hoàng Nam', '048201004512');
  desk = await login(t, 'tiepnhan.xnk');
  finance = await issueToken(t.ctx, {
    kind: 'staff',
    id: randomUUID(),
    username: 'ketoan.thu',
    name: 'Nguyễn Thị Kế Toán',
    roles: [{ role: 'finance_officer', unitId: FEE_UNIT }],
  });
});
afterAll(async () => {
  await sim?.close();
  await t?.close();
});

const start = async (code: string) => {
  const r = await api<Started & Err>(t, 'POST', `/api/v1/dossiers/${code}/payments`, { token: citizen, body: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const payments = async (code: string) => (await api<PaymentView[]>(t, 'GET', `/api/v1/dossiers/${code}/payments`, { token: citizen })).body;
const dossier = async (code: string) =>
  (await api<{ status: string; version: number; fees: { due: { n: number; total: number } | null } }>(t, 'GET', `/api/v1/dossiers/${code}`, { token: citizen }))
    .body;
const feePaidActions = async (code: string) =>
  (await api<{ action: string }[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: citizen })).body.filter((a) => a.action === 'fee_paid').length;
const receiptsOf = async (paymentId: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from receipts where payment_id = ${paymentId}`.execute(t.ctx.database.db)).rows[0].n;
const audited = async (action: string, payment: string) =>
  (await listAudit(t.ctx.database.db, { actionIs: action, limit: 500 })).filter((e) => e.data.payment === payment || e.data.reference === payment);
const referenceOf = async (paymentId: string) =>
  (await t.ctx.database.db.selectFrom('payments').select('reference').where('id', '=', paymentId).executeTakeFirstOrThrow()).reference;
const callback = (body: unknown) => api<Record<string, string> & Err>(t, 'POST', '/api/v1/payments/callback', { body });
const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

describe('paying a fee online through the national payment platform', () => {
  it('pays: one settled payment with its receipt, fee_paid once, the dossier sent; a second "pay" while pending answers the same attempt', async () => {
    const code = await fileOwing(t, citizen);
    expect((await dossier(code)).fees.due).toMatchObject({ n: 1, total: FEE_TOTAL });
    const first = await start(code);
    const again = await api<Started>(t, 'POST', `/api/v1/dossiers/${code}/payments`, { token: citizen, body: {} });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first);
    // Another citizen cannot pay (or learn of) this dossier.
    expect((await api<Err>(t, 'POST', `/api/v1/dossiers/${code}/payments`, { token: other, body: {} })).status).toBe(404);

    const back = await payAt(first.redirectUrl);
    expect(back.status).toBe(303);
    expect(back.location).toMatch(/\/thanh-toan\/ket-qua\?/);
    const [p] = await payments(code);
    expect(p).toMatchObject({ id: first.paymentId, state: 'success', amount: FEE_TOTAL, method: 'online', refundDue: false, bank: 'VCB' });
    expect(p.receipt).toMatchObject({ series: `CS-${vietnamDay(new Date()).slice(2, 4)}E`, templateCode: '01BLP0-001' });
    expect(p.receipt!.number).toMatch(/^\d{7}$/);
    expect(await feePaidActions(code)).toBe(1);
    expect((await dossier(code)).status).toBe('submitted');
    // The platform got our signed acceptance.
    const seen = await simTransaction(sim, p.reference);
    expect(seen.callbacks).toHaveLength(1);
    expect(seen.callbacks[0]).toMatchObject({ status: 200, replySigned: true, reply: { MaLoi: '00' } });
    // The browser coming back afterwards changes nothing and shows the payment paid.
    const ret = await acceptReturn(t.ctx, returnFields(back.location!), { ip: '127.0.0.1' });
    expect(ret).toMatchObject({ paymentId: p.id, state: 'success', settled: false });
    expect(await receiptsOf(p.id)).toBe(1);

    // The receipt: the applicant's PDF, in their repository; nobody else's.
    const pdf = await fetch(`${t.base}/api/v1/payments/${p.id}/receipt`, { headers: { authorization: `Bearer ${citizen}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await api(t, 'GET', `/api/v1/payments/${p.id}/receipt`, { token: other })).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/payments/${p.id}`, { token: other })).status).toBe(404);
    expect((await api<PaymentView>(t, 'GET', `/api/v1/payments/${p.id}`, { token: desk })).body.state).toBe('success');
    const mine = await listMyReceipts(t.ctx, { kind: 'citizen', id: CITIZEN_ID, name: 'Trần Văn Minh', identifier: '001089012345', citizenKind: 'citizen' });
    expect(mine.map((r) => r.paymentId)).toContain(p.id);
    // Nothing is owed any more.
    expect((await api<Err>(t, 'POST', `/api/v1/dossiers/${code}/payments`, { token: citizen, body: {} })).body.error.code).toBe('NO_FEE_DUE');
  });

  it('refuses a forged callback (bad MaXacThuc): audited, answered with the error body, nothing settled', async () => {
    const code = await fileOwing(t, citizen);
    const { paymentId, redirectUrl } = await start(code);
    await setFault(sim, { next: { kind: 'bad_hash', alsoReturn: true } });
    const back = await payAt(redirectUrl);
    expect(back.status).toBe(303);
    const reference = await referenceOf(paymentId);
    // The platform's own delivery was refused with our error body and no signed reply.
    const seen = await simTransaction(sim, reference);
    expect(seen.callbacks[0]).toMatchObject({ status: 400, replySigned: false });
    expect(seen.callbacks[0].reply).toMatchObject({ error: { code: 'PAYMENT_MESSAGE_FORGED' } });
    // The same forged fields sent again, and brought back by the browser: refused alike.
    const forged = returnFields(back.location!);
    const r = await callback(forged);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('PAYMENT_MESSAGE_FORGED');
    expect(await errorOf(acceptReturn(t.ctx, forged, { ip: '127.0.0.1' }))).toBe('PAYMENT_MESSAGE_FORGED');
    // A message that is not even the platform's shape is refused the same way.
    expect((await callback({ MaThamChieu: reference, SoTien: '1' })).body.error.code).toBe('PAYMENT_MESSAGE_FORGED');

    const [p] = await payments(code);
    expect(p).toMatchObject({ id: paymentId, state: 'pending', receipt: null });
    expect(await receiptsOf(paymentId)).toBe(0);
    expect(await feePaidActions(code)).toBe(0);
    expect((await dossier(code)).status).toBe('unpaid');
    expect(await audited('payment.forged', reference)).toHaveLength(4);
  });

  it('refuses a confirmation with another amount, correctly signed: audited, answered with a signed refusal, never settled', async () => {
    const code = await fileOwing(t, citizen);
    const { paymentId, redirectUrl } = await start(code);
    await setFault(sim, { next: { kind: 'changed_amount', amount: FEE_TOTAL - 100_000, alsoReturn: true } });
    const back = await payAt(redirectUrl);
    const reference = await referenceOf(paymentId);
    const seen = await simTransaction(sim, reference);
    expect(seen.callbacks[0]).toMatchObject({ status: 200, replySigned: true });
    expect(seen.callbacks[0].reply!.MaLoi).not.toBe('00');
    const changed = returnFields(back.location!);
    expect(changed.SoTien).toBe(String(FEE_TOTAL - 100_000));
    expect(await errorOf(acceptReturn(t.ctx, changed, { ip: '127.0.0.1' }))).toBe('PAYMENT_AMOUNT_MISMATCH');

    const [p] = await payments(code);
    expect(p).toMatchObject({ state: 'pending', receipt: null });
    expect(await feePaidActions(code)).toBe(0);
    const entries = await audited('payment.amount_mismatch', paymentId);
    expect(entries).toHaveLength(2);
    expect(entries[0].data).toMatchObject({ amount: FEE_TOTAL - 100_000, expected: FEE_TOTAL });
  });

  it('answers a replayed callback as it answered the first, and changes nothing', async () => {
    const code = await fileOwing(t, citizen);
    const { paymentId, redirectUrl } = await start(code);
    const back = await payAt(redirectUrl);
    const reference = await referenceOf(paymentId);
    const first = (await simTransaction(sim, reference)).callbacks[0].reply;
    expect(first).toMatchObject({ MaLoi: '00', MaThamChieu: reference });
    const events = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from payment_events where payment_id = ${paymentId}`.execute(t.ctx.database.db)).rows[0].n;
    const before = { events: await events(), settled: (await payments(code))[0].settledAt };

    const body = returnFields(back.location!);
    for (let i = 0; i < 3; i++) {
      const r = await callback(body);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(first);
    }
    expect(await events()).toBe(before.events);
    const all = await payments(code);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ state: 'success', settledAt: before.settled });
    expect(await receiptsOf(paymentId)).toBe(1);
    expect(await feePaidActions(code)).toBe(1);
    expect(await audited('payment.settled', paymentId)).toHaveLength(1);
  });

  it('settles once when duplicate callbacks race the browser return: one settled payment, one receipt, one fee_paid', async () => {
    const code = await fileOwing(t, citizen);
    const { paymentId, redirectUrl } = await start(code);
    // The platform's callback leaves as the browser comes back; two more copies of it arrive at the same moment.
    await setFault(sim, { next: { kind: 'late_callback', delayMs: 0 } });
    const back = await payAt(redirectUrl);
    const fields = returnFields(back.location!);
    const outcomes = await Promise.all([
      acceptReturn(t.ctx, fields, { ip: '127.0.0.1' }),
      callback(fields),
      callback(fields),
      acceptReturn(t.ctx, fields, { ip: '127.0.0.1' }),
    ]);
    const reference = await referenceOf(paymentId);
    await until('the platform delivered its callback', async () => (await simTransaction(sim, reference)).callbacks.some((c) => c.status !== null));
    expect(outcomes[1].status).toBe(200);
    expect(outcomes[2].status).toBe(200);
    expect(outcomes[1].body).toEqual(outcomes[2].body);
    const seen = await simTransaction(sim, reference);
    expect(seen.callbacks[0].reply).toEqual(outcomes[1].body);

    const all = await payments(code);
    expect(all.filter((p) => p.state === 'success')).toHaveLength(1);
    expect(await receiptsOf(paymentId)).toBe(1);
    expect(await feePaidActions(code)).toBe(1);
    expect(await audited('payment.settled', paymentId)).toHaveLength(1);
    expect([outcomes[0], outcomes[3]].filter((o) => o.settled).length).toBeLessThanOrEqual(1);
  });

  it('a payment the bank never answers ends failed after the query job asks the platform', async () => {
    const code = await fileOwing(t, citizen);
    const { paymentId, redirectUrl } = await start(code);
    await setFault(sim, { next: { kind: 'timeout', expiresAfterSeconds: 1 } });
    const back = await payAt(redirectUrl);
    expect(back).toMatchObject({ status: 200, location: null });
    const reference = await referenceOf(paymentId);
    expect((await simTransaction(sim, reference)).callbacks).toHaveLength(0);
    expect((await payments(code))[0].state).toBe('pending');

    const config = t.ctx.config.payment!;
    const saved = config.pendingQueryAfterSeconds;
    config.pendingQueryAfterSeconds = 0;
    try {
      // The platform fails the transaction once its time is up (1 s); the job asks until it has.
      const p = await until('the query job failed the payment', async () => {
        await t.ctx.jobs.send(QUERY_QUEUE, {});
        await new Promise((r) => setTimeout(r, 1500));
        const [row] = await payments(code);
        return row.state !== 'pending' && row;
      });
      expect(p).toMatchObject({ id: paymentId, state: 'failed', receipt: null });
    } finally {
      config.pendingQueryAfterSeconds = saved;
    }
    expect(await feePaidActions(code)).toBe(0);
    expect((await dossier(code)).status).toBe('unpaid');
    expect(await audited('payment.failed', paymentId)).toHaveLength(1);
    // A new attempt may start now.
    const next = await start(code);
    expect(next.paymentId).not.toBe(paymentId);
  });

  it('a payment the payer never finishes expires after expiresAfterMinutes, while the platform still says pending', async () => {
    const config = t.ctx.config.payment!;
    const saved = { query: config.pendingQueryAfterSeconds, expires: config.expiresAfterMinutes };
    config.pendingQueryAfterSeconds = 0;
    config.expiresAfterMinutes = 0.01; // 600 ms
    try {
      const code = await fileOwing(t, citizen);
      const { paymentId } = await start(code);
      // While it may still be paid, asking changes nothing.
      const p = await until('the query job expired the payment', async () => {
        await t.ctx.jobs.send(QUERY_QUEUE, {});
        await new Promise((r) => setTimeout(r, 1500));
        const [row] = await payments(code);
        return row.state !== 'pending' && row;
      });
      expect(p).toMatchObject({ id: paymentId, state: 'expired', receipt: null });
      expect((await simTransaction(sim, p.reference)).state).toBe('pending');
      expect(await audited('payment.expired', paymentId)).toHaveLength(1);
      expect((await dossier(code)).status).toBe('unpaid');
    } finally {
      config.pendingQueryAfterSeconds = saved.query;
      config.expiresAfterMinutes = saved.expires;
    }
  });
});

describe('at the counter, stale payments, refunds and the ledger', () => {
  it('a counter payment settles the fee; an online payment confirmed afterwards is recorded, flagged for refund, and does not move the dossier again', async () => {
    const code = await fileOwing(t, citizen);
    const online = await start(code);
    const due = (await api<{ fees: { due: { n: number; total: number } } }>(t, 'GET', `/api/v1/dossiers/${code}`, { token: desk })).body.fees.due;

    // Another unit's desk cannot see the dossier, let alone collect for it.
    const elsewhere = await issueToken(t.ctx, {
      kind: 'staff',
      id: randomUUID(),
      username: 'tiepnhan.khac',
      name: 'Cán bộ đơn vị khác',
      roles: [{ role: 'receiving_officer', unitId: '000.05.04.G12' }],
    });
    const foreign = await api<Err>(t, 'POST', `/api/v1/dossiers/${code}/counter-payments`, {
      token: elsewhere,
      body: { method: 'cash', amount: due.total, dueSeq: due.n },
    });
    expect(foreign.status).toBe(404);
    // The desk collects only what is owed, for the due it saw.
    const old = await api<Err>(t, 'POST', `/api/v1/dossiers/${code}/counter-payments`, {
      token: desk,
      body: { method: 'cash', amount: due.total, dueSeq: due.n + 1 },
    });
    expect(old.body.error.code).toBe('CONFLICT');
    const wrong = await api<Err>(t, 'POST', `/api/v1/dossiers/${code}/counter-payments`, {
      token: desk,
      body: { method: 'cash', amount: FEE_TOTAL - 1, dueSeq: due.n },
    });
    expect(wrong.body.error.code).toBe('PAYMENT_AMOUNT_MISMATCH');
    const cash = await api<PaymentView>(t, 'POST', `/api/v1/dossiers/${code}/counter-payments`, {
      token: desk,
      body: { method: 'cash', amount: due.total, dueSeq: due.n },
    });
    expect(cash.status, JSON.stringify(cash.body)).toBe(201);
    expect(cash.body).toMatchObject({ method: 'cash', state: 'success', amount: FEE_TOTAL, refundDue: false });
    expect(cash.body.receipt).not.toBeNull();
    expect((await dossier(code)).status).toBe('submitted');
    const twice = await api<Err>(t, 'POST', `/api/v1/dossiers/${code}/counter-payments`, {
      token: desk,
      body: { method: 'card', amount: due.total, dueSeq: due.n },
    });
    expect(twice.body.error.code).toBe('NO_FEE_DUE');

    // The payer, on the platform's page since before, pays anyway: the money is taken, so it is recorded and receipted.
    await payAt(online.redirectUrl);
    const late = (await payments(code)).find((p) => p.id === online.paymentId)!;
    expect(late).toMatchObject({ state: 'success', refundDue: true });
    expect(late.receipt).not.toBeNull();
    expect(await feePaidActions(code)).toBe(1);

    // The finance officer pays it back, at most what was paid.
    const refund = await api<PaymentView>(t, 'POST', `/api/v1/payments/${late.id}/refunds`, {
      token: finance,
      body: { amount: FEE_TOTAL, note: 'Nộp trùng; đã chuyển khoản hoàn trả' },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    expect(refund.body).toMatchObject({ refunded: FEE_TOTAL, refundDue: false });
    const more = await api<Err>(t, 'POST', `/api/v1/payments/${late.id}/refunds`, { token: finance, body: { amount: 1, note: 'Thêm' } });
    expect(more.body.error.code).toBe('PAYMENT_STATE_CONFLICT');
    expect((await api<Err>(t, 'POST', `/api/v1/payments/${late.id}/refunds`, { token: desk, body: { amount: 1, note: 'x' } })).status).toBe(403);

    // The ledger of the day lists both, and its totals are the sums of what it lists.
    const today = vietnamDay(new Date());
    const ledger = await api<LedgerView>(t, 'GET', `/api/v1/payments/ledger?unit=${FEE_UNIT}&from=${today}&to=${today}`, { token: finance });
    expect(ledger.status, JSON.stringify(ledger.body)).toBe(200);
    const ids = ledger.body.payments.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining([cash.body.id, late.id]));
    expect(ledger.body.days).toHaveLength(1);
    expect(ledger.body.days[0].day).toBe(today);
    expect(ledger.body.total).toBe(ledger.body.payments.reduce((s, p) => s + p.amount, 0));
    expect(ledger.body.days[0].counter).toBe(ledger.body.payments.filter((p) => p.method !== 'online').reduce((s, p) => s + p.amount, 0));
    expect(ledger.body.refunded).toBe(FEE_TOTAL);
    // Another unit's ledger is not theirs to read.
    expect((await api(t, 'GET', `/api/v1/payments/ledger?unit=000.05.04.G12&from=${today}&to=${today}`, { token: finance })).status).toBe(404);
  });
});
