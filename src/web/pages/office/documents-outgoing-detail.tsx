import type { FastifyRequest } from 'fastify';
import type { OutgoingView } from '../../../modules/documents/outgoing/schemas.ts';
import { OUTGOING_ACTIONS, type OutgoingActionName, type OutgoingStatus } from '../../../modules/documents/outgoing/lifecycle.ts';
import { EDXML_STATUS, type EdxmlStatusCode } from '../../../modules/documents/edxml/model.ts';
import { DOCUMENT_SERIES } from '../../../modules/documents/series.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { Csrf, ErrorMessage, ErrorSummary, Layout, t, TableWrap } from '../../components/layout.tsx';
import { TextArea } from '../../components/documents.tsx';
import { OUTGOING_URL, OutgoingStatusTag, outgoingUrl } from './documents-outgoing.tsx';

export interface OutgoingDetailProps {
  req: FastifyRequest;
  doc: OutgoingView;
  unitName: (id: string) => string;
  done?: string;
  error?: { action: string; text: string; field?: string; values?: Record<string, string> };
}

const HISTORY_LABELS: Record<string, { vi: string; en: string }> = {
  create: { vi: 'Soạn dự thảo', en: 'Drafted' },
  replaced: { vi: 'Bị thay thế', en: 'Replaced' },
  ...OUTGOING_ACTIONS,
};

function historyLabel(req: FastifyRequest, action: string): string {
  const status = /^status\.(\d\d)$/.exec(action)?.[1] as EdxmlStatusCode | undefined;
  if (status && EDXML_STATUS[status])
    return `${t(req, 'Nơi nhận báo', 'Recipient reports')}: ${status} ${t(req, EDXML_STATUS[status].vi, EDXML_STATUS[status].en)}`;
  const l = HISTORY_LABELS[action];
  return l ? t(req, l.vi, l.en) : action;
}

const DELIVERY: Record<string, { vi: string; en: string }> = {
  pending: { vi: 'Đang chờ gửi', en: 'Waiting to be sent' },
  sent: { vi: 'Đã gửi', en: 'Sent' },
  failed: { vi: 'Gửi lỗi, sẽ thử lại', en: 'Failed, will retry' },
  dead: { vi: 'Không gửi được', en: 'Could not be sent' },
  delivered: { vi: 'Đã chuyển', en: 'Delivered' },
};

function Row({ k, children }: { k: string; children: unknown }) {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{k}</dt>
      <dd class="govuk-summary-list__value">{children as string}</dd>
    </div>
  );
}

/** Which field each action asks for, and its label. */
const FIELDS: Partial<Record<OutgoingActionName, { name: string; vi: string; en: string }>> = {
  comment: { name: 'text', vi: 'Ý kiến', en: 'Comment' },
  return: { name: 'reason', vi: 'Lý do trả lại', en: 'Reason for returning it' },
  forward: { name: 'note', vi: 'Ý kiến khi trình ký (không bắt buộc)', en: 'Note for the signer (optional)' },
  recall: { name: 'reason', vi: 'Lý do thu hồi', en: 'Reason for the recall' },
  update: { name: 'reason', vi: 'Lý do cập nhật', en: 'Reason for the update' },
  replace: { name: 'reason', vi: 'Lý do thay thế', en: 'Reason for the replacement' },
};

/** One outgoing document: its details, files, recipients with delivery and statuses, history, and the caller's actions as forms that work without a script. */
export function OutgoingDetailPage(p: OutgoingDetailProps) {
  const { req, doc, error } = p;
  const title = doc.notation ? `${doc.notation} — ${doc.subject}` : doc.subject;
  const series = DOCUMENT_SERIES.find((s) => s.code === doc.seriesCode);
  const errorHref = error ? `#${error.field ? `${error.action}-${error.field}` : `form-${error.action}`}` : '';
  const fieldError = (action: string, field: string) => (error && error.action === action && error.field === field ? error.text : undefined);
  const typed = (action: string, field: string) => (error && error.action === action ? error.values?.[field] : undefined);
  const formError = error && !error.field ? error : undefined;
  return (
    <Layout req={req} area="office" title={title}>
      <a href={OUTGOING_URL} class="govuk-back-link">
        {t(req, 'Văn bản đi', 'Outgoing documents')}
      </a>
      <ErrorSummary req={req} errors={error ? [{ text: error.text, href: errorHref }] : []} />
      {p.done ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(req, 'Đã thực hiện', 'Done')}: {HISTORY_LABELS[p.done] ? t(req, HISTORY_LABELS[p.done].vi, HISTORY_LABELS[p.done].en) : ''}
            </p>
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-l">{series ? t(req, series.vi, series.en) : doc.seriesCode}</span>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        <OutgoingStatusTag req={req} status={doc.status as OutgoingStatus} />
      </p>
      <dl class="govuk-summary-list">
        <Row k={t(req, 'Số, ký hiệu', 'Number')}>{doc.notation ?? t(req, 'Chưa cấp số', 'Not numbered yet')}</Row>
        {doc.promulgationDate ? <Row k={t(req, 'Ngày ban hành', 'Date')}>{formatDate(req.lang, doc.promulgationDate)}</Row> : null}
        <Row k={t(req, 'Trích yếu', 'Subject')}>{doc.subject}</Row>
        {doc.summary ? <Row k={t(req, 'Tóm tắt', 'Summary')}>{doc.summary}</Row> : null}
        <Row k={t(req, 'Đơn vị soạn thảo', 'Drafting unit')}>{`${p.unitName(doc.draftingUnit)} — ${doc.drafter.name}`}</Row>
        <Row k={t(req, 'Người ký', 'Signer')}>{doc.signer.position ? `${doc.signer.position.replace('\n', ' ')} ${doc.signer.name}` : doc.signer.name}</Row>
        {doc.dueDate ? <Row k={t(req, 'Hạn xử lý', 'Due')}>{formatDate(req.lang, doc.dueDate)}</Row> : null}
        {doc.documentId ? <Row k={t(req, 'Mã văn bản liên thông', 'Exchange DocumentId')}>{doc.documentId}</Row> : null}
        {doc.replacesId ? (
          <Row k={t(req, 'Thay thế văn bản', 'Replaces')}>
            <a class="govuk-link" href={outgoingUrl(doc.replacesId)}>
              {t(req, 'Văn bản bị thay thế', 'The replaced document')}
            </a>
          </Row>
        ) : null}
        {doc.replacedById ? (
          <Row k={t(req, 'Bị thay thế bởi', 'Replaced by')}>
            <a class="govuk-link" href={outgoingUrl(doc.replacedById)}>
              {t(req, 'Văn bản thay thế', 'The replacing document')}
            </a>
          </Row>
        ) : null}
      </dl>

      <h2 class="govuk-heading-m">{t(req, 'Tệp', 'Files')}</h2>
      <ul class="govuk-list">
        {doc.files.map((f) => (
          <li>
            <a class="govuk-link" href={`${outgoingUrl(doc.id)}/tep/${f.seq}`}>
              {f.name}
            </a>{' '}
            <span class="govuk-body-s">
              (
              {f.role === 'main'
                ? t(req, 'tệp chính', 'main file')
                : f.role === 'signed'
                  ? t(req, 'đã ký số', 'signed')
                  : f.role === 'sealed'
                    ? t(req, 'đã ký số và đóng dấu', 'signed and sealed')
                    : t(req, 'phụ lục', 'appendix')}
              {f.current ? '' : `, ${t(req, 'không còn dùng', 'superseded')}`})
            </span>
          </li>
        ))}
      </ul>

      <h2 class="govuk-heading-m">{t(req, 'Nơi nhận', 'Recipients')}</h2>
      <TableWrap label={t(req, 'Nơi nhận', 'Recipients')}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden">{t(req, 'Nơi nhận và tình trạng', 'Recipients and their status')}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                {t(req, 'Nơi nhận', 'Recipient')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Chuyển', 'Delivery')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Tình trạng xử lý', 'Status reports')}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {doc.recipients.map((r) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">
                  {r.name}
                  <br />
                  <span class="govuk-body-s">
                    {r.kind === 'external' ? `${t(req, 'Cơ quan ngoài', 'Other agency')} · ${r.organId}` : t(req, 'Đơn vị trong cơ quan', 'Internal unit')}
                  </span>
                </td>
                <td class="govuk-table__cell">
                  {r.delivery
                    ? t(req, DELIVERY[r.delivery]?.vi ?? r.delivery, DELIVERY[r.delivery]?.en ?? r.delivery)
                    : t(req, 'Chưa phát hành', 'Not released')}
                  {r.recalled ? (
                    <>
                      {' '}
                      <strong class="govuk-tag govuk-tag--red">{t(req, 'Đã thu hồi', 'Recalled')}</strong>
                    </>
                  ) : null}
                </td>
                <td class="govuk-table__cell">
                  {r.statuses.length ? (
                    <ul class="govuk-list govuk-body-s">
                      {r.statuses.map((s) => (
                        <li>
                          {`${s.code} ${EDXML_STATUS[s.code as EdxmlStatusCode] ? t(req, EDXML_STATUS[s.code as EdxmlStatusCode].vi, EDXML_STATUS[s.code as EdxmlStatusCode].en) : ''} — ${formatDateTime(req.lang, s.at)}`}
                          {s.description ? `: ${s.description}` : ''}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>

      {doc.allowedActions.length ? <h2 class="govuk-heading-m">{t(req, 'Thao tác', 'Actions')}</h2> : null}
      {formError ? <ErrorMessage req={req} id={`form-${formError.action}`} error={formError.text} /> : null}
      {(doc.allowedActions as OutgoingActionName[]).map((action) => {
        const f = FIELDS[action];
        const label = OUTGOING_ACTIONS[action];
        const multipart = action === 'replace';
        const target = multipart ? `${outgoingUrl(doc.id)}/thay-the?_csrf=${encodeURIComponent(req.csrfToken ?? '')}` : outgoingUrl(doc.id);
        return (
          <form
            method="post"
            action={target}
            id={`form-${action}`}
            class="govuk-!-margin-bottom-6"
            enctype={multipart ? 'multipart/form-data' : undefined}
            novalidate
          >
            {multipart ? null : <Csrf req={req} />}
            <input type="hidden" name="action" value={action} />
            <input type="hidden" name="version" value={String(doc.version)} />
            {f ? (
              <TextArea
                req={req}
                id={`${action}-${f.name}`}
                name={f.name}
                label={t(req, f.vi, f.en)}
                error={fieldError(action, f.name)}
                value={typed(action, f.name)}
              />
            ) : null}
            {action === 'update' ? (
              <div class="govuk-form-group">
                <label class="govuk-label govuk-label--s" for="update-subject">
                  {t(req, 'Trích yếu mới (để trống nếu không đổi)', 'New subject (leave empty to keep it)')}
                </label>
                <input class="govuk-input" id="update-subject" name="subject" type="text" value={typed('update', 'subject') ?? ''} />
              </div>
            ) : null}
            {multipart ? (
              <div class={`govuk-form-group${fieldError(action, 'mainUploadId') ? ' govuk-form-group--error' : ''}`}>
                <label class="govuk-label govuk-label--s" for="replace-mainUploadId">
                  {t(req, 'Tệp chính của văn bản thay thế (PDF)', 'Main file of the replacing document (PDF)')}
                </label>
                <ErrorMessage req={req} id="replace-mainUploadId" error={fieldError(action, 'mainUploadId')} />
                <input class="govuk-file-upload" id="replace-mainUploadId" name="file" type="file" accept="application/pdf" />
              </div>
            ) : null}
            <button
              type="submit"
              class={`govuk-button${['return', 'recall', 'comment', 'archive'].includes(action) ? ' govuk-button--secondary' : ''}`}
              data-module="govuk-button"
            >
              {t(req, label.vi, label.en)}
            </button>
          </form>
        );
      })}

      <h2 class="govuk-heading-m">{t(req, 'Quá trình xử lý', 'History')}</h2>
      <ol class="govuk-list cs-timeline">
        {doc.history.map((h) => (
          <li class="govuk-!-margin-bottom-3">
            <strong>{historyLabel(req, h.action)}</strong>
            <br />
            <span class="govuk-body-s">
              {formatDateTime(req.lang, h.at)} · {h.byName}
            </span>
            {h.note ? <p class="govuk-body govuk-!-margin-bottom-0">{h.note}</p> : null}
          </li>
        ))}
      </ol>
    </Layout>
  );
}
