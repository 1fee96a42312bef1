import { longDateTime, renderDocument } from '../../../platform/pdf/index.ts';
import { formNameAt, addressee, applicantFields, deskOf, headerOf, metaOf, para, parseForm, qrOf, requestField } from './common.ts';
import { refusalSchema, type RefusalData } from './types.ts';

/** Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ. */
export async function renderRefusal(input: RefusalData): Promise<Uint8Array> {
  const d = parseForm(refusalSchema, input);
  const name = formNameAt('refusal', d.issuedAt);
  const desk = `${deskOf(d.agency, d.issuedAt)} - ${d.agency.name}`;
  return renderDocument({
    qr: qrOf(d, name),
    header: headerOf(d.agency, d.issuedAt, d.number, true),
    title: name,
    body: [
      { kind: 'paragraph', text: [`${desk} tiếp nhận hồ sơ của: `, { text: d.applicant.name, bold: true }], align: 'left' },
      {
        kind: 'fields',
        items: [
          ...applicantFields(d.applicant),
          { label: 'Mã hồ sơ', value: d.dossierCode },
          requestField(d),
          ...(d.receivedAt ? [{ label: 'Thời gian tiếp nhận', value: longDateTime(d.receivedAt) }] : []),
        ],
      },
      para(`Qua xem xét, ${desk} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:`),
      { kind: 'list', marker: 'number', items: d.reasons },
      para(`Xin thông báo cho ${addressee(d.applicant)} được biết và thực hiện./.`),
      { kind: 'signature', signer: { title: 'Người tiếp nhận hồ sơ', name: d.officer.name } },
    ],
    meta: metaOf(d, name),
  });
}
