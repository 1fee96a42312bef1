import type { Ctx } from '../../../platform/context.ts';
import type { Queryable, Tx } from '../../../platform/db/index.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { listUnits } from '../../organisation/list-units.ts';
import { coveredUnits } from '../../dossiers/visibility.ts';
import { indexDocument } from '../search/index-document.ts';
import { sendEdxmlStatus } from '../exchange/send.ts';
import type { EdxmlStaff, EdxmlStatusCode } from '../edxml/model.ts';
import type { IncomingStatus } from '../tables-incoming.ts';
import { INCOMING_STATUSES, type IncomingActor, type IncomingState } from './workflow.ts';

export type IncomingRow = Awaited<ReturnType<typeof loadIncoming>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const missingDocument = (id: string) => notFound({ vi: `văn bản đến ${id.slice(0, 64)}`, en: `Incoming document ${id.slice(0, 64)}` });

export async function loadIncoming(db: Queryable | Tx, id: string, forUpdate = false) {
  if (!UUID.test(id)) throw missingDocument(id);
  let q = db.selectFrom('incoming_documents').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw missingDocument(id);
  return row;
}

export const stateOfIncoming = (row: IncomingRow): IncomingState => ({
  status: row.status,
  recallPending: row.recall_pending,
  handlerId: row.handler_id,
  firstProgressAt: row.first_progress_at,
});

const LEADER_ROLES = new Set(['unit_leader', 'signing_leader']);

/**
 * The unit that receives the agency's incoming documents: the clerk unit with the lowest unit
 * code. Agency codes number the ministry's office first (000.01.xx: Văn phòng Bộ), and Decree 30
 * art. 20 has the office's clerks (văn thư cơ quan) receive and register what comes in.
 */
export async function incomingClerkUnit(ctx: Ctx): Promise<string> {
  const r = await ctx.database.db
    .selectFrom('staff_roles as r')
    .innerJoin('staff as s', 's.id', 'r.staff_id')
    .select('r.unit_id')
    .where('r.role', '=', 'clerk')
    .where('s.active', '=', true)
    .orderBy('r.unit_id')
    .executeTakeFirst();
  if (r) return r.unit_id;
  // No clerk yet (a fresh installation): the root of the agency tree holds the documents.
  const units = await listUnits(ctx);
  const root = units.find((u) => !u.parentId) ?? units[0];
  if (!root) throw new AppError('CONFIG_INVALID', { vi: 'Chưa có đơn vị nào để nhận văn bản đến', en: 'No unit to receive incoming documents' });
  return root.id;
}

/** What the caller is to this document: clerk, leader who may direct, and whether they see it at all. */
export async function actorOfIncoming(ctx: Ctx, p: Principal, row: IncomingRow): Promise<IncomingActor & { visible: boolean }> {
  if (p.kind !== 'staff') return { clerk: false, leader: false, staffId: null, visible: false };
  const [units, unitAncestors] = [new Set(await coveredUnits(ctx, p)), await ancestorsOf(ctx)];
  // A role held in the unit itself or in a unit above it.
  const holds = (roles: (r: string) => boolean, unit: string) =>
    p.roles.some((r) => roles(r.role) && (r.unitId === unit || unitAncestors.get(unit)?.has(r.unitId) === true));
  const clerk = holds((r) => r === 'clerk', row.receiving_unit);
  const isLeader = p.roles.some((r) => LEADER_ROLES.has(r.role));
  // Presented to no unit: the agency's leaders direct it (the demo has no minister's account; any leader of the agency may).
  const leader = row.directing_unit ? holds((r) => LEADER_ROLES.has(r), row.directing_unit) : isLeader;
  const presented = !['arrived', 'refused'].includes(row.status);
  const visible =
    units.has(row.receiving_unit) ||
    (row.directing_unit !== null && units.has(row.directing_unit)) ||
    (presented && leader) ||
    row.directed_by === p.id ||
    row.handler_id === p.id ||
    row.co_handler_ids.includes(p.id);
  return { clerk, leader, staffId: p.id, visible };
}

/** Each unit's ancestors (the tree is small and read per request: units may move). */
async function ancestorsOf(ctx: Ctx): Promise<Map<string, Set<string>>> {
  const units = await listUnits(ctx);
  const parent = new Map(units.map((u) => [u.id, u.parentId]));
  const out = new Map<string, Set<string>>();
  for (const u of units) {
    const up = new Set<string>();
    for (let x = parent.get(u.id); x; x = parent.get(x)) up.add(x);
    out.set(u.id, up);
  }
  return out;
}

/** The caller's view of the document, or its 404 (someone else's document is "not found", never forbidden). */
export async function assertIncomingVisible(ctx: Ctx, p: Principal, row: IncomingRow) {
  const a = await actorOfIncoming(ctx, p, row);
  if (!a.visible) throw missingDocument(row.id);
  return a;
}

export function staleIncoming(row: { id: string; status: IncomingStatus; version: number }, named: number, allowed: readonly string[] = []): AppError {
  const st = INCOMING_STATUSES[row.status];
  return new AppError(
    'STALE_VERSION',
    {
      vi: `Văn bản đã thay đổi từ khi bạn mở trang (phiên bản ${named}, nay là ${row.version}; trạng thái hiện tại: ${st.vi}). Thao tác chưa được thực hiện: hãy xem lại văn bản rồi thao tác lại`,
      en: `The document has changed since the page was opened (version ${named}, now ${row.version}; current status: ${st.en}). Nothing was done: review it and act again`,
    },
    [
      {
        path: 'body.version',
        message: `Phiên bản ${named} đã cũ, phiên bản hiện tại là ${row.version}`,
        messageEn: `version ${named} is stale, now ${row.version}`,
      },
      { path: 'current.status', message: row.status, messageEn: row.status },
      { path: 'current.version', message: String(row.version), messageEn: String(row.version) },
      ...allowed.map((x) => ({ path: 'allowedActions', message: x, messageEn: x })),
    ],
  );
}

export interface HistoryEntry {
  action: string;
  actor: string;
  actorName: string;
  at: Date;
  toStatus: IncomingStatus;
  statusCode?: EdxmlStatusCode | null;
  note?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Appends one entry to the document's history and moves the row to it: the entry's seq is the
 * next version, and the row is updated only if it is still at the version the caller read.
 */
export async function appendHistory(
  tx: Tx,
  row: { id: string; status: IncomingStatus; version: number },
  e: HistoryEntry,
  columns: Record<string, unknown> = {},
) {
  const seq = row.version + 1;
  const updated = await tx
    .updateTable('incoming_documents')
    .set({ ...columns, status: e.toStatus, version: seq, updated_at: e.at })
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    const now = await tx.selectFrom('incoming_documents').select(['id', 'status', 'version']).where('id', '=', row.id).executeTakeFirstOrThrow();
    throw staleIncoming(now, row.version);
  }
  await insertHistory(tx, row.id, seq, row.status, e);
  return seq;
}

export async function insertHistory(tx: Tx, id: string, seq: number, from: IncomingStatus | null, e: HistoryEntry) {
  await tx
    .insertInto('incoming_document_history')
    .values({
      incoming_id: id,
      seq,
      action: e.action,
      at: e.at,
      actor: e.actor,
      actor_name: e.actorName,
      from_status: from,
      to_status: e.toStatus,
      status_code: e.statusCode ?? null,
      note: e.note ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

/** "7816/VPCP-TTĐT" from the stored number and notation. */
export const numberNotationOf = (r: { code_number: string | null; code_notation: string | null }) =>
  r.code_number ? (r.code_notation ? `${r.code_number}/${r.code_notation}` : r.code_number) : r.code_notation;

/** Puts the document's current state into the search index (search/index-document.ts), in the caller's transaction. */
export async function reindex(tx: Tx, id: string) {
  const r = await tx.selectFrom('incoming_documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await indexDocument(tx, {
    kind: 'incoming',
    id: r.id,
    unitId: r.receiving_unit,
    numberNotation: numberNotationOf(r) ?? undefined,
    subject: r.subject,
    organ: r.sender_name,
    date: r.promulgation_date ?? undefined,
    text: [r.summary, r.ocr_text].filter(Boolean).join('\n'),
    status: r.status,
  });
}

/**
 * Sends an EDXML status back to the sender of a document that came through the exchange, in the
 * caller's transaction (exchange/send.ts: one outbox message, delivered the same day). Paper and
 * e-mail documents have no exchange address: their statuses stay in our history.
 */
export async function sendStatusBack(
  ctx: Ctx,
  tx: Tx,
  row: IncomingRow,
  statusCode: EdxmlStatusCode,
  description: string,
  staff?: EdxmlStaff,
): Promise<boolean> {
  if ((row.channel !== 'axis' && row.channel !== 'inbox') || !row.sender_organ_id || !row.document_id) return false;
  await sendEdxmlStatus(ctx, tx, {
    responseFor: {
      organId: row.sender_organ_id,
      code: numberNotationOf(row) ?? '',
      promulgationDate: row.promulgation_date ?? undefined,
      documentId: row.document_id,
    },
    statusCode,
    description,
    staff,
  });
  return true;
}
