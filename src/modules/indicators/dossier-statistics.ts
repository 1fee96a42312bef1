import type { Ctx } from '../../platform/context.ts';
import { localDate } from '../calendar/dates.ts';
import { readCounts, type GroupBy } from './read-counts.ts';

export type StatisticsBy = 'total' | 'month' | 'unit' | 'procedure' | 'unit_procedure_month';

/** The report a ministry sends the Government Office, per row: counts only, never a person. */
export interface StatisticsRow {
  /** 'YYYY-MM' when grouped by month. */
  month?: string;
  unitId?: string;
  procedureCode?: string;
  received: number;
  receivedOnline: number;
  /** In progress at the start of the period (or month). */
  carriedOver: number;
  /** Results returned in the period: onTime + late. */
  processed: number;
  onTime: number;
  late: number;
  /** Refused after receipt, withdrawn, stopped. */
  closedOther: number;
  /** In progress at the end of the period (or month), today at the latest. */
  inProgress: number;
  /** Of those, past their due date with the clock running. */
  overdue: number;
}

/**
 * Dossier counts over a period from the service index's daily counts, for units and
 * procedures (null: all), grouped as asked. No principal: callers decide who may read which
 * units (the dashboard a leader's, public statistics and open data every unit's aggregates).
 */
export async function dossierStatistics(
  ctx: Ctx,
  q: { from: string; to: string; units?: readonly string[] | null; procedures?: readonly string[] | null; by: StatisticsBy },
): Promise<StatisticsRow[]> {
  const today = localDate(new Date(Date.now() + ctx.config.clockOffsetMs));
  const by: GroupBy = q.by === 'total' ? 'none' : q.by;
  const rows = await readCounts(ctx, {
    from: q.from,
    to: q.to,
    end: [q.to, today].sort()[0],
    units: q.units ?? null,
    procedures: q.procedures ?? null,
    by,
  });
  const out = rows.map((r) => ({
    ...(r.month !== undefined ? { month: r.month } : {}),
    ...(r.unitId !== undefined ? { unitId: r.unitId } : {}),
    ...(r.procedureCode !== undefined ? { procedureCode: r.procedureCode } : {}),
    received: r.flows.received,
    receivedOnline: r.flows.received_online,
    carriedOver: r.carriedOver,
    processed: r.flows.returned_on_time + r.flows.returned_late,
    onTime: r.flows.returned_on_time,
    late: r.flows.returned_late,
    closedOther: r.flows.closed_other,
    inProgress: r.inProgress,
    overdue: r.overdue,
  }));
  if (q.by === 'total' && !out.length)
    return [{ received: 0, receivedOnline: 0, carriedOver: 0, processed: 0, onTime: 0, late: 0, closedOther: 0, inProgress: 0, overdue: 0 }];
  return out.sort((a, b) => key(a).localeCompare(key(b)));
}

const key = (r: StatisticsRow) => `${r.month ?? ''}\u0000${r.unitId ?? ''}\u0000${r.procedureCode ?? ''}`;
