import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { listUnits, unitTree, type UnitNode } from '../organisation/list-units.ts';
import { countProceduresForIndex, procedureCodesInField } from '../catalog/count-procedures-for-index.ts';
import { localDate } from '../calendar/dates.ts';
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

/**
 * The same figures with no principal (every unit may be named): for open data, which publishes
 * aggregates only. `unit` still means the unit and those beneath it.
 */
export async function computeIndicatorsUnchecked(ctx: Ctx, q: IndicatorQuery): Promise<IndicatorReport> {
  if (!q.unit) return indicatorsFor(ctx, q, null);
  const units = await listUnits(ctx);
  if (!units.some((u) => u.id === q.unit)) throw notFound({ vi: `đơn vị ${q.unit}`, en: `Unit ${q.unit}` });
  return indicatorsFor(ctx, q, subtreeOf(units, new Set([q.unit])));
}

async function indicatorsFor(ctx: Ctx, q: IndicatorQuery, units: string[] | null): Promise<IndicatorReport> {
  const today = localDate(new Date(Date.now() + ctx.config.clockOffsetMs));
  // ISO days compare as strings: the earlier of the two.
  const end = [q.to, today].sort()[0];
  let procedures: string[] | null = null;
  if (q.procedure) procedures = [q.procedure];
  if (q.field) {
    const inField = await procedureCodesInField(ctx, q.field);
    procedures = procedures ? procedures.filter((c) => inField.includes(c)) : inField;
  }
  const [rows, catalogue] = await Promise.all([
    readCounts(ctx, { from: q.from, to: q.to, end, units, procedures, by: 'none' }),
    countProceduresForIndex(ctx, { from: q.from, to: q.to, field: q.field ?? null, procedure: q.procedure ?? null }),
  ]);
  const c = rows[0] ?? emptyCounts();
  const f = c.flows;
  const returned = f.returned_on_time + f.returned_late;
  const rated = f.rated_1 + f.rated_2 + f.rated_3 + f.rated_4 + f.rated_5;
  const ratios: Record<IndicatorKey, [number, number]> = {
    procedures_published_on_time: [catalogue.versionsPublishedOnTime, catalogue.versionsEffective],
    // Every received dossier's progress is public: tracked by its code and sent to the national portal in the transaction of each change.
    dossiers_published: [f.received, f.received],
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
    },
    inProgress: 0,
    overdue: 0,
    carriedOver: 0,
  };
}
