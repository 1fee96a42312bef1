import { z } from 'zod';
import { bi } from '../../../platform/http/validation.ts';
import { finishedLate } from '../../../platform/pdf/dates.ts';
import { Hhmm } from '../../calendar/office-hours.ts';

/**
 * The data of the one-stop forms (Circular 03/2025/TT-VPCP, Appendix I). Plain objects: the
 * dossier module maps its rows and actions to them, and every form validates its input
 * with the schema beside its interface.
 */

/** A calendar day in Vietnam, `YYYY-MM-DD` (how the dossier module stores due dates). */
export type LocalDay = string;
/** An instant (printed with hour and minute, Vietnam time) or a bare day. */
export type When = Date | LocalDay;

export interface Agency {
  /** Cơ quan chủ quản ("Bộ Công Thương"); omitted for a top-level agency. */
  parent?: string;
  /** The agency that resolves the dossier ("Cục Xuất nhập khẩu"). */
  name: string;
  /**
   * The one-stop desk's own name when it has one; it issues forms 01, 02, 03, 06 and 07. Omitted,
   * the forms print the regulation's name as of their event ("Bộ phận Một cửa").
   */
  desk?: string;
  /** Place name of the date line ("Hà Nội"). */
  place: string;
}

export interface Applicant {
  /** Person's full name or organisation's name. */
  name: string;
  /** Personal identification number (CCCD) or enterprise/organisation code: the QR's `nd`. */
  idNumber: string;
  kind?: 'individual' | 'organisation';
  address?: string;
  phone?: string;
  email?: string;
}

export interface ProcedureRef {
  /** National procedure code ("1.001193"). */
  code: string;
  name: string;
}

export interface Signatory {
  /** "CỤC TRƯỞNG", or "KT. CỤC TRƯỞNG\nPHÓ CỤC TRƯỞNG" on two lines. */
  title: string;
  /** Omitted when not known: the signature block is left for the signer to write. */
  name?: string;
}

/** What every dossier form carries. */
export interface DossierFormBase {
  agency: Agency;
  dossierCode: string;
  procedure: ProcedureRef;
  applicant: Applicant;
  /** Number and notation ("15/GTN-BPMC"), printed as "Số: …" when given. */
  number?: string;
  /** When the form is issued: the date line and the PDF's creation date. */
  issuedAt: Date;
  /** The dossier's tracking page, added to the QR code as `url`. */
  trackingUrl?: string;
}

export type Channel = 'direct' | 'online' | 'postal';

export interface ReceivedComponent {
  name: string;
  originals: number;
  copies: number;
  /** Scanned into the dossier at receipt, or filed electronically. */
  digitised: boolean;
}

/**
 * A procedure's time limit as form 01 states it: a number of working days, days or working
 * hours; the same working day (received after the cut-off 'HH:MM': the next); or the catalogue's
 * own words when its unit maps onto none of these.
 */
export type ProcessingTime =
  | { unit: 'working-days' | 'days' | 'working-hours'; value: number }
  | { unit: 'same-day'; cutoff?: string }
  | { unit: 'text'; text: string };

/** Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export interface ReceiptSlipData extends DossierFormBase {
  components: ReceivedComponent[];
  /** Number of sets (bộ); default 1. */
  sets?: number;
  /** The statutory processing time ("15 ngày làm việc", "8 giờ làm việc", "trong ngày làm việc"). */
  processingTime?: ProcessingTime;
  receivedAt: Date;
  /** The appointment: an instant prints with its hour and minute (limits in hours, same day), a day without. */
  dueDate: When;
  channel: Channel;
  /** How the applicant registered to receive the result; `address` for the postal service. */
  resultDelivery: { method: Channel; address?: string };
  receivingOfficer: string;
  /** The entry in the paper register, when one is kept. */
  register?: { book?: string; entry?: number };
  /** The e-form's answers as labelled lines, in the form's order (codes by their names). */
  eForm?: { label: string; value: string }[];
}

/** Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
export interface SupplementRequestData extends DossierFormBase {
  receivedAt?: Date;
  items: { content: string; reason: string }[];
  /** The officer who asks (signs as "NGƯỜI HƯỚNG DẪN"). */
  officer: { name: string };
  /** Who answers the applicant's questions while supplementing. */
  contact: { name: string; phone: string; email?: string };
}

/** Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ. */
export interface RefusalData extends DossierFormBase {
  receivedAt?: Date;
  reasons: string[];
  officer: { name: string };
}

/**
 * Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Circular 03/2025): the
 * handling agency's letter to the applicant. Issued for an apology before 15 September 2025, it
 * is the 2018 "Phiếu xin lỗi và hẹn lại ngày trả kết quả". Times print with hour and minute when
 * given as instants (limits in hours), as days otherwise.
 */
export interface ApologyData extends DossierFormBase {
  receivedAt: Date;
  /** The due moment the dossier misses. */
  originalDueDate: When;
  delayReason: string;
  /** The moment the agency asks to extend the time limit to. */
  newDueDate: When;
  /** Replaces the standard apology sentence. */
  apology?: string;
  signer: Signatory;
  recipients?: string[];
}

/** Form 05: Thông báo dừng giải quyết hồ sơ (before 15 September 2025: "Thông báo dừng xử lý hồ sơ"). */
export interface StopNoticeData extends DossierFormBase {
  receivedAt: Date;
  reason: string;
  /** "Căn cứ …" lines, the legal basis of the stop. */
  legalBasis: string[];
  /** What happens to the dossier and the fees paid; a standard sentence when omitted. */
  dossierReturn?: string;
  signer: Signatory;
  recipients?: string[];
}

export interface Handoff {
  /** The step of the workflow ("Thẩm định hồ sơ"). */
  step: string;
  from: { officer: string; unit: string };
  to: { officer: string; unit: string };
  handedOverAt: Date;
  stepDeadline?: When;
  finishedAt?: Date;
  /** Working days late, as the dossier module counts them on its calendar; > 0 prints "Trễ hạn x ngày". */
  lateDays?: number;
  note?: string;
}

/** Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ. */
export interface ControlSlipData extends DossierFormBase {
  receivedAt: Date;
  dueDate: When;
  /** Cơ quan (bộ phận) giải quyết hồ sơ. */
  handlingUnit: string;
  coordinatingUnits?: string[];
  handoffs: Handoff[];
}

export interface RegisterEntry {
  dossierCode: string;
  procedureName: string;
  /** Số lượng hồ sơ (bộ); default 1. */
  sets?: number;
  applicantName: string;
  applicantAddress?: string;
  applicantPhone?: string;
  /** Cơ quan chủ trì giải quyết. */
  handlingAgency: string;
  receivedAt: When;
  dueDate: When;
  /** Transferred to the handling agency. */
  transferredAt?: When;
  /** Result returned. */
  returnedAt?: When;
  note?: string;
}

/** Form 07: Sổ theo dõi hồ sơ, a unit's register over a period. */
export interface DossierRegisterData {
  agency: Agency;
  /** Identifies this register (the QR's `ma`), e.g. "H15.50.05.13-SO-202611". */
  registerCode: string;
  /** Electronic ID of the unit that keeps the register (the QR's `nd`). */
  unitId: string;
  period: { from: LocalDay; to: LocalDay };
  /** Quyển số. */
  book?: string;
  issuedAt: Date;
  entries: RegisterEntry[];
}

/** Form 08: Biên bản giao nhận kết quả qua dịch vụ bưu chính. */
export interface PostalHandoverData extends DossierFormBase {
  /** When the desk handed the result to the postal employee. */
  handedOverAt: Date;
  /** Where the result goes (the applicant's address); blank to be filled by hand when unknown. */
  deliveryAddress?: string;
  /** What is handed over: the result documents. */
  items: { name: string; reference?: string; copies?: number }[];
  /** The desk's officer who hands it over (signs as "NGƯỜI GIAO"). */
  officer: { name: string; title?: string };
  /** The postal company; "Doanh nghiệp cung ứng dịch vụ bưu chính công ích" when omitted. */
  postalService?: string;
  /** The postal order's number (and the item code once the post has given one), when the order went through VNPost. */
  postalOrder?: { number: string; itemCode?: string; fee?: number };
}

// ---- Schemas: the same shapes, checked at the door of every form. ----

const text = z.string().trim().min(1);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, bi('Phải là ngày dạng YYYY-MM-DD', 'Expected a YYYY-MM-DD day'));
const instant = z.date().refine((d) => !Number.isNaN(d.getTime()), bi('Thời điểm không hợp lệ', 'Invalid date'));
const when = z.union([instant, day]);
const count = z.number().int().min(0);

export const agencySchema: z.ZodType<Agency> = z.object({ parent: text.optional(), name: text, desk: text.optional(), place: text });
export const applicantSchema: z.ZodType<Applicant> = z.object({
  name: text,
  idNumber: text,
  kind: z.enum(['individual', 'organisation']).optional(),
  address: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
});
const signatory = z.object({ title: text, name: text.optional() });
const channel = z.enum(['direct', 'online', 'postal']);

const base = {
  agency: agencySchema,
  dossierCode: text,
  procedure: z.object({ code: text, name: text }),
  applicant: applicantSchema,
  number: text.optional(),
  issuedAt: instant,
  trackingUrl: z.url().optional(),
};

export const receiptSlipSchema: z.ZodType<ReceiptSlipData> = z.object({
  ...base,
  components: z.array(z.object({ name: text, originals: count, copies: count, digitised: z.boolean() })).min(1),
  sets: z.number().int().min(1).optional(),
  processingTime: z
    .discriminatedUnion('unit', [
      z.object({ unit: z.enum(['working-days', 'days', 'working-hours']), value: z.number().positive() }),
      z.object({ unit: z.literal('same-day'), cutoff: Hhmm.optional() }),
      z.object({ unit: z.literal('text'), text }),
    ])
    .optional(),
  receivedAt: instant,
  dueDate: when,
  channel,
  resultDelivery: z.object({ method: channel, address: z.string().optional() }),
  receivingOfficer: text,
  register: z.object({ book: z.string().optional(), entry: z.number().int().positive().optional() }).optional(),
  eForm: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
});

export const supplementRequestSchema: z.ZodType<SupplementRequestData> = z.object({
  ...base,
  receivedAt: instant.optional(),
  items: z.array(z.object({ content: text, reason: text })).min(1),
  officer: z.object({ name: text }),
  contact: z.object({ name: text, phone: text, email: z.string().optional() }),
});

export const refusalSchema: z.ZodType<RefusalData> = z.object({
  ...base,
  receivedAt: instant.optional(),
  reasons: z.array(text).min(1),
  officer: z.object({ name: text }),
});

export const apologySchema: z.ZodType<ApologyData> = z.object({
  ...base,
  receivedAt: instant,
  originalDueDate: when,
  delayReason: text,
  newDueDate: when,
  apology: text.optional(),
  signer: signatory,
  recipients: z.array(text).optional(),
});

export const stopNoticeSchema: z.ZodType<StopNoticeData> = z.object({
  ...base,
  receivedAt: instant,
  reason: text,
  legalBasis: z.array(text).min(1),
  dossierReturn: text.optional(),
  signer: signatory,
  recipients: z.array(text).optional(),
});

const party = z.object({ officer: text, unit: text });
export const handoffSchema: z.ZodType<Handoff> = z
  .object({
    step: text,
    from: party,
    to: party,
    handedOverAt: instant,
    stepDeadline: when.optional(),
    finishedAt: instant.optional(),
    lateDays: z.number().int().min(0).optional(),
    note: z.string().optional(),
  })
  .refine((h) => !(h.finishedAt && h.stepDeadline !== undefined && finishedLate(h.finishedAt, h.stepDeadline)) || (h.lateDays ?? 0) > 0, {
    path: ['lateDays'],
    message: bi('Bước hoàn thành sau hạn phải có số ngày trễ hạn', 'A step finished after its deadline needs its late days'),
  });

export const controlSlipSchema: z.ZodType<ControlSlipData> = z.object({
  ...base,
  receivedAt: instant,
  dueDate: when,
  handlingUnit: text,
  coordinatingUnits: z.array(text).optional(),
  handoffs: z.array(handoffSchema),
});

export const registerEntrySchema: z.ZodType<RegisterEntry> = z.object({
  dossierCode: text,
  procedureName: text,
  sets: z.number().int().min(1).optional(),
  applicantName: text,
  applicantAddress: z.string().optional(),
  applicantPhone: z.string().optional(),
  handlingAgency: text,
  receivedAt: when,
  dueDate: when,
  transferredAt: when.optional(),
  returnedAt: when.optional(),
  note: z.string().optional(),
});

export const dossierRegisterSchema: z.ZodType<DossierRegisterData> = z.object({
  agency: agencySchema,
  registerCode: text,
  unitId: text,
  period: z
    .object({ from: day, to: day })
    .refine((p) => p.from <= p.to, { message: bi('Ngày kết thúc trước ngày bắt đầu', 'The period ends before it starts'), path: ['to'] }),
  book: z.string().optional(),
  issuedAt: instant,
  entries: z.array(registerEntrySchema),
});

export const postalHandoverSchema: z.ZodType<PostalHandoverData> = z.object({
  ...base,
  handedOverAt: instant,
  deliveryAddress: z.string().optional(),
  items: z.array(z.object({ name: text, reference: z.string().optional(), copies: z.number().int().min(1).optional() })).min(1),
  officer: z.object({ name: text, title: text.optional() }),
  postalService: text.optional(),
  postalOrder: z.object({ number: text, itemCode: z.string().optional(), fee: z.number().int().min(0).optional() }).optional(),
});
