import type { FastifyRequest } from 'fastify';
import type { DossierView } from '../../modules/dossiers/schemas.ts';
import type { PaymentView } from '../../modules/payments/schemas.ts';
import { formatDateTime } from '../../platform/i18n/index.ts';
import { t } from './layout.tsx';

/**
 * What the payment pages of the portal and the back office say alike (issue 14): a payment's
 * state, the amount as the citizen's documents write it, and the cells the officials' payment
 * tables share. The tables themselves stay with their pages: the citizen's fits a phone in two
 * columns, the dossier's and the ledger's columns differ (the ledger names the dossier and
 * shows a state only when it is not "paid").
 */

const money = new Intl.NumberFormat('vi-VN');
/**
 * "1.005.000 đồng": the figures as Vietnamese documents write them (the receipt prints the
 * same), on the citizen's pages. The officials' pages write the shorter "1.005.000 đ"
 * (`formatVnd`, platform/i18n) in their dense tables.
 */
export const vnd = (n: number) => `${money.format(n)} đồng`;

/**
 * Whether a dossier's fees section (the official's and the applicant's) has anything to show:
 * something owed now, a payment made or tried, or an amount paid. A dossier that never owed
 * anything has none.
 */
export const hasFees = (fees: DossierView['fees'], payments: PaymentView[]) => Boolean(fees.due || payments.length || fees.paid);

/** A payment's state on a tag, and (lower-cased) inside a sentence: the same words on every page. */
export const PAYMENT_STATES: Record<PaymentView['state'], [string, string, string]> = {
  pending: ['Đang chờ xác nhận', 'Awaiting confirmation', 'govuk-tag--yellow'],
  success: ['Đã thanh toán', 'Paid', 'govuk-tag--green'],
  failed: ['Không thành công', 'Failed', 'govuk-tag--red'],
  expired: ['Hết hạn', 'Expired', 'govuk-tag--grey'],
};

export function PaymentStateTag({ req, state }: { req: FastifyRequest; state: PaymentView['state'] }) {
  const [vi, en, tag] = PAYMENT_STATES[state];
  return <strong class={`govuk-tag ${tag}`}>{t(req, vi, en)}</strong>;
}

/**
 * How a payment was made, in the officials' words ("tại quầy"). The citizen's pages name the
 * one-stop desk in full (`payment-fees.tsx`), as the receipt does.
 */
const OFFICE_PAYMENT_METHODS: Record<PaymentView['method'], [string, string]> = {
  online: ['Trực tuyến', 'Online'],
  cash: ['Tiền mặt tại quầy', 'Cash at the desk'],
  card: ['Thẻ tại quầy', 'Card at the desk'],
};
export const paymentMethodText = (req: FastifyRequest, m: PaymentView['method']) => t(req, ...OFFICE_PAYMENT_METHODS[m]);

/** The officials' "when" cell: settled (or started) at, and the reference the platform and the statement know the payment by. */
export function PaymentWhen({ req, p }: { req: FastifyRequest; p: Pick<PaymentView, 'settledAt' | 'createdAt' | 'reference'> }) {
  return (
    <td class="govuk-table__cell">
      {formatDateTime(req.lang, p.settledAt ?? p.createdAt)}
      <br />
      <span class="cs-mono govuk-body-s">{p.reference}</span>
    </td>
  );
}

/** A payment made twice, or for a request since replaced: a finance officer refunds it. */
export function RefundDueTag({ req }: { req: FastifyRequest }) {
  return <strong class="govuk-tag govuk-tag--orange">{t(req, 'Cần hoàn trả', 'To be refunded')}</strong>;
}

/**
 * The officials' receipt cell: a link to the receipt's PDF, or a dash before one is issued. The
 * ledger's narrow column, headed "Biên lai", shows the series and number alone (`short`); the
 * dossier's names the receipt in full.
 */
export function ReceiptCell({ req, receipt, short = false }: { req: FastifyRequest; receipt: PaymentView['receipt']; short?: boolean }) {
  return (
    <td class="govuk-table__cell">
      {receipt ? (
        <a class="govuk-link" href={receipt.url}>
          {short
            ? `${receipt.series} ${receipt.number}`
            : t(req, `Biên lai ${receipt.series} số ${receipt.number}`, `Receipt ${receipt.series} no. ${receipt.number}`)}
          <span class="govuk-visually-hidden"> {short ? t(req, '(biên lai PDF)', '(receipt, PDF)') : '(PDF)'}</span>
        </a>
      ) : (
        '—'
      )}
    </td>
  );
}
