import type { FastifyRequest } from 'fastify';
import type { MismatchView, ReconciliationView } from '../../../modules/payments/schemas.ts';
import { officialLabel, type OfficialName } from '../../../modules/organisation/staff-names.ts';
import { formatDateTime, formatVnd } from '../../../platform/i18n/index.ts';
import { Csrf, ErrorMessage, ErrorSummary, Layout, t } from '../../components/layout.tsx';
import { PAYMENT_STATES } from '../../components/payments.tsx';
import { dayText, LEDGER_URL, RECONCILIATION_URL } from './payments-ledger.tsx';

export const resolveUrl = (id: string) => `${RECONCILIATION_URL}/chenh-lech/${encodeURIComponent(id)}`;

const KINDS: Record<MismatchView['kind'], [string, string, string]> = {
  missing_here: ['Có trên sao kê, không có trên sổ', 'On the statement, not in our ledger', 'govuk-tag--red'],
  missing_there: ['Có trên sổ, không có trên sao kê', 'In our ledger, not on the statement', 'govuk-tag--orange'],
  amount_differs: ['Số tiền khác nhau', 'The amounts differ', 'govuk-tag--purple'],
  state_differs: ['Trạng thái khác nhau', 'The states differ', 'govuk-tag--yellow'],
};

/**
 * A side's state inside the sentence "75.000 đ, đã thanh toán": the tags' words, lower-cased.
 * Both sides' states are payment states (the adapter reads the statement's into them); a state
 * that is not one is shown as it came.
 */
function sideState(state: string): [string, string] {
  if (!Object.hasOwn(PAYMENT_STATES, state)) return [state, state];
  const [vi, en] = PAYMENT_STATES[state as keyof typeof PAYMENT_STATES];
  const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
  return [lower(vi), lower(en)];
}

export interface ReconciliationPageProps {
  req: FastifyRequest;
  day: string;
  /** Null when the day asked for was refused (the error says why). */
  view: ReconciliationView | null;
  /** The officials the runs and resolutions name. */
  names: Map<string, OfficialName>;
  done?: 'run' | 'resolved';
  /** A refused run (`href` the run button) or resolution (the note of its mismatch, kept as typed). */
  error?: { text: string; item?: string; note?: string };
}

function Side({ req, side }: { req: FastifyRequest; side: MismatchView['ours'] }) {
  if (!side) return <span class="cs-meta">{t(req, 'không có', 'none')}</span>;
  const st = sideState(side.state);
  return (
    <span>
      {formatVnd(side.amount)}, {t(req, ...st)}
      {side.gatewayTxn ? <span class="cs-mono govuk-body-s"> ({side.gatewayTxn})</span> : null}
    </span>
  );
}

/** `/can-bo/thanh-toan/doi-soat`: a day's reconciliation runs, newest first, each mismatch with its resolution or the form to resolve it. */
export function ReconciliationPage({ req, day, view, names, done, error }: ReconciliationPageProps) {
  const title = t(req, 'Đối soát thanh toán', 'Payment reconciliation');
  const who = (actor: string) =>
    actor.startsWith('staff:')
      ? officialLabel(req.lang, names, actor, { role: false })
      : t(req, 'Hệ thống (đối soát tự động hằng ngày)', 'The system (daily run)');
  const errorHref = error?.item ? `#note-${error.item}` : '#run';
  return (
    <Layout req={req} area="office" title={title}>
      <a href={LEDGER_URL} class="govuk-back-link">
        {t(req, 'Sổ thu phí, lệ phí', 'Fees ledger')}
      </a>
      <ErrorSummary req={req} errors={error ? [{ text: error.text, href: errorHref }] : []} />
      {done ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {done === 'run' ? t(req, 'Đã đối soát xong.', 'Reconciliation done.') : t(req, 'Đã ghi nhận cách xử lý chênh lệch.', 'The mismatch is resolved.')}
            </p>
          </div>
        </div>
      ) : null}
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {t(
          req,
          'Mỗi sáng hệ thống đối chiếu sổ thu của ngày hôm trước với sao kê của cổng thanh toán; cũng có thể đối soát lại một ngày bất kỳ. Mỗi chênh lệch cần được xử lý và ghi chú.',
          "Each morning the system checks the previous day's ledger against the payment platform's statement; any day can also be reconciled again. Each mismatch is resolved with a note.",
        )}
      </p>
      <form method="get" action={RECONCILIATION_URL} class="cs-card" novalidate>
        <div class="govuk-form-group">
          <label class="govuk-label" for="day">
            {t(req, 'Ngày', 'Day')}
          </label>
          <input class="govuk-input govuk-input--width-10" id="day" name="day" type="date" value={day} />
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
          {t(req, 'Xem', 'Show')}
        </button>
      </form>
      <form method="post" action={RECONCILIATION_URL} novalidate>
        <Csrf req={req} />
        <input type="hidden" name="day" value={day} />
        <button type="submit" class="govuk-button" id="run">
          {t(req, `Đối soát ngày ${dayText(req.lang, day)}`, `Reconcile ${dayText(req.lang, day)}`)}
        </button>
      </form>
      {view && !view.runs.length ? (
        <p class="govuk-body">{t(req, `Chưa đối soát ngày ${dayText(req.lang, day)}.`, `${dayText(req.lang, day)} has not been reconciled yet.`)}</p>
      ) : null}
      {view?.runs.map((run, ri) => {
        const open = run.items.filter((i) => !i.resolvedAt).length;
        return (
          <section class="cs-card" aria-labelledby={`run-${run.id}`}>
            <h2 class="govuk-heading-m" id={`run-${run.id}`}>
              {ri === 0 ? t(req, 'Lần đối soát mới nhất', 'Latest run') : t(req, 'Lần đối soát trước', 'Earlier run')}:{' '}
              {formatDateTime(req.lang, run.finishedAt ?? run.startedAt)}
            </h2>
            <dl class="govuk-summary-list govuk-summary-list--no-border">
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{t(req, 'Người thực hiện', 'Run by')}</dt>
                <dd class="govuk-summary-list__value">{who(run.startedBy)}</dd>
              </div>
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{t(req, 'Dòng sao kê của cổng thanh toán', 'Statement lines')}</dt>
                <dd class="govuk-summary-list__value">{run.statementLines}</dd>
              </div>
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{t(req, 'Khoản thu trực tuyến trên sổ', 'Online payments in our ledger')}</dt>
                <dd class="govuk-summary-list__value">{run.ledgerPayments}</dd>
              </div>
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{t(req, 'Chênh lệch', 'Mismatches')}</dt>
                <dd class="govuk-summary-list__value">
                  {run.mismatches
                    ? t(req, `${run.mismatches} (còn ${open} chưa xử lý)`, `${run.mismatches} (${open} not resolved)`)
                    : t(req, 'Không có: sổ thu khớp với sao kê', 'None: the ledger matches the statement')}
                </dd>
              </div>
            </dl>
            {run.items.map((item) => {
              const [vi, en, tag] = KINDS[item.kind];
              const err = error?.item === item.id ? error.text : undefined;
              return (
                <div class="cs-card" id={`item-${item.id}`}>
                  <h3 class="govuk-heading-s govuk-!-margin-bottom-2">
                    <strong class={`govuk-tag ${tag}`}>{t(req, vi, en)}</strong> <span class="cs-mono">{item.reference}</span>
                  </h3>
                  <dl class="govuk-summary-list govuk-summary-list--no-border govuk-!-margin-bottom-2">
                    {item.dossierCode ? (
                      <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">{t(req, 'Hồ sơ', 'Dossier')}</dt>
                        <dd class="govuk-summary-list__value cs-mono">
                          <a class="govuk-link" href={`/can-bo/ho-so/${encodeURIComponent(item.dossierCode)}#phi-le-phi`}>
                            {item.dossierCode}
                          </a>
                        </dd>
                      </div>
                    ) : null}
                    <div class="govuk-summary-list__row">
                      <dt class="govuk-summary-list__key">{t(req, 'Trên sổ thu', 'Our ledger')}</dt>
                      <dd class="govuk-summary-list__value">
                        <Side req={req} side={item.ours} />
                      </dd>
                    </div>
                    <div class="govuk-summary-list__row">
                      <dt class="govuk-summary-list__key">{t(req, 'Trên sao kê', 'The statement')}</dt>
                      <dd class="govuk-summary-list__value">
                        <Side req={req} side={item.theirs} />
                      </dd>
                    </div>
                  </dl>
                  {item.resolvedAt ? (
                    <p class="govuk-body">
                      <strong class="govuk-tag govuk-tag--green">{t(req, 'Đã xử lý', 'Resolved')}</strong> {who(item.resolvedBy ?? '')},{' '}
                      {formatDateTime(req.lang, item.resolvedAt)}: <span class="cs-proposal-note">{item.note}</span>
                    </p>
                  ) : (
                    <form method="post" action={resolveUrl(item.id)} novalidate>
                      <Csrf req={req} />
                      <input type="hidden" name="day" value={day} />
                      <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`}>
                        <label class="govuk-label" for={`note-${item.id}`}>
                          {t(req, 'Cách đã xử lý', 'How it was resolved')}
                        </label>
                        <div class="govuk-hint" id={`note-${item.id}-hint`}>
                          {t(
                            req,
                            'Ví dụ: ngân hàng xác nhận đã chuyển; đã hoàn trả; cổng thanh toán đã sửa sao kê',
                            'For example: the bank confirmed the transfer; the money was refunded; the platform corrected its statement',
                          )}
                        </div>
                        <ErrorMessage req={req} id={`note-${item.id}`} error={err} />
                        <textarea
                          class={`govuk-textarea${err ? ' govuk-textarea--error' : ''}`}
                          id={`note-${item.id}`}
                          name="note"
                          rows={2}
                          aria-describedby={`note-${item.id}-hint${err ? ` note-${item.id}-error` : ''}`}
                        >
                          {err ? (error?.note ?? '') : ''}
                        </textarea>
                      </div>
                      <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
                        {t(req, 'Ghi nhận đã xử lý', 'Mark resolved')}
                        <span class="govuk-visually-hidden"> {item.reference}</span>
                      </button>
                    </form>
                  )}
                </div>
              );
            })}
          </section>
        );
      })}
    </Layout>
  );
}
