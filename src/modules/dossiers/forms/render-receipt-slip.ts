import { formatBudget } from '../../../platform/i18n/index.ts';
import { longDateTime, renderDocument, type Block } from '../../../platform/pdf/index.ts';
import { formNameAt, applicantFields, channelText, deskOf, headerOf, metaOf, numbered, parseForm, qrOf, requestField } from './common.ts';
import { receiptSlipSchema, type ProcessingTime, type ReceiptSlipData } from './types.ts';

const delivery = (method: ReceiptSlipData['resultDelivery']['method'], desk: string) =>
  ({ direct: desk, online: 'Trực tuyến, trên Cổng Dịch vụ công (kết quả điện tử)', postal: 'Qua dịch vụ bưu chính công ích' })[method];

/** "15 ngày làm việc", "8 giờ làm việc", "Trong ngày làm việc (…)": the time limit in the procedure's words. */
export function processingTimeText(t: ProcessingTime): string {
  switch (t.unit) {
    case 'working-days':
      return formatBudget('vi', t.value);
    case 'days':
      return `${t.value} ngày`;
    case 'working-hours':
      return `${t.value} giờ làm việc`;
    case 'same-day': {
      if (!t.cutoff) return 'Trong ngày làm việc';
      const [h, m] = t.cutoff.split(':');
      return `Trong ngày làm việc (hồ sơ tiếp nhận sau ${h} giờ ${m} phút được trả kết quả trong ngày làm việc tiếp theo)`;
    }
    case 'text':
      return t.text;
  }
}

/** Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export async function renderReceiptSlip(input: ReceiptSlipData): Promise<Uint8Array> {
  const d = parseForm(receiptSlipSchema, input);
  const name = formNameAt('receipt', d.receivedAt);
  // The desk as it was named on the day of receipt: a slip reissued for an older dossier reads as the original.
  const deskName = deskOf(d.agency, d.receivedAt);
  const desk = `${deskName} - ${d.agency.name}`;
  const deliveredAt = delivery(d.resultDelivery.method, deskName) + (d.resultDelivery.address ? `, địa chỉ: ${d.resultDelivery.address}` : '');
  const time = d.processingTime && processingTimeText(d.processingTime);
  const sets = d.sets ?? 1;
  const body: Block[] = [
    { kind: 'paragraph', text: [`${desk} tiếp nhận hồ sơ của: `, { text: d.applicant.name, bold: true }], align: 'left' },
    { kind: 'fields', items: [...applicantFields(d.applicant), requestField(d), { label: 'Hình thức nộp hồ sơ', value: channelText(d.channel, deskName) }] },
    numbered(1, 'Thành phần hồ sơ nộp gồm', ''),
    {
      kind: 'table',
      columns: [
        { header: 'STT', width: 1.1, align: 'center' },
        { header: 'Tên thành phần hồ sơ', width: 8 },
        { header: 'Bản chính', width: 1.6, align: 'center' },
        { header: 'Bản sao', width: 1.6, align: 'center' },
        { header: 'Đã số hóa', width: 1.6, align: 'center' },
      ],
      rows: d.components.map((c, i) => [String(i + 1), c.name, String(c.originals), String(c.copies), c.digitised ? 'Có' : 'Không']),
    },
    // The e-form's answers, labelled as the form labels them: a plain list, a table's rows one line each.
    ...(d.eForm?.length
      ? [
          { kind: 'paragraph', text: [{ text: 'Nội dung tờ khai điện tử:', bold: true }], align: 'left' } as Block,
          { kind: 'fields', items: d.eForm.map((f) => ({ label: f.label, value: f.value })) } as Block,
        ]
      : []),
    numbered(2, 'Số lượng hồ sơ', `${String(sets).padStart(2, '0')} (bộ)`),
    numbered(3, 'Thời gian giải quyết hồ sơ theo quy định là', time ?? '……………'),
    numbered(4, 'Thời gian nhận hồ sơ', longDateTime(d.receivedAt)),
    numbered(5, 'Thời gian trả kết quả giải quyết hồ sơ', { text: longDateTime(d.dueDate), bold: true }),
    numbered(6, 'Đăng ký nhận kết quả tại', deliveredAt),
  ];
  if (d.register)
    body.push({
      kind: 'paragraph',
      text: `Vào Sổ theo dõi hồ sơ, Quyển số: ${d.register.book || '……'}, Số thứ tự: ${d.register.entry ?? '……'}`,
      italic: true,
      align: 'left',
    });
  // The applicant signs only at the counter; a slip sent online or by post has no such signature.
  body.push({
    kind: 'signature',
    left: d.channel === 'direct' ? { title: 'Người nộp hồ sơ', name: d.applicant.kind === 'organisation' ? undefined : d.applicant.name } : undefined,
    signer: { title: 'Người tiếp nhận hồ sơ', name: d.receivingOfficer },
  });
  return renderDocument({
    qr: qrOf(d, name),
    header: headerOf(d.agency, d.issuedAt, d.number, true, d.receivedAt),
    title: name,
    body,
    meta: metaOf(d, name),
  });
}
