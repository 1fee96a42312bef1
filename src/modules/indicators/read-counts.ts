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
 */
export async function readCounts(ctx: Ctx, q: CountsQuery): Promise<GroupedCounts[]> {
  if (q.units && !q.units.length) return [];
  if (q.procedures && !q.procedures.length) return [];
  const perProcedure = q.procedures !== null || q.by === 'procedure' || q.by === 'unit_procedure_month';
  const table = perProcedure ? sql`indicator_days` : sql`indicator_unit_days`;
  const where: RawBuilder<unknown>[] = [sql`day <= ${[q.to, q.end].sort()[1]}::date`];
  if (q.units) where.push(sql`unit_id in (${sql.join(q.units)})`);
  if (q.procedures) where.push(sql`procedure_code in (${sql.join(q.procedures)})`);
  const byMonth = q.by === 'month' || q.by === 'unit_procedure_month';
  // Days before the period only carry stocks into it: one bucket, not a month each.
  const bucket = byMonth ? sql`case when day < ${q.from}::date then '' else to_char(day, 'YYYY-MM') end` : sql`''`;
  const keys: RawBuilder<unknown>[] = [sql`${bucket} as month`];
  if (q.by === 'unit' || q.by === 'unit_procedure_month') keys.push(sql`unit_id`);
  if (q.by === 'procedure' || q.by === 'unit_procedure_month') keys.push(sql`procedure_code`);
  const groupCols = keys.map((_, i) => sql.raw(String(i + 1)));
  const flows = FLOWS.map((c) => sql`coalesce(sum(${sql.ref(c)}) filter (where day between ${q.from}::date and ${q.to}::date), 0)::int as ${sql.ref(c)}`);
  const rows = await sql<Record<string, unknown>>`
    select ${sql.join(keys)}, ${sql.join(flows)},
      coalesce(sum(open_delta) filter (where day <= ${q.end}::date), 0)::int as open_sum,
      coalesce(sum(overdue_delta) filter (where day <= ${q.end}::date), 0)::int as overdue_sum,
      coalesce(sum(open_delta) filter (where day < ${q.from}::date), 0)::int as before_sum
    from ${table}
    where ${sql.join(where, sql` and `)}
    group by ${sql.join(groupCols)}`.execute(ctx.database.db);
  const out = rows.rows.map((r) => ({
    month: String(r.month),
    unitId: r.unit_id as string | undefined,
    procedureCode: r.procedure_code as string | undefined,
    flows: Object.fromEntries(FLOWS.map((c) => [c, Number(r[c])])) as Counts['flows'],
    open: Number(r.open_sum),
    overdue: Number(r.overdue_sum),
    before: Number(r.before_sum),
  }));
  if (!byMonth) {
    return out.map((r) => ({
      ...(r.unitId !== undefined ? { unitId: r.unitId } : {}),
      ...(r.procedureCode !== undefined ? { procedureCode: r.procedureCode } : {}),
      flows: r.flows,
      inProgress: r.open,
      overdue: r.overdue,
      carriedOver: r.before,
    }));
  }
  // Stocks by month: running sums of the changes, series by unit and procedure.
  const months = monthsOf(q.from, q.to);
  const series = new Map<string, typeof out>();
  for (const r of out) {
    const k = `${r.unitId ?? ''}\u0000${r.procedureCode ?? ''}`;
    series.set(k, [...(series.get(k) ?? []), r]);
  }
  const result: GroupedCounts[] = [];
  const zeroFlows = Object.fromEntries(FLOWS.map((c) => [c, 0])) as Counts['flows'];
  for (const rows of series.values()) {
    const byKey = new Map(rows.map((r) => [r.month, r]));
    const first = rows[0];
    let open = byKey.get('')?.open ?? 0;
    let overdue = byKey.get('')?.overdue ?? 0;
    for (const m of months) {
      const r = byKey.get(m);
      const carriedOver = open;
      open += r?.open ?? 0;
      overdue += r?.overdue ?? 0;
      if (!r && !carriedOver && !open) continue;
      result.push({
        month: m,
        ...(first.unitId !== undefined ? { unitId: first.unitId } : {}),
        ...(first.procedureCode !== undefined ? { procedureCode: first.procedureCode } : {}),
        flows: r?.flows ?? zeroFlows,
        inProgress: open,
        overdue,
        carriedOver,
      });
    }
  }
  return result;
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
