import { buildEdxml, documentIdOf, type EdxmlDocumentMessage, type EdxmlStatusCode, type EdxmlStatusMessage } from '../../src/modules/documents/edxml/index.ts';

/** Hand-built EDXML messages for the exchange's tests (built by the codec, so they are what a sender's system writes). */

export const AGENCY_A = { organId: '000.00.00.G12', organName: 'Bộ Công Thương' };
export const AGENCY_B = { organId: '000.00.00.G15', organName: 'Bộ Tài chính' };
export const AGENCY_C = { organId: '000.00.00.H41', organName: 'UBND Tỉnh Nghệ An' };

let serial = 100;

/** A document from `from` to `to` (one or more agencies), numbered afresh each call unless `number` is given. */
export function documentMessage(
  from: { organId: string; organName: string },
  to: { organId: string; organName: string }[],
  opts: { number?: string; subject?: string; attachment?: Buffer } = {},
): EdxmlDocumentMessage {
  const number = opts.number ?? String(serial++);
  const notation = 'BCT-VP';
  const date = '2026-12-07';
  return {
    kind: 'document',
    from,
    to,
    documentId: documentIdOf(from.organId, date, `${number}/${notation}`),
    code: { number, notation },
    promulgation: { place: 'Hà Nội', date },
    documentType: { type: 1, typeDetail: 0, typeName: 'Công văn' },
    subject: opts.subject ?? 'V/v phối hợp kiểm tra thị trường cuối năm',
    signer: { competence: 'KT. BỘ TRƯỞNG', position: 'Thứ trưởng', fullName: 'Nguyễn Văn An' },
    toPlaces: to.map((t) => t.organName),
    otherInfo: { priority: 0, appendixes: [] },
    responseFor: [],
    business: { type: 0, replacementInfo: [] },
    trace: [],
    attachments: [
      {
        contentId: 'cid:1',
        name: 'cong-van.pdf',
        contentType: 'application/pdf',
        content: opts.attachment ?? Buffer.from('%PDF-1.7\n% test attachment\n%%EOF\n'),
      },
    ],
  };
}

/** A status from `from` about the document `doc`, addressed to `to` (its sender, or for 13 its receiver). */
export function statusMessage(
  from: { organId: string; organName: string },
  to: string,
  doc: Pick<EdxmlDocumentMessage, 'documentId' | 'code' | 'promulgation'>,
  statusCode: EdxmlStatusCode,
  description = 'Văn thư: đã xử lý',
): EdxmlStatusMessage {
  return {
    kind: 'status',
    from,
    responseFor: { organId: to, code: `${doc.code.number}/${doc.code.notation}`, promulgationDate: doc.promulgation.date, documentId: doc.documentId },
    statusCode,
    description,
    timestamp: '2026-12-07T10:00:00+07:00',
  };
}

export const xmlOf = (m: EdxmlDocumentMessage | EdxmlStatusMessage) => Buffer.from(buildEdxml(m), 'utf8');
