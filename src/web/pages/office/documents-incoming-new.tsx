import type { FastifyRequest } from 'fastify';
import { ErrorSummary, FormGroup, Layout, t } from '../../components/layout.tsx';
import { INCOMING_URL, NEW_URL } from './documents-incoming.tsx';

export interface NewIncomingProps {
  req: FastifyRequest;
  values: Record<string, string>;
  /** Field name → message; `_` for what names no field. */
  errors: Record<string, string>;
}

const FIELDS: { name: string; vi: string; en: string; hintVi?: string; hintEn?: string; type?: 'text' | 'date'; width?: string }[] = [
  {
    name: 'senderName',
    vi: 'Cơ quan, tổ chức gửi',
    en: 'Sending agency',
    hintVi: 'Với thư điện tử có thể để trống: lấy từ người gửi thư',
    hintEn: 'For an e-mail, leave empty to take the sender',
  },
  {
    name: 'numberNotation',
    vi: 'Số, ký hiệu văn bản',
    en: 'Number and notation',
    hintVi: 'Ví dụ 12/UBND-KT',
    hintEn: 'e.g. 12/UBND-KT',
    width: 'govuk-input--width-20',
  },
  { name: 'promulgationDate', vi: 'Ngày văn bản', en: 'Date of the document', type: 'date', width: 'govuk-input--width-10' },
  {
    name: 'documentType',
    vi: 'Loại văn bản',
    en: 'Type',
    hintVi: 'Ví dụ Công văn, Quyết định',
    hintEn: 'e.g. Official letter, Decision',
    width: 'govuk-input--width-20',
  },
  { name: 'subject', vi: 'Trích yếu nội dung', en: 'Subject' },
  { name: 'signer', vi: 'Người ký', en: 'Signed by' },
  { name: 'dueDate', vi: 'Hạn trả lời (nếu có)', en: 'Reply due (if any)', type: 'date', width: 'govuk-input--width-10' },
];

/** The clerk records a paper document (its scan) or an e-mail (.eml or its attachments). Multipart; the CSRF token rides in the query. */
export function NewIncomingPage({ req, values, errors }: NewIncomingProps) {
  const title = t(req, 'Vào sổ văn bản giấy, thư điện tử', 'Record a paper or e-mail document');
  const summary = Object.entries(errors).map(([k, text]) => ({ text, href: k === '_' ? '#file' : `#${k}` }));
  const channel = values.channel || 'paper';
  return (
    <Layout req={req} area="office" title={title}>
      <a href={INCOMING_URL} class="govuk-back-link">
        {t(req, 'Văn bản đến', 'Incoming documents')}
      </a>
      <ErrorSummary req={req} errors={summary} />
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="post" action={`${NEW_URL}?_csrf=${encodeURIComponent(req.csrfToken ?? '')}`} enctype="multipart/form-data" novalidate>
        <div class={`govuk-form-group${errors.channel ? ' govuk-form-group--error' : ''}`}>
          <fieldset class="govuk-fieldset" id="channel">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, 'Văn bản đến qua', 'Received as')}</legend>
            <div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
              {[
                ['paper', 'Văn bản giấy (tải lên bản quét PDF, JPEG, PNG)', 'Paper (upload the scan: PDF, JPEG, PNG)'],
                ['email', 'Thư điện tử (tải lên tệp .eml hoặc các tệp đính kèm)', 'E-mail (upload the .eml or its attachments)'],
              ].map(([v, vi, en]) => (
                <div class="govuk-radios__item">
                  <input class="govuk-radios__input" id={`channel-${v}`} name="channel" type="radio" value={v} checked={channel === v} />
                  <label class="govuk-label govuk-radios__label" for={`channel-${v}`}>
                    {t(req, vi, en)}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
        </div>
        {FIELDS.map((f) => (
          <FormGroup
            req={req}
            id={f.name}
            label={t(req, f.vi, f.en)}
            labelClass="govuk-label--s"
            hint={f.hintVi ? t(req, f.hintVi, f.hintEn ?? f.hintVi) : undefined}
            error={errors[f.name]}
            control={(describedBy) => {
              const cls = `govuk-input ${f.width ?? ''}${errors[f.name] ? ' govuk-input--error' : ''}`;
              return f.type === 'date' ? (
                <input class={cls} id={f.name} name={f.name} type="date" value={values[f.name] ?? ''} aria-describedby={describedBy} />
              ) : (
                <input class={cls} id={f.name} name={f.name} type="text" value={values[f.name] ?? ''} aria-describedby={describedBy} />
              );
            }}
          />
        ))}
        <FormGroup
          req={req}
          id="file"
          label={t(req, 'Tệp (tối đa 20 tệp, mỗi tệp 20 MiB)', 'Files (up to 20, 20 MiB each)')}
          labelClass="govuk-label--s"
          error={errors._ ?? errors.files}
          control={(describedBy) => <input class="govuk-file-upload" id="file" name="file" type="file" multiple aria-describedby={describedBy} />}
        />
        <button type="submit" class="govuk-button" data-module="govuk-button">
          {t(req, 'Ghi nhận văn bản đến', 'Record the document')}
        </button>
      </form>
    </Layout>
  );
}
