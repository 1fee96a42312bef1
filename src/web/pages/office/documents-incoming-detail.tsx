import type { FastifyRequest } from 'fastify';
import type { IncomingView } from '../../../modules/documents/incoming/schemas.ts';
import { INCOMING_ACTION_LABELS, type IncomingActionName } from '../../../modules/documents/incoming/workflow.ts';
import { EDXML_STATUS, type EdxmlStatusCode } from '../../../modules/documents/edxml/model.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { Csrf, ErrorMessage, ErrorSummary, Layout, t, WarningText } from '../../components/layout.tsx';
import { TextArea } from '../../components/documents.tsx';
import { DeadlineTag, docUrl, INCOMING_URL, IncomingStatusTag } from './documents-incoming.tsx';

export interface PersonOption {
  id: string;
  name: string;
}

export interface IncomingDetailProps {
  req: FastifyRequest;
  doc: IncomingView;
  /** Specialists the leader may name as handler; officials as co-handlers. */
  handlers: PersonOption[];
  coHandlers: PersonOption[];
  /** Units the clerk may present the document to. */
  units: { id: string; name: string }[];
  names: Map<string, string>;
  unitName: (id: string) => string;
  done?: string;
  /** A refused action: its text, the action and the field it names, and what was typed. */
  error?: { action: string; text: string; field?: string; values?: Record<string, string> };
}

const CHANNEL: Record<IncomingView['channel'], [string, string]> = {
  axis: ['Trục liên thông văn bản quốc gia', 'National document exchange axis'],
  inbox: ['Liên thông văn bản (hộp thư EDXML)', 'Document exchange (EDXML inbox)'],
  paper: ['Văn bản giấy (bản quét)', 'Paper (scanned)'],
  email: ['Thư điện tử', 'E-mail'],
};

const ACTION_HISTORY: Record<string, [string, string]> = {
  arrive: ['Văn bản đến', 'Arrived'],
  updated: ['Nơi gửi cập nhật văn bản', 'Updated by the sender'],
  replaced: ['Nơi gửi thay thế văn bản', 'Replaced by the sender'],
  'recall-requested': ['Nơi gửi yêu cầu thu hồi', 'Recall requested by the sender'],
};

function SignatureSummary({ req, doc }: { req: FastifyRequest; doc: IncomingView }) {
  const s = doc.signature;
  if (!s) return <span>{t(req, 'Không áp dụng (văn bản giấy hoặc thư điện tử)', 'Not applicable (paper or e-mail)')}</span>;
  if (!s.present) return <strong class="govuk-tag govuk-tag--orange">{t(req, 'Không có chữ ký số', 'Not signed')}</strong>;
  return (
    <span>
      {s.valid ? (
        <strong class="govuk-tag govuk-tag--green">{t(req, 'Chữ ký số hợp lệ', 'Valid signature')}</strong>
      ) : (
        <strong class="govuk-tag govuk-tag--red">{t(req, 'Chữ ký số không hợp lệ', 'Invalid signature')}</strong>
      )}{' '}
      {s.weak ? <strong class="govuk-tag govuk-tag--yellow">{t(req, 'Thuật toán yếu (SHA-1)', 'Weak algorithm (SHA-1)')}</strong> : null}
      {s.signer ? <span class="govuk-body-s"> {s.signer}</span> : null}
      {s.algorithm ? <span class="govuk-body-s cs-mono"> ({s.algorithm})</span> : null}
      {s.reason && !s.valid ? <span class="govuk-body-s"> — {s.reason}</span> : null}
    </span>
  );
}

function Row({ k, children }: { k: string; children: unknown }) {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{k}</dt>
      <dd class="govuk-summary-list__value">{children as string}</dd>
    </div>
  );
}

function ActionForm({
  req,
  doc,
  action,
  children,
  button,
  secondary,
}: {
  req: FastifyRequest;
  doc: IncomingView;
  action: IncomingActionName;
  children?: unknown;
  button: string;
  secondary?: boolean;
}) {
  return (
    <form method="post" action={docUrl(doc.id)} id={`form-${action}`} class="govuk-!-margin-bottom-6" novalidate>
      <Csrf req={req} />
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="version" value={String(doc.version)} />
      {children as string}
      <button type="submit" class={`govuk-button${secondary ? ' govuk-button--secondary' : ''}`} data-module="govuk-button">
        {button}
      </button>
    </form>
  );
}

/** One incoming document: what arrived, its signature, its files and history, and the caller's actions as forms that work without a script. */
export function IncomingDetailPage(p: IncomingDetailProps) {
  const { req, doc, error } = p;
  const title = doc.numberNotation ? `${doc.numberNotation} — ${doc.subject}` : doc.subject;
  const allowed = new Set(doc.allowedActions as IncomingActionName[]);
  const fieldError = (action: string, field: string) => (error && error.action === action && error.field === field ? error.text : undefined);
  const typed = (action: string, field: string) => (error && error.action === action ? error.values?.[field] : undefined);
  const errorHref = error ? `#${error.field ? `${error.action}-${error.field}` : `form-${error.action}`}` : '';
  return (
    <Layout req={req} area="office" title={title}>
      <a href={INCOMING_URL} class="govuk-back-link">
        {t(req, 'Văn bản đến', 'Incoming documents')}
      </a>
      <ErrorSummary req={req} errors={error ? [{ text: error.text, href: errorHref }] : []} />
      {p.done ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {INCOMING_ACTION_LABELS[p.done as IncomingActionName]
                ? t(
                    req,
                    `Đã thực hiện: ${INCOMING_ACTION_LABELS[p.done as IncomingActionName].vi}`,
                    `Done: ${INCOMING_ACTION_LABELS[p.done as IncomingActionName].en}`,
                  )
                : t(req, 'Đã ghi nhận.', 'Saved.')}
            </p>
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-l">{doc.sender.organName}</span>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        <IncomingStatusTag req={req} status={doc.status} /> <DeadlineTag req={req} state={doc.deadlineState} />
      </p>
      {doc.recallPending ? (
        <WarningText req={req} role="status">
          {t(req, `Nơi gửi yêu cầu thu hồi văn bản: ${doc.recallReason ?? ''}`, `The sender asks for the document back: ${doc.recallReason ?? ''}`)}
        </WarningText>
      ) : null}
      <dl class="govuk-summary-list">
        <Row k={t(req, 'Số đến', 'Incoming number')}>
          {doc.incomingNumber ? `${String(doc.incomingNumber).padStart(2, '0')}/${doc.incomingYear}` : t(req, 'Chưa vào sổ', 'Not registered')}
        </Row>
        <Row k={t(req, 'Số, ký hiệu', 'Number and notation')}>{doc.numberNotation ?? ''}</Row>
        <Row k={t(req, 'Loại văn bản', 'Type')}>{doc.documentType ?? ''}</Row>
        <Row k={t(req, 'Trích yếu', 'Subject')}>{doc.subject}</Row>
        <Row k={t(req, 'Nơi gửi', 'Sender')}>{`${doc.sender.organName}${doc.sender.organId ? ` (${doc.sender.organId})` : ''}`}</Row>
        <Row k={t(req, 'Người ký', 'Signed by')}>{doc.signerName ?? ''}</Row>
        <Row k={t(req, 'Ngày văn bản', 'Dated')}>{doc.promulgationDate ? formatDate(req.lang, doc.promulgationDate) : ''}</Row>
        <Row k={t(req, 'Ngày đến', 'Received')}>{formatDateTime(req.lang, doc.receivedAt)}</Row>
        <Row k={t(req, 'Hạn trả lời của nơi gửi', "Sender's due date")}>{doc.dueDate ? formatDate(req.lang, doc.dueDate) : ''}</Row>
        <Row k={t(req, 'Nhận qua', 'Received through')}>{t(req, ...CHANNEL[doc.channel])}</Row>
        <Row k={t(req, 'Chữ ký số', 'Digital signature')}>
          <SignatureSummary req={req} doc={doc} />
        </Row>
        {doc.handlerId ? (
          <Row k={t(req, 'Chủ trì xử lý', 'Handler')}>
            {[p.names.get(doc.handlerId) ?? doc.handlerId, ...doc.coHandlerIds.map((c) => `${t(req, 'phối hợp', 'with')} ${p.names.get(c) ?? c}`)].join('; ')}
          </Row>
        ) : null}
        {doc.instructions ? <Row k={t(req, 'Ý kiến chỉ đạo', 'Instructions')}>{doc.instructions}</Row> : null}
        {doc.deadline ? <Row k={t(req, 'Hạn xử lý', 'Deadline')}>{formatDate(req.lang, doc.deadline)}</Row> : null}
        {doc.directingUnit ? <Row k={t(req, 'Trình lãnh đạo', 'Presented to')}>{p.unitName(doc.directingUnit)}</Row> : null}
      </dl>

      <h2 class="govuk-heading-m">{t(req, 'Tệp đính kèm', 'Files')}</h2>
      {doc.attachments.length ? (
        <ul class="govuk-list">
          {doc.attachments.map((a) => (
            <li>
              <a class="govuk-link" href={`${docUrl(doc.id)}/tep/${a.n}`}>
                {a.name}
              </a>{' '}
              <span class="govuk-body-s">({Math.max(1, Math.round(a.size / 1024))} KiB)</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="govuk-body">{t(req, 'Không có tệp.', 'No files.')}</p>
      )}

      {allowed.size ? <h2 class="govuk-heading-m">{t(req, 'Xử lý văn bản', 'Act on the document')}</h2> : null}
      {allowed.has('register') ? (
        <ActionForm req={req} doc={doc} action="register" button={t(req, 'Vào sổ và trình lãnh đạo', 'Register and present')}>
          <div class="govuk-form-group">
            <label class="govuk-label govuk-label--s" for="register-directingUnitId">
              {t(req, 'Trình lãnh đạo đơn vị', 'Present to the leaders of')}
            </label>
            <select class="govuk-select" id="register-directingUnitId" name="directingUnitId">
              <option value="">{t(req, 'Lãnh đạo cơ quan', "The agency's leaders")}</option>
              {p.units.map((u) => (
                <option value={u.id} selected={typed('register', 'directingUnitId') === u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        </ActionForm>
      ) : null}
      {allowed.has('refuse') ? (
        <ActionForm req={req} doc={doc} action="refuse" secondary button={t(req, 'Từ chối tiếp nhận', 'Refuse')}>
          <TextArea
            req={req}
            id="refuse-reason"
            name="reason"
            label={t(req, 'Lý do từ chối (gửi nhầm, không hợp lệ…)', 'Why (misaddressed, invalid…)')}
            error={fieldError('refuse', 'reason')}
            value={typed('refuse', 'reason')}
          />
        </ActionForm>
      ) : null}
      {allowed.has('agree-recall') ? <ActionForm req={req} doc={doc} action="agree-recall" button={t(req, 'Đồng ý thu hồi', 'Agree to the recall')} /> : null}
      {allowed.has('refuse-recall') ? (
        <ActionForm req={req} doc={doc} action="refuse-recall" secondary button={t(req, 'Từ chối thu hồi', 'Refuse the recall')}>
          <TextArea
            req={req}
            id="refuse-recall-reason"
            name="reason"
            label={t(req, 'Lý do từ chối thu hồi', 'Why the recall is refused')}
            error={fieldError('refuse-recall', 'reason')}
            value={typed('refuse-recall', 'reason')}
          />
        </ActionForm>
      ) : null}
      {allowed.has('direct') ? (
        <ActionForm req={req} doc={doc} action="direct" button={t(req, 'Giao xử lý', 'Assign')}>
          <div class={`govuk-form-group${fieldError('direct', 'handlerId') ? ' govuk-form-group--error' : ''}`}>
            <label class="govuk-label govuk-label--s" for="direct-handlerId">
              {t(req, 'Cán bộ chủ trì xử lý', 'Handler')}
            </label>
            <ErrorMessage req={req} id="direct-handlerId" error={fieldError('direct', 'handlerId')} />
            <select class="govuk-select" id="direct-handlerId" name="handlerId">
              <option value="">{t(req, 'Chọn chuyên viên', 'Choose a specialist')}</option>
              {p.handlers.map((h) => (
                <option value={h.id} selected={typed('direct', 'handlerId') === h.id}>
                  {h.name}
                </option>
              ))}
            </select>
          </div>
          {p.coHandlers.length ? (
            <div class="govuk-form-group">
              <fieldset class="govuk-fieldset">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, 'Cán bộ phối hợp (nếu có)', 'Co-handlers (if any)')}</legend>
                <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
                  {p.coHandlers.map((c, i) => (
                    <div class="govuk-checkboxes__item">
                      <input class="govuk-checkboxes__input" id={`direct-co-${i}`} name="coHandlerIds" type="checkbox" value={c.id} />
                      <label class="govuk-label govuk-checkboxes__label" for={`direct-co-${i}`}>
                        {c.name}
                      </label>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
          ) : null}
          <TextArea
            req={req}
            id="direct-instructions"
            name="instructions"
            label={t(req, 'Ý kiến chỉ đạo', 'Instructions')}
            value={typed('direct', 'instructions')}
          />
          <div class={`govuk-form-group${fieldError('direct', 'deadline') ? ' govuk-form-group--error' : ''}`}>
            <label class="govuk-label govuk-label--s" for="direct-deadline">
              {t(req, 'Hạn xử lý', 'Deadline')}
            </label>
            <ErrorMessage req={req} id="direct-deadline" error={fieldError('direct', 'deadline')} />
            <input class="govuk-input govuk-input--width-10" id="direct-deadline" name="deadline" type="date" value={typed('direct', 'deadline')} />
          </div>
        </ActionForm>
      ) : null}
      {allowed.has('progress') ? (
        <ActionForm req={req} doc={doc} action="progress" secondary button={t(req, 'Báo cáo tiến độ', 'Report progress')}>
          <TextArea
            req={req}
            id="progress-note"
            name="note"
            label={t(req, 'Nội dung đã thực hiện', 'What was done')}
            error={fieldError('progress', 'note')}
            value={typed('progress', 'note')}
          />
        </ActionForm>
      ) : null}
      {allowed.has('complete') ? (
        <ActionForm req={req} doc={doc} action="complete" button={t(req, 'Hoàn thành xử lý', 'Complete')}>
          <TextArea req={req} id="complete-note" name="note" label={t(req, 'Kết quả xử lý (nếu có)', 'Outcome (optional)')} value={typed('complete', 'note')} />
        </ActionForm>
      ) : null}

      <h2 class="govuk-heading-m">{t(req, 'Quá trình xử lý', 'History')}</h2>
      <ol class="govuk-list">
        {doc.history.map((h) => {
          const label = INCOMING_ACTION_LABELS[h.action as IncomingActionName] ?? ACTION_HISTORY[h.action];
          const code = h.statusCode && EDXML_STATUS[h.statusCode as EdxmlStatusCode];
          return (
            <li class="govuk-!-margin-bottom-2">
              <strong>{label ? t(req, 'vi' in label ? label.vi : label[0], 'en' in label ? label.en : label[1]) : h.action}</strong>
              {' — '}
              {formatDateTime(req.lang, h.at)}, {h.byName}
              {code ? (
                <span class="govuk-body-s">{` · ${t(req, 'trạng thái gửi nơi gửi', 'status')} ${h.statusCode} (${t(req, code.vi, code.en)})`}</span>
              ) : null}
              {h.note ? <div class="govuk-body-s">{h.note}</div> : null}
            </li>
          );
        })}
      </ol>
    </Layout>
  );
}
