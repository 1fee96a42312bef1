import { inTransaction, type Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { parseEdxml, type EdxmlDocumentMessage, type EdxmlMessage, type EdxmlResponseFor } from '../edxml/index.ts';
import { registerExchangedDocument } from '../incoming/register-exchanged-document.ts';
import { recordRecallRequest } from '../incoming/record-recall-request.ts';
import { recordRecipientStatus } from '../outgoing/record-recipient-status.ts';
import { sha256Hex } from './axis-contract.ts';
import { sendEdxmlStatus } from './send.ts';

export type ReceiveResult = { kind: 'document'; id: string; documentId: string; duplicate: boolean } | { kind: 'status'; duplicate: boolean };

/** The statuses a receiver sends back to the sender about one of our outgoing documents. */
const TO_SENDER = new Set(['01', '02', '03', '04', '05', '06', '15', '16']);

/**
 * The one entry of EDXML into congso, for the inbox route and the axis poll alike. The message is
 * parsed (malformed, too large or missing a field: 400 EDXML_INVALID naming where) and must be
 * addressed to us (a document's To list holds our OrganId; a status's ResponseFor names us),
 * else 400 EDXML_MISADDRESSED, and through the axis a document is also returned to its sender
 * with status 02 saying why. Nothing is stored for a refused message. Then, in one transaction: a
 * document is registered as an incoming document (helper B2) and answered with 01; a status about
 * one of our outgoing documents goes to it (helper B1); a recall request (13) to the incoming
 * document it names (B2). The same bytes received again are answered as the first time.
 */
export async function receiveEdxml(ctx: Ctx, xml: Buffer, via: 'axis' | 'inbox'): Promise<ReceiveResult> {
  const { maxBytes, maxAttachmentBytes } = ctx.config.edxml;
  if (xml.length > maxBytes)
    throw new AppError('PAYLOAD_TOO_LARGE', {
      vi: `Thông điệp EDXML lớn hơn giới hạn ${maxBytes} byte`,
      en: `The EDXML message is larger than the limit of ${maxBytes} bytes`,
    });
  const sha256 = sha256Hex(xml);
  const seen = await ctx.database.db.selectFrom('edxml_received').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  if (seen)
    return seen.kind === 'document'
      ? { kind: 'document', id: seen.incoming_id!, documentId: seen.document_id, duplicate: true }
      : { kind: 'status', duplicate: true };

  const { message, signature } = parseEdxml(xml, { maxBytes, maxAttachmentBytes });
  const ours = ctx.config.edxml.organ.organId;
  const misaddressed = whyMisaddressed(message, ours);
  if (misaddressed) {
    if (via === 'axis' && message.kind === 'document') await returnToSender(ctx, message, misaddressed);
    throw new AppError('EDXML_MISADDRESSED', misaddressed, [
      {
        path: message.kind === 'document' ? 'edXMLHeader.MessageHeader.To' : 'edXMLHeader.MessageHeader.ResponseFor.OrganId',
        message: misaddressed.vi,
        messageEn: misaddressed.en,
      },
    ]);
  }

  // The XML kept as it came (the blob before the rows that name it; a blob no row names is harmless).
  const { sha256: rawBlob } = await ctx.blobs.put(xml);
  return ctx.database.db.transaction().execute(async (tx) => {
    const c = inTransaction(ctx, tx);
    const remember = (kind: 'document' | 'status', documentId: string, incomingId: string | null) =>
      tx
        .insertInto('edxml_received')
        .values({
          sha256,
          via,
          kind,
          sender: message.from.organId,
          document_id: documentId,
          status_code: message.kind === 'status' ? message.statusCode : null,
          incoming_id: incomingId,
        })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
    if (message.kind === 'document') {
      const r = await registerExchangedDocument(c, tx, message, { signature, rawBlob, via });
      // A revocation (BussinessDocType 1) is a recall request on a document that already arrived:
      // its answer is 15 or 16 from the clerk, not a second 01.
      if (!r.duplicate && message.business.type !== 1)
        await sendEdxmlStatus(c, tx, {
          responseFor: responseForDocument(message),
          statusCode: '01',
          description: `${ctx.config.edxml.organ.organName}: Đã đến - văn bản đã được nhận vào hệ thống, chờ văn thư xử lý`,
        });
      await remember('document', r.documentId, r.id);
      return { kind: 'document' as const, id: r.id, documentId: r.documentId, duplicate: r.duplicate };
    }
    const documentId = message.responseFor.documentId;
    const found =
      message.statusCode === '13'
        ? await recordRecallRequest(c, tx, message)
        : TO_SENDER.has(message.statusCode)
          ? await recordRecipientStatus(c, tx, message)
          : null;
    if (!found)
      throw new AppError(
        'EDXML_UNKNOWN_DOCUMENT',
        { vi: `Không có văn bản ${documentId} để cập nhật trạng thái ${message.statusCode}`, en: `No document ${documentId} for status ${message.statusCode}` },
        [{ path: 'edXMLHeader.MessageHeader.ResponseFor.DocumentId', message: 'Không có văn bản này', messageEn: 'no such document here' }],
      );
    await remember('status', documentId, null);
    return { kind: 'status' as const, duplicate: false };
  });
}

function whyMisaddressed(m: EdxmlMessage, ours: string): { vi: string; en: string } | null {
  if (m.kind === 'document') {
    if (m.to.some((o) => o.organId === ours)) return null;
    const to = m.to.map((o) => o.organId).join(', ') || '(none)';
    return { vi: `Văn bản gửi đến ${to}, không phải cơ quan ${ours}`, en: `The document is addressed to ${to}, not to agency ${ours}` };
  }
  if (m.responseFor.organId === ours) return null;
  return {
    vi: `Trạng thái gửi đến ${m.responseFor.organId}, không phải cơ quan ${ours}`,
    en: `The status is addressed to ${m.responseFor.organId}, not to agency ${ours}`,
  };
}

/** What a status about a document received names: the document as its sender numbered it. */
export function responseForDocument(m: EdxmlDocumentMessage): EdxmlResponseFor {
  return {
    organId: m.from.organId,
    code: `${m.code.number}/${m.code.notation}`,
    promulgationDate: m.promulgation.date,
    documentId: m.documentId,
  };
}

/** A document that came through the axis to the wrong agency goes back to its sender with 02 and why. */
async function returnToSender(ctx: Ctx, m: EdxmlDocumentMessage, why: { vi: string; en: string }): Promise<void> {
  await ctx.database.db.transaction().execute(async (tx) => {
    await sendEdxmlStatus(inTransaction(ctx, tx), tx, { responseFor: responseForDocument(m), statusCode: '02', description: `Gửi nhầm cơ quan: ${why.vi}` });
  });
}
