import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { renderDocument, shortDate } from '../../../platform/pdf/index.ts';
import { tableWorkbook } from '../../../platform/xlsx/table-workbook.ts';
import { formatNumber } from '../numbering.ts';
import { seriesOf } from '../series.ts';
import type { RegisterEntry } from './schemas.ts';
import { AGENCY_PLACE } from './sign-outgoing.ts';
import { coveredUnitIds, loadUnits, nowOf } from './store.ts';

/**
 * The outgoing register (sổ đăng ký văn bản đi, Decree 30 Appendix IV) of a year: every document
 * numbered that year in the units the caller covers, in the order of release: number, date,
 * notation, subject, signer, recipients and copies (one per recipient, one kept).
 */
export async function outgoingRegister(ctx: Ctx, year: number, p: Principal): Promise<RegisterEntry[]> {
  if (p.kind !== 'staff') return [];
  const units = coveredUnitIds(await loadUnits(ctx), p);
  if (!units.length) return [];
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('outgoing_documents')
    .selectAll()
    .where('year', '=', year)
    .where('number', 'is not', null)
    .where('drafting_unit', 'in', units)
    .orderBy('released_at')
    .orderBy('series_code')
    .orderBy('number')
    .limit(20_000)
    .execute();
  if (!rows.length) return [];
  const recipients = await db
    .selectFrom('outgoing_document_recipients')
    .select(['document_id', 'name'])
    .where(
      'document_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('document_id')
    .orderBy('seq')
    .execute();
  const names = new Map<string, string[]>();
  for (const r of recipients) names.set(r.document_id, [...(names.get(r.document_id) ?? []), r.name]);
  return rows.map((r) => ({
    id: r.id,
    number: r.number!,
    notation: `${formatNumber(r.number!)}/${r.notation}`,
    date: r.promulgation_date!,
    seriesCode: r.series_code,
    subject: r.subject,
    signer: r.signer_name,
    draftingUnit: r.drafting_unit,
    recipients: names.get(r.id) ?? [],
    copies: (names.get(r.id)?.length ?? 0) + 1,
    status: r.status,
  }));
}

const COLUMNS = ['Số, ký hiệu', 'Ngày tháng', 'Loại', 'Tên loại và trích yếu nội dung', 'Người ký', 'Nơi nhận', 'Số lượng bản', 'Ghi chú'];
const note = (s: string) => (s === 'recalled' ? 'Đã thu hồi' : s === 'replaced' ? 'Đã bị thay thế' : '');

export async function renderOutgoingRegister(ctx: Ctx, year: number, entries: RegisterEntry[], agency: string): Promise<Uint8Array> {
  const title = 'SỔ ĐĂNG KÝ VĂN BẢN ĐI';
  return renderDocument({
    orientation: 'landscape',
    pageNumbers: 'bottom',
    qr: {
      dossierCode: `SO-VB-DI-${year}`,
      procedureCode: '',
      applicantId: agency,
      documentName: title,
      extra: { nam: year, so: entries.length },
      caption: [`Năm ${year}`, `Số văn bản: ${entries.length}`],
    },
    header: { agency, place: AGENCY_PLACE, date: nowOf(ctx) },
    title,
    subtitle: [`Năm ${year}`],
    body: [
      {
        kind: 'table',
        size: 8,
        padding: 1,
        columns: COLUMNS.map((header, i) => ({ header, width: [10, 8, 8, 30, 12, 20, 6, 6][i], align: i === 6 ? ('center' as const) : undefined })),
        rows: entries.map((e) => [
          e.notation,
          shortDate(e.date),
          seriesOf(e.seriesCode)?.vi ?? e.seriesCode,
          e.subject,
          e.signer,
          e.recipients.join('; '),
          String(e.copies),
          note(e.status),
        ]),
      },
    ],
    meta: { title: `${title} ${year}`, subject: `${title} — ${agency} — ${year}`, keywords: [`SO-VB-DI-${year}`] },
  });
}

export async function outgoingRegisterWorkbook(year: number, entries: RegisterEntry[]): Promise<Uint8Array> {
  return tableWorkbook({
    sheetName: `Văn bản đi ${year}`,
    title: `Sổ đăng ký văn bản đi năm ${year}`,
    columns: [...COLUMNS.slice(0, 6).map((header) => ({ header })), { header: COLUMNS[6], numFmt: '0' }, { header: COLUMNS[7] }],
    rows: entries.map((e) => [
      e.notation,
      e.date,
      seriesOf(e.seriesCode)?.vi ?? e.seriesCode,
      e.subject,
      e.signer,
      e.recipients.join('; '),
      e.copies,
      note(e.status),
    ]),
  });
}
