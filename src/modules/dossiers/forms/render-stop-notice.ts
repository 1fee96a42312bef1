import { longDate, renderDocument, type RichText } from '../../../platform/pdf/index.ts';
import { addressee, atTime, before2025, deskNameAt, formNameAt, headerOf, metaOf, para, parseForm, qrOf } from './common.ts';
import { stopNoticeSchema, type StopNoticeData } from './types.ts';

/**
 * Form 05: Thông báo dừng giải quyết hồ sơ (Circular 03/2025), signed by the head of the agency.
 * A stop recorded before 15 September 2025 reissues as it was then: "Thông báo / Về việc dừng
 * xử lý hồ sơ".
 */
export async function renderStopNotice(input: StopNoticeData): Promise<Uint8Array> {
  const d = parseForm(stopNoticeSchema, input);
  const old = before2025(d.issuedAt);
  const name = formNameAt('stop', d.issuedAt);
  const handling = old ? 'xử lý' : 'giải quyết';
  const you = addressee(d.applicant);
  const agency = d.agency.name;
  const title: { title: string; subtitle?: RichText[] } = old
    ? { title: 'Thông báo', subtitle: [{ text: 'Về việc dừng xử lý hồ sơ', bold: true }] }
    : { title: name };
  return renderDocument({
    qr: qrOf(d, name),
    header: headerOf(d.agency, d.issuedAt, d.number, false),
    ...title,
    body: [
      ...d.legalBasis.map((l) => ({ kind: 'paragraph' as const, text: /[;.]$/.test(l) ? l : `${l};`, italic: true, firstLineIndent: 10 })),
      { kind: 'paragraph', text: [`Kính gửi: `, { text: d.applicant.name, bold: true }], align: 'center' },
      para([
        `${agency} đã tiếp nhận hồ sơ mã số `,
        { text: d.dossierCode, bold: true },
        ` của ${you} ${atTime(d.receivedAt)}, đề nghị giải quyết thủ tục hành chính: ${d.procedure.name} (mã thủ tục: ${d.procedure.code}).`,
      ]),
      para(`${agency} thông báo dừng ${handling} hồ sơ nêu trên kể từ ${longDate(d.issuedAt)}.`),
      para([{ text: 'Lý do: ', bold: true }, d.reason]),
      para(
        d.dossierReturn ??
          `Hồ sơ và phí, lệ phí đã nộp (nếu có) được trả lại hoặc xử lý theo quy định. ${you} có thể tra cứu tình trạng hồ sơ bằng mã hồ sơ hoặc mã QR trên văn bản này.`,
      ),
      para(`${agency} thông báo để ${you} được biết./.`),
      {
        kind: 'signature',
        recipients: d.recipients ?? ['Như trên;', `Lưu: VT, ${deskNameAt(d.issuedAt)}.`],
        signer: { title: d.signer.title, note: '(Ký, ghi rõ họ tên và đóng dấu)', name: d.signer.name },
      },
    ],
    meta: metaOf(d, name),
  });
}
