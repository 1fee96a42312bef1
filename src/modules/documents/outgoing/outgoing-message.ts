import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import type { BusinessDocType, EdxmlAttachment, EdxmlDocumentMessage, EdxmlOrgan, EdxmlResponseFor } from '../edxml/model.ts';
import { formatNumber } from '../numbering.ts';
import { seriesOf } from '../series.ts';
import { AGENCY_PLACE, missingFile } from './sign-outgoing.ts';
import type { OutgoingRow } from './store.ts';

/** "2026-12-07T09:30:00+07:00": a moment in Vietnam's time, as the model writes times. */
export function vietnamIso(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+07:00');
}

/** ResponseFor naming a released document of ours. */
export function responseForOf(row: OutgoingRow, organId: string): EdxmlResponseFor {
  return {
    organId,
    code: `${formatNumber(row.number!)}/${row.notation}`,
    promulgationDate: row.promulgation_date ?? undefined,
    documentId: row.document_id!,
  };
}

/**
 * The EDXML document message of a released document to its external recipients still holding it:
 * the sealed PDF and the appendices as attachments. `business` says whether it is new (0), an update
 * (2, ResponseFor naming itself) or a replacement (3, ReplacementInfoList naming the replaced one).
 */
export async function outgoingMessage(
  ctx: Ctx,
  tx: Tx,
  row: OutgoingRow,
  o: {
    from: EdxmlOrgan;
    now: Date;
    business: { type: BusinessDocType; reason?: string; replaced?: OutgoingRow };
    staff?: string;
  },
): Promise<EdxmlDocumentMessage | null> {
  const recipients = await tx.selectFrom('outgoing_document_recipients').selectAll().where('document_id', '=', row.id).orderBy('seq').execute();
  const to = recipients.filter((r) => r.kind === 'external' && r.recalled_at === null).map((r) => ({ organId: r.organ_id!, organName: r.name }));
  if (!to.length) return null;
  const files = await tx
    .selectFrom('outgoing_document_files')
    .selectAll()
    .where('document_id', '=', row.id)
    .where('current', '=', true)
    .where('role', 'in', ['sealed', 'appendix'])
    .orderBy('seq')
    .execute();
  const sealed = files.filter((f) => f.role === 'sealed').at(-1);
  if (!sealed) throw missingFile('đã đóng dấu');
  const attachments: EdxmlAttachment[] = [];
  for (const f of [sealed, ...files.filter((x) => x.role === 'appendix')]) {
    const bytes = await ctx.blobs.get(f.sha256);
    if (!bytes) throw missingFile(f.file_name);
    attachments.push({ contentId: `cid:${f.seq}`, name: f.file_name, contentType: f.content_type, content: Buffer.from(bytes) });
  }
  const series = seriesOf(row.series_code)!;
  const number = formatNumber(row.number!);
  const replaced = o.business.replaced;
  return {
    kind: 'document',
    from: o.from,
    to,
    documentId: row.document_id!,
    code: { number, notation: row.notation! },
    promulgation: { place: AGENCY_PLACE, date: row.promulgation_date! },
    documentType: series.edxml,
    subject: row.subject,
    content: row.summary ?? undefined,
    signer: {
      competence: row.signer_position?.split('\n')[0] || undefined,
      position: row.signer_position?.split('\n').at(-1) || undefined,
      fullName: row.signer_name,
    },
    dueDate: row.due_date ?? undefined,
    steeringType: row.steering_type ?? undefined,
    toPlaces: recipients.map((r) => r.name),
    otherInfo: {
      priority: row.priority ?? undefined,
      promulgationAmount: recipients.length,
      appendixes: files.filter((x) => x.role === 'appendix').map((f) => f.file_name),
    },
    responseFor: o.business.type === 2 ? [responseForOf(row, o.from.organId)] : replaced ? [responseForOf(replaced, o.from.organId)] : [],
    business: {
      type: o.business.type,
      reason: o.business.reason,
      documentId: o.business.type === 0 ? undefined : row.document_id!,
      staff: o.staff ? { staff: o.staff } : undefined,
      replacementInfo: replaced ? [{ documentId: replaced.document_id!, organIds: to.map((t) => t.organId) }] : [],
    },
    trace: [{ organId: o.from.organId, timestamp: vietnamIso(o.now) }],
    attachments,
  };
}
