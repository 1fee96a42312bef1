import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { cancelPostalOrders, placePostalOrder, type PostalApplicant } from './postal-orders.ts';

/**
 * What a dossier's state change means for its postal orders, in the change's transaction (the
 * dossiers module calls this from afterStateChange), so an order is sent iff the change commits,
 * and once (the outbox's dedupe and one order per dossier and purpose):
 * - sent (filed, or its filing fee paid): a pickup the applicant chose is ordered;
 * - returned by post: the result's delivery is ordered (from the dossier's applicant when it was
 *   not chosen at filing: the officer chose post at the desk);
 * - withdrawn, or refused at receipt: an open pickup is cancelled, and a delivery not yet ordered.
 * VNPost itself is never called here: a failing VNPost never holds up an official's action.
 */
export async function postalAfterStateChange(
  ctx: Ctx,
  tx: Tx,
  d: { code: string; applicant: PostalApplicant; receivingUnit: string },
  next: { status: string },
  action: string,
  data: Record<string, unknown>,
): Promise<void> {
  const c = ctx.config.vnpost;
  if (!c) return;
  const now = new Date(Date.now() + ctx.config.clockOffsetMs);
  const order = (purpose: 'pickup' | 'delivery') =>
    placePostalOrder(ctx, tx, c, { dossierCode: d.code, purpose, unit: d.receivingUnit, applicant: d.applicant, send: true, now });
  if ((action === 'submit' || action === 'fee_paid') && next.status !== 'unpaid') {
    const chosen = await tx
      .selectFrom('postal_orders')
      .select('id')
      .where('dossier_code', '=', d.code)
      .where('purpose', '=', 'pickup')
      .where('state', '=', 'requested')
      .executeTakeFirst();
    if (chosen) await order('pickup');
  } else if (action === 'return' && data.method === 'post') {
    await order('delivery');
  } else if (action === 'withdraw' || action === 'refuse') {
    // Refused at receipt: a pickup not yet collected has nothing to collect any more.
    await cancelPostalOrders(ctx, tx, d.code, 'pickup', now);
    await cancelPostalOrders(ctx, tx, d.code, 'delivery', now);
  }
}
