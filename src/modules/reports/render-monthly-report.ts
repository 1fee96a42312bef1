import { renderDocument, type Block, type RichText } from '../../platform/pdf/index.ts';
import { numberFormat } from '../../platform/i18n/index.ts';

/** One line of the report: a receiving unit, a field, or the totals. */
export interface MonthlyReportRow {
  key: string;
  name: string;
  received: number;
  receivedOnline: number;
  carriedOver: number;
  processed: number;
  onTime: number;
  late: number;
  inProgress: number;
  overdue: number;
}

export interface MonthlyReportData {
  /** 'YYYY-MM' */
  month: string;
  /** The unit reported on (and those beneath it); null: every unit the official reads. */
  unitId: string | null;
  agency: { parent?: string; name: string; place: string };
  issuedAt: Date;
  byUnit: MonthlyReportRow[];
  byField: MonthlyReportRow[];
  total: MonthlyReportRow;
}

export const REPORT_NAME = 'Báo cáo tình hình, kết quả giải quyết thủ tục hành chính';

const n = (x: number) => numberFormat('vi').format(x);
/** A share as Vietnamese write it ("62,5%"); a dash when there is nothing to divide. */
export const percent = (part: number, whole: number) => (whole ? `${numberFormat('vi', 1).format((100 * part) / whole)}%` : '—');

const COLUMNS = (first: string) => [
  { header: 'STT', width: 0.9, align: 'center' as const },
  { header: first, width: 5 },
  { header: 'Tiếp nhận trong tháng', width: 1.6, align: 'right' as const },
  { header: 'Trong đó trực tuyến', width: 1.6, align: 'right' as const },
  { header: 'Từ tháng trước chuyển sang', width: 1.7, align: 'right' as const },
  { header: 'Đã giải quyết', width: 1.6, align: 'right' as const },
  { header: 'Đúng hạn', width: 1.5, align: 'right' as const },
  { header: 'Quá hạn', width: 1.5, align: 'right' as const },
  { header: 'Đang giải quyết cuối tháng', width: 1.7, align: 'right' as const },
  { header: 'Trong đó quá hạn', width: 1.5, align: 'right' as const },
  { header: 'Tỷ lệ nộp trực tuyến', width: 1.6, align: 'right' as const },
];

const cells = (r: MonthlyReportRow): string[] => [
  n(r.received),
  n(r.receivedOnline),
  n(r.carriedOver),
  n(r.processed),
  n(r.onTime),
  n(r.late),
  n(r.inProgress),
  n(r.overdue),
  percent(r.receivedOnline, r.received),
];

function table(first: string, rows: MonthlyReportRow[], total: MonthlyReportRow): Block {
  const bold = (s: string): RichText => ({ text: s, bold: true });
  return {
    kind: 'table',
    size: 8.5,
    padding: 1,
    columns: COLUMNS(first),
    rows: [...rows.map((r, i) => [String(i + 1), r.name, ...cells(r)]), ['', bold('Tổng cộng'), ...cells(total).map(bold)]],
  };
}

/**
 * The monthly report as an A4 landscape document with the national header: the figures by
 * receiving unit and by field, a summary of the month, the recipients and the signature. Its
 * QR code names the report (code, unit, month), since it belongs to no dossier.
 */
export async function renderMonthlyReport(d: MonthlyReportData): Promise<Uint8Array> {
  const [year, month] = d.month.split('-');
  const title = `${REPORT_NAME} tháng ${month}/${year}`;
  const code = `BC-TTHC-${d.unitId ?? 'TONG-HOP'}-${year}${month}`;
  const t = d.total;
  const empty: Block = { kind: 'paragraph', text: { text: 'Không có hồ sơ nào trong tháng.', italic: true }, align: 'left' };
  const body: Block[] = [
    {
      kind: 'paragraph',
      text: [{ text: 'Kính gửi: ', bold: true }, 'Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính).'],
      align: 'center',
      spaceAfter: 3,
    },
    {
      kind: 'paragraph',
      text: `Thực hiện Nghị định số 61/2018/NĐ-CP và Nghị định số 107/2021/NĐ-CP của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính, ${d.agency.name} báo cáo tình hình, kết quả giải quyết thủ tục hành chính tháng ${month}/${year} như sau:`,
      firstLineIndent: 10,
    },
    { kind: 'heading', text: 'I. Kết quả chung', align: 'left', size: 11 },
    {
      kind: 'list',
      marker: 'dash',
      items: [
        `Số hồ sơ tiếp nhận trong tháng: ${n(t.received)} (trong đó trực tuyến: ${n(t.receivedOnline)}, tỷ lệ ${percent(t.receivedOnline, t.received)}); từ tháng trước chuyển sang: ${n(t.carriedOver)}.`,
        `Số hồ sơ đã giải quyết: ${n(t.processed)}, trong đó đúng hạn ${n(t.onTime)} (${percent(t.onTime, t.processed)}), quá hạn ${n(t.late)} (${percent(t.late, t.processed)}).`,
        `Số hồ sơ đang giải quyết cuối tháng: ${n(t.inProgress)}, trong đó quá hạn ${n(t.overdue)}.`,
      ],
    },
    { kind: 'heading', text: 'II. Kết quả theo đơn vị tiếp nhận', align: 'left', size: 11 },
    d.byUnit.length ? table('Đơn vị', d.byUnit, t) : empty,
    { kind: 'heading', text: 'III. Kết quả theo lĩnh vực', align: 'left', size: 11 },
    d.byField.length ? table('Lĩnh vực', d.byField, t) : empty,
    {
      kind: 'paragraph',
      text: {
        text: 'Số liệu tính theo ngày Việt Nam; hồ sơ tính cho đơn vị tiếp nhận. Hồ sơ giải quyết đúng hạn: trả kết quả không muộn hơn ngày hẹn trả.',
        italic: true,
      },
      size: 9,
      align: 'left',
    },
    {
      kind: 'signature',
      signer: { title: 'THỦ TRƯỞNG ĐƠN VỊ', note: '(Ký, ghi rõ họ tên và đóng dấu)' },
      recipients: ['Như trên;', 'Lưu: VT.'],
    },
  ];
  return renderDocument({
    orientation: 'landscape',
    pageNumbers: 'bottom',
    qr: {
      dossierCode: code,
      procedureCode: '',
      applicantId: d.unitId ?? '',
      documentName: REPORT_NAME,
      extra: { thang: d.month, tiepNhan: t.received, daGiaiQuyet: t.processed },
      caption: [`Mã báo cáo: ${code}`, `Tháng ${month}/${year}`],
    },
    header: { parentAgencies: d.agency.parent ? [d.agency.parent] : [], agency: d.agency.name, place: d.agency.place, date: d.issuedAt },
    title: title,
    body,
    meta: { title, subject: `${title} — ${d.agency.name}`, keywords: [code, d.month, ...(d.unitId ? [d.unitId] : [])] },
  });
}
