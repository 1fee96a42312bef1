import type { Ctx } from '../../platform/context.ts';
import { ensureOutboxQueue, registerOutboxAdapter, type DeliveryOutcome, type OutboxAdapter, type OutboxMessage } from '../../platform/outbox/index.ts';
import type { Order } from './contract.ts';
import { VNPOST_ADAPTER } from './postal-orders.ts';
import { pollPostalTracking } from './poll-postal-tracking.ts';
import { vnpostClient } from './vnpost-client.ts';

/** Sends one outbox message to VNPost: an order (create-order) or its cancellation (cancel-order). */
export async function deliverPostalMessage(ctx: Ctx, m: OutboxMessage): Promise<DeliveryOutcome> {
  const client = vnpostClient(ctx);
  if (!client) return { ok: false, error: 'VNPost is not configured (VNPOST_URL)' };
  if (m.kind === 'create-order') {
    const order = (m.payload as { order: Order }).order;
    const r = await client.createOrder(order);
    if (!r.ok) return { ok: false, error: r.error, permanent: r.permanent };
    // Accepted: tracking takes it from here (an order already further along is left as tracking says).
    await ctx.database.db
      .updateTable('postal_orders')
      .set({ state: 'registered', updated_at: new Date() })
      .where('order_number', '=', order.OrderNumber)
      .where('state', '=', 'ordered')
      .execute();
    return { ok: true, result: r.value };
  }
  if (m.kind === 'cancel-order') {
    const r = await client.cancelOrder((m.payload as { orderNumber: string }).orderNumber);
    return r.ok ? { ok: true, result: r.value } : { ok: false, error: r.error, permanent: r.permanent };
  }
  return { ok: false, error: `unknown message kind ${m.kind}`, permanent: true };
}

export const vnpostAdapter: OutboxAdapter = {
  name: VNPOST_ADAPTER,
  label: { vi: 'Bưu điện Việt Nam (VNPost)', en: 'Vietnam Post (VNPost)' },
  deliver: deliverPostalMessage,
  // The tracking poll: open orders asked about, each at most every few minutes.
  async sweep(ctx) {
    await pollPostalTracking(ctx);
  },
};

/** The JobModule's parts (JOB_MODULES in src/app.ts). */
export const ensurePostalQueues = (ctx: Ctx) => ensureOutboxQueue(ctx, vnpostAdapter);
export const registerPostalWorkers = (ctx: Ctx) => registerOutboxAdapter(ctx, vnpostAdapter);
