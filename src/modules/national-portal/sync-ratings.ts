import type { Ctx } from '../../platform/context.ts';
import { enqueueOutbox } from '../../platform/outbox/index.ts';
import { daysInMonth, localDate } from '../calendar/dates.ts';
import { readCounts } from '../indicators/read-counts.ts';
import { inOrder, RATING_SUMMARY_FIELDS, SERVICES, type RatingSummaryRecord } from './contract.ts';
import { NATIONAL_PORTAL_ADAPTER } from './enqueue-national-sync.ts';

/** The queue whose schedule writes the month's satisfaction summary (the 1st of each month, Vietnam time). */
export const RATINGS_QUEUE = 'national-portal.ratings';

/** The month before `day`'s (YYYY-MM): the month a summary written on the 1st is about. */
export function previousMonth(day: string): string {
  const [y, m] = day.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * The month's satisfaction summary per receiving unit (DongBoDanhGia), from the service index's
 * rating counts (a rating counts on its day at its level: indicators/dossier-entries.ts), as one
 * outbox message named by the month: written once, however often the job runs.
 */
export async function summariseRatings(ctx: Ctx, month: string): Promise<RatingSummaryRecord[]> {
  const [y, m] = month.split('-').map(Number);
  const to = `${month}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
  const rows = await readCounts(ctx, { from: `${month}-01`, to, end: to, units: null, procedures: null, by: 'unit' });
  return rows
    .map((r) => {
      const n = [r.flows.rated_1, r.flows.rated_2, r.flows.rated_3, r.flows.rated_4, r.flows.rated_5];
      const total = n.reduce((a, b) => a + b, 0);
      const mean = total ? n.reduce((a, c, i) => a + c * (i + 1), 0) / total : 0;
      return { unit: r.unitId ?? '', n, total, mean };
    })
    .filter((r) => r.total > 0 && r.unit)
    .sort((a, b) => a.unit.localeCompare(b.unit))
    .map((r) =>
      inOrder(RATING_SUMMARY_FIELDS, {
        MaDonVi: r.unit,
        Nam: String(y),
        Thang: String(m),
        TongSoDanhGia: String(r.total),
        SoRatHaiLong: String(r.n[4]),
        SoHaiLong: String(r.n[3]),
        SoBinhThuong: String(r.n[2]),
        SoKhongHaiLong: String(r.n[1]),
        SoRatKhongHaiLong: String(r.n[0]),
        DiemTrungBinh: r.mean.toFixed(2),
      }),
    );
}

/** Enqueues the month's summary (the previous month by default); false when it was enqueued already, or nobody rated that month. */
export async function enqueueMonthlyRatings(ctx: Ctx, month?: string): Promise<boolean> {
  if (!ctx.config.nationalPortal) return false;
  const m = month ?? previousMonth(localDate(new Date(Date.now() + ctx.config.clockOffsetMs)));
  const data = await summariseRatings(ctx, m);
  // A month nobody rated has nothing to summarise (the portal takes no empty summary).
  if (!data.length) return false;
  return ctx.database.db.transaction().execute((tx) =>
    enqueueOutbox(ctx, tx, {
      adapter: NATIONAL_PORTAL_ADAPTER,
      key: 'ratings',
      dedupe: `ratings:${m}`,
      kind: SERVICES.syncRatings,
      payload: { month: m, data },
    }),
  );
}
