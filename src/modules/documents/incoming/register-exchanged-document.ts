import { inTransaction, type Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import { BUSINESS_DOC_TYPES, type EdxmlDocumentMessage, type SignatureReport } from '../edxml/model.ts';
import { recallRequested } from './record-recall-request.ts';
import { appendHistory, incomingClerkUnit, insertHistory, reindex } from './store.ts';

export interface ExchangedMeta {
  signature: SignatureReport;
  /** The blob hash of the received XML, kept as it came. */
  rawBlob: string;
  via: 'axis' | 'inbox';
}

const EXCHANGE_ACTOR = { actor: 'system:edxml', actorName: 'Trục liên thông văn bản' };

/**
 * Registers a document message that came through the exchange as an incoming document of the
 * agency's clerk unit (status `arrived`): what the envelope says, its attachments into the blob
 * store, the signature report and the raw XML. Delivered twice (the axis retries, delivery is
 * at least once), it is the same document: `duplicate: true` with its id. A revocation (business
 * type 1) is a recall request on the earlier document; an update (2) or replacement (3) is a new
 * document linked to the earlier one, whose history says so. Called by the exchange (C's
 * receiveEdxml) in its transaction, which also sends status 01.
 */
export async function registerExchangedDocument(
  outer: Ctx,
  tx: Tx,
  m: EdxmlDocumentMessage,
  meta: ExchangedMeta,
): Promise<{ id: string; documentId: string; duplicate: boolean }> {
  const ctx = inTransaction(outer, tx);
  const now = new Date(Date.now() + ctx.config.clockOffsetMs);
  const organId = m.from.organId;
  const type = m.business.type;
  const earlierId = m.business.documentId ?? m.responseFor[0]?.documentId ?? m.business.replacementInfo[0]?.documentId ?? m.documentId;

  if (type === BUSINESS_DOC_TYPES.revocation) {
    const earlier = await findEarlier(tx, organId, earlierId, m.documentId);
    if (!earlier) {
      throw new AppError('NOT_FOUND', {
        vi: `Không có văn bản đến ${earlierId} của ${organId} để thu hồi`,
        en: `No incoming document ${earlierId} from ${organId} to recall`,
      });
    }
    const r = await recallRequested(tx, earlier.id, {
      reason: m.business.reason ?? 'Thu hồi văn bản điện tử',
      staff: m.business.staff?.staff,
      at: now,
    });
    return { id: earlier.id, documentId: m.documentId, duplicate: r.duplicate };
  }

  const existing = await tx
    .selectFrom('incoming_documents')
    .select('id')
    .where('sender_organ_id', '=', organId)
    .where('document_id', '=', m.documentId)
    .where('business_type', '=', type)
    .executeTakeFirst();
  if (existing) return { id: existing.id, documentId: m.documentId, duplicate: true };

  // The files first, then the rows that name them (a failure between leaves only unreferenced blobs).
  const files = [];
  for (const a of m.attachments) {
    const stored = await ctx.blobs.put(a.content);
    files.push({ name: a.name, contentType: a.contentType, size: stored.size, sha256: stored.sha256 });
  }
  const earlier = type === BUSINESS_DOC_TYPES.new ? undefined : await findEarlier(tx, organId, earlierId, m.documentId);
  const unit = await incomingClerkUnit(ctx);
  const row = await tx
    .insertInto('incoming_documents')
    .values({
      channel: meta.via,
      receiving_unit: unit,
      status: 'arrived',
      sender_organ_id: organId,
      sender_name: m.from.organName,
      document_id: m.documentId,
      business_type: type,
      code_number: m.code.number || null,
      code_notation: m.code.notation || null,
      subject: m.subject,
      summary: m.content ?? null,
      promulgation_place: m.promulgation.place || null,
      promulgation_date: m.promulgation.date || null,
      document_type: m.documentType.typeName || null,
      signer: [m.signer.position, m.signer.fullName].filter(Boolean).join(' ') || null,
      due_date: m.dueDate || null,
      steering_type: m.steeringType ?? null,
      priority: m.otherInfo.priority ?? null,
      response_for: JSON.stringify(m.responseFor),
      related_id: earlier?.id ?? null,
      signature: JSON.stringify(meta.signature),
      raw_blob: meta.rawBlob,
      received_at: now,
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
  if (files.length)
    await tx
      .insertInto('incoming_document_files')
      .values(files.map((f, i) => ({ incoming_id: row.id, n: i + 1, name: f.name, content_type: f.contentType, size: f.size, sha256: f.sha256 })))
      .execute();
  await insertHistory(tx, row.id, 1, null, {
    action: 'arrive',
    ...EXCHANGE_ACTOR,
    at: now,
    toStatus: 'arrived',
    // The exchange answers 01 in the same transaction (exchange/receive).
    statusCode: '01',
    note: signatureNote(meta.signature),
    data: { via: meta.via, businessType: type, relatedId: earlier?.id },
  });
  if (earlier) {
    const action = type === BUSINESS_DOC_TYPES.update ? 'updated' : 'replaced';
    await appendHistory(
      tx,
      earlier,
      {
        action,
        ...EXCHANGE_ACTOR,
        at: now,
        toStatus: earlier.status,
        note: m.business.reason ?? null,
        data: { by: row.id, documentId: m.documentId },
      },
      type === BUSINESS_DOC_TYPES.replacement ? { superseded_by: row.id } : {},
    );
    await reindex(tx, earlier.id);
  }
  await recordAudit(tx, {
    actor: EXCHANGE_ACTOR.actor,
    action: 'documents.incoming.arrive',
    target: `incoming:${row.id}`,
    data: { documentId: m.documentId, from: organId, via: meta.via, businessType: type, signatureValid: meta.signature.valid },
  });
  await reindex(tx, row.id);
  return { id: row.id, documentId: m.documentId, duplicate: false };
}

/** The earlier document a revocation, update or replacement names: the newest one with that DocumentId from that sender. */
async function findEarlier(tx: Tx, organId: string, documentId: string, selfDocumentId: string) {
  const ids = [...new Set([documentId, selfDocumentId])];
  return tx
    .selectFrom('incoming_documents')
    .select(['id', 'status', 'version'])
    .where('sender_organ_id', '=', organId)
    .where('document_id', 'in', ids)
    .orderBy('business_type')
    .orderBy('received_at', 'desc')
    .forUpdate()
    .executeTakeFirst();
}

function signatureNote(s: SignatureReport): string {
  if (!s.present) return 'Không có chữ ký số / No signature';
  if (s.valid) return s.weak ? 'Chữ ký số hợp lệ, thuật toán yếu (SHA-1) / Valid signature, weak algorithm (SHA-1)' : 'Chữ ký số hợp lệ / Valid signature';
  return `Chữ ký số không hợp lệ / Invalid signature${s.reason ? `: ${s.reason}` : ''}`;
}
