import type { FastifyRequest } from 'fastify';
import type { IntegrationView } from '../../../modules/integrations/schemas.ts';
import { formatDateTime, pick, type Lang } from '../../../platform/i18n/index.ts';
import { ChartFigure, CHART_COLORS, chartSvg } from '../../components/charts.tsx';
import { Csrf, ErrorSummary, Layout, t, TableWrap } from '../../components/layout.tsx';

export const INTEGRATIONS_URL = '/can-bo/ket-noi';
export const pauseUrl = (adapter: string) => `${INTEGRATIONS_URL}/${adapter}/tam-dung`;
export const replayUrl = (adapter: string) => `${INTEGRATIONS_URL}/${adapter}/gui-lai`;

const STATES: Record<IntegrationView['state'], [string, string, string]> = {
  ok: ['Hoạt động', 'Working', 'govuk-tag--green'],
  failing: ['Đang lỗi', 'Failing', 'govuk-tag--red'],
  paused: ['Tạm dừng', 'Paused', 'govuk-tag--yellow'],
  idle: ['Chưa gọi', 'Not called yet', 'govuk-tag--grey'],
};

const numberFmt = new Intl.NumberFormat('vi-VN');
const num = (v: number) => numberFmt.format(v);
const when = (req: FastifyRequest, d: string | null) => (d ? formatDateTime(req.lang, d) : t(req, 'chưa có', 'never'));

/** Calls of the last 24 hours per adapter, succeeded and failed stacked: which connection is failing, at a glance. */
export function callsChart(all: IntegrationView[], lang: Lang): { svg: string; width: number; height: number } {
  const tr = (vi: string, en: string) => pick(lang, vi, en);
  const width = 720;
  const height = Math.max(180, 70 + all.length * 40);
  const rows = [...all].reverse();
  return {
    width,
    height,
    svg: chartSvg(
      {
        legend: { top: 0 },
        grid: { left: 210, right: 48, top: 36, bottom: 32 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: rows.map((a) => pick(lang, a.label.vi, a.label.en)) },
        series: [
          { name: tr('Thành công', 'Succeeded'), type: 'bar', stack: 'calls', color: CHART_COLORS.green, data: rows.map((a) => a.calls24h.ok) },
          { name: tr('Lỗi', 'Failed'), type: 'bar', stack: 'calls', color: CHART_COLORS.red, data: rows.map((a) => a.calls24h.failed) },
        ],
      },
      { width, height },
    ),
  };
}

export interface IntegrationsPageProps {
  req: FastifyRequest;
  adapters: IntegrationView[];
  /** Whether the reader may pause and replay (administrators; auditors only read). */
  canOperate: boolean;
  done?: { vi: string; en: string };
  error?: string;
}

function Row({ req, label, children }: { req: FastifyRequest; label: [string, string]; children: unknown }) {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{t(req, ...label)}</dt>
      <dd class="govuk-summary-list__value">{children as string}</dd>
    </div>
  );
}

function AdapterCard({ req, a, canOperate }: { req: FastifyRequest; a: IntegrationView; canOperate: boolean }) {
  const [vi, en, tag] = STATES[a.state];
  const name = t(req, a.label.vi, a.label.en);
  return (
    <section class="cs-card" aria-labelledby={`adapter-${a.name}`} id={`ket-noi-${a.name}`}>
      <h2 class="govuk-heading-m" id={`adapter-${a.name}`}>
        {name} <strong class={`govuk-tag ${tag}`}>{t(req, vi, en)}</strong>
      </h2>
      <dl class="govuk-summary-list govuk-summary-list--no-border">
        <Row req={req} label={['Đang chờ gửi', 'Waiting to be sent']}>
          {num(a.pending)}
          {a.oldestPendingAt
            ? t(req, ` (cũ nhất từ ${formatDateTime('vi', a.oldestPendingAt)})`, ` (oldest since ${formatDateTime('en', a.oldestPendingAt)})`)
            : ''}
        </Row>
        <Row req={req} label={['Lần thành công gần nhất', 'Last success']}>
          {when(req, a.lastSuccessAt)}
        </Row>
        <Row req={req} label={['Tỉ lệ lỗi 24 giờ qua', 'Failure rate, last 24 hours']}>
          {a.failureRate === null
            ? t(req, 'chưa có lượt gọi', 'no calls')
            : t(
                req,
                `${String(a.failureRate).replace('.', ',')} % (${num(a.calls24h.failed)} lỗi / ${num(a.calls24h.ok + a.calls24h.failed)} lượt)`,
                `${a.failureRate} % (${a.calls24h.failed} failed of ${a.calls24h.ok + a.calls24h.failed})`,
              )}
        </Row>
        {a.lastError && a.state === 'failing' ? (
          <Row req={req} label={['Lỗi gần nhất', 'Last error']}>
            <span class="cs-mono govuk-body-s">
              {a.lastError} ({when(req, a.lastFailureAt)})
            </span>
          </Row>
        ) : null}
        <Row req={req} label={['Thư lỗi (không gửi được)', 'Dead letters']}>
          {num(a.dead)}
        </Row>
        {a.paused ? (
          <Row req={req} label={['Tạm dừng', 'Paused']}>
            {t(req, `từ ${when(req, a.pausedAt)}`, `since ${when(req, a.pausedAt)}`)}
          </Row>
        ) : null}
      </dl>
      {canOperate ? (
        <form method="post" action={pauseUrl(a.name)} class="govuk-!-margin-bottom-4" novalidate>
          <Csrf req={req} />
          <input type="hidden" name="paused" value={a.paused ? 'false' : 'true'} />
          <button type="submit" class={`govuk-button ${a.paused ? '' : 'govuk-button--warning'} govuk-!-margin-bottom-0`}>
            {a.paused ? t(req, `Tiếp tục gửi: ${name}`, `Resume: ${name}`) : t(req, `Tạm dừng gửi: ${name}`, `Pause: ${name}`)}
          </button>
        </form>
      ) : null}
      {a.deadLetters.length ? (
        <>
          <TableWrap label={t(req, `Thư lỗi của ${name}`, `Dead letters of ${name}`)}>
            <table class="govuk-table">
              <caption class="govuk-table__caption govuk-table__caption--s">
                {t(req, `Thư lỗi mới nhất (${a.deadLetters.length} / ${a.dead})`, `Newest dead letters (${a.deadLetters.length} of ${a.dead})`)}
              </caption>
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Hồ sơ / khóa', 'Dossier / key')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Loại', 'Kind')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Lỗi', 'Error')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Số lần thử', 'Attempts')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Thời điểm', 'When')}
                  </th>
                  {canOperate ? (
                    <th scope="col" class="govuk-table__header">
                      <span class="govuk-visually-hidden">{t(req, 'Thao tác', 'Action')}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {a.deadLetters.map((d) => (
                  <tr class="govuk-table__row">
                    <td class="govuk-table__cell cs-mono">{d.key}</td>
                    <td class="govuk-table__cell cs-mono">{d.kind}</td>
                    <td class="govuk-table__cell govuk-body-s">{d.lastError ?? ''}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{d.attempts}</td>
                    <td class="govuk-table__cell">{when(req, d.deadAt)}</td>
                    {canOperate ? (
                      <td class="govuk-table__cell">
                        <form method="post" action={replayUrl(a.name)} novalidate>
                          <Csrf req={req} />
                          <input type="hidden" name="id" value={d.id} />
                          <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
                            {t(req, 'Gửi lại', 'Replay')}
                            <span class="govuk-visually-hidden">{` ${d.kind} ${d.key}`}</span>
                          </button>
                        </form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {canOperate ? (
            <form method="post" action={replayUrl(a.name)} novalidate>
              <Csrf req={req} />
              <input type="hidden" name="id" value="all" />
              <button type="submit" class="govuk-button govuk-!-margin-bottom-0">
                {t(req, `Gửi lại tất cả ${a.dead} thư lỗi`, `Replay all ${a.dead} dead letters`)}
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/**
 * `/can-bo/ket-noi`: the connections to the national systems (issue 16 item 6): per adapter its
 * state, queue, last success, failure rate and dead letters, with pause and replay for
 * administrators. The figures refresh themselves every 15 seconds with htmx; without script the
 * page is read as it is.
 */
export function IntegrationsPage({ req, adapters, canOperate, done, error }: IntegrationsPageProps) {
  const title = t(req, 'Kết nối hệ thống quốc gia', 'Connections to national systems');
  const chart = callsChart(adapters, req.lang);
  return (
    <Layout req={req} area="office" title={title}>
      <ErrorSummary req={req} errors={error ? [{ text: error, href: '#ket-noi' }] : []} />
      {done ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, done.vi, done.en)}</p>
          </div>
        </div>
      ) : null}
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {t(
          req,
          'Hồ sơ, tiến độ, đơn bưu chính và các tra cứu được gửi tới hệ thống quốc gia qua hàng đợi bền vững: lỗi của một kết nối không làm chậm công việc của cán bộ. Thư không gửi được sau nhiều lần thử được giữ lại để quản trị viên gửi lại.',
          "Dossiers, progress, postal orders and lookups reach the national systems through durable queues: a failing connection never slows the officials' work. A message that could not be sent after its attempts is kept for an administrator to replay.",
        )}
      </p>
      <div id="ket-noi" hx-get={INTEGRATIONS_URL} hx-trigger="every 15s" hx-select="#ket-noi" hx-swap="outerHTML">
        {adapters.length ? (
          <ChartFigure
            wide={chart}
            alt={t(
              req,
              'Biểu đồ lượt gọi 24 giờ qua theo kết nối, thành công và lỗi',
              'Chart of the last 24 hours of calls per connection, succeeded and failed',
            )}
            caption={t(
              req,
              'Lượt gọi 24 giờ qua của từng kết nối; số liệu chi tiết ở từng mục dưới đây.',
              'Calls of the last 24 hours per connection; the figures are in each section below.',
            )}
          />
        ) : (
          <p class="govuk-body">{t(req, 'Chưa có kết nối nào được cấu hình.', 'No connection is configured.')}</p>
        )}
        {adapters.map((a) => (
          <AdapterCard req={req} a={a} canOperate={canOperate} />
        ))}
      </div>
    </Layout>
  );
}
