import { longDateTime, renderDocument, type Block } from '../../../platform/pdf/index.ts';
import { formNameAt, addressee, applicantFields, deskOf, headerOf, metaOf, para, parseForm, qrOf, requestField } from './common.ts';
import { supplementRequestSchema, type SupplementRequestData } from './types.ts';

/** Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
export async function renderSupplementRequest(input: SupplementRequestData): Promise<Uint8Array> {
  const d = parseForm(supplementRequestSchema, input);
  const name = formNameAt('supplement', d.issuedAt);
  const you = addressee(d.applicant);
  const contact = `${d.contact.name}, số điện thoại ${d.contact.phone}${d.contact.email ? `, email ${d.contact.email}` : ''}`;
  const body: Block[] = [
    {
      kind: 'fields',
      items: [
        ...applicantFields(d.applicant, 'Hồ sơ của'),
        { label: 'Mã hồ sơ', value: d.dossierCode },
        requestField(d),
        ...(d.receivedAt ? [{ label: 'Ngày tiếp nhận hồ sơ', value: longDateTime(d.receivedAt) }] : []),
      ],
    },
    { kind: 'paragraph', text: { text: 'Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:', bold: true }, align: 'left' },
    { kind: 'list', marker: 'number', items: d.items.map((it) => [it.content, '\n', { text: 'Lý do: ', italic: true }, { text: it.reason, italic: true }]) },
    para(
      `Thời gian ${you} bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết hồ sơ. Cơ quan giải quyết chỉ yêu cầu bổ sung, hoàn thiện hồ sơ một lần.`,
    ),
    para(`Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ${you} liên hệ với ${contact} để được hướng dẫn./.`),
    { kind: 'signature', signer: { title: 'Người hướng dẫn', name: d.officer.name } },
  ];
  return renderDocument({
    qr: qrOf(d, name),
    header: headerOf(d.agency, d.issuedAt, d.number, true),
    title: name,
    subtitle: [{ text: `(${deskOf(d.agency, d.issuedAt)} - ${d.agency.name})`, italic: true }],
    body,
    meta: metaOf(d, name),
  });
}
