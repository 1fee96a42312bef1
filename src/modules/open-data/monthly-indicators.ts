import type { Ctx } from '../../platform/context.ts';
import { listUnits } from '../organisation/list-units.ts';
import { dossierStatistics } from '../indicators/dossier-statistics.ts';
import { computeIndicatorSeriesUnchecked } from '../indicators/compute-indicators.ts';
import { type GroupKey, INDICATOR_GROUPS, type IndicatorKey } from '../indicators/indicator-definitions.ts';
import type { IndicatorReport } from '../indicators/schemas.ts';
import type { MonthPeriod } from './period.ts';
import type { IndicatorRow } from './schemas.ts';
import { hideSmall, isSmall } from './suppress.ts';

const GROUPS: readonly GroupKey[] = INDICATOR_GROUPS.map((g) => g.key);
/** Indicators that count procedures of the catalogue, not anyone's dossiers: a small count there reveals nobody. */
const ABOUT_PROCEDURES: ReadonlySet<IndicatorKey> = new Set(['procedures_published_on_time', 'full_online_procedures']);

const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};

/**
 * A score is published only when none of the counts of dossiers it rests on is small: a group's
 * score when no indicator of the group has a numerator or denominator from 1 to 4 (one rating
 * would otherwise show how that person rated), the total only when every group's score is
 * published (the total minus the others would give the hidden one). Counts of procedures in the
 * catalogue are no one's and do not hide a score.
 */
export function publishScores(report: IndicatorReport): Pick<IndicatorRow, 'total' | GroupKey> & { hidden: boolean } {
  const scores = Object.fromEntries(GROUPS.map((k) => [k, null])) as Record<GroupKey, number | null>;
  let hidden = false;
  for (const g of report.groups) {
    if (g.indicators.some((i) => !ABOUT_PROCEDURES.has(i.key as IndicatorKey) && (isSmall(i.numerator) || isSmall(i.denominator)))) hidden = true;
    else scores[g.key] = g.score;
  }
  return { ...scores, total: hidden ? null : report.total, hidden };
}

/**
 * The service index of each receiving unit for each month of the period in which it had
 * dossiers, computed by the indicators module from its tables (no principal: the figures are
 * published aggregated, and small ones hidden). As the index counts, a unit's score takes in
 * the units beneath it, and so do its received and processed counts here.
 */
export async function monthlyIndicators(ctx: Ctx, period: MonthPeriod): Promise<IndicatorRow[]> {
  const [rows, units] = await Promise.all([dossierStatistics(ctx, { from: period.fromDay, to: period.toDay, by: 'unit_procedure_month' }), listUnits(ctx)]);
  const unitOf = new Map(units.map((u) => [u.id, u]));
  const active = new Map<string, { month: string; unitId: string }>();
  for (const r of rows) {
    if (r.received || r.processed || r.inProgress || r.carriedOver || r.closedOther)
      active.set(`${r.month}|${r.unitId}`, { month: r.month!, unitId: r.unitId! });
  }
  // Each month's units from one grouped reading (computeIndicatorSeriesUnchecked), not a computation per unit and month.
  const reports = new Map<string, IndicatorReport>();
  for (const month of new Set([...active.values()].map((a) => a.month))) {
    const units = [...active.values()].filter((a) => a.month === month).map((a) => a.unitId);
    const series = await computeIndicatorSeriesUnchecked(ctx, { from: `${month}-01`, to: [lastDayOf(month), period.toDay].sort()[0] }, { units });
    for (const x of series) reports.set(`${month}|${x.key}`, x.report);
  }
  const out: IndicatorRow[] = [];
  for (const a of [...active.values()].sort((x, y) => x.month.localeCompare(y.month) || x.unitId.localeCompare(y.unitId))) {
    const report = reports.get(`${a.month}|${a.unitId}`);
    if (!report) continue;
    const { hidden, ...scores } = publishScores(report);
    // The counts the scores rest on (the unit's and those beneath it): the online-filing and on-time indicators' denominators.
    const denominator = (key: IndicatorKey) => report.groups.flatMap((g) => g.indicators).find((i) => i.key === key)?.denominator ?? 0;
    const received = hideSmall(denominator('online_filing'));
    const processed = hideSmall(denominator('returned_on_time'));
    const unit = unitOf.get(a.unitId);
    out.push({
      month: a.month,
      unitId: a.unitId,
      unitName: unit?.name ?? a.unitId,
      unitNameEn: unit?.nameEn ?? null,
      received,
      processed,
      ...scores,
      suppressed: hidden || received === null || processed === null,
    });
  }
  return out;
}
