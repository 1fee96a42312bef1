import { z } from 'zod';
import type { Bilingual } from '../../platform/errors.ts';
import { bi } from '../../platform/http/validation.ts';
import type { Ctx } from '../../platform/context.ts';
import { isIsoDate } from '../calendar/dates.ts';
import { getProcedure } from '../catalog/get-procedure.ts';

/**
 * The metadata of a digitised document (Circular 01/2023/TT-VPCP, the common metadata of
 * digitised dossier components and results), and the fields specific to each document type.
 * Which extra fields a component asks for is data: a default set per document type, and per
 * procedure component (`COMPONENT_FIELDS`), so a new procedure needs a line here, not code.
 */

export type FieldType = 'text' | 'date' | 'identifier';

export interface FieldDef {
  key: string;
  label: Bilingual;
  type: FieldType;
  max?: number;
  hint?: Bilingual;
}

/** The common fields, in the order a form shows them. `documentType` takes a key of DOCUMENT_TYPES. */
export const COMMON_FIELDS = [
  { key: 'documentName', label: { vi: 'Tên giấy tờ', en: 'Document name' }, type: 'text', max: 500 },
  { key: 'documentType', label: { vi: 'Loại giấy tờ', en: 'Document type' }, type: 'text', max: 40 },
  { key: 'number', label: { vi: 'Số', en: 'Number' }, type: 'text', max: 60, hint: { vi: 'Ví dụ 123/2024', en: 'e.g. 123/2024' } },
  { key: 'notation', label: { vi: 'Ký hiệu', en: 'Notation' }, type: 'text', max: 60, hint: { vi: 'Ví dụ QĐ-UBND', en: 'e.g. QĐ-UBND' } },
  { key: 'issuingAgency', label: { vi: 'Cơ quan ban hành', en: 'Issuing agency' }, type: 'text', max: 300 },
  { key: 'issueDate', label: { vi: 'Ngày ban hành', en: 'Date of issue' }, type: 'date' },
  {
    key: 'validUntil',
    label: { vi: 'Có giá trị đến ngày', en: 'Valid until' },
    type: 'date',
    hint: { vi: 'Để trống nếu không thời hạn', en: 'Leave empty when it does not expire' },
  },
  { key: 'subjectName', label: { vi: 'Tên cá nhân, tổ chức', en: 'Person or organisation' }, type: 'text', max: 300 },
  {
    key: 'subjectIdentifier',
    label: { vi: 'Số định danh / mã số thuế', en: 'Identity number / tax code' },
    type: 'identifier',
    hint: { vi: 'CCCD 12 số, CMND 9 số, mã số thuế 10 hoặc 13 số', en: 'ID card 12 digits, old ID 9, tax code 10 or 13' },
  },
] as const satisfies readonly FieldDef[];

export type CommonKey = (typeof COMMON_FIELDS)[number]['key'];

const f = (key: string, vi: string, en: string, type: FieldType = 'text', max = 500): FieldDef => ({ key, label: { vi, en }, type, max });

/**
 * Document types: each with its name, whether an agency issues it (then the agency and the date
 * of issue must be filled before it is confirmed), and its own extra fields.
 */
export const DOCUMENT_TYPES = {
  decision: {
    label: { vi: 'Quyết định', en: 'Decision' },
    issued: true,
    extra: [f('summary', 'Trích yếu', 'Summary'), f('signer', 'Người ký', 'Signed by', 'text', 200)],
  },
  certificate: {
    label: { vi: 'Giấy chứng nhận', en: 'Certificate' },
    issued: true,
    extra: [f('address', 'Địa chỉ trụ sở / thường trú', 'Registered address'), f('scope', 'Nội dung chứng nhận', 'What it certifies', 'text', 2000)],
  },
  licence: {
    label: { vi: 'Giấy phép', en: 'Licence' },
    issued: true,
    extra: [f('licensedActivity', 'Nội dung được cấp phép', 'Licensed activity', 'text', 2000), f('address', 'Địa điểm', 'Location')],
  },
  identity_card: {
    label: { vi: 'Căn cước / CMND', en: 'Identity card' },
    issued: true,
    extra: [f('dateOfBirth', 'Ngày sinh', 'Date of birth', 'date'), f('address', 'Nơi thường trú', 'Place of residence')],
  },
  application: { label: { vi: 'Đơn, tờ khai', en: 'Application form' }, issued: false, extra: [f('address', 'Địa chỉ', 'Address')] },
  contract: {
    label: { vi: 'Hợp đồng', en: 'Contract' },
    issued: false,
    extra: [f('counterparty', 'Bên ký kết còn lại', 'Other party', 'text', 300), f('contractValue', 'Giá trị hợp đồng', 'Contract value', 'text', 60)],
  },
  other: { label: { vi: 'Giấy tờ khác', en: 'Other document' }, issued: false, extra: [] as FieldDef[] },
} as const satisfies Record<string, { label: Bilingual; issued: boolean; extra: readonly FieldDef[] }>;

export type DocumentType = keyof typeof DOCUMENT_TYPES;
export const DOCUMENT_TYPE_KEYS = Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]];

/**
 * Per procedure component (key `procedureCode#componentCode`): its usual document type and any
 * fields it asks for beyond that type's. The procedure's national format has no place for them
 * (its components carry name and quantities only), so they are configured here.
 */
export const COMPONENT_FIELDS: Record<string, { documentType?: DocumentType; extra?: FieldDef[] }> = {
  // Demo: automatic import licence (2.000166): the application, the business registration
  // certificate, and the commercial invoice.
  '2.000166#000.00.00.G12-HS000501': { documentType: 'application' },
  '2.000166#000.00.00.G12-HS000502': { documentType: 'certificate', extra: [f('enterpriseCode', 'Mã số doanh nghiệp', 'Enterprise code', 'identifier')] },
  '2.000166#000.00.00.G12-HS000504': { documentType: 'other', extra: [f('invoiceNumber', 'Số hóa đơn', 'Invoice number', 'text', 60)] },
  // Demo: wholesale tobacco licence (2.000181): the business registration certificate.
  '2.000181#000.00.00.G12-HS001102': { documentType: 'certificate', extra: [f('enterpriseCode', 'Mã số doanh nghiệp', 'Enterprise code', 'identifier')] },
};

/**
 * The names of the procedure version's components by code: a dossier's component row is named
 * after its file at the counter, the procedure says what the document is.
 */
export async function componentNames(ctx: Ctx, procedureCode: string, version: number): Promise<Map<string, string>> {
  const proc = await getProcedure(ctx, procedureCode, { version });
  return new Map(proc.cases.flatMap((c) => c.components.filter((x) => x.code).map((x) => [x.code!, x.name] as const)));
}

export interface FieldSet {
  documentType: DocumentType | null;
  common: readonly FieldDef[];
  extra: FieldDef[];
}

/**
 * The fields of one digitised document: the common ones, the document type's extras, and the
 * procedure component's own (by key, the component's win). `documentType` is the one chosen
 * (by the officer or the rules), else the component's usual one.
 */
export function fieldsFor(ref: { procedureCode?: string | null; componentCode?: string | null; documentType?: string | null }): FieldSet {
  const comp = ref.procedureCode && ref.componentCode ? COMPONENT_FIELDS[`${ref.procedureCode}#${ref.componentCode}`] : undefined;
  const chosen = ref.documentType && ref.documentType in DOCUMENT_TYPES ? (ref.documentType as DocumentType) : (comp?.documentType ?? null);
  const byKey = new Map<string, FieldDef>();
  for (const x of chosen ? DOCUMENT_TYPES[chosen].extra : []) byKey.set(x.key, x);
  for (const x of comp?.extra ?? []) byKey.set(x.key, x);
  return { documentType: chosen, common: COMMON_FIELDS, extra: [...byKey.values()] };
}

/** Metadata as stored: every common field (null when not known yet) and the extra fields by key. */
export interface Metadata {
  documentName: string | null;
  documentType: DocumentType | null;
  number: string | null;
  notation: string | null;
  issuingAgency: string | null;
  issueDate: string | null;
  validUntil: string | null;
  subjectName: string | null;
  subjectIdentifier: string | null;
  extra: Record<string, string | null>;
}

export const emptyMetadata = (): Metadata => ({
  documentName: null,
  documentType: null,
  number: null,
  notation: null,
  issuingAgency: null,
  issueDate: null,
  validUntil: null,
  subjectName: null,
  subjectIdentifier: null,
  extra: {},
});

/** What a client sends to confirm: any field as text, empty meaning "none". Checked by `metadataSchema`. */
export const MetadataInput = z.object({
  documentName: z.string().max(2000).nullish(),
  documentType: z.string().max(40).nullish(),
  number: z.string().max(200).nullish(),
  notation: z.string().max(200).nullish(),
  issuingAgency: z.string().max(2000).nullish(),
  issueDate: z.string().max(40).nullish(),
  validUntil: z.string().max(40).nullish(),
  subjectName: z.string().max(2000).nullish(),
  subjectIdentifier: z.string().max(60).nullish(),
  extra: z.record(z.string().max(60), z.string().max(4000).nullable()).default({}),
});
export type MetadataInput = z.infer<typeof MetadataInput>;

const IDENTIFIER = /^(?:[0-9]{9}|[0-9]{10}|[0-9]{12}|[0-9]{13}|[0-9]{10}-[0-9]{3})$/;

/** An identity number or tax code as written, spaces and dots taken out. */
export const normaliseIdentifier = (s: string) => s.replace(/[\s.]/g, '');

/** A field's value schema with messages that name the field by its label, as the officer reads it. */
function valueSchema(d: FieldDef, required: boolean) {
  const name = d.label;
  const blank = (v: unknown) => (typeof v === 'string' && !v.trim() ? null : v);
  let base: z.ZodType<string, string>;
  if (d.type === 'date')
    base = z
      .string()
      .trim()
      .refine(isIsoDate, { message: bi(`${name.vi}: phải là ngày có thật, dạng YYYY-MM-DD`, `${name.en}: must be a real date, YYYY-MM-DD`) });
  else if (d.type === 'identifier')
    base = z
      .string()
      .transform(normaliseIdentifier)
      .refine((v) => IDENTIFIER.test(v), {
        message: bi(`${name.vi}: gồm 9, 10, 12 hoặc 13 chữ số`, `${name.en}: 9, 10, 12 or 13 digits`),
      });
  else
    base = z
      .string()
      .trim()
      .max(d.max ?? 500, { message: bi(`${name.vi}: không quá ${d.max ?? 500} ký tự`, `${name.en}: at most ${d.max ?? 500} characters`) });
  const missing = bi(`${name.vi}: bắt buộc phải có`, `${name.en}: required`);
  return required
    ? z.preprocess(blank, z.string({ error: missing }).pipe(base))
    : z.preprocess(
        blank,
        base.nullish().transform((v) => v ?? null),
      );
}

/**
 * The schema that confirms metadata for a field set: the document name and type always, the
 * issuing agency and date of issue for documents an agency issues; dates real, the validity not
 * before the issue, the issue not in the future; identifiers of a known length. Every message
 * names the field by its label («Ngày ban hành: …»).
 */
export function metadataSchema(fields: FieldSet, today: string) {
  const type = fields.documentType;
  const issued = type ? DOCUMENT_TYPES[type].issued : false;
  const common: Record<string, z.ZodType> = Object.fromEntries(
    COMMON_FIELDS.map((d) => [d.key, valueSchema(d, d.key === 'documentName' || (issued && (d.key === 'issuingAgency' || d.key === 'issueDate')))]),
  );
  const typeLabel = COMMON_FIELDS[1].label;
  common.documentType = z.enum(DOCUMENT_TYPE_KEYS, {
    error: bi(
      `${typeLabel.vi}: chọn một trong ${DOCUMENT_TYPE_KEYS.map((k) => DOCUMENT_TYPES[k].label.vi).join(', ')}`,
      `${typeLabel.en}: choose one of ${DOCUMENT_TYPE_KEYS.join(', ')}`,
    ),
  });
  const extraShape = Object.fromEntries(fields.extra.map((d) => [d.key, valueSchema(d, false)]));
  const [issue, until] = [COMMON_FIELDS[5].label, COMMON_FIELDS[6].label];
  return z.object({ ...common, extra: z.object(extraShape).strip().default({}) }).superRefine((m, ctx) => {
    const v = m as Record<string, unknown>;
    if (typeof v.issueDate === 'string' && isIsoDate(v.issueDate) && v.issueDate > today)
      ctx.addIssue({ code: 'custom', path: ['issueDate'], message: bi(`${issue.vi}: không được sau hôm nay`, `${issue.en}: cannot be after today`) });
    if (typeof v.issueDate === 'string' && typeof v.validUntil === 'string' && isIsoDate(v.validUntil) && v.validUntil < v.issueDate)
      ctx.addIssue({
        code: 'custom',
        path: ['validUntil'],
        message: bi(`${until.vi}: không được trước ${issue.vi.toLowerCase()}`, `${until.en}: cannot be before the ${issue.en.toLowerCase()}`),
      });
  });
}

/** The labels of a field set, for pages: common fields then extras, with the document types to choose from. */
export function describeFields(fields: FieldSet) {
  return {
    documentType: fields.documentType,
    documentTypes: DOCUMENT_TYPE_KEYS.map((k) => ({ key: k, label: DOCUMENT_TYPES[k].label })),
    common: fields.common.map((d) => ({ key: d.key, label: d.label, type: d.type, hint: d.hint ?? null })),
    extra: fields.extra.map((d) => ({ key: d.key, label: d.label, type: d.type, hint: d.hint ?? null })),
  };
}
