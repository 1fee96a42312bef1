import type { FastifyRequest } from 'fastify';
import type { PublicReceipt } from '../../../modules/payments/verify-receipt.ts';
import { formatDateTime, vndInWords } from '../../../platform/i18n/index.ts';
import { Layout, t, WarningText } from '../../components/layout.tsx';
import { vnd } from './payment-fees.tsx';

const METHOD: Record<PublicReceipt['method'], [string, string]> = {
  online: ['Trực tuyến, qua Nền tảng thanh toán', 'Online, through the payment platform'],
  cash: ['Tiền mặt tại bộ phận một cửa', 'Cash at the one-stop desk'],
  card: ['Thẻ tại bộ phận một cửa', 'Card at the one-stop desk'],
};

/** The receipt's "Số tiền bằng chữ"; nothing for an amount outside the words' range (the figures stand alone then). */
function inWords(n: number): string | null {
  try {
    return vndInWords(n);
  } catch {
    return null; // vndInWords refuses only amounts no fee schedule can produce (over 999 tỷ)
  }
}

/**
 * `/bien-lai/{id}`, where a receipt's QR code leads: anyone holding the receipt checks that the
 * system issued it, and reads what it says that names no one (see verifyReceipt). With an id
 * that matches no receipt, a plain "not found" (the route answers 404).
 */
export function ReceiptVerifyPage({ req, r }: { req: FastifyRequest; r: PublicReceipt | null }) {
  const title = t(req, 'Xác minh biên lai thu phí, lệ phí', 'Verify a receipt of fees and charges');
  if (!r)
    return (
      <Layout req={req} area="portal" title={`${t(req, 'Không tìm thấy biên lai', 'Receipt not found')}: ${title}`}>
        <h1 class="govuk-heading-l">{t(req, 'Không tìm thấy biên lai', 'Receipt not found')}</h1>
        <WarningText req={req} id="receipt-not-found">
          {t(
            req,
            'Hệ thống không có biên lai nào ứng với địa chỉ này. Biên lai có mã QR dẫn tới đây không phải do hệ thống cấp, hoặc địa chỉ đã bị sửa.',
            'The system holds no receipt for this address. A receipt whose QR code leads here was not issued by the system, or the address was altered.',
          )}
        </WarningText>
        <p class="govuk-body">
          {t(
            req,
            'Hãy quét lại mã QR in trên biên lai, hoặc liên hệ đơn vị thu tiền ghi trên biên lai.',
            'Scan the QR code on the receipt again, or contact the collecting unit named on the receipt.',
          )}
        </p>
      </Layout>
    );

  const words = inWords(r.total);
  const refundedAll = r.refunded > 0 && r.refunded >= r.total;
  const row = (k: string, v: unknown, id?: string) => (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{k}</dt>
      <dd class="govuk-summary-list__value" id={id}>
        {v as string}
      </dd>
    </div>
  );
  return (
    <Layout req={req} area="portal" title={`${title} ${r.series} ${r.number}`}>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body-l" id="receipt-status">
        {r.valid ? (
          <strong class="govuk-tag govuk-tag--green">{t(req, 'Biên lai hợp lệ, do hệ thống cấp', 'Valid receipt, issued by the system')}</strong>
        ) : (
          <strong class="govuk-tag govuk-tag--red">{t(req, 'Biên lai không còn hợp lệ', 'The receipt is no longer valid')}</strong>
        )}
      </p>
      <dl class="govuk-summary-list" id="receipt">
        {row(t(req, 'Ký hiệu mẫu', 'Template code'), <span class="cs-mono">{r.templateCode}</span>)}
        {row(t(req, 'Ký hiệu', 'Series'), <span class="cs-mono">{r.series}</span>)}
        {row(t(req, 'Số', 'Number'), <span class="cs-mono">{r.number}</span>)}
        {row(t(req, 'Ngày lập', 'Issued on'), formatDateTime(req.lang, r.issuedAt))}
        {row(t(req, 'Đơn vị thu', 'Collecting unit'), r.unitNameEn && req.lang === 'en' ? r.unitNameEn : r.unitName)}
        {row(
          t(req, 'Mã hồ sơ', 'Dossier code'),
          <a class="govuk-link cs-mono" href={`/tra-cuu/${encodeURIComponent(r.dossierCode)}`}>
            {r.dossierCode}
          </a>,
        )}
        {row(t(req, 'Thủ tục hành chính', 'Administrative procedure'), r.procedureName)}
        {row(t(req, 'Hình thức thu', 'Paid by'), t(req, METHOD[r.method][0], METHOD[r.method][1]))}
        {row(t(req, 'Tổng số tiền', 'Total'), <strong>{vnd(r.total)}</strong>, 'receipt-total')}
        {words ? row(t(req, 'Số tiền bằng chữ', 'In words (as printed, in Vietnamese)'), <span lang="vi">{words}</span>, 'receipt-words') : null}
        {row(
          t(req, 'Hoàn trả', 'Refund'),
          r.refunded > 0
            ? refundedAll
              ? t(req, `Đã hoàn trả toàn bộ (${vnd(r.refunded)})`, `Paid back in full (${vnd(r.refunded)})`)
              : t(req, `Đã hoàn trả một phần: ${vnd(r.refunded)}`, `Partly paid back: ${vnd(r.refunded)}`)
            : t(req, 'Không có', 'None recorded'),
          'receipt-refund',
        )}
        {row(t(req, 'Mã băm SHA-256 của tệp biên lai', 'SHA-256 of the receipt file'), <span class="cs-mono">{r.sha256}</span>)}
      </dl>
      <p class="govuk-body">
        {t(
          req,
          'Trang này không hiển thị thông tin cá nhân của người nộp tiền (họ tên, số định danh, địa chỉ): hãy đối chiếu các thông tin đó trên biên lai.',
          'This page shows nothing personal about the payer (name, identification number, address): check those on the receipt itself.',
        )}
      </p>
    </Layout>
  );
}
