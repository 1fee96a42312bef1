import { z } from 'zod';
import { bi } from '../../../platform/http/validation.ts';

/**
 * The data of a RESULT document: what an agency issues when it settles an administrative
 * procedure (a certificate, a licence, a written reply, or a decision refusing the request).
 * Plain objects: the results module maps its rows to them, and `renderResult` checks its
 * input with `resultDocumentSchema`.
 */

/** A calendar day in Vietnam, `YYYY-MM-DD`. */
export type LocalDay = string;

export type ResultKind = 'certificate' | 'licence' | 'written_reply' | 'refusal_decision';

export interface ResultAgency {
  /** The issuing agency ("Cục Xuất nhập khẩu"), printed bold in the header. */
  name: string;
  /** Cơ quan chủ quản ("Bộ Công Thương"); omitted for a top-level agency. */
  parent?: string;
  /** Place name of the date line ("Hà Nội"). */
  place: string;
}

export interface ResultHolder {
  /** The person's full name or the organisation's name. */
  name: string;
  /** Personal identification number (CCCD) or enterprise code: the QR's `nd`. */
  idNumber: string;
  kind?: 'individual' | 'organisation';
  address?: string;
}

export interface ResultSigner {
  /** "CỤC TRƯỞNG", or "KT. CỤC TRƯỞNG\nPHÓ CỤC TRƯỞNG" (a "/" also splits the lines). */
  title: string;
  name: string;
}

export interface LabelledField {
  label: string;
  value: string;
}

export interface ResultTableColumn {
  header: string;
  /** Relative width; default 1. */
  width?: number;
  align?: 'left' | 'center' | 'right';
}

export interface ResultTable {
  /** A line above the table ("Hàng hóa được chứng nhận:"). */
  caption?: string;
  columns: ResultTableColumn[];
  rows: string[][];
}

/** What every result document carries. */
export interface ResultDocumentBase {
  agency: ResultAgency;
  /** Number and notation ("125/GCN-XNK"), printed as "Số: …". */
  number: string;
  /** The date line and the PDF's creation date. */
  issuedAt: Date;
  /** The document's name, printed as its title and put in the QR's `ten` ("Giấy chứng nhận xuất xứ hàng hóa mẫu D"). */
  documentName: string;
  /** The result's identifier in the results register (the QR's `kq`). */
  resultCode: string;
  dossierCode: string;
  procedure: { code: string; name: string };
  /** The holder of a certificate or licence, the applicant of a reply or refusal. */
  holder: ResultHolder;
  signer: ResultSigner;
  /** The public page that verifies the result: the QR's `url`, also printed under the signature. */
  verificationUrl: string;
  /** "Nơi nhận" list, printed left of the signature. */
  recipients?: string[];
}

export interface CertificateContent {
  /** The sentence before the fields; default "<AGENCY> CHỨNG NHẬN:" / "<AGENCY> CẤP PHÉP:". */
  intro?: string;
  /** The label of the holder's name line; default "Tên tổ chức, cá nhân". */
  holderLabel?: string;
  fields: LabelledField[];
  table?: ResultTable;
  /** Printed as "… có hiệu lực đến hết ngày …". */
  validUntil?: LocalDay;
  /** Closing paragraphs (conditions, obligations of the holder). */
  notes?: string[];
}

export interface WrittenReplyContent {
  /** "V/v trả lời đề nghị …", printed under the title. */
  subject: string;
  /** "Kính gửi: …"; default the holder's name. */
  addressee?: string;
  paragraphs: string[];
}

export interface RefusalDecisionContent {
  /** "Về việc từ chối …", printed under the title "QUYẾT ĐỊNH". */
  subject: string;
  /** The competent person ("CỤC TRƯỞNG CỤC XUẤT NHẬP KHẨU"), printed centred before the bases. */
  authority: string;
  /** "Căn cứ …" lines, the legal basis; printed italic, each ending with ";" as given. */
  legalBasis: string[];
  /** "Theo đề nghị của …" line. */
  proposal?: string;
  /** The articles, numbered "Điều 1.", "Điều 2." … by the template. */
  articles: string[];
}

export type CertificateResult = ResultDocumentBase & { kind: 'certificate'; content: CertificateContent };
export type LicenceResult = ResultDocumentBase & { kind: 'licence'; content: CertificateContent };
export type WrittenReplyResult = ResultDocumentBase & { kind: 'written_reply'; content: WrittenReplyContent };
export type RefusalDecisionResult = ResultDocumentBase & { kind: 'refusal_decision'; content: RefusalDecisionContent };

export type ResultDocumentData = CertificateResult | LicenceResult | WrittenReplyResult | RefusalDecisionResult;

// ---- Schemas: the same shapes, checked at the door of `renderResult`. ----

const text = z.string().trim().min(1);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, bi('Phải là ngày dạng YYYY-MM-DD', 'Expected a YYYY-MM-DD day'));
const instant = z.date().refine((d) => !Number.isNaN(d.getTime()), bi('Thời điểm không hợp lệ', 'Invalid date'));

const base = {
  agency: z.object({ name: text, parent: text.optional(), place: text }),
  number: text,
  issuedAt: instant,
  documentName: text,
  resultCode: text,
  dossierCode: text,
  procedure: z.object({ code: text, name: text }),
  holder: z.object({ name: text, idNumber: text, kind: z.enum(['individual', 'organisation']).optional(), address: z.string().optional() }),
  signer: z.object({ title: text, name: text }),
  verificationUrl: z.url({ protocol: /^https?$/ }),
  recipients: z.array(text).optional(),
};

const tableSchema: z.ZodType<ResultTable> = z
  .object({
    caption: text.optional(),
    columns: z.array(z.object({ header: text, width: z.number().positive().optional(), align: z.enum(['left', 'center', 'right']).optional() })).min(1),
    rows: z.array(z.array(z.string())),
  })
  .superRefine((t, ctx) => {
    t.rows.forEach((r, i) => {
      if (r.length !== t.columns.length)
        ctx.addIssue({
          code: 'custom',
          path: ['rows', i],
          message: bi(`Dòng ${i + 1} có ${r.length} ô, cần ${t.columns.length}`, `Row ${i + 1} has ${r.length} cells, expected ${t.columns.length}`),
        });
    });
  });

const certificateContent: z.ZodType<CertificateContent> = z.object({
  intro: text.optional(),
  holderLabel: text.optional(),
  fields: z.array(z.object({ label: text, value: z.string() })),
  table: tableSchema.optional(),
  validUntil: day.optional(),
  notes: z.array(text).optional(),
});

export const resultDocumentSchema: z.ZodType<ResultDocumentData> = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('certificate'), content: certificateContent }),
  z.object({ ...base, kind: z.literal('licence'), content: certificateContent }),
  z.object({ ...base, kind: z.literal('written_reply'), content: z.object({ subject: text, addressee: text.optional(), paragraphs: z.array(text).min(1) }) }),
  z.object({
    ...base,
    kind: z.literal('refusal_decision'),
    content: z.object({ subject: text, authority: text, legalBasis: z.array(text).min(1), proposal: text.optional(), articles: z.array(text).min(1) }),
  }),
]);

/** The schema under the name the brief gives it. */
export const ResultDocumentData = resultDocumentSchema;
