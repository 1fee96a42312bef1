import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { parseInput, unitsWithRole, viewsOf } from './payment-store.ts';
import { dayStart } from './reconcile-payments.ts';
import { LedgerQuery, type LedgerView } from './schemas.ts';

/** Who reads a unit's ledger: its finance officers and its leaders (and those of the units above). */
export const LEDGER_ROLES = ['finance_officer', 'unit_leader'] as const;
/** Payments listed at most; the per-day totals always count them all. */
export const LEDGER_LIMIT = 2000;
/** The longest period one read covers: a quarter. Nothing a page reads may grow with history. */
const MAX_DAYS = 92;

/**
 * The ledger of one unit over a period of Vietnam days: the payments collected (settled, online
 * or at the desk) oldest first, the totals of each day (count, amount, online and counter shares,
 * refunds), the period's totals, and how many settled payments wait for a refund. A unit the
 * official does not cover is a 404.
 */
export async function listLedger(ctx: Ctx, raw: unknown, p: Principal): Promise<LedgerView> {
  const q = parseInput(LedgerQuery, raw, 'query');
  if (p.kind !== 'staff') throw forbidden();
  const units = await unitsWithRole(ctx, p, LEDGER_ROLES);
  if (!units.includes(q.unit)) throw notFound({ vi: `đơn vị ${q.unit}`, en: `Unit ${q.unit}` });
  const from = dayStart(q.from);
  const to = new Date(dayStart(q.to).getTime() + 24 * 3600_000);
  const days = (to.getTime() - from.getTime()) / (24 * 3600_000);
  if (Number.isNaN(days) || days < 1 || days > MAX_DAYS)
    throw new AppError('VALIDATION_FAILED', { vi: `Khoảng thời gian từ 1 đến ${MAX_DAYS} ngày`, en: `The period is 1 to ${MAX_DAYS} days` }, [
      { path: 'query.to', message: `Từ ngày đến ngày trong vòng ${MAX_DAYS} ngày`, messageEn: `from … to within ${MAX_DAYS} days` },
    ]);
  const db = ctx.database.db;
  const inPeriod = db
    .selectFrom('payments')
    .where('unit_id', '=', q.unit)
    .where('state', '=', 'success')
    .where('settled_at', '>=', from)
    .where('settled_at', '<', to);
  const rows = await inPeriod
    .selectAll()
    .orderBy('settled_at')
    .limit(LEDGER_LIMIT + 1)
    .execute();
  // The Vietnam day of each payment, by fixed offset (UTC+7 all year), the same on both databases.
  const vnDay = sql<string>`to_char((settled_at at time zone 'UTC') + interval '7 hours', 'YYYY-MM-DD')`;
  const perDay = await inPeriod
    .select([
      vnDay.as('day'),
      sql<number>`count(*)::int`.as('count'),
      sql<number>`coalesce(sum(amount), 0)::bigint`.as('total'),
      sql<number>`coalesce(sum(amount) filter (where method = 'online'), 0)::bigint`.as('online'),
      sql<number>`coalesce(sum(amount) filter (where method <> 'online'), 0)::bigint`.as('counter'),
      sql<number>`coalesce(sum(refunded), 0)::bigint`.as('refunded'),
    ])
    .groupBy(vnDay)
    .orderBy(vnDay)
    .execute();
  const waiting = await db
    .selectFrom('payments')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('unit_id', '=', q.unit)
    .where('refund_due', '=', true)
    .executeTakeFirstOrThrow();
  const views = await viewsOf(db, rows.slice(0, LEDGER_LIMIT));
  const daysOut = perDay.map((d) => ({
    day: d.day,
    count: Number(d.count),
    total: Number(d.total),
    online: Number(d.online),
    counter: Number(d.counter),
    refunded: Number(d.refunded),
  }));
  return {
    unitId: q.unit,
    from: q.from,
    to: q.to,
    payments: views.map(({ lines: _lines, ...v }) => v),
    truncated: rows.length > LEDGER_LIMIT,
    days: daysOut,
    total: daysOut.reduce((s, d) => s + d.total, 0),
    refunded: daysOut.reduce((s, d) => s + d.refunded, 0),
    refundsDue: Number(waiting.n),
  };
}
