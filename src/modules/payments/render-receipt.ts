import { z } from 'zod';
import { bi, fromZod } from '../../platform/http/validation.ts';
import { vndInWords } from '../../platform/i18n/index.ts';
import { MM, longDateTime, renderDocument, type Block, type Field, type RichText } from '../../platform/pdf/index.ts';
import { deskNameAt } from '../dossiers/forms/common.ts';

/**
 * What an electronic receipt of fees and charges (biên lai điện tử thu phí, lệ phí) prints.
 * The receipt's content follows the e-receipt rules (Decree 123/2020/NĐ-CP as amended by
 * Decree 70/2025/NĐ-CP, Circular 32/2025/TT-BTC, formerly Circular 78/2021/TT-BTC): template
 * code and series, number, the collecting unit with its tax code, the payer, each fee with its
 * amount, the total in figures and in words, the method and the date of collection.
 */
export interface ReceiptDocument {
  /** Ký hiệu mẫu, e.g. "01BLP0-001". */
  templateCode: string;
  /** Ký hiệu biên lai, e.g. "AB-26E". */
  series: string;
  /** 7 digits, "0000012". */
  number: string;
  issuedAt: Date;
  collectingUnit: { name: string; taxCode: string | null; address: string | null };
  payer: { name: string; identifier: string | null; address: string | null };
  dossierCode: string;
  procedureName: string;
  lines: { name: string; kind: 1 | 2; amount: number }[];
  total: number;
  method: 'online' | 'cash' | 'card';
  gatewayTxn: string | null;
  bank: string | null;
  /** Who collected (officer's name, or "Cổng thanh toán"). */
  collector: string;
  /** The QR's target: `${publicUrl}/bien-lai/${id}`. */
  verifyUrl: string;
}

/** The title; also the QR's `ten` and the PDF's title. */
export const RECEIPT_NAME = 'Biên lai thu phí, lệ phí';

const text = z.string().trim().min(1);
const optional = z.string().nullable();
// The ledger's range (issue 14): whole đồng, up to 999 tỷ, what vndInWords can read.
const amount = z.number().int().min(0).max(999_999_999_999);

export const receiptDocumentSchema: z.ZodType<ReceiptDocument> = z
  .object({
    templateCode: text,
    series: text,
    number: z.string().regex(/^\d{7}$/, bi('Số biên lai gồm 7 chữ số', 'A receipt number has 7 digits')),
    issuedAt: z.date().refine((d) => !Number.isNaN(d.getTime()), bi('Thời điểm không hợp lệ', 'Invalid date')),
    collectingUnit: z.object({ name: text, taxCode: optional, address: optional }),
    payer: z.object({ name: text, identifier: optional, address: optional }),
    dossierCode: text,
    procedureName: text,
    lines: z.array(z.object({ name: text, kind: z.union([z.literal(1), z.literal(2)]), amount })).min(1),
    total: amount,
    method: z.enum(['online', 'cash', 'card']),
    gatewayTxn: optional,
    bank: optional,
    collector: text,
    verifyUrl: z.url(),
  })
  .superRefine((r, ctx) => {
    // A receipt whose total is not the sum of its lines must never be issued: it is an
    // accounting document, and the amount in words would confirm the wrong figure.
    const sum = r.lines.reduce((s, l) => s + l.amount, 0);
    if (sum !== r.total)
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `The total ${r.total} is not the sum of the lines, ${sum}`,
        params: { vi: `Tổng số tiền ${r.total} khác tổng các dòng, ${sum}` },
      });
  });

/** "1.005.000": Vietnamese writes thousands with a dot, as receipts print figures. */
export const vndFigures = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

const KIND: Record<1 | 2, string> = { 1: 'Phí', 2: 'Lệ phí' };

/** How it was paid; the desk named as it was on the day of payment (Decree 118/2025 renamed it). */
const methodText = (method: ReceiptDocument['method'], at: Date): string =>
  ({
    online: 'Trực tuyến, qua Nền tảng thanh toán trực tuyến của Cổng Dịch vụ công quốc gia',
    cash: `Tiền mặt, tại ${deskNameAt(at)}`,
    card: `Thẻ ngân hàng, tại ${deskNameAt(at)}`,
  })[method];

/**
 * The place of the date line: the region a regional office names ("… khu vực Đà Nẵng"), Hà Nội
 * (the ministry's seat) otherwise. The same rule as the dossier forms' `agencyHeader`
 * (dossiers/issue-form.ts), which takes the whole unit tree; a receipt has only the unit's name.
 */
const placeOf = (unitName: string) => /khu vực (.+)$/i.exec(unitName)?.[1]?.trim() || 'Hà Nội';

const section = (t: string): Block => ({ kind: 'heading', text: t });

/** Only the fields that have a value: an electronic receipt has no dotted lines to fill by hand. */
const present = (fields: (Field | false)[]): Field[] => fields.filter((f): f is Field => f !== false && typeof f.value === 'string' && f.value.trim() !== '');

/**
 * The receipt as a PDF: the QR code (verification address) in the top-left corner, the
 * national header under the collecting unit, "BIÊN LAI THU PHÍ, LỆ PHÍ", then the identifiers,
 * the parties, the fee lines with the total in figures and in words, and how it was paid.
 * The same document renders to the same bytes (the only date is `issuedAt`).
 */
export async function renderReceiptPdf(input: ReceiptDocument): Promise<Uint8Array> {
  const parsed = receiptDocumentSchema.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error, 'receipt');
  const r = parsed.data;
  const figures = vndFigures(r.total);
  const payment: Field[] = present([
    { label: 'Hình thức thanh toán', value: methodText(r.method, r.issuedAt) },
    r.method === 'online' && { label: 'Mã giao dịch', value: r.gatewayTxn ?? '' },
    r.method !== 'cash' && { label: 'Ngân hàng', value: r.bank ?? '' },
    { label: 'Thời điểm thu tiền', value: longDateTime(r.issuedAt) },
  ]);
  const lineRows: RichText[][] = r.lines.map((l, i) => [String(i + 1), l.name, KIND[l.kind], vndFigures(l.amount)]);
  const body: Block[] = [
    { kind: 'paragraph', text: 'Receipt of fees and charges (electronic receipt)', italic: true, align: 'center', size: 9, spaceAfter: 3 * MM },
    {
      kind: 'fields',
      items: [
        [
          { label: 'Ký hiệu mẫu', value: r.templateCode },
          { label: 'Ký hiệu', value: r.series },
          { label: 'Số', value: r.number, bold: true },
        ],
      ],
    },
    section('Đơn vị thu phí, lệ phí'),
    {
      kind: 'fields',
      items: present([
        { label: 'Tên đơn vị', value: r.collectingUnit.name },
        { label: 'Mã số thuế', value: r.collectingUnit.taxCode ?? '' },
        { label: 'Địa chỉ', value: r.collectingUnit.address ?? '' },
      ]),
    },
    section('Người nộp phí, lệ phí'),
    {
      kind: 'fields',
      items: present([
        { label: 'Họ và tên', value: r.payer.name, bold: true },
        { label: 'Số định danh / Mã số thuế', value: r.payer.identifier ?? '' },
        { label: 'Địa chỉ', value: r.payer.address ?? '' },
        { label: 'Mã hồ sơ', value: r.dossierCode },
        { label: 'Thủ tục hành chính', value: r.procedureName },
      ]),
    },
    {
      kind: 'table',
      columns: [
        { header: 'STT', width: 1.1, align: 'center' },
        { header: 'Tên loại phí, lệ phí', width: 7.5 },
        { header: 'Loại', width: 1.8, align: 'center' },
        { header: 'Số tiền (đồng)', width: 2.8, align: 'right' },
      ],
      rows: [...lineRows, ['', { text: 'Tổng cộng', bold: true }, '', { text: figures, bold: true }]],
      size: 10,
    },
    {
      kind: 'fields',
      items: [
        { label: 'Tổng số tiền', value: `${figures} đồng`, bold: true },
        { label: 'Số tiền bằng chữ', value: { text: `${vndInWords(r.total)}.`, italic: true } },
      ],
    },
    { kind: 'fields', items: payment },
    { kind: 'signature', signer: { title: 'Người thu tiền', note: '', name: r.collector, space: 6 } },
    { kind: 'spacer', mm: 2 },
    {
      kind: 'paragraph',
      text: [{ text: 'Biên lai điện tử, tra cứu và đối chiếu tại (verify this receipt at): ', italic: true }, r.verifyUrl],
      align: 'left',
      size: 9,
    },
  ];
  return renderDocument({
    qr: {
      dossierCode: r.dossierCode,
      // The receipt carries the procedure's name only; its code is not part of ReceiptDocument.
      procedureCode: '',
      applicantId: r.payer.identifier ?? '',
      documentName: RECEIPT_NAME,
      extra: { kh: r.series, so: r.number, tien: r.total, url: r.verifyUrl },
      caption: ['Biên lai điện tử (electronic receipt)', `Ký hiệu: ${r.series}, số ${r.number}`, `Mã hồ sơ: ${r.dossierCode}`],
    },
    header: { agency: r.collectingUnit.name, place: placeOf(r.collectingUnit.name), date: r.issuedAt },
    title: RECEIPT_NAME,
    body,
    meta: {
      title: RECEIPT_NAME,
      subject: `${RECEIPT_NAME} ký hiệu ${r.series} số ${r.number} — hồ sơ ${r.dossierCode} — ${r.procedureName}`,
      keywords: [r.dossierCode, r.templateCode, r.series, r.number],
    },
  });
}
