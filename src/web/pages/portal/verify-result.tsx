import type { FastifyRequest } from 'fastify';
import type { PublicResult } from '../../../modules/results/schemas.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { Layout, t } from '../../components/layout.tsx';

const STATUS: Record<PublicResult['status'], [string, string, string]> = {
  valid: ['Còn hiệu lực', 'Valid', 'govuk-tag--green'],
  revoked: ['Đã bị thu hồi', 'Revoked', 'govuk-tag--red'],
  replaced: ['Đã được thay thế', 'Replaced', 'govuk-tag--orange'],
};
const EVENT: Record<string, [string, string]> = { issued: ['Cấp', 'Issued'], revoked: ['Thu hồi', 'Revoked'], replaced: ['Thay thế', 'Replaced'] };

/** Public verification of a result by its code: anyone holding the paper or the QR code can check it. */
export function VerifyResultPage({ req, code, r }: { req: FastifyRequest; code: string; r: PublicResult | null }) {
  const title = t(req, 'Xác minh kết quả giải quyết thủ tục hành chính', 'Verify an administrative result');
  const row = (k: string, v: unknown) => <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{k}</dt><dd class="govuk-summary-list__value">{v as string}</dd></div>;
  return (
    <Layout req={req} area="portal" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      {r ? (
        <>
          <p class="govuk-body-l"><strong class={`govuk-tag ${STATUS[r.status][2]}`}>{t(req, STATUS[r.status][0], STATUS[r.status][1])}</strong></p>
          <dl class="govuk-summary-list">
            {row(t(req, 'Mã kết quả', 'Result code'), <span class="cs-mono">{r.resultCode}</span>)}
            {row(t(req, 'Tên giấy tờ', 'Document'), r.documentName)}
            {row(t(req, 'Số, ký hiệu', 'Number'), r.number)}
            {row(t(req, 'Cơ quan cấp', 'Issued by'), r.issuer)}
            {row(t(req, 'Ngày cấp', 'Issued on'), formatDateTime(req.lang, r.issuedAt))}
            {row(t(req, 'Mã băm SHA-256 của tệp', 'SHA-256 of the file'), <span class="cs-mono">{r.sha256}</span>)}
            {r.replacedBy ? row(t(req, 'Được thay thế bởi', 'Replaced by'), <a class="govuk-link cs-mono" href={`/verify/${encodeURIComponent(r.replacedBy)}`}>{r.replacedBy}</a>) : null}
          </dl>
          <h2 class="govuk-heading-m">{t(req, 'Lịch sử', 'History')}</h2>
          <ul class="govuk-list">
            {r.history.map((h) => (
              <li>{formatDateTime(req.lang, h.at)} — {t(req, ...(EVENT[h.event] ?? [h.event, h.event]))}{h.reason ? `: ${h.reason}` : ''}</li>
            ))}
          </ul>
        </>
      ) : (
        <div class="govuk-warning-text" role="status">
          <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text">{t(req, `Không có kết quả nào mang mã ${code}.`, `No result has the code ${code}.`)}</strong>
        </div>
      )}
    </Layout>
  );
}
