import type { FastifyRequest } from 'fastify';
import type { NotificationDetail, NotificationPage, NotificationView } from '../../../modules/notifications/schemas.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { Layout, Pagination, t, TableWrap } from '../../components/layout.tsx';

export interface OutboxFilters {
  dossierCode?: string;
  channel?: string;
  status?: string;
}

const CHANNEL: Record<string, [string, string]> = { email: ['Thư điện tử', 'E-mail'], sms: ['SMS', 'SMS'], zalo: ['Zalo', 'Zalo'] };
const STATUS: Record<string, [string, string, string]> = {
  queued: ['Đang chờ gửi', 'Queued', 'govuk-tag--blue'],
  sent: ['Đã gửi', 'Sent', 'govuk-tag--green'],
  failed: ['Gửi lỗi', 'Failed', 'govuk-tag--red'],
};
const EVENT: Record<string, [string, string]> = {
  'dossier.received': ['Tiếp nhận hồ sơ', 'Dossier received'],
  'dossier.supplement_requested': ['Yêu cầu bổ sung hồ sơ', 'Supplement requested'],
  'dossier.refused': ['Từ chối tiếp nhận', 'Refused'],
  'dossier.apology': ['Xin lỗi, đề nghị gia hạn thời gian giải quyết', 'Apology and extension request'],
  'dossier.result_ready': ['Có kết quả', 'Result ready'],
  'dossier.returned': ['Trả kết quả', 'Result returned'],
  'dossier.stopped': ['Dừng giải quyết', 'Processing stopped'],
  'dossier.fee_requested': ['Đề nghị nộp phí, lệ phí', 'Fees requested'],
};

const label = (req: FastifyRequest, m: Record<string, string[]>, k: string) => (m[k] ? t(req, m[k][0], m[k][1]) : k);

function StatusTag({ req, status }: { req: FastifyRequest; status: string }) {
  const s = STATUS[status];
  return <strong class={`govuk-tag ${s?.[2] ?? ''}`}>{s ? t(req, s[0], s[1]) : status}</strong>;
}

function query(f: OutboxFilters, page: number) {
  const u = new URLSearchParams();
  if (f.dossierCode) u.set('dossierCode', f.dossierCode);
  if (f.channel) u.set('channel', f.channel);
  if (f.status) u.set('status', f.status);
  if (page > 1) u.set('page', String(page));
  const s = u.toString();
  return `/can-bo/hop-thu${s ? `?${s}` : ''}`;
}

function Select({ req, id, name, value, options }: { req: FastifyRequest; id: string; name: string; value?: string; options: [string, string, string][] }) {
  return (
    <select class="govuk-select" id={id} name={name}>
      <option value="" selected={!value}>
        {t(req, 'Tất cả', 'All')}
      </option>
      {options.map(([v, vi, en]) => (
        <option value={v} selected={value === v}>
          {t(req, vi, en)}
        </option>
      ))}
    </select>
  );
}

/** The outbox: the messages to applicants about dossiers the official may see, newest first, on every channel. */
export function OutboxPage({ req, result, filters }: { req: FastifyRequest; result: NotificationPage; filters: OutboxFilters }) {
  const title = t(req, 'Hộp thư đi', 'Outbox');
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {t(
          req,
          'Các thông báo gửi người nộp hồ sơ qua thư điện tử, SMS và Zalo, về những hồ sơ tiếp nhận hoặc xử lý tại đơn vị của bạn. Khi chưa cấu hình máy chủ thư (SMTP) hay cổng SMS, Zalo, tin nhắn chỉ được lưu ở đây.',
          'Notices sent to applicants by e-mail, SMS and Zalo about the dossiers received or handled in your units. Until a mail server (SMTP) or an SMS or Zalo gateway is configured, messages are only kept here.',
        )}
      </p>
      <form method="get" action="/can-bo/hop-thu" class="govuk-!-margin-bottom-6">
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="dossierCode">
              {t(req, 'Mã hồ sơ', 'Dossier code')}
            </label>
            <input class="govuk-input" id="dossierCode" name="dossierCode" type="text" spellcheck={false} value={filters.dossierCode ?? ''} />
          </div>
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="channel">
              {t(req, 'Kênh', 'Channel')}
            </label>
            <Select req={req} id="channel" name="channel" value={filters.channel} options={Object.entries(CHANNEL).map(([k, [vi, en]]) => [k, vi, en])} />
          </div>
          <div class="govuk-grid-column-one-third govuk-form-group">
            <label class="govuk-label" for="status">
              {t(req, 'Trạng thái', 'Status')}
            </label>
            <Select req={req} id="status" name="status" value={filters.status} options={Object.entries(STATUS).map(([k, [vi, en]]) => [k, vi, en])} />
          </div>
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary">
          {t(req, 'Lọc', 'Filter')}
        </button>
      </form>
      {result.items.length ? (
        <TableWrap label={title}>
          <table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--s">
              {t(req, `${result.total} thông báo, mới nhất trước`, `${result.total} messages, newest first`)}
            </caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Thời điểm', 'When')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Kênh', 'Channel')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Người nhận', 'Recipient')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Nội dung', 'Message')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Trạng thái', 'Status')}
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {result.items.map((n) => (
                <Row req={req} n={n} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p class="govuk-body">{t(req, 'Không có thông báo nào.', 'No messages.')}</p>
      )}
      <Pagination req={req} page={result.page} total={result.total} pageSize={result.pageSize} href={(p) => query(filters, p)} />
    </Layout>
  );
}

function Row({ req, n }: { req: FastifyRequest; n: NotificationView }) {
  return (
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{formatDateTime(req.lang, n.createdAt)}</td>
      <td class="govuk-table__cell">{label(req, CHANNEL, n.channel)}</td>
      <td class="govuk-table__cell">
        {n.recipientName}
        <br />
        <span class="cs-meta">{n.recipient}</span>
      </td>
      <td class="govuk-table__cell">
        <a class="govuk-link" href={`/can-bo/hop-thu/${n.id}`}>
          {n.subject ?? n.text}
        </a>
        <br />
        <span class="cs-meta">
          {label(req, EVENT, n.event)}
          {n.dossierCode ? ` · ${n.dossierCode}` : ''}
        </span>
      </td>
      <td class="govuk-table__cell">
        <StatusTag req={req} status={n.status} />
      </td>
    </tr>
  );
}

/** Plain text as paragraphs: blank lines separate them, single line breaks are kept. */
function Body({ text }: { text: string }) {
  return (
    <>
      {text
        .trim()
        .split(/\n{2,}/)
        .map((para) => (
          <p class="govuk-body">
            {para.split('\n').map((line, i) => (
              <>
                {i ? <br /> : null}
                {line}
              </>
            ))}
          </p>
        ))}
    </>
  );
}

/** One message with everything about it and its full body. */
export function OutboxMessagePage({ req, n }: { req: FastifyRequest; n: NotificationDetail }) {
  const title = n.subject ?? t(req, `Tin nhắn ${label(req, CHANNEL, n.channel)}`, `${label(req, CHANNEL, n.channel)} message`);
  const rows: [string, string, preact.ComponentChildren][] = [
    ['Kênh', 'Channel', label(req, CHANNEL, n.channel)],
    ['Người nhận', 'Recipient', `${n.recipientName} <${n.recipient}>`],
    ['Sự kiện', 'Event', label(req, EVENT, n.event)],
    ['Mã hồ sơ', 'Dossier code', n.dossierCode ?? '—'],
    ['Ngôn ngữ', 'Language', n.lang === 'vi' ? t(req, 'Tiếng Việt', 'Vietnamese') : t(req, 'Tiếng Anh', 'English')],
    ['Trạng thái', 'Status', <StatusTag req={req} status={n.status} />],
    ['Số lần gửi', 'Attempts', String(n.attempts)],
    ['Tạo lúc', 'Created', formatDateTime(req.lang, n.createdAt)],
    ['Gửi lúc', 'Sent', n.sentAt ? formatDateTime(req.lang, n.sentAt) : '—'],
    ['Mã của nhà cung cấp', 'Provider id', n.providerId ?? '—'],
    ...(n.lastError ? ([['Lỗi gần nhất', 'Last error', n.lastError]] as [string, string, string][]) : []),
  ];
  return (
    <Layout req={req} area="office" title={title}>
      <a href="/can-bo/hop-thu" class="govuk-back-link">
        {t(req, 'Hộp thư đi', 'Outbox')}
      </a>
      <h1 class="govuk-heading-l">{title}</h1>
      <dl class="govuk-summary-list">
        {rows.map(([vi, en, v]) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{t(req, vi, en)}</dt>
            <dd class="govuk-summary-list__value">{v}</dd>
          </div>
        ))}
      </dl>
      <h2 class="govuk-heading-m">{t(req, 'Nội dung', 'Message')}</h2>
      <div class="govuk-inset-text govuk-!-text-break-word" lang={n.lang}>
        <Body text={n.text} />
      </div>
      {n.html ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`/can-bo/hop-thu/${n.id}/html`}>
            {t(req, 'Xem bản HTML của thư', 'View the HTML version of the e-mail')}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
