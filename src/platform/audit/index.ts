import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Queryable, Tx } from '../db/index.ts';

export interface AuditEntry {
  /** `staff:<username>`, `citizen:<id>`, `service:<clientId>`, `system`, or `anonymous`. */
  actor: string;
  /** Dotted verb, e.g. `auth.login`, `org.unit.create`, `catalog.import`. */
  action: string;
  target?: string | null;
  data?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);
const LOCK_KEY = 7_361_002;

/** JSON with object keys sorted, so the hash does not depend on jsonb's key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

function entryHash(id: number, at: Date, e: Required<AuditEntry>, prev: string): string {
  const body = [id, at.toISOString(), e.actor, e.action, e.target ?? '', canonicalJson(e.data), prev].join('\n');
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Appends to the audit trail inside the caller's transaction, so the record and the change
 * it describes commit or vanish together. The advisory lock orders concurrent writers so
 * each entry chains onto the one committed before it.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(tx);
  const last = await tx.selectFrom('audit_log').select(['hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  const { id } = (await sql<{ id: number }>`select nextval('audit_log_id_seq')::int as id`.execute(tx)).rows[0];
  const at = new Date();
  const e = { actor: entry.actor, action: entry.action, target: entry.target ?? null, data: entry.data ?? {} };
  const prev = last?.hash ?? GENESIS;
  await tx
    .insertInto('audit_log')
    .values({ id, at, actor: e.actor, action: e.action, target: e.target, data: JSON.stringify(e.data), prev_hash: prev, hash: entryHash(id, at, e, prev) })
    .execute();
}

/** Records outside any other change (sign-ins, refused attempts). */
export const audit = (db: Queryable, entry: AuditEntry) => db.transaction().execute((tx) => recordAudit(tx, entry));

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
}

/** Walks the whole chain, recomputing every hash and link. */
export async function verifyAudit(db: Queryable, batch = 2000): Promise<VerifyResult> {
  let prev = GENESIS;
  let after = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id').limit(batch).execute();
    for (const r of rows) {
      const data = r.data as unknown as Record<string, unknown>;
      const expected = entryHash(r.id, new Date(r.at), { actor: r.actor, action: r.action, target: r.target, data }, prev);
      checked++;
      if (r.prev_hash !== prev || r.hash !== expected) return { ok: false, checked, firstBrokenId: r.id };
      prev = r.hash;
    }
    if (rows.length < batch) return { ok: true, checked, firstBrokenId: null };
    after = rows[rows.length - 1].id;
  }
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  data: Record<string, unknown>;
}

export async function listAudit(db: Queryable, opts: { before?: number; limit: number; actor?: string; action?: string }): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').select(['id', 'at', 'actor', 'action', 'target', 'data']).orderBy('id', 'desc').limit(opts.limit);
  if (opts.before) q = q.where('id', '<', opts.before);
  if (opts.actor) q = q.where('actor', '=', opts.actor);
  if (opts.action) q = q.where('action', 'like', `${opts.action}%`);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, at: new Date(r.at), data: r.data as unknown as Record<string, unknown> }));
}
