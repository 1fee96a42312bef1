import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { DateFilter, ErrorSummary, Layout, SelectFilter, t, TableWrap } from '../../components/layout.tsx';
import { ChartFigure } from '../../components/charts.tsx';
import { monthLabel, trendChart, unitBarsChart } from '../../components/dashboard-charts.tsx';
import {
  DASHBOARD_URL,
  type Cell,
  type CellKind,
  type Column,
  type DashboardData,
  type DashboardFilters,
  type DashboardTable,
  dashboardQuery,
  dashboardTables,
  EXPORT_CSV_URL,
  EXPORT_XLSX_URL,
  PERIODS,
  type Period,
  QUEUE_URL,
  queueHrefOf,
  REPORT_PDF_URL,
  statColumns,
  type TableKey,
} from './dashboard-tables.ts';
import { numberFormat } from '../../../platform/i18n/index.ts';

const PERIOD_TEXT: Record<Period, [string, string]> = {
  this_month: ['Tháng này', 'This month'],
  last_month: ['Tháng trước', 'Last month'],
  this_quarter: ['Quý này', 'This quarter'],
  this_year: ['Năm nay', 'This year'],
  custom: ['Khoảng thời gian khác', 'Other period'],
};

const dayText = (req: FastifyRequest, day: string) => (req.lang === 'en' ? day : day.split('-').reverse().join('/'));
const nf = (req: FastifyRequest, digits = 0) => numberFormat(req.lang, digits);

/** A cell's value as the page writes it: counts grouped, shares with one decimal, scores with two, days in the page's style. */
export function cellText(req: FastifyRequest, kind: CellKind, v: Cell): string {
  if (v === null || v === '') return '—';
  if (typeof v === 'string') return kind === 'day' ? dayText(req, v) : v;
  if (kind === 'pct') return `${nf(req, 1).format(v)}%`;
  if (kind === 'score') return nf(req, 2).format(v);
  return nf(req).format(v);
}

const numeric = (k: CellKind) => k === 'int' || k === 'pct' || k === 'score';

/** A figure, with the link to the dossiers it counts when there are any to show. */
function Figure<R>({ req, col, row, label }: { req: FastifyRequest; col: Column<R>; row: R; label: string }) {
  const v = col.get(row);
  const text = cellText(req, col.kind, v);
  const drill = col.drill?.(row) ?? null;
  const href = col.href?.(row) ?? null;
  if (drill && typeof v === 'number' && v > 0)
    return (
      <a class="govuk-link" href={queueHrefOf(drill)} aria-label={t(req, `${text} hồ sơ: ${label}, xem danh sách`, `${text} dossiers: ${label}, see the list`)}>
        {text}
      </a>
    );
  if (href)
    return (
      <a class="govuk-link" href={href}>
        {text}
      </a>
    );
  return <>{text}</>;
}

function ExportLinks({ req, data, table }: { req: FastifyRequest; data: DashboardData; table: { key: TableKey; vi: string; en: string } }) {
  const q = dashboardQuery(data.filters, { table: table.key, lang: req.lang });
  const what = t(req, table.vi.toLowerCase(), table.en.toLowerCase());
  return (
    <p class="govuk-body-s">
      <a class="govuk-link" href={`${EXPORT_XLSX_URL}?${q}`} download>
        {t(req, 'Tải XLSX', 'Download XLSX')}
        <span class="govuk-visually-hidden">: {what}</span>
      </a>
      {' · '}
      <a class="govuk-link" href={`${EXPORT_CSV_URL}?${q}`} download>
        {t(req, 'Tải CSV', 'Download CSV')}
        <span class="govuk-visually-hidden">: {what}</span>
      </a>
    </p>
  );
}

/** One of the dashboard's tables: the row's name as its header, figures right-aligned and linked to their dossiers. */
function Table({ req, data, table, id, empty }: { req: FastifyRequest; data: DashboardData; table: DashboardTable<never>; id: string; empty?: string }) {
  const cols = table.columns as Column<unknown>[];
  const caption = t(req, table.vi, table.en);
  const rows = table.rows as unknown[];
  const line = (r: unknown, total: boolean) => {
    const name = String(cols.find((c) => c.rowHeader)?.get(r) ?? '');
    return (
      <tr class="govuk-table__row">
        {cols.map((c) => {
          const label = `${t(req, c.vi, c.en)}, ${name}`;
          const body = total ? <strong>{cellText(req, c.kind, c.get(r))}</strong> : <Figure req={req} col={c} row={r} label={label} />;
          const cls = `govuk-table__${c.rowHeader ? 'header' : 'cell'}${numeric(c.kind) ? ` govuk-table__${c.rowHeader ? 'header' : 'cell'}--numeric` : ''}`;
          return c.rowHeader ? (
            <th scope="row" class={cls}>
              {body}
            </th>
          ) : (
            <td class={cls}>{total && c.drill ? <Figure req={req} col={c} row={r} label={label} /> : body}</td>
          );
        })}
      </tr>
    );
  };
  return (
    <>
      {rows.length ? (
        <TableWrap label={caption}>
          <table class="govuk-table cs-table" id={id}>
            <caption class="govuk-table__caption govuk-table__caption--s govuk-visually-hidden">{caption}</caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                {cols.map((c) => (
                  <th scope="col" class={`govuk-table__header${numeric(c.kind) ? ' govuk-table__header--numeric' : ''}`}>
                    {t(req, c.vi, c.en)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {rows.map((r) => line(r, false))}
              {table.total !== undefined ? line(table.total, true) : null}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p class="govuk-body">{empty ?? t(req, 'Không có số liệu trong kỳ này.', 'No figures for this period.')}</p>
      )}
      <ExportLinks req={req} data={data} table={table} />
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="govuk-!-margin-bottom-8" aria-labelledby={`${id}-title`}>
      <h2 class="govuk-heading-m" id={`${id}-title`}>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Filters({ req, data }: { req: FastifyRequest; data: { filters: DashboardFilters; units: { id: string; name: string }[]; fields: string[] } }) {
  const f = data.filters;
  return (
    <form method="get" action={DASHBOARD_URL} class="cs-card" novalidate>
      <div class="govuk-grid-row">
        <SelectFilter
          id="period"
          label={t(req, 'Kỳ', 'Period')}
          column="one-third"
          options={PERIODS.map((p) => ({ value: p, text: t(req, ...PERIOD_TEXT[p]) }))}
          value={f.period}
        />
        <DateFilter id="from" label={t(req, 'Từ ngày (kỳ khác)', 'From (other period)')} column="one-third" value={f.from} />
        <DateFilter id="to" label={t(req, 'Đến ngày (kỳ khác)', 'To (other period)')} column="one-third" value={f.to} />
      </div>
      <div class="govuk-grid-row">
        <SelectFilter
          id="unit"
          label={t(req, 'Đơn vị (gồm đơn vị trực thuộc)', 'Unit (with the units beneath it)')}
          column="one-third"
          all={t(req, 'Tất cả đơn vị', 'All units')}
          options={data.units.map((u) => ({ value: u.id, text: u.name }))}
          value={f.unit}
        />
        <SelectFilter
          id="field"
          label={t(req, 'Lĩnh vực', 'Field')}
          column="one-third"
          all={t(req, 'Tất cả lĩnh vực', 'All fields')}
          options={data.fields.map((x) => ({ value: x, text: x }))}
          value={f.field}
        />
        <div class="govuk-grid-column-one-third govuk-form-group">
          <label class="govuk-label" for="procedure">
            {t(req, 'Mã thủ tục', 'Procedure code')}
          </label>
          <input class="govuk-input govuk-input--width-10" id="procedure" name="procedure" type="text" spellcheck={false} value={f.procedure} />
        </div>
      </div>
      <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
        {t(req, 'Xem chỉ số', 'Show the index')}
      </button>
    </form>
  );
}

export interface DashboardPageProps {
  req: FastifyRequest;
  /** Null when the filters were refused (the error says why). */
  data: DashboardData | null;
  form: { filters: DashboardFilters; units: { id: string; name: string }[]; fields: string[] };
  error?: { text: string; href: string };
}

/**
 * `/can-bo/chi-so`: the service index of Decision 766/QĐ-TTg for leaders (issue 15): the score
 * and its five groups, the indicators, the trend over twelve months, the figures by unit, the
 * rankings, the overdue and due-soon dossiers, and the monthly report. Every count of dossiers
 * links to the work queue filtered to exactly those dossiers; every table exports as XLSX and CSV.
 */
export function DashboardPage({ req, data, form, error }: DashboardPageProps) {
  const title = t(req, 'Chỉ số phục vụ người dân, doanh nghiệp', 'Service index');
  const f = form.filters;
  const period = `${dayText(req, f.from)} – ${dayText(req, f.to)}`;
  return (
    <Layout req={req} area="office" title={title}>
      <ErrorSummary req={req} errors={error ? [error] : []} />
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body-l">
        {t(
          req,
          'Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg), tính từ hồ sơ trên hệ thống.',
          "The index of service to citizens and businesses (Decision 766/QĐ-TTg), computed from the system's dossiers.",
        )}
      </p>
      <Filters req={req} data={form} />
      {data ? <Body req={req} data={data} period={period} /> : null}
    </Layout>
  );
}

function Body({ req, data, period }: { req: FastifyRequest; data: DashboardData; period: string }) {
  const r = data.report;
  const tables = dashboardTables(data, req.lang);
  const table = (k: TableKey) => tables.find((x) => x.key === k)!;
  const scopeName = data.filters.unit ? (data.units.find((u) => u.id === data.filters.unit)?.name ?? data.filters.unit) : t(req, 'Tất cả đơn vị', 'All units');
  const scopeText = [scopeName, data.filters.field, data.filters.procedure].filter(Boolean).join(' · ');
  const totalsRow = statColumns<typeof data.totals>(data, () => data.scope);
  const groupNames = r.groups.map((g) => t(req, g.name, g.nameEn));
  const trendPoints = data.trend.map((p) => ({ month: p.month, total: p.total, groups: p.groups.map((s, i) => (100 * s) / r.groups[i].weight) }));
  const last = data.trend[data.trend.length - 1];
  const first = data.trend[0];
  const trendAlt = t(
    req,
    `Biểu đồ đường: tổng điểm và điểm từng nhóm (tính theo phần trăm điểm tối đa của nhóm) theo tháng, từ ${monthLabel('vi', first.month)} (${cellText(req, 'score', first.total)} điểm) đến ${monthLabel('vi', last.month)} (${cellText(req, 'score', last.total)} điểm). Số liệu từng tháng ở bảng bên dưới.`,
    `Line chart: the total score and each group's score (as a percentage of the group's weight) by month, from ${first.month} (${cellText(req, 'score', first.total)}) to ${last.month} (${cellText(req, 'score', last.total)}). The table below has every month's figures.`,
  );
  const bars = data.byUnit.slice(0, 15).map((u) => ({ name: u.name, received: u.received, onTime: u.onTime, late: u.late }));
  const barsAlt = t(
    req,
    `Biểu đồ cột theo đơn vị: số hồ sơ tiếp nhận, trả đúng hạn và trả quá hạn trong kỳ. ${bars.map((b) => `${b.name}: ${b.received} tiếp nhận, ${b.onTime} đúng hạn, ${b.late} quá hạn`).join('; ')}.`,
    `Bar chart by unit: dossiers received, returned on time and returned late in the period. ${bars.map((b) => `${b.name}: ${b.received} received, ${b.onTime} on time, ${b.late} late`).join('; ')}.`,
  );
  const queueLink = (queue: 'overdue' | 'due_soon', n: { total: number; capped: boolean }) => {
    const href = queueHrefOf({ ...(data.scope ?? {}), queue });
    const count = n.capped ? `${n.total}+` : String(n.total);
    return (
      <p class="govuk-body">
        <a class="govuk-link" href={href}>
          {queue === 'overdue'
            ? t(req, `Xem tất cả hồ sơ quá hạn (${count}) trong hàng đợi`, `See every overdue dossier (${count}) in the queue`)
            : t(req, `Xem tất cả hồ sơ sắp đến hạn (${count}) trong hàng đợi`, `See every dossier due soon (${count}) in the queue`)}
        </a>
      </p>
    );
  };
  const thisMonth = data.today.slice(0, 7);
  return (
    <>
      <h2 class="govuk-heading-m govuk-!-margin-top-6" id="score-title">
        {scopeText}, {period}
      </h2>
      <div class="govuk-grid-row" id="score-cards">
        <div class="govuk-grid-column-one-third">
          <div class="cs-card">
            <p class="govuk-body govuk-!-margin-0">{t(req, 'Tổng điểm', 'Total score')}</p>
            <p class="govuk-heading-xl govuk-!-margin-0" id="score-total">
              {cellText(req, 'score', r.total)}
              <span class="govuk-body"> / 100</span>
            </p>
          </div>
        </div>
        {r.groups.map((g) => (
          <div class="govuk-grid-column-one-third">
            <div class="cs-card">
              <p class="govuk-body govuk-!-margin-0">{t(req, g.name, g.nameEn)}</p>
              <p class="govuk-heading-l govuk-!-margin-0">
                {cellText(req, 'score', g.score)}
                <span class="govuk-body"> / {g.weight}</span>
              </p>
            </div>
          </div>
        ))}
      </div>

      <Section id="period" title={t(req, 'Hồ sơ trong kỳ', 'Dossiers in the period')}>
        <dl class="govuk-summary-list" id="period-figures">
          {totalsRow.map((c) => (
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, c.vi, c.en)}</dt>
              <dd class="govuk-summary-list__value">
                <Figure req={req} col={c} row={data.totals} label={t(req, c.vi, c.en)} />
              </dd>
            </div>
          ))}
        </dl>
        {data.scope ? null : (
          <p class="govuk-body-s">
            {t(req, 'Chọn một đơn vị để mở danh sách hồ sơ đằng sau từng con số.', 'Choose a unit to open the dossiers behind each figure.')}
          </p>
        )}
      </Section>

      <Section id="indicators" title={t(req, 'Các chỉ số', 'Indicators')}>
        <Table req={req} data={data} table={table('indicators')} id="indicator-table" />
      </Section>

      <Section id="trend" title={t(req, 'Xu hướng 12 tháng', 'Twelve-month trend')}>
        <ChartFigure
          wide={trendChart(trendPoints, groupNames, req.lang)}
          narrow={trendChart(trendPoints, groupNames, req.lang, true)}
          alt={t(req, 'Biểu đồ điểm 12 tháng', 'Chart of the scores over twelve months')}
          caption={trendAlt}
          id="trend-chart"
        />
        <Table req={req} data={data} table={table('trend')} id="trend-table" />
      </Section>

      <Section id="units" title={t(req, 'Theo đơn vị', 'By unit')}>
        {bars.length ? (
          <ChartFigure
            wide={unitBarsChart(bars, req.lang)}
            narrow={unitBarsChart(bars, req.lang, true)}
            alt={t(req, 'Biểu đồ hồ sơ theo đơn vị', 'Chart of dossiers by unit')}
            caption={barsAlt}
            id="unit-chart"
          />
        ) : null}
        <Table req={req} data={data} table={table('units')} id="unit-table" />
      </Section>

      <Section id="ranking" title={t(req, 'Xếp hạng', 'Rankings')}>
        <h3 class="govuk-heading-s">{t(req, table('unit_ranking').vi, table('unit_ranking').en)}</h3>
        <Table
          req={req}
          data={data}
          table={table('unit_ranking')}
          id="ranking-table"
          empty={t(req, 'Chưa có đơn vị nào có hồ sơ trong kỳ.', 'No unit had dossiers in the period.')}
        />
        <h3 class="govuk-heading-s">{t(req, table('procedures').vi, table('procedures').en)}</h3>
        <Table req={req} data={data} table={table('procedures')} id="procedure-table" />
      </Section>

      <Section id="overdue" title={t(req, 'Hồ sơ quá hạn', 'Overdue dossiers')}>
        <Table req={req} data={data} table={table('overdue')} id="overdue-table" empty={t(req, 'Không có hồ sơ quá hạn.', 'No overdue dossier.')} />
        {queueLink('overdue', data.overdue)}
      </Section>

      <Section id="due-soon" title={t(req, 'Hồ sơ sắp đến hạn', 'Dossiers due soon')}>
        <Table
          req={req}
          data={data}
          table={table('due_soon')}
          id="due-soon-table"
          empty={t(req, 'Không có hồ sơ đến hạn trong hai ngày làm việc tới.', 'No dossier is due in the next two working days.')}
        />
        {queueLink('due_soon', data.dueSoon)}
      </Section>

      <Section id="report" title={t(req, 'Báo cáo tháng', 'Monthly report')}>
        <p class="govuk-body">
          {t(
            req,
            'Báo cáo gửi Văn phòng Chính phủ: hồ sơ tiếp nhận (trong đó trực tuyến), từ tháng trước chuyển sang, đã giải quyết đúng hạn và quá hạn, đang giải quyết cuối tháng, theo đơn vị và lĩnh vực (PDF khổ A4).',
            'The report sent to the Government Office: dossiers received (of which online), carried over, processed on time and late, in progress at the month’s end, by unit and field (A4 PDF).',
          )}
        </p>
        <form method="get" action={REPORT_PDF_URL} class="cs-card" novalidate>
          {data.filters.unit ? <input type="hidden" name="unit" value={data.filters.unit} /> : null}
          <div class="govuk-form-group">
            <label class="govuk-label" for="month">
              {t(req, 'Tháng (NNNN-TT)', 'Month (YYYY-MM)')}
            </label>
            <input class="govuk-input govuk-input--width-10" id="month" name="month" type="month" value={thisMonth} />
          </div>
          <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
            {t(req, 'Tải báo cáo (PDF)', 'Download the report (PDF)')}
          </button>
        </form>
      </Section>
      <p class="govuk-body-s">
        <a class="govuk-link" href={QUEUE_URL}>
          {t(req, 'Tất cả hồ sơ', 'All dossiers')}
        </a>
      </p>
    </>
  );
}
