import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { listUnits } from '../../organisation/list-units.ts';
import type { Unit } from '../../organisation/schemas.ts';
import { abbreviation } from '../series.ts';
import { OUTGOING_STATUSES, type OutgoingActor, type OutgoingStatus } from './lifecycle.ts';

export type Staff = Extract<Principal, { kind: 'staff' }>;

export interface OutgoingRow {
  id: string;
  series_code: string;
  subject: string;
  summary: string | null;
  drafting_unit: string;
  drafter: string;
  drafter_name: string;
  signer_id: string;
  signer_username: string;
  signer_name: string;
  signer_position: string | null;
  due_date: string | null;
  steering_type: number | null;
  priority: number | null;
  status: string;
  version: number;
  number: number | null;
  year: number | null;
  notation: string | null;
  document_id: string | null;
  promulgation_date: string | null;
  released_at: Date | null;
  replaces_id: string | null;
  replaced_by_id: string | null;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const missingDocument = (id: string) => notFound({ vi: `văn bản đi ${id.slice(0, 64)}`, en: `Outgoing document ${id.slice(0, 64)}` });

/** The row, locked for the rest of `tx` when `lock`; 404 when there is none. */
export async function loadOutgoing(db: Ctx['database']['db'] | Tx, id: string, lock = false): Promise<OutgoingRow> {
  if (!UUID.test(id)) throw missingDocument(id);
  let q = db.selectFrom('outgoing_documents').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw missingDocument(id);
  return row as OutgoingRow;
}

/** The agency's units as a tree walk needs them. */
export interface Units {
  byId: Map<string, Unit>;
  list: Unit[];
}

export async function loadUnits(ctx: Ctx): Promise<Units> {
  const list = await listUnits(ctx);
  return { list, byId: new Map(list.map((u) => [u.id, u])) };
}

/** The unit and its ancestors, nearest first. */
export function chainOf(units: Units, unitId: string): Unit[] {
  const out: Unit[] = [];
  for (let u = units.byId.get(unitId); u && out.length < 50; u = u.parentId ? units.byId.get(u.parentId) : undefined) out.push(u);
  return out;
}

/**
 * The issuing agency (the root of the drafting unit's tree: the ministry) and the drafting
 * department (the unit under it), whose abbreviations make the notation.
 */
export function agencyOf(units: Units, draftingUnit: string): { agency: Unit; department: Unit } {
  const chain = chainOf(units, draftingUnit);
  if (!chain.length) throw new AppError('VALIDATION_FAILED', { vi: `Không có đơn vị ${draftingUnit}`, en: `Unknown unit ${draftingUnit}` });
  const agency = chain[chain.length - 1];
  const department = chain.length >= 2 ? chain[chain.length - 2] : agency;
  return { agency, department };
}

export const abbreviationsOf = (units: Units, draftingUnit: string) => {
  const { agency, department } = agencyOf(units, draftingUnit);
  return { agency, department, agencyAbbr: abbreviation(agency), unitAbbr: abbreviation(department) };
};

/** Whether a unit the official holds a role in is `unitId` or above it. */
export function covers(units: Units, p: Staff, unitId: string, role?: string): boolean {
  const chain = new Set(chainOf(units, unitId).map((u) => u.id));
  return p.roles.some((r) => (!role || r.role === role) && chain.has(r.unitId));
}

/** The units an official covers: those they hold a role in and every unit beneath. */
export function coveredUnitIds(units: Units, p: Staff): string[] {
  return units.list.filter((u) => chainOf(units, u.id).some((a) => p.roles.some((r) => r.unitId === a.id))).map((u) => u.id);
}

/** What the rules need to know of the caller. */
export function actorFor(units: Units, p: Principal, row: OutgoingRow, internalUnits: string[]): OutgoingActor {
  if (p.kind !== 'staff') return { drafter: false, unitLeader: false, signer: false, clerk: false, viewer: false };
  const inUnit = covers(units, p, row.drafting_unit);
  const recipient = row.released_at !== null && internalUnits.some((u) => covers(units, p, u));
  const signer = p.id === row.signer_id && p.roles.some((r) => r.role === 'signing_leader');
  return {
    drafter: p.username === row.drafter || p.roles.some((r) => r.role === 'specialist' && r.unitId === row.drafting_unit),
    unitLeader: covers(units, p, row.drafting_unit, 'unit_leader'),
    signer,
    clerk: covers(units, p, row.drafting_unit, 'clerk'),
    viewer: inUnit || signer || recipient,
  };
}

/** Officials of the drafting unit and above, the signer, and once released the internal recipients' officials; others get a 404. */
export async function internalUnitsOf(db: Ctx['database']['db'] | Tx, id: string): Promise<string[]> {
  const rows = await db.selectFrom('outgoing_document_recipients').select('unit_id').where('document_id', '=', id).where('kind', '=', 'internal').execute();
  return rows.map((r) => r.unit_id!).filter(Boolean);
}

export async function assertVisibleOutgoing(ctx: Ctx, units: Units, p: Principal, row: OutgoingRow): Promise<OutgoingActor> {
  const actor = actorFor(units, p, row, await internalUnitsOf(ctx.database.db, row.id));
  if (!actor.viewer) throw missingDocument(row.id);
  return actor;
}

/** Appends one entry to the document's history (never updated or deleted). */
export async function appendHistory(
  tx: Tx,
  id: string,
  e: { action: string; actor: string; actorName: string; at: Date; from: string | null; to: string; note?: string | null; data?: unknown },
): Promise<number> {
  const last = await tx
    .selectFrom('outgoing_document_history')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('document_id', '=', id)
    .executeTakeFirst();
  const seq = Number(last?.seq ?? 0) + 1;
  await tx
    .insertInto('outgoing_document_history')
    .values({
      document_id: id,
      seq,
      action: e.action,
      actor: e.actor,
      actor_name: e.actorName,
      at: e.at,
      from_status: e.from,
      to_status: e.to,
      note: e.note ?? null,
      data: e.data === undefined ? null : JSON.stringify(e.data),
    })
    .execute();
  return seq;
}

export const statusLabel = (s: string) => OUTGOING_STATUSES[s as OutgoingStatus] ?? { vi: s, en: s };

/** The clock operations use: the configured offset lets the demo and tests move it. */
export const nowOf = (ctx: Ctx) => new Date(Date.now() + ctx.config.clockOffsetMs);

/** "YYYY-MM-DD" of a moment in Vietnam (UTC+7). */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
