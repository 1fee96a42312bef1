import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { LedgerView } from '../../../modules/payments/schemas.ts';
import { formatVnd, type Lang } from '../../../platform/i18n/index.ts';
import { DateFilter, ErrorSummary, Layout, t, TableWrap } from '../../components/layout.tsx';
import { CHART_COLORS, chartSvg } from '../../components/charts.tsx';
import { PaymentStateTag, PaymentWhen, paymentMethodText, ReceiptCell, RefundDueTag } from '../../components/payments.tsx';

export const LEDGER_URL = '/can-bo/thanh-toan';
export const LEDGER_CHART_URL = `${LEDGER_URL}/bieu-do.svg`;
export const LEDGER_XLSX_URL = `${LEDGER_URL}/so-thu.xlsx`;
export const RECONCILIATION_URL = `${LEDGER_URL}/doi-soat`;

/** The period and unit a ledger page shows, as its links and forms carry them. */
export interface LedgerQuery {
  unit: string;
  from: string;
  to: string;
}

export const ledgerQueryString = (q: LedgerQuery, extra: Record<string, string> = {}) =>
  new URLSearchParams({ unit: q.unit, from: q.from, to: q.to, ...extra }).toString();

/** "07/12/2026" in Vietnamese, the ISO day in English (the pages' one date style). */
export const dayText = (lang: Lang, day: string) => (lang === 'en' ? day : day.split('-').reverse().join('/'));

/** Every Vietnam day of the period, in order, so the chart shows the days nothing was collected too. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= end && out.length < 400; d += 24 * 3600_000) out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

/**
 * The amount collected per day, online and at the desk stacked, drawn on the server by ECharts
 * (SVG, no script) and served as an image; the page's table of days says the same in text.
 */
export function ledgerChartSvg(view: LedgerView, lang: Lang): string {
  const days = daysOf(view.from, view.to);
  const byDay = new Map(view.days.map((d) => [d.day, d]));
  const width = Math.min(1200, Math.max(480, 120 + days.length * 28));
  const online = lang === 'vi' ? 'Trực tuyến' : 'Online';
  const desk = lang === 'vi' ? 'Tại quầy' : 'At the desk';
  return chartSvg(
    {
      legend: { top: 0, data: [online, desk] },
      grid: { left: 110, right: 24, top: 40, bottom: 48 },
      xAxis: { type: 'category', data: days.map((d) => (lang === 'vi' ? `${d.slice(8, 10)}/${d.slice(5, 7)}` : d.slice(5))) },
      yAxis: {
        type: 'value',
        name: lang === 'vi' ? 'đồng' : 'VND',
        axisLabel: { formatter: (v: number) => new Intl.NumberFormat('vi-VN').format(v) },
      },
      series: [
        { name: online, type: 'bar', stack: 'total', color: CHART_COLORS.blue, data: days.map((d) => byDay.get(d)?.online ?? 0) },
        { name: desk, type: 'bar', stack: 'total', color: CHART_COLORS.red, data: days.map((d) => byDay.get(d)?.counter ?? 0) },
      ],
    },
    { width, height: 320 },
  );
}

export interface LedgerPageProps {
  req: FastifyRequest;
  query: LedgerQuery;
  /** The units the official may read the ledger of, with their names. */
  units: { id: string; name: string }[];
  /** Null when the query was refused (the error says why). */
  view: LedgerView | null;
  unitName: string;
  /** Whether the official is a finance officer (the reconciliation link). */
  finance: boolean;
  error?: { text: string; href: string };
}

const num = (children: ComponentChildren) => <td class="govuk-table__cell govuk-table__cell--numeric">{children}</td>;

/** `/can-bo/thanh-toan`: what a unit collected, day by day, with totals, a chart, every payment and the XLSX. */
export function LedgerPage({ req, query, units, view, unitName, finance, error }: LedgerPageProps) {
  const title = t(req, 'Sổ thu phí, lệ phí', 'Fees ledger');
  const period = `${dayText(req.lang, query.from)} – ${dayText(req.lang, query.to)}`;
  const count = view ? view.days.reduce((n, d) => n + d.count, 0) : 0;
  const online = view ? view.days.reduce((n, d) => n + d.online, 0) : 0;
  const counter = view ? view.days.reduce((n, d) => n + d.counter, 0) : 0;
  const summary = view
    ? t(
        req,
        `Biểu đồ số tiền đã thu theo ngày, từ ${period}, của ${unitName}: tổng ${formatVnd(view.total)} (trực tuyến ${formatVnd(online)}, tại quầy ${formatVnd(counter)}). Số liệu từng ngày ở bảng bên dưới.`,
        `Chart of the amount collected per day, ${period}, by ${unitName}: ${formatVnd(view.total)} in all (online ${formatVnd(online)}, at the desk ${formatVnd(counter)}). The table below has every day's figures.`,
      )
    : '';
  return (
    <Layout req={req} area="office" title={title}>
      <ErrorSummary req={req} errors={error ? [error] : []} />
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="get" action={LEDGER_URL} class="cs-card" novalidate>
        <div class="govuk-form-group">
          <label class="govuk-label" for="unit">
            {t(req, 'Đơn vị thu', 'Collecting unit')}
          </label>
          <select class="govuk-select" id="unit" name="unit">
            {units.map((u) => (
              <option value={u.id} selected={u.id === query.unit}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div class="govuk-grid-row">
          <DateFilter id="from" label={t(req, 'Từ ngày', 'From')} value={query.from} />
          <DateFilter id="to" label={t(req, 'Đến ngày', 'To')} value={query.to} />
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
          {t(req, 'Xem sổ thu', 'Show the ledger')}
        </button>
      </form>
      {view ? (
        <>
          <h2 class="govuk-heading-m">
            {unitName}, {period}
          </h2>
          <dl class="govuk-summary-list" id="ledger-totals">
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Tổng đã thu', 'Collected')}</dt>
              <dd class="govuk-summary-list__value">
                <strong>{formatVnd(view.total)}</strong> {t(req, `(${count} khoản)`, `(${count} payments)`)}
              </dd>
            </div>
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Trực tuyến', 'Online')}</dt>
              <dd class="govuk-summary-list__value">{formatVnd(online)}</dd>
            </div>
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Tại quầy', 'At the desk')}</dt>
              <dd class="govuk-summary-list__value">{formatVnd(counter)}</dd>
            </div>
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Đã hoàn trả', 'Refunded')}</dt>
              <dd class="govuk-summary-list__value">{formatVnd(view.refunded)}</dd>
            </div>
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Khoản chờ hoàn trả', 'Payments awaiting a refund')}</dt>
              <dd class="govuk-summary-list__value">{view.refundsDue}</dd>
            </div>
          </dl>
          <figure class="cs-chart">
            <img src={`${LEDGER_CHART_URL}?${ledgerQueryString(query, { lang: req.lang })}`} alt={summary} />
            <figcaption class="govuk-body-s">{summary}</figcaption>
          </figure>
          <TableWrap label={t(req, 'Số tiền đã thu theo ngày', 'Collected per day')}>
            <table class="govuk-table cs-table" id="ledger-days">
              <caption class="govuk-table__caption govuk-table__caption--m">{t(req, 'Số tiền đã thu theo ngày', 'Collected per day')}</caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Ngày', 'Day')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Số khoản', 'Payments')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Trực tuyến', 'Online')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Tại quầy', 'At the desk')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Tổng', 'Total')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Đã hoàn trả', 'Refunded')}
                  </th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {view.days.map((d) => (
                  <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header">
                      {dayText(req.lang, d.day)}
                    </th>
                    {num(d.count)}
                    {num(formatVnd(d.online))}
                    {num(formatVnd(d.counter))}
                    {num(formatVnd(d.total))}
                    {num(formatVnd(d.refunded))}
                  </tr>
                ))}
                <tr class="govuk-table__row">
                  <th scope="row" class="govuk-table__header">
                    {t(req, 'Cộng', 'Total')}
                  </th>
                  {num(count)}
                  {num(formatVnd(online))}
                  {num(formatVnd(counter))}
                  {num(<strong>{formatVnd(view.total)}</strong>)}
                  {num(formatVnd(view.refunded))}
                </tr>
              </tbody>
            </table>
          </TableWrap>
          {view.days.length ? null : <p class="govuk-body">{t(req, 'Không có khoản thu nào trong thời gian này.', 'Nothing was collected in this period.')}</p>}
          <p class="govuk-body">
            <a class="govuk-link" href={`${LEDGER_XLSX_URL}?${ledgerQueryString(query, { lang: req.lang })}`} download>
              {t(req, 'Tải sổ thu (XLSX)', 'Download the ledger (XLSX)')}
            </a>
            {finance ? (
              <>
                {' · '}
                <a class="govuk-link" href={RECONCILIATION_URL}>
                  {t(req, 'Đối soát với cổng thanh toán', 'Reconcile with the payment platform')}
                </a>
              </>
            ) : null}
          </p>
          <h2 class="govuk-heading-m">{t(req, 'Các khoản đã thu', 'Payments collected')}</h2>
          {view.truncated ? (
            <div class="govuk-inset-text">
              {t(
                req,
                `Chỉ hiện ${view.payments.length} khoản đầu; các tổng ở trên tính đủ. Chọn khoảng thời gian ngắn hơn để xem hết.`,
                `Only the first ${view.payments.length} payments are listed; the totals above count them all. Choose a shorter period to see every one.`,
              )}
            </div>
          ) : null}
          {view.payments.length ? (
            <TableWrap label={t(req, 'Các khoản đã thu', 'Payments collected')}>
              <table class="govuk-table cs-table" id="ledger-payments">
                <thead class="govuk-table__head">
                  <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">
                      {t(req, 'Thời điểm', 'When')}
                    </th>
                    <th scope="col" class="govuk-table__header">
                      {t(req, 'Hồ sơ', 'Dossier')}
                    </th>
                    <th scope="col" class="govuk-table__header">
                      {t(req, 'Hình thức', 'Method')}
                    </th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                      {t(req, 'Số tiền', 'Amount')}
                    </th>
                    <th scope="col" class="govuk-table__header">
                      {t(req, 'Biên lai', 'Receipt')}
                    </th>
                  </tr>
                </thead>
                <tbody class="govuk-table__body">
                  {view.payments.map((x) => (
                    <tr class="govuk-table__row">
                      <PaymentWhen req={req} p={x} />
                      <td class="govuk-table__cell cs-mono">
                        <a class="govuk-link" href={`/can-bo/ho-so/${encodeURIComponent(x.dossierCode)}#phi-le-phi`}>
                          {x.dossierCode}
                        </a>
                      </td>
                      <td class="govuk-table__cell">
                        {paymentMethodText(req, x.method)}
                        {x.state === 'success' ? null : (
                          <>
                            {' '}
                            <PaymentStateTag req={req} state={x.state} />
                          </>
                        )}
                      </td>
                      <td class="govuk-table__cell govuk-table__cell--numeric">
                        {formatVnd(x.amount)}
                        {x.refunded ? (
                          <span class="govuk-body-s">
                            <br />
                            {t(req, `đã hoàn ${formatVnd(x.refunded)}`, `${formatVnd(x.refunded)} refunded`)}
                          </span>
                        ) : null}
                        {x.refundDue ? (
                          <>
                            <br />
                            <RefundDueTag req={req} />
                          </>
                        ) : null}
                      </td>
                      <ReceiptCell req={req} receipt={x.receipt} short />
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : null}
        </>
      ) : null}
    </Layout>
  );
}
