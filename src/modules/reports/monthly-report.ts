import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { daysInMonth, localDate } from '../calendar/dates.ts';
import { listUnits } from '../organisation/list-units.ts';
import { catalogFacets } from '../catalog/search-procedures.ts';
import { procedureCodesInField } from '../catalog/count-procedures-for-index.ts';
import { agencyHeader } from '../dossiers/issue-form.ts';
import { dossierStatistics, type StatisticsRow } from '../indicators/dossier-statistics.ts';
import { indicatorUnits } from '../indicators/compute-indicators.ts';
import { renderMonthlyReport, type MonthlyReportData, type MonthlyReportRow } from './render-monthly-report.ts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Procedures whose field no version in force names any more. */
export const OTHER_FIELD = 'Lĩnh vực khác';

const zero = (): Omit<MonthlyReportRow, 'key' | 'name'> => ({
  received: 0,
  receivedOnline: 0,
  carriedOver: 0,
  processed: 0,
  onTime: 0,
  late: 0,
  inProgress: 0,
  overdue: 0,
});

function add(into: Omit<MonthlyReportRow, 'key' | 'name'>, r: StatisticsRow) {
  into.received += r.received;
  into.receivedOnline += r.receivedOnline;
  into.carriedOver += r.carriedOver;
  into.processed += r.processed;
  into.onTime += r.onTime;
  into.late += r.late;
  into.inProgress += r.inProgress;
  into.overdue += r.overdue;
}

/** The first and last Vietnam day of a month written YYYY-MM; anything else is a validation error. */
export function monthPeriod(month: string): { from: string; to: string } {
  const m = MONTH.exec(month);
  if (!m)
    throw new AppError('VALIDATION_FAILED', { vi: 'Tháng báo cáo phải viết dạng NNNN-TT', en: 'The month must be written YYYY-MM' }, [
      { path: 'month', message: 'Tháng phải viết dạng NNNN-TT, ví dụ 2026-11', messageEn: 'write the month as YYYY-MM, e.g. 2026-11' },
    ]);
  return { from: `${month}-01`, to: `${month}-${String(daysInMonth(Number(m[1]), Number(m[2]))).padStart(2, '0')}` };
}

/**
 * The monthly report a ministry (or one of its units) sends the Government Office on the
 * dossiers it handled (Decree 61/2018/NĐ-CP, Art. 33; Circular 01/2018/TT-VPCP): received in the
 * month (of which online), carried over from the month before, processed on time and late, in
 * progress at the month's end (of which overdue), by receiving unit and by field, with totals.
 * The principal must read the index of the unit (and the units beneath it), or, without a unit,
 * the figures are those of every unit they read. Counts only, never a person.
 */
export async function monthlyReport(ctx: Ctx, q: { month: string; unit?: string | null }, p: Principal): Promise<MonthlyReportData> {
  const allowed = await indicatorUnits(ctx, p);
  if (!allowed.length)
    throw new AppError('FORBIDDEN', { vi: 'Chỉ lãnh đạo, thanh tra và quản trị xem báo cáo', en: 'Only leaders, auditors and administrators read reports' });
  if (q.unit && !allowed.includes(q.unit)) throw notFound({ vi: `đơn vị ${q.unit}`, en: `Unit ${q.unit}` });
  const { from, to } = monthPeriod(q.month);
  const now = new Date(Date.now() + ctx.config.clockOffsetMs);
  if (from > localDate(now))
    throw new AppError('VALIDATION_FAILED', { vi: 'Tháng báo cáo chưa bắt đầu', en: 'The month has not begun' }, [
      { path: 'month', message: 'Chọn tháng này hoặc một tháng đã qua', messageEn: 'choose this month or an earlier one' },
    ]);
  const all = await listUnits(ctx);
  const byId = new Map(all.map((u) => [u.id, u]));
  // A unit's report counts the unit and those beneath it, as the index does.
  const scope = q.unit ? subtree(all, q.unit).filter((u) => allowed.includes(u)) : allowed;
  const [unitRows, procedureRows, facets] = await Promise.all([
    dossierStatistics(ctx, { from, to, units: scope, by: 'unit' }),
    dossierStatistics(ctx, { from, to, units: scope, by: 'procedure' }),
    catalogFacets(ctx),
  ]);
  const fieldOf = new Map<string, string>();
  const inFields = await Promise.all(facets.fields.map(async (f) => [f.value, await procedureCodesInField(ctx, f.value)] as const));
  for (const [field, codes] of inFields) for (const c of codes) if (!fieldOf.has(c)) fieldOf.set(c, field);

  const byUnit: MonthlyReportRow[] = unitRows
    .filter((r) => r.received || r.carriedOver || r.processed || r.inProgress || r.closedOther)
    .map((r) => {
      const row = { key: r.unitId!, name: byId.get(r.unitId!)?.name ?? r.unitId!, ...zero() };
      add(row, r);
      return row;
    });
  const fields = new Map<string, MonthlyReportRow>();
  for (const r of procedureRows) {
    if (!(r.received || r.carriedOver || r.processed || r.inProgress || r.closedOther)) continue;
    const field = fieldOf.get(r.procedureCode!) ?? OTHER_FIELD;
    const row = fields.get(field) ?? { key: field, name: field, ...zero() };
    add(row, r);
    fields.set(field, row);
  }
  const total = { key: 'total', name: 'Tổng cộng', ...zero() };
  for (const r of unitRows) add(total, r);
  // The issuing agency: the unit asked for, else the highest unit the official reads.
  const top = q.unit ?? scope.find((u) => !scope.includes(byId.get(u)?.parentId ?? '')) ?? scope[0];
  const agency = agencyHeader(byId, top);
  return {
    month: q.month,
    unitId: q.unit ?? null,
    agency: { parent: agency.parent, name: agency.name, place: agency.place },
    issuedAt: now,
    byUnit,
    byField: [...fields.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    total,
  };
}

function subtree(units: { id: string; parentId: string | null }[], root: string): string[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const u of units) if (u.parentId === out[i]) out.push(u.id);
  return out;
}

/** The report as an A4 PDF with the national header. */
export async function monthlyReportPdf(ctx: Ctx, q: { month: string; unit?: string | null }, p: Principal): Promise<{ bytes: Uint8Array; fileName: string }> {
  const data = await monthlyReport(ctx, q, p);
  return { bytes: await renderMonthlyReport(data), fileName: `bao-cao-${q.month}${q.unit ? `-${q.unit}` : ''}.pdf` };
}
