import type { FastifyRequest } from 'fastify';
import type { MyResult, ShareLink } from '../../../modules/results/repository.ts';
import type { MyComponent } from '../../../modules/dossiers/list-my-components.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import type { MyReceipt } from '../../../modules/payments/schemas.ts';
import { vnd } from '../../components/payments.tsx';
import { Csrf, Layout, Pagination, TableWrap, t } from '../../components/layout.tsx';
import { DigitisedHits, type HitsPage } from '../office/digitisation-search.tsx';

const STATUS: Record<MyResult['status'], [string, string, string]> = {
  valid: ['Còn hiệu lực', 'Valid', 'govuk-tag--green'],
  revoked: ['Đã thu hồi', 'Revoked', 'govuk-tag--red'],
  replaced: ['Đã thay thế', 'Replaced', 'govuk-tag--orange'],
};

/**
 * The e-data repository: every result issued to me, to download, verify, share or reuse when
 * filing; and the share links I gave out that still open, each with its own revoke button.
 */
export function RepositoryPage({
  req,
  results,
  components,
  links,
  shared,
  revoked,
  q = '',
  digitised,
  receipts,
}: {
  req: FastifyRequest;
  results: MyResult[];
  /** The receipts of the fees I paid (online or at the desk), newest first; absent where the page is not given them. */
  receipts?: MyReceipt[];
  components: MyComponent[];
  links: ShareLink[];
  /** The search over my digitised documents (OCR text and metadata), and what it found. */
  q?: string;
  digitised?: HitsPage;
  shared?: ShareLink;
  revoked?: ShareLink;
}) {
  const title = t(req, 'Kho dữ liệu điện tử của tôi', 'My e-data repository');
  return (
    <Layout req={req} area="portal" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {t(
          req,
          'Kết quả giải quyết thủ tục hành chính đã cấp cho bạn, có chữ ký số. Khi nộp hồ sơ mới, bạn có thể dùng lại các giấy tờ này thay vì tải lên lại.',
          'The digitally signed results issued to you. When you file a new dossier you can reuse them instead of uploading again.',
        )}{' '}
        <a class="govuk-link" href="/ho-so-cua-toi">
          {t(req, 'Xem hồ sơ của tôi', 'See my dossiers')}
        </a>
      </p>
      {shared ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(
                req,
                `Liên kết chia sẻ ${shared.resultCode}, hết hạn ${formatDateTime('vi', shared.expiresAt)}:`,
                `Share link for ${shared.resultCode}, expires ${formatDateTime('en', shared.expiresAt)}:`,
              )}
            </p>
            <p class="govuk-body cs-mono">{shared.url}</p>
          </div>
        </div>
      ) : null}
      {revoked ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(
                req,
                `Đã thu hồi liên kết chia sẻ ${revoked.resultCode} tạo lúc ${formatDateTime('vi', revoked.createdAt)}: liên kết không mở được nữa.`,
                `Share link for ${revoked.resultCode} made ${formatDateTime('en', revoked.createdAt)} revoked: it no longer opens.`,
              )}
            </p>
          </div>
        </div>
      ) : null}
      <h2 class="govuk-heading-m">{t(req, 'Kết quả đã được cấp', 'Results issued to me')}</h2>
      {results.length === 0 ? (
        <p class="govuk-body">{t(req, 'Chưa có kết quả nào.', 'No results yet.')}</p>
      ) : (
        <TableWrap label={title}>
          <table class="govuk-table cs-table">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Giấy tờ', 'Document')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Cơ quan cấp', 'Issuer')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Trạng thái', 'Status')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Thao tác', 'Actions')}
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {results.map((r) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">
                    <strong>{r.documentName}</strong>
                    <br />
                    <span class="cs-meta">
                      {t(req, 'Số', 'No.')} {r.number} · {t(req, 'Mã kết quả', 'Result code')} <span class="cs-mono">{r.resultCode}</span> ·{' '}
                      {r.digitisedCopy || !r.dossierCode ? (
                        <strong class="govuk-tag govuk-tag--grey">{t(req, 'Bản số hóa', 'Digitised copy')}</strong>
                      ) : (
                        <>
                          {t(req, 'Hồ sơ', 'Dossier')} <span class="cs-mono">{r.dossierCode}</span>
                        </>
                      )}
                    </span>
                  </td>
                  <td class="govuk-table__cell">
                    {r.issuer}
                    <br />
                    <span class="cs-meta">{formatDateTime(req.lang, r.issuedAt)}</span>
                  </td>
                  <td class="govuk-table__cell">
                    <strong class={`govuk-tag ${STATUS[r.status][2]}`}>{t(req, STATUS[r.status][0], STATUS[r.status][1])}</strong>
                  </td>
                  <td class="govuk-table__cell">
                    <ul class="govuk-list govuk-!-margin-bottom-1">
                      <li>
                        <a class="govuk-link" href={`/api/v1/results/${encodeURIComponent(r.resultCode)}/pdf`}>
                          {t(req, 'Tải về', 'Download')}
                          <span class="govuk-visually-hidden"> {r.resultCode}</span>
                        </a>
                      </li>
                      <li>
                        <a class="govuk-link" href={`/verify/${encodeURIComponent(r.resultCode)}`}>
                          {t(req, 'Xác minh', 'Verify')}
                          <span class="govuk-visually-hidden"> {r.resultCode}</span>
                        </a>
                      </li>
                    </ul>
                    {r.status === 'valid' ? (
                      <form method="post" action={`/kho-du-lieu/${encodeURIComponent(r.resultCode)}/chia-se`}>
                        <Csrf req={req} />
                        <input type="hidden" name="hours" value="72" />
                        <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
                          {t(req, 'Chia sẻ 3 ngày', 'Share for 3 days')}
                          <span class="govuk-visually-hidden"> {r.resultCode}</span>
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {receipts ? (
        <section aria-labelledby="bien-lai">
          <h2 class="govuk-heading-m" id="bien-lai">
            {t(req, 'Biên lai', 'Receipts')}
          </h2>
          {receipts.length === 0 ? (
            <p class="govuk-body">{t(req, 'Chưa có biên lai thu phí, lệ phí nào.', 'No receipts for fees yet.')}</p>
          ) : (
            <TableWrap label={t(req, 'Biên lai', 'Receipts')}>
              <table class="govuk-table">
                <caption class="govuk-table__caption govuk-visually-hidden">
                  {t(req, 'Biên lai điện tử thu phí, lệ phí', 'Electronic receipts for fees and charges')}
                </caption>
                <thead class="govuk-table__head">
                  <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">
                      {t(req, 'Biên lai', 'Receipt')}
                    </th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                      {t(req, 'Số tiền', 'Amount')}
                    </th>
                  </tr>
                </thead>
                <tbody class="govuk-table__body">
                  {receipts.map((r) => (
                    <tr class="govuk-table__row">
                      <td class="govuk-table__cell">
                        <a class="govuk-link" href={r.url} download>
                          {t(req, `Biên lai số ${r.number}, ký hiệu ${r.series} (PDF)`, `Receipt No. ${r.number}, series ${r.series} (PDF)`)}
                        </a>
                        <br />
                        <span class="cs-meta">
                          {r.procedureName} · {t(req, 'Hồ sơ', 'Dossier')}{' '}
                          <a class="govuk-link" href={`/ho-so-cua-toi/${encodeURIComponent(r.dossierCode)}`}>
                            {r.dossierCode}
                          </a>{' '}
                          · {formatDateTime(req.lang, r.issuedAt)}
                        </span>
                      </td>
                      <td class="govuk-table__cell govuk-table__cell--numeric">{vnd(r.amount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
      ) : null}
      <h2 class="govuk-heading-m" id="lien-ket">
        {t(req, 'Liên kết chia sẻ đang mở', 'Share links that still open')}
      </h2>
      {links.length === 0 ? (
        <p class="govuk-body">{t(req, 'Không có liên kết chia sẻ nào đang mở.', 'No share link is open.')}</p>
      ) : (
        <>
          <p class="govuk-body">
            {t(
              req,
              'Ai có liên kết đều mở được kết quả cho đến khi liên kết hết hạn. Thu hồi một liên kết nếu không muốn người nhận tiếp tục mở; các liên kết khác vẫn dùng được.',
              'Whoever holds a link can open the result until it expires. Revoke a link you no longer want its recipient to open; your other links keep working.',
            )}
          </p>
          <TableWrap label={t(req, 'Liên kết chia sẻ', 'Share links')}>
            <table class="govuk-table cs-table">
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Kết quả', 'Result')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Liên kết', 'Link')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Thời hạn', 'Valid')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Thao tác', 'Actions')}
                  </th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {links.map((l) => (
                  <tr class="govuk-table__row">
                    <td class="govuk-table__cell cs-mono">{l.resultCode}</td>
                    <td class="govuk-table__cell cs-mono">{l.url}</td>
                    <td class="govuk-table__cell cs-meta">
                      {t(req, 'Tạo', 'Made')} {formatDateTime(req.lang, l.createdAt)}
                      <br />
                      {t(req, 'Hết hạn', 'Expires')} {formatDateTime(req.lang, l.expiresAt)}
                    </td>
                    <td class="govuk-table__cell">
                      <form method="post" action={`/kho-du-lieu/lien-ket/${encodeURIComponent(l.id)}/thu-hoi`}>
                        <Csrf req={req} />
                        <button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0">
                          {t(req, 'Thu hồi', 'Revoke')}
                          <span class="govuk-visually-hidden">
                            {' '}
                            {t(
                              req,
                              `liên kết ${l.resultCode} tạo lúc ${formatDateTime('vi', l.createdAt)}`,
                              `link for ${l.resultCode} made ${formatDateTime('en', l.createdAt)}`,
                            )}
                          </span>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
      {digitised ? (
        <section aria-labelledby="so-hoa">
          <h2 class="govuk-heading-m" id="so-hoa">
            {t(req, 'Tài liệu giấy đã được số hóa', 'My paper documents, digitised')}
          </h2>
          <p class="govuk-body">
            {t(
              req,
              'Giấy tờ bạn nộp tại quầy hoặc qua bưu chính, và kết quả cấp trước đây, đã được cơ quan quét và đọc chữ. Tìm theo bất kỳ từ nào trong giấy tờ, gõ có dấu hay không dấu đều được.',
              'Papers you handed in at the counter or by post, and results issued earlier, scanned and read by the office. Search any word in them, with or without accents.',
            )}
          </p>
          <form method="get" action="/kho-du-lieu#so-hoa" role="search" class="govuk-!-margin-bottom-4">
            <div class="govuk-form-group">
              <label class="govuk-label" for="q">
                {t(req, 'Tìm trong tài liệu đã số hóa', 'Search my digitised documents')}
              </label>
              <input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value={q} />
            </div>
            <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
              {t(req, 'Tìm', 'Search')}
            </button>
          </form>
          <DigitisedHits
            req={req}
            result={digitised}
            q={q}
            level={3}
            href={(h) => `/api/v1/digitisation/items/${encodeURIComponent(h.code)}/pdf`}
            dossierHref={(c) => `/ho-so-cua-toi/${encodeURIComponent(c)}`}
          />
          <Pagination
            req={req}
            page={digitised.page}
            total={Math.min(digitised.total, 50 * digitised.pageSize)}
            pageSize={digitised.pageSize}
            href={(n) => `/kho-du-lieu?${new URLSearchParams({ q, page: String(n) })}#so-hoa`}
          />
        </section>
      ) : null}
      <h2 class="govuk-heading-m">{t(req, 'Giấy tờ đã số hóa trong hồ sơ của tôi', 'Digitised documents in my dossiers')}</h2>
      {components.length === 0 ? (
        <p class="govuk-body">{t(req, 'Chưa có giấy tờ nào.', 'None yet.')}</p>
      ) : (
        <TableWrap label={t(req, 'Giấy tờ đã số hóa', 'Digitised documents')}>
          <table class="govuk-table cs-table">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Giấy tờ', 'Document')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Hồ sơ', 'Dossier')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Siêu dữ liệu', 'Metadata')}
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {components.map((c) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">
                    {c.name}
                    <br />
                    {c.ownUpload && c.uploadId ? (
                      <a class="govuk-link" href={`/api/v1/uploads/${c.uploadId}`}>
                        {c.fileName}
                      </a>
                    ) : (
                      <span class="cs-meta">{c.fileName}</span>
                    )}
                    {c.reused ? <strong class="govuk-tag govuk-tag--turquoise govuk-!-margin-left-1">{t(req, 'Dùng lại', 'Reused')}</strong> : null}
                  </td>
                  <td class="govuk-table__cell">
                    <a class="govuk-link cs-mono" href={`/ho-so-cua-toi/${encodeURIComponent(c.dossierCode)}`}>
                      {c.dossierCode}
                    </a>
                    <br />
                    <span class="cs-meta">{c.procedureName}</span>
                  </td>
                  <td class="govuk-table__cell cs-meta">
                    {formatDateTime(req.lang, c.addedAt)} · {c.size ? `${Math.ceil(c.size / 1024)} KB` : ''}
                    <br />
                    <span class="cs-mono">SHA-256 {c.sha256?.slice(0, 16)}…</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}
