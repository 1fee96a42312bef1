import type { FastifyRequest } from 'fastify';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import type { DossierSummary } from '../../../modules/dossiers/list-dossiers.ts';
import type { ActionLogEntry } from '../../../modules/dossiers/get-dossier.ts';
import { DELIVERY, type DossierView } from '../../../modules/dossiers/schemas.ts';
import type { DossierResultEntry } from '../../../modules/results/list-dossier-results.ts';
import type { Draft } from '../../../modules/dossiers/drafts.ts';
import { RATING_CRITERIA } from '../../../modules/dossiers/rate-dossier.ts';
import { STATUSES, type Status } from '../../../modules/dossiers/workflow.ts';
import { ErrorSummary, Layout, Pagination, TableWrap, t } from '../../components/layout.tsx';
import type { FormErrors } from './dossier-file.tsx';
import { ComponentLine, dueText, EFormView, StatusTag, Timeline } from '../../components/dossier.tsx';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import type { PaymentView } from '../../../modules/payments/schemas.ts';
import { DossierFeesSection } from './payment-fees.tsx';
import { PostalOrders, postalTimelineEvents } from '../../components/postal.tsx';
import type { PostalOrderView } from '../../../modules/postal/list-postal-orders.ts';

export const statusText = (req: FastifyRequest, s: string) => {
  const x = STATUSES[s as Status];
  return x ? t(req, x.vi, x.en) : s;
};

export { StatusTag } from '../../components/dossier.tsx';

/** The applicant's dossiers, and the drafts not yet filed. */
export function MyDossiersPage({
  req,
  items,
  total,
  page,
  pageSize,
  drafts,
  draftNames,
}: {
  req: FastifyRequest;
  items: DossierSummary[];
  total: number;
  page: number;
  pageSize: number;
  drafts: Draft[];
  draftNames: Record<string, string>;
}) {
  return (
    <Layout req={req} area="portal" title={t(req, 'Hồ sơ của tôi', 'My dossiers')}>
      <h1 class="govuk-heading-l">{t(req, 'Hồ sơ của tôi', 'My dossiers')}</h1>
      {drafts.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Hồ sơ đang soạn', 'Drafts')}</h2>
          <ul class="govuk-list">
            {drafts.map((d) => (
              <li>
                <a class="govuk-link" href={`/nop-ho-so/${encodeURIComponent(d.procedureCode)}`}>
                  {draftNames[d.procedureCode] ?? d.procedureCode}
                </a>
                <span class="cs-meta">
                  {' '}
                  — {t(req, 'lưu lúc', 'saved')} {formatDateTime(req.lang, d.updatedAt)}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 class="govuk-heading-m">{t(req, 'Hồ sơ đã nộp', 'Filed dossiers')}</h2>
      {items.length ? (
        <TableWrap label={t(req, 'Hồ sơ đã nộp', 'Filed dossiers')}>
          <table class="govuk-table">
            <caption class="govuk-table__caption govuk-visually-hidden">{t(req, `${total} hồ sơ`, `${total} dossiers`)}</caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Mã hồ sơ', 'Code')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Thủ tục', 'Procedure')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Trạng thái', 'Status')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Hạn giải quyết', 'Due date')}
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {items.map((d) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">
                    <a class="govuk-link" href={`/ho-so-cua-toi/${encodeURIComponent(d.code)}`}>
                      {d.code}
                    </a>
                  </td>
                  <td class="govuk-table__cell">{d.procedureName}</td>
                  <td class="govuk-table__cell">
                    <StatusTag req={req} status={d.status} />
                  </td>
                  <td class="govuk-table__cell">
                    {dueText(req.lang, d) ?? '—'}
                    {d.overdue ? <strong class="govuk-tag govuk-tag--red govuk-!-margin-left-1">{t(req, 'Quá hạn', 'Overdue')}</strong> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p class="govuk-body">
          {t(req, 'Bạn chưa nộp hồ sơ nào.', 'You have not filed any dossier yet.')}{' '}
          <a class="govuk-link" href="/thu-tuc">
            {t(req, 'Tìm thủ tục để nộp hồ sơ', 'Find a procedure to apply for')}
          </a>
        </p>
      )}
      <Pagination req={req} page={page} total={total} pageSize={pageSize} href={(n) => `/ho-so-cua-toi?page=${n}`} />
    </Layout>
  );
}

export interface SupplementItem {
  idx: number;
  component: string | null;
  reason: string;
}

export interface DetailExtras {
  errors?: FormErrors;
  /** Which form the errors belong to. */
  errorsFor?: 'supplement' | 'withdraw' | 'rate';
  values?: Record<string, string>;
  done?: 'supplemented' | 'withdrawn' | 'rated';
}

/** One dossier as its applicant sees it: status, dates, history, and what is asked of them. */
export function MyDossierPage({
  req,
  d,
  log,
  supplementItems,
  rated,
  results = [],
  extras = {},
  proc,
  payments = [],
  onlinePayment = false,
  postal = [],
}: {
  req: FastifyRequest;
  d: DossierView;
  log: ActionLogEntry[];
  supplementItems: SupplementItem[];
  rated: boolean;
  results?: DossierResultEntry[];
  extras?: DetailExtras;
  proc?: ProcedureDetail;
  /** The dossier's payments, oldest first, with their receipts. */
  payments?: PaymentView[];
  /** Whether online payment is configured (the pay button is offered). */
  onlinePayment?: boolean;
  /** Its VNPost orders with their tracking (issue 16). */
  postal?: PostalOrderView[];
}) {
  const errs = extras.errors ?? { fields: {}, summary: [] };
  const fieldErr = (form: DetailExtras['errorsFor'], name: string) => (extras.errorsFor === form ? errs.fields[name] : undefined);
  const base = `/ho-so-cua-toi/${encodeURIComponent(d.code)}`;
  const canWithdraw = d.allowedActions.includes('withdraw');
  const canSupplement = d.status === 'awaiting_supplement' && d.allowedActions.includes('supplement');
  const canRate = Boolean(d.finishedAt) && !rated;
  // The officer's words when they asked for the fee (the latest request; a filing fee has none).
  const feeRequest = [...log].reverse().find((a) => a.action === 'request_fee');
  const feeNote = d.fees.due?.purpose === 'obligation' && typeof feeRequest?.data.note === 'string' ? feeRequest.data.note : null;
  const DONE = {
    supplemented: t(req, 'Đã gửi giấy tờ bổ sung.', 'The supplementary documents were sent.'),
    withdrawn: t(req, 'Đã rút hồ sơ.', 'The dossier was withdrawn.'),
    rated: t(req, 'Cảm ơn bạn đã đánh giá.', 'Thank you for your rating.'),
  };
  return (
    <Layout req={req} area="portal" title={`${errs.summary.length ? `${t(req, 'Lỗi', 'Error')}: ` : ''}${t(req, 'Hồ sơ', 'Dossier')} ${d.code}`}>
      <nav class="govuk-breadcrumbs" aria-label={t(req, 'Vị trí', 'Breadcrumb')}>
        <ol class="govuk-breadcrumbs__list">
          <li class="govuk-breadcrumbs__list-item">
            <a class="govuk-breadcrumbs__link" href="/">
              {t(req, 'Trang chủ', 'Home')}
            </a>
          </li>
          <li class="govuk-breadcrumbs__list-item">
            <a class="govuk-breadcrumbs__link" href="/ho-so-cua-toi">
              {t(req, 'Hồ sơ của tôi', 'My dossiers')}
            </a>
          </li>
        </ol>
      </nav>
      <ErrorSummary req={req} errors={errs.summary} />
      {extras.done ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="status" aria-labelledby="done-title">
          <div class="govuk-notification-banner__header">
            <h2 class="govuk-notification-banner__title" id="done-title">
              {t(req, 'Thành công', 'Success')}
            </h2>
          </div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{DONE[extras.done]}</p>
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-m">{d.procedureName}</span>
      <h1 class="govuk-heading-l">
        {t(req, 'Hồ sơ', 'Dossier')} {d.code}
      </h1>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Trạng thái', 'Status')}</dt>
          <dd class="govuk-summary-list__value">
            <StatusTag req={req} status={d.status} />
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Mã trạng thái quốc gia', 'National status code')}</dt>
          <dd class="govuk-summary-list__value">{d.nationalStatus}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Ngày nộp', 'Filed')}</dt>
          <dd class="govuk-summary-list__value">{formatDateTime(req.lang, d.submittedAt)}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Ngày tiếp nhận', 'Received')}</dt>
          <dd class="govuk-summary-list__value">{d.receivedAt ? formatDateTime(req.lang, d.receivedAt) : t(req, 'Chưa tiếp nhận', 'Not yet')}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Hạn giải quyết', 'Due date')}</dt>
          <dd class="govuk-summary-list__value">
            {dueText(req.lang, d) ?? t(req, 'Tính từ ngày tiếp nhận', 'Counted from receipt')}
            {d.overdue ? <strong class="govuk-tag govuk-tag--red govuk-!-margin-left-1">{t(req, 'Quá hạn', 'Overdue')}</strong> : null}
          </dd>
        </div>
        {d.finishedAt ? (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{t(req, 'Ngày kết thúc', 'Finished')}</dt>
            <dd class="govuk-summary-list__value">{formatDateTime(req.lang, d.finishedAt)}</dd>
          </div>
        ) : null}
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Hình thức nhận kết quả', 'How you receive the result')}</dt>
          <dd class="govuk-summary-list__value">
            {t(req, DELIVERY[d.delivery].vi, DELIVERY[d.delivery].en)}
            {d.delivery === 'post' && d.applicant.address ? ` — ${d.applicant.address}` : ''}
          </dd>
        </div>
      </dl>
      {d.receivedAt ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`/api/v1/dossiers/${encodeURIComponent(d.code)}/forms/01`}>
            {t(req, 'In giấy tiếp nhận và hẹn trả kết quả (PDF)', 'Print the receipt and appointment slip (PDF)')}
          </a>
        </p>
      ) : null}

      {results.some((r) => r.status === 'valid') ? (
        <section aria-labelledby="result-title">
          <h2 class="govuk-heading-m" id="result-title">
            {t(req, 'Kết quả giải quyết', 'Result')}
          </h2>
          <ul class="govuk-list">
            {results
              .filter((r) => r.status === 'valid')
              .map((r) => (
                <li>
                  <a class="govuk-link" href={`/api/v1/results/${encodeURIComponent(r.resultCode)}/pdf`}>
                    {t(
                      req,
                      `Tải kết quả đã ký số: ${r.documentName} số ${r.number} (PDF)`,
                      `Download the signed result: ${r.documentName} No. ${r.number} (PDF)`,
                    )}
                  </a>
                </li>
              ))}
            <li>
              <a class="govuk-link" href="/kho-du-lieu">
                {t(req, 'Xem trong Kho dữ liệu của tôi', 'See it in my repository')}
              </a>
            </li>
          </ul>
        </section>
      ) : null}

      <DossierFeesSection req={req} d={d} payments={payments} requestNote={feeNote} onlineAvailable={onlinePayment} />

      {canSupplement ? (
        <section aria-labelledby="todo-title">
          <h2 class="govuk-heading-m" id="todo-title">
            {t(req, 'Việc bạn cần làm: bổ sung hồ sơ', 'What you need to do: supplement the dossier')}
          </h2>
          <p class="govuk-body">
            {t(
              req,
              'Cơ quan giải quyết yêu cầu bổ sung các nội dung sau. Thời hạn giải quyết tạm dừng cho đến khi bạn bổ sung.',
              'The agency asks for the following. The time limit is paused until you supplement.',
            )}
          </p>
          <form method="post" action={`${base}/bo-sung?_csrf=${encodeURIComponent(req.csrfToken)}`} enctype="multipart/form-data" novalidate>
            {/* First, before the files: the state this page shows; a supplement sent from an older one is refused. */}
            <input type="hidden" name="version" value={String(d.version)} />
            {supplementItems.map((it) => {
              const id = `s-${it.idx}`;
              const err = fieldErr('supplement', `s.${it.idx}`);
              return (
                <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`}>
                  <label class="govuk-label govuk-label--s" for={id}>
                    {it.component ?? t(req, `Nội dung ${it.idx + 1}`, `Item ${it.idx + 1}`)}
                  </label>
                  <div class="govuk-hint" id={`${id}-hint`}>
                    {it.reason}
                  </div>
                  {err ? (
                    <p id={`${id}-error`} class="govuk-error-message">
                      <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err}
                    </p>
                  ) : null}
                  <input
                    class={`govuk-file-upload${err ? ' govuk-file-upload--error' : ''}`}
                    id={id}
                    name={`file.${it.idx}`}
                    type="file"
                    aria-describedby={`${id}-hint${err ? ` ${id}-error` : ''}`}
                  />
                </div>
              );
            })}
            <button type="submit" class="govuk-button">
              {t(req, 'Gửi bổ sung', 'Send the supplement')}
            </button>
          </form>
        </section>
      ) : null}

      {d.components.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Giấy tờ đã nộp', 'Documents filed')}</h2>
          <ul class="govuk-list">
            {d.components.map((c) => (
              <li>
                <ComponentLine req={req} proc={proc} c={c} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {Object.keys(d.form ?? {}).length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Tờ khai điện tử', 'E-form')}</h2>
          <EFormView req={req} schema={proc?.eForm} form={d.form} />
        </>
      ) : null}

      <h2 class="govuk-heading-m">{t(req, 'Quá trình xử lý', 'History')}</h2>
      <Timeline req={req} log={log} showActor={false} events={postalTimelineEvents(req, postal)} />
      <PostalOrders req={req} orders={postal} />

      {canRate ? (
        <section aria-labelledby="rate-title">
          <h2 class="govuk-heading-m" id="rate-title">
            {t(req, 'Đánh giá mức độ hài lòng', 'Rate the service')}
          </h2>
          <form method="post" action={`${base}/danh-gia`} novalidate>
            <input type="hidden" name="_csrf" value={req.csrfToken} />
            {Object.entries(RATING_CRITERIA).map(([k, c]) => {
              const err = fieldErr('rate', k);
              return (
                <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`} id={`rate-${k}`}>
                  <fieldset class="govuk-fieldset" aria-describedby={err ? `rate-${k}-error` : undefined}>
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, c.vi, c.en)}</legend>
                    {err ? (
                      <p id={`rate-${k}-error`} class="govuk-error-message">
                        <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err}
                      </p>
                    ) : null}
                    <div class="govuk-radios govuk-radios--small govuk-radios--inline">
                      {[1, 2, 3, 4, 5].map((n) => (
                        <div class="govuk-radios__item">
                          <input
                            class="govuk-radios__input"
                            id={`rate-${k}-${n}`}
                            name={k}
                            type="radio"
                            value={String(n)}
                            checked={extras.values?.[k] === String(n)}
                          />
                          <label class="govuk-label govuk-radios__label" for={`rate-${k}-${n}`}>
                            {n}
                          </label>
                        </div>
                      ))}
                    </div>
                  </fieldset>
                </div>
              );
            })}
            <p class="govuk-hint">{t(req, '1 = rất không hài lòng, 5 = rất hài lòng', '1 = very dissatisfied, 5 = very satisfied')}</p>
            <div class="govuk-form-group">
              <label class="govuk-label" for="comment">
                {t(req, 'Ý kiến khác (không bắt buộc)', 'Comments (optional)')}
              </label>
              <textarea class="govuk-textarea" id="comment" name="comment" rows={3} maxLength={2000}>
                {extras.values?.comment ?? ''}
              </textarea>
            </div>
            <button type="submit" class="govuk-button">
              {t(req, 'Gửi đánh giá', 'Send the rating')}
            </button>
          </form>
        </section>
      ) : null}

      {canWithdraw ? (
        <section aria-labelledby="withdraw-title">
          <h2 class="govuk-heading-m" id="withdraw-title">
            {t(req, 'Rút hồ sơ', 'Withdraw the dossier')}
          </h2>
          <form method="post" action={`${base}/rut`} novalidate>
            <input type="hidden" name="_csrf" value={req.csrfToken} />
            <input type="hidden" name="version" value={String(d.version)} />
            {(() => {
              const err = fieldErr('withdraw', 'reason');
              return (
                <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`}>
                  <label class="govuk-label" for="reason">
                    {t(req, 'Lý do rút hồ sơ', 'Why you withdraw it')}
                  </label>
                  <div class="govuk-hint" id="reason-hint">
                    {t(req, 'Hồ sơ đã rút sẽ không được tiếp tục giải quyết.', 'A withdrawn dossier is not processed any further.')}
                  </div>
                  {err ? (
                    <p id="reason-error" class="govuk-error-message">
                      <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err}
                    </p>
                  ) : null}
                  <textarea
                    class={`govuk-textarea${err ? ' govuk-textarea--error' : ''}`}
                    id="reason"
                    name="reason"
                    rows={3}
                    maxLength={4000}
                    aria-describedby={`reason-hint${err ? ' reason-error' : ''}`}
                  >
                    {extras.values?.reason ?? ''}
                  </textarea>
                </div>
              );
            })()}
            <button type="submit" class="govuk-button govuk-button--warning">
              {t(req, 'Rút hồ sơ', 'Withdraw')}
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
