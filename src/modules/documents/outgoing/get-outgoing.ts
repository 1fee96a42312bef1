import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { foldVietnamese } from '../../../platform/i18n/index.ts';
import { formatNumber } from '../numbering.ts';
import { allowedOutgoingActions, type OutgoingStatus } from './lifecycle.ts';
import type { OutgoingListQuery, OutgoingSummary, OutgoingView } from './schemas.ts';
import { deliveriesOf } from './exchange-port.ts';
import { assertVisibleOutgoing, coveredUnitIds, loadOutgoing, loadUnits, type OutgoingRow } from './store.ts';

export const fullNotation = (row: Pick<OutgoingRow, 'number' | 'notation'>) =>
  row.number !== null && row.notation ? `${formatNumber(row.number)}/${row.notation}` : null;

/** One outgoing document as its readers see it: files, history, recipients with their delivery and statuses, and what the caller may do. */
export async function getOutgoing(ctx: Ctx, id: string, p: Principal): Promise<OutgoingView> {
  const row = await loadOutgoing(ctx.database.db, id);
  const units = await loadUnits(ctx);
  const actor = await assertVisibleOutgoing(ctx, units, p, row);
  const db = ctx.database.db;
  const [files, history, recipients, statuses, deliveries] = await Promise.all([
    db.selectFrom('outgoing_document_files').selectAll().where('document_id', '=', id).orderBy('seq').execute(),
    db.selectFrom('outgoing_document_history').selectAll().where('document_id', '=', id).orderBy('seq').execute(),
    db.selectFrom('outgoing_document_recipients').selectAll().where('document_id', '=', id).orderBy('seq').execute(),
    db.selectFrom('outgoing_document_statuses').selectAll().where('document_id', '=', id).orderBy('at').orderBy('code').execute(),
    row.document_id ? deliveriesOf(ctx, row.document_id) : Promise.resolve([]),
  ]);
  return {
    id: row.id,
    version: row.version,
    status: row.status as OutgoingStatus,
    seriesCode: row.series_code,
    number: row.number,
    notation: fullNotation(row),
    documentId: row.document_id,
    promulgationDate: row.promulgation_date,
    subject: row.subject,
    summary: row.summary,
    draftingUnit: row.drafting_unit,
    drafter: { username: row.drafter, name: row.drafter_name },
    signer: { staffId: row.signer_id, username: row.signer_username, name: row.signer_name, position: row.signer_position },
    dueDate: row.due_date,
    steeringType: row.steering_type,
    priority: row.priority,
    replacesId: row.replaces_id,
    replacedById: row.replaced_by_id,
    files: files.map((f) => ({ role: f.role, seq: f.seq, name: f.file_name, contentType: f.content_type, size: f.size, sha256: f.sha256, current: f.current })),
    history: history.map((h) => ({
      seq: h.seq,
      action: h.action,
      at: new Date(h.at).toISOString(),
      by: h.actor,
      byName: h.actor_name,
      from: h.from_status,
      to: h.to_status,
      note: h.note,
    })),
    recipients: recipients.map((r) => ({
      kind: r.kind,
      organId: r.organ_id,
      unitId: r.unit_id,
      name: r.name,
      delivery:
        r.kind === 'internal'
          ? row.released_at
            ? 'delivered'
            : null
          : (deliveries.find((d) => d.organId === r.organ_id)?.state ?? (row.released_at ? 'pending' : null)),
      recalled: r.recalled_at !== null,
      statuses: statuses.filter((s) => s.organ_id === r.organ_id).map((s) => ({ code: s.code, description: s.description, at: new Date(s.at).toISOString() })),
    })),
    allowedActions: allowedOutgoingActions(row.status as OutgoingStatus, actor),
  };
}

/** The file of a document (by its seq), for readers of the document. */
export async function getOutgoingFile(ctx: Ctx, id: string, seq: number, p: Principal) {
  const row = await loadOutgoing(ctx.database.db, id);
  await assertVisibleOutgoing(ctx, await loadUnits(ctx), p, row);
  const f = await ctx.database.db.selectFrom('outgoing_document_files').selectAll().where('document_id', '=', id).where('seq', '=', seq).executeTakeFirst();
  if (!f) return null;
  const bytes = await ctx.blobs.get(f.sha256);
  return bytes ? { name: f.file_name, contentType: f.content_type, bytes } : null;
}

/**
 * Outgoing documents the caller sees, newest first: drafted in the units they cover, to be signed
 * by them, or (received=1) released to the units they cover.
 */
export async function listOutgoing(ctx: Ctx, q: OutgoingListQuery, p: Principal): Promise<OutgoingSummary[]> {
  if (p.kind !== 'staff') return [];
  const units = coveredUnitIds(await loadUnits(ctx), p);
  const db = ctx.database.db;
  let query = db.selectFrom('outgoing_documents as d').selectAll('d');
  if (q.received === '1') {
    if (!units.length) return [];
    query = query
      .where('d.released_at', 'is not', null)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('outgoing_document_recipients as r')
            .select('r.seq')
            .whereRef('r.document_id', '=', 'd.id')
            .where('r.unit_id', 'in', units)
            .where('r.recalled_at', 'is', null),
        ),
      );
  } else {
    query = query.where((eb) => (units.length ? eb.or([eb('d.drafting_unit', 'in', units), eb('d.signer_id', '=', p.id)]) : eb('d.signer_id', '=', p.id)));
  }
  if (q.status) query = query.where('d.status', '=', q.status);
  if (q.seriesCode) query = query.where('d.series_code', '=', q.seriesCode);
  if (q.year) query = query.where('d.year', '=', q.year);
  const rows = (await query
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id')
    .limit(q.q ? 1000 : q.limit)
    .execute()) as OutgoingRow[];
  const folded = q.q ? foldVietnamese(q.q) : '';
  return rows
    .filter((r) => !folded || foldVietnamese(`${r.subject} ${fullNotation(r) ?? ''}`).includes(folded))
    .slice(0, q.limit)
    .map((r) => ({
      id: r.id,
      version: r.version,
      status: r.status as OutgoingStatus,
      seriesCode: r.series_code,
      notation: fullNotation(r),
      subject: r.subject,
      draftingUnit: r.drafting_unit,
      signerName: r.signer_name,
      releasedAt: r.released_at ? new Date(r.released_at).toISOString() : null,
      createdAt: new Date(r.created_at).toISOString(),
    }));
}
