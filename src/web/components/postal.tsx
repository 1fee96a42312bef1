import type { FastifyRequest } from 'fastify';
import { POSTAL_PURPOSE_LABELS, POSTAL_STATE_LABELS, type PostalOrderView } from '../../modules/postal/list-postal-orders.ts';
import type { PostalState } from '../../modules/postal/contract.ts';
import { formatVnd } from '../../platform/i18n/index.ts';
import { t } from './layout.tsx';
import type { TimelineEvent } from './dossier.tsx';

const TAG: Record<PostalState, string> = {
  requested: 'govuk-tag--grey',
  ordered: 'govuk-tag--light-blue',
  registered: 'govuk-tag--blue',
  collected: 'govuk-tag--purple',
  in_transit: 'govuk-tag--yellow',
  delivered: 'govuk-tag--green',
  returned: 'govuk-tag--red',
  cancelled: 'govuk-tag--grey',
};

const label = (req: FastifyRequest, l: { vi: string; en: string }) => t(req, l.vi, l.en);

/**
 * The tracking events of a dossier's VNPost orders as timeline entries (Timeline's `events`),
 * named by what they mean (collected, in transit, delivered, returned) with the order number and
 * VNPost's own words beside.
 */
export function postalTimelineEvents(req: FastifyRequest, orders: PostalOrderView[]): TimelineEvent[] {
  return orders.flatMap((o) =>
    o.events.map((e) => ({
      at: e.at,
      title: `${t(req, 'Bưu chính', 'Post')}: ${e.state ? label(req, POSTAL_STATE_LABELS[e.state]) : e.message || e.code}`,
      lines: [
        `${t(req, 'Đơn hàng', 'Order')} ${o.orderNumber} (${label(req, POSTAL_PURPOSE_LABELS[o.purpose]).toLowerCase()})`,
        ...(e.message && e.state ? [e.message] : []),
        ...(e.posId ? [`${t(req, 'Bưu cục', 'Post office')} ${e.posId}`] : []),
      ],
    })),
  );
}

/**
 * A dossier's VNPost orders (issue 16): for each, its number, the item code once collected, the
 * state and the fee; its tracking events are in the dossier's timeline (postalTimelineEvents).
 * Nothing when there is no order.
 */
export function PostalOrders({ req, orders }: { req: FastifyRequest; orders: PostalOrderView[] }) {
  if (!orders.length) return null;
  return (
    <section aria-labelledby="postal-title" id="buu-chinh">
      <h2 class="govuk-heading-m" id="postal-title">
        {t(req, 'Vận chuyển qua bưu chính', 'Postal service')}
      </h2>
      {orders.map((o) => (
        <>
          <h3 class="govuk-heading-s">{label(req, POSTAL_PURPOSE_LABELS[o.purpose])}</h3>
          <dl class="govuk-summary-list">
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Số đơn hàng', 'Order number')}</dt>
              <dd class="govuk-summary-list__value">{o.orderNumber}</dd>
            </div>
            {o.itemCode ? (
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{t(req, 'Số hiệu bưu gửi', 'Item code')}</dt>
                <dd class="govuk-summary-list__value">{o.itemCode}</dd>
              </div>
            ) : null}
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Trạng thái', 'State')}</dt>
              <dd class="govuk-summary-list__value">
                <strong class={`govuk-tag ${TAG[o.state]}`}>{label(req, POSTAL_STATE_LABELS[o.state])}</strong>
              </dd>
            </div>
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Cước bưu chính', 'Postal fee')}</dt>
              <dd class="govuk-summary-list__value">
                {formatVnd(o.fee)}
                {o.purpose === 'delivery' ? ` ${t(req, '(trả cho nhân viên bưu chính khi nhận)', '(paid to the postman on delivery)')}` : ''}
              </dd>
            </div>
          </dl>
          {o.events.length ? null : <p class="govuk-body">{t(req, 'Chưa có thông tin hành trình từ bưu điện.', 'No tracking from the post yet.')}</p>}
        </>
      ))}
    </section>
  );
}

/**
 * The filing form's postal pickup choice (issue 16): the post collects the paper dossier from the
 * applicant's address. Offered only where VNPost is configured; the fee shows on the review page.
 */
export function PostalPickupInput({ req, checked, error }: { req: FastifyRequest; checked: boolean; error?: string }) {
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset class="govuk-fieldset" aria-describedby={`postalPickup-hint${error ? ' postalPickup-error' : ''}`}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
          <h2 class="govuk-fieldset__heading">{t(req, 'Nộp hồ sơ giấy qua bưu chính', 'Sending the paper dossier by post')}</h2>
        </legend>
        <div class="govuk-hint" id="postalPickup-hint">
          {t(
            req,
            'Bưu điện (VNPost) đến địa chỉ của bạn nhận bản giấy và chuyển đến Bộ phận Một cửa. Cước bưu chính tính theo địa chỉ, hiện ở bước Xem lại; bạn trả cho nhân viên bưu chính khi họ đến nhận.',
            'Vietnam Post (VNPost) collects the paper copies from your address and brings them to the one-stop desk. The postal fee depends on the address and shows on the review page; you pay the postman when they collect.',
          )}
        </div>
        {error ? (
          <p id="postalPickup-error" class="govuk-error-message">
            <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {error}
          </p>
        ) : null}
        <div class="govuk-checkboxes" data-module="govuk-checkboxes">
          <div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="postalPickup" name="postalPickup" type="checkbox" value="1" checked={checked} />
            <label class="govuk-label govuk-checkboxes__label" for="postalPickup">
              {t(req, 'Nhờ bưu điện đến nhận hồ sơ giấy tại địa chỉ của tôi', 'Have the post collect the paper dossier from my address')}
            </label>
          </div>
        </div>
      </fieldset>
    </div>
  );
}

/** The review page's postal fees: what each postal service chosen costs, before the applicant confirms. */
export function PostalQuote({ req, quotes }: { req: FastifyRequest; quotes: { purpose: 'pickup' | 'delivery'; fee: number }[] }) {
  if (!quotes.length) return null;
  return (
    <section aria-labelledby="postal-fee-title">
      <h2 class="govuk-heading-m" id="postal-fee-title">
        {t(req, 'Cước bưu chính', 'Postal fees')}
      </h2>
      <dl class="govuk-summary-list" id="cuoc-buu-chinh">
        {quotes.map((q) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{label(req, POSTAL_PURPOSE_LABELS[q.purpose])}</dt>
            <dd class="govuk-summary-list__value">{formatVnd(q.fee)}</dd>
          </div>
        ))}
      </dl>
      <p class="govuk-body">
        {t(
          req,
          'Cước trả trực tiếp cho nhân viên bưu chính (VNPost): khi họ đến nhận hồ sơ giấy, và khi họ giao kết quả.',
          'You pay these to the postman (VNPost): when they collect the paper dossier, and when they deliver the result.',
        )}
      </p>
    </section>
  );
}
