import type { Ctx } from '../../platform/context.ts';
import { validationError } from '../../platform/http/validation.ts';
import { listUnits } from '../organisation/list-units.ts';
import { dossierStatistics, type StatisticsRow } from '../indicators/dossier-statistics.ts';
import { catalogueProcedures } from './catalogue-procedures.ts';
import { clockNow, type MonthPeriod, monthPeriod } from './period.ts';
import { remember } from './remember.ts';
import { addFigures, type PublishedFigures, publishableShare, publishFigures, type RawFigures } from './suppress.ts';

/** The figures of one line of the statistics, as published: small counts hidden, shares where they reveal none. */
export interface PublicFigures extends PublishedFigures {
  /** Results returned on time, in percent of those returned. */
  onTimeShare: number | null;
  /** Dossiers received online, in percent of those received. */
  onlineShare: number | null;
}

export interface PublicStatistics {
  period: MonthPeriod;
  /** The unit asked about (with the units beneath it), or null for all. */
  unit: string | null;
  /** The field asked about, or null for all. */
  field: string | null;
  /** The units and fields one may ask about, for the page's filters. */
  units: { id: string; parentId: string | null; name: string; nameEn: string | null }[];
  fields: string[];
  totals: PublicFigures;
  byMonth: (PublicFigures & { month: string })[];
  byUnit: (PublicFigures & { unitId: string; name: string; nameEn: string | null })[];
  /** By the procedures' field; null for procedures no longer in the catalogue. */
  byField: (PublicFigures & { field: string | null })[];
  /** When the figures were read (ISO 8601). */
  computedAt: string;
}

export const STATISTICS_PERIOD = { defaultMonths: 12, maxMonths: 36 };
const FRESH_MS = 60_000;

const ZERO: RawFigures = { received: 0, receivedOnline: 0, processed: 0, onTime: 0, late: 0, inProgress: 0 };
const rawOf = (r: StatisticsRow | undefined): RawFigures =>
  r ? { received: r.received, receivedOnline: r.receivedOnline, processed: r.processed, onTime: r.onTime, late: r.late, inProgress: r.inProgress } : ZERO;

export function publicFigures(f: RawFigures): PublicFigures {
  return { ...publishFigures(f), onTimeShare: publishableShare(f.onTime, f.processed), onlineShare: publishableShare(f.receivedOnline, f.received) };
}

/**
 * The public statistics page's figures (issue 15, as the national portal shows them): dossiers
 * received, processed, on time, online, in progress, over a period of months, in all, by month,
 * by receiving unit and by field; optionally for one unit (and those beneath it) or one field.
 * Aggregates from the indicator tables only, small counts hidden; anyone may ask. The same
 * question within a minute is answered from memory.
 */
export async function getPublicStatistics(
  ctx: Ctx,
  q: { from?: string; to?: string; unit?: string; field?: string },
  now = clockNow(ctx),
): Promise<PublicStatistics> {
  const period = monthPeriod(q, STATISTICS_PERIOD, now);
  const [units, procedures] = await Promise.all([listUnits(ctx), catalogueProcedures(ctx)]);
  const unit = q.unit?.trim() || null;
  const field = q.field?.trim() || null;
  if (unit && !units.some((u) => u.id === unit)) throw validationError([{ path: 'unit', message: 'Không có đơn vị này', messageEn: 'no such unit' }]);
  const fields = fieldsOf(procedures);
  if (field && !fields.includes(field)) throw validationError([{ path: 'field', message: 'Không có lĩnh vực này', messageEn: 'no such field' }]);

  const key = `statistics:${period.from}:${period.to}:${unit ?? ''}:${field ?? ''}`;
  return remember(ctx, key, FRESH_MS, async () => {
    const scope = {
      from: period.fromDay,
      to: period.toDay,
      units: unit ? beneath(units, unit) : null,
      procedures: field ? procedures.filter((p) => p.field === field).map((p) => p.code) : null,
    };
    const [total, byMonth, byUnit, byProcedure] = await Promise.all([
      dossierStatistics(ctx, { ...scope, by: 'total' }),
      dossierStatistics(ctx, { ...scope, by: 'month' }),
      dossierStatistics(ctx, { ...scope, by: 'unit' }),
      dossierStatistics(ctx, { ...scope, by: 'procedure' }),
    ]);
    const unitOf = new Map(units.map((u) => [u.id, u]));
    const fieldOf = new Map(procedures.map((p) => [p.code, p.field]));
    const months = new Map(byMonth.map((r) => [r.month, r]));
    const fieldRows = new Map<string | null, RawFigures[]>();
    for (const r of byProcedure) {
      const f = fieldOf.get(r.procedureCode!) ?? null;
      fieldRows.set(f, [...(fieldRows.get(f) ?? []), rawOf(r)]);
    }
    const active = (f: RawFigures) => f.received || f.processed || f.inProgress;
    return {
      period,
      unit,
      field,
      units: units.map((u) => ({ id: u.id, parentId: u.parentId, name: u.name, nameEn: u.nameEn })),
      fields,
      totals: publicFigures(total.length ? addFigures(total.map(rawOf)) : ZERO),
      byMonth: period.months.map((month) => ({ month, ...publicFigures(rawOf(months.get(month))) })),
      byUnit: byUnit
        .filter((r) => active(rawOf(r)))
        .sort((a, b) => a.unitId!.localeCompare(b.unitId!))
        .map((r) => ({
          unitId: r.unitId!,
          name: unitOf.get(r.unitId!)?.name ?? r.unitId!,
          nameEn: unitOf.get(r.unitId!)?.nameEn ?? null,
          ...publicFigures(rawOf(r)),
        })),
      byField: [...fieldRows]
        .map(([f, rows]) => ({ field: f, raw: addFigures(rows) }))
        .filter((x) => active(x.raw))
        .sort((a, b) => (a.field === null ? 1 : b.field === null ? -1 : a.field.localeCompare(b.field, 'vi')))
        .map((x) => ({ field: x.field, ...publicFigures(x.raw) })),
      computedAt: clockNow(ctx).toISOString(),
    };
  });
}

const fieldsOf = (procedures: readonly { field: string }[]) => [...new Set(procedures.map((p) => p.field))].sort((a, b) => a.localeCompare(b, 'vi'));

/** The units and fields the statistics may be asked about (the page's filters, also when a question was refused). */
export async function statisticsChoices(ctx: Ctx): Promise<Pick<PublicStatistics, 'units' | 'fields'>> {
  const [units, procedures] = await Promise.all([listUnits(ctx), catalogueProcedures(ctx)]);
  return { units: units.map((u) => ({ id: u.id, parentId: u.parentId, name: u.name, nameEn: u.nameEn })), fields: fieldsOf(procedures) };
}

/** A unit and every unit beneath it. */
function beneath(units: readonly { id: string; parentId: string | null }[], root: string): string[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const u of units) if (u.parentId === out[i]) out.push(u.id);
  return out;
}
