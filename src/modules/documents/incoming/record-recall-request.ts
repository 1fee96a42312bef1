import { inTransaction, type Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import type { EdxmlStatusMessage } from '../edxml/model.ts';
import { appendHistory, loadIncoming, reindex } from './store.ts';

/**
 * The sender asks for one of our incoming documents back (status 13, or a revocation message,
 * business type 1): the request is written into the document's history and waits for the
 * clerk's answer (`agree-recall` → 15, `refuse-recall` → 16). Null when no incoming document of
 * that sender has that DocumentId. Delivered twice, it is recorded once.
 */
export async function recordRecallRequest(outer: Ctx, tx: Tx, s: EdxmlStatusMessage): Promise<{ incomingId: string } | null> {
  const ctx = inTransaction(outer, tx);
  const doc = await tx
    .selectFrom('incoming_documents')
    .select('id')
    .where('sender_organ_id', '=', s.from.organId)
    .where('document_id', '=', s.responseFor.documentId)
    .orderBy('business_type')
    .orderBy('received_at', 'desc')
    .executeTakeFirst();
  if (!doc) return null;
  await recallRequested(tx, doc.id, {
    reason: s.description || 'Thu hồi văn bản điện tử',
    staff: s.staff?.staff,
    at: new Date(Date.now() + ctx.config.clockOffsetMs),
  });
  return { incomingId: doc.id };
}

/** Marks the recall request on the document (locked here); `duplicate` when one is already pending, or it was recalled or refused. */
export async function recallRequested(tx: Tx, id: string, r: { reason: string; staff?: string; at: Date }): Promise<{ duplicate: boolean }> {
  const row = await loadIncoming(tx, id, true);
  // A refused document was never taken in: there is nothing to give back.
  if (row.recall_pending || row.status === 'recalled' || row.status === 'refused') return { duplicate: true };
  await appendHistory(
    tx,
    row,
    {
      action: 'recall-requested',
      actor: 'system:edxml',
      actorName: r.staff ? `${row.sender_name} (${r.staff})` : row.sender_name,
      at: r.at,
      toStatus: row.status,
      statusCode: '13',
      note: r.reason,
    },
    { recall_pending: true, recall_reason: r.reason },
  );
  await recordAudit(tx, { actor: 'system:edxml', action: 'documents.incoming.recall-requested', target: `incoming:${id}`, data: { reason: r.reason } });
  await reindex(tx, id);
  return { duplicate: false };
}
