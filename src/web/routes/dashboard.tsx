import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { pick, type Lang } from '../../platform/i18n/index.ts';
import { sendPdf } from '../../platform/http/pdf-reply.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { tableWorkbook } from '../../platform/xlsx/table-workbook.ts';
import { daysInMonth, localDate } from '../../modules/calendar/dates.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';
import { catalogFacets } from '../../modules/catalog/search-procedures.ts';
import { getProcedure } from '../../modules/catalog/get-procedure.ts';
import { procedureCodesInField } from '../../modules/catalog/count-procedures-for-index.ts';
import { listDossiers } from '../../modules/dossiers/list-dossiers.ts';
import { coveredUnits } from '../../modules/dossiers/visibility.ts';
import { computeIndicators, computeIndicatorSeries, indicatorUnits } from '../../modules/indicators/compute-indicators.ts';
import { dossierStatistics } from '../../modules/indicators/dossier-statistics.ts';
import { INDICATOR_ROLES } from '../../modules/indicators/indicator-definitions.ts';
import { IndicatorQuery } from '../../modules/indicators/schemas.ts';
import { monthlyReportPdf } from '../../modules/reports/monthly-report.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { DashboardPage } from '../pages/office/dashboard.tsx';
import {
  DASHBOARD_URL,
  type DashboardData,
  type DashboardFilters,
  dashboardTables,
  type Drill,
  EXPORT_CSV_URL,
  EXPORT_XLSX_URL,
  PERIODS,
  type ProcedureRow,
  type RankingRow,
  REPORT_PDF_URL,
  TABLE_KEYS,
  type TableKey,
  tableAsCsv,
  tableAsWorkbook,
  type TrendRow,
  type UnitRow,
} from '../pages/office/dashboard-tables.ts';

type Staff = Extract<Principal, { kind: 'staff' }>;
const page = { hide: true } as const;
const ROLES = [...INDICATOR_ROLES];

// A form sends what was typed: the operations validate it, and their errors are shown on the page.
const DashboardParams = z.object({
  period: z.enum(PERIODS).optional().catch(undefined),
  from: z.string().max(20).optional(),
  to: z.string().max(20).optional(),
  unit: z.string().max(64).optional(),
  procedure: z.string().max(64).optional(),
  field: z.string().max(200).optional(),
  lang: z.enum(['vi', 'en']).optional(),
});
const ExportParams = DashboardParams.extend({ table: z.enum(TABLE_KEYS).default('units') });
const ReportParams = z.object({ month: z.string().max(20).optional(), unit: z.string().max(64).optional() });

/** How many rows the dossier lists and the procedure ranking show; the queue and the exports have the rest. */
const LIST_ROWS = 20;
const PROCEDURE_ROWS = 30;

const todayOf = (ctx: Ctx) => localDate(new Date(Date.now() + ctx.config.clockOffsetMs));
const monthEnd = (month: string) => `${month}-${String(daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)))).padStart(2, '0')}`;
const monthBefore = (month: string, n = 1) => {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 - n, 1));
  return d.toISOString().slice(0, 7);
};

/** The period's days: the calendar periods end today (or at their end, for last month); a custom period is as typed. */
export function resolvePeriod(q: z.infer<typeof DashboardParams>, today: string): Pick<DashboardFilters, 'period' | 'from' | 'to'> {
  const period = q.period ?? (q.from || q.to ? 'custom' : 'this_month');
  const month = today.slice(0, 7);
  switch (period) {
    case 'this_month':
      return { period, from: `${month}-01`, to: today };
    case 'last_month': {
      const last = monthBefore(month);
      return { period, from: `${last}-01`, to: monthEnd(last) };
    }
    case 'this_quarter': {
      const m = Number(month.slice(5, 7));
      const first = String(m - ((m - 1) % 3)).padStart(2, '0');
      return { period, from: `${month.slice(0, 4)}-${first}-01`, to: today };
    }
    case 'this_year':
      return { period, from: `${today.slice(0, 4)}-01-01`, to: today };
    default:
      return { period: 'custom', from: q.from?.trim() || `${month}-01`, to: q.to?.trim() || today };
  }
}

function subtree(units: { id: string; parentId: string | null }[], root: string): string[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const u of units) if (u.parentId === out[i]) out.push(u.id);
  return out;
}

/** What the filter form offers: the units the official reads the index of, and the catalogue's fields. */
async function formChoices(ctx: Ctx, p: Principal, lang: Lang) {
  const [allowed, all, facets] = await Promise.all([indicatorUnits(ctx, p), listUnits(ctx), catalogFacets(ctx)]);
  const seen = new Set(allowed);
  return {
    allowed,
    all,
    units: all.filter((u) => seen.has(u.id)).map((u) => ({ id: u.id, name: pick(lang, u.name, u.nameEn ?? u.name) })),
    fields: facets.fields.map((f) => f.value),
  };
}

type Part = 'all' | TableKey;
type Choices = Awaited<ReturnType<typeof formChoices>>;

/**
 * Everything the dashboard shows, from the indicators module's operations and the work queue:
 * computeIndicators checks the principal; the unit is checked against the units they read
 * before any aggregate is asked for (dossierStatistics trusts its caller).
 */
async function loadDashboard(ctx: Ctx, p: Staff, filters: DashboardFilters, choices: Choices, part: Part): Promise<DashboardData> {
  const today = todayOf(ctx);
  const { allowed, all } = choices;
  if (filters.unit && !allowed.includes(filters.unit)) throw notFound({ vi: `đơn vị ${filters.unit}`, en: `Unit ${filters.unit}` });
  // The period as the index takes it: a day not written as one, or the end before the start, comes back on the form.
  const parsed = IndicatorQuery.safeParse({
    from: filters.from,
    to: filters.to,
    unit: filters.unit || undefined,
    procedure: filters.procedure || undefined,
    field: filters.field || undefined,
  });
  if (!parsed.success) throw fromZod(parsed.error);
  const query = parsed.data;
  const report = await computeIndicators(ctx, query, p);
  const scopeUnits = filters.unit ? subtree(all, filters.unit).filter((u) => allowed.includes(u)) : allowed;
  let procedures: string[] | null = filters.procedure ? [filters.procedure] : null;
  if (filters.field) {
    const inField = await procedureCodesInField(ctx, filters.field);
    procedures = procedures ? procedures.filter((c) => inField.includes(c)) : inField;
  }
  const stat = (by: 'total' | 'unit' | 'procedure') => dossierStatistics(ctx, { from: filters.from, to: filters.to, units: scopeUnits, procedures, by });
  const want = (k: TableKey) => part === 'all' || part === k;
  const names = new Map(choices.units.map((u) => [u.id, u.name]));

  // The work queue selects a unit and those beneath it; it shows the official the units they see there.
  const covered = new Set(await coveredUnits(ctx, p));
  const roots = scopeUnits.filter((u) => !scopeUnits.includes(all.find((x) => x.id === u)?.parentId ?? ''));
  const root = filters.unit || (roots.length === 1 ? roots[0] : '');
  const scope: Drill | null =
    root && covered.has(root) ? { unit: root, subunits: 'true', procedure: filters.procedure || undefined, field: filters.field || undefined } : null;

  const [totals, unitStats, procedureStats] = await Promise.all([
    part === 'all' ? stat('total') : Promise.resolve([]),
    want('units') || want('unit_ranking') ? stat('unit') : Promise.resolve([]),
    want('procedures') ? stat('procedure') : Promise.resolve([]),
  ]);
  const active = (r: { received: number; carriedOver: number; processed: number; inProgress: number; closedOther: number }) =>
    r.received + r.carriedOver + r.processed + r.inProgress + r.closedOther > 0;
  const byUnit: UnitRow[] = unitStats
    .filter(active)
    .map((r) => ({ ...r, unitId: r.unitId!, name: names.get(r.unitId!) ?? r.unitId! }))
    .sort((a, b) => b.received - a.received || a.name.localeCompare(b.name, 'vi'));

  // The trend: the index month by month, the twelve months up to the period's last (not those yet to come).
  const trend: TrendRow[] = [];
  if (want('trend')) {
    const lastMonth = filters.to.slice(0, 7);
    const months = Array.from({ length: 12 }, (_, i) => monthBefore(lastMonth, 11 - i)).filter((m) => `${m}-01` <= today);
    for (const { key, report: x } of await computeIndicatorSeries(ctx, { ...query, to: [filters.to, today].sort()[0] }, p, { months }))
      trend.push({ month: key, total: x.total, groups: x.groups.map((g) => g.score) });
  }

  // Units ranked by their own index (each with the units beneath it), those with dossiers in the period.
  const ranking: RankingRow[] = [];
  if (want('unit_ranking')) {
    const scores = new Map((await computeIndicatorSeries(ctx, query, p, { units: byUnit.map((u) => u.unitId) })).map((r) => [r.key, r.report.total]));
    for (const u of byUnit)
      ranking.push({ unitId: u.unitId, name: u.name, total: scores.get(u.unitId) ?? 0, received: u.received, processed: u.processed, onTime: u.onTime });
  }
  ranking.sort((a, b) => b.total - a.total || b.received - a.received || a.name.localeCompare(b.name, 'vi'));

  // Procedures with the most results returned late first, then the lowest on-time rate.
  const rate = (r: { onTime: number; processed: number }) => (r.processed ? r.onTime / r.processed : 1);
  const procRows = procedureStats
    .filter(active)
    .sort((a, b) => b.late - a.late || rate(a) - rate(b) || b.received - a.received)
    .slice(0, part === 'all' ? PROCEDURE_ROWS : undefined);
  const procNames = await procedureNames(
    ctx,
    procRows.map((r) => r.procedureCode!),
  );
  const proceduresRanked: ProcedureRow[] = procRows.map((r) => ({
    ...r,
    procedureCode: r.procedureCode!,
    name: procNames.get(r.procedureCode!) ?? r.procedureCode!,
  }));

  const list = async (queue: 'overdue' | 'due_soon') => {
    if (!want(queue)) return { items: [], total: 0, capped: false };
    const r = await listDossiers(ctx, p, {
      queue,
      ...(scope ? { unit: scope.unit, subunits: 'true' as const } : {}),
      procedure: filters.procedure || undefined,
      field: filters.field || undefined,
      page: 1,
      pageSize: part === 'all' ? LIST_ROWS : 200,
    });
    return { items: r.items, total: r.total, capped: r.totalCapped };
  };
  const [overdue, dueSoon] = await Promise.all([list('overdue'), list('due_soon')]);
  const empty = { received: 0, receivedOnline: 0, carriedOver: 0, processed: 0, onTime: 0, late: 0, closedOther: 0, inProgress: 0, overdue: 0 };
  return {
    filters,
    today,
    units: choices.units,
    fields: choices.fields,
    report,
    totals: totals[0] ?? empty,
    byUnit,
    ranking,
    procedures: proceduresRanked,
    trend,
    overdue,
    dueSoon,
    scope,
    drillable: covered,
  };
}

/** Procedures' names as in force today; a procedure no longer in force is shown by its code. */
async function procedureNames(ctx: Ctx, codes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    codes.map(async (c) => {
      try {
        out.set(c, (await getProcedure(ctx, c)).name);
      } catch (e) {
        // No version in force any more: its code stands for it (it is still the procedure its dossiers were filed under).
        if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
      }
    }),
  );
  return out;
}

/** An error as one line for a page: its text, then what each detail says. */
const errorText = (req: FastifyRequest, e: AppError) =>
  [t(req, e.text.vi, e.text.en), ...(e.details ?? []).filter((d) => d.message).map((d) => t(req, d.message, d.messageEn))]
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(' — ');

function filtersOf(ctx: Ctx, q: z.infer<typeof DashboardParams>): DashboardFilters {
  return { ...resolvePeriod(q, todayOf(ctx)), unit: q.unit?.trim() ?? '', procedure: q.procedure?.trim() ?? '', field: q.field?.trim() ?? '' };
}

/** A unit's title for a file's heading: its name, or "every unit". */
const scopeTitle = (d: DashboardData, lang: Lang) =>
  d.filters.unit ? (d.units.find((u) => u.id === d.filters.unit)?.name ?? d.filters.unit) : pick(lang, 'Tất cả đơn vị', 'All units');

/** The overview's score card: this month's index of the official's units, for those who read it. */
export async function overviewScore(ctx: Ctx, p: Principal): Promise<{ total: number; from: string; to: string } | null> {
  if (p.kind !== 'staff' || !p.roles.some((r) => (INDICATOR_ROLES as readonly string[]).includes(r.role))) return null;
  const today = todayOf(ctx);
  const r = await computeIndicators(ctx, { from: `${today.slice(0, 7)}-01`, to: today }, p);
  return { total: r.total, from: r.from, to: r.to };
}

/**
 * The leaders' dashboard (issue 15): the page, each of its tables as XLSX and CSV, and the
 * monthly report as a PDF. Leaders read the units they lead and those beneath them; auditors and
 * administrators every unit (the indicators module decides). Every page works without a script.
 */
export const dashboardPagesModule: Module = {
  name: 'dashboard-pages',
  routes(app, ctx) {
    app.get(DASHBOARD_URL, { config: { access: ROLES }, schema: { ...page, querystring: DashboardParams } }, async (req, reply) => {
      const p = req.principal as Staff;
      const lang = req.query.lang ?? req.lang;
      const filters = filtersOf(ctx, req.query);
      // Aggregates and queues as a leader surveys them, not what they just did: the read replica serves them when there is one.
      const { choices, data, error } = await onReplica(ctx, async (c) => {
        const choices = await formChoices(c, p, lang);
        try {
          return { choices, data: await loadDashboard(c, p, filters, choices, 'all'), error: null };
        } catch (e) {
          // A unit not theirs is not found (the error page); a period written wrong comes back on the form.
          if (!(e instanceof AppError) || e.status !== 400) throw e;
          return { choices, data: null, error: e };
        }
      });
      const form = { filters, units: choices.units, fields: choices.fields };
      if (!error) return sendPage(reply, DashboardPage({ req, data: data!, form }));
      const href = error.details?.[0]?.path === 'from' ? '#from' : '#to';
      return sendPage(reply, DashboardPage({ req, data: null, form, error: { text: errorText(req, error), href } }), 400);
    });

    const exportTable = async (req: FastifyRequest, q: z.infer<typeof ExportParams>) => {
      const lang = q.lang ?? req.lang;
      const p = req.principal as Staff;
      const data = await onReplica(ctx, async (c) => loadDashboard(c, p, filtersOf(c, q), await formChoices(c, p, lang), q.table));
      const table = dashboardTables(data, lang).find((x) => x.key === q.table)!;
      const f = data.filters;
      const vn = (d: string) => d.split('-').reverse().join('/');
      const title = `${pick(lang, table.vi, table.en)} — ${scopeTitle(data, lang)} — ${pick(lang, `từ ${vn(f.from)} đến ${vn(f.to)}`, `${f.from} to ${f.to}`)}`;
      const name = `chi-so-${q.table.replace('_', '-')}-${f.from}-${f.to}`;
      return { data, table, title, name, lang };
    };

    app.get(EXPORT_XLSX_URL, { config: { access: ROLES }, schema: { ...page, querystring: ExportParams } }, async (req, reply) => {
      const x = await exportTable(req, req.query);
      const bytes = await tableWorkbook(tableAsWorkbook(x.table, x.title, x.lang));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${x.name}.xlsx"`)
        .header('cache-control', 'no-store')
        .send(Buffer.from(bytes));
    });

    app.get(EXPORT_CSV_URL, { config: { access: ROLES }, schema: { ...page, querystring: ExportParams } }, async (req, reply) => {
      const x = await exportTable(req, req.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${x.name}.csv"`)
        .header('cache-control', 'no-store')
        .send(tableAsCsv(x.table, x.lang));
    });

    // The monthly report: the month asked for (this month by default), of a unit and those beneath it or of every unit read.
    app.get(REPORT_PDF_URL, { config: { access: ROLES }, schema: { ...page, querystring: ReportParams } }, async (req, reply) => {
      const month = req.query.month?.trim() || todayOf(ctx).slice(0, 7);
      const pdf = await onReplica(ctx, (c) => monthlyReportPdf(c, { month, unit: req.query.unit?.trim() || null }, req.principal!));
      return sendPdf(reply, pdf);
    });
  },
};
