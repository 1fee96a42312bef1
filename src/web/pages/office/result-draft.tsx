import type { FastifyRequest } from 'fastify';
import type { DossierView } from '../../../modules/dossiers/schemas.ts';
import type { ResultDraftInput } from '../../../modules/results/draft-result.ts';
import { resultStatusText } from '../portal/verify-result.tsx';
import { Csrf, ErrorSummary, Layout, t } from '../../components/layout.tsx';
import { formatDateTime } from '../../../platform/i18n/index.ts';

export interface DraftFormValues {
  kind: string;
  documentName: string;
  /** "Nhãn: giá trị", one per line. */
  fields: string;
  validUntil: string;
  notes: string;
  subject: string;
  /** Paragraphs separated by a blank line. */
  paragraphs: string;
}

export function draftToForm(d: ResultDraftInput | null, fallbackName: string): DraftFormValues {
  if (!d) return { kind: 'certificate', documentName: fallbackName, fields: '', validUntil: '', notes: '', subject: '', paragraphs: '' };
  if (d.kind === 'written_reply')
    return { kind: d.kind, documentName: d.documentName, fields: '', validUntil: '', notes: '', subject: d.subject, paragraphs: d.paragraphs.join('\n\n') };
  return {
    kind: d.kind,
    documentName: d.documentName,
    fields: d.fields.map((f) => `${f.label}: ${f.value}`).join('\n'),
    validUntil: d.validUntil ?? '',
    notes: (d.notes ?? []).join('\n'),
    subject: '',
    paragraphs: '',
  };
}

/** The specialist drafts the result document; others read it and open the preview. */
export function ResultDraftPage({
  req,
  d,
  values,
  editable,
  errors,
  saved,
  issued,
  canCertify,
  suggested,
  updated,
}: {
  req: FastifyRequest;
  d: DossierView;
  values: DraftFormValues;
  editable: boolean;
  errors: { href: string; text: string }[];
  saved?: boolean;
  issued: { resultCode: string; documentName: string; number: string; status: string }[];
  canCertify: boolean /** No draft is saved: the form shows what the e-form suggests. */;
  suggested?: boolean /** Who saved the draft last (name and role) and when. */;
  updated?: { by: string; at: string };
}) {
  const title = t(req, 'Dự thảo kết quả', 'Draft result');
  const base = `/can-bo/ho-so/${encodeURIComponent(d.code)}`;
  const err = (id: string) => errors.find((e) => e.href === `#${id}`)?.text;
  const group = (id: string, vi: string, en: string, control: unknown, hint?: [string, string]) => (
    <div class={`govuk-form-group${err(id) ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label govuk-label--s" for={id}>
        {t(req, vi, en)}
      </label>
      {hint ? (
        <div class="govuk-hint" id={`${id}-hint`}>
          {t(req, hint[0], hint[1])}
        </div>
      ) : null}
      {err(id) ? (
        <p class="govuk-error-message" id={`${id}-error`}>
          <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err(id)}
        </p>
      ) : null}
      {control as string}
    </div>
  );
  return (
    <Layout req={req} area="office" title={title}>
      <a href={base} class="govuk-back-link">
        {t(req, 'Quay lại hồ sơ', 'Back to the dossier')}
      </a>
      <ErrorSummary req={req} errors={errors} />
      {saved ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, 'Đã lưu dự thảo.', 'Draft saved.')}</p>
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-l cs-mono">{d.code}</span>
      <h1 class="govuk-heading-l">{t(req, 'Kết quả giải quyết', 'Result')}</h1>
      {issued.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Kết quả đã ký', 'Signed results')}</h2>
          <ul class="govuk-list">
            {issued.map((r) => (
              <li>
                <strong>{r.documentName}</strong> — {t(req, 'số', 'no.')} {r.number} — <span class="cs-mono">{r.resultCode}</span> (
                {resultStatusText(req, r.status)}){' '}
                <a class="govuk-link" href={`/api/v1/results/${encodeURIComponent(r.resultCode)}/pdf`}>
                  {t(req, 'Tải về để in', 'Download to print')}
                  <span class="govuk-visually-hidden"> {r.resultCode}</span>
                </a>
                {' · '}
                <a class="govuk-link" href={`/verify/${encodeURIComponent(r.resultCode)}`}>
                  {t(req, 'Xác minh', 'Verify')}
                  <span class="govuk-visually-hidden"> {r.resultCode}</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 class="govuk-heading-m">{title}</h2>
      <p class="govuk-body">
        <a class="govuk-link" href={`/api/v1/dossiers/${encodeURIComponent(d.code)}/result-preview`}>
          {t(req, 'Xem bản in thử (PDF)', 'Preview (PDF)')}
        </a>
      </p>
      {suggested ? (
        <p class="govuk-inset-text">
          {t(
            req,
            'Chưa có dự thảo: nội dung dưới đây được điền sẵn từ tờ khai của hồ sơ, chưa được lưu. Hãy kiểm tra, sửa rồi lưu dự thảo.',
            'No draft yet: the content below is filled in from the e-form and is not saved. Check it, edit it and save the draft.',
          )}
        </p>
      ) : updated ? (
        <p class="govuk-body-s">
          {t(req, 'Lưu lần cuối bởi', 'Last saved by')} {updated.by}, <time datetime={updated.at}>{formatDateTime(req.lang, updated.at)}</time>
        </p>
      ) : null}
      {!editable ? (
        <p class="govuk-inset-text">
          {t(
            req,
            'Chỉ chuyên viên được phân công sửa dự thảo khi hồ sơ đang xử lý.',
            'Only the assigned specialist edits the draft while the dossier is being processed.',
          )}
        </p>
      ) : null}
      <form method="post" action={`${base}/ket-qua`} novalidate>
        <Csrf req={req} />
        <fieldset class="govuk-fieldset" disabled={!editable}>
          {group(
            'kind',
            'Loại kết quả',
            'Kind of result',
            <select class="govuk-select" id="kind" name="kind">
              {[
                ['certificate', 'Giấy chứng nhận', 'Certificate'],
                ['licence', 'Giấy phép', 'Licence'],
                ['written_reply', 'Văn bản trả lời', 'Written reply'],
              ].map(([v, vi, en]) => (
                <option value={v} selected={values.kind === v}>
                  {t(req, vi, en)}
                </option>
              ))}
            </select>,
          )}
          {group(
            'documentName',
            'Tên giấy tờ',
            'Document name',
            <input class="govuk-input" id="documentName" name="documentName" type="text" value={values.documentName} />,
          )}
          {group(
            'fields',
            'Nội dung chứng nhận / cấp phép',
            'Certified content',
            <textarea class="govuk-textarea" id="fields" name="fields" rows={6} aria-describedby="fields-hint">
              {values.fields}
            </textarea>,
            ['Mỗi dòng một mục, dạng "Nhãn: nội dung" (giấy chứng nhận, giấy phép)', 'One item per line, "Label: value" (certificates and licences)'],
          )}
          {group(
            'validUntil',
            'Có hiệu lực đến',
            'Valid until',
            <input class="govuk-input govuk-input--width-10" id="validUntil" name="validUntil" type="date" value={values.validUntil} />,
          )}
          {group(
            'notes',
            'Ghi chú, điều kiện',
            'Notes and conditions',
            <textarea class="govuk-textarea" id="notes" name="notes" rows={3} aria-describedby="notes-hint">
              {values.notes}
            </textarea>,
            ['Mỗi dòng một ý', 'One per line'],
          )}
          {group(
            'subject',
            'Trích yếu (văn bản trả lời)',
            'Subject (written reply)',
            <input class="govuk-input" id="subject" name="subject" type="text" value={values.subject} />,
          )}
          {group(
            'paragraphs',
            'Nội dung văn bản trả lời',
            'Text of the written reply',
            <textarea class="govuk-textarea" id="paragraphs" name="paragraphs" rows={8} aria-describedby="paragraphs-hint">
              {values.paragraphs}
            </textarea>,
            ['Các đoạn cách nhau một dòng trống', 'Paragraphs separated by a blank line'],
          )}
          {editable ? (
            <button type="submit" class="govuk-button">
              {t(req, 'Lưu dự thảo', 'Save the draft')}
            </button>
          ) : null}
        </fieldset>
      </form>
      {canCertify ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Chứng thực bản sao điện tử từ bản chính', 'Certify an electronic copy of an original')}</h2>
          <form method="post" action={`${base}/chung-thuc?_csrf=${encodeURIComponent(req.csrfToken)}`} enctype="multipart/form-data" novalidate>
            <div class={`govuk-form-group${err('certifyName') ? ' govuk-form-group--error' : ''}`}>
              <label class="govuk-label" for="certifyName">
                {t(req, 'Tên giấy tờ', 'Document name')}
              </label>
              {err('certifyName') ? (
                <p class="govuk-error-message" id="certifyName-error">
                  {err('certifyName')}
                </p>
              ) : null}
              <input class="govuk-input" id="certifyName" name="documentName" type="text" />
            </div>
            <div class={`govuk-form-group${err('certifyFile') ? ' govuk-form-group--error' : ''}`}>
              <label class="govuk-label" for="certifyFile">
                {t(req, 'Bản quét (PDF) của bản chính người nộp xuất trình', 'Scan (PDF) of the original the applicant showed')}
              </label>
              {err('certifyFile') ? (
                <p class="govuk-error-message" id="certifyFile-error">
                  {err('certifyFile')}
                </p>
              ) : null}
              <input class="govuk-file-upload" id="certifyFile" name="file" type="file" accept=".pdf,application/pdf" />
            </div>
            <button type="submit" class="govuk-button govuk-button--secondary">
              {t(req, 'Chứng thực và ký số', 'Certify and sign')}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}
