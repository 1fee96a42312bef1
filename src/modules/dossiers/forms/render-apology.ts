import { longDateTime, renderDocument } from '../../../platform/pdf/index.ts';
import { FORM_NAMES, addressee, atTime, headerOf, metaOf, para, parseForm, qrOf } from './common.ts';
import { apologySchema, type ApologyData } from './types.ts';

/** Form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả, signed by the head of the agency. */
export async function renderApology(input: ApologyData): Promise<Uint8Array> {
  const d = parseForm(apologySchema, input);
  const name = FORM_NAMES.apology;
  const you = addressee(d.applicant);
  const agency = d.agency.name;
  const apology =
    d.apology ??
    `Sự chậm trễ này đã gây phiền hà cho ${you}, ${agency} xin lỗi ${you} và sẽ trả kết quả giải quyết hồ sơ cho ${you} vào ${longDateTime(d.newDueDate)}.`;
  return renderDocument({
    qr: qrOf(d, name),
    header: headerOf(d.agency, d.issuedAt, d.number, false),
    title: name,
    body: [
      { kind: 'paragraph', text: [`Kính gửi: `, { text: d.applicant.name, bold: true }], align: 'center' },
      para([`${agency} tiếp nhận hồ sơ của ${you} `, { text: d.applicant.name, bold: true }, ` (mã hồ sơ: ${d.dossierCode}) ${atTime(d.receivedAt)}.`]),
      para(`Nội dung yêu cầu giải quyết: ${d.procedure.name} (mã thủ tục: ${d.procedure.code}).`),
      para(`Thời gian hẹn trả kết quả giải quyết hồ sơ: ${longDateTime(d.originalDueDate)}.`),
      para(`Tuy nhiên đến nay, ${agency} chưa trả kết quả giải quyết hồ sơ của ${you}.`),
      para([{ text: 'Lý do: ', bold: true }, d.delayReason]),
      para(apology),
      // The standard sentence carries the new date; a custom apology gets it on a line of its own.
      ...(d.apology ? [para([{ text: `Thời gian hẹn trả kết quả mới: ${longDateTime(d.newDueDate)}.`, bold: true }])] : []),
      para('Xin trân trọng cảm ơn./.'),
      {
        kind: 'signature',
        recipients: d.recipients ?? ['Như trên;', 'Lưu: VT, Bộ phận Một cửa.'],
        signer: { title: d.signer.title, note: '(Ký, ghi rõ họ tên và đóng dấu)', name: d.signer.name },
      },
    ],
    meta: metaOf(d, name),
  });
}
