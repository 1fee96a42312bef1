import { longDateTime, renderDocument } from '../../../platform/pdf/index.ts';
import { formNameAt, addressee, before2025, deskOf, headerOf, metaOf, numbered, para, parseForm, qrOf, requestField } from './common.ts';
import { postalHandoverSchema, type PostalHandoverData } from './types.ts';

/**
 * Form 08: Biên bản giao nhận kết quả qua dịch vụ bưu chính. The desk hands the result of a
 * dossier whose applicant chose delivery by post to the postal employee; both sign, and each
 * keeps a copy. The postal employee's name is left blank, to be written by hand.
 */
export async function renderPostalHandover(input: PostalHandoverData): Promise<Uint8Array> {
  const d = parseForm(postalHandoverSchema, input);
  const name = formNameAt('postal', d.handedOverAt);
  const deskName = deskOf(d.agency, d.handedOverAt);
  const desk = `${deskName} - ${d.agency.name}`;
  const officerTitle = before2025(d.handedOverAt) ? 'Công chức tiếp nhận và trả kết quả' : `Công chức ${deskName}`;
  const postal = d.postalService ?? 'Doanh nghiệp cung ứng dịch vụ bưu chính công ích';
  return renderDocument({
    qr: qrOf(d, name),
    header: headerOf(d.agency, d.issuedAt, d.number, true, d.handedOverAt),
    title: name,
    body: [
      para(`Hôm nay, vào lúc ${longDateTime(d.handedOverAt)}, tại ${desk}, chúng tôi gồm:`),
      numbered(1, 'Bên giao', desk),
      {
        kind: 'fields',
        items: [
          [
            { label: 'Ông/Bà', value: d.officer.name, bold: true },
            { label: 'Chức vụ', value: d.officer.title ?? officerTitle },
          ],
        ],
      },
      numbered(2, 'Bên nhận', postal),
      {
        kind: 'fields',
        items: [
          [
            { label: 'Ông/Bà', value: '' },
            { label: 'Chức vụ', value: 'Nhân viên bưu chính' },
          ],
        ],
      },
      para('Hai bên tiến hành giao nhận kết quả giải quyết thủ tục hành chính để chuyển phát đến người nhận, cụ thể như sau:'),
      numbered(3, 'Thông tin hồ sơ và người nhận kết quả', ''),
      {
        kind: 'fields',
        items: [
          { label: 'Mã hồ sơ', value: d.dossierCode, bold: true },
          ...(d.postalOrder
            ? [
                { label: 'Số đơn hàng bưu chính', value: d.postalOrder.number, bold: true },
                ...(d.postalOrder.itemCode ? [{ label: 'Số hiệu bưu gửi', value: d.postalOrder.itemCode }] : []),
                ...(d.postalOrder.fee !== undefined ? [{ label: 'Cước thu của người nhận', value: `${d.postalOrder.fee.toLocaleString('vi-VN')} đồng` }] : []),
              ]
            : []),
          requestField(d),
          { label: 'Người nhận', value: d.applicant.name, bold: true },
          { label: d.applicant.kind === 'organisation' ? 'Mã số doanh nghiệp, tổ chức' : 'Số định danh cá nhân', value: d.applicant.idNumber },
          { label: 'Địa chỉ nhận kết quả', value: d.deliveryAddress ?? '' },
          { label: 'Số điện thoại', value: d.applicant.phone },
        ],
      },
      numbered(4, 'Kết quả được bàn giao', ''),
      {
        kind: 'table',
        columns: [
          { header: 'STT', width: 1.1, align: 'center' },
          { header: 'Tên giấy tờ, kết quả', width: 7 },
          { header: 'Số, ký hiệu / mã kết quả', width: 3.6 },
          { header: 'Số lượng', width: 1.6, align: 'center' },
        ],
        rows: d.items.map((it, i) => [String(i + 1), it.name, it.reference ?? '', `${String(it.copies ?? 1).padStart(2, '0')} (bản)`]),
      },
      para(
        `Bên nhận có trách nhiệm bảo quản, chuyển phát nguyên vẹn kết quả nêu trên đến đúng địa chỉ người nhận và thông báo cho ${desk} khi đã phát hoặc không phát được. ` +
          `${addressee(d.applicant)} ${d.applicant.name} nhận kết quả tại địa chỉ nêu trên và thanh toán cước theo quy định (nếu có).`,
      ),
      para('Biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản./.'),
      {
        kind: 'signature',
        left: { title: 'NHÂN VIÊN BƯU CHÍNH' },
        signer: { title: 'NGƯỜI GIAO', name: d.officer.name },
      },
    ],
    meta: metaOf(d, name),
  });
}
