import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import type { SignatureReport } from '../edxml/model.ts';
import { deadlineStates } from './deadline-state.ts';
import type { IncomingView } from './schemas.ts';
import { assertIncomingVisible, loadIncoming, numberNotationOf, stateOfIncoming } from './store.ts';
import { allowedIncomingActions } from './workflow.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * An incoming document as the clerks and leaders of the receiving agency, and its handlers, see it:
 * what was parsed (number and notation, subject, sender, dates), its files, the signature report,
 * the history, and what the caller may do now. Anyone else gets a 404.
 */
export async function getIncomingDocument(ctx: Ctx, id: string, p: Principal): Promise<IncomingView> {
  const row = await loadIncoming(ctx.database.db, id);
  const actor = await assertIncomingVisible(ctx, p, row);
  const [files, history, [deadlineState]] = await Promise.all([
    ctx.database.db.selectFrom('incoming_document_files').selectAll().where('incoming_id', '=', row.id).orderBy('n').execute(),
    ctx.database.db.selectFrom('incoming_document_history').selectAll().where('incoming_id', '=', row.id).orderBy('seq').execute(),
    deadlineStates(ctx, [row]),
  ]);
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    channel: row.channel,
    documentId: row.document_id,
    businessType: row.business_type,
    incomingNumber: row.incoming_number,
    incomingYear: row.incoming_year,
    numberNotation: numberNotationOf(row),
    subject: row.subject,
    summary: row.summary,
    documentType: row.document_type,
    signerName: row.signer,
    sender: { organId: row.sender_organ_id, organName: row.sender_name },
    promulgationDate: row.promulgation_date,
    dueDate: row.due_date,
    receivedAt: new Date(row.received_at).toISOString(),
    registeredAt: iso(row.registered_at),
    receivingUnit: row.receiving_unit,
    directingUnit: row.directing_unit,
    signature: (row.signature as SignatureReport | null) ?? null,
    attachments: files.map((f) => ({ n: f.n, name: f.name, contentType: f.content_type, size: Number(f.size) })),
    history: history.map((h) => ({
      seq: h.seq,
      action: h.action,
      at: new Date(h.at).toISOString(),
      by: h.actor,
      byName: h.actor_name,
      status: h.to_status,
      ...(h.status_code ? { statusCode: h.status_code } : {}),
      ...(h.note ? { note: h.note } : {}),
    })),
    handlerId: row.handler_id,
    coHandlerIds: row.co_handler_ids,
    instructions: row.instructions,
    deadline: row.deadline,
    deadlineState,
    recallPending: row.recall_pending,
    recallReason: row.recall_reason,
    relatedId: row.related_id,
    supersededBy: row.superseded_by,
    ocrStatus: row.ocr_status,
    allowedActions: allowedIncomingActions(stateOfIncoming(row), actor),
  };
}
