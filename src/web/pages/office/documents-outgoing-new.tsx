import type { FastifyRequest } from 'fastify';
import { DOCUMENT_SERIES } from '../../../modules/documents/series.ts';
import { ErrorMessage, ErrorSummary, FormGroup, Layout, t } from '../../components/layout.tsx';
import { OUTGOING_NEW_URL, OUTGOING_URL } from './documents-outgoing.tsx';

export interface NewOutgoingProps {
  req: FastifyRequest;
  values: Record<string, string>;
  /** The internal units ticked. */
  units: string[];
  errors: Record<string, string>;
  signers: { id: string; name: string }[];
  unitOptions: { id: string; name: string }[];
}

/** The specialist's draft: series, subject, signer, recipients and files, one multipart form that works without a script. */
export function NewOutgoingPage(p: NewOutgoingProps) {
  const { req, values, errors } = p;
  const title = t(req, 'Soạn văn bản đi', 'Draft an outgoing document');
  const summary = Object.entries(errors).map(([k, text]) => ({ text, href: `#${k === '_' ? 'mainFile' : k}` }));
  const input = (name: string, label: string, hint?: string, width = '') => (
    <FormGroup
      req={req}
      id={name}
      label={label}
      labelClass="govuk-label--s"
      hint={hint}
      error={errors[name]}
      control={(describedBy) => (
        <input
          class={`govuk-input ${width}${errors[name] ? ' govuk-input--error' : ''}`}
          id={name}
          name={name}
          type="text"
          value={values[name] ?? ''}
          aria-describedby={describedBy}
        />
      )}
    />
  );
  return (
    <Layout req={req} area="office" title={title}>
      <a href={OUTGOING_URL} class="govuk-back-link">
        {t(req, 'Văn bản đi', 'Outgoing documents')}
      </a>
      <ErrorSummary req={req} errors={summary} />
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="post" action={`${OUTGOING_NEW_URL}?_csrf=${encodeURIComponent(req.csrfToken ?? '')}`} enctype="multipart/form-data" novalidate>
        <FormGroup
          req={req}
          id="seriesCode"
          label={t(req, 'Loại văn bản', 'Document type')}
          labelClass="govuk-label--s"
          error={errors.seriesCode}
          control={(describedBy) => (
            <select class="govuk-select" id="seriesCode" name="seriesCode" aria-describedby={describedBy}>
              {DOCUMENT_SERIES.map((s) => (
                <option value={s.code} selected={values.seriesCode === s.code}>
                  {`${t(req, s.vi, s.en)} (${s.code})`}
                </option>
              ))}
            </select>
          )}
        />
        {input(
          'subject',
          t(req, 'Trích yếu nội dung', 'Subject'),
          t(req, 'Ví dụ: V/v phối hợp kiểm tra thị trường', 'For example: On joint market inspections'),
        )}
        <FormGroup
          req={req}
          id="summary"
          label={t(req, 'Tóm tắt (không bắt buộc)', 'Summary (optional)')}
          labelClass="govuk-label--s"
          error={errors.summary}
          control={(describedBy) => (
            <textarea class="govuk-textarea" id="summary" name="summary" rows={3} aria-describedby={describedBy}>
              {values.summary ?? ''}
            </textarea>
          )}
        />
        <FormGroup
          req={req}
          id="signerId"
          label={t(req, 'Người ký', 'Signer')}
          labelClass="govuk-label--s"
          error={errors.signerId}
          control={(describedBy) => (
            <select class="govuk-select" id="signerId" name="signerId" aria-describedby={describedBy}>
              {p.signers.map((s) => (
                <option value={s.id} selected={values.signerId === s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        />
        {input(
          'signerPosition',
          t(req, 'Thẩm quyền, chức vụ người ký (không bắt buộc)', 'Signing competence and title (optional)'),
          'KT. BỘ TRƯỞNG / THỨ TRƯỞNG',
        )}
        {input('dueDate', t(req, 'Hạn xử lý (không bắt buộc)', 'Due date (optional)'), t(req, 'Dạng 2026-12-31', 'As 2026-12-31'), 'govuk-input--width-10')}
        <div class={`govuk-form-group${errors.recipients ? ' govuk-form-group--error' : ''}`}>
          <fieldset class="govuk-fieldset" id="recipients" aria-describedby="recipients-hint">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, 'Nơi nhận trong cơ quan', 'Recipients inside the agency')}</legend>
            <div class="govuk-hint" id="recipients-hint">
              {t(req, 'Chọn các đơn vị nhận; cơ quan ngoài ghi ở ô dưới.', 'Tick the units; other agencies go in the box below.')}
            </div>
            <ErrorMessage req={req} id="recipients" error={errors.recipients} />
            <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
              {p.unitOptions.map((u, i) => (
                <div class="govuk-checkboxes__item">
                  <input class="govuk-checkboxes__input" id={`unit-${i}`} name={`unit.${u.id}`} type="checkbox" value="1" checked={p.units.includes(u.id)} />
                  <label class="govuk-label govuk-checkboxes__label" for={`unit-${i}`}>
                    {u.name}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
        </div>
        <FormGroup
          req={req}
          id="external"
          label={t(req, 'Cơ quan nhận bên ngoài (qua trục liên thông)', 'Other agencies (through the exchange)')}
          labelClass="govuk-label--s"
          hint={t(
            req,
            'Mỗi dòng một cơ quan: mã định danh, dấu |, tên. Ví dụ: 000.00.00.G22 | Văn phòng Chính phủ',
            'One agency a line: its code, |, its name. For example: 000.00.00.G22 | Văn phòng Chính phủ',
          )}
          error={errors.external}
          control={(describedBy) => (
            <textarea class="govuk-textarea" id="external" name="external" rows={3} aria-describedby={describedBy}>
              {values.external ?? ''}
            </textarea>
          )}
        />
        <FormGroup
          req={req}
          id="mainFile"
          label={t(req, 'Tệp chính (PDF, tối đa 20 MiB)', 'Main file (PDF, up to 20 MiB)')}
          labelClass="govuk-label--s"
          error={errors._ ?? errors.mainFile}
          control={(describedBy) => (
            <input class="govuk-file-upload" id="mainFile" name="mainFile" type="file" accept="application/pdf" aria-describedby={describedBy} />
          )}
        />
        <FormGroup
          req={req}
          id="appendix"
          label={t(req, 'Phụ lục (không bắt buộc, nhiều tệp)', 'Appendices (optional, several files)')}
          labelClass="govuk-label--s"
          error={errors.appendix}
          control={(describedBy) => <input class="govuk-file-upload" id="appendix" name="appendix" type="file" multiple aria-describedby={describedBy} />}
        />
        <button type="submit" class="govuk-button" data-module="govuk-button">
          {t(req, 'Lưu dự thảo', 'Save the draft')}
        </button>
      </form>
    </Layout>
  );
}
