import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { parseInput, recordEvent, unitsWithRole, viewsOf } from './payment-store.ts';
import { RefundInput, type PaymentView } from './schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A finance officer of the payment's unit records money paid back (a fee paid twice, a request
 * withdrawn): the payment platform's contract has no refund message (INTEGRATIONS §2), so the
 * transfer is made outside and recorded here. Refunds add up to at most what was paid; once the
 * whole amount is back, the payment no longer waits for a refund.
 */
export async function refundPayment(ctx: Ctx, id: string, raw: unknown, p: Principal): Promise<PaymentView> {
  const input = parseInput(RefundInput, raw, 'body');
  if (p.kind !== 'staff') throw forbidden();
  const units = await unitsWithRole(ctx, p, ['finance_officer']);
  const missing = () => notFound({ vi: 'khoản thanh toán này', en: 'This payment' });
  if (!UUID.test(id)) throw missing();
  const actor = actorOf(p);
  const row = await ctx.database.db.transaction().execute(async (tx) => {
    const r = await tx.selectFrom('payments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!r || !units.includes(r.unit_id)) throw missing();
    if (r.state !== 'success')
      throw new AppError('PAYMENT_STATE_CONFLICT', { vi: 'Chỉ hoàn trả được khoản đã thu', en: 'Only a settled payment can be refunded' });
    const refunded = Number(r.refunded) + input.amount;
    if (refunded > Number(r.amount))
      throw new AppError(
        'PAYMENT_STATE_CONFLICT',
        {
          vi: `Tổng số tiền hoàn trả (${refunded}) vượt quá số đã thu (${Number(r.amount)})`,
          en: `The refunds (${refunded}) would exceed what was paid (${Number(r.amount)})`,
        },
        [
          {
            path: 'body.amount',
            message: `Còn hoàn trả được tối đa ${Number(r.amount) - Number(r.refunded)} đồng`,
            messageEn: `At most ${Number(r.amount) - Number(r.refunded)} đồng remains`,
          },
        ],
      );
    const done = await tx
      .updateTable('payments')
      .set({ refunded, refund_due: refunded < Number(r.amount) && r.refund_due })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(tx, id, 'refund', actor, { amount: input.amount, note: input.note });
    await recordAudit(tx, {
      actor,
      action: 'payment.refund',
      target: `dossier:${r.dossier_code}`,
      data: { payment: id, reference: r.reference, amount: input.amount, refunded, note: input.note },
    });
    return done;
  });
  return (await viewsOf(ctx.database.db, [row]))[0]!;
}
