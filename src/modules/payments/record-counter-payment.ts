import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { feeDueTx, getFeeDue, recordFeePaidTx } from '../dossiers/fee-due.ts';
import { amountMismatch } from './accept-confirmation.ts';
import { issueReceiptTx } from './issue-receipt.ts';
import { newReference, noFeeDue, nowOf, parseInput, recordEvent, toView } from './payment-store.ts';
import { CounterPaymentInput, type PaymentView } from './schemas.ts';
import { snapshotOf } from './start-payment.ts';

const dueChanged = () =>
  new AppError('CONFLICT', {
    vi: 'Khoản phí phải nộp đã thay đổi kể từ khi mở trang; hãy tải lại hồ sơ trước khi thu',
    en: 'What the dossier owes changed since the page was opened; reload the dossier before collecting',
  });

/**
 * A receiving officer of the dossier's receiving unit records what the applicant paid at the
 * desk (cash or card): exactly what is owed, for the due the officer saw. The payment, the
 * dossiers module's `fee_paid`, the receipt (numbered in the unit's series, the officer named as
 * collector), the event and the audit entry are one transaction; if the fee was settled another
 * way meanwhile (the applicant paid online a moment before), nothing is recorded and the
 * officer is told, before any money changes hands twice.
 */
export async function recordCounterPayment(ctx: Ctx, code: string, raw: unknown, p: Principal): Promise<PaymentView> {
  const input = parseInput(CounterPaymentInput, raw, 'body');
  if (p.kind !== 'staff') throw forbidden();
  const due = await getFeeDue(ctx, code, p);
  if (!due) throw noFeeDue(code);
  // The desk that received the dossier collects for it (design: counter payments).
  if (!p.roles.some((r) => r.role === 'receiving_officer' && r.unitId === due.unitId))
    throw new AppError('FORBIDDEN', {
      vi: 'Chỉ cán bộ một cửa của đơn vị tiếp nhận hồ sơ mới thu phí tại quầy',
      en: "Only receiving officers of the dossier's receiving unit collect fees at the desk",
    });
  if (input.dueSeq !== due.dueSeq) throw dueChanged();
  if (input.amount !== due.total) throw amountMismatch();
  const actor = actorOf(p);
  return ctx.database.db.transaction().execute(async (tx) => {
    const txCtx = inTransaction(ctx, tx);
    const now = await feeDueTx(ctx, tx, due.dossierCode);
    if (!now) throw noFeeDue(code);
    if (now.dueSeq !== input.dueSeq) throw dueChanged();
    if (now.total !== input.amount) throw amountMismatch();
    const at = nowOf(ctx);
    const row = await tx
      .insertInto('payments')
      .values({
        reference: newReference(at),
        dossier_code: now.dossierCode,
        unit_id: now.unitId,
        purpose: now.purpose,
        due_seq: now.dueSeq,
        lines: JSON.stringify(now.lines),
        snapshot: JSON.stringify(snapshotOf(now)),
        amount: now.total,
        method: input.method,
        state: 'success',
        payer_citizen_id: now.ownerCitizenId,
        created_by: actor,
        created_at: at,
        settled_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // The dossiers module holds the dossier's lock: a fee settled since our read makes this false, and the whole collection rolls back.
    const moved = await recordFeePaidTx(txCtx, tx, now.dossierCode, { paymentId: row.id, amount: now.total, online: false, dueSeq: now.dueSeq });
    if (!moved) throw noFeeDue(code);
    const receipt = await issueReceiptTx(txCtx, tx, row, p.name);
    await recordEvent(tx, row.id, 'counter', actor, { method: input.method, amount: now.total, dueSeq: now.dueSeq });
    await recordAudit(tx, {
      actor,
      action: 'payment.counter',
      target: `dossier:${now.dossierCode}`,
      data: {
        payment: row.id,
        reference: row.reference,
        method: input.method,
        amount: now.total,
        receipt: `${receipt.series} ${String(receipt.number).padStart(7, '0')}`,
      },
    });
    return toView(row, receipt);
  });
}
