import type { DossierSummary, ListQuery } from '../../../modules/dossiers/list-dossiers.ts';
import type { IndicatorReport } from '../../../modules/indicators/schemas.ts';
import type { StatisticsRow } from '../../../modules/indicators/dossier-statistics.ts';
import { STATUSES } from '../../../modules/dossiers/workflow.ts';
import { pick, type Lang } from '../../../platform/i18n/index.ts';
import type { TableWorkbook } from '../../../platform/xlsx/table-workbook.ts';
import { monthLabel } from '../../components/dashboard-charts.tsx';
import { dueHasTime, dueText } from '../../components/dossier.tsx';

/**
 * The leaders' dashboard's tables (issue 15), each written once: the page draws them with a link
 * on every figure that has dossiers behind it, and the exports (XLSX, CSV) write the same rows.
 */

export const DASHBOARD_URL = '/can-bo/chi-so';
export const EXPORT_XLSX_URL = `${DASHBOARD_URL}/xuat.xlsx`;
export const EXPORT_CSV_URL = `${DASHBOARD_URL}/xuat.csv`;
export const REPORT_PDF_URL = `${DASHBOARD_URL}/bao-cao.pdf`;
export const QUEUE_URL = '/can-bo/ho-so';

export const TABLE_KEYS = ['indicators', 'trend', 'units', 'unit_ranking', 'procedures', 'overdue', 'due_soon'] as const;
export type TableKey = (typeof TABLE_KEYS)[number];

export const PERIODS = ['this_month', 'last_month', 'this_quarter', 'this_year', 'custom'] as const;
export type Period = (typeof PERIODS)[number];

/** The dashboard's filters as resolved: the period's days, and the scope asked for ('' for none). */
export interface DashboardFilters {
  period: Period;
  from: string;
  to: string;
  unit: string;
  procedure: string;
  field: string;
}

/** What the queue link of a figure adds to the scope: the work queue's own filters. */
export type Drill = Partial<ListQuery>;

export type UnitRow = StatisticsRow & { unitId: string; name: string };
export type ProcedureRow = StatisticsRow & { procedureCode: string; name: string };
export interface RankingRow {
  unitId: string;
  name: string;
  total: number;
  received: number;
  processed: number;
  onTime: number;
}
export interface TrendRow {
  month: string;
  total: number;
  /** Each group's score, in INDICATOR_GROUPS order. */
  groups: number[];
}

export interface DashboardData {
  filters: DashboardFilters;
  today: string;
  /** Units the official may ask about, with names in the page's language. */
  units: { id: string; name: string }[];
  fields: string[];
  report: IndicatorReport;
  totals: StatisticsRow;
  byUnit: UnitRow[];
  ranking: RankingRow[];
  procedures: ProcedureRow[];
  trend: TrendRow[];
  overdue: { items: DossierSummary[]; total: number; capped: boolean };
  dueSoon: { items: DossierSummary[]; total: number; capped: boolean };
  /**
   * The work queue's filters that select the dossiers of the dashboard's scope (unit and those
   * beneath it, procedure, field), or null when the queue cannot select them (the official does
   * not see those units in the queue).
   */
  scope: Drill | null;
  /** Units whose dossiers the official sees in the work queue: their rows link to it. */
  drillable: ReadonlySet<string>;
}

export type CellKind = 'text' | 'int' | 'pct' | 'score' | 'day';
export type Cell = string | number | null;

export interface Column<R> {
  vi: string;
  en: string;
  kind: CellKind;
  get: (r: R) => Cell;
  /** The work queue's filters selecting the dossiers this figure counts; null: no link. */
  drill?: (r: R) => Drill | null;
  /** Another page this cell leads to (a dossier, the dashboard of a unit). */
  href?: (r: R) => string | null;
  /** The row's header cell (a unit's or procedure's name). */
  rowHeader?: boolean;
}

export interface DashboardTable<R = unknown> {
  key: TableKey;
  vi: string;
  en: string;
  columns: Column<R>[];
  rows: R[];
  total?: R;
}

const share = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : null);
/** The day before a Vietnam day (the end of the day a period's carried-over dossiers were in progress). */
export const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

export const queueHrefOf = (d: Drill) => {
  const u = new URLSearchParams();
  u.set('queue', d.queue ?? 'all');
  for (const [k, v] of Object.entries(d)) if (k !== 'queue' && v !== undefined && v !== '') u.set(k, String(v));
  return `${QUEUE_URL}?${u}`;
};

/** The dashboard of the same filters with changes, for links and exports. */
export function dashboardQuery(f: DashboardFilters, extra: Record<string, string> = {}): string {
  const u = new URLSearchParams({ period: f.period });
  if (f.period === 'custom') {
    u.set('from', f.from);
    u.set('to', f.to);
  }
  for (const k of ['unit', 'procedure', 'field'] as const) if (f[k]) u.set(k, f[k]);
  for (const [k, v] of Object.entries(extra)) if (v) u.set(k, v);
  return u.toString();
}

/**
 * The queue filters behind each count of a row of statistics, for a given scope: received in the
 * period, online among them, in progress at its start (carried over), returned in it (on time,
 * late), in progress at its end (and overdue, when the period ends today).
 */
function statDrills(f: DashboardFilters, today: string) {
  const end = f.to < today ? f.to : today;
  return {
    received: (s: Drill): Drill => ({ ...s, receivedFrom: f.from, receivedTo: f.to }),
    receivedOnline: (s: Drill): Drill => ({ ...s, receivedFrom: f.from, receivedTo: f.to, channel: 2 }),
    carriedOver: (s: Drill): Drill => ({ ...s, openOn: dayBefore(f.from) }),
    processed: (s: Drill): Drill => ({ ...s, status: 'returned', finishedFrom: f.from, finishedTo: f.to }),
    onTime: (s: Drill): Drill => ({ ...s, outcome: 'on_time', finishedFrom: f.from, finishedTo: f.to }),
    late: (s: Drill): Drill => ({ ...s, outcome: 'late', finishedFrom: f.from, finishedTo: f.to }),
    inProgress: (s: Drill): Drill => (end === today ? { ...s, outcome: 'open' } : { ...s, openOn: end }),
    // Overdue is known for today only: the work queue's overdue list.
    overdue: (s: Drill): Drill | null => (end === today ? { ...s, queue: 'overdue' } : null),
  };
}

type StatKey = 'received' | 'receivedOnline' | 'carriedOver' | 'processed' | 'onTime' | 'late' | 'inProgress' | 'overdue';
const STAT_COLUMNS: [StatKey, string, string][] = [
  ['received', 'Tiếp nhận', 'Received'],
  ['receivedOnline', 'Trong đó trực tuyến', 'Of which online'],
  ['carriedOver', 'Kỳ trước chuyển sang', 'Carried over'],
  ['processed', 'Đã giải quyết', 'Processed'],
  ['onTime', 'Đúng hạn', 'On time'],
  ['late', 'Quá hạn', 'Late'],
  ['inProgress', 'Đang giải quyết', 'In progress'],
  ['overdue', 'Trong đó quá hạn', 'Of which overdue'],
];

/** The period's figures of a scope, each with the queue filters behind it: the summary and the unit table share them. */
export function statColumns<R extends StatisticsRow>(d: DashboardData, scopeOf: (r: R) => Drill | null): Column<R>[] {
  const drills = statDrills(d.filters, d.today);
  return STAT_COLUMNS.map(([k, vi, en]) => ({
    vi,
    en,
    kind: 'int' as const,
    get: (r: R) => r[k],
    drill: (r: R) => {
      const s = scopeOf(r);
      return s ? drills[k](s) : null;
    },
  }));
}

const dossierColumns = (lang: Lang): Column<DossierSummary>[] => [
  { vi: 'Mã hồ sơ', en: 'Code', kind: 'text', get: (r) => r.code, href: (r) => `${QUEUE_URL}/${encodeURIComponent(r.code)}`, rowHeader: true },
  { vi: 'Thủ tục', en: 'Procedure', kind: 'text', get: (r) => r.procedureName },
  { vi: 'Người nộp', en: 'Applicant', kind: 'text', get: (r) => r.applicantName },
  {
    vi: 'Trạng thái',
    en: 'Status',
    kind: 'text',
    get: (r) => pick(lang, STATUSES[r.status as keyof typeof STATUSES].vi, STATUSES[r.status as keyof typeof STATUSES].en),
  },
  // A day as a day cell; a limit in hours (due at a time) as its time and day, in the one date style.
  { vi: 'Hạn trả', en: 'Due', kind: 'day', get: (r) => (dueHasTime(r) ? dueText(lang, r) : r.dueDate) },
];

/** Every table of the dashboard, in the page's order. */
export function dashboardTables(d: DashboardData, lang: Lang): DashboardTable<never>[] {
  const tr = (vi: string, en: string) => pick(lang, vi, en);
  const flat = d.report.groups.flatMap((g) => g.indicators.map((i) => ({ ...i, group: g })));
  type Ind = (typeof flat)[number];
  const drills = statDrills(d.filters, d.today);
  // Figures of the index that are counts of dossiers in the scope link to them.
  const indicatorDrills: Partial<Record<string, [StatKey | 'returnedAll', StatKey | 'returnedAll']>> = {
    dossiers_published: ['received', 'received'],
    online_filing: ['receivedOnline', 'received'],
    returned_on_time: ['onTime', 'returnedAll'],
  };
  const drillOf = (k: StatKey | 'returnedAll') => (k === 'returnedAll' ? drills.processed : drills[k]);
  const indicatorDrill = (side: 0 | 1) => (r: Ind) => {
    const pair = indicatorDrills[r.key];
    return pair && d.scope ? drillOf(pair[side])(d.scope) : null;
  };
  const indicators: DashboardTable<Ind> = {
    key: 'indicators',
    vi: 'Các chỉ số',
    en: 'Indicators',
    columns: [
      { vi: 'Nhóm', en: 'Group', kind: 'text', get: (r) => tr(r.group.name, r.group.nameEn) },
      { vi: 'Chỉ số', en: 'Indicator', kind: 'text', get: (r) => tr(r.name, r.nameEn), rowHeader: true },
      { vi: 'Cách tính', en: 'Formula', kind: 'text', get: (r) => tr(r.formula, r.formulaEn) },
      { vi: 'Tử số', en: 'Numerator', kind: 'int', get: (r) => r.numerator, drill: indicatorDrill(0) },
      { vi: 'Mẫu số', en: 'Denominator', kind: 'int', get: (r) => r.denominator, drill: indicatorDrill(1) },
      { vi: 'Tỷ lệ', en: 'Ratio', kind: 'pct', get: (r) => (r.ratio === null ? null : Math.round(r.ratio * 1000) / 10) },
      { vi: 'Ngưỡng', en: 'Threshold', kind: 'pct', get: (r) => Math.round(r.threshold * 1000) / 10 },
      { vi: 'Điểm tối đa', en: 'Max', kind: 'score', get: (r) => r.max },
      { vi: 'Điểm', en: 'Score', kind: 'score', get: (r) => r.score },
    ],
    rows: flat,
  };
  const trend: DashboardTable<TrendRow> = {
    key: 'trend',
    vi: 'Điểm theo tháng',
    en: 'Scores by month',
    columns: [
      { vi: 'Tháng', en: 'Month', kind: 'text', get: (r) => monthLabel(lang, r.month), rowHeader: true },
      { vi: 'Tổng điểm (/100)', en: 'Total (/100)', kind: 'score', get: (r) => r.total },
      ...d.report.groups.map((g, i) => ({
        vi: `${g.name} (/${g.weight})`,
        en: `${g.nameEn} (/${g.weight})`,
        kind: 'score' as const,
        get: (r: TrendRow) => r.groups[i],
      })),
    ],
    rows: d.trend,
  };
  const unitScope = (r: { unitId: string }): Drill | null =>
    d.drillable.has(r.unitId) ? { unit: r.unitId, procedure: d.filters.procedure || undefined, field: d.filters.field || undefined } : null;
  const sum = (rows: StatisticsRow[]): UnitRow =>
    rows.reduce<UnitRow>(
      (a, r) => {
        for (const [k] of STAT_COLUMNS) a[k] += r[k];
        return a;
      },
      {
        unitId: '',
        name: tr('Cộng', 'Total'),
        received: 0,
        receivedOnline: 0,
        carriedOver: 0,
        processed: 0,
        onTime: 0,
        late: 0,
        closedOther: 0,
        inProgress: 0,
        overdue: 0,
      },
    );
  const units: DashboardTable<UnitRow> = {
    key: 'units',
    vi: 'Số liệu theo đơn vị tiếp nhận',
    en: 'Figures by receiving unit',
    columns: [
      { vi: 'Đơn vị', en: 'Unit', kind: 'text', get: (r) => r.name, rowHeader: true },
      ...statColumns<UnitRow>(d, (r) => (r.unitId ? unitScope(r) : d.scope)),
      { vi: 'Tỷ lệ trực tuyến', en: 'Online share', kind: 'pct', get: (r) => share(r.receivedOnline, r.received) },
    ],
    rows: d.byUnit,
    total: sum(d.byUnit),
  };
  const ranking: DashboardTable<RankingRow & { rank: number }> = {
    key: 'unit_ranking',
    vi: 'Xếp hạng đơn vị theo tổng điểm',
    en: 'Units ranked by total score',
    columns: [
      { vi: 'Hạng', en: 'Rank', kind: 'int', get: (r) => r.rank },
      {
        vi: 'Đơn vị',
        en: 'Unit',
        kind: 'text',
        get: (r) => r.name,
        rowHeader: true,
        href: (r) => `${DASHBOARD_URL}?${dashboardQuery({ ...d.filters, unit: r.unitId })}`,
      },
      { vi: 'Tổng điểm (/100)', en: 'Total (/100)', kind: 'score', get: (r) => r.total },
      { vi: 'Tiếp nhận', en: 'Received', kind: 'int', get: (r) => r.received },
      { vi: 'Đã giải quyết', en: 'Processed', kind: 'int', get: (r) => r.processed },
      { vi: 'Tỷ lệ đúng hạn', en: 'On-time rate', kind: 'pct', get: (r) => share(r.onTime, r.processed) },
    ],
    rows: d.ranking.map((r, i) => ({ ...r, rank: i + 1 })),
  };
  const procScope = (r: ProcedureRow): Drill | null => (d.scope ? { ...d.scope, procedure: r.procedureCode } : null);
  const procedures: DashboardTable<ProcedureRow & { rank: number }> = {
    key: 'procedures',
    vi: 'Xếp hạng thủ tục theo số hồ sơ trả quá hạn',
    en: 'Procedures ranked by results returned late',
    columns: [
      { vi: 'Hạng', en: 'Rank', kind: 'int', get: (r) => r.rank },
      { vi: 'Mã thủ tục', en: 'Code', kind: 'text', get: (r) => r.procedureCode },
      { vi: 'Thủ tục', en: 'Procedure', kind: 'text', get: (r) => r.name, rowHeader: true },
      { vi: 'Tiếp nhận', en: 'Received', kind: 'int', get: (r) => r.received, drill: (r) => (procScope(r) ? drills.received(procScope(r)!) : null) },
      { vi: 'Đã giải quyết', en: 'Processed', kind: 'int', get: (r) => r.processed, drill: (r) => (procScope(r) ? drills.processed(procScope(r)!) : null) },
      { vi: 'Đúng hạn', en: 'On time', kind: 'int', get: (r) => r.onTime, drill: (r) => (procScope(r) ? drills.onTime(procScope(r)!) : null) },
      { vi: 'Quá hạn', en: 'Late', kind: 'int', get: (r) => r.late, drill: (r) => (procScope(r) ? drills.late(procScope(r)!) : null) },
      { vi: 'Tỷ lệ đúng hạn', en: 'On-time rate', kind: 'pct', get: (r) => share(r.onTime, r.processed) },
      {
        vi: 'Đang giải quyết',
        en: 'In progress',
        kind: 'int',
        get: (r) => r.inProgress,
        drill: (r) => (procScope(r) ? drills.inProgress(procScope(r)!) : null),
      },
    ],
    rows: d.procedures.map((r, i) => ({ ...r, rank: i + 1 })),
  };
  const overdue: DashboardTable<DossierSummary> = {
    key: 'overdue',
    vi: 'Hồ sơ quá hạn',
    en: 'Overdue dossiers',
    columns: dossierColumns(lang),
    rows: d.overdue.items,
  };
  const dueSoon: DashboardTable<DossierSummary> = {
    key: 'due_soon',
    vi: 'Hồ sơ sắp đến hạn',
    en: 'Dossiers due soon',
    columns: dossierColumns(lang),
    rows: d.dueSoon.items,
  };
  return [indicators, trend, units, ranking, procedures, overdue, dueSoon] as unknown as DashboardTable<never>[];
}

const NUM_FMT: Record<CellKind, string | undefined> = { text: undefined, int: '#,##0', pct: '0.0"%"', score: '0.00', day: undefined };

/** A table as the workbook a leader keeps: numbers as numbers, the total row. */
export function tableAsWorkbook(table: DashboardTable<never>, title: string, lang: Lang): TableWorkbook {
  const cols = table.columns as Column<unknown>[];
  return {
    sheetName: pick(lang, table.vi, table.en),
    title,
    columns: cols.map((c) => ({ header: pick(lang, c.vi, c.en), numFmt: NUM_FMT[c.kind] })),
    rows: (table.rows as unknown[]).map((r) => cols.map((c) => c.get(r))),
    total: table.total === undefined ? undefined : cols.map((c) => c.get(table.total as unknown)),
  };
}

const csvCell = (v: Cell) => {
  if (v === null) return '';
  // Text a spreadsheet would run as a formula (an applicant named "=HYPERLINK(…)") is kept as text.
  const s = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The same table as CSV: UTF-8 with a byte-order mark (so Excel reads Vietnamese), CRLF lines, numbers with a decimal point. */
export function tableAsCsv(table: DashboardTable<never>, lang: Lang): string {
  const cols = table.columns as Column<unknown>[];
  const lines = [cols.map((c) => csvCell(pick(lang, c.vi, c.en)))];
  for (const r of table.rows as unknown[]) lines.push(cols.map((c) => csvCell(c.get(r))));
  if (table.total !== undefined) lines.push(cols.map((c) => csvCell(c.get(table.total as unknown))));
  return '\uFEFF' + lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}
