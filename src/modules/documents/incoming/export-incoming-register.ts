import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { forbidden } from '../../../platform/errors.ts';
import { renderDocument, shortDate } from '../../../platform/pdf/index.ts';
import { tableWorkbook } from '../../../platform/xlsx/table-workbook.ts';
import { coveredUnits } from '../../dossiers/visibility.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { unitNames } from '../../organisation/names.ts';
import { formatNumber } from '../numbering.ts';
import { numberNotationOf } from './store.ts';

export interface RegisterLine {
  number: number;
  receivedOn: string;
  sender: string;
  numberNotation: string;
  documentDate: string;
  subject: string;
  handler: string;
  deadline: string;
  done: string;
}

const day = (d: Date | string | null) => (d ? shortDate(typeof d === 'string' ? d : new Date(d)) : '');

/**
 * The incoming register of a year (Decree 30/2020, Appendix IV: sổ đăng ký văn bản đến) of the
 * units the caller covers, in incoming-number order: number, date received, sender, number and
 * notation, date, subject, handler, deadline, done.
 */
export async function incomingRegisterLines(ctx: Ctx, p: Principal, year: number): Promise<{ unitIds: string[]; lines: RegisterLine[] }> {
  if (p.kind !== 'staff') throw forbidden();
  const units = await coveredUnits(ctx, p);
  if (!units.length) return { unitIds: [], lines: [] };
  const [rows, staff] = await Promise.all([
    ctx.database.db
      .selectFrom('incoming_documents')
      .selectAll()
      .where('incoming_year', '=', year)
      .where('receiving_unit', 'in', units)
      .orderBy('incoming_number')
      .execute(),
    listStaff(ctx),
  ]);
  const names = new Map(staff.map((s) => [s.id, s.fullName]));
  return {
    unitIds: [...new Set(rows.map((r) => r.receiving_unit))],
    lines: rows.map((r) => ({
      number: r.incoming_number!,
      receivedOn: day(r.received_at),
      sender: r.sender_name,
      numberNotation: numberNotationOf(r) ?? '',
      documentDate: day(r.promulgation_date),
      subject: [r.document_type, r.subject].filter(Boolean).join(': '),
      handler: r.handler_id ? (names.get(r.handler_id) ?? '') : '',
      deadline: day(r.deadline),
      done: r.completed_at ? day(r.completed_at) : r.status === 'recalled' ? 'Thu hồi' : '',
    })),
  };
}

const HEADERS = [
  'Số đến',
  'Ngày đến',
  'Nơi gửi',
  'Số, ký hiệu',
  'Ngày văn bản',
  'Tên loại và trích yếu nội dung',
  'Người xử lý',
  'Hạn giải quyết',
  'Hoàn thành',
];

export async function exportIncomingRegister(
  ctx: Ctx,
  p: Principal,
  year: number,
  format: 'pdf' | 'xlsx',
): Promise<{ bytes: Uint8Array; fileName: string; contentType: string }> {
  const { unitIds, lines } = await incomingRegisterLines(ctx, p, year);
  const unitName = unitIds.length === 1 ? ((await unitNames(ctx, unitIds)).get(unitIds[0])?.name ?? '') : '';
  const title = `SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM ${year}`;
  if (format === 'xlsx') {
    const bytes = await tableWorkbook({
      sheetName: `Văn bản đến ${year}`,
      title: unitName ? `${title} - ${unitName}` : title,
      columns: HEADERS.map((header, i) => ({ header, ...(i === 0 ? { numFmt: '00' } : {}) })),
      rows: lines.map((l) => [l.number, l.receivedOn, l.sender, l.numberNotation, l.documentDate, l.subject, l.handler, l.deadline, l.done]),
    });
    return { bytes, fileName: `so-van-ban-den-${year}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  }
  const bytes = await renderDocument({
    orientation: 'landscape',
    qr: { dossierCode: `SVBD-${year}`, procedureCode: 'VBDEN', applicantId: unitIds.join(',') || '-', documentName: title },
    header: { parentAgencies: ['BỘ CÔNG THƯƠNG'], agency: (unitName || 'VĂN THƯ CƠ QUAN').toUpperCase(), place: 'Hà Nội', date: new Date() },
    title,
    subtitle: [`Từ số ${lines.length ? formatNumber(lines[0].number) : '01'} đến số ${lines.length ? formatNumber(lines[lines.length - 1].number) : '01'}`],
    body: [
      {
        kind: 'table',
        size: 8,
        columns: [
          { header: HEADERS[0], width: 5, align: 'center' },
          { header: HEADERS[1], width: 8 },
          { header: HEADERS[2], width: 14 },
          { header: HEADERS[3], width: 10 },
          { header: HEADERS[4], width: 8 },
          { header: HEADERS[5], width: 26 },
          { header: HEADERS[6], width: 12 },
          { header: HEADERS[7], width: 8 },
          { header: HEADERS[8], width: 8 },
        ],
        rows: lines.map((l) => [formatNumber(l.number), l.receivedOn, l.sender, l.numberNotation, l.documentDate, l.subject, l.handler, l.deadline, l.done]),
      },
    ],
    meta: { title, subject: 'Sổ đăng ký văn bản đến' },
  });
  return { bytes, fileName: `so-van-ban-den-${year}.pdf`, contentType: 'application/pdf' };
}
