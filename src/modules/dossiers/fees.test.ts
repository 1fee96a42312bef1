import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  act,
  citizenToken,
  FEE_FORM,
  FEE_PROCEDURE,
  fileAndReceive,
  importFeeProcedure,
  importTestProcedures,
  signInCrew,
  type Crew,
  type View,
} from '../../../test/dossier-fixtures.ts';
import { feeDueTx, getFeeDue, recordFeePaidTx } from './fee-due.ts';

/**
 * Fees as the dossier sees them (issue 14): a procedure that charges at filing keeps an online
 * dossier unsent until paid; an officer's request for the fee stops the clock until paid. The
 * payment itself is the payments module's; here it is settled through the operation it calls.
 */
type FeeView = View & {
  fees: { due: { purpose: string; n: number; total: number; lines: { code: string; amount: number }[] } | null; paid: number; paidOnline: boolean };
};

let t: TestApp;
let crew: Crew;
beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  await importFeeProcedure(t);
  crew = await signInCrew(t);
});
afterAll(() => t?.close());

const syncEvents = async (code: string) =>
  (
    await sql<{
      data: { nationalStatus: number; paidOnline: boolean; action: string };
    }>`select payload as data from outbox_messages where adapter = 'national-portal' and kind = 'DongBoHoSoMC' and key = ${code} order by id`.execute(
      t.ctx.database.db,
    )
  ).rows.map((r) => r.data);
const settle = (code: string, paid: { paymentId: string; amount: number; online: boolean; dueSeq: number }) =>
  t.ctx.database.db.transaction().execute((tx) => recordFeePaidTx(t.ctx, tx, code, paid));

describe('a fee due at filing', () => {
  it('keeps the online dossier unsent (no queue, no sync, no due date) until paid, then sends it once', async () => {
    const r = await api<FeeView>(t, 'POST', '/api/v1/dossiers', {
      token: crew.citizen,
      body: { procedureCode: FEE_PROCEDURE.code, channel: 2, form: { ...FEE_FORM, soDiemBan: 1 } },
    });
    expect(r.status).toBe(201);
    const code = r.body.code;
    expect(r.body).toMatchObject({ status: 'unpaid', dueDate: null, allowedActions: ['withdraw'] });
    expect(r.body.fees.due).toMatchObject({ purpose: 'filing', n: 1, total: 1_005_000 });
    expect(r.body.fees.due?.lines.map((l) => [l.code, l.amount])).toEqual([
      ['PHI-TD', 1_000_000],
      ['LP-TN', 5_000],
    ]);
    expect(await syncEvents(code)).toEqual([]);
    // Not in the receiving officers' queue.
    const queue = await api<{ items: { code: string }[] }>(t, 'GET', '/api/v1/dossiers?queue=mine&pageSize=100', { token: crew.receiving });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((d) => d.code)).not.toContain(code);
    // Nobody but the applicant (and the officials of the unit) sees what is owed.
    const other = await citizenToken(t, '50000000-0000-4000-8000-000000000099', 'Người Khác', '001089099999');
    await expect(
      getFeeDue(t.ctx, code, { kind: 'citizen', id: '50000000-0000-4000-8000-000000000099', name: 'x', identifier: null, citizenKind: 'citizen' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}`, { token: other })).status).toBe(404);

    const due = await t.ctx.database.db.transaction().execute((tx) => feeDueTx(t.ctx, tx, code));
    expect(due).toMatchObject({ dossierCode: code, purpose: 'filing', total: 1_005_000, dueSeq: 1, unitId: '000.05.01.G12', status: 'unpaid' });
    expect(due?.applicant.identifier).toBe('001089012345');

    // A payment of another amount, or for another due, does not send it.
    expect(await settle(code, { paymentId: 'p-short', amount: 1_000_000, online: true, dueSeq: 1 })).toBe(false);
    expect(await settle(code, { paymentId: 'p-other', amount: 1_005_000, online: true, dueSeq: 2 })).toBe(false);
    expect(await settle(code, { paymentId: 'p-1', amount: 1_005_000, online: true, dueSeq: 1 })).toBe(true);
    // Paid twice (a second payment racing the first): the dossier moves once.
    expect(await settle(code, { paymentId: 'p-2', amount: 1_005_000, online: true, dueSeq: 1 })).toBe(false);

    const after = await api<FeeView>(t, 'GET', `/api/v1/dossiers/${code}`, { token: crew.citizen });
    expect(after.body).toMatchObject({ status: 'submitted', fees: { due: null, paid: 1_005_000, paidOnline: true } });
    const queued = await api<{ items: { code: string }[] }>(t, 'GET', '/api/v1/dossiers?queue=mine&pageSize=100', { token: crew.receiving });
    expect(queued.body.items.map((d) => d.code)).toContain(code);
    const log = await api<{ action: string; data: Record<string, unknown> }[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: crew.citizen });
    expect(log.body.map((a) => a.action)).toEqual(['submit', 'fee_paid']);
    expect(log.body[1].data).toMatchObject({ paymentId: 'p-1', amount: 1_005_000, online: true, purpose: 'filing' });
    expect(await syncEvents(code)).toEqual([expect.objectContaining({ action: 'fee_paid', nationalStatus: 1, paidOnline: true })]);
    // Now it is an ordinary dossier: the receiving officer receives it.
    expect((await act(t, crew.receiving, code, { action: 'receive' })).body.status).toBe('received');
  });

  it('a waived fee is owed at nothing while the other fees stay owed; a category the procedure does not reduce for is refused by name', async () => {
    const waived = await api<FeeView>(t, 'POST', '/api/v1/dossiers', {
      token: crew.citizen,
      body: { procedureCode: FEE_PROCEDURE.code, channel: 2, form: { ...FEE_FORM, soDiemBan: 0 }, feeCategory: 'ho-ngheo' },
    });
    // 0 points of sale and the reception fee: 5.000 đồng still owed.
    expect(waived.body).toMatchObject({ status: 'unpaid', fees: { due: { total: 5_000 } } });
    const unknown = await api<{ error: { details: { path: string }[] } }>(t, 'POST', '/api/v1/dossiers', {
      token: crew.citizen,
      body: { procedureCode: FEE_PROCEDURE.code, channel: 2, form: FEE_FORM, feeCategory: 'khong-co' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.map((d) => d.path)).toContain('body.feeCategory');
  });

  it('the applicant may withdraw an unpaid dossier; the platform may not act on it over HTTP', async () => {
    const r = await api<FeeView>(t, 'POST', '/api/v1/dossiers', {
      token: crew.citizen,
      body: { procedureCode: FEE_PROCEDURE.code, channel: 2, form: FEE_FORM },
    });
    const forged = await act(t, crew.citizen, r.body.code, { action: 'fee_paid', paymentId: 'x', amount: 1_005_000, online: true, due: 1 });
    expect(forged.status).toBe(400);
    expect((await act(t, crew.citizen, r.body.code, { action: 'withdraw', reason: 'Nộp nhầm thủ tục' })).body.status).toBe('withdrawn');
    expect(await settle(r.body.code, { paymentId: 'late', amount: 1_005_000, online: true, dueSeq: 1 })).toBe(false);
  });
});

describe('a fee asked for while processing (financial obligation, national status 6)', () => {
  it('stops the clock, tells the applicant what to pay, and the payment resumes the dossier', async () => {
    const code = await fileAndReceive(t, crew);
    await act(t, crew.leader, code, { action: 'assign', assignee: 'chuyenvien' });
    const asked = await act(t, crew.specialist, code, {
      action: 'request_fee',
      lines: [{ code: 'LP-CAP', name: 'Lệ phí cấp giấy phép', kind: 2, amount: 200_000 }],
      note: 'Theo Thông tư 1/2026/TT-BTC',
    });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ status: 'awaiting_fee', nationalStatus: 6 });
    const view = await api<FeeView>(t, 'GET', `/api/v1/dossiers/${code}`, { token: crew.citizen });
    expect(view.body.fees.due).toMatchObject({ purpose: 'obligation', n: 1, total: 200_000 });
    expect(view.body.allowedActions).toEqual(['withdraw']);
    // The applicant's inbox tells what to pay and how much.
    const inbox = await api<{ items: { event: string; dossierCode: string }[] }>(t, 'GET', '/api/v1/me/notifications', { token: crew.citizen });
    const told = inbox.body.items.find((n) => n.event === 'dossier.fee_requested' && n.dossierCode === code);
    expect(JSON.stringify(told)).toContain('200.000 đồng');
    expect((await syncEvents(code)).at(-1)).toMatchObject({ nationalStatus: 6 });
    // Only the assignee asks, and only while processing; a request of nothing is refused by field.
    expect((await act(t, crew.leader, code, { action: 'request_fee', lines: [{ name: 'Lệ phí', amount: 1 }] })).status).toBe(409);

    expect(await settle(code, { paymentId: 'p-cash', amount: 200_000, online: false, dueSeq: 1 })).toBe(true);
    const resumed = await api<FeeView>(t, 'GET', `/api/v1/dossiers/${code}`, { token: crew.specialist });
    expect(resumed.body).toMatchObject({ status: 'processing', fees: { due: null, paid: 200_000, paidOnline: false } });
    expect((await syncEvents(code)).at(-1)).toMatchObject({ nationalStatus: 4, paidOnline: false });
  });

  it('a request with a total of nothing, or an amount that is not whole đồng, is refused naming the field', async () => {
    const code = await fileAndReceive(t, crew);
    await act(t, crew.leader, code, { action: 'assign', assignee: 'chuyenvien' });
    const zero = await act(t, crew.specialist, code, { action: 'request_fee', lines: [{ name: 'Lệ phí', amount: 0 }] });
    expect(zero.status).toBe(400);
    expect(zero.body.error?.details?.map((d) => d.path)).toContain('body.lines');
    const fraction = await act(t, crew.specialist, code, { action: 'request_fee', lines: [{ name: 'Lệ phí', amount: 10.5 }] });
    expect(fraction.status).toBe(400);
    expect(fraction.body.error?.details?.map((d) => d.path)).toContain('body.lines[0].amount');
  });
});
