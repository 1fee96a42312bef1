import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, issueToken, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { citizenToken } from '../../../test/dossier-fixtures.ts';
import { listAudit } from '../../platform/audit/index.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { paymentSimulatorModule } from '../../simulators/payment/routes.ts';
import type { MismatchView, ReconciliationView, RunView } from './schemas.ts';
import { FEE_TOTAL, FEE_UNIT, fileOwing, importFeeProcedure, payAt, setFault, simulatorFor, type Simulator } from './testing/fixtures.ts';

type Err = { error: { code: string } };

// A test file of its own: the statement is the platform's whole day, so every payment in this
// app went through the simulator exactly as the ledger recorded it, and only the plants differ.
let t: TestApp;
let sim: Simulator;
let citizen: string;
let finance: string;
let elsewhere: string; // a finance officer of another unit

beforeAll(async () => {
  t = await startTestApp();
  sim = await simulatorFor(t, paymentSimulatorModule);
  await importFeeProcedure(t);
  citizen = await citizenToken(t, '60000000-0000-4000-8000-000000000027');
  finance = await issueToken(t.ctx, {
    kind: 'staff',
    id: randomUUID(),
    username: 'ketoan.doisoat',
    name: 'Kế toán Đối soát',
    roles: [{ role: 'finance_officer', unitId: FEE_UNIT }],
  });
  elsewhere = await issueToken(t.ctx, {
    kind: 'staff',
    id: randomUUID(),
    username: 'ketoan.khac',
    name: 'Kế toán Đơn vị khác',
    roles: [{ role: 'finance_officer', unitId: '000.05.04.G12' }],
  });
});
afterAll(async () => {
  await sim?.close();
  await t?.close();
});

/** Files a dossier and pays it through the simulator; the payment's reference. */
async function paid(): Promise<string> {
  const code = await fileOwing(t, citizen);
  const r = await api<{ paymentId: string; redirectUrl: string }>(t, 'POST', `/api/v1/dossiers/${code}/payments`, { token: citizen, body: {} });
  expect(r.status).toBe(201);
  expect((await payAt(r.body.redirectUrl)).status).toBe(303);
  const p = await api<{ state: string; reference: string }>(t, 'GET', `/api/v1/payments/${r.body.paymentId}`, { token: citizen });
  expect(p.body.state).toBe('success');
  return p.body.reference;
}

describe('daily reconciliation with the platform statement', () => {
  it('lists exactly the planted mismatches, one of each kind; finance officers resolve them with a note', async () => {
    const today = vietnamDay(new Date());
    const [dropped, recounted, restated, clean] = [await paid(), await paid(), await paid(), await paid()];
    // A clean day first: nothing to report.
    const before = await api<RunView>(t, 'POST', '/api/v1/payments/reconciliation/runs', { token: finance, body: { day: today } });
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    expect(before.body).toMatchObject({ day: today, statementLines: 4, ledgerPayments: 4, items: [] });

    await setFault(sim, { plant: { kind: 'drop', reference: dropped } });
    await setFault(sim, { plant: { kind: 'change_amount', reference: recounted, amount: FEE_TOTAL + 5_000 } });
    await setFault(sim, { plant: { kind: 'change_state', reference: restated, state: '4' } });
    await setFault(sim, { plant: { kind: 'add_unknown', day: today, reference: 'SIM-NOT-OURS-1', amount: 75_000 } });

    const run = await api<RunView>(t, 'POST', '/api/v1/payments/reconciliation/runs', { token: finance, body: { day: today } });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect(run.body).toMatchObject({ statementLines: 4, ledgerPayments: 4, mismatches: 4 });
    const found = Object.fromEntries(run.body.items.map((i) => [i.kind, i]));
    expect(run.body.items.map((i) => `${i.kind} ${i.reference}`).sort()).toEqual(
      [`amount_differs ${recounted}`, `missing_here SIM-NOT-OURS-1`, `missing_there ${dropped}`, `state_differs ${restated}`].sort(),
    );
    expect(run.body.items.map((i) => i.reference)).not.toContain(clean);
    expect(found.missing_here).toMatchObject({ paymentId: null, unitId: null, ours: null, theirs: { amount: 75_000, state: 'success' } });
    expect(found.missing_there).toMatchObject({ unitId: FEE_UNIT, ours: { amount: FEE_TOTAL, state: 'success' }, theirs: null });
    expect(found.amount_differs).toMatchObject({ ours: { amount: FEE_TOTAL }, theirs: { amount: FEE_TOTAL + 5_000 } });
    expect(found.state_differs).toMatchObject({ ours: { state: 'success' }, theirs: { state: 'failed' } });
    expect(found.state_differs.dossierCode).toMatch(/^000\.05\.01\.G12-/);

    // The day's page: the newest run first; another unit's finance officer sees only the line nobody owns.
    const day = await api<ReconciliationView>(t, 'GET', `/api/v1/payments/reconciliation?day=${today}`, { token: finance });
    expect(day.body.runs.map((r) => r.id)).toEqual([run.body.id, before.body.id]);
    expect(day.body.runs[0].items).toHaveLength(4);
    const theirs = await api<ReconciliationView>(t, 'GET', `/api/v1/payments/reconciliation?day=${today}`, { token: elsewhere });
    expect(theirs.body.runs[0].items.map((i) => i.kind)).toEqual(['missing_here']);

    // Resolving: with a note, once, by a finance officer of the unit.
    const item = found.amount_differs as MismatchView;
    expect((await api<Err>(t, 'POST', `/api/v1/payments/reconciliation/items/${item.id}/resolve`, { token: elsewhere, body: { note: 'x' } })).status).toBe(404);
    expect((await api<Err>(t, 'POST', `/api/v1/payments/reconciliation/items/${item.id}/resolve`, { token: finance, body: { note: ' ' } })).status).toBe(400);
    const done = await api<MismatchView>(t, 'POST', `/api/v1/payments/reconciliation/items/${item.id}/resolve`, {
      token: finance,
      body: { note: 'Ngân hàng xác nhận số tiền 200.000 đ; nền tảng đã sửa tệp đối soát' },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ resolvedBy: 'staff:ketoan.doisoat', note: 'Ngân hàng xác nhận số tiền 200.000 đ; nền tảng đã sửa tệp đối soát' });
    const again = await api<Err>(t, 'POST', `/api/v1/payments/reconciliation/items/${item.id}/resolve`, { token: finance, body: { note: 'Lần nữa' } });
    expect(again.body.error.code).toBe('CONFLICT');
    const audit = await listAudit(t.ctx.database.db, { action: 'payment.', limit: 100 });
    expect(audit.filter((e) => e.action === 'payment.reconcile')).toHaveLength(2);
    expect(audit.filter((e) => e.action === 'payment.mismatch.resolve')).toHaveLength(1);

    // Only finance officers reconcile.
    expect((await api(t, 'POST', '/api/v1/payments/reconciliation/runs', { token: citizen, body: { day: today } })).status).toBe(403);
  });
});
