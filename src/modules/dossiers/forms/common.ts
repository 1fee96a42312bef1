import type { z } from 'zod';
import { fromZod } from '../../../platform/http/validation.ts';
import { longDate, longDateTime, type Block, type DocumentSpec, type Field, type HeaderSpec, type RichText } from '../../../platform/pdf/index.ts';
import type { Agency, Applicant, Channel, DossierFormBase, When } from './types.ts';

/** The names the forms print as titles and put in the QR code's `ten`. */
export const FORM_NAMES = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  supplement: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
  apology: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
  stop: 'Thông báo dừng xử lý hồ sơ',
  control: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
  register: 'Sổ theo dõi hồ sơ',
  postal: 'Biên bản giao nhận kết quả qua dịch vụ bưu chính',
} as const;

export const DEFAULT_DESK = 'Bộ phận Tiếp nhận và Trả kết quả';

export function parseForm<T>(schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) throw fromZod(r.error, 'data');
  return r.data;
}

export const deskOf = (a: Agency) => a.desk ?? DEFAULT_DESK;

/**
 * Forms of the one-stop desk name the desk as the issuer under its agency; letters signed
 * by the head of the agency (04, 05) name the agency itself.
 */
export function headerOf(a: Agency, issuedAt: Date, number: string | undefined, byDesk: boolean): HeaderSpec {
  const parents = [a.parent, ...(byDesk ? [a.name] : [])].filter((p): p is string => !!p);
  return { parentAgencies: parents, agency: byDesk ? deskOf(a) : a.name, number, place: a.place, date: issuedAt };
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

export const CHANNEL_TEXT: Record<Channel, string> = {
  direct: 'Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả',
  online: 'Trực tuyến',
  postal: 'Qua dịch vụ bưu chính công ích',
};

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
