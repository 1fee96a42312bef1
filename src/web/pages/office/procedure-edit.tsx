import type { FastifyRequest } from 'fastify';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import type { EFormFieldType } from '../../../modules/catalog/save-procedure-version.ts';
import type { Unit } from '../../../modules/organisation/schemas.ts';
import type { StaffRole } from '../../../platform/auth/roles.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { Csrf, ErrorMessage, ErrorSummary, FormGroup, Layout, roleName, t, WarningText } from '../../components/layout.tsx';
import { EForm, type FieldSchema } from '../../components/eform.tsx';
import { formatTimeLimit } from '../../../modules/catalog/processing-time.ts';

/** The edit form as typed: every value as text, so a re-rendered form shows exactly what was entered. */
export interface Draft {
  baseVersion: string;
  effectiveFrom: string;
  note: string;
  methods: {
    channel: string;
    processingTime: string;
    processingTimeUnit: string;
    /** 'HH:MM', same-day methods only. */
    processingCutoff: string;
    description: string;
    fees: FeeDraft[];
  }[];
  cases: { name: string; components: { code: string; name: string; originalQty: string; copyQty: string; required: boolean; hasElectronicForm: boolean }[] }[];
  workflow: { step: string; name: string; nameEn: string; role: string; unit: string; workingDays: string }[];
  eFormFields: { key: string; label: string; labelEn: string; type: string; required: boolean; choices: string; pattern: string }[];
}

/**
 * One fee as typed. `dueAtStored` says the version spelled its due time out: an unspelled one
 * means "on request", and saving the form unchanged must not spell it (no new version).
 * `reductions` is one category a line: `mã | tên đối tượng | phần trăm`, an English name after a
 * fourth `|` if there is one.
 */
export interface FeeDraft {
  type: string;
  value: string;
  description: string;
  code: string;
  dueAt: string;
  dueAtStored: boolean;
  per: { field: string; label: string };
  reductions: string;
}

export interface EditView {
  req: FastifyRequest;
  proc: ProcedureDetail;
  draft: Draft;
  units: Unit[];
  roles: readonly StaffRole[];
  today: string;
  /** Messages by input id. */
  errors: Record<string, string>;
  /** The error summary: each message linking to its input where there is one. */
  summary: { href?: string; text: string }[];
  preview: PreviewView;
}

export interface PreviewView {
  schema: Record<string, unknown> | null;
  problems: { href?: string; text: string }[];
}

const CHANNELS: Record<string, [string, string]> = {
  ONLINE: ['Nộp trực tuyến', 'Online'],
  DIRECT: ['Nộp trực tiếp', 'In person'],
  POSTAL: ['Qua bưu chính', 'By post'],
};
const TIME_UNITS: Record<string, [string, string]> = {
  WORKING_DAY: ['Ngày làm việc', 'Working days'],
  DAY: ['Ngày (lịch)', 'Calendar days'],
  WORKING_HOUR: ['Giờ làm việc', 'Working hours'],
  SAME_DAY: ['Trong ngày', 'Within the day'],
};
const FEE_TYPES: Record<string, [string, string]> = { FEE: ['Lệ phí', 'Fee'], CHARGE: ['Phí', 'Charge'] };
const FEE_DUE_AT: Record<string, [string, string]> = {
  request: ['Khi có yêu cầu (cán bộ yêu cầu trong quá trình giải quyết)', 'On request (the officer asks while processing)'],
  filing: ['Khi nộp hồ sơ (nộp trực tuyến phải nộp trước khi hồ sơ được gửi)', 'At filing (online filings pay before the dossier is sent)'],
};
export const FIELD_TYPES: Record<EFormFieldType, [string, string]> = {
  text: ['Văn bản một dòng', 'Single-line text'],
  textarea: ['Văn bản nhiều dòng', 'Multi-line text'],
  number: ['Số', 'Number'],
  integer: ['Số nguyên', 'Whole number'],
  date: ['Ngày', 'Date'],
  email: ['Thư điện tử', 'Email'],
  select: ['Danh sách chọn', 'Choice list'],
  table: ['Bảng (giữ nguyên các cột)', 'Table (columns kept)'],
  other: ['Khác (giữ nguyên)', 'Other (kept)'],
};

/** Input id of a form name: `workflow.2.role` → `workflow-2-role`. */
export const idOf = (name: string) => name.replace(/\./g, '-');
export const editUrl = (code: string) => `/can-bo/thu-tuc/${encodeURIComponent(code)}/sua`;
export const previewUrl = (code: string) => `/can-bo/thu-tuc/${encodeURIComponent(code)}/xem-truoc`;
export const versionsUrl = (code: string) => `/can-bo/thu-tuc/${encodeURIComponent(code)}/phien-ban`;

type Props = { req: FastifyRequest; errors: Record<string, string> };

function ErrorText({ req, id, errors }: Props & { id: string }) {
  return <ErrorMessage req={req} id={id} error={errors[id]} />;
}

function TextField({
  req,
  errors,
  name,
  label,
  value,
  hint,
  width,
  inputMode,
  type,
  min,
}: Props & {
  name: string;
  label: string;
  value: string;
  hint?: string;
  width?: string;
  inputMode?: 'numeric' | 'decimal';
  type?: 'text' | 'date';
  min?: string;
}) {
  const id = idOf(name);
  const err = errors[id];
  return (
    <FormGroup
      req={req}
      id={id}
      label={label}
      hint={hint}
      error={err}
      control={(described) => (
        <input
          class={`govuk-input${width ? ` ${width}` : ''}${err ? ' govuk-input--error' : ''}`}
          id={id}
          name={name}
          type={(type ?? 'text') as 'text'}
          value={value}
          inputMode={inputMode}
          min={min}
          aria-describedby={described}
          spellcheck={inputMode ? false : undefined}
        />
      )}
    />
  );
}

function TextArea({ req, errors, name, label, value, hint, rows }: Props & { name: string; label: string; value: string; hint?: string; rows?: number }) {
  const id = idOf(name);
  const err = errors[id];
  return (
    <FormGroup
      req={req}
      id={id}
      label={label}
      hint={hint}
      error={err}
      control={(described) => (
        <textarea class={`govuk-textarea${err ? ' govuk-textarea--error' : ''}`} id={id} name={name} rows={rows ?? 2} aria-describedby={described}>
          {value}
        </textarea>
      )}
    />
  );
}

function Select({
  req,
  errors,
  name,
  label,
  value,
  options,
  unknownLabel,
}: Props & { name: string; label: string; value: string; options: [string, string][]; unknownLabel?: string }) {
  const id = idOf(name);
  const err = errors[id];
  const known = options.some(([v]) => v === value);
  return (
    <div class={`govuk-form-group${err ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label" for={id}>
        {label}
      </label>
      <ErrorText req={req} id={id} errors={errors} />
      <select class={`govuk-select${err ? ' govuk-select--error' : ''}`} id={id} name={name} aria-describedby={err ? `${id}-error` : undefined}>
        {known ? null : (
          <option value={value} selected>
            {unknownLabel ?? (value || t(req, '— Chọn —', '— Choose —'))}
          </option>
        )}
        {options.map(([v, text]) => (
          <option value={v} selected={v === value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function Check({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  const id = idOf(name);
  return (
    <div class="govuk-checkboxes__item">
      <input class="govuk-checkboxes__input" id={id} name={name} type="checkbox" value="1" checked={checked} />
      <label class="govuk-label govuk-checkboxes__label" for={id}>
        {label}
      </label>
    </div>
  );
}

/** A row operation (add, remove, move): the form is posted and comes back changed, nothing saved. */
function Op({ op, label, kind }: { op: string; label: string; kind?: 'warning' | 'secondary' }) {
  return (
    <button
      type="submit"
      name="op"
      value={op}
      formnovalidate
      class={`govuk-button govuk-button--secondary${kind === 'warning' ? ' govuk-button--warning' : ''} govuk-!-margin-right-2 govuk-!-margin-bottom-2`}
    >
      {label}
    </button>
  );
}

/** The e-form as applicants will see it, read-only (its `f.*` inputs are not the editor's and are ignored): the editor's preview. */
export function EFormPreview({ req, preview }: { req: FastifyRequest; preview: PreviewView }) {
  return (
    <div id="eform-preview" aria-live="polite">
      {preview.problems.length ? (
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <div class="govuk-warning-text__text">
            <span class="govuk-visually-hidden">{t(req, 'Cảnh báo', 'Warning')}</span>
            {t(req, 'Biểu mẫu chưa dùng được:', 'The e-form cannot be used yet:')}
            <ul class="govuk-list govuk-list--bullet">
              {preview.problems.map((p) => (
                <li>
                  {p.href ? (
                    <a class="govuk-link" href={p.href}>
                      {p.text}
                    </a>
                  ) : (
                    p.text
                  )}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {preview.schema ? (
        <fieldset class="govuk-fieldset cs-card">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
            {t(req, 'Xem trước: biểu mẫu người nộp hồ sơ sẽ thấy', 'Preview: the form applicants will see')}
          </legend>
          <EForm req={req} schema={preview.schema as FieldSchema} values={{}} errors={{}} readOnly />
        </fieldset>
      ) : (
        <p class="govuk-body cs-meta">{t(req, 'Thủ tục không có biểu mẫu điện tử.', 'The procedure has no e-form.')}</p>
      )}
    </div>
  );
}

export function ProcedureEditPage(v: EditView) {
  const { req, proc, draft, errors } = v;
  const p = { req, errors };
  const unitOptions: [string, string][] = v.units.map((u) => [u.id, `${u.name} (${u.id})`]);
  const roleOptions: [string, string][] = v.roles.map((r) => [r, roleName(req, r)]);
  const typeOptions = (current: string): [string, string][] =>
    (Object.keys(FIELD_TYPES) as EFormFieldType[]).filter((k) => (k !== 'table' && k !== 'other') || k === current).map((k) => [k, t(req, ...FIELD_TYPES[k])]);
  const scheduled = new Date(proc.effectiveFrom) > new Date();
  return (
    <Layout req={req} area="office" title={t(req, `Sửa thủ tục ${proc.code}`, `Edit procedure ${proc.code}`)}>
      <a href={versionsUrl(proc.code)} class="govuk-back-link">
        {t(req, 'Các phiên bản của thủ tục', 'Versions of the procedure')}
      </a>
      <ErrorSummary req={req} errors={v.summary} />
      <span class="govuk-caption-l">{proc.code}</span>
      <h1 class="govuk-heading-l">
        {t(req, 'Sửa thủ tục', 'Edit procedure')}: {proc.name}
      </h1>
      <p class="govuk-body">
        {t(
          req,
          `Bạn đang sửa phiên bản ${proc.version} (hiệu lực từ ${formatDateTime(req.lang, proc.effectiveFrom)}). Khi lưu, thay đổi trở thành phiên bản mới từ ngày hiệu lực bạn chọn; hồ sơ đã nộp vẫn theo phiên bản đã áp dụng khi nộp.`,
          `You are editing version ${proc.version} (in effect from ${formatDateTime(req.lang, proc.effectiveFrom)}). Saving makes the changes a new version from the effective date you choose; dossiers already filed keep the version they were filed under.`,
        )}
      </p>
      {scheduled ? (
        <WarningText req={req}>
          {t(
            req,
            `Phiên bản ${proc.version} chưa có hiệu lực; phiên bản mới phải có hiệu lực sau ngày ${formatDate(req.lang, proc.effectiveFrom)}.`,
            `Version ${proc.version} is not in effect yet; a new version must take effect after ${formatDate(req.lang, proc.effectiveFrom)}.`,
          )}
        </WarningText>
      ) : null}
      <form method="post" action={editUrl(proc.code)} novalidate id="edit-form">
        <Csrf req={req} />
        <input type="hidden" name="baseVersion" value={draft.baseVersion} />
        {/* Enter in a text box presses the first submit button: make that the harmless preview, not "remove row 1". */}
        <button type="submit" name="op" value="preview" hidden>
          {t(req, 'Xem trước', 'Preview')}
        </button>

        <h2 class="govuk-heading-m" id="cases">
          {t(req, 'Thành phần hồ sơ', 'Documents to submit')}
        </h2>
        {draft.cases.map((c, ci) => (
          <div>
            {draft.cases.length > 1 || c.name ? <h3 class="govuk-heading-s">{c.name || t(req, `Trường hợp ${ci + 1}`, `Case ${ci + 1}`)}</h3> : null}
            <input type="hidden" name={`cases.${ci}.name`} value={c.name} />
            {c.components.map((x, i) => {
              const n = `cases.${ci}.components.${i}`;
              return (
                <fieldset class="govuk-fieldset cs-card">
                  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, `Thành phần ${i + 1}`, `Document ${i + 1}`)}</legend>
                  <input type="hidden" name={`${n}.code`} value={x.code} />
                  {x.code ? (
                    <p class="govuk-body-s cs-meta">
                      {t(req, 'Mã', 'Code')}: {x.code}
                    </p>
                  ) : null}
                  <TextArea {...p} name={`${n}.name`} label={t(req, 'Tên giấy tờ', 'Document name')} value={x.name} />
                  <div class="govuk-grid-row">
                    <div class="govuk-grid-column-one-half">
                      <TextField
                        {...p}
                        name={`${n}.originalQty`}
                        label={t(req, 'Số bản chính', 'Originals')}
                        value={x.originalQty}
                        width="govuk-input--width-4"
                        inputMode="numeric"
                      />
                    </div>
                    <div class="govuk-grid-column-one-half">
                      <TextField
                        {...p}
                        name={`${n}.copyQty`}
                        label={t(req, 'Số bản sao', 'Copies')}
                        value={x.copyQty}
                        width="govuk-input--width-4"
                        inputMode="numeric"
                      />
                    </div>
                  </div>
                  <div class="govuk-form-group">
                    <div class="govuk-checkboxes govuk-checkboxes--small">
                      <Check name={`${n}.required`} label={t(req, 'Bắt buộc', 'Required')} checked={x.required} />
                      <Check name={`${n}.hasElectronicForm`} label={t(req, 'Có biểu mẫu điện tử', 'Has an e-form')} checked={x.hasElectronicForm} />
                    </div>
                  </div>
                  <Op op={`remove:${n}`} label={t(req, `Xóa thành phần ${i + 1}`, `Remove document ${i + 1}`)} kind="warning" />
                </fieldset>
              );
            })}
            <Op op={`add:cases.${ci}.components`} label={t(req, 'Thêm thành phần hồ sơ', 'Add a document')} />
          </div>
        ))}

        <h2 class="govuk-heading-m" id="methods">
          {t(req, 'Thời hạn giải quyết, phí và lệ phí', 'Processing time and fees')}
        </h2>
        {draft.methods.map((m, mi) => {
          const n = `methods.${mi}`;
          const [vi, en] = CHANNELS[m.channel] ?? [m.channel, m.channel];
          const current = proc.methods.find((x) => x.channel === m.channel);
          return (
            <fieldset class="govuk-fieldset cs-card cs-time-limit">
              <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, vi, en)}</legend>
              <input type="hidden" name={`${n}.channel`} value={m.channel} />
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-one-half">
                  <TextField
                    {...p}
                    name={`${n}.processingTime`}
                    label={t(req, 'Thời hạn giải quyết', 'Processing time')}
                    hint={t(req, 'Số ngày hoặc số giờ; để trống nếu tính trong ngày', 'Days or hours; leave empty for within the day')}
                    value={m.processingTime}
                    width="govuk-input--width-4"
                    inputMode="decimal"
                  />
                </div>
                <div class="govuk-grid-column-one-half">
                  <Select
                    {...p}
                    name={`${n}.processingTimeUnit`}
                    label={t(req, 'Tính theo', 'Counted in')}
                    value={m.processingTimeUnit}
                    options={Object.entries(TIME_UNITS).map(([k, [a, b]]) => [k, t(req, a, b)])}
                    unknownLabel={
                      m.processingTimeUnit
                        ? t(req, `Chưa quy đổi (${m.processingTimeUnit}): tính theo quy trình`, `Not converted (${m.processingTimeUnit}): counts the workflow`)
                        : undefined
                    }
                  />
                </div>
              </div>
              {/* Shown for same-day methods only where the browser can tell (app.scss); elsewhere always, and ignored for other units. */}
              <div class="cs-cutoff">
                <TextField
                  {...p}
                  name={`${n}.processingCutoff`}
                  label={t(req, 'Giờ chốt nhận hồ sơ (chỉ khi tính trong ngày)', 'Cut-off time (within the day only)')}
                  hint={t(
                    req,
                    'Dạng GG:PP, ví dụ 15:00: nhận từ giờ này trở đi thì trả trong ngày làm việc tiếp theo. Để trống nếu không có.',
                    'HH:MM, e.g. 15:00: received from this time on, the result is due the next working day. Leave empty if there is none.',
                  )}
                  value={m.processingCutoff}
                  width="govuk-input--width-5"
                />
              </div>
              {current ? (
                <p class="govuk-body-s cs-meta">
                  {t(req, 'Phiên bản đang sửa ghi', 'The version edited says')}: {formatTimeLimit(req.lang, current, proc.workflow)}
                </p>
              ) : null}
              <TextArea
                {...p}
                name={`${n}.description`}
                label={t(req, 'Mô tả thời hạn (không bắt buộc)', 'Description of the time limit (optional)')}
                value={m.description}
              />
              {m.fees.map((f, fi) => {
                const fn = `${n}.fees.${fi}`;
                // Per-unit fees count an e-form field: offer the form's fields (a key typed elsewhere, e.g. nested, stays offered).
                const perOptions: [string, string][] = [
                  ['', t(req, 'Không: một khoản cố định', 'No: a fixed amount')],
                  ...draft.eFormFields.filter((x) => x.key).map((x): [string, string] => [x.key, `${x.label || x.key} (${x.key})`]),
                ];
                return (
                  <fieldset class="govuk-fieldset cs-card">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, `Khoản phí ${fi + 1} (${vi})`, `Fee ${fi + 1} (${en})`)}</legend>
                    <input type="hidden" name={`${fn}.dueAtStored`} value={f.dueAtStored ? '1' : ''} />
                    <div class="govuk-grid-row">
                      <div class="govuk-grid-column-one-half">
                        <Select
                          {...p}
                          name={`${fn}.type`}
                          label={t(req, 'Loại', 'Kind')}
                          value={f.type}
                          options={Object.entries(FEE_TYPES).map(([k, [a, b]]) => [k, t(req, a, b)])}
                        />
                      </div>
                      <div class="govuk-grid-column-one-half">
                        <TextField
                          {...p}
                          name={`${fn}.value`}
                          label={t(req, 'Mức thu (đồng)', 'Amount (VND)')}
                          value={f.value}
                          width="govuk-input--width-10"
                          inputMode="numeric"
                        />
                      </div>
                    </div>
                    <TextField
                      {...p}
                      name={`${fn}.code`}
                      label={t(req, 'Mã khoản thu (không bắt buộc)', 'Fee code (optional)')}
                      hint={t(
                        req,
                        'In trên biên lai và gửi cổng thanh toán, ví dụ LP-01',
                        'Printed on the receipt and sent to the payment platform, e.g. LP-01',
                      )}
                      value={f.code}
                      width="govuk-input--width-10"
                    />
                    <Select
                      {...p}
                      name={`${fn}.dueAt`}
                      label={t(req, 'Thời điểm thu', 'When it is collected')}
                      value={f.dueAt}
                      options={Object.entries(FEE_DUE_AT).map(([k, [a, b]]) => [k, t(req, a, b)])}
                    />
                    <div class="govuk-grid-row">
                      <div class="govuk-grid-column-one-half">
                        <Select
                          {...p}
                          name={`${fn}.per.field`}
                          label={t(req, 'Thu theo số lượng nhập ở trường', 'Per unit entered in the field')}
                          value={f.per.field}
                          options={perOptions}
                        />
                      </div>
                      <div class="govuk-grid-column-one-half">
                        <TextField
                          {...p}
                          name={`${fn}.per.label`}
                          label={t(req, 'Đơn vị tính', 'Unit')}
                          hint={t(req, 'Ví dụ: điểm kinh doanh', 'For example: point of sale')}
                          value={f.per.label}
                        />
                      </div>
                    </div>
                    <TextArea
                      {...p}
                      name={`${fn}.reductions`}
                      label={t(req, 'Miễn, giảm theo đối tượng (không bắt buộc)', 'Exemptions and reductions by category (optional)')}
                      hint={t(
                        req,
                        'Mỗi dòng một đối tượng: mã | tên đối tượng | phần trăm giảm (100 là miễn), có thể thêm | tên tiếng Anh. Ví dụ: ho-ngheo | Hộ nghèo | 100',
                        'One category a line: code | name | percent off (100 exempts), optionally | English name. For example: ho-ngheo | Hộ nghèo | 100',
                      )}
                      value={f.reductions}
                      rows={3}
                    />
                    <TextArea {...p} name={`${fn}.description`} label={t(req, 'Ghi chú (không bắt buộc)', 'Note (optional)')} value={f.description} />
                    <Op op={`remove:${fn}`} label={t(req, `Xóa khoản phí ${fi + 1} (${vi})`, `Remove fee ${fi + 1} (${en})`)} kind="warning" />
                  </fieldset>
                );
              })}
              {m.fees.length ? null : <p class="govuk-body">{t(req, 'Không thu phí, lệ phí.', 'No fee.')}</p>}
              <Op op={`add:${n}.fees`} label={t(req, `Thêm khoản phí (${vi})`, `Add a fee (${en})`)} />
            </fieldset>
          );
        })}

        <h2 class="govuk-heading-m" id="workflow">
          {t(req, 'Quy trình xử lý', 'Workflow')}
        </h2>
        <ErrorText req={req} id="workflow" errors={errors} />
        <p class="govuk-body">
          {t(
            req,
            'Mỗi bước do một vai trò của một đơn vị thực hiện, trong thời gian tính bằng ngày làm việc (0,5 là nửa ngày).',
            'Each step is taken by a role in a unit, within a time counted in working days (0.5 is half a day).',
          )}
        </p>
        {draft.workflow.map((s, i) => {
          const n = `workflow.${i}`;
          return (
            <fieldset class="govuk-fieldset cs-card">
              <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
                {t(req, `Bước ${i + 1}`, `Step ${i + 1}`)}
                {s.name ? `: ${s.name}` : ''}
              </legend>
              <input type="hidden" name={`${n}.step`} value={s.step} />
              {s.step ? (
                <p class="govuk-body-s cs-meta">
                  {t(req, 'Mã bước', 'Step key')}: {s.step}
                </p>
              ) : null}
              <ErrorText req={req} id={idOf(`${n}.step`)} errors={errors} />
              <TextField {...p} name={`${n}.name`} label={t(req, 'Tên bước', 'Step name')} value={s.name} />
              <TextField {...p} name={`${n}.nameEn`} label={t(req, 'Tên tiếng Anh (không bắt buộc)', 'English name (optional)')} value={s.nameEn} />
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-one-half">
                  <Select {...p} name={`${n}.role`} label={t(req, 'Vai trò thực hiện', 'Role')} value={s.role} options={roleOptions} />
                </div>
                <div class="govuk-grid-column-one-half">
                  <TextField
                    {...p}
                    name={`${n}.workingDays`}
                    label={t(req, 'Thời gian (ngày làm việc)', 'Time (working days)')}
                    value={s.workingDays}
                    width="govuk-input--width-4"
                    inputMode="decimal"
                  />
                </div>
              </div>
              <Select {...p} name={`${n}.unit`} label={t(req, 'Đơn vị', 'Unit')} value={s.unit} options={unitOptions} />
              {i > 0 ? <Op op={`up:${n}`} label={t(req, `Chuyển bước ${i + 1} lên`, `Move step ${i + 1} up`)} /> : null}
              {i < draft.workflow.length - 1 ? <Op op={`down:${n}`} label={t(req, `Chuyển bước ${i + 1} xuống`, `Move step ${i + 1} down`)} /> : null}
              <Op op={`remove:${n}`} label={t(req, `Xóa bước ${i + 1}`, `Remove step ${i + 1}`)} kind="warning" />
            </fieldset>
          );
        })}
        <Op op="add:workflow" label={t(req, 'Thêm bước', 'Add a step')} />

        <h2 class="govuk-heading-m" id="eFormFields">
          {t(req, 'Biểu mẫu điện tử', 'E-form')}
        </h2>
        <ErrorText req={req} id="eFormFields" errors={errors} />
        <div hx-post={previewUrl(proc.code)} hx-trigger="input delay:600ms, change" hx-target="#eform-preview" hx-swap="outerHTML">
          {draft.eFormFields.map((f, i) => {
            const n = `eFormFields.${i}`;
            return (
              <fieldset class="govuk-fieldset cs-card">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
                  {t(req, `Trường ${i + 1}`, `Field ${i + 1}`)}
                  {f.label ? `: ${f.label}` : ''}
                </legend>
                <TextField
                  {...p}
                  name={`${n}.key`}
                  label={t(req, 'Mã trường', 'Field key')}
                  hint={t(req, 'Chữ không dấu, số và _, ví dụ maSoThue', 'Letters, digits and _, e.g. maSoThue')}
                  value={f.key}
                  width="govuk-input--width-20"
                />
                <TextField {...p} name={`${n}.label`} label={t(req, 'Nhãn tiếng Việt', 'Vietnamese label')} value={f.label} />
                <TextField {...p} name={`${n}.labelEn`} label={t(req, 'Nhãn tiếng Anh (không bắt buộc)', 'English label (optional)')} value={f.labelEn} />
                <Select {...p} name={`${n}.type`} label={t(req, 'Kiểu', 'Type')} value={f.type} options={typeOptions(f.type)} />
                <div class="govuk-form-group">
                  <div class="govuk-checkboxes govuk-checkboxes--small">
                    <Check name={`${n}.required`} label={t(req, 'Bắt buộc nhập', 'Required')} checked={f.required} />
                  </div>
                </div>
                <TextArea
                  {...p}
                  name={`${n}.choices`}
                  label={t(req, 'Lựa chọn (với danh sách chọn)', 'Choices (for a choice list)')}
                  hint={t(req, 'Mỗi dòng một lựa chọn: mã | nhãn hiển thị', 'One choice a line: value | label')}
                  value={f.choices}
                  rows={3}
                />
                <TextField
                  {...p}
                  name={`${n}.pattern`}
                  label={t(req, 'Mẫu kiểm tra (với văn bản, không bắt buộc)', 'Pattern (for text, optional)')}
                  hint={t(req, 'Biểu thức chính quy, ví dụ ^[0-9]{10}$', 'A regular expression, e.g. ^[0-9]{10}$')}
                  value={f.pattern}
                  inputMode={undefined}
                />
                <Op op={`remove:${n}`} label={t(req, `Xóa trường ${i + 1}`, `Remove field ${i + 1}`)} kind="warning" />
              </fieldset>
            );
          })}
        </div>
        <Op op="add:eFormFields" label={t(req, 'Thêm trường', 'Add a field')} />
        <button type="submit" name="op" value="preview" formnovalidate class="govuk-button govuk-button--secondary govuk-!-margin-bottom-2">
          {t(req, 'Xem trước', 'Preview')}
        </button>
        <EFormPreview req={req} preview={v.preview} />

        <h2 class="govuk-heading-m">{t(req, 'Hiệu lực', 'Effect')}</h2>
        <TextField
          {...p}
          name="effectiveFrom"
          type="date"
          min={v.today}
          label={t(req, 'Ngày có hiệu lực', 'Effective date')}
          hint={t(
            req,
            'Từ hôm nay trở đi. Hôm nay: áp dụng cho hồ sơ nộp từ lúc lưu.',
            'Today or later. Today: applies to dossiers filed from the moment it is saved.',
          )}
          value={draft.effectiveFrom}
          width="govuk-input--width-10"
        />
        <TextArea
          {...p}
          name="note"
          label={t(req, 'Căn cứ, lý do thay đổi (không bắt buộc)', 'Legal basis or reason for the change (optional)')}
          value={draft.note}
        />
        <div class="govuk-button-group">
          <button type="submit" name="op" value="save" class="govuk-button">
            {t(req, 'Lưu phiên bản mới', 'Save as a new version')}
          </button>
          <a class="govuk-link" href={versionsUrl(proc.code)}>
            {t(req, 'Hủy', 'Cancel')}
          </a>
        </div>
      </form>
    </Layout>
  );
}

/** A procedure's versions, newest first, with the period each was in effect. */
export function ProcedureVersionsPage({
  req,
  proc,
  canEdit,
  saved,
  unchanged,
}: {
  req: FastifyRequest;
  proc: ProcedureDetail;
  canEdit: boolean;
  saved?: number;
  unchanged?: boolean;
}) {
  const now = new Date();
  const versions = [...proc.versions].reverse();
  return (
    <Layout req={req} area="office" title={t(req, `Phiên bản thủ tục ${proc.code}`, `Versions of ${proc.code}`)}>
      <a href="/can-bo/thu-tuc" class="govuk-back-link">
        {t(req, 'Danh mục thủ tục', 'Procedure catalogue')}
      </a>
      {saved ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, `Đã lưu phiên bản ${saved}.`, `Version ${saved} saved.`)}</p>
          </div>
        </div>
      ) : null}
      {unchanged ? (
        <div class="govuk-notification-banner" role="region" aria-labelledby="unchanged-title">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading" id="unchanged-title">
              {t(req, 'Không có thay đổi nào nên không tạo phiên bản mới.', 'Nothing changed, so no new version was made.')}
            </p>
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-l">{proc.code}</span>
      <h1 class="govuk-heading-l">{proc.name}</h1>
      <h2 class="govuk-heading-m">{t(req, 'Các phiên bản', 'Versions')}</h2>
      <ol class="govuk-list" reversed>
        {versions.map((x) => {
          const inForce = new Date(x.effectiveFrom) <= now && (!x.effectiveTo || new Date(x.effectiveTo) > now);
          const future = new Date(x.effectiveFrom) > now;
          return (
            <li class="cs-card">
              <h3 class="govuk-heading-s govuk-!-margin-bottom-2">
                {t(req, `Phiên bản ${x.version}`, `Version ${x.version}`)}{' '}
                {inForce ? (
                  <strong class="govuk-tag govuk-tag--green">{t(req, 'Đang hiệu lực', 'In force')}</strong>
                ) : future ? (
                  <strong class="govuk-tag govuk-tag--blue">{t(req, 'Sắp có hiệu lực', 'Scheduled')}</strong>
                ) : (
                  <strong class="govuk-tag govuk-tag--grey">{t(req, 'Hết hiệu lực', 'Ended')}</strong>
                )}
              </h3>
              <dl class="govuk-summary-list govuk-summary-list--no-border govuk-!-margin-bottom-0">
                <div class="govuk-summary-list__row">
                  <dt class="govuk-summary-list__key">{t(req, 'Hiệu lực từ', 'In effect from')}</dt>
                  <dd class="govuk-summary-list__value">{formatDateTime(req.lang, x.effectiveFrom)}</dd>
                </div>
                <div class="govuk-summary-list__row">
                  <dt class="govuk-summary-list__key">{t(req, 'Đến', 'Until')}</dt>
                  <dd class="govuk-summary-list__value">{x.effectiveTo ? formatDateTime(req.lang, x.effectiveTo) : t(req, 'Chưa xác định', 'Open')}</dd>
                </div>
              </dl>
            </li>
          );
        })}
      </ol>
      {canEdit ? (
        <a class="govuk-button" href={editUrl(proc.code)}>
          {t(req, 'Sửa thủ tục', 'Edit the procedure')}
        </a>
      ) : null}
    </Layout>
  );
}
