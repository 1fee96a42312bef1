import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { UsageView } from '../../../modules/analytics/schemas.ts';
import { formatDateTime, pick, type Lang } from '../../../platform/i18n/index.ts';
import { DateFilter, ErrorSummary, Layout, t, TableWrap, WarningText } from '../../components/layout.tsx';
import { dayText } from './payments-ledger.tsx';
import { CHART_COLORS, chartSvg } from '../../components/charts.tsx';

export const USAGE_URL = '/can-bo/thong-ke-truy-cap';
export const USAGE_CHART_URL = `${USAGE_URL}/bieu-do.svg`;
export const USAGE_XLSX_URL = `${USAGE_URL}/bang.xlsx`;

export const USAGE_CHARTS = ['days', 'devices', 'services'] as const;
export type UsageChart = (typeof USAGE_CHARTS)[number];
export const USAGE_TABLES = ['days', 'pages', 'services', 'funnel', 'steps'] as const;
export type UsageTable = (typeof USAGE_TABLES)[number];

const DEVICES = ['mobile', 'tablet', 'desktop'] as const;
export const DEVICE_LABEL: Record<(typeof DEVICES)[number], { vi: string; en: string }> = {
  mobile: { vi: 'Điện thoại', en: 'Phone' },
  tablet: { vi: 'Máy tính bảng', en: 'Tablet' },
  desktop: { vi: 'Máy tính', en: 'Computer' },
};
export const STEP_LABEL: Record<string, { vi: string; en: string }> = {
  form: { vi: 'Mở biểu mẫu', en: 'Form opened' },
  contact: { vi: 'Thông tin liên hệ', en: 'Contact details' },
  eform: { vi: 'Tờ khai điện tử', en: 'E-form' },
  components: { vi: 'Giấy tờ đính kèm', en: 'Attached documents' },
  fees: { vi: 'Phí, lệ phí', en: 'Fees' },
  delivery: { vi: 'Hình thức nhận kết quả', en: 'How the result is received' },
  review: { vi: 'Xem lại trước khi nộp', en: 'Review before filing' },
};
export const stepText = (lang: Lang, step: string) => (STEP_LABEL[step] ? pick(lang, STEP_LABEL[step].vi, STEP_LABEL[step].en) : step);

const numberFmt = new Intl.NumberFormat('vi-VN');
const n = (v: number) => numberFmt.format(v);
const pct = (v: number | null) => (v === null ? '—' : `${String(v).replace('.', ',')} %`);

/** The shared chart drawing (charts.tsx) at a width and height. */
const render = (width: number, height: number, option: Parameters<typeof chartSvg>[0]) => chartSvg(option, { width, height });

const COLOURS = { views: CHART_COLORS.red, mobile: CHART_COLORS.blue, tablet: CHART_COLORS.green, desktop: CHART_COLORS.grey };

/** One of the page's charts, drawn on the server by ECharts (SVG, no script) and served as an image; the tables say the same in text. */
export function usageChartSvg(view: UsageView, chart: UsageChart, lang: Lang): string {
  const tr = (vi: string, en: string) => pick(lang, vi, en);
  if (chart === 'days') {
    const width = Math.min(1200, Math.max(480, 120 + view.days.length * 24));
    const all = tr('Tổng lượt xem', 'All views');
    return render(width, 320, {
      legend: { top: 0, data: [all, ...DEVICES.map((d) => tr(DEVICE_LABEL[d].vi, DEVICE_LABEL[d].en))] },
      grid: { left: 64, right: 24, top: 40, bottom: 48 },
      xAxis: { type: 'category', data: view.days.map((d) => (lang === 'vi' ? `${d.day.slice(8, 10)}/${d.day.slice(5, 7)}` : d.day.slice(5))) },
      yAxis: { type: 'value', minInterval: 1, name: tr('lượt xem', 'views') },
      series: [
        { name: all, type: 'line', color: COLOURS.views, lineStyle: { width: 3 }, data: view.days.map((d) => d.views) },
        ...DEVICES.map((k) => ({ name: tr(DEVICE_LABEL[k].vi, DEVICE_LABEL[k].en), type: 'line', color: COLOURS[k], data: view.days.map((d) => d[k]) })),
      ],
    });
  }
  if (chart === 'devices') {
    return render(480, 300, {
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          label: { formatter: '{b}: {c} ({d}%)' },
          data: DEVICES.map((k) => ({ name: tr(DEVICE_LABEL[k].vi, DEVICE_LABEL[k].en), value: view.totals[k], itemStyle: { color: COLOURS[k] } })),
        },
      ],
    });
  }
  const top = view.services.slice(0, 10).reverse();
  return render(720, Math.max(160, 60 + top.length * 32), {
    grid: { left: 110, right: 48, top: 16, bottom: 32 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: top.map((s) => s.code) },
    series: [{ type: 'bar', color: COLOURS.mobile, label: { show: true, position: 'right' }, data: top.map((s) => s.views) }],
  });
}

export interface UsagePageProps {
  req: FastifyRequest;
  query: { from: string; to: string };
  /** Null when the period was refused (the error says why). */
  view: UsageView | null;
  pageLabel: (key: string) => string;
  error?: { text: string; href: string };
}

const num = (children: ComponentChildren) => <td class="govuk-table__cell govuk-table__cell--numeric">{children}</td>;
const th = (children: ComponentChildren, numeric = false) => (
  <th scope="col" class={`govuk-table__header${numeric ? ' govuk-table__header--numeric' : ''}`}>
    {children}
  </th>
);
const rowHead = (children: ComponentChildren) => (
  <th scope="row" class="govuk-table__header">
    {children}
  </th>
);

/** `/can-bo/thong-ke-truy-cap`: how the portal is used over a period, from daily counters only. */
export function UsagePage({ req, query, view, pageLabel, error }: UsagePageProps) {
  const title = t(req, 'Thống kê truy cập Cổng dịch vụ công', 'Portal usage');
  const period = `${dayText(req.lang, query.from)} – ${dayText(req.lang, query.to)}`;
  const qs = (extra: Record<string, string>) => new URLSearchParams({ from: query.from, to: query.to, lang: req.lang, ...extra }).toString();
  const xlsx = (table: UsageTable, vi: string, en: string) => (
    <p class="govuk-body">
      <a class="govuk-link" href={`${USAGE_XLSX_URL}?${qs({ table })}`} download>
        {t(req, `Tải ${vi} (XLSX)`, `Download ${en} (XLSX)`)}
      </a>
    </p>
  );
  const procName = (p: { code: string; name: string | null }) => (
    <>
      <span class="cs-mono">{p.code}</span>
      {p.name ? <span class="govuk-body-s"> — {p.name}</span> : null}
    </>
  );
  return (
    <Layout req={req} area="office" title={title}>
      <ErrorSummary req={req} errors={error ? [error] : []} />
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {t(
          req,
          'Số liệu là các bộ đếm theo ngày do chính Cổng ghi: không dùng dịch vụ theo dõi bên ngoài, không đặt cookie để đếm, không lưu địa chỉ IP, không gắn với tài khoản nào. Lượt truy cập của máy tự động (bot) không được tính.',
          'The figures are daily counters the portal keeps itself: no outside tracking service, no cookie for counting, no IP address stored, nothing tied to an account. Visits by robots are not counted.',
        )}
      </p>
      <form method="get" action={USAGE_URL} class="cs-card" novalidate>
        <div class="govuk-grid-row">
          <DateFilter id="from" label={t(req, 'Từ ngày', 'From')} value={query.from} />
          <DateFilter id="to" label={t(req, 'Đến ngày', 'To')} value={query.to} />
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
          {t(req, 'Xem thống kê', 'Show')}
        </button>
      </form>
      {view ? <UsageBody req={req} view={view} period={period} qs={qs} xlsx={xlsx} procName={procName} pageLabel={pageLabel} /> : null}
    </Layout>
  );
}

function UsageBody({
  req,
  view,
  period,
  qs,
  xlsx,
  procName,
  pageLabel,
}: {
  req: FastifyRequest;
  view: UsageView;
  period: string;
  qs: (extra: Record<string, string>) => string;
  xlsx: (table: UsageTable, vi: string, en: string) => ComponentChildren;
  procName: (p: { code: string; name: string | null }) => ComponentChildren;
  pageLabel: (key: string) => string;
}) {
  const tot = view.totals;
  const deviceText = DEVICES.map((k) => `${t(req, DEVICE_LABEL[k].vi, DEVICE_LABEL[k].en).toLowerCase()} ${n(tot[k])}`).join(', ');
  const daysAlt = t(
    req,
    `Biểu đồ đường số lượt xem trang theo ngày, ${period}: tổng ${n(tot.views)} lượt (${deviceText}). Số liệu từng ngày ở bảng bên dưới.`,
    `Line chart of page views per day, ${period}: ${n(tot.views)} in all (${deviceText}). The table below has every day's figures.`,
  );
  const devicesAlt = t(req, `Biểu đồ tỉ lệ lượt xem theo loại thiết bị: ${deviceText}.`, `Chart of views by device class: ${deviceText}.`);
  const top = view.services.slice(0, 10);
  const servicesAlt = t(
    req,
    `Biểu đồ cột các thủ tục được xem nhiều nhất: ${top.map((s) => `${s.code} ${n(s.views)} lượt`).join(', ') || 'chưa có'}.`,
    `Bar chart of the procedures viewed most: ${top.map((s) => `${s.code} ${n(s.views)} views`).join(', ') || 'none yet'}.`,
  );
  const emc = view.emc;
  return (
    <>
      <h2 class="govuk-heading-m">{t(req, `Lượt xem trang, ${period}`, `Page views, ${period}`)}</h2>
      <dl class="govuk-summary-list" id="usage-totals">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Tổng lượt xem trang', 'Page views')}</dt>
          <dd class="govuk-summary-list__value">
            <strong>{n(tot.views)}</strong>
          </dd>
        </div>
        {DEVICES.map((k) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{t(req, DEVICE_LABEL[k].vi, DEVICE_LABEL[k].en)}</dt>
            <dd class="govuk-summary-list__value">{n(tot[k])}</dd>
          </div>
        ))}
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Truy cập của máy tự động (không tính)', 'Robot requests (not counted)')}</dt>
          <dd class="govuk-summary-list__value">{n(tot.bots)}</dd>
        </div>
      </dl>
      <figure class="cs-chart">
        <img src={`${USAGE_CHART_URL}?${qs({ chart: 'days' })}`} alt={daysAlt} id="chart-days" />
        <figcaption class="govuk-body-s">{daysAlt}</figcaption>
      </figure>
      <details class="govuk-details">
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">{t(req, 'Số liệu từng ngày', 'Figures per day')}</span>
        </summary>
        <div class="govuk-details__text">
          <TableWrap label={t(req, 'Lượt xem theo ngày', 'Views per day')}>
            <table class="govuk-table cs-table" id="usage-days">
              <caption class="govuk-table__caption govuk-table__caption--s">{t(req, 'Lượt xem theo ngày', 'Views per day')}</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  {th(t(req, 'Ngày', 'Day'))}
                  {th(t(req, 'Tổng', 'All'), true)}
                  {DEVICES.map((k) => th(t(req, DEVICE_LABEL[k].vi, DEVICE_LABEL[k].en), true))}
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {view.days.map((d) => (
                  <tr class="govuk-table__row">
                    {rowHead(dayText(req.lang, d.day))}
                    {num(n(d.views))}
                    {DEVICES.map((k) => num(n(d[k])))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </div>
      </details>
      {xlsx('days', 'lượt xem theo ngày', 'views per day')}

      <h2 class="govuk-heading-m">{t(req, 'Thiết bị', 'Devices')}</h2>
      <figure class="cs-chart">
        <img src={`${USAGE_CHART_URL}?${qs({ chart: 'devices' })}`} alt={devicesAlt} id="chart-devices" />
        <figcaption class="govuk-body-s">{devicesAlt}</figcaption>
      </figure>

      <h2 class="govuk-heading-m">{t(req, 'Các trang được xem', 'Pages viewed')}</h2>
      {view.pages.length ? (
        <TableWrap label={t(req, 'Các trang được xem', 'Pages viewed')}>
          <table class="govuk-table cs-table" id="usage-pages">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                {th(t(req, 'Trang', 'Page'))}
                {th(t(req, 'Lượt xem', 'Views'), true)}
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {view.pages.map((p) => (
                <tr class="govuk-table__row">
                  {rowHead(pageLabel(p.page))}
                  {num(n(p.views))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p class="govuk-body">{t(req, 'Chưa có lượt xem nào trong thời gian này.', 'No views in this period.')}</p>
      )}
      {view.pages.length ? xlsx('pages', 'các trang được xem', 'pages viewed') : null}

      <h2 class="govuk-heading-m">{t(req, 'Thủ tục được xem nhiều nhất', 'Procedures viewed most')}</h2>
      {view.services.length ? (
        <>
          <figure class="cs-chart">
            <img src={`${USAGE_CHART_URL}?${qs({ chart: 'services' })}`} alt={servicesAlt} id="chart-services" />
            <figcaption class="govuk-body-s">{servicesAlt}</figcaption>
          </figure>
          <TableWrap label={t(req, 'Thủ tục được xem nhiều nhất', 'Procedures viewed most')}>
            <table class="govuk-table cs-table" id="usage-services">
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  {th(t(req, 'Thủ tục', 'Procedure'))}
                  {th(t(req, 'Lượt xem', 'Views'), true)}
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {view.services.map((s) => (
                  <tr class="govuk-table__row">
                    {rowHead(procName(s))}
                    {num(n(s.views))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {xlsx('services', 'thủ tục được xem', 'procedures viewed')}
        </>
      ) : (
        <p class="govuk-body">{t(req, 'Chưa có thủ tục nào được xem trong thời gian này.', 'No procedure was viewed in this period.')}</p>
      )}

      <h2 class="govuk-heading-m">{t(req, 'Từ xem thủ tục đến nộp hồ sơ', 'From a procedure page to a filed dossier')}</h2>
      <p class="govuk-body">
        {t(
          req,
          'Mỗi thủ tục: số lượt xem trang thủ tục, số bản nháp hồ sơ được bắt đầu và số hồ sơ nộp trực tuyến, với tỉ lệ so với lượt xem.',
          'Per procedure: views of its page, filing drafts started and dossiers filed online, as a share of the views.',
        )}
      </p>
      {view.funnel.length ? (
        <>
          <TableWrap label={t(req, 'Từ xem thủ tục đến nộp hồ sơ', 'From a procedure page to a filed dossier')}>
            <table class="govuk-table cs-table" id="usage-funnel">
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  {th(t(req, 'Thủ tục', 'Procedure'))}
                  {th(t(req, 'Lượt xem', 'Viewed'), true)}
                  {th(t(req, 'Bắt đầu nháp', 'Drafts started'), true)}
                  {th(t(req, 'Tỉ lệ bắt đầu', 'Started rate'), true)}
                  {th(t(req, 'Đã nộp', 'Filed'), true)}
                  {th(t(req, 'Tỉ lệ nộp', 'Filed rate'), true)}
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {view.funnel.map((f) => (
                  <tr class="govuk-table__row">
                    {rowHead(procName(f))}
                    {num(n(f.viewed))}
                    {num(n(f.draftStarted))}
                    {num(pct(f.draftRate))}
                    {num(n(f.submitted))}
                    {num(pct(f.submitRate))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {xlsx('funnel', 'phễu nộp hồ sơ', 'the funnel')}
        </>
      ) : (
        <p class="govuk-body">{t(req, 'Chưa có số liệu trong thời gian này.', 'Nothing counted in this period.')}</p>
      )}

      <h2 class="govuk-heading-m">{t(req, 'Các bước của biểu mẫu nộp hồ sơ', 'Steps of the filing form')}</h2>
      <p class="govuk-body">
        {t(
          req,
          '"Dừng lại" là số lượt đến một bước mà không đến bước sau (ở bước cuối: không nộp). Các phần bên trong biểu mẫu chỉ được đếm khi trình duyệt chạy JavaScript; các trang (mở biểu mẫu, xem lại) luôn được đếm.',
          '"Left" counts reaching a step but not the next (at the last step: not filing). Sections inside the form are counted only where the browser runs JavaScript; the pages (form opened, review) always are.',
        )}
      </p>
      {view.eformSteps.length ? (
        <>
          <TableWrap label={t(req, 'Các bước của biểu mẫu nộp hồ sơ', 'Steps of the filing form')}>
            <table class="govuk-table cs-table" id="usage-steps">
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  {th(t(req, 'Thủ tục', 'Procedure'))}
                  {th(t(req, 'Bước', 'Step'))}
                  {th(t(req, 'Đến bước', 'Reached'), true)}
                  {th(t(req, 'Dừng lại', 'Left'), true)}
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {view.eformSteps.flatMap((p) =>
                  p.steps.map((s, i) => (
                    <tr class="govuk-table__row">
                      {i === 0 ? (
                        <th scope="rowgroup" rowSpan={p.steps.length} class="govuk-table__header">
                          {procName(p)}
                          <br />
                          <span class="govuk-body-s">{t(req, `Đã nộp: ${n(p.submitted)}`, `Filed: ${n(p.submitted)}`)}</span>
                        </th>
                      ) : null}
                      <td class="govuk-table__cell">{stepText(req.lang, s.step)}</td>
                      {num(n(s.reached))}
                      {num(n(s.left))}
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </TableWrap>
          {xlsx('steps', 'các bước của biểu mẫu', 'the form steps')}
        </>
      ) : (
        <p class="govuk-body">{t(req, 'Chưa có số liệu trong thời gian này.', 'Nothing counted in this period.')}</p>
      )}

      <h2 class="govuk-heading-m" id="emc">
        {t(req, 'Gửi số liệu đến Hệ thống đo lường (EMC)', 'Events sent to the measuring system (EMC)')}
      </h2>
      {emc.configured ? null : (
        <WarningText req={req} id="emc-off">
          {t(
            req,
            'Chưa cấu hình Hệ thống đo lường EMC (EMC_URL): các sự kiện xử lý hồ sơ không được gửi.',
            'The EMC measuring system is not configured (EMC_URL): dossier events are not sent.',
          )}
        </WarningText>
      )}
      <dl class="govuk-summary-list" id="emc-status">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Đã gửi trong thời gian này', 'Sent in this period')}</dt>
          <dd class="govuk-summary-list__value">{n(emc.sent)}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Đang chờ gửi', 'Waiting to be sent')}</dt>
          <dd class="govuk-summary-list__value">{n(emc.pending)}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Gửi lỗi, sẽ gửi lại', 'Failed, to be retried')}</dt>
          <dd class="govuk-summary-list__value">{n(emc.failed)}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Lỗi gần nhất', 'Last error')}</dt>
          <dd class="govuk-summary-list__value">{emc.lastError ? <span class="cs-mono">{emc.lastError}</span> : t(req, 'Không có', 'None')}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Lần gửi thành công gần nhất', 'Last delivered')}</dt>
          <dd class="govuk-summary-list__value">{emc.lastSentAt ? formatDateTime(req.lang, emc.lastSentAt) : t(req, 'Chưa có', 'Never')}</dd>
        </div>
      </dl>
    </>
  );
}
