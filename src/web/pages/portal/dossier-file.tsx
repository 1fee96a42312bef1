import type { FastifyRequest } from 'fastify';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import type { Draft } from '../../../modules/dossiers/drafts.ts';
import { EForm, type FieldSchema } from '../../components/eform.tsx';
import { ErrorSummary, Layout, t } from '../../components/layout.tsx';

/** One file input of the filing form: a component of the procedure (by its code). */
export interface FileSlot {
  /** Position in the form: the input is `file.<idx>`, its id `c-<idx>`. */
  idx: number;
  code: string;
  name: string;
  required: boolean;
}

/** Errors by form field name (`f.x` for e-form fields, `c.<idx>` for files), plus lines for the summary. */
export interface FormErrors {
  fields: Record<string, string>;
  summary: { href?: string; text: string }[];
}
export const NO_ERRORS: FormErrors = { fields: {}, summary: [] };

/** A valid result in the applicant's e-data repository, offered instead of an upload ("provide data only once"). */
export interface RepositoryDoc {
  resultCode: string;
  /** Document name — number. */
  label: string;
}

const ACCEPT = '.pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png';

export const fileUrl = (code: string) => `/nop-ho-so/${encodeURIComponent(code)}`;

function Breadcrumbs({ req, p }: { req: FastifyRequest; p: ProcedureDetail }) {
  return (
    <nav class="govuk-breadcrumbs" aria-label={t(req, 'Vị trí', 'Breadcrumb')}>
      <ol class="govuk-breadcrumbs__list">
        <li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link" href="/">{t(req, 'Trang chủ', 'Home')}</a></li>
        <li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link" href={`/thu-tuc/${encodeURIComponent(p.code)}`}>{p.code}</a></li>
      </ol>
    </nav>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });

/**
 * One file input per dossier component, with what is already attached and its error; when the
 * applicant has valid results in their e-data repository, a select `reuse.<idx>` to pick one instead.
 */
export function FileInputs({ req, slots, errors, attached, repository = [] }: { req: FastifyRequest; slots: FileSlot[]; errors: FormErrors; attached: Map<string, { fileName: string; reusedFrom?: string }>; repository?: RepositoryDoc[] }) {
  return (
    <>
    {slots.map((s) => {
      const id = `c-${s.idx}`;
      const err = errors.fields[`c.${s.idx}`];
      const have = attached.get(s.code);
      const described = [have ? `${id}-have` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
      return (
        <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`}>
          <label class="govuk-label govuk-label--s" for={id}>
            {s.name}
            {s.required ? <span aria-hidden="true"> *</span> : <span class="cs-meta"> {t(req, '(không bắt buộc)', '(optional)')}</span>}
          </label>
          {have ? (
            <p class="govuk-body-s" id={`${id}-have`}>
              {t(req, 'Đã đính kèm', 'Attached')}: <strong>{have.fileName}</strong>
              {have.reusedFrom ? ` ${t(req, `(lấy từ kho dữ liệu của bạn, kết quả ${have.reusedFrom})`, `(from your repository, result ${have.reusedFrom})`)}` : ''}.{' '}
              {repository.length ? t(req, 'Chọn tệp hoặc giấy tờ khác để thay thế.', 'Choose another file or document to replace it.') : t(req, 'Chọn tệp khác để thay thế.', 'Choose another file to replace it.')}
            </p>
          ) : null}
          {err ? <p id={`${id}-error`} class="govuk-error-message"><span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err}</p> : null}
          <input class={`govuk-file-upload${err ? ' govuk-file-upload--error' : ''}`} id={id} name={`file.${s.idx}`} type="file" accept={ACCEPT} aria-describedby={described} />
          {repository.length ? (
            <div class="govuk-!-margin-top-3">
              <label class="govuk-label" for={`${id}-reuse`}>
                {t(req, 'Hoặc chọn giấy tờ trong kho dữ liệu của bạn', 'Or pick a document from your repository')}
                <span class="govuk-visually-hidden">{`: ${s.name}`}</span>
              </label>
              <select class={`govuk-select govuk-!-width-full${err ? ' govuk-select--error' : ''}`} id={`${id}-reuse`} name={`reuse.${s.idx}`} aria-describedby={described}>
                <option value="">{t(req, '— Không chọn —', '— None —')}</option>
                {repository.map((r) => <option value={r.resultCode}>{r.label}</option>)}
              </select>
            </div>
          ) : null}
          {have && !s.required ? (
            <div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-top-2">
              <div class="govuk-checkboxes__item">
                <input class="govuk-checkboxes__input" id={`${id}-remove`} name={`remove.${s.idx}`} type="checkbox" value="1" />
                <label class="govuk-label govuk-checkboxes__label" for={`${id}-remove`}>{t(req, `Bỏ tệp ${have.fileName}`, `Remove ${have.fileName}`)}</label>
              </div>
            </div>
          ) : null}
        </div>
      );
    })}
    </>
  );
}

/** The online filing form: the procedure's e-form and one file input per component. */
export function DossierFilePage({ req, p, slots, draft, values, errors, saved, repository = [] }: { req: FastifyRequest; p: ProcedureDetail; slots: FileSlot[]; draft: Draft | null; values: Record<string, unknown>; errors: FormErrors; saved?: boolean; repository?: RepositoryDoc[] }) {
  const attached = new Map((draft?.components ?? []).map((c) => [c.code, c]));
  const title = t(req, 'Nộp hồ sơ trực tuyến', 'Apply online');
  return (
    <Layout req={req} area="portal" title={errors.summary.length ? `${t(req, 'Lỗi', 'Error')}: ${title}` : title}>
      <Breadcrumbs req={req} p={p} />
      <ErrorSummary req={req} errors={errors.summary} />
      {saved && draft ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="status" aria-labelledby="saved-title">
          <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="saved-title">{t(req, 'Đã lưu', 'Saved')}</h2></div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, `Đã lưu nháp lúc ${when(draft.updatedAt)}. Bạn có thể tiếp tục trên thiết bị khác sau khi đăng nhập.`, `Draft saved at ${when(draft.updatedAt)}. You can continue on another device after signing in.`)}</p>
          </div>
        </div>
      ) : draft && !errors.summary.length ? (
        <div class="govuk-inset-text">{t(req, `Bạn đang tiếp tục bản nháp lưu lúc ${when(draft.updatedAt)}.`, `You are continuing the draft saved at ${when(draft.updatedAt)}.`)}</div>
      ) : null}
      <span class="govuk-caption-m">{t(req, 'Mã thủ tục', 'Procedure code')} {p.code}</span>
      <h1 class="govuk-heading-l">{title}: {p.name}</h1>
      <p class="govuk-body">{t(req, 'Các mục có dấu * là bắt buộc. Tệp đính kèm được lưu ngay khi bạn bấm "Lưu nháp" hoặc "Xem lại", nên không phải tải lại.', 'Items marked * are required. Attached files are kept as soon as you press "Save draft" or "Review", so you need not upload them again.')}</p>
      <form method="post" action={`${fileUrl(p.code)}?_csrf=${encodeURIComponent(req.csrfToken)}`} enctype="multipart/form-data" novalidate>
        {p.eForm?.properties ? (
          <>
            <h2 class="govuk-heading-m">{t(req, 'Tờ khai điện tử', 'E-form')}</h2>
            <EForm req={req} schema={p.eForm as FieldSchema} values={values} errors={errors.fields} />
          </>
        ) : null}
        {slots.length ? (
          <>
            <h2 class="govuk-heading-m">{t(req, 'Giấy tờ đính kèm', 'Attached documents')}</h2>
            <p class="govuk-hint">{t(req, 'Tệp PDF, JPG, PNG, DOCX hoặc XLSX, tối đa 20 MB mỗi tệp.', 'PDF, JPG, PNG, DOCX or XLSX files, at most 20 MB each.')}</p>
            {repository.length ? <p class="govuk-hint">{t(req, 'Giấy tờ đã được cấp cho bạn có trong kho dữ liệu: chọn để dùng lại thay vì tải lên.', 'Documents issued to you are in your repository: pick one to reuse instead of uploading.')}</p> : null}
            <FileInputs req={req} slots={slots} errors={errors} attached={attached} repository={repository} />
          </>
        ) : null}
        <div class="govuk-button-group">
          <button type="submit" name="intent" value="review" class="govuk-button">{t(req, 'Xem lại', 'Review')}</button>
          <button type="submit" name="intent" value="save" class="govuk-button govuk-button--secondary">{t(req, 'Lưu nháp', 'Save draft')}</button>
        </div>
      </form>
      {draft ? (
        <form method="post" action={`${fileUrl(p.code)}/xoa-nhap`}>
          <input type="hidden" name="_csrf" value={req.csrfToken} />
          <button type="submit" class="govuk-button govuk-button--warning">{t(req, 'Xóa bản nháp', 'Discard the draft')}</button>
        </form>
      ) : null}
    </Layout>
  );
}

const titleOf = (req: FastifyRequest, key: string, s: FieldSchema) => (req.lang === 'en' && s['x-title-en'] ? s['x-title-en'] : (s.title ?? key));

function valueText(s: FieldSchema, v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (s.enum && typeof v === 'string') {
    const i = s.enum.indexOf(v);
    return s['x-enum-titles']?.[i] ?? v;
  }
  return String(v);
}

/** The e-form's values as a summary list, in the schema's order. */
export function FormSummary({ req, schema, values }: { req: FastifyRequest; schema: FieldSchema | null; values: Record<string, unknown> }) {
  const props = Object.entries(schema?.properties ?? {}).sort(([, a], [, b]) => (a['x-ui']?.order ?? 99) - (b['x-ui']?.order ?? 99));
  if (!props.length) return null;
  return (
    <dl class="govuk-summary-list">
      {props.map(([k, s]) => (
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{titleOf(req, k, s)}</dt>
          <dd class="govuk-summary-list__value">
            {s.type === 'array' && s.items?.properties ? (
              Array.isArray(values[k]) && (values[k] as unknown[]).length ? (
                <ol class="govuk-list govuk-list--number">
                  {(values[k] as Record<string, unknown>[]).map((row) => (
                    <li>{Object.entries(s.items!.properties!).map(([ck, cs]) => `${titleOf(req, ck, cs)}: ${valueText(cs, row[ck])}`).join('; ')}</li>
                  ))}
                </ol>
              ) : '—'
            ) : (
              valueText(s, values[k])
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Check before filing: the values and files, and the button that files the dossier. */
export function DossierReviewPage({ req, p, slots, draft }: { req: FastifyRequest; p: ProcedureDetail; slots: FileSlot[]; draft: Draft }) {
  const files = new Map(draft.components.map((c) => [c.code, c]));
  return (
    <Layout req={req} area="portal" title={t(req, 'Xem lại hồ sơ trước khi nộp', 'Check your dossier before filing')}>
      <Breadcrumbs req={req} p={p} />
      <span class="govuk-caption-m">{p.name}</span>
      <h1 class="govuk-heading-l">{t(req, 'Xem lại hồ sơ trước khi nộp', 'Check your dossier before filing')}</h1>
      {p.eForm?.properties ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Tờ khai điện tử', 'E-form')}</h2>
          <FormSummary req={req} schema={p.eForm as FieldSchema} values={draft.form} />
        </>
      ) : null}
      {slots.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Giấy tờ đính kèm', 'Attached documents')}</h2>
          <dl class="govuk-summary-list">
            {slots.map((s) => (
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{s.name}</dt>
                <dd class="govuk-summary-list__value">
                  {files.get(s.code)?.fileName ?? t(req, 'Không đính kèm', 'None')}
                  {files.get(s.code)?.reusedFrom ? ` ${t(req, '(lấy từ kho dữ liệu của bạn)', '(from your repository)')}` : ''}
                </dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      <p class="govuk-body"><a class="govuk-link" href={fileUrl(p.code)}>{t(req, 'Sửa thông tin', 'Change your answers')}</a></p>
      <h2 class="govuk-heading-m">{t(req, 'Nộp hồ sơ', 'File the dossier')}</h2>
      <p class="govuk-body">{t(req, 'Bằng việc nộp hồ sơ, bạn cam đoan các thông tin đã khai là đúng sự thật.', 'By filing, you declare that the information given is true.')}</p>
      <form method="post" action={`${fileUrl(p.code)}/nop`}>
        <input type="hidden" name="_csrf" value={req.csrfToken} />
        <input type="hidden" name="draft" value={`${draft.id}.${Date.parse(draft.updatedAt)}`} />
        <button type="submit" class="govuk-button" data-prevent-double-click="true">{t(req, 'Nộp hồ sơ', 'File the dossier')}</button>
      </form>
    </Layout>
  );
}

/** After filing: the dossier code, and where to follow it. */
export function DossierFiledPage({ req, code, procedureName, dueDate }: { req: FastifyRequest; code: string; procedureName: string; dueDate: string | null }) {
  return (
    <Layout req={req} area="portal" title={t(req, 'Đã nộp hồ sơ', 'Dossier filed')}>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">{t(req, 'Đã nộp hồ sơ', 'Dossier filed')}</h1>
        <div class="govuk-panel__body">
          {t(req, 'Mã hồ sơ của bạn', 'Your dossier code')}<br /><strong>{code}</strong>
        </div>
      </div>
      <p class="govuk-body">{procedureName}</p>
      <p class="govuk-body">
        {t(req, 'Hồ sơ đang chờ cơ quan tiếp nhận. Bạn sẽ nhận được thông báo khi hồ sơ được tiếp nhận; thời hạn giải quyết được tính từ ngày tiếp nhận.', 'The dossier is waiting to be received. You will be notified when it is; the time limit runs from the day of receipt.')}
        {dueDate ? ` ${t(req, `Hạn giải quyết: ${dueDate}.`, `Due: ${dueDate}.`)}` : ''}
      </p>
      <ul class="govuk-list">
        <li><a class="govuk-link" href={`/ho-so-cua-toi/${encodeURIComponent(code)}`}>{t(req, 'Xem hồ sơ', 'View the dossier')}</a></li>
        <li><a class="govuk-link" href="/ho-so-cua-toi">{t(req, 'Hồ sơ của tôi', 'My dossiers')}</a></li>
      </ul>
    </Layout>
  );
}
