import type { FastifyRequest } from 'fastify';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import type { Draft, DraftFiling } from '../../../modules/dossiers/drafts.ts';
import { DELIVERY, type Delivery } from '../../../modules/dossiers/schemas.ts';
import { EForm, type FieldSchema } from '../../components/eform.tsx';
import { ErrorSummary, Layout, t, WarningText } from '../../components/layout.tsx';
import { dueText, EFormView } from '../../components/dossier.tsx';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import type { FeeLine } from '../../../modules/catalog/compute-fees.ts';
import { FeeLinesTable, FilingFeesSection, PayButton } from './payment-fees.tsx';
import { PostalPickupInput, PostalQuote } from '../../components/postal.tsx';

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
/** The repository documents offered for each component, by component code: only those of the kind it asks for. */
export type RepositoryOffer = Record<string, RepositoryDoc[]>;

const ACCEPT = '.pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png';

export const fileUrl = (code: string) => `/nop-ho-so/${encodeURIComponent(code)}`;

/** The fee category chosen on the filing form, carried from page to page in the address (`doi-tuong`) until the dossier is filed. */
export const withCategory = (url: string, category: string) =>
  category ? `${url}${url.includes('?') ? '&' : '?'}doi-tuong=${encodeURIComponent(category)}` : url;

/** The online method's fees as the filing form shows them, worked out for the values sent so far (dossier-portal.ts). */
export interface FilingFees {
  fees: ProcedureDetail['methods'][number]['fees'];
  categories: { category: string; label: string; labelEn: string | null }[];
  /** The category chosen (`feeCategory`), or ''. */
  category: string;
  /** What is due at filing; null while a field it needs is not filled in. */
  owed: { lines: FeeLine[]; total: number } | null;
}

function Breadcrumbs({ req, p }: { req: FastifyRequest; p: ProcedureDetail }) {
  return (
    <nav class="govuk-breadcrumbs" aria-label={t(req, 'Vị trí', 'Breadcrumb')}>
      <ol class="govuk-breadcrumbs__list">
        <li class="govuk-breadcrumbs__list-item">
          <a class="govuk-breadcrumbs__link" href="/">
            {t(req, 'Trang chủ', 'Home')}
          </a>
        </li>
        <li class="govuk-breadcrumbs__list-item">
          <a class="govuk-breadcrumbs__link" href={`/thu-tuc/${encodeURIComponent(p.code)}`}>
            {p.code}
          </a>
        </li>
      </ol>
    </nav>
  );
}

/**
 * One file input per dossier component, with what is already attached and its error; when the
 * applicant has valid results in their e-data repository, a select `reuse.<idx>` to pick one instead.
 */
export function FileInputs({
  req,
  slots,
  errors,
  attached,
  repository = {},
}: {
  req: FastifyRequest;
  slots: FileSlot[];
  errors: FormErrors;
  attached: Map<string, { fileName: string; reusedFrom?: string }>;
  repository?: RepositoryOffer;
}) {
  return (
    <>
      {slots.map((s) => {
        const offered = repository[s.code] ?? [];
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
                {have.reusedFrom
                  ? ` ${t(req, `(lấy từ kho dữ liệu của bạn, kết quả ${have.reusedFrom})`, `(from your repository, result ${have.reusedFrom})`)}`
                  : ''}
                .{' '}
                {offered.length
                  ? t(req, 'Chọn tệp hoặc giấy tờ khác để thay thế.', 'Choose another file or document to replace it.')
                  : t(req, 'Chọn tệp khác để thay thế.', 'Choose another file to replace it.')}
              </p>
            ) : null}
            {err ? (
              <p id={`${id}-error`} class="govuk-error-message">
                <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err}
              </p>
            ) : null}
            <input
              class={`govuk-file-upload${err ? ' govuk-file-upload--error' : ''}`}
              id={id}
              name={`file.${s.idx}`}
              type="file"
              accept={ACCEPT}
              aria-describedby={described}
            />
            {offered.length ? (
              <div class="govuk-!-margin-top-3">
                <label class="govuk-label" for={`${id}-reuse`}>
                  {t(req, 'Hoặc chọn giấy tờ trong kho dữ liệu của bạn', 'Or pick a document from your repository')}
                  <span class="govuk-visually-hidden">{`: ${s.name}`}</span>
                </label>
                <select
                  class={`govuk-select govuk-!-width-full${err ? ' govuk-select--error' : ''}`}
                  id={`${id}-reuse`}
                  name={`reuse.${s.idx}`}
                  aria-describedby={described}
                >
                  <option value="">{t(req, '— Không chọn —', '— None —')}</option>
                  {offered.map((r) => (
                    <option value={r.resultCode}>{r.label}</option>
                  ))}
                </select>
              </div>
            ) : null}
            {have && !s.required ? (
              <div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-top-2">
                <div class="govuk-checkboxes__item">
                  <input class="govuk-checkboxes__input" id={`${id}-remove`} name={`remove.${s.idx}`} type="checkbox" value="1" />
                  <label class="govuk-label govuk-checkboxes__label" for={`${id}-remove`}>
                    {t(req, `Bỏ tệp ${have.fileName}`, `Remove ${have.fileName}`)}
                  </label>
                </div>
              </div>
            ) : null}
          </div>
        );
      })}
    </>
  );
}

/** The applicant's contact inputs (`contact.email`, `contact.phone`, `contact.address`), pre-filled from the account, editable. */
export const CONTACT_FIELDS: [key: 'email' | 'phone' | 'address', vi: string, en: string, type: string, autocomplete: string, width: string][] = [
  ['email', 'Thư điện tử', 'E-mail', 'email', 'email', 'govuk-!-width-full'],
  ['phone', 'Số điện thoại', 'Phone', 'tel', 'tel', 'govuk-input--width-20'],
  ['address', 'Địa chỉ', 'Address', 'text', 'street-address', 'govuk-!-width-full'],
];

function ErrorLine({ req, id, text }: { req: FastifyRequest; id: string; text?: string }) {
  return text ? (
    <p id={`${id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {text}
    </p>
  ) : null;
}

/** Contact details: where the agency writes to the applicant; empty ones are simply not used (the portal's "Thông báo" always is). */
export function ContactInputs({ req, filing, errors }: { req: FastifyRequest; filing: DraftFiling; errors: FormErrors }) {
  return (
    <>
      <h2 class="govuk-heading-m">{t(req, 'Thông tin liên hệ', 'Contact details')}</h2>
      <p class="govuk-hint">
        {t(
          req,
          'Lấy từ tài khoản định danh điện tử của bạn; bạn có thể sửa. Cơ quan gửi thông báo về hồ sơ qua thư điện tử, tin nhắn và mục "Thông báo" trên Cổng.',
          'Taken from your electronic identity; you may change them. The agency tells you about the dossier by e-mail, text message and under "Notifications" on the portal.',
        )}
      </p>
      {CONTACT_FIELDS.map(([k, vi, en, type, autocomplete, width]) => {
        const id = `contact-${k}`;
        const err = errors.fields[`contact.${k}`];
        const hint = k === 'address' ? t(req, 'Bắt buộc nếu bạn nhận kết quả qua bưu chính.', 'Required if you receive the result by post.') : null;
        return (
          <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`}>
            <label class="govuk-label" for={id}>
              {t(req, vi, en)}
            </label>
            {hint ? (
              <div class="govuk-hint" id={`${id}-hint`}>
                {hint}
              </div>
            ) : null}
            <ErrorLine req={req} id={id} text={err} />
            <input
              class={`govuk-input ${width}${err ? ' govuk-input--error' : ''}`}
              id={id}
              name={`contact.${k}`}
              type={type as 'text'}
              autocomplete={autocomplete}
              spellcheck={false}
              value={filing[k]}
              aria-describedby={[hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
            />
          </div>
        );
      })}
    </>
  );
}

/** How the applicant receives the result: radios `delivery` (online, desk, post). */
export function DeliveryInputs({
  req,
  value,
  errors,
  choices = ['online', 'desk', 'post'],
}: {
  req: FastifyRequest;
  value: Delivery;
  errors: FormErrors;
  choices?: Delivery[];
}) {
  const err = errors.fields.delivery;
  return (
    <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`}>
      <fieldset class="govuk-fieldset" aria-describedby={err ? 'delivery-error' : undefined}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
          <h2 class="govuk-fieldset__heading">{t(req, 'Hình thức nhận kết quả', 'How you receive the result')}</h2>
        </legend>
        <ErrorLine req={req} id="delivery" text={err} />
        <div class="govuk-radios">
          {choices.map((k) => (
            <div class="govuk-radios__item">
              <input class="govuk-radios__input" id={`delivery-${k}`} name="delivery" type="radio" value={k} checked={value === k} />
              <label class="govuk-label govuk-radios__label" for={`delivery-${k}`}>
                {t(req, DELIVERY[k].vi, DELIVERY[k].en)}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** The online filing form: the procedure's e-form and one file input per component. */
export function DossierFilePage({
  req,
  p,
  slots,
  draft,
  values,
  filing,
  errors,
  saved,
  repository = {},
  fees,
  postal = false,
}: {
  req: FastifyRequest;
  p: ProcedureDetail;
  slots: FileSlot[];
  draft: Draft | null;
  values: Record<string, unknown>;
  filing: DraftFiling;
  errors: FormErrors;
  saved?: boolean;
  repository?: RepositoryOffer;
  fees?: FilingFees;
  /** Whether postal pickup and delivery are offered (VNPost configured). */
  postal?: boolean;
}) {
  const attached = new Map((draft?.components ?? []).map((c) => [c.code, c]));
  const title = t(req, 'Nộp hồ sơ trực tuyến', 'Apply online');
  return (
    <Layout req={req} area="portal" title={errors.summary.length ? `${t(req, 'Lỗi', 'Error')}: ${title}` : title}>
      <Breadcrumbs req={req} p={p} />
      <ErrorSummary req={req} errors={errors.summary} />
      {saved && draft ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="status" aria-labelledby="saved-title">
          <div class="govuk-notification-banner__header">
            <h2 class="govuk-notification-banner__title" id="saved-title">
              {t(req, 'Đã lưu', 'Saved')}
            </h2>
          </div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(
                req,
                `Đã lưu nháp lúc ${formatDateTime(req.lang, draft.updatedAt)}. Bạn có thể tiếp tục trên thiết bị khác sau khi đăng nhập.`,
                `Draft saved at ${formatDateTime(req.lang, draft.updatedAt)}. You can continue on another device after signing in.`,
              )}
            </p>
          </div>
        </div>
      ) : draft && !errors.summary.length ? (
        <div class="govuk-inset-text">
          {t(
            req,
            `Bạn đang tiếp tục bản nháp lưu lúc ${formatDateTime(req.lang, draft.updatedAt)}.`,
            `You are continuing the draft saved at ${formatDateTime(req.lang, draft.updatedAt)}.`,
          )}
        </div>
      ) : null}
      <span class="govuk-caption-m">
        {t(req, 'Mã thủ tục', 'Procedure code')} {p.code}
      </span>
      <h1 class="govuk-heading-l">
        {title}: {p.name}
      </h1>
      <p class="govuk-body">
        {t(
          req,
          'Các mục có dấu * là bắt buộc. Tệp đính kèm được lưu ngay khi bạn bấm "Lưu nháp" hoặc "Xem lại", nên không phải tải lại.',
          'Items marked * are required. Attached files are kept as soon as you press "Save draft" or "Review", so you need not upload them again.',
        )}
      </p>
      <form method="post" action={`${fileUrl(p.code)}?_csrf=${encodeURIComponent(req.csrfToken)}`} enctype="multipart/form-data" novalidate>
        <ContactInputs req={req} filing={filing} errors={errors} />
        {p.eForm?.properties ? (
          <>
            <h2 class="govuk-heading-m">{t(req, 'Tờ khai điện tử', 'E-form')}</h2>
            <EForm req={req} schema={p.eForm as FieldSchema} values={values} errors={errors.fields} />
          </>
        ) : null}
        {slots.length ? (
          <>
            <h2 class="govuk-heading-m">{t(req, 'Giấy tờ đính kèm', 'Attached documents')}</h2>
            <p class="govuk-hint">
              {t(req, 'Tệp PDF, JPG, PNG, DOCX hoặc XLSX, tối đa 20 MB mỗi tệp.', 'PDF, JPG, PNG, DOCX or XLSX files, at most 20 MB each.')}
            </p>
            {Object.values(repository).some((x) => x.length) ? (
              <p class="govuk-hint">
                {t(
                  req,
                  'Giấy tờ đã được cấp cho bạn có trong kho dữ liệu: chọn để dùng lại thay vì tải lên.',
                  'Documents issued to you are in your repository: pick one to reuse instead of uploading.',
                )}
              </p>
            ) : null}
            <FileInputs req={req} slots={slots} errors={errors} attached={attached} repository={repository} />
          </>
        ) : null}
        {fees ? (
          <FilingFeesSection
            req={req}
            fees={fees.fees}
            categories={fees.categories}
            category={fees.category}
            owed={fees.owed}
            error={errors.fields.feeCategory}
          />
        ) : null}
        <DeliveryInputs req={req} value={filing.delivery} errors={errors} choices={postal ? undefined : ['online', 'desk']} />
        {postal ? <PostalPickupInput req={req} checked={Boolean(filing.postalPickup)} error={errors.fields.postalPickup} /> : null}
        <div class="govuk-button-group">
          <button type="submit" name="intent" value="review" class="govuk-button">
            {t(req, 'Xem lại', 'Review')}
          </button>
          <button type="submit" name="intent" value="save" class="govuk-button govuk-button--secondary">
            {t(req, 'Lưu nháp', 'Save draft')}
          </button>
        </div>
      </form>
      {draft ? (
        <form method="post" action={`${fileUrl(p.code)}/xoa-nhap`}>
          <input type="hidden" name="_csrf" value={req.csrfToken} />
          <button type="submit" class="govuk-button govuk-button--warning">
            {t(req, 'Xóa bản nháp', 'Discard the draft')}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}

/** Check before filing: the values and files, and the button that files the dossier. */
export function DossierReviewPage({
  req,
  p,
  slots,
  draft,
  fees,
  postalQuotes = [],
}: {
  req: FastifyRequest;
  p: ProcedureDetail;
  slots: FileSlot[];
  draft: Draft;
  fees?: FilingFees;
  /** The postal fees of what was chosen (pickup, delivery by post), shown before filing. */
  postalQuotes?: { purpose: 'pickup' | 'delivery'; fee: number }[];
}) {
  const category = fees?.categories.find((c) => c.category === fees.category);
  const files = new Map(draft.components.map((c) => [c.code, c]));
  return (
    <Layout req={req} area="portal" title={t(req, 'Xem lại hồ sơ trước khi nộp', 'Check your dossier before filing')}>
      <Breadcrumbs req={req} p={p} />
      <span class="govuk-caption-m">{p.name}</span>
      <h1 class="govuk-heading-l">{t(req, 'Xem lại hồ sơ trước khi nộp', 'Check your dossier before filing')}</h1>
      {p.eForm?.properties ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Tờ khai điện tử', 'E-form')}</h2>
          <EFormView req={req} schema={p.eForm} form={draft.form} />
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
      {draft.filing ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Thông tin liên hệ và nhận kết quả', 'Contact and result')}</h2>
          <dl class="govuk-summary-list">
            {CONTACT_FIELDS.map(([k, vi, en]) => (
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{t(req, vi, en)}</dt>
                <dd class="govuk-summary-list__value">{draft.filing![k] || '—'}</dd>
              </div>
            ))}
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{t(req, 'Hình thức nhận kết quả', 'How you receive the result')}</dt>
              <dd class="govuk-summary-list__value">{t(req, DELIVERY[draft.filing.delivery].vi, DELIVERY[draft.filing.delivery].en)}</dd>
            </div>
            {draft.filing.postalPickup ? (
              <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">{t(req, 'Nộp hồ sơ giấy', 'Paper dossier')}</dt>
                <dd class="govuk-summary-list__value">{t(req, 'Bưu điện đến nhận tại địa chỉ của bạn', 'Collected by the post from your address')}</dd>
              </div>
            ) : null}
          </dl>
        </>
      ) : null}
      {fees?.owed && (fees.owed.total > 0 || category) ? (
        <section aria-labelledby="fees-title">
          <h2 class="govuk-heading-m" id="fees-title">
            {t(req, 'Phí, lệ phí phải nộp khi nộp hồ sơ', 'Fees to pay when you file')}
          </h2>
          {category ? (
            <p class="govuk-body">
              {t(req, 'Đối tượng miễn, giảm', 'Reduction or exemption')}: <strong>{t(req, category.label, category.labelEn ?? category.label)}</strong>
            </p>
          ) : null}
          {fees.owed.total > 0 ? (
            <>
              <FeeLinesTable
                req={req}
                lines={fees.owed.lines}
                total={fees.owed.total}
                id="fees-at-filing"
                caption={t(req, 'Số tiền phải nộp', 'Amount to pay')}
              />
              <p class="govuk-body">
                {t(
                  req,
                  'Sau khi nộp, bạn thanh toán trực tuyến số tiền này; hồ sơ chỉ được gửi đến cơ quan giải quyết khi thanh toán thành công.',
                  'After filing you pay this amount online; the dossier is sent to the agency only once the payment succeeds.',
                )}
              </p>
            </>
          ) : (
            <p class="govuk-body">{t(req, 'Bạn không phải nộp phí khi nộp hồ sơ.', 'Nothing is due when you file.')}</p>
          )}
        </section>
      ) : null}
      <PostalQuote req={req} quotes={postalQuotes} />
      <p class="govuk-body">
        <a class="govuk-link" href={withCategory(fileUrl(p.code), fees?.category ?? '')}>
          {t(req, 'Sửa thông tin', 'Change your answers')}
        </a>
      </p>
      <h2 class="govuk-heading-m">{t(req, 'Nộp hồ sơ', 'File the dossier')}</h2>
      <p class="govuk-body">
        {t(req, 'Bằng việc nộp hồ sơ, bạn cam đoan các thông tin đã khai là đúng sự thật.', 'By filing, you declare that the information given is true.')}
      </p>
      <form method="post" action={`${fileUrl(p.code)}/nop`}>
        <input type="hidden" name="_csrf" value={req.csrfToken} />
        <input type="hidden" name="draft" value={`${draft.id}.${Date.parse(draft.updatedAt)}`} />
        {fees?.category ? <input type="hidden" name="feeCategory" value={fees.category} /> : null}
        <button type="submit" class="govuk-button" data-prevent-double-click="true">
          {t(req, 'Nộp hồ sơ', 'File the dossier')}
        </button>
      </form>
    </Layout>
  );
}

/** After filing: the dossier code, and where to follow it. */
export function DossierFiledPage({
  req,
  code,
  procedureName,
  dueDate,
  dueAt = null,
  processingUnit = null,
  unpaid,
  onlinePayment = false,
}: {
  req: FastifyRequest;
  code: string;
  procedureName: string;
  dueDate: string | null;
  /** The due moment and the limit's unit, so a limit in hours shows its time. */
  dueAt?: string | null;
  processingUnit?: string | null;
  /** What the dossier owes before it is sent (status unpaid): the page leads to paying it. */
  unpaid?: { lines: FeeLine[]; total: number } | null;
  onlinePayment?: boolean;
}) {
  if (unpaid) return <DossierUnpaidPage req={req} code={code} procedureName={procedureName} due={unpaid} onlinePayment={onlinePayment} />;
  return (
    <Layout req={req} area="portal" title={t(req, 'Đã nộp hồ sơ', 'Dossier filed')}>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">{t(req, 'Đã nộp hồ sơ', 'Dossier filed')}</h1>
        <div class="govuk-panel__body">
          {t(req, 'Mã hồ sơ của bạn', 'Your dossier code')}
          <br />
          <strong>{code}</strong>
        </div>
      </div>
      <p class="govuk-body">{procedureName}</p>
      <p class="govuk-body">
        {t(
          req,
          'Hồ sơ đang chờ cơ quan tiếp nhận. Bạn sẽ nhận được thông báo khi hồ sơ được tiếp nhận, trong mục "Thông báo" trên Cổng (và qua thư điện tử, tin nhắn nếu bạn đã khai); thời hạn giải quyết được tính từ ngày tiếp nhận.',
          'The dossier is waiting to be received. You will be told when it is, under "Notifications" on the portal (and by e-mail or text message if you gave them); the time limit runs from the day of receipt.',
        )}
        {dueDate || dueAt
          ? ` ${t(req, `Hạn giải quyết: ${dueText('vi', { dueDate, dueAt, processingUnit })}.`, `Due: ${dueText('en', { dueDate, dueAt, processingUnit })}.`)}`
          : ''}
      </p>
      <ul class="govuk-list">
        <li>
          <a class="govuk-link" href={`/ho-so-cua-toi/${encodeURIComponent(code)}`}>
            {t(req, 'Xem hồ sơ', 'View the dossier')}
          </a>
        </li>
        <li>
          <a class="govuk-link" href="/ho-so-cua-toi">
            {t(req, 'Hồ sơ của tôi', 'My dossiers')}
          </a>
        </li>
      </ul>
    </Layout>
  );
}

/**
 * After filing a dossier that charges at filing: kept, with its code, but not sent until paid.
 * The pay button is the next step; the same button is on the dossier's page.
 */
function DossierUnpaidPage({
  req,
  code,
  procedureName,
  due,
  onlinePayment,
}: {
  req: FastifyRequest;
  code: string;
  procedureName: string;
  due: { lines: FeeLine[]; total: number };
  onlinePayment: boolean;
}) {
  const title = t(req, 'Nộp phí để gửi hồ sơ', 'Pay the fee to send your dossier');
  return (
    <Layout req={req} area="portal" title={title}>
      <span class="govuk-caption-m">{procedureName}</span>
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {t(req, 'Mã hồ sơ của bạn', 'Your dossier code')}: <strong data-dossier-code>{code}</strong>
      </p>
      <WarningText req={req}>
        {t(
          req,
          'Hồ sơ đã được lưu nhưng chưa được gửi: thủ tục này thu phí, lệ phí khi nộp hồ sơ trực tuyến. Hồ sơ được gửi đến cơ quan giải quyết ngay khi bạn thanh toán thành công.',
          'Your dossier is saved but not sent: this procedure charges its fees when you apply online. It is sent to the agency as soon as your payment succeeds.',
        )}
      </WarningText>
      <FeeLinesTable req={req} lines={due.lines} total={due.total} id="fees-due" caption={t(req, 'Số tiền phải nộp', 'Amount to pay')} />
      {onlinePayment ? (
        <>
          <p class="govuk-body">
            {t(
              req,
              'Bạn sẽ được chuyển đến Nền tảng thanh toán của Cổng Dịch vụ công quốc gia để chọn ngân hàng hoặc ví điện tử, rồi quay lại đây.',
              'You are taken to the National Public Service Portal’s payment platform to choose a bank or e-wallet, then brought back here.',
            )}
          </p>
          <PayButton req={req} code={code} />
        </>
      ) : (
        <p class="govuk-body">
          {t(
            req,
            'Hệ thống chưa kết nối thanh toán trực tuyến: vui lòng nộp tại bộ phận một cửa của cơ quan tiếp nhận.',
            'Online payment is not available here: pay at the one-stop desk of the receiving agency.',
          )}
        </p>
      )}
      <ul class="govuk-list">
        <li>
          <a class="govuk-link" href={`/ho-so-cua-toi/${encodeURIComponent(code)}`}>
            {t(req, 'Xem hồ sơ (thanh toán sau)', 'View the dossier (pay later)')}
          </a>
        </li>
      </ul>
    </Layout>
  );
}
