import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { recordCall } from '../../platform/outbox/index.ts';
import { DEFAULT_STATUS_CODES, FINAL_STATES, parseEventTime, TRACKED_STATES, type PostalState, type TrackedState } from './contract.ts';
import { VNPOST_ADAPTER } from './postal-orders.ts';
import { vnpostClient, type VnpostClient } from './vnpost-client.ts';

/** Orders asked about per sweep, least recently asked first: a sweep stays short whatever the backlog. */
const PER_SWEEP = 100;
/** An order is asked about at most this often. */
const EVERY_MS = 5 * 60_000;

/** The tracking codes in force: ours, with the configured ones (VNPOST_STATUS_CODES) over them. */
export function statusCodes(ctx: Pick<Ctx, 'config'>): Record<string, TrackedState> {
  const configured = Object.entries(ctx.config.vnpost?.statusCodes ?? {}).filter(([, s]) => (TRACKED_STATES as readonly string[]).includes(s));
  return { ...DEFAULT_STATUS_CODES, ...(Object.fromEntries(configured) as Record<string, TrackedState>) };
}

/**
 * Asks VNPost for the tracking of open orders (the adapter's sweep, once a minute) and keeps each
 * event once: answers may repeat events or list them out of order, so events are keyed by order,
 * time and code, and an order's state is that of its latest event by VNPost's time, never of the
 * last one received. Every call is recorded for the operations page; a failure leaves the order
 * for the next sweep. `all` asks about every open order now (tests, and a manual refresh).
 */
export async function pollPostalTracking(ctx: Ctx, opts: { all?: boolean; client?: VnpostClient } = {}): Promise<{ asked: number; events: number }> {
  const client = opts.client ?? vnpostClient(ctx);
  if (!client) return { asked: 0, events: 0 };
  const codes = statusCodes(ctx);
  const db = ctx.database.db;
  let q = db
    .selectFrom('postal_orders')
    .select(['id', 'order_number', 'state'])
    .where('state', 'in', ['ordered', 'registered', 'collected', 'in_transit'])
    .orderBy(sql`polled_at nulls first`)
    .limit(PER_SWEEP);
  if (!opts.all) q = q.where((eb) => eb.or([eb('polled_at', 'is', null), eb('polled_at', '<', new Date(Date.now() - EVERY_MS))]));
  const open = await q.execute();
  let added = 0;
  for (const o of open) {
    const started = Date.now();
    const r = await client.tracking(o.order_number);
    await recordCall(ctx, VNPOST_ADAPTER, r.ok ? { ok: true, ms: Date.now() - started } : { ok: false, error: r.error, ms: Date.now() - started });
    if (!r.ok) {
      ctx.log.warn({ order: o.order_number, error: r.error }, 'VNPost tracking failed; asked again at the next sweep');
      continue;
    }
    const rows = r.value
      .filter((e) => e.OrderNumber === o.order_number)
      .map((e) => ({ e, at: parseEventTime(e.EventTime) }))
      .filter((x): x is { e: (typeof r.value)[number]; at: Date } => x.at !== null);
    await db.transaction().execute(async (tx) => {
      for (const { e, at } of rows) {
        const ins = await tx
          .insertInto('postal_events')
          .values({
            order_id: o.id,
            event_time: at,
            status_code: e.StatusCode,
            state: codes[e.StatusCode] ?? null,
            status_message: (e.StatusMessage ?? '').slice(0, 500),
            pos_id: e.POSID ?? null,
            item_code: e.ItemCode || null,
            notes: e.Notes || null,
          })
          .onConflict((oc) => oc.columns(['order_id', 'event_time', 'status_code']).doNothing())
          .executeTakeFirst();
        added += Number(ins.numInsertedOrUpdatedRows ?? 0);
      }
      // The state of the latest event that names one (by VNPost's time; at one time, the furthest along).
      const latest = await tx
        .selectFrom('postal_events')
        .select(['state', 'item_code'])
        .where('order_id', '=', o.id)
        .where('state', 'is not', null)
        .orderBy('event_time', 'desc')
        .orderBy(sql`array_position(array['registered','collected','in_transit','delivered','returned','cancelled']::text[], state)`, 'desc')
        .executeTakeFirst();
      const item = await tx
        .selectFrom('postal_events')
        .select('item_code')
        .where('order_id', '=', o.id)
        .where('item_code', 'is not', null)
        .orderBy('event_time', 'desc')
        .executeTakeFirst();
      await tx
        .updateTable('postal_orders')
        .set({ polled_at: new Date(), ...(item?.item_code ? { item_code: item.item_code } : {}) })
        .where('id', '=', o.id)
        .execute();
      // Not over an end: an order cancelled meanwhile (the dossier withdrawn) stays cancelled.
      const state = latest?.state as PostalState | undefined;
      if (state && state !== o.state) {
        await tx
          .updateTable('postal_orders')
          .set({ state, updated_at: new Date() })
          .where('id', '=', o.id)
          .where('state', 'not in', [...FINAL_STATES])
          .execute();
      }
    });
  }
  return { asked: open.length, events: added };
}
