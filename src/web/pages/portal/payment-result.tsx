import type { FastifyRequest } from 'fastify';
import type { PaymentView } from '../../../modules/payments/schemas.ts';
import { Layout, t } from '../../components/layout.tsx';
import { statusText } from './dossier-mine.tsx';
import { vnd } from '../../components/payments.tsx';
import { PayButton, receiptLabel } from './payment-fees.tsx';

/** What the return page knows about the payment: always its state; the rest when the reader may see it. */
export interface PaymentOutcome {
  state: PaymentView['state'];
  paymentId: string | null;
  dossierCode: string | null;
  amount: number | null;
  receipt: { url: string; series: string; number: string } | null;
  /** The dossier's status now (its applicant only). */
  dossierStatus: string | null;
  /** The dossier still owes a fee: a new attempt can be started from here. */
  canRetry: boolean;
}

const dossierUrl = (code: string) => `/ho-so-cua-toi/${encodeURIComponent(code)}`;

function DossierLink({ req, code }: { req: FastifyRequest; code: string }) {
  return (
    <a class="govuk-link" href={dossierUrl(code)}>
      {t(req, `Xem hồ sơ ${code}`, `View dossier ${code}`)}
    </a>
  );
}

/**
 * The page the payer's browser comes back to from the payment platform (`/thanh-toan/ket-qua`):
 * paid (with the receipt and the dossier), failed (with a button to try again), or not yet
 * known. While not known, htmx asks again every few seconds and swaps in the answer; without
 * JavaScript the refresh link does the same.
 */
export function PaymentResultPage({ req, o, refreshUrl, signedIn }: { req: FastifyRequest; o: PaymentOutcome; refreshUrl: string; signedIn: boolean }) {
  const title =
    o.state === 'success'
      ? t(req, 'Thanh toán thành công', 'Payment successful')
      : o.state === 'pending'
        ? t(req, 'Đang chờ xác nhận thanh toán', 'Waiting for the payment to be confirmed')
        : t(req, 'Thanh toán không thành công', 'The payment did not go through');
  const polling = o.state === 'pending';
  return (
    <Layout req={req} area="portal" title={title}>
      {/* The live region stays; what htmx swaps in below it is announced. */}
      <div aria-live="polite">
        <div
          id="payment-result"
          {...(polling ? { 'hx-get': refreshUrl, 'hx-trigger': 'every 3s', 'hx-select': '#payment-result', 'hx-swap': 'outerHTML' } : {})}
        >
          {o.state === 'success' ? (
            <div class="govuk-panel govuk-panel--confirmation">
              <h1 class="govuk-panel__title">{title}</h1>
              {o.amount !== null ? (
                <div class="govuk-panel__body">
                  {t(req, 'Số tiền', 'Amount')}
                  <br />
                  <strong>{vnd(o.amount)}</strong>
                </div>
              ) : null}
            </div>
          ) : (
            <h1 class="govuk-heading-l">{title}</h1>
          )}

          {o.state === 'success' ? (
            <>
              <p class="govuk-body">
                {o.dossierStatus === 'unpaid' || !o.dossierStatus
                  ? t(req, 'Khoản phí, lệ phí của hồ sơ đã được ghi nhận.', 'The fee for the dossier has been recorded.')
                  : t(
                      req,
                      `Khoản phí, lệ phí của hồ sơ đã được ghi nhận. Trạng thái hồ sơ: ${statusText(req, o.dossierStatus)}.`,
                      `The fee for the dossier has been recorded. The dossier is now: ${statusText(req, o.dossierStatus)}.`,
                    )}
              </p>
              {o.dossierStatus === 'submitted' ? (
                <p class="govuk-body">
                  {t(
                    req,
                    'Hồ sơ đã được gửi đến cơ quan giải quyết; thời hạn giải quyết được tính từ ngày tiếp nhận.',
                    'The dossier has been sent to the agency; the time limit runs from the day it is received.',
                  )}
                </p>
              ) : null}
              <ul class="govuk-list">
                {o.receipt ? (
                  <li>
                    <a class="govuk-link" href={o.receipt.url} download>
                      {receiptLabel(req, o.receipt)}
                    </a>
                  </li>
                ) : null}
                {o.dossierCode ? (
                  <li>
                    <DossierLink req={req} code={o.dossierCode} />
                  </li>
                ) : null}
                {signedIn ? (
                  <li>
                    <a class="govuk-link" href="/kho-du-lieu">
                      {t(req, 'Biên lai cũng có trong Kho dữ liệu của tôi', 'The receipt is also in my repository')}
                    </a>
                  </li>
                ) : null}
              </ul>
            </>
          ) : o.state === 'pending' ? (
            <>
              <p class="govuk-body">
                {t(
                  req,
                  'Nền tảng thanh toán chưa báo kết quả giao dịch. Bạn không cần thanh toán lại: kết quả được cập nhật tự động khi ngân hàng xác nhận, và hồ sơ được giải quyết tiếp ngay sau đó.',
                  'The payment platform has not reported the result yet. You need not pay again: the result is updated as soon as the bank confirms, and the dossier moves on right after.',
                )}
              </p>
              <p class="govuk-body">
                <a class="govuk-link" href={refreshUrl}>
                  {t(req, 'Tải lại để xem kết quả', 'Refresh to see the result')}
                </a>
              </p>
            </>
          ) : (
            <>
              <p class="govuk-body">
                {o.state === 'expired'
                  ? t(
                      req,
                      'Giao dịch đã hết hạn mà không được thanh toán. Bạn chưa bị thu tiền cho giao dịch này.',
                      'The payment expired without being paid. You have not been charged for it.',
                    )
                  : t(
                      req,
                      'Ngân hàng hoặc ví điện tử đã từ chối giao dịch. Bạn chưa bị thu tiền cho giao dịch này.',
                      'The bank or e-wallet refused the payment. You have not been charged for it.',
                    )}
              </p>
              {o.canRetry && o.dossierCode ? (
                <>
                  <p class="govuk-body">
                    {t(req, 'Bạn có thể thanh toán lại, với cùng ngân hàng hoặc một ngân hàng khác.', 'You can try again, with the same bank or another.')}
                  </p>
                  <PayButton req={req} code={o.dossierCode} label={t(req, 'Thanh toán lại', 'Try again')} />
                </>
              ) : null}
            </>
          )}
          {/* Paid, the dossier's link is in the list above; otherwise it is the way on. */}
          {o.state !== 'success' && o.dossierCode ? (
            <p class="govuk-body">
              <DossierLink req={req} code={o.dossierCode} />
            </p>
          ) : null}
          {!signedIn && o.dossierCode ? (
            <p class="govuk-body">
              <a class="govuk-link" href={`/dang-nhap?next=${encodeURIComponent(dossierUrl(o.dossierCode))}`}>
                {t(req, 'Đăng nhập để xem hồ sơ và tải biên lai', 'Sign in to see the dossier and download the receipt')}
              </a>
            </p>
          ) : null}
        </div>
      </div>
    </Layout>
  );
}

/**
 * When no payment can be shown or started: the platform's answer could not be trusted, the
 * dossier owes nothing, the platform is not answering. Says what happened and where to go.
 */
export function PaymentProblemPage({
  req,
  title,
  message,
  dossierCode,
  signIn,
}: {
  req: FastifyRequest;
  title: string;
  message: string;
  dossierCode?: string | null;
  /** Where signing in leads back to, when the reader is not signed in. */
  signIn?: string;
}) {
  return (
    <Layout req={req} area="portal" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">{message}</p>
      <ul class="govuk-list">
        {signIn ? (
          <li>
            <a class="govuk-link" href={`/dang-nhap?next=${encodeURIComponent(signIn)}`}>
              {t(req, 'Đăng nhập để xem kết quả thanh toán', 'Sign in to see how the payment went')}
            </a>
          </li>
        ) : null}
        {dossierCode ? (
          <li>
            <DossierLink req={req} code={dossierCode} />
          </li>
        ) : null}
        <li>
          <a class="govuk-link" href="/ho-so-cua-toi">
            {t(req, 'Hồ sơ của tôi', 'My dossiers')}
          </a>
        </li>
      </ul>
    </Layout>
  );
}
