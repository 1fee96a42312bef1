import { longDateTime, renderDocument, type Block } from '../../../platform/pdf/index.ts';
import { addressee, atTime, before2025, deskNameAt, formNameAt, headerOf, metaOf, para, parseForm, qrOf } from './common.ts';
import { apologySchema, type ApologyData } from './types.ts';

const signatureOf = (d: ApologyData): Block => ({
  kind: 'signature',
  recipients: d.recipients ?? ['Như trên;', `Lưu: VT, ${deskNameAt(d.issuedAt)}.`],
  signer: { title: d.signer.title, note: '(Ký, ghi rõ họ tên và đóng dấu)', name: d.signer.name },
});

/**
 * Form 04, signed by the head of the handling agency. Since Circular 03/2025 it is an official
 * letter ("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"): the agency apologises and
 * asks to extend the time limit, once, to a stated moment. An apology recorded before
 * 15 September 2025 reissues as the 2018 "Phiếu xin lỗi và hẹn lại ngày trả kết quả".
 */
export async function renderApology(input: ApologyData): Promise<Uint8Array> {
  const d = parseForm(apologySchema, input);
  return before2025(d.issuedAt) ? renderApology2018(d) : renderApology2025(d);
}

async function renderApology2025(d: ApologyData): Promise<Uint8Array> {
  const name = formNameAt('apology', d.issuedAt);
  const you = addressee(d.applicant);
  const agency = d.agency.name;
  const apology = d.apology ?? `Sự chậm trễ này đã gây phiền hà cho ${you}; ${agency} trân trọng xin lỗi ${you}.`;
  return renderDocument({
    qr: qrOf(d, name),
    // A letter carries its number line even before the registry numbers it.
    header: { ...headerOf(d.agency, d.issuedAt, d.number ?? '……/……', false), subject: 'V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ' },
    // Appendix I names the form; printed as the other forms print theirs, so the reader and pdftotext both see it.
    title: name,
    body: [
      { kind: 'paragraph', text: [`Kính gửi: `, { text: d.applicant.name, bold: true }], align: 'center' },
      para(`${agency} là cơ quan giải quyết hồ sơ của ${you}:`),
      {
        kind: 'fields',
        items: [
          { label: 'Mã hồ sơ', value: d.dossierCode, bold: true },
          { label: 'Thủ tục hành chính', value: `${d.procedure.name} (mã thủ tục: ${d.procedure.code})` },
          { label: 'Thời gian tiếp nhận hồ sơ', value: longDateTime(d.receivedAt) },
          { label: 'Thời hạn trả kết quả theo quy định', value: longDateTime(d.originalDueDate), bold: true },
        ],
      },
      para(`${agency} không thể trả kết quả giải quyết hồ sơ cho ${you} đúng thời hạn nêu trên.`),
      para([{ text: 'Lý do: ', bold: true }, d.delayReason]),
      para(apology),
      para([
        `${agency} đề nghị gia hạn thời gian giải quyết hồ sơ đến `,
        { text: longDateTime(d.newDueDate), bold: true },
        ` và sẽ trả kết quả cho ${you} trong thời hạn này. Thời gian giải quyết hồ sơ chỉ được gia hạn một lần.`,
      ]),
      para('Xin trân trọng cảm ơn./.'),
      signatureOf(d),
    ],
    meta: metaOf(d, name),
  });
}

async function renderApology2018(d: ApologyData): Promise<Uint8Array> {
  const name = formNameAt('apology', d.issuedAt);
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
      signatureOf(d),
    ],
    meta: metaOf(d, name),
  });
}
