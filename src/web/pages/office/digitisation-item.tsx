import type { FastifyRequest } from 'fastify';
import type { DigitisedItemView } from '../../../modules/digitisation/schemas-items.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { Csrf, ErrorSummary, FormGroup, Layout, t } from '../../components/layout.tsx';

export const itemUrl = (code: string) => `/can-bo/so-hoa/tai-lieu/${encodeURIComponent(code)}`;

/** The form's values: common fields by key, extra fields by key (as typed, so a rejected value comes back as it was). */
export interface MetadataValues {
  common: Record<string, string>;
  extra: Record<string, string>;
}

/** The item's stored metadata as form values. */
export function valuesOf(item: DigitisedItemView): MetadataValues {
  const { extra, ...common } = item.metadata;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    common: Object.fromEntries(Object.entries(common).map(([k, v]) => [k, str(v)])),
    extra: Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, str(v)])),
  };
}

/** A field's input id: `m-<key>` for common fields, `x-<key>` for extras; error paths map to them. */
export const fieldId = (key: string, extra = false) => `${extra ? 'x' : 'm'}-${key}`;

/** The path of a confirm error (`metadata.issueDate`, `metadata.extra.summary`) as the id of its input. */
export function idOfPath(path: string): string {
  const p = path.replace(/^(body\.)?metadata\.?/, '');
  if (p.startsWith('extra.')) return fieldId(p.slice('extra.'.length), true);
  return fieldId(p.split('.')[0] || 'documentName');
}

/**
 * Confirming a digitised document's metadata (Circular 01/2023): the fields of its type, the
 * values the rules read from the text already filled in (with what each was read from), the
 * OCR text beside the form; errors next to their fields, named by label.
 */
export function ItemConfirmPage({
  req,
  item,
  fields,
  values,
  text,
  errors = {},
  canConfirm,
  confirmed,
}: {
  req: FastifyRequest;
  item: DigitisedItemView;
  /** The fields to show (those of the document type chosen on the form). */
  fields: DigitisedItemView['fields'];
  values: MetadataValues;
  text: string;
  /** Errors by input id. */
  errors?: Record<string, string>;
  canConfirm: boolean;
  confirmed?: boolean;
}) {
  const title = t(req, 'Siêu dữ liệu tài liệu số hóa', 'Digitised document metadata');
  const summary = Object.entries(errors).map(([id, text]) => ({ href: `#${id}`, text }));
  const evidence = (key: string) => (item.evidence[key] ? t(req, `Đọc được từ: “${item.evidence[key]}”`, `Read from: “${item.evidence[key]}”`) : '');
  const hintOf = (key: string, hint: { vi: string; en: string } | null) =>
    [hint ? t(req, hint.vi, hint.en) : '', evidence(key)].filter(Boolean).join(' — ') || undefined;
  const typeLabel = fields.common.find((f) => f.key === 'documentType')?.label ?? { vi: 'Loại giấy tờ', en: 'Document type' };
  const chosenType = values.common.documentType || fields.documentType || '';
  const input = (id: string, name: string, value: string, type: string, error: string | undefined) => (describedBy: string | undefined) => (
    <input
      class={`govuk-input${type === 'date' ? ' govuk-input--width-10' : type === 'identifier' ? ' govuk-input--width-20' : ''}${error ? ' govuk-input--error' : ''}`}
      id={id}
      name={name}
      type="text"
      value={value}
      aria-describedby={describedBy}
      inputmode={type === 'identifier' ? 'numeric' : undefined}
      spellcheck={false}
    />
  );
  return (
    <Layout req={req} area="office" title={title}>
      {item.dossierCode ? (
        <a href={`/can-bo/ho-so/${encodeURIComponent(item.dossierCode)}`} class="govuk-back-link">
          {t(req, `Hồ sơ ${item.dossierCode}`, `Dossier ${item.dossierCode}`)}
        </a>
      ) : null}
      <ErrorSummary req={req} errors={summary} />
      {confirmed ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(req, `Đã xác nhận siêu dữ liệu của ${item.code}.`, `Metadata of ${item.code} confirmed.`)}{' '}
              {item.dossierCode ? (
                <a class="govuk-notification-banner__link" href={`/can-bo/ho-so/${encodeURIComponent(item.dossierCode)}`}>
                  {t(req, 'Về hồ sơ', 'Back to the dossier')}
                </a>
              ) : null}
            </p>
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-l cs-mono">{item.code}</span>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {item.confirmed && item.confirmedAt
          ? t(req, `Đã xác nhận lúc ${formatDateTime('vi', item.confirmedAt)}.`, `Confirmed ${formatDateTime('en', item.confirmedAt)}.`)
          : t(
              req,
              'Chưa xác nhận: các giá trị dưới đây do hệ thống đọc từ bản quét, hãy kiểm tra.',
              'Not confirmed: the values below were read from the scan; check them.',
            )}{' '}
        {item.holderName ? t(req, `Người được cấp: ${item.holderName}.`, `Holder: ${item.holderName}.`) : null}
      </p>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <form method="post" action={itemUrl(item.code)} novalidate>
            <Csrf req={req} />
            <FormGroup
              req={req}
              id={fieldId('documentType')}
              label={t(req, typeLabel.vi, typeLabel.en)}
              error={errors[fieldId('documentType')]}
              control={(describedBy) => (
                <select class="govuk-select" id={fieldId('documentType')} name="m.documentType" aria-describedby={describedBy} disabled={!canConfirm}>
                  <option value="">{t(req, '— Chọn —', '— Choose —')}</option>
                  {fields.documentTypes.map((d) => (
                    <option value={d.key} selected={d.key === chosenType}>
                      {t(req, d.label.vi, d.label.en)}
                    </option>
                  ))}
                </select>
              )}
            />
            {canConfirm ? (
              <button type="submit" name="op" value="type" class="govuk-button govuk-button--secondary">
                {t(req, 'Hiện các trường của loại giấy tờ này', 'Show the fields of this document type')}
              </button>
            ) : null}
            {fields.common
              .filter((f) => f.key !== 'documentType')
              .map((f) => (
                <FormGroup
                  req={req}
                  id={fieldId(f.key)}
                  label={t(req, f.label.vi, f.label.en)}
                  hint={hintOf(f.key, f.type === 'date' ? (f.hint ?? { vi: 'Dạng YYYY-MM-DD, ví dụ 2024-03-05', en: 'YYYY-MM-DD, e.g. 2024-03-05' }) : f.hint)}
                  error={errors[fieldId(f.key)]}
                  control={input(fieldId(f.key), `m.${f.key}`, values.common[f.key] ?? '', f.type, errors[fieldId(f.key)])}
                />
              ))}
            {fields.extra.length ? <h2 class="govuk-heading-m">{t(req, 'Thông tin riêng của loại giấy tờ', 'Fields of this document type')}</h2> : null}
            {fields.extra.map((f) => (
              <FormGroup
                req={req}
                id={fieldId(f.key, true)}
                label={t(req, f.label.vi, f.label.en)}
                hint={hintOf(`extra.${f.key}`, f.type === 'date' ? { vi: 'Dạng YYYY-MM-DD', en: 'YYYY-MM-DD' } : f.hint)}
                error={errors[fieldId(f.key, true)]}
                control={input(fieldId(f.key, true), `x.${f.key}`, values.extra[f.key] ?? '', f.type, errors[fieldId(f.key, true)])}
              />
            ))}
            {canConfirm ? (
              <button type="submit" name="op" value="confirm" class="govuk-button">
                {t(req, 'Xác nhận siêu dữ liệu', 'Confirm the metadata')}
              </button>
            ) : (
              <p class="govuk-body">{t(req, 'Chỉ cán bộ một cửa hoặc văn thư xác nhận siêu dữ liệu.', 'Only the desk or a clerk confirms metadata.')}</p>
            )}
          </form>
        </div>
        <div class="govuk-grid-column-one-third">
          <details class="govuk-details" open>
            <summary class="govuk-details__summary">
              <span class="govuk-details__summary-text">{t(req, 'Chữ đọc được từ bản quét', 'Text read from the scan')}</span>
            </summary>
            <div class="govuk-details__text" lang="vi">
              {text.trim()
                ? text
                    .trim()
                    .split(/\n\s*\n/)
                    .map((para) => <p class="govuk-body-s">{para.split('\n').flatMap((line, i) => (i ? [<br />, line] : [line]))}</p>)
                : t(req, '(Không có chữ.)', '(No text.)')}
            </div>
          </details>
          {item.uploadId ? (
            <p class="govuk-body">
              <a class="govuk-link" href={`/api/v1/digitisation/items/${encodeURIComponent(item.code)}/pdf`}>
                {t(req, 'Mở bản PDF có thể tìm kiếm', 'Open the searchable PDF')}
              </a>
            </p>
          ) : null}
        </div>
      </div>
    </Layout>
  );
}
