import type { Ctx } from '../../platform/context.ts';
import type { PostalState, TrackedState } from './contract.ts';
import type { PostalPurpose } from './fee-table.ts';

/** How the pages name an order's state and a tracking event's meaning. */
export const POSTAL_STATE_LABELS: Record<PostalState, { vi: string; en: string }> = {
  requested: { vi: 'Đã đăng ký, chưa gửi đơn cho bưu điện', en: 'Chosen, not yet ordered from the post' },
  ordered: { vi: 'Đang gửi đơn cho bưu điện', en: 'Being ordered from the post' },
  registered: { vi: 'Bưu điện đã tiếp nhận đơn', en: 'Accepted by the post' },
  collected: { vi: 'Bưu điện đã nhận bưu gửi', en: 'Collected by the post' },
  in_transit: { vi: 'Đang vận chuyển', en: 'In transit' },
  delivered: { vi: 'Đã phát thành công', en: 'Delivered' },
  returned: { vi: 'Không phát được, đã chuyển hoàn', en: 'Not delivered, returned to the sender' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
};
export const POSTAL_PURPOSE_LABELS: Record<PostalPurpose, { vi: string; en: string }> = {
  pickup: { vi: 'Thu gom hồ sơ giấy qua bưu chính', en: 'Collection of the paper dossier by post' },
  delivery: { vi: 'Chuyển phát kết quả qua bưu chính', en: 'Delivery of the result by post' },
};

export interface PostalEventView {
  at: string;
  state: TrackedState | null;
  code: string;
  message: string;
  posId: string | null;
}

export interface PostalOrderView {
  purpose: PostalPurpose;
  orderNumber: string;
  itemCode: string | null;
  state: PostalState;
  fee: number;
  orderedAt: string | null;
  /** Oldest first, each once. */
  events: PostalEventView[];
}

/**
 * A dossier's postal orders with their tracking events, for its pages (the caller has checked
 * that the principal may see the dossier: getDossier) and its forms. Two queries.
 */
export async function listPostalOrders(ctx: Ctx, dossierCode: string): Promise<PostalOrderView[]> {
  const db = ctx.database.db;
  const orders = await db.selectFrom('postal_orders').selectAll().where('dossier_code', '=', dossierCode).orderBy('id').execute();
  if (!orders.length) return [];
  const events = await db
    .selectFrom('postal_events')
    .selectAll()
    .where(
      'order_id',
      'in',
      orders.map((o) => o.id),
    )
    .orderBy('event_time')
    .execute();
  return orders.map((o) => ({
    purpose: o.purpose,
    orderNumber: o.order_number,
    itemCode: o.item_code,
    state: o.state,
    fee: o.fee,
    orderedAt: o.ordered_at ? new Date(o.ordered_at).toISOString() : null,
    events: events
      .filter((e) => e.order_id === o.id)
      .map((e) => ({ at: new Date(e.event_time).toISOString(), state: e.state, code: e.status_code, message: e.status_message, posId: e.pos_id })),
  }));
}
