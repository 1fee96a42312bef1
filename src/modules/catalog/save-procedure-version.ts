import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { AppError, notFound, type ErrorDetail } from '../../platform/errors.ts';
import { canonicalJson, recordAudit } from '../../platform/audit/index.ts';
import { StaffRoleSchema, type StaffRole } from '../../platform/auth/roles.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { bi, fromZod, validationError, zodDetails } from '../../platform/http/validation.ts';
import { listUnits } from '../organisation/list-units.ts';
import { checkEFormSchema } from './check-eform-schema.ts';
import { getProcedure } from './get-procedure.ts';
import { storedFee } from './compute-fees.ts';
import { Cutoff, EForm, FeeDueAt, FeeReduction, type ProcedureData } from './national-format.ts';
import { isCongsoUnit } from './processing-time.ts';
import { lockProcedure, writeProcedureVersion } from './write-procedure-version.ts';

const number = () => z.number({ error: bi('Phải là một số', 'must be a number') });
const optionalText = (max: number) => z.string().trim().max(max).nullish();

/** Roles that act on dossiers; administrators and auditors never take a step. */
export const WORKFLOW_ROLES: readonly StaffRole[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk'];

export const FeeInput = z.strictObject({
  type: z.string().trim().min(1).max(60).default('FEE'),
  value: number().min(0, bi('Không được âm', 'must not be negative')).max(1e12),
  description: optionalText(4000),
  code: z.string().trim().max(40).nullish(),
  /** A fee per unit of an e-form field (per point of sale, per page): the field's key and what one unit is called. */
  per: z.strictObject({ field: z.string().trim().min(1).max(200), label: z.string().trim().min(1).max(100) }).nullish(),
  reductions: z.array(FeeReduction).max(20).nullish(),
  dueAt: FeeDueAt.nullish(),
});

export const MethodInput = z.strictObject({
  channel: z.enum(['ONLINE', 'POSTAL', 'DIRECT']),
  /** Days or hours in the unit; a same-day method needs none (omitted: kept, else 1). */
  processingTime: number().positive(bi('Phải lớn hơn 0', 'must be greater than 0')).max(3650).optional(),
  /**
   * WORKING_DAY, DAY, WORKING_HOUR or SAME_DAY; a unit the import could not map may be sent
   * back unchanged (the method then keeps counting the workflow's budgets).
   */
  processingTimeUnit: z.string().trim().min(1).max(40).default('WORKING_DAY'),
  /** SAME_DAY only: 'HH:MM' from which the result is due the next working day. Omitted: kept from the version edited; null or empty: removed. */
  processingCutoff: z
    .string()
    .trim()
    .max(5)
    .refine((v) => v === '' || Cutoff.safeParse(v).success, { message: bi('Phải là giờ dạng GG:PP, ví dụ 15:00', 'must be a time written HH:MM, e.g. 15:00') })
    .nullish(),
  /** Omitted: kept from the version edited; null or empty: removed. */
  description: optionalText(8000),
  fees: z.array(FeeInput).max(100).default([]),
});

export const ComponentInput = z.strictObject({
  /** The component's code; a new component (none given) gets one. */
  code: z.string().trim().max(100).nullish(),
  name: z.string().trim().min(1, bi('Nhập tên thành phần hồ sơ', 'enter the component name')).max(4000),
  originalQty: number().int().min(0).max(1000).default(0),
  copyQty: number().int().min(0).max(1000).default(0),
  required: z.boolean().default(false),
  hasElectronicForm: z.boolean().default(false),
});

export const CaseInput = z.strictObject({ name: z.string().trim().max(4000).default(''), components: z.array(ComponentInput).max(500) });

export const StepInput = z.strictObject({
  /** The step's key (receive, assign, examine, approve, return are the standard ones); a new step gets one. */
  step: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{1,40}$/, bi('Mã bước gồm chữ thường, số, - và _', 'a step key is lower-case letters, digits, - and _'))
    .optional(),
  name: z.string().trim().min(1, bi('Nhập tên bước', 'enter the step name')).max(300),
  nameEn: optionalText(300),
  role: StaffRoleSchema.or(z.string().max(100)),
  unit: z.string().trim().min(1, bi('Chọn đơn vị', 'choose a unit')).max(40),
  workingDays: number().min(0, bi('Không được âm', 'must not be negative')).max(365),
});

export const EFORM_FIELD_TYPES = ['text', 'textarea', 'number', 'integer', 'date', 'email', 'select', 'table', 'other'] as const;
export type EFormFieldType = (typeof EFORM_FIELD_TYPES)[number];
/** Types only kept from the version edited: their inner structure (table columns, other keywords) is not edited here. */
const KEPT_TYPES: readonly EFormFieldType[] = ['table', 'other'];

export const EFormFieldInput = z.strictObject({
  key: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
      bi('Mã trường bắt đầu bằng chữ cái, chỉ gồm chữ không dấu, số và _', 'a field key starts with a letter and has only letters, digits and _'),
    ),
  label: z.string().trim().min(1, bi('Nhập nhãn tiếng Việt', 'enter the Vietnamese label')).max(300),
  labelEn: optionalText(300),
  type: z.enum(EFORM_FIELD_TYPES),
  required: z.boolean().default(false),
  choices: z
    .array(z.strictObject({ value: z.string().trim().min(1).max(200), label: z.string().trim().min(1).max(300) }))
    .max(200)
    .optional(),
  /** A regular expression the answer must match (text fields). Omitted: kept; empty: removed. */
  pattern: z.string().max(1000).nullish(),
});
export type EFormFieldInput = z.infer<typeof EFormFieldInput>;

/**
 * A back-office edit of a procedure: the sections given replace the version edited, the
 * others are kept. The name, field, agency and legal basis are not edited here.
 */
export const SaveProcedureVersionInput = z.strictObject({
  /** The version the edit started from; a later one saved meanwhile makes this a conflict. */
  baseVersion: z.number().int().min(1).optional(),
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, bi('Phải là ngày dạng YYYY-MM-DD', 'must be a date (YYYY-MM-DD)')),
  note: optionalText(2000),
  methods: z.array(MethodInput).min(1, bi('Cần ít nhất một cách thực hiện', 'at least one way of filing is needed')).max(3).optional(),
  cases: z.array(CaseInput).min(1).max(100).optional(),
  workflow: z.array(StepInput).min(1, bi('Quy trình phải có ít nhất một bước', 'the workflow needs at least one step')).max(50).optional(),
  eFormFields: z.array(EFormFieldInput).max(200).optional(),
  /** The whole e-form as JSON Schema instead of `eFormFields`; null removes it. */
  eForm: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type SaveProcedureVersionInput = z.input<typeof SaveProcedureVersionInput>;

export interface SaveOutcome {
  code: string;
  version: number;
  status: 'new-version' | 'unchanged';
  effectiveFrom: string;
  versions: { version: number; effectiveFrom: string; effectiveTo: string | null }[];
}

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const META_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** The editor's type of an e-form field, read from its JSON Schema. */
export function fieldTypeOf(s: unknown): EFormFieldType {
  if (!isObject(s)) return 'other';
  if (s.type === 'array') return isObject(s.items) ? 'table' : 'other';
  if (Array.isArray(s.enum)) return 'select';
  const widget = isObject(s['x-ui']) ? s['x-ui'].widget : undefined;
  if (s.type === 'string' || s.type === undefined) {
    if (s.format === 'date') return 'date';
    if (s.format === 'email') return 'email';
    if (widget === 'textarea') return 'textarea';
    return s.type === 'string' ? 'text' : 'other';
  }
  if (s.type === 'number') return 'number';
  if (s.type === 'integer') return 'integer';
  return 'other';
}

const orderOf = (s: unknown) => (isObject(s) && isObject(s['x-ui']) && typeof s['x-ui'].order === 'number' ? s['x-ui'].order : 99);

/** An e-form's top-level fields as the editor shows them, in the order the form shows them. */
export function eFormFieldsOf(schema: Schema | null): EFormFieldInput[] {
  const props = isObject(schema?.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return Object.entries(props)
    .sort(([, a], [, b]) => orderOf(a) - orderOf(b))
    .map(([key, s]) => {
      const f = isObject(s) ? s : {};
      const values = Array.isArray(f.enum) ? f.enum.map(String) : null;
      const titles = Array.isArray(f['x-enum-titles']) ? (f['x-enum-titles'] as unknown[]).map(String) : [];
      return {
        key,
        label: typeof f.title === 'string' ? f.title : key,
        labelEn: typeof f['x-title-en'] === 'string' ? f['x-title-en'] : null,
        type: fieldTypeOf(f),
        required: required.has(key),
        choices: values ? values.map((value, i) => ({ value, label: titles[i] ?? value })) : undefined,
        pattern: typeof f.pattern === 'string' ? f.pattern : null,
      };
    });
}

const FRESH: Record<Exclude<EFormFieldType, 'table' | 'other'>, Schema> = {
  text: { type: 'string', maxLength: 500 },
  textarea: { type: 'string', maxLength: 4000 },
  number: { type: 'number' },
  integer: { type: 'integer' },
  date: { type: 'string', format: 'date' },
  email: { type: 'string', format: 'email' },
  select: { type: 'string' },
};
const WIDGET: Record<EFormFieldType, string | undefined> = {
  text: 'text',
  textarea: 'textarea',
  number: 'number',
  integer: 'number',
  date: 'date',
  email: 'email',
  select: 'select',
  table: 'table',
  other: undefined,
};

/**
 * The e-form the edited fields describe: a field keeping its key and type keeps what the
 * editor does not show (lengths, formats, table columns); the result is checked exactly as
 * an imported e-form is, each problem named at the field it comes from.
 */
export function buildEForm(base: Schema | null, fields: EFormFieldInput[], root = 'eFormFields'): { schema: Schema | null; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const at = (i: number, p: string) => `${root}[${i}].${p}`;
  if (!fields.length) return { schema: null, details };
  const baseProps = isObject(base?.properties) ? base.properties : {};
  const baseRequired = Array.isArray(base?.required) ? (base.required as unknown[]).map(String) : [];
  // Orders are kept while the fields keep their keys and relative order, so an edit that
  // changes no field leaves the e-form as it was (and saves no version for it).
  const orders = fields.map((f) => (Object.hasOwn(baseProps, f.key) ? orderOf(baseProps[f.key]) : null));
  const keepOrders = orders.every((o, i) => o !== null && o !== 99 && (i === 0 || o > orders[i - 1]!));
  const properties: Schema = {};
  const required: string[] = [];
  const index = new Map<string, number>();
  fields.forEach((f, i) => {
    if (index.has(f.key))
      return void details.push({ path: at(i, 'key'), message: `Mã trường ${f.key} bị trùng`, messageEn: `the field key ${f.key} is repeated` });
    index.set(f.key, i);
    const old = Object.hasOwn(baseProps, f.key) ? baseProps[f.key] : undefined;
    const same = old !== undefined && fieldTypeOf(old) === f.type;
    if (KEPT_TYPES.includes(f.type) && !same) {
      return void details.push({
        path: at(i, 'type'),
        message: 'Kiểu này chỉ giữ nguyên từ phiên bản trước; chọn kiểu khác',
        messageEn: 'this type can only be kept from the previous version; choose another',
      });
    }
    const s: Schema = same ? structuredClone(old as Schema) : structuredClone(FRESH[f.type as keyof typeof FRESH]);
    if (!(same && s.title === undefined && f.label === f.key)) s.title = f.label;
    if (f.labelEn) s['x-title-en'] = f.labelEn;
    else delete s['x-title-en'];
    if (f.type === 'select') {
      if (!f.choices?.length)
        details.push({ path: at(i, 'choices'), message: 'Danh sách chọn cần ít nhất một lựa chọn', messageEn: 'a choice list needs at least one choice' });
      else if (new Set(f.choices.map((c) => c.value)).size < f.choices.length)
        details.push({ path: at(i, 'choices'), message: 'Giá trị lựa chọn bị trùng', messageEn: 'a choice value is repeated' });
      const choices = f.choices ?? [];
      // English choice names follow their values: an edited list keeps the English name of a
      // value it still has, and a new value shows its Vietnamese name until one is given.
      const oldValues = Array.isArray(s.enum) ? (s.enum as unknown[]).map(String) : [];
      const oldEn = Array.isArray(s['x-enum-titles-en']) ? (s['x-enum-titles-en'] as unknown[]).map(String) : [];
      const enByValue = new Map(oldValues.map((v, k) => [v, oldEn[k]] as const).filter((e): e is readonly [string, string] => typeof e[1] === 'string'));
      s.enum = choices.map((c) => c.value);
      if (s['x-enum-titles'] !== undefined || choices.some((c) => c.label !== c.value)) s['x-enum-titles'] = choices.map((c) => c.label);
      if (enByValue.size) s['x-enum-titles-en'] = choices.map((c) => enByValue.get(c.value) ?? c.label);
      else delete s['x-enum-titles-en'];
    } else if (!same) {
      delete s.enum;
      delete s['x-enum-titles'];
      delete s['x-enum-titles-en'];
    }
    if (f.pattern) {
      if (f.type === 'text' || f.type === 'textarea') s.pattern = f.pattern;
      else details.push({ path: at(i, 'pattern'), message: 'Chỉ trường văn bản có mẫu kiểm tra', messageEn: 'only text fields have a pattern' });
    } else if (f.pattern !== undefined) delete s.pattern;
    const ui = isObject(s['x-ui']) ? { ...s['x-ui'] } : {};
    if (!same && WIDGET[f.type]) ui.widget = WIDGET[f.type];
    if (!keepOrders) ui.order = i + 1;
    if (Object.keys(ui).length) s['x-ui'] = ui;
    properties[f.key] = s;
    if (f.required) required.push(f.key);
  });
  const schema: Schema = { ...(base ?? { $schema: META_2020 }), type: 'object', properties };
  const sameRequired = required.length === baseRequired.length && required.every((k) => baseRequired.includes(k));
  if (required.length) schema.required = sameRequired ? baseRequired : required;
  else delete schema.required;
  if (!details.length) {
    for (const p of checkEFormSchema(schema).problems) {
      const i = p.path[0] === 'properties' && typeof p.path[1] === 'string' ? index.get(p.path[1]) : undefined;
      const path = i === undefined ? root : p.path[2] === 'pattern' ? at(i, 'pattern') : `${root}[${i}]`;
      details.push({ path, message: p.text.vi, messageEn: p.text.en });
    }
  }
  return { schema, details };
}

/** The e-form the given fields would make for a procedure, without saving: the editor's live preview. */
export async function previewEForm(ctx: Ctx, code: string, fields: unknown): Promise<{ schema: Schema | null; details: ErrorDetail[] }> {
  const parsed = z.array(EFormFieldInput).max(200).safeParse(fields);
  if (!parsed.success) return { schema: null, details: zodDetails(parsed.error, 'eFormFields') };
  const base = await getProcedure(ctx, code, { version: await latestVersion(ctx, code) });
  return buildEForm(base.eForm, parsed.data);
}

async function latestVersion(ctx: Ctx, code: string): Promise<number> {
  const row = await ctx.database.db
    .selectFrom('procedure_versions')
    .select('version')
    .where('procedure_code', '=', code)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) throw notFound({ vi: `thủ tục ${code}`, en: `Procedure ${code}` });
  return row.version;
}

const isCalendarDay = (d: string) => {
  const x = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(x.getTime()) && x.toISOString().slice(0, 10) === d;
};

function uniqueKey(taken: Set<string>, make: (n: number) => string, start: number): string {
  let n = start;
  while (taken.has(make(n))) n++;
  const k = make(n);
  taken.add(k);
  return k;
}

/**
 * An administrator's edit of a procedure, saved as a new version from an effective date
 * (today: from now on; a later day: from its start in Vietnam) through the same versioning
 * as the import, with its audit entry, in one transaction. The version before it stops
 * there; dossiers already filed keep the version they name. An edit changing nothing
 * saves nothing.
 */
export async function saveProcedureVersion(ctx: Ctx, code: string, raw: unknown, actor: string): Promise<SaveOutcome> {
  const { input, details } = parseBySection(raw);
  const latest = await latestVersion(ctx, code);
  const { version: baseVersion, effectiveFrom: _f, effectiveTo: _t, versions: _v, ...base } = await getProcedure(ctx, code, { version: latest });
  if (input.baseVersion !== undefined && input.baseVersion !== baseVersion) throw staleBase(input.baseVersion, baseVersion);

  const today = vietnamDay(new Date());
  if (input.effectiveFrom === undefined) {
    // Not given, or already named by the schema.
  } else if (!isCalendarDay(input.effectiveFrom)) details.push({ path: 'effectiveFrom', message: 'Ngày không tồn tại', messageEn: 'not a real date' });
  else if (input.effectiveFrom < today)
    details.push({ path: 'effectiveFrom', message: `Không được trước hôm nay (${today})`, messageEn: `must not be before today (${today})` });

  const data: ProcedureData = { ...base };
  if (input.methods) {
    const channels = new Set<string>();
    data.methods = input.methods.map((m, i) => {
      if (channels.has(m.channel))
        details.push({ path: `methods[${i}].channel`, message: `Kênh ${m.channel} bị trùng`, messageEn: `the channel ${m.channel} is repeated` });
      channels.add(m.channel);
      const before = base.methods.find((b) => b.channel === m.channel);
      return {
        channel: m.channel,
        ...methodTime(m, before, `methods[${i}]`, details),
        description: m.description === undefined ? (before?.description ?? null) : m.description || null,
        fees: m.fees.map(storedFee),
      };
    });
  }
  if (input.cases) {
    const codes = new Set<string>();
    input.cases.forEach((c, ci) =>
      c.components.forEach((p, pi) => {
        if (!p.code) return;
        if (codes.has(p.code))
          details.push({
            path: `cases[${ci}].components[${pi}].code`,
            message: `Mã thành phần ${p.code} bị trùng`,
            messageEn: `the component code ${p.code} is repeated`,
          });
        codes.add(p.code);
      }),
    );
    data.cases = input.cases.map((c) => ({
      name: c.name,
      components: c.components.map((p) => ({
        code: p.code || uniqueKey(codes, (n) => `${code}-TP${String(n).padStart(2, '0')}`, 1),
        name: p.name,
        originalQty: p.originalQty,
        copyQty: p.copyQty,
        required: p.required,
        hasElectronicForm: p.hasElectronicForm,
      })),
    }));
  }
  if (input.workflow) {
    const units = new Set((await listUnits(ctx)).map((u) => u.id));
    const keys = new Set<string>();
    input.workflow.forEach((s, i) => {
      if (!StaffRoleSchema.safeParse(s.role).success)
        details.push({ path: `workflow[${i}].role`, message: `Không có vai trò ${s.role}`, messageEn: `unknown role ${s.role}` });
      else if (!WORKFLOW_ROLES.includes(s.role as StaffRole))
        details.push({ path: `workflow[${i}].role`, message: 'Vai trò này không xử lý hồ sơ', messageEn: 'this role does not handle dossiers' });
      if (!units.has(s.unit)) details.push({ path: `workflow[${i}].unit`, message: `Không có đơn vị ${s.unit}`, messageEn: `unknown unit ${s.unit}` });
      if (s.step && keys.has(s.step))
        details.push({ path: `workflow[${i}].step`, message: `Mã bước ${s.step} bị trùng`, messageEn: `the step key ${s.step} is repeated` });
      if (s.step) keys.add(s.step);
    });
    if (!input.workflow.some((s) => s.workingDays > 0))
      details.push({ path: 'workflow', message: 'Tổng thời gian các bước phải lớn hơn 0', messageEn: 'the steps need some time in total' });
    data.workflow = input.workflow.map((s, i) => ({
      step: s.step ?? uniqueKey(keys, (n) => `buoc-${n}`, i + 1),
      name: s.name,
      ...(s.nameEn ? { nameEn: s.nameEn } : {}),
      role: s.role as StaffRole,
      unit: s.unit,
      workingDays: s.workingDays,
    }));
  }
  if (input.eForm !== undefined && input.eFormFields !== undefined) {
    details.push({ path: 'eForm', message: 'Chỉ gửi eForm hoặc eFormFields, không gửi cả hai', messageEn: 'send eForm or eFormFields, not both' });
  } else if (input.eForm !== undefined) {
    const checked = input.eForm === null ? null : EForm.safeParse(input.eForm);
    if (checked && !checked.success) details.push(...zodDetails(checked.error, 'eForm'));
    data.eForm = input.eForm;
  } else if (input.eFormFields !== undefined) {
    const built = buildEForm(base.eForm, input.eFormFields);
    details.push(...built.details);
    data.eForm = built.schema;
  }
  if (details.length) throw validationError(details);

  if (input.effectiveFrom === undefined) throw validationError([{ path: 'effectiveFrom', message: 'Bắt buộc phải có', messageEn: 'required' }]);
  const at = input.effectiveFrom === today ? null : new Date(`${input.effectiveFrom}T00:00:00+07:00`);
  return ctx.database.db.transaction().execute(async (tx) => {
    await lockProcedure(tx, code);
    const txCtx = inTransaction(ctx, tx);
    // Under the lock: another administrator may have saved since the version was read.
    const now = await latestVersion(txCtx, code);
    if (now !== baseVersion) throw staleBase(baseVersion, now);
    let version = baseVersion;
    let status: SaveOutcome['status'] = 'unchanged';
    if (canonicalJson(data) !== canonicalJson(base)) {
      const raw = { source: 'back-office', basedOn: baseVersion, effectiveFrom: input.effectiveFrom, note: input.note ?? null };
      const outcome = await writeProcedureVersion(tx, data, raw, at, { effectivePath: 'effectiveFrom' });
      version = outcome.version;
      status = 'new-version';
      const changed = (['methods', 'cases', 'workflow', 'eForm'] as const).filter((k) => canonicalJson(data[k]) !== canonicalJson(base[k]));
      await recordAudit(tx, {
        actor,
        action: 'catalog.version',
        target: `procedure:${code}`,
        data: { version, basedOn: baseVersion, effectiveFrom: input.effectiveFrom, changed, note: input.note ?? null },
      });
    }
    const p = await getProcedure(txCtx, code, { version });
    return { code, version, status, effectiveFrom: p.effectiveFrom, versions: p.versions };
  });
}

type Input = z.output<typeof SaveProcedureVersionInput>;

const UNIT_NAMES = 'ngày làm việc, ngày (lịch), giờ làm việc hoặc trong ngày';

/**
 * An edited method's time limit, checked across its fields: the unit is one of congso's (or
 * the unmapped one the version already had), hours and days need a number, and only a same-day
 * method has a cut-off. The text kept from an import stays while the unit does.
 */
function methodTime(
  m: z.output<typeof MethodInput>,
  before: ProcedureData['methods'][number] | undefined,
  at: string,
  details: ErrorDetail[],
): Pick<ProcedureData['methods'][number], 'processingTime' | 'processingTimeUnit' | 'processingCutoff' | 'processingTimeText'> {
  const unit = m.processingTimeUnit;
  const kept = unit === before?.processingTimeUnit;
  if (!isCongsoUnit(unit) && !kept)
    details.push({
      path: `${at}.processingTimeUnit`,
      message: `Chọn đơn vị tính thời hạn: ${UNIT_NAMES}`,
      messageEn: 'Choose what the time limit is counted in: working days, calendar days, working hours or within the day',
    });
  if (unit !== 'SAME_DAY' && m.processingTime === undefined)
    details.push({
      path: `${at}.processingTime`,
      message: unit === 'WORKING_HOUR' ? 'Nhập số giờ làm việc của thời hạn giải quyết' : 'Nhập số ngày của thời hạn giải quyết',
      messageEn: unit === 'WORKING_HOUR' ? 'Enter the processing time in working hours' : 'Enter the processing time in days',
    });
  const cutoff = m.processingCutoff === undefined ? (kept ? before?.processingCutoff : undefined) : m.processingCutoff || undefined;
  if (cutoff && unit !== 'SAME_DAY')
    details.push({
      path: `${at}.processingCutoff`,
      message: 'Giờ chốt nhận hồ sơ chỉ dùng khi thời hạn tính "trong ngày"',
      messageEn: 'A cut-off time is only for a limit counted "within the day"',
    });
  const processingTime = m.processingTime ?? (kept ? before?.processingTime : undefined) ?? 1;
  const text = kept ? before?.processingTimeText : undefined;
  return {
    processingTime,
    processingTimeUnit: unit,
    ...(cutoff && unit === 'SAME_DAY' ? { processingCutoff: cutoff } : {}),
    ...(text ? { processingTimeText: text } : {}),
  };
}

/**
 * Checks the edit section by section, so that one pass names every problem: a section that
 * fails its schema is named by it, and the others still get the checks that need the data
 * (units, roles, the e-form) before anything is refused.
 */
function parseBySection(raw: unknown): { input: Partial<Input>; details: ErrorDetail[] } {
  if (!isObject(raw)) {
    const whole = SaveProcedureVersionInput.safeParse(raw);
    throw whole.success
      ? validationError([{ path: '(root)', message: 'Phải là một đối tượng JSON', messageEn: 'must be a JSON object' }])
      : fromZod(whole.error);
  }
  const details: ErrorDetail[] = [];
  const input: Record<string, unknown> = {};
  const shape = SaveProcedureVersionInput.shape;
  for (const [key, schema] of Object.entries(shape)) {
    const r = (schema as z.ZodType).safeParse(raw[key]);
    if (r.success) input[key] = r.data;
    else details.push(...zodDetails(r.error, key));
  }
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(shape, key))
      details.push({ path: key, message: 'Trường không được hỗ trợ (không sửa được ở đây)', messageEn: 'not a field of this edit' });
  }
  return { input: input as Partial<Input>, details };
}

function staleBase(given: number, latest: number) {
  return new AppError(
    'STALE_BASE_VERSION',
    {
      vi: `Thủ tục đã có phiên bản ${latest} sau phiên bản ${given} bạn đang sửa; hãy mở lại trang sửa`,
      en: `Version ${latest} was saved after version ${given} you were editing; open the editor again`,
    },
    [{ path: 'baseVersion', message: `Phiên bản mới nhất là ${latest}`, messageEn: `the latest version is ${latest}` }],
  );
}
