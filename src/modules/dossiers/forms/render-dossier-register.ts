import { renderDocument, shortDate } from '../../../platform/pdf/index.ts';
import { formNameAt, headerOf, parseForm } from './common.ts';
import { dossierRegisterSchema, type DossierRegisterData } from './types.ts';

/**
 * Form 07: Sổ theo dõi hồ sơ — a unit's register over a period, landscape, its table header
 * repeated on every page. A register belongs to no single dossier, so its QR code holds the
 * register's own code (`ma`), no procedure (`tt` empty), the unit (`nd`) and the period.
 */
export async function renderDossierRegister(input: DossierRegisterData): Promise<Uint8Array> {
  const d = parseForm(dossierRegisterSchema, input);
  const name = formNameAt('register', d.period.to);
  const addressPhone = (e: DossierRegisterData['entries'][number]) => [e.applicantAddress, e.applicantPhone].filter(Boolean).join('\n');
  return renderDocument({
    orientation: 'landscape',
    pageNumbers: 'bottom',
    qr: {
      dossierCode: d.registerCode,
      procedureCode: '',
      applicantId: d.unitId,
      documentName: name,
      extra: { tu: d.period.from, den: d.period.to, so: d.entries.length },
      caption: [`Mã sổ: ${d.registerCode}`, `Số hồ sơ: ${d.entries.length}`],
    },
    // A register of a period before Circular 03/2025 names the desk as it was named then.
    header: headerOf(d.agency, d.issuedAt, undefined, true, d.period.to),
    title: name,
    subtitle: [`Từ ngày ${shortDate(d.period.from)} đến ngày ${shortDate(d.period.to)}`, ...(d.book ? [`Quyển số: ${d.book}`] : [])],
    body: [
      {
        kind: 'table',
        size: 7.5,
        padding: 1,
        numbered: true,
        // Widths (per cent of the text width) that hold a dossier code and a dd/mm/yyyy date
        // on one line at 7.5 pt.
        columns: [
          { header: 'STT', width: 3.3, align: 'center' },
          { header: 'Mã hồ sơ', width: 16.3 },
          { header: 'Tên thủ tục hành chính', width: 12.6 },
          { header: 'Số lượng hồ sơ (bộ)', width: 4.5, align: 'center' },
          { header: 'Tên cá nhân, tổ chức', width: 9.6 },
          { header: 'Địa chỉ, số điện thoại', width: 10.3 },
          { header: 'Cơ quan chủ trì giải quyết', width: 9.2 },
          { header: 'Ngày nhận hồ sơ', width: 7.5, align: 'center' },
          { header: 'Ngày hẹn trả kết quả', width: 7.5, align: 'center' },
          { header: 'Ngày chuyển hồ sơ đến cơ quan chủ trì', width: 7.5, align: 'center' },
          { header: 'Ngày trả kết quả', width: 7.5, align: 'center' },
          { header: 'Ghi chú', width: 4.2 },
        ],
        rows: d.entries.map((e, i) => [
          String(i + 1),
          e.dossierCode,
          e.procedureName,
          String(e.sets ?? 1),
          e.applicantName,
          addressPhone(e),
          e.handlingAgency,
          shortDate(e.receivedAt),
          shortDate(e.dueDate),
          e.transferredAt ? shortDate(e.transferredAt) : '',
          e.returnedAt ? shortDate(e.returnedAt) : '',
          e.note ?? '',
        ]),
      },
    ],
    meta: {
      title: name,
      subject: `${name} — ${d.agency.desk ?? d.agency.name} — ${shortDate(d.period.from)}–${shortDate(d.period.to)}`,
      keywords: [d.registerCode, d.unitId],
    },
  });
}
