import { sql, type RawBuilder } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { COUNTERS, type Counter } from './indicator-definitions.ts';

/** Flows are the counters that happen on a day; the deltas make the stocks. */
const FLOWS = COUNTERS.filter((c) => c !== 'open_delta' && c !== 'overdue_delta');

export interface Counts {
  /** Flows summed over [from, to]. */
  flows: Record<Exclude<Counter, 'open_delta' | 'overdue_delta'>, number>;
  /** In progress (and overdue) at the end of `end`, and in progress at the start of `from`. */
  inProgress: number;
  overdue: number;
  carriedOver: number;
}

export type GroupBy = 'none' | 'unit' | 'procedure' | 'month' | 'unit_procedure_month';

export interface CountsQuery {
  from: string;
  to: string;
  /** The day stocks are read at: `to`, or today when the period runs into the future. */
  end: string;
  /** null: every unit. */
  units: readonly string[] | null;
  /** null: every procedure (read from the per-unit table, a few hundred rows a unit a year). */
  procedures: readonly string[] | null;
  by: GroupBy;
}

export interface GroupedCounts extends Counts {
  unitId?: string;
  procedureCode?: string;
  month?: string;
}

/**
 * Sums the daily counts over a period, for a set of units and procedures, grouped as asked. By
 * month, each month's stocks are those at its end (or at `end`), and its carried-over count
 * those at its start; months are those of the period, whole or cut at its ends.
 *
 * Only the days from the period's first on are read: a stock at a day is its running total
 * (indicator_totals) less the changes dated after that day, so history before the period costs
 * nothing however long it is.
 */
export async function readCounts(ctx: Ctx, q: CountsQuery): Promise<GroupedCounts[]> {
  if (q.units && !q.units.length) return [];
  if (q.procedures && !q.procedures.length) return [];
  const perProcedure = q.procedures !== null || q.by === 'procedure' || q.by === 'unit_procedure_month';
  const days = perProcedure ? sql`indicator_days` : sql`indicator_unit_days`;
  const totals = perProcedure ? sql`indicator_totals` : sql`indicator_unit_totals`;
  const filters: RawBuilder<unknown>[] = [];
  if (q.units) filters.push(sql`unit_id in (${sql.join(q.units)})`);
  if (q.procedures) filters.push(sql`procedure_code in (${sql.join(q.procedures)})`);
  const byMonth = q.by === 'month' || q.by === 'unit_procedure_month';
  const byUnit = q.by === 'unit' || q.by === 'unit_procedure_month';
  const byProcedure = q.by === 'procedure' || q.by === 'unit_procedure_month';
  const seriesCols: RawBuilder<unknown>[] = [];
  if (byUnit) seriesCols.push(sql`unit_id`);
  if (byProcedure) seriesCols.push(sql`procedure_code`);
  const keys = [byMonth ? sql`to_char(day, 'YYYY-MM') as month` : sql`'' as month`, ...seriesCols];
  const groupCols = keys.map((_, i) => sql.raw(String(i + 1)));
  const flows = FLOWS.map((c) => sql`coalesce(sum(${sql.ref(c)}) filter (where day <= ${q.to}::date), 0)::int as ${sql.ref(c)}`);
  const where = (extra: RawBuilder<unknown>[]) => (extra.length ? sql`where ${sql.join(extra, sql` and `)}` : sql``);
  const [inPeriod, totalRows] = await Promise.all([
    sql<Record<string, unknown>>`
      select ${sql.join(keys)}, ${sql.join(flows)},
        coalesce(sum(open_delta) filter (where day <= ${q.end}::date), 0)::int as open_in,
        coalesce(sum(overdue_delta) filter (where day <= ${q.end}::date), 0)::int as overdue_in,
        coalesce(sum(open_delta) filter (where day > ${q.end}::date), 0)::int as open_after,
        coalesce(sum(overdue_delta) filter (where day > ${q.end}::date), 0)::int as overdue_after
      from ${days}
      ${where([sql`day >= ${q.from}::date`, ...filters])}
      group by ${sql.join(groupCols)}`.execute(ctx.database.db),
    sql<Record<string, unknown>>`
      select ${seriesCols.length ? sql`${sql.join(seriesCols)},` : sql``}
        coalesce(sum(open_total), 0)::int as open_total, coalesce(sum(overdue_total), 0)::int as overdue_total
      from ${totals}
      ${where(filters)}
      ${seriesCols.length ? sql`group by ${sql.join(seriesCols.map((_, i) => sql.raw(String(i + 1))))}` : sql``}`.execute(ctx.database.db),
  ]);
  const seriesKey = (r: Record<string, unknown>) => `${byUnit ? String(r.unit_id) : ''}\u0000${byProcedure ? String(r.procedure_code) : ''}`;
  type Bucket = { month: string; flows: Counts['flows']; openIn: number; overdueIn: number };
  const series = new Map<
    string,
    { unitId?: string; procedureCode?: string; openTotal: number; overdueTotal: number; openAfter: number; overdueAfter: number; buckets: Bucket[] }
  >();
  const seriesOf = (r: Record<string, unknown>) => {
    const k = seriesKey(r);
    let x = series.get(k);
    if (!x) {
      x = {
        ...(byUnit ? { unitId: String(r.unit_id) } : {}),
        ...(byProcedure ? { procedureCode: String(r.procedure_code) } : {}),
        openTotal: 0,
        overdueTotal: 0,
        openAfter: 0,
        overdueAfter: 0,
        buckets: [],
      };
      series.set(k, x);
    }
    return x;
  };
  for (const r of totalRows.rows) {
    const x = seriesOf(r);
    x.openTotal += Number(r.open_total);
    x.overdueTotal += Number(r.overdue_total);
  }
  for (const r of inPeriod.rows) {
    const x = seriesOf(r);
    x.openAfter += Number(r.open_after);
    x.overdueAfter += Number(r.overdue_after);
    x.buckets.push({
      month: String(r.month),
      flows: Object.fromEntries(FLOWS.map((c) => [c, Number(r[c])])) as Counts['flows'],
      openIn: Number(r.open_in),
      overdueIn: Number(r.overdue_in),
    });
  }
  const zeroFlows = Object.fromEntries(FLOWS.map((c) => [c, 0])) as Counts['flows'];
  const out: GroupedCounts[] = [];
  for (const x of series.values()) {
    const ids = { ...(x.unitId !== undefined ? { unitId: x.unitId } : {}), ...(x.procedureCode !== undefined ? { procedureCode: x.procedureCode } : {}) };
    // The stocks at the period's start: every change, less those dated in it or after it.
    const openIn = x.buckets.reduce((n, b) => n + b.openIn, 0);
    const overdueIn = x.buckets.reduce((n, b) => n + b.overdueIn, 0);
    let open = x.openTotal - x.openAfter - openIn;
    let overdue = x.overdueTotal - x.overdueAfter - overdueIn;
    if (!byMonth) {
      const b = x.buckets[0];
      if (!b && !open && !(open + openIn)) continue;
      out.push({ ...ids, flows: b?.flows ?? zeroFlows, inProgress: open + openIn, overdue: overdue + overdueIn, carriedOver: open });
      continue;
    }
    const byKey = new Map(x.buckets.map((b) => [b.month, b]));
    for (const m of monthsOf(q.from, q.to)) {
      const b = byKey.get(m);
      const carriedOver = open;
      open += b?.openIn ?? 0;
      overdue += b?.overdueIn ?? 0;
      if (!b && !carriedOver && !open) continue;
      out.push({ month: m, ...ids, flows: b?.flows ?? zeroFlows, inProgress: open, overdue, carriedOver });
    }
  }
  return out;
}

/** 'YYYY-MM' of every month the period touches. */
export function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const k = `${y}-${String(m).padStart(2, '0')}`;
    if (k > last) break;
    out.push(k);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
