import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { listUnits, unitTree, type UnitNode } from '../organisation/list-units.ts';
import { countProceduresForIndex, procedureCodesInField, type ProcedureIndexCounts } from '../catalog/count-procedures-for-index.ts';
import { daysInMonth, localDate } from '../calendar/dates.ts';
import { INDICATOR_GROUPS, INDICATOR_ROLES, round2, scoreOf, type IndicatorKey } from './indicator-definitions.ts';
import { readCounts, type Counts } from './read-counts.ts';
import type { IndicatorQuery, IndicatorReport } from './schemas.ts';

const ALL_UNITS_ROLES = new Set(['auditor', 'administrator']);

/**
 * The units whose figures an official may read: every unit for auditors and administrators,
 * and for leaders the units they lead and those beneath them. Empty for anyone else.
 */
export async function indicatorUnits(ctx: Ctx, p: Principal): Promise<string[]> {
  if (p.kind !== 'staff') return [];
  const units = await listUnits(ctx);
  if (p.roles.some((r) => ALL_UNITS_ROLES.has(r.role))) return units.map((u) => u.id);
  const led = new Set(p.roles.filter((r) => (INDICATOR_ROLES as readonly string[]).includes(r.role)).map((r) => r.unitId));
  return subtreeOf(units, led);
}

function subtreeOf(units: Awaited<ReturnType<typeof listUnits>>, roots: Set<string>): string[] {
  const out: string[] = [];
  const walk = (nodes: UnitNode[], inside: boolean) => {
    for (const n of nodes) {
      const covered = inside || roots.has(n.id);
      if (covered) out.push(n.id);
      walk(n.children, covered);
    }
  };
  walk(unitTree(units), false);
  return out;
}

/**
 * The service index for a period and a scope, as the principal may see it: `unit` (and the
 * units beneath it) must be one of theirs, else it is not found; without `unit`, the ministry
 * for auditors and administrators, and a leader's own units.
 */
export async function computeIndicators(ctx: Ctx, q: IndicatorQuery, p: Principal): Promise<IndicatorReport> {
  const allowed = await indicatorUnits(ctx, p);
  if (!allowed.length)
    throw new AppError('FORBIDDEN', { vi: 'Chỉ lãnh đạo, thanh tra và quản trị xem chỉ số', en: 'Only leaders, auditors and administrators read the index' });
  const units = await listUnits(ctx);
  let scope: string[] | null;
  if (q.unit) {
    if (!allowed.includes(q.unit)) throw notFound({ vi: `đơn vị ${q.unit}`, en: `Unit ${q.unit}` });
    scope = subtreeOf(units, new Set([q.unit])).filter((u) => allowed.includes(u));
  } else scope = allowed.length === units.length ? null : allowed;
  return indicatorsFor(ctx, q, scope);
}

async function indicatorsFor(ctx: Ctx, q: IndicatorQuery, units: string[] | null): Promise<IndicatorReport> {
  const end = [q.to, todayOf(ctx)].sort()[0];
  const procedures = await proceduresOf(ctx, q);
  const [rows, catalogue] = await Promise.all([
    readCounts(ctx, { from: q.from, to: q.to, end, units, procedures, by: 'none' }),
    countProceduresForIndex(ctx, { from: q.from, to: q.to, field: q.field ?? null, procedure: q.procedure ?? null }),
  ]);
  return reportOf(q, rows[0] ?? emptyCounts(), catalogue);
}

/**
 * The index month by month (`months`: 'YYYY-MM', the last one cut at `q.to`), or unit by unit
 * (`units`: each with the units beneath it), for a dashboard's trend and ranking: two or three
 * queries in all rather than a computation per month or unit. The principal is checked as by
 * computeIndicators; units outside theirs are left out.
 */
export async function computeIndicatorSeries(
  ctx: Ctx,
  q: IndicatorQuery,
  p: Principal,
  by: { months: string[] } | { units: string[] },
): Promise<{ key: string; report: IndicatorReport }[]> {
  const allowed = await indicatorUnits(ctx, p);
  if (!allowed.length)
    throw new AppError('FORBIDDEN', { vi: 'Chỉ lãnh đạo, thanh tra và quản trị xem chỉ số', en: 'Only leaders, auditors and administrators read the index' });
  return seriesFor(ctx, q, allowed, await listUnits(ctx), by);
}

/** The same series with no principal (every unit may be named): for open data, which publishes aggregates only. */
export async function computeIndicatorSeriesUnchecked(
  ctx: Ctx,
  q: IndicatorQuery,
  by: { months: string[] } | { units: string[] },
): Promise<{ key: string; report: IndicatorReport }[]> {
  const all = await listUnits(ctx);
  return seriesFor(
    ctx,
    q,
    all.map((u) => u.id),
    all,
    by,
  );
}

async function seriesFor(
  ctx: Ctx,
  q: IndicatorQuery,
  allowed: string[],
  all: Awaited<ReturnType<typeof listUnits>>,
  by: { months: string[] } | { units: string[] },
): Promise<{ key: string; report: IndicatorReport }[]> {
  if (q.unit && !allowed.includes(q.unit)) throw notFound({ vi: `đơn vị ${q.unit}`, en: `Unit ${q.unit}` });
  const procedures = await proceduresOf(ctx, q);
  const today = todayOf(ctx);
  if ('months' in by) {
    if (!by.months.length) return [];
    const scope = q.unit ? subtreeOf(all, new Set([q.unit])).filter((u) => allowed.includes(u)) : allowed.length === all.length ? null : allowed;
    const from = `${by.months[0]}-01`;
    const to = [q.to, monthEnd(by.months[by.months.length - 1])].sort()[0];
    const rows = await readCounts(ctx, { from, to, end: [to, today].sort()[0], units: scope, procedures, by: 'month' });
    const byMonth = new Map(rows.map((r) => [r.month, r]));
    // Months that begin after the period's end have no figures yet.
    return Promise.all(
      by.months
        .filter((m) => `${m}-01` <= to)
        .map(async (m) => {
          const mq = { ...q, from: `${m}-01`, to: [monthEnd(m), to].sort()[0] };
          const catalogue = await countProceduresForIndex(ctx, { from: mq.from, to: mq.to, field: q.field ?? null, procedure: q.procedure ?? null });
          return { key: m, report: reportOf(mq, byMonth.get(m) ?? emptyCounts(), catalogue) };
        }),
    );
  }
  const wanted = by.units.filter((u) => allowed.includes(u));
  const subtrees = new Map(wanted.map((u) => [u, subtreeOf(all, new Set([u])).filter((x) => allowed.includes(x))]));
  const union = [...new Set([...subtrees.values()].flat())];
  const [rows, catalogue] = await Promise.all([
    readCounts(ctx, { from: q.from, to: q.to, end: [q.to, today].sort()[0], units: union, procedures, by: 'unit' }),
    countProceduresForIndex(ctx, { from: q.from, to: q.to, field: q.field ?? null, procedure: q.procedure ?? null }),
  ]);
  const perUnit = new Map(rows.map((r) => [r.unitId, r]));
  return wanted.map((u) => ({
    key: u,
    report: reportOf({ ...q, unit: u }, sumCounts(subtrees.get(u)!.map((x) => perUnit.get(x) ?? emptyCounts())), catalogue),
  }));
}

const todayOf = (ctx: Ctx) => localDate(new Date(Date.now() + ctx.config.clockOffsetMs));

/** The last day of a month 'YYYY-MM'. */
const monthEnd = (m: string) => `${m}-${String(daysInMonth(Number(m.slice(0, 4)), Number(m.slice(5, 7)))).padStart(2, '0')}`;

/** The procedures a query is limited to: one, a field's, both, or all (null). */
async function proceduresOf(ctx: Ctx, q: IndicatorQuery): Promise<string[] | null> {
  let procedures: string[] | null = null;
  if (q.procedure) procedures = [q.procedure];
  if (q.field) {
    const inField = await procedureCodesInField(ctx, q.field);
    procedures = procedures ? procedures.filter((c) => inField.includes(c)) : inField;
  }
  return procedures;
}

function sumCounts(list: Counts[]): Counts {
  const out = emptyCounts();
  for (const c of list) {
    for (const k of Object.keys(out.flows) as (keyof Counts['flows'])[]) out.flows[k] += c.flows[k];
    out.inProgress += c.inProgress;
    out.overdue += c.overdue;
    out.carriedOver += c.carriedOver;
  }
  return out;
}

/** The report for one period and scope from its counts: every indicator's ratio and score. */
function reportOf(q: IndicatorQuery, c: Counts, catalogue: ProcedureIndexCounts): IndicatorReport {
  const f = c.flows;
  const returned = f.returned_on_time + f.returned_late;
  const rated = f.rated_1 + f.rated_2 + f.rated_3 + f.rated_4 + f.rated_5;
  const ratios: Record<IndicatorKey, [number, number]> = {
    procedures_published_on_time: [catalogue.versionsPublishedOnTime, catalogue.versionsEffective],
    // Public tracking by code covers every dossier; what the index asks is that the receipt reached the national portal.
    dossiers_published: [f.published, f.received],
    // Feedback (phản ánh, kiến nghị) is not handled in congso yet: nothing to measure.
    feedback_on_time: [0, 0],
    progress_on_time: [f.returned_on_time + (c.inProgress - c.overdue), returned + c.inProgress],
    online_filing: [f.received_online, f.received],
    online_payment: [f.returned_paid_online, f.returned_fee_bearing],
    full_online_procedures: [catalogue.inForceFullOnline, catalogue.inForce],
    satisfied_ratings: [rated - f.rated_1 - f.rated_2, rated],
    returned_on_time: [f.returned_on_time, returned],
    electronic_results: [f.returned_electronic_result, returned],
    paper_digitised: [f.returned_paper_digitised, f.returned_paper],
    fully_digitised: [f.returned_fully_digitised, returned],
    data_reused: [f.returned_reused, returned],
  };
  const groups = INDICATOR_GROUPS.map((g) => {
    const indicators = g.indicators.map((d) => {
      const [numerator, denominator] = ratios[d.key];
      const { ratio, score } = scoreOf(numerator, denominator, d.max, d.threshold);
      return {
        key: d.key,
        name: d.name,
        nameEn: d.nameEn,
        formula: d.formula,
        formulaEn: d.formulaEn,
        numerator,
        denominator,
        ratio,
        threshold: d.threshold,
        max: d.max,
        score,
      };
    });
    return { key: g.key, name: g.name, nameEn: g.nameEn, weight: g.weight, score: round2(indicators.reduce((n, i) => n + i.score, 0)), indicators };
  });
  return {
    from: q.from,
    to: q.to,
    unit: q.unit ?? null,
    procedure: q.procedure ?? null,
    field: q.field ?? null,
    total: round2(groups.reduce((n, g) => n + g.score, 0)),
    groups,
  };
}

function emptyCounts(): Counts {
  return {
    flows: {
      received: 0,
      received_online: 0,
      returned_on_time: 0,
      returned_late: 0,
      closed_other: 0,
      returned_fee_bearing: 0,
      returned_paid_online: 0,
      returned_paper: 0,
      returned_paper_digitised: 0,
      returned_electronic_result: 0,
      returned_fully_digitised: 0,
      returned_reused: 0,
      rated_1: 0,
      rated_2: 0,
      rated_3: 0,
      rated_4: 0,
      rated_5: 0,
      published: 0,
    },
    inProgress: 0,
    overdue: 0,
    carriedOver: 0,
  };
}
