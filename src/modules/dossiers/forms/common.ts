import type { z } from 'zod';
import { fromZod } from '../../../platform/http/validation.ts';
import { endsItsDay } from '../../calendar/dates.ts';
import { localDayOf, longDate, longDateTime, type Block, type DocumentSpec, type Field, type HeaderSpec, type RichText } from '../../../platform/pdf/index.ts';
import type { Agency, Applicant, Channel, DossierFormBase, When } from './types.ts';

/**
 * Circular 03/2025/TT-VPCP (guiding Decree 118/2025/NĐ-CP) took effect on this day. A form
 * recording an event before it keeps the names of Circular 01/2018/TT-VPCP, so an older
 * dossier's history reads as it was issued.
 */
export const CIRCULAR_03_2025_FROM = '2025-09-15';

/** The names the forms print as titles and put in the QR code's `ten` (Circular 03/2025, Appendix I). */
export const FORM_NAMES = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  supplement: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
  apology: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
  stop: 'Thông báo dừng giải quyết hồ sơ',
  control: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
  register: 'Sổ theo dõi hồ sơ',
  postal: 'Biên bản giao nhận kết quả qua dịch vụ bưu chính',
} as const;
export type FormKind = keyof typeof FORM_NAMES;

/** The names Circular 03/2025 changed, as they were before it. */
const FORM_NAMES_2018: Partial<Record<FormKind, string>> = {
  apology: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
  stop: 'Thông báo dừng xử lý hồ sơ',
};

/** The one-stop desk as Decree 118/2025 names it, and its name before. */
export const DEFAULT_DESK = 'Bộ phận Một cửa';
export const DESK_2018 = 'Bộ phận Tiếp nhận và Trả kết quả';

/** Whether an event on this day (or at this instant, Vietnam time) precedes Circular 03/2025. */
export const before2025 = (at: When) => localDayOf(at) < CIRCULAR_03_2025_FROM;

/** A form's name as it was printed for an event at `at`. */
export const formNameAt = (kind: FormKind, at: When): string => (before2025(at) ? (FORM_NAMES_2018[kind] ?? FORM_NAMES[kind]) : FORM_NAMES[kind]);

/** The desk's name as of `at`. */
export const deskNameAt = (at: When) => (before2025(at) ? DESK_2018 : DEFAULT_DESK);

/**
 * A due moment as the forms and messages tell it: with its time of day where the limit counts
 * hours (or the moment was set to a time), as its day where it is the end of a day, which is
 * how limits in days end. `day` is the stored day, told when there is no moment.
 */
export function dueWhen(at: Date | string | null | undefined, day: string | null | undefined, countsHours: boolean): When | undefined {
  if (!at) return day ?? undefined;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return day ?? undefined;
  return countsHours || !endsItsDay(d) ? d : (day ?? localDayOf(d));
}

export function parseForm<T>(schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) throw fromZod(r.error, 'data');
  return r.data;
}

/** The desk that issues a form: the agency's own name for it, else the regulation's name as of the form's event. */
export const deskOf = (a: Agency, at: When) => a.desk ?? deskNameAt(at);

/**
 * Forms of the one-stop desk name the desk as the issuer under its agency; letters signed
 * by the head of the agency (04, 05) name the agency itself.
 */
export function headerOf(a: Agency, issuedAt: Date, number: string | undefined, byDesk: boolean, eventAt: When = issuedAt): HeaderSpec {
  const parents = [a.parent, ...(byDesk ? [a.name] : [])].filter((p): p is string => !!p);
  return { parentAgencies: parents, agency: byDesk ? deskOf(a, eventAt) : a.name, number, place: a.place, date: issuedAt };
}

export function qrOf(d: DossierFormBase, documentName: string): DocumentSpec['qr'] {
  return {
    dossierCode: d.dossierCode,
    procedureCode: d.procedure.code,
    applicantId: d.applicant.idNumber,
    documentName,
    extra: d.trackingUrl ? { url: d.trackingUrl } : undefined,
    caption: [`Mã hồ sơ: ${d.dossierCode}`, `Mã thủ tục: ${d.procedure.code}`],
  };
}

export function metaOf(d: DossierFormBase, documentName: string): DocumentSpec['meta'] {
  return {
    title: documentName,
    subject: `${documentName} — hồ sơ ${d.dossierCode} — ${d.procedure.name}`,
    keywords: [d.dossierCode, d.procedure.code, d.applicant.idNumber],
  };
}

/** How the forms address the applicant. */
export const addressee = (a: Applicant) => (a.kind === 'organisation' ? 'Quý cơ quan, tổ chức' : 'Ông/Bà');

const idLabel = (a: Applicant) => (a.kind === 'organisation' ? 'Mã số doanh nghiệp, tổ chức' : 'Số định danh cá nhân');

/** The applicant's lines, as the 2018 and 2025 forms list them. */
export function applicantFields(a: Applicant, nameLabel?: string): (Field | Field[])[] {
  return [
    ...(nameLabel ? [{ label: nameLabel, value: a.name, bold: true }] : []),
    { label: idLabel(a), value: a.idNumber },
    { label: 'Địa chỉ', value: a.address },
    [
      { label: 'Số điện thoại', value: a.phone },
      { label: 'Email', value: a.email },
    ],
  ];
}

export const requestField = (d: DossierFormBase): Field => ({
  label: 'Nội dung yêu cầu giải quyết',
  value: `${d.procedure.name} (mã thủ tục: ${d.procedure.code})`,
});

export const channelText = (c: Channel, desk: string): string =>
  ({ direct: `Trực tiếp tại ${desk}`, online: 'Trực tuyến', postal: 'Qua dịch vụ bưu chính công ích' })[c];

/** "4. Thời gian nhận hồ sơ: …" — a numbered line of the receipt slip. */
export function numbered(n: number, label: string, value: RichText): Block {
  const v = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [value];
  return {
    kind: 'paragraph',
    text: [{ text: `${n}. `, bold: true }, { text: `${label}: `, bold: true }, ...(v as (string | { text: string })[])],
    align: 'left',
  };
}

/** "vào lúc 09 giờ 30 phút, ngày 23 tháng 11 năm 2026", or "vào ngày 23 tháng 11 năm 2026" for a bare day. */
export const atTime = (w: When) => (typeof w === 'string' ? `vào ${longDate(w)}` : `vào lúc ${longDateTime(w)}`);

/** A justified body paragraph with the first-line indent of administrative letters. */
export const para = (text: RichText, o: { italic?: boolean } = {}): Block => ({ kind: 'paragraph', text, firstLineIndent: 10, italic: o.italic });
