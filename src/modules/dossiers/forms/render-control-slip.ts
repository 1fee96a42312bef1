import { finishedLate, localDayOf, longDateTime, renderDocument, shortDateTime, type RichText } from '../../../platform/pdf/index.ts';
import { AppError } from '../../../platform/errors.ts';
import { formNameAt, headerOf, metaOf, parseForm, qrOf } from './common.ts';
import { controlSlipSchema, type ControlSlipData, type Handoff } from './types.ts';

/**
 * The result of one hand-off as the slip prints it: "Đang xử lý" while unfinished, then
 * "Trước hạn" (finished on an earlier day than the step's deadline), "Đúng hạn", or
 * "Trễ hạn x ngày" with the working days the dossier module counted.
 */
export function handoffOutcome(h: Handoff): string {
  if (!h.finishedAt) return 'Đang xử lý';
  if ((h.lateDays ?? 0) > 0) return `Trễ hạn ${h.lateDays} ngày`;
  if (h.stepDeadline === undefined) return 'Hoàn thành';
  if (finishedLate(h.finishedAt, h.stepDeadline))
    throw new AppError('VALIDATION_FAILED', {
      vi: 'Bước xử lý hoàn thành sau hạn nhưng không có số ngày trễ hạn',
      en: 'A step finished after its deadline has no late days',
    });
  return localDayOf(h.finishedAt) < localDayOf(h.stepDeadline) ? 'Trước hạn' : 'Đúng hạn';
}

/** The hour on one line and the date on the next, so a narrow column never splits a date. */
const timeCell = (w: Date | string) => shortDateTime(w).replace(' ', '\n');

const party = (p: { officer: string; unit: string }): RichText => [{ text: p.officer, bold: true }, `\n${p.unit}`];

/** Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ — every hand-off of the dossier. */
export async function renderControlSlip(input: ControlSlipData): Promise<Uint8Array> {
  const d = parseForm(controlSlipSchema, input);
  const name = formNameAt('control', d.receivedAt);
  const rows = d.handoffs.map((h, i) => {
    const outcome = handoffOutcome(h);
    return [
      String(i + 1),
      h.step,
      party(h.from),
      party(h.to),
      timeCell(h.handedOverAt),
      h.stepDeadline === undefined ? '' : timeCell(h.stepDeadline),
      h.finishedAt ? timeCell(h.finishedAt) : '',
      outcome.startsWith('Trễ') ? { text: outcome, bold: true } : outcome,
      h.note ?? '',
    ];
  });
  return renderDocument({
    qr: qrOf(d, name),
    // The slip goes with the receipt slip: it names the desk as the receipt did, whenever it is printed.
    header: headerOf(d.agency, d.issuedAt, d.number, true, d.receivedAt),
    title: name,
    subtitle: [`Mã hồ sơ: ${d.dossierCode}`, { text: '(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)', italic: true }],
    body: [
      {
        kind: 'fields',
        items: [
          { label: 'Tên thủ tục hành chính', value: `${d.procedure.name} (mã thủ tục: ${d.procedure.code})` },
          { label: 'Người nộp hồ sơ', value: [{ text: d.applicant.name, bold: true }, ` (${d.applicant.idNumber})`] },
          { label: 'Thời gian tiếp nhận', value: longDateTime(d.receivedAt) },
          { label: 'Thời gian hẹn trả kết quả', value: longDateTime(d.dueDate), bold: true },
          { label: 'Cơ quan (bộ phận) giải quyết hồ sơ', value: d.handlingUnit },
          { label: 'Cơ quan phối hợp giải quyết hồ sơ', value: d.coordinatingUnits?.join('; ') || 'Không' },
        ],
      },
      {
        kind: 'table',
        size: 8,
        padding: 1,
        // The time columns hold "23/11/2026" on one line at 8 pt.
        columns: [
          { header: 'TT', width: 0.8, align: 'center' },
          { header: 'Bước xử lý', width: 2.4 },
          { header: 'Bên giao (người giao, đơn vị)', width: 2.8 },
          { header: 'Bên nhận (người nhận, đơn vị)', width: 2.8 },
          { header: 'Thời gian giao, nhận', width: 2.3, align: 'center' },
          { header: 'Hạn xử lý của bước', width: 2.3, align: 'center' },
          { header: 'Thời gian hoàn thành', width: 2.3, align: 'center' },
          { header: 'Kết quả (trước hạn / đúng hạn / trễ hạn)', width: 2, align: 'center' },
          { header: 'Ghi chú', width: 1.9 },
        ],
        rows,
      },
    ],
    meta: metaOf(d, name),
  });
}
