import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { AppError } from '../../platform/errors.ts';
import { feeDueTx, recordFeePaidTx } from '../dossiers/fee-due.ts';
import { paymentGateway } from './gateway/index.ts';
import type { Confirmation } from './gateway/gateway.ts';
import { issueReceiptTx, ONLINE_COLLECTOR } from './issue-receipt.ts';
import { nowOf, recordEvent, type PaymentRow } from './payment-store.ts';
import type { PaymentState } from './tables.ts';

/** Where a confirmation came from: the platform's server-to-server CONFIRM, the payer's browser coming back, or our QUERY. */
export type ConfirmationSource = 'callback' | 'return' | 'query';

/** The actor the audit trail names for each source (none is a person we know; `data.source` says which it was). */
const ACTOR: Record<ConfirmationSource, string> = { callback: 'system', return: 'anonymous', query: 'system' };

export interface ConfirmationOutcome {
  /** Whether we accept the message (a refusal: an amount not ours, a reference we never sent). */
  accepted: boolean;
  /** Why it was refused, for the platform's reply and the return page. */
  refusal: 'amount_mismatch' | 'unknown_reference' | null;
  paymentId: string | null;
  dossierCode: string | null;
  /** The payment's state after the message. */
  state: PaymentState | null;
  /** This message settled the payment (false for a replay, a duplicate, a failure, a refusal). */
  settled: boolean;
}

const REPLY_TEXT = {
  accepted: 'Da ghi nhan',
  amount_mismatch: 'So tien khong khop',
  unknown_reference: 'Khong tim thay giao dich',
} as const;

/**
 * The platform's CONFIRM (POST /api/v1/payments/callback). A message whose MaXacThuc or shape
 * is wrong is audited (`payment.forged`) and refused with the error body (nothing it says can be
 * trusted, so it is answered by no signed reply); a genuine one is applied (`applyConfirmation`)
 * and answered with our signed reply, the same for a replay as for the first delivery.
 */
export async function acceptCallback(ctx: Ctx, body: unknown, meta: { ip: string }): Promise<Record<string, string>> {
  const gateway = paymentGateway(ctx);
  const c = await verified(ctx, 'callback', body, meta, () => gateway.verifyConfirm(body));
  const out = await applyConfirmation(ctx, c, 'callback');
  return gateway.confirmReply({ reference: c.reference, ok: out.accepted, message: REPLY_TEXT[out.refusal ?? 'accepted'], at: c.at });
}

/**
 * The payer's browser back from the platform (`/thanh-toan/ket-qua?…`, signed like CONFIRM).
 * It settles like the callback when it arrives first; whichever comes second changes nothing.
 * A forged return is audited and refused like a forged callback; an amount that is not ours is
 * refused with PAYMENT_AMOUNT_MISMATCH.
 */
export async function acceptReturn(ctx: Ctx, query: Record<string, string>, meta: { ip: string }): Promise<ConfirmationOutcome> {
  const gateway = paymentGateway(ctx);
  const c = await verified(ctx, 'return', query, meta, () => gateway.verifyReturn(query));
  const out = await applyConfirmation(ctx, c, 'return');
  if (out.refusal === 'amount_mismatch') throw amountMismatch();
  if (out.refusal === 'unknown_reference') throw new AppError('NOT_FOUND', { vi: 'Không tìm thấy giao dịch thanh toán', en: 'No such payment' });
  return out;
}

export const amountMismatch = () =>
  new AppError('PAYMENT_AMOUNT_MISMATCH', {
    vi: 'Số tiền trong thông báo của nền tảng thanh toán khác số tiền phải nộp; giao dịch không được ghi nhận',
    en: 'The amount in the payment platform’s message differs from the amount owed; the payment was not recorded',
  });

/** Runs the gateway's check; a message that fails it is audited before the refusal goes back. */
async function verified(ctx: Ctx, source: 'callback' | 'return', raw: unknown, meta: { ip: string }, check: () => Confirmation): Promise<Confirmation> {
  try {
    return check();
  } catch (e) {
    if (e instanceof AppError && e.code === 'PAYMENT_MESSAGE_FORGED') {
      // What the message claims is kept short and unparsed: it is evidence, not data.
      const claimed = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).MaThamChieu : undefined;
      const reference = typeof claimed === 'string' ? claimed.slice(0, 60) : null;
      await ctx.database.db.transaction().execute(async (tx) => {
        await recordEvent(tx, null, 'forged', ACTOR[source], { source, reference, ip: meta.ip });
        await recordAudit(tx, { actor: ACTOR[source], action: 'payment.forged', target: null, data: { source, reference, ip: meta.ip } });
      });
    }
    throw e;
  }
}

/**
 * Applies a genuine confirmation under a lock of the payment row (`SELECT … FOR UPDATE`), so a
 * callback, the browser's return and the query job arriving together are applied one after
 * the other, and all but the first find the work done:
 * - a reference we never sent, or an amount other than ours: refused, audited, nothing changes;
 * - a payment already settled: nothing changes (a replay, a duplicate, the slower of two racers);
 * - a failure: a pending payment becomes failed;
 * - a success: settled (`settleOnlineTx`), even after we gave up on it (failed, expired), since
 *   the payer's money was taken.
 */
export async function applyConfirmation(ctx: Ctx, c: Confirmation, source: ConfirmationSource): Promise<ConfirmationOutcome> {
  const actor = ACTOR[source];
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('payments').selectAll().where('reference', '=', c.reference).forUpdate().executeTakeFirst();
    const refuse = async (refusal: 'amount_mismatch' | 'unknown_reference', known: PaymentRow | undefined): Promise<ConfirmationOutcome> => {
      const data = { source, reference: c.reference.slice(0, 60), amount: c.amount, expected: known ? Number(known.amount) : null, success: c.success };
      if (known) await recordEvent(tx, known.id, source, actor, { refused: refusal, amount: c.amount, success: c.success, gatewayTxn: c.gatewayTxn });
      await recordAudit(tx, {
        actor,
        action: refusal === 'amount_mismatch' ? 'payment.amount_mismatch' : 'payment.unknown_reference',
        target: known ? `dossier:${known.dossier_code}` : null,
        data: known ? { ...data, payment: known.id } : data,
      });
      return { accepted: false, refusal, paymentId: known?.id ?? null, dossierCode: known?.dossier_code ?? null, state: known?.state ?? null, settled: false };
    };
    if (row?.method !== 'online') return refuse('unknown_reference', undefined);
    // Never settled, whatever its state: the platform and we disagree on what was paid.
    if (c.amount !== Number(row.amount)) return refuse('amount_mismatch', row);
    const same = (state: PaymentState, settled = false): ConfirmationOutcome => ({
      accepted: true,
      refusal: null,
      paymentId: row.id,
      dossierCode: row.dossier_code,
      state,
      settled,
    });
    if (row.state === 'success') return same('success');
    if (!c.success) {
      if (row.state !== 'pending') return same(row.state);
      await tx.updateTable('payments').set({ state: 'failed' }).where('id', '=', row.id).execute();
      await recordEvent(tx, row.id, source, actor, { success: false, errorCode: c.errorCode, gatewayTxn: c.gatewayTxn, bank: c.bankCode });
      await recordAudit(tx, {
        actor,
        action: 'payment.failed',
        target: `dossier:${row.dossier_code}`,
        data: { payment: row.id, reference: row.reference, errorCode: c.errorCode, source },
      });
      return same('failed');
    }
    await settleOnlineTx(ctx, tx, row, c, source);
    return same('success', true);
  });
}

/**
 * Settles an online payment inside the caller's transaction (which holds its row lock): the
 * payment becomes success, the dossiers module records the fee as paid (`fee_paid`, moving the
 * dossier on), the receipt is issued, the event and the audit entry written. When the dossier no
 * longer owes this due (paid another way meanwhile, or a newer request replaced it),
 * recordFeePaidTx returns false: the money is still ours, recorded as paid, and the payment is
 * flagged for refund on the ledger; the dossier is not moved twice.
 */
export async function settleOnlineTx(ctx: Ctx, tx: Tx, row: PaymentRow, c: Confirmation, source: ConfirmationSource): Promise<void> {
  const txCtx = inTransaction(ctx, tx);
  const settled = await tx
    .updateTable('payments')
    .set({ state: 'success', settled_at: nowOf(ctx), gateway_txn: c.gatewayTxn || null, bank: c.bankCode || null })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const due = await feeDueTx(ctx, tx, row.dossier_code);
  // A due that is gone or replaced is not asked about: the dossiers module would refuse, and this money is to be refunded either way.
  const moved =
    due !== null &&
    due.dueSeq === row.due_seq &&
    (await recordFeePaidTx(txCtx, tx, row.dossier_code, { paymentId: row.id, amount: Number(row.amount), online: true, dueSeq: row.due_seq }));
  if (!moved) await tx.updateTable('payments').set({ refund_due: true }).where('id', '=', row.id).execute();
  const receipt = await issueReceiptTx(txCtx, tx, settled, ONLINE_COLLECTOR);
  await recordEvent(tx, row.id, source, ACTOR[source], { success: true, gatewayTxn: c.gatewayTxn, bank: c.bankCode, feePaid: moved });
  await recordAudit(tx, {
    actor: ACTOR[source],
    action: 'payment.settled',
    target: `dossier:${row.dossier_code}`,
    data: {
      payment: row.id,
      reference: row.reference,
      amount: Number(row.amount),
      gatewayTxn: c.gatewayTxn,
      source,
      receipt: `${receipt.series} ${String(receipt.number).padStart(7, '0')}`,
      ...(moved ? {} : { refundDue: true }),
    },
  });
}
