import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import type { EdxmlStatusMessage } from '../edxml/model.ts';
import { indexOutgoing } from './create-outgoing.ts';
import { appendHistory } from './store.ts';

/** "2026/12/07 09:30:00" or ISO with an offset: the model writes ISO 8601 with +07:00; a bare time is Vietnam's. */
function instantOf(t: string): Date {
  const iso = t.replaceAll('/', '-').replace(' ', 'T');
  const d = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}+07:00`);
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}

/**
 * A status a recipient sent back about one of our outgoing documents (01 arrived … 06 done, 15
 * recall or change agreed, 16 refused), called by the exchange when it receives one. Found by
 * ResponseFor.DocumentId; kept once per sending organ, code and time, so a status delivered twice
 * (the axis delivers at least once) is recorded once. A 15 to a recall or a replacement marks that
 * recipient's copy recalled.
 * Null when no outgoing document of ours has that DocumentId.
 */
export async function recordRecipientStatus(ctx: Ctx, tx: Tx, s: EdxmlStatusMessage): Promise<{ outgoingId: string } | null> {
  const doc = await tx
    .selectFrom('outgoing_documents')
    .select(['id', 'status'])
    .where('document_id', '=', s.responseFor.documentId)
    .forUpdate()
    .executeTakeFirst();
  if (!doc) return null;
  const at = instantOf(s.timestamp);
  const inserted = await tx
    .insertInto('outgoing_document_statuses')
    .values({ document_id: doc.id, organ_id: s.from.organId, code: s.statusCode, description: s.description, at })
    .onConflict((oc) => oc.columns(['document_id', 'organ_id', 'code', 'at']).doNothing())
    .returning('code')
    .executeTakeFirst();
  if (!inserted) return { outgoingId: doc.id };
  // 15 agrees to whatever we asked: after a recall or a replacement, their copy is withdrawn; after an update, it stays.
  if (s.statusCode === '15' && (doc.status === 'recalled' || doc.status === 'replaced')) {
    await tx
      .updateTable('outgoing_document_recipients')
      .set({ recalled_at: at })
      .where('document_id', '=', doc.id)
      .where('organ_id', '=', s.from.organId)
      .where('recalled_at', 'is', null)
      .execute();
  }
  // In the history too, so the document's page tells its whole story; the status does not change the row's version.
  await appendHistory(tx, doc.id, {
    action: `status.${s.statusCode}`,
    actor: `organ:${s.from.organId}`,
    actorName: s.from.organName,
    at,
    from: doc.status,
    to: doc.status,
    note: s.description || null,
  });
  await recordAudit(tx, {
    actor: `organ:${s.from.organId}`,
    action: 'documents.outgoing.recipient_status',
    target: `outgoing:${doc.id}`,
    data: { code: s.statusCode },
  });
  await indexOutgoing(inTransaction(ctx, tx), tx, doc.id);
  return { outgoingId: doc.id };
}
