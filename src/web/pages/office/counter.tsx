import type { FastifyRequest } from 'fastify';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import type { ProcedureSummary } from '../../../modules/catalog/search-procedures.ts';
import { ErrorSummary, Layout, t } from '../../components/layout.tsx';
import { EForm, type FieldSchema } from '../../components/eform.tsx';
import { DeliveryInputs, FileInputs, type FileSlot, type FormErrors } from '../portal/dossier-file.tsx';
import type { Delivery } from '../../../modules/dossiers/schemas.ts';

export const COUNTER_URL = '/can-bo/tiep-nhan';

/** Step one at the counter: find the procedure the applicant asks for. */
export function CounterSearchPage({ req, q, items }: { req: FastifyRequest; q: string; items: ProcedureSummary[] }) {
  const title = t(req, 'Tiếp nhận hồ sơ trực tiếp, qua bưu chính', 'Receive a dossier at the counter or by post');
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      <form method="get" action={COUNTER_URL} class="govuk-!-margin-bottom-6">
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="q">
            {t(req, 'Tìm thủ tục theo tên hoặc mã', 'Find the procedure by name or code')}
          </label>
          <input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value={q} />
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary">
          {t(req, 'Tìm', 'Search')}
        </button>
      </form>
      <ul class="govuk-list">
        {items.map((p) => (
          <li>
            <a class="govuk-link" href={`${COUNTER_URL}/${encodeURIComponent(p.code)}`}>
              {p.name}
            </a>{' '}
            <span class="cs-meta">({p.code})</span>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export interface CounterValues {
  channel: string;
  /** How the applicant receives the result (the desk by default at the counter). */
  delivery: Delivery;
  applicant: Record<string, string>;
  form: Record<string, unknown>;
  /** Files already stored by an earlier post of this form, by component code. */
  kept: { idx: number; code: string; uploadId: string; fileName: string }[];
}

const APPLICANT_FIELDS: [key: string, vi: string, en: string, type: string, width: string][] = [
  ['name', 'Họ tên người nộp / tên tổ chức', 'Applicant (person or organisation)', 'text', 'govuk-!-width-two-thirds'],
  ['identifier', 'Số định danh cá nhân / mã số doanh nghiệp', 'Personal ID / enterprise code', 'text', 'govuk-input--width-20'],
  ['phone', 'Số điện thoại', 'Phone', 'tel', 'govuk-input--width-20'],
  ['email', 'Thư điện tử', 'E-mail', 'email', 'govuk-!-width-two-thirds'],
  ['address', 'Địa chỉ', 'Address', 'text', 'govuk-!-width-full'],
];

/** Step two: the applicant, the channel, the e-form and the scans; filing receives it at once. */
export function CounterFilingPage({
  req,
  p,
  slots,
  values,
  errors,
}: {
  req: FastifyRequest;
  p: ProcedureDetail;
  slots: FileSlot[];
  values: CounterValues;
  errors: FormErrors;
}) {
  const title = t(req, 'Tiếp nhận hồ sơ', 'Receive a dossier');
  const err = (k: string) => errors.fields[k];
  return (
    <Layout req={req} area="office" title={errors.summary.length ? `${t(req, 'Lỗi', 'Error')}: ${title}` : title}>
      <a href={COUNTER_URL} class="govuk-back-link">
        {t(req, 'Chọn thủ tục khác', 'Choose another procedure')}
      </a>
      <ErrorSummary req={req} errors={errors.summary} />
      <span class="govuk-caption-l">{p.code}</span>
      <h1 class="govuk-heading-l">{p.name}</h1>
      <form
        method="post"
        action={`${COUNTER_URL}/${encodeURIComponent(p.code)}?_csrf=${encodeURIComponent(req.csrfToken)}`}
        enctype="multipart/form-data"
        novalidate
      >
        {values.kept.map((k) => (
          <input type="hidden" name={`kept.${k.idx}`} value={`${k.uploadId}|${k.fileName}`} />
        ))}
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
              <h2 class="govuk-fieldset__heading">{t(req, 'Hình thức nộp', 'How it was filed')}</h2>
            </legend>
            <div class="govuk-radios govuk-radios--inline">
              {[
                ['1', 'Trực tiếp tại Bộ phận một cửa', 'At the counter'],
                ['3', 'Qua dịch vụ bưu chính', 'By post'],
              ].map(([v, vi, en]) => (
                <div class="govuk-radios__item">
                  <input class="govuk-radios__input" id={`channel-${v}`} name="channel" type="radio" value={v} checked={values.channel === v} />
                  <label class="govuk-label govuk-radios__label" for={`channel-${v}`}>
                    {t(req, vi, en)}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
        </div>
        <h2 class="govuk-heading-m">{t(req, 'Người nộp hồ sơ', 'Applicant')}</h2>
        {APPLICANT_FIELDS.map(([k, vi, en, type, width]) => (
          <div class={`govuk-form-group${err(`a.${k}`) ? ' govuk-form-group--error' : ''}`}>
            <label class="govuk-label" for={`a-${k}`}>
              {t(req, vi, en)}
            </label>
            {err(`a.${k}`) ? (
              <p id={`a-${k}-error`} class="govuk-error-message">
                <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err(`a.${k}`)}
              </p>
            ) : null}
            <input
              class={`govuk-input ${width}${err(`a.${k}`) ? ' govuk-input--error' : ''}`}
              id={`a-${k}`}
              name={`a.${k}`}
              type={type as 'text'}
              value={values.applicant[k] ?? ''}
              aria-describedby={err(`a.${k}`) ? `a-${k}-error` : undefined}
            />
          </div>
        ))}
        <DeliveryInputs req={req} value={values.delivery} errors={errors} />
        {p.eForm?.properties ? (
          <>
            <h2 class="govuk-heading-m">{t(req, 'Tờ khai', 'Form')}</h2>
            <EForm req={req} schema={p.eForm as FieldSchema} values={values.form} errors={errors.fields} />
          </>
        ) : null}
        {slots.length ? (
          <>
            <h2 class="govuk-heading-m">{t(req, 'Bản quét giấy tờ', 'Scanned documents')}</h2>
            <FileInputs req={req} slots={slots} errors={errors} attached={new Map(values.kept.map((k) => [k.code, k]))} />
          </>
        ) : null}
        <button type="submit" class="govuk-button" data-prevent-double-click="true">
          {t(req, 'Tiếp nhận và cấp giấy hẹn', 'Receive and issue the receipt')}
        </button>
      </form>
    </Layout>
  );
}
