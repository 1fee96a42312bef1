import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { FileView } from '../../../modules/documents/files/schemas.ts';
import type { DocumentHit, DocumentSearchResult } from '../../../modules/documents/search/schemas.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { Csrf, ErrorSummary, Layout, t, TableWrap, WarningText } from '../../components/layout.tsx';
import { DocumentHits, documentHref, KIND_LABEL } from './documents-search.tsx';
import { FILES_URL, fileUrl, FileStatusTag, retentionText, TransferDue } from './documents-files.tsx';

const DONE: Record<string, [string, string]> = {
  add: ['Đã đưa văn bản vào hồ sơ.', 'The document was added to the file.'],
  remove: ['Đã bỏ văn bản khỏi hồ sơ.', 'The document was removed from the file.'],
  close: ['Đã kết thúc hồ sơ.', 'The file was closed.'],
  create: ['Đã lập hồ sơ.', 'The file was opened.'],
};

/** A button posting one action on the file, with the version the page shows. */
function ActionForm({
  req,
  f,
  op,
  label,
  doc,
  secondary,
  q,
}: {
  req: FastifyRequest;
  f: FileView;
  op: 'add' | 'remove' | 'close';
  label: string;
  doc?: { kind: string; id: string };
  secondary?: boolean;
  q?: string;
}) {
  return (
    <form method="post" action={fileUrl(f.id)}>
      <Csrf req={req} />
      <input type="hidden" name="op" value={op} />
      <input type="hidden" name="version" value={String(f.version)} />
      {doc ? (
        <>
          <input type="hidden" name="kind" value={doc.kind} />
          <input type="hidden" name="documentId" value={doc.id} />
        </>
      ) : null}
      {q ? <input type="hidden" name="q" value={q} /> : null}
      <button type="submit" class={`govuk-button ${secondary ? 'govuk-button--secondary ' : ''}govuk-!-margin-bottom-0`} data-module="govuk-button">
        {label}
      </button>
    </form>
  );
}

/**
 * A work file: its cover data and archive warning, its documents (each removable while open),
 * the search that adds documents, the close button and the exports.
 */
export function FilePage({
  req,
  f,
  q,
  found,
  done,
  error,
}: {
  req: FastifyRequest;
  f: FileView;
  q: string;
  found: DocumentSearchResult | null;
  done?: string;
  error?: string;
}) {
  const title = `${f.code} — ${f.title}`;
  const open = f.status === 'open' && f.canChange;
  const inFile = new Set(f.documents.map((d) => `${d.kind}:${d.id}`));
  const row = (label: string, value: ComponentChildren) => (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{label}</dt>
      <dd class="govuk-summary-list__value">{value}</dd>
    </div>
  );
  const api = `/api/v1/documents/files/${encodeURIComponent(f.id)}`;
  return (
    <Layout req={req} area="office" title={title}>
      <a href={FILES_URL} class="govuk-back-link">
        {t(req, 'Hồ sơ công việc', 'Work files')}
      </a>
      <ErrorSummary req={req} errors={error ? [{ text: error }] : []} />
      {done && DONE[done] ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, DONE[done][0], DONE[done][1])}</p>
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-l">{t(req, 'Hồ sơ công việc', 'Work file')}</span>
      <h1 class="govuk-heading-l">{title}</h1>
      {f.warning ? (
        <WarningText req={req} id="archive-warning" role="status">
          {f.warning === 'overdue'
            ? t(
                req,
                `Hồ sơ đã quá hạn nộp vào Lưu trữ cơ quan ${-f.daysToTransfer} ngày (hạn ${formatDate('vi', f.transferDue)}).`,
                `The file is ${-f.daysToTransfer} days past its due date for the agency's archive (${formatDate('en', f.transferDue)}).`,
              )
            : t(
                req,
                `Hồ sơ đến hạn nộp vào Lưu trữ cơ quan sau ${f.daysToTransfer} ngày (hạn ${formatDate('vi', f.transferDue)}).`,
                `The file is due for the agency's archive in ${f.daysToTransfer} days (${formatDate('en', f.transferDue)}).`,
              )}
        </WarningText>
      ) : null}
      <dl class="govuk-summary-list" id="file-cover">
        {row(t(req, 'Đơn vị', 'Unit'), f.unitName)}
        {row(t(req, 'Năm', 'Year'), String(f.year))}
        {row(t(req, 'Thời hạn bảo quản', 'Retention'), retentionText(req, f.retentionYears))}
        {row(t(req, 'Người lập hồ sơ', 'Kept by'), f.responsible.name)}
        {row(t(req, 'Trạng thái', 'Status'), <FileStatusTag req={req} status={f.status} />)}
        {f.closedAt ? row(t(req, 'Ngày kết thúc', 'Closed on'), formatDateTime(req.lang, f.closedAt)) : null}
        {row(t(req, 'Hạn nộp lưu', 'Due for the archive'), <TransferDue req={req} f={f} />)}
      </dl>
      <p class="govuk-body">
        {t(req, 'Tải về: ', 'Download: ')}
        <a class="govuk-link" href={`${api}/pdf`}>
          {t(req, 'Mục lục hồ sơ (PDF)', 'File and contents (PDF)')}
        </a>
        {' · '}
        <a class="govuk-link" href={`${api}/xml`} download>
          {t(req, 'Dữ liệu hồ sơ (XML)', 'File data (XML)')}
        </a>
      </p>

      <h2 class="govuk-heading-m">{t(req, `Văn bản trong hồ sơ (${f.documents.length})`, `Documents in the file (${f.documents.length})`)}</h2>
      {f.documents.length ? (
        <TableWrap label={t(req, 'Văn bản trong hồ sơ', 'Documents in the file')}>
          <table class="govuk-table" id="file-documents">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Số, ký hiệu', 'Number')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Trích yếu', 'Subject')}
                </th>
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Ngày, cơ quan', 'Date, agency')}
                </th>
                {open ? (
                  <th scope="col" class="govuk-table__header">
                    <span class="govuk-visually-hidden">{t(req, 'Thao tác', 'Actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {f.documents.map((d) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell cs-mono">{d.numberNotation ?? ''}</td>
                  <td class="govuk-table__cell">
                    <a class="govuk-link" href={documentHref(d)}>
                      {d.subject || t(req, '(văn bản không còn trong chỉ mục)', '(no longer in the index)')}
                    </a>
                    <br />
                    <span class="govuk-body-s cs-meta">{t(req, KIND_LABEL[d.kind][0], KIND_LABEL[d.kind][1])}</span>
                  </td>
                  <td class="govuk-table__cell">
                    {d.date ? formatDate(req.lang, d.date) : ''}
                    {d.organ ? (
                      <>
                        <br />
                        {d.organ}
                      </>
                    ) : null}
                  </td>
                  {open ? (
                    <td class="govuk-table__cell">
                      <ActionForm req={req} f={f} op="remove" doc={d} secondary label={t(req, 'Bỏ khỏi hồ sơ', 'Remove')} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p class="govuk-body">{t(req, 'Hồ sơ chưa có văn bản nào.', 'The file has no documents yet.')}</p>
      )}

      {open ? (
        <>
          <h2 class="govuk-heading-m" id="add">
            {t(req, 'Thêm văn bản vào hồ sơ', 'Add documents')}
          </h2>
          <form method="get" action={`${fileUrl(f.id)}#add`} role="search" class="govuk-!-margin-bottom-4">
            <div class="govuk-form-group">
              <label class="govuk-label" for="q">
                {t(req, 'Tìm văn bản (số, ký hiệu, trích yếu, nội dung; không cần dấu)', 'Find documents (number, subject, text; accents optional)')}
              </label>
              <input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value={q} />
            </div>
            <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
              {t(req, 'Tìm', 'Search')}
            </button>
          </form>
          {found ? (
            <DocumentHits
              req={req}
              result={found}
              q={q}
              level={3}
              action={(h: DocumentHit) =>
                inFile.has(`${h.kind}:${h.id}`) ? (
                  <p class="govuk-body-s">
                    <strong class="govuk-tag govuk-tag--green">{t(req, 'Đã có trong hồ sơ', 'In the file')}</strong>
                  </p>
                ) : (
                  <ActionForm req={req} f={f} op="add" doc={h} q={q} label={t(req, 'Thêm vào hồ sơ', 'Add to the file')} />
                )
              }
            />
          ) : null}
          <h2 class="govuk-heading-m">{t(req, 'Kết thúc hồ sơ', 'Close the file')}</h2>
          <p class="govuk-body">
            {t(
              req,
              'Khi công việc đã giải quyết xong, kết thúc hồ sơ: không thêm, bớt văn bản được nữa, và hồ sơ phải nộp vào Lưu trữ cơ quan trong 1 năm kể từ hôm nay.',
              "When the work is finished, close the file: documents can no longer be added or removed, and the file is due for the agency's archive within a year from today.",
            )}
          </p>
          <ActionForm req={req} f={f} op="close" secondary label={t(req, 'Kết thúc hồ sơ', 'Close the file')} />
        </>
      ) : null}
    </Layout>
  );
}
