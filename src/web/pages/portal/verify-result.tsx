import type { FastifyRequest } from 'fastify';
import type { PublicResult } from '../../../modules/results/schemas.ts';
import { describeSignatureProblem, type FileVerification } from '../../../modules/results/verify-result-file.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { ErrorSummary, Layout, t } from '../../components/layout.tsx';

const STATUS: Record<PublicResult['status'], [string, string, string]> = {
  valid: ['Còn hiệu lực', 'Valid', 'govuk-tag--green'],
  revoked: ['Đã bị thu hồi', 'Revoked', 'govuk-tag--red'],
  replaced: ['Đã được thay thế', 'Replaced', 'govuk-tag--orange'],
};
const EVENT: Record<string, [string, string]> = { issued: ['Cấp', 'Issued'], revoked: ['Thu hồi', 'Revoked'], replaced: ['Thay thế', 'Replaced'] };
const KIND: Record<PublicResult['kind'], [string, string]> = {
  certificate: ['Giấy chứng nhận, xác nhận', 'Certificate'],
  licence: ['Giấy phép', 'Licence'],
  written_reply: ['Văn bản trả lời', 'Written reply'],
  refusal_decision: ['Quyết định từ chối', 'Refusal decision'],
  certified_copy: ['Bản sao điện tử có chứng thực', 'Certified electronic copy'],
  legacy: ['Kết quả cấp trước khi có hệ thống, đã số hóa', 'Result issued before the system, digitised'],
};
/** A signature's problem in the page's language; never the checker's own English. */
const problemOf = (req: FastifyRequest, s: FileVerification['signatures'][number]) => {
  const p = s.problemText ?? describeSignatureProblem(s.problem ?? '');
  return t(req, p.vi, p.en);
};
/** Statuses of results as the page's language says them, for pages that list results. */
export const resultStatusText = (req: FastifyRequest, status: string) =>
  STATUS[status as PublicResult['status']]
    ? t(req, STATUS[status as PublicResult['status']][0], STATUS[status as PublicResult['status']][1])
    : t(req, 'Không rõ', 'Unknown');
const kindOf = (req: FastifyRequest, r: PublicResult) => t(req, ...(KIND[r.kind] ?? ['Giấy tờ khác', 'Other document']));
/** The procedure as the public catalogue names it, with its code. */
const procedureOf = (r: PublicResult) => (r.procedureName ? `${r.procedureName} (${r.procedureCode})` : r.procedureCode);
const isoDate = (req: FastifyRequest, d: string) => (req.lang === 'en' ? d : d.split('-').reverse().join('/'));

/**
 * Public verification of a result by its code: anyone holding the paper or the QR code can
 * check it. It shows only what names no one (see getPublicResult): the holder reads the
 * document's own name on the paper in their hand.
 */
export function VerifyResultPage({
  req,
  code,
  r,
  issuerEn,
}: {
  req: FastifyRequest;
  code: string;
  r: PublicResult | null /** The issuing unit's English name, when the organisation records one. */;
  issuerEn?: string | null;
}) {
  const title = t(req, 'Xác minh kết quả giải quyết thủ tục hành chính', 'Verify an administrative result');
  const row = (k: string, v: unknown) => (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{k}</dt>
      <dd class="govuk-summary-list__value">{v as string}</dd>
    </div>
  );
  return (
    <Layout req={req} area="portal" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      {r ? (
        <>
          <p class="govuk-body-l">
            <strong class={`govuk-tag ${STATUS[r.status][2]}`}>{t(req, STATUS[r.status][0], STATUS[r.status][1])}</strong>
          </p>
          {r.digitisedCopy ? (
            <div class="govuk-inset-text" id="digitised-copy">
              <strong>{t(req, 'Bản số hóa', 'Digitised copy')}</strong>:{' '}
              {t(
                req,
                'đây là bản quét của giấy tờ giấy cấp trước khi có hệ thống, đã được cơ quan nhà nước số hóa và đăng ký, không phải bản gốc điện tử do hệ thống cấp.',
                'a scan of a paper document issued before the system, digitised and registered by a public body; not an electronically issued original.',
              )}
            </div>
          ) : null}
          <dl class="govuk-summary-list">
            {row(t(req, 'Mã kết quả', 'Result code'), <span class="cs-mono">{r.resultCode}</span>)}
            {row(t(req, 'Loại giấy tờ', 'Kind of document'), kindOf(req, r))}
            {r.procedureCode ? row(t(req, 'Thủ tục hành chính', 'Administrative procedure'), procedureOf(r)) : null}
            {row(t(req, 'Số, ký hiệu', 'Number'), r.number || '—')}
            {row(t(req, 'Cơ quan cấp', 'Issued by'), t(req, r.issuer, issuerEn ?? r.issuer))}
            {r.originalIssueDate ? row(t(req, 'Ngày cấp (bản giấy)', 'Issued on (paper)'), isoDate(req, r.originalIssueDate)) : null}
            {r.digitisedCopy
              ? row(t(req, 'Có giá trị đến', 'Valid until'), r.validUntil ? isoDate(req, r.validUntil) : t(req, 'Không thời hạn', 'No limit'))
              : null}
            {row(
              r.digitisedCopy ? t(req, 'Ngày đăng ký bản số hóa', 'Digitised copy registered on') : t(req, 'Ngày cấp', 'Issued on'),
              formatDateTime(req.lang, r.issuedAt),
            )}
            {r.revokedAt
              ? row(
                  r.status === 'replaced' ? t(req, 'Ngày thay thế', 'Replaced on') : t(req, 'Ngày thu hồi', 'Revoked on'),
                  formatDateTime(req.lang, r.revokedAt),
                )
              : null}
            {row(t(req, 'Mã băm SHA-256 của tệp', 'SHA-256 of the file'), <span class="cs-mono">{r.sha256}</span>)}
            {r.replacedBy
              ? row(
                  t(req, 'Được thay thế bởi', 'Replaced by'),
                  <a class="govuk-link cs-mono" href={`/verify/${encodeURIComponent(r.replacedBy)}`}>
                    {r.replacedBy}
                  </a>,
                )
              : null}
          </dl>
          <h2 class="govuk-heading-m">{t(req, 'Lịch sử', 'History')}</h2>
          <ul class="govuk-list">
            {r.history.map((h) => (
              <li>
                {formatDateTime(req.lang, h.at)} — {t(req, ...(EVENT[h.event] ?? ['Sự kiện khác', 'Other event']))}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <div class="govuk-warning-text" role="status">
          <span class="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <strong class="govuk-warning-text__text">{t(req, `Không có kết quả nào mang mã ${code}.`, `No result has the code ${code}.`)}</strong>
        </div>
      )}
      <p class="govuk-body">
        <a class="govuk-link" href="/xac-minh">
          {t(req, 'Kiểm tra một tệp PDF', 'Check a PDF file')}
        </a>
      </p>
    </Layout>
  );
}

/**
 * `/xac-minh`: upload a PDF and learn whether it is a result we issued and whether its
 * signatures are intact. A plain multipart form: works without JavaScript.
 */
export function VerifyFilePage({
  req,
  v,
  error,
  issuerEn,
}: {
  req: FastifyRequest;
  v?: FileVerification;
  error?: { vi: string; en: string };
  issuerEn?: string | null;
}) {
  const title = t(req, 'Kiểm tra tệp kết quả', 'Check a result file');
  const err = error ? t(req, error.vi, error.en) : undefined;
  const row = (k: string, val: unknown) => (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{k}</dt>
      <dd class="govuk-summary-list__value">{val as string}</dd>
    </div>
  );
  const r = v?.result;
  return (
    <Layout req={req} area="portal" title={err ? `${t(req, 'Lỗi', 'Error')}: ${title}` : title}>
      <ErrorSummary req={req} errors={err ? [{ href: '#file', text: err }] : []} />
      <h1 class="govuk-heading-l">{title}</h1>
      {v ? (
        <section aria-labelledby="kq-title">
          <h2 class="govuk-heading-m" id="kq-title">
            {t(req, 'Kết quả kiểm tra', 'Outcome')}
          </h2>
          <dl class="govuk-summary-list">
            {row(
              t(req, 'Kết quả đã đăng ký', 'Registered result'),
              v.registered ? (
                <strong class="govuk-tag govuk-tag--green">{t(req, 'Có: tệp trùng khớp với kết quả đã cấp', 'Yes: the file matches an issued result')}</strong>
              ) : (
                <strong class="govuk-tag govuk-tag--red">
                  {t(req, 'Không: tệp không trùng với kết quả nào đã cấp', 'No: the file matches no issued result')}
                </strong>
              ),
            )}
            {r
              ? row(
                  t(req, 'Tình trạng', 'Status'),
                  <strong class={`govuk-tag ${STATUS[r.status][2]}`}>{t(req, STATUS[r.status][0], STATUS[r.status][1])}</strong>,
                )
              : null}
            {r ? row(t(req, 'Loại giấy tờ', 'Kind of document'), kindOf(req, r)) : null}
            {r ? row(t(req, 'Thủ tục hành chính', 'Administrative procedure'), procedureOf(r)) : null}
            {r ? row(t(req, 'Cơ quan cấp', 'Issued by'), t(req, r.issuer, issuerEn ?? r.issuer)) : null}
            {r
              ? row(
                  t(req, 'Mã kết quả', 'Result code'),
                  <a class="govuk-link cs-mono" href={`/verify/${encodeURIComponent(r.resultCode)}`}>
                    {r.resultCode}
                  </a>,
                )
              : null}
            {row(
              t(req, 'Chữ ký số', 'Digital signatures'),
              v.signaturesIntact ? (
                <strong class="govuk-tag govuk-tag--green">{t(req, 'Nguyên vẹn', 'Intact')}</strong>
              ) : (
                <strong class="govuk-tag govuk-tag--red">
                  {v.signatures.length ? t(req, 'Không nguyên vẹn', 'Not intact') : t(req, 'Tệp không có chữ ký số', 'The file is not signed')}
                </strong>
              ),
            )}
            {row(t(req, 'Mã băm SHA-256 của tệp', 'SHA-256 of the file'), <span class="cs-mono">{v.sha256}</span>)}
          </dl>
          {v.signatures.length ? (
            <>
              <h3 class="govuk-heading-s">{t(req, 'Từng chữ ký', 'Each signature')}</h3>
              <ul class="govuk-list govuk-list--bullet">
                {v.signatures.map((s) => (
                  <li>
                    <strong>{s.signer ?? t(req, '(không rõ người ký)', '(unknown signer)')}</strong>
                    {': '}
                    {t(req, s.text.vi, s.text.en)}
                    {/* The checker's words are English: only the translated text (or a general one with its code) is shown. */}
                    {s.problem ? ` (${problemOf(req, s)})` : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h2 class="govuk-heading-m">{t(req, 'Kiểm tra tệp khác', 'Check another file')}</h2>
        </section>
      ) : (
        <p class="govuk-body">
          {t(
            req,
            'Chọn tệp PDF kết quả giải quyết thủ tục hành chính để biết tệp có đúng là kết quả do cơ quan cấp hay không và các chữ ký số trên tệp có còn nguyên vẹn hay không. Tệp không được lưu lại.',
            'Choose the PDF of an administrative result to learn whether it is a result an agency issued and whether its digital signatures are intact. The file is not kept.',
          )}
        </p>
      )}
      <form method="post" action={`/xac-minh?_csrf=${encodeURIComponent(req.csrfToken)}`} enctype="multipart/form-data" novalidate>
        <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`}>
          <label class="govuk-label govuk-label--s" for="file">
            {t(req, 'Tệp kết quả (PDF)', 'Result file (PDF)')}
          </label>
          <div id="file-hint" class="govuk-hint">
            {t(req, 'Tối đa 20 MiB', 'At most 20 MiB')}
          </div>
          {err ? (
            <p id="file-error" class="govuk-error-message">
              <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err}
            </p>
          ) : null}
          <input
            class={`govuk-file-upload${err ? ' govuk-file-upload--error' : ''}`}
            id="file"
            name="file"
            type="file"
            accept="application/pdf,.pdf"
            aria-describedby={`file-hint${err ? ' file-error' : ''}`}
          />
        </div>
        <button type="submit" class="govuk-button" data-module="govuk-button">
          {t(req, 'Kiểm tra', 'Check')}
        </button>
      </form>
    </Layout>
  );
}
