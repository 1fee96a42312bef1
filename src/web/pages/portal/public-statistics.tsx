import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { PublicFigures, PublicStatistics } from '../../../modules/open-data/get-public-statistics.ts';
import { SUPPRESSION_RULE } from '../../../modules/open-data/suppress.ts';
import { formatDateTime, numberFormat, type Lang } from '../../../platform/i18n/index.ts';
import { CHART_COLORS, ChartFigure, chartSvg } from '../../components/charts.tsx';
import { ErrorSummary, Layout, SelectFilter, t, TableWrap } from '../../components/layout.tsx';

export const STATISTICS_URL = '/thong-ke';
export const OPEN_DATA_URL = '/du-lieu-mo';

/** The question as asked (empty: the defaults). */
export interface StatisticsQuery {
  from: string;
  to: string;
  unit: string;
  field: string;
}

/** "01/2026" in Vietnamese, "2026-01" in English. */
export const monthText = (lang: Lang, month: string) => (lang === 'en' ? month : `${month.slice(5, 7)}/${month.slice(0, 4)}`);

/** A published count: the number, or "< 5" where it was hidden. */
function Count({ req, n }: { req: FastifyRequest; n: number | null }) {
  return n === null ? (
    <span class="cs-meta" title={t(req, 'Số nhỏ (từ 1 đến 4) được ẩn', 'Small counts (1 to 4) are hidden')}>
      &lt; 5
    </span>
  ) : (
    numberFormat(req.lang).format(n)
  );
}

/** A published share: "98,5%", or a dash (said in words to a screen reader) where it would reveal a small count. */
function Share({ req, v }: { req: FastifyRequest; v: number | null }) {
  return v === null ? (
    <>
      <span aria-hidden="true">—</span>
      <span class="govuk-visually-hidden">{t(req, 'không công bố', 'not published')}</span>
    </>
  ) : (
    <>{numberFormat(req.lang, 1).format(v)}%</>
  );
}

const FIGURE_COLUMNS: [keyof PublicFigures, string, string][] = [
  ['received', 'Tiếp nhận', 'Received'],
  ['onlineShare', 'Tỷ lệ trực tuyến', 'Online share'],
  ['processed', 'Đã giải quyết', 'Processed'],
  ['onTime', 'Đúng hạn', 'On time'],
  ['late', 'Quá hạn', 'Late'],
  ['onTimeShare', 'Tỷ lệ đúng hạn', 'On-time share'],
  ['inProgress', 'Đang giải quyết (cuối kỳ)', 'In progress (at the end)'],
];

/** One table of figures: a row per month, unit or field, a column per figure. */
function FiguresTable({
  req,
  id,
  caption,
  head,
  rows,
}: {
  req: FastifyRequest;
  id: string;
  caption: string;
  head: string;
  rows: { label: string; figures: PublicFigures }[];
}) {
  return (
    <TableWrap label={caption}>
      <table class="govuk-table cs-table" id={id}>
        <caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">
              {head}
            </th>
            {FIGURE_COLUMNS.map(([, vi, en]) => (
              <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                {t(req, vi, en)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {rows.map((r) => (
            <tr class="govuk-table__row">
              <th scope="row" class="govuk-table__header">
                {r.label}
              </th>
              {FIGURE_COLUMNS.map(([k]) => (
                <td class="govuk-table__cell govuk-table__cell--numeric">
                  {k === 'onlineShare' || k === 'onTimeShare' ? <Share req={req} v={r.figures[k]} /> : <Count req={req} n={r.figures[k] as number | null} />}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The two drawings of a chart: for a wide screen, and for a phone (fewer pixels, so the same text is larger once fitted). */
export const CHART_SIZES = { wide: { width: 720, height: 320 }, narrow: { width: 360, height: 300 } } as const;
type ChartSize = keyof typeof CHART_SIZES;

const axisFor = (s: PublicStatistics, lang: Lang, size: ChartSize) => ({
  type: 'category' as const,
  data: s.byMonth.map((m) => monthText(lang, m.month)),
  // About six months are named (four on a phone), counting back from the last, so the latest is always named; the table names them all.
  axisLabel: { interval: (i: number) => (s.byMonth.length - 1 - i) % Math.ceil(s.byMonth.length / (size === 'narrow' ? 4 : 6)) === 0 },
});
const gridFor = (size: ChartSize) => (size === 'narrow' ? { left: 40, right: 12, top: 48, bottom: 32 } : { left: 56, right: 16, top: 40, bottom: 40 });

/** Received and processed per month, as bars; a hidden count is a gap. */
export function volumeChartSvg(s: PublicStatistics, lang: Lang, size: ChartSize = 'wide'): string {
  const received = lang === 'vi' ? 'Tiếp nhận' : 'Received';
  const processed = lang === 'vi' ? 'Đã giải quyết' : 'Processed';
  return chartSvg(
    {
      legend: { top: 0, data: [received, processed] },
      grid: gridFor(size),
      xAxis: axisFor(s, lang, size),
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: received, type: 'bar', color: CHART_COLORS.blue, data: s.byMonth.map((m) => m.received) },
        { name: processed, type: 'bar', color: CHART_COLORS.red, data: s.byMonth.map((m) => m.processed) },
      ],
    },
    CHART_SIZES[size],
  );
}

/** The on-time share and the online share per month, as lines in percent; an unpublished share is a gap. */
export function sharesChartSvg(s: PublicStatistics, lang: Lang, size: ChartSize = 'wide'): string {
  const onTime = lang === 'vi' ? 'Tỷ lệ đúng hạn' : 'On-time share';
  const online = lang === 'vi' ? 'Tỷ lệ trực tuyến' : 'Online share';
  return chartSvg(
    {
      legend: { top: 0, data: [onTime, online] },
      grid: gridFor(size),
      xAxis: axisFor(s, lang, size),
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        { name: onTime, type: 'line', color: CHART_COLORS.green, connectNulls: false, data: s.byMonth.map((m) => m.onTimeShare) },
        { name: online, type: 'line', color: CHART_COLORS.blue, connectNulls: false, lineStyle: { type: 'dashed' }, data: s.byMonth.map((m) => m.onlineShare) },
      ],
    },
    CHART_SIZES[size],
  );
}

/** A chart's two drawings, for ChartFigure. */
const drawings = (draw: (size: ChartSize) => string) => ({
  wide: { svg: draw('wide'), ...CHART_SIZES.wide },
  narrow: { svg: draw('narrow'), ...CHART_SIZES.narrow },
});

function Card({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="govuk-grid-column-one-quarter">
      <div class="cs-card">
        <p class="govuk-body govuk-!-margin-bottom-1">{label}</p>
        <p class="govuk-heading-l govuk-!-margin-bottom-0">{children}</p>
      </div>
    </div>
  );
}

export interface StatisticsPageProps {
  req: FastifyRequest;
  query: StatisticsQuery;
  /** The months one may choose, newest first. */
  months: string[];
  units: PublicStatistics['units'];
  fields: string[];
  /** Null when the question was refused (the error says why). */
  stats: PublicStatistics | null;
  error?: { text: string; href: string };
}

/**
 * `/thong-ke`: the public statistics, as the national portal shows them — dossiers received,
 * processed, on time, online, by month (two charts and their table), by unit and by field.
 * Aggregates only, small counts hidden; no sign-in, no script.
 */
export function PublicStatisticsPage({ req, query, months, units, fields, stats, error }: StatisticsPageProps) {
  const title = t(req, 'Thống kê tình hình giải quyết hồ sơ', 'Dossier statistics');
  const unitLabel = (u: { name: string; nameEn: string | null }) => t(req, u.name, u.nameEn ?? u.name);
  const monthOptions = months.map((m) => ({ value: m, text: monthText(req.lang, m) }));
  const period = stats ? `${monthText(req.lang, stats.period.from)} – ${monthText(req.lang, stats.period.to)}` : '';
  const scope = stats
    ? [
        stats.unit ? unitLabel(stats.units.find((u) => u.id === stats.unit)!) : t(req, 'Tất cả đơn vị', 'All units'),
        stats.field ?? t(req, 'tất cả lĩnh vực', 'all fields'),
      ].join(', ')
    : '';
  const total = (n: number | null) => (n === null ? '< 5' : numberFormat(req.lang).format(n));
  return (
    <Layout req={req} area="portal" title={title}>
      <ErrorSummary req={req} errors={error ? [error] : []} />
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body-l">
        {t(
          req,
          'Số hồ sơ thủ tục hành chính được tiếp nhận và giải quyết, theo tháng, đơn vị và lĩnh vực. Số liệu tổng hợp, không có thông tin cá nhân.',
          'Dossiers of administrative procedures received and processed, by month, unit and field. Aggregated figures, no personal data.',
        )}
      </p>
      <form method="get" action={STATISTICS_URL} class="cs-card" novalidate>
        <div class="govuk-grid-row">
          <SelectFilter id="from" label={t(req, 'Từ tháng', 'From month')} options={monthOptions} value={query.from || stats?.period.from || ''} />
          <SelectFilter id="to" label={t(req, 'Đến tháng', 'To month')} options={monthOptions} value={query.to || stats?.period.to || ''} />
        </div>
        <div class="govuk-grid-row">
          <SelectFilter
            id="unit"
            label={t(req, 'Đơn vị tiếp nhận', 'Receiving unit')}
            all={t(req, 'Tất cả đơn vị', 'All units')}
            options={units.map((u) => ({ value: u.id, text: unitLabel(u) }))}
            value={query.unit}
          />
          <SelectFilter
            id="field"
            label={t(req, 'Lĩnh vực', 'Field')}
            all={t(req, 'Tất cả lĩnh vực', 'All fields')}
            options={fields.map((f) => ({ value: f, text: f }))}
            value={query.field}
          />
        </div>
        {req.lang === 'en' ? <input type="hidden" name="lang" value="en" /> : null}
        <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
          {t(req, 'Xem thống kê', 'Show the statistics')}
        </button>
      </form>
      {stats ? (
        <>
          <h2 class="govuk-heading-m">
            {period} <span class="govuk-caption-m">{scope}</span>
          </h2>
          <div class="govuk-grid-row" id="statistics-totals">
            <Card label={t(req, 'Hồ sơ tiếp nhận', 'Dossiers received')}>{total(stats.totals.received)}</Card>
            <Card label={t(req, 'Hồ sơ đã giải quyết', 'Dossiers processed')}>{total(stats.totals.processed)}</Card>
            <Card label={t(req, 'Giải quyết đúng hạn', 'Processed on time')}>
              <Share req={req} v={stats.totals.onTimeShare} />
            </Card>
            <Card label={t(req, 'Tiếp nhận trực tuyến', 'Received online')}>
              <Share req={req} v={stats.totals.onlineShare} />
            </Card>
          </div>
          <ChartFigure
            id="chart-volume"
            {...drawings((size) => volumeChartSvg(stats, req.lang, size))}
            alt={t(req, 'Biểu đồ hồ sơ tiếp nhận và đã giải quyết theo tháng', 'Chart of dossiers received and processed per month')}
            caption={t(
              req,
              `Số hồ sơ tiếp nhận và đã giải quyết theo tháng, ${period}: tổng cộng ${total(stats.totals.received)} hồ sơ tiếp nhận, ${total(stats.totals.processed)} hồ sơ đã giải quyết. Số liệu từng tháng ở bảng bên dưới.`,
              `Dossiers received and processed per month, ${period}: ${total(stats.totals.received)} received and ${total(stats.totals.processed)} processed in all. The table below has every month's figures.`,
            )}
          />
          <ChartFigure
            id="chart-shares"
            {...drawings((size) => sharesChartSvg(stats, req.lang, size))}
            alt={t(req, 'Biểu đồ tỷ lệ giải quyết đúng hạn và tỷ lệ tiếp nhận trực tuyến theo tháng', 'Chart of the on-time and online shares per month')}
            caption={t(
              req,
              `Tỷ lệ hồ sơ giải quyết đúng hạn và tỷ lệ hồ sơ tiếp nhận trực tuyến theo tháng (%), ${period}. Tháng có số liệu nhỏ không được vẽ. Số liệu ở bảng bên dưới.`,
              `Share of dossiers processed on time and share received online per month (%), ${period}. Months with small figures are not drawn. The table below has the figures.`,
            )}
          />
          <FiguresTable
            req={req}
            id="statistics-months"
            caption={t(req, 'Theo tháng', 'By month')}
            head={t(req, 'Tháng', 'Month')}
            rows={[
              ...stats.byMonth.map((m) => ({ label: monthText(req.lang, m.month), figures: m as PublicFigures })),
              { label: t(req, 'Cả kỳ', 'Whole period'), figures: stats.totals },
            ]}
          />
          <FiguresTable
            req={req}
            id="statistics-units"
            caption={t(req, 'Theo đơn vị tiếp nhận', 'By receiving unit')}
            head={t(req, 'Đơn vị', 'Unit')}
            rows={stats.byUnit.map((u) => ({ label: unitLabel(u), figures: u }))}
          />
          {stats.byUnit.length ? null : <p class="govuk-body">{t(req, 'Không có hồ sơ nào trong kỳ này.', 'No dossiers in this period.')}</p>}
          <FiguresTable
            req={req}
            id="statistics-fields"
            caption={t(req, 'Theo lĩnh vực', 'By field')}
            head={t(req, 'Lĩnh vực', 'Field')}
            rows={stats.byField.map((f) => ({ label: f.field ?? t(req, 'Thủ tục không còn hiệu lực', 'Procedures no longer in force'), figures: f }))}
          />
          <div class="govuk-inset-text" id="statistics-suppression">
            {t(req, SUPPRESSION_RULE.vi, SUPPRESSION_RULE.en)}{' '}
            {t(
              req,
              'Một hồ sơ được tính cho đơn vị đã tiếp nhận nó, vào ngày (giờ Việt Nam) của từng sự kiện; "đang giải quyết" là số hồ sơ chưa kết thúc vào cuối kỳ.',
              'A dossier counts for the unit that received it, on the day (Vietnam time) of each event; "in progress" is the dossiers not finished at the end of the period.',
            )}
          </div>
          <p class="govuk-body-s cs-meta">
            {t(req, 'Số liệu lúc', 'Figures as of')} {formatDateTime(req.lang, stats.computedAt)}.{' '}
            <a class="govuk-link" href={OPEN_DATA_URL}>
              {t(req, 'Tải số liệu chi tiết (dữ liệu mở, JSON và CSV)', 'Download the detailed figures (open data, JSON and CSV)')}
            </a>
          </p>
        </>
      ) : null}
    </Layout>
  );
}
