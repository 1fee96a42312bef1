import { randomUUID } from 'node:crypto';
import { inTransaction, type Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { enqueueOutbox } from '../../../platform/outbox/index.ts';
import {
  buildEdxml,
  signEdxml,
  type EdxmlDocumentMessage,
  type EdxmlMessage,
  type EdxmlOrgan,
  type EdxmlResponseFor,
  type EdxmlStaff,
  type EdxmlStatusCode,
  type EdxmlStatusMessage,
  vietnamNow,
} from '../edxml/index.ts';
import type { DeliveryState } from '../tables-exchange.ts';
import { agencyKey } from './agency-key.ts';

/** The outbox adapter that carries EDXML to the axis (its deliveries: exchange-adapter.ts). */
export const EDXML_ADAPTER = 'edxml-axis';

/** What an outbox message of the exchange carries: the signed XML is in the blob store. */
export interface EdxmlOutboxPayload {
  messageId: string;
  to: string;
  blob: string;
  documentId: string;
  kind: 'document' | 'status';
}

/** This agency as the exchange names it (EDXML_ORGAN_ID, EDXML_ORGAN_NAME). */
export function agencyOrgan(ctx: Ctx): EdxmlOrgan {
  const { organId, organName } = ctx.config.edxml.organ;
  return { organId, organName, organizationInCharge: organName };
}

/**
 * Sends a document to the agencies in its To list, in the caller's transaction: built, signed with
 * the agency's key, kept in the blob store, and one outbox message per recipient (keyed by
 * recipient and DocumentId, so what follows about the same document goes after it), each with its
 * delivery row. Nothing leaves unless the transaction commits.
 */
export async function sendEdxmlDocument(outer: Ctx, tx: Tx, m: EdxmlDocumentMessage): Promise<{ messageId: string }> {
  const ctx = inTransaction(outer, tx);
  const messageId = randomUUID();
  const recipients = [...new Set(m.to.map((o) => o.organId))];
  await sendSigned(ctx, tx, messageId, m.documentId, 'document', m, recipients, null);
  return { messageId };
}

/**
 * Sends a status about a document to the agency its ResponseFor names (01–06, 15, 16 back to the
 * sender; 13 to a receiver), in the caller's transaction. From and Timestamp are filled in here.
 */
export async function sendEdxmlStatus(
  outer: Ctx,
  tx: Tx,
  s: { responseFor: EdxmlResponseFor; statusCode: EdxmlStatusCode; description: string; staff?: EdxmlStaff },
): Promise<void> {
  const ctx = inTransaction(outer, tx);
  const message: EdxmlStatusMessage = {
    kind: 'status',
    from: agencyOrgan(ctx),
    responseFor: s.responseFor,
    ...(s.staff ? { staff: s.staff } : {}),
    statusCode: s.statusCode,
    description: s.description,
    timestamp: vietnamNow(new Date(Date.now() + ctx.config.clockOffsetMs)),
  };
  const messageId = randomUUID();
  await sendSigned(ctx, tx, messageId, s.responseFor.documentId, 'status', message, [s.responseFor.organId], s.statusCode);
}

async function sendSigned(
  ctx: Ctx,
  tx: Tx,
  messageId: string,
  documentId: string,
  kind: 'document' | 'status',
  message: EdxmlMessage,
  recipients: string[],
  statusCode: string | null,
): Promise<void> {
  const key = await agencyKey(ctx, tx);
  const xml = Buffer.from(signEdxml(buildEdxml(message), key), 'utf8');
  // The blob first, then the rows that name it: a blob no row names is harmless.
  const { sha256 } = await ctx.blobs.put(xml);
  for (const to of recipients) {
    await tx
      .insertInto('edxml_deliveries')
      .values({ message_id: messageId, organ_id: to, document_id: documentId, kind, status_code: statusCode, blob: sha256 })
      .execute();
    const payload: EdxmlOutboxPayload = { messageId, to, blob: sha256, documentId, kind };
    await enqueueOutbox(ctx, tx, { adapter: EDXML_ADAPTER, key: `${to}|${documentId}`, dedupe: `${messageId}|${to}`, kind, payload });
  }
}

export interface Delivery {
  organId: string;
  state: DeliveryState;
  attempts: number;
  lastError?: string;
  sentAt?: Date;
}

/** How the sending of a document to each of its recipients stands (the newest sending per recipient). */
export async function listDeliveries(ctx: Ctx, documentId: string): Promise<Delivery[]> {
  const rows = await ctx.database.db
    .selectFrom('edxml_deliveries')
    .select(['organ_id', 'state', 'attempts', 'last_error', 'sent_at', 'created_at'])
    .where('document_id', '=', documentId)
    .where('kind', '=', 'document')
    .orderBy('created_at', 'desc')
    .execute();
  const seen = new Set<string>();
  const out: Delivery[] = [];
  for (const r of rows) {
    if (seen.has(r.organ_id)) continue;
    seen.add(r.organ_id);
    out.push({
      organId: r.organ_id,
      state: r.state,
      attempts: r.attempts,
      ...(r.last_error ? { lastError: r.last_error } : {}),
      ...(r.sent_at ? { sentAt: r.sent_at } : {}),
    });
  }
  return out.sort((a, b) => a.organId.localeCompare(b.organId));
}
