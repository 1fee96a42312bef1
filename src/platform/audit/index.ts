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

export const AUDIT_CHAINS = 16;

/** The chain an entry belongs to: by its target (or actor), so one object's history is one chain. */
export function chainOf(e: AuditEntry): number {
  const key = e.target ?? e.actor;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % AUDIT_CHAINS;
}

/**
 * Appends to the audit trail inside the caller's transaction, so the record and the change
 * it describes commit or vanish together. An advisory lock per chain orders concurrent
 * writers so each entry chains onto the one committed before it in its chain; the link and
 * hash are computed by the database in the same statement (one round trip while locked).
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const e = { actor: entry.actor, action: entry.action, target: entry.target ?? null, data: entry.data ?? {} };
  const chain = chainOf(entry);
  const at = new Date();
  await sql`select pg_advisory_xact_lock(${LOCK_KEY}, ${chain})`.execute(tx);
  // The same text entryHash() hashes: id, time, actor, action, target, canonical data, previous hash.
  await sql`
    insert into audit_log (id, at, actor, action, target, data, prev_hash, hash, chain)
    select n.id, ${at}, ${e.actor}, ${e.action}, ${e.target}, ${JSON.stringify(e.data)}::jsonb, p.prev,
           encode(sha256(convert_to(concat_ws(chr(10), n.id::text, ${at.toISOString()}::text, ${e.actor}::text, ${e.action}::text, ${e.target ?? ''}::text, ${canonicalJson(e.data)}::text, p.prev), 'UTF8')), 'hex'),
           ${chain}
      from (select nextval('audit_log_id_seq') as id) n,
           (select coalesce((select hash from audit_log where chain = ${chain} order by id desc limit 1), ${GENESIS}::text) as prev) p`.execute(tx);
}

/** Records outside any other change (sign-ins, refused attempts). */
export const audit = (db: Queryable, entry: AuditEntry) => db.transaction().execute((tx) => recordAudit(tx, entry));

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
}

/** Walks every chain, recomputing every hash and link. */
export async function verifyAudit(db: Queryable, batch = 2000): Promise<VerifyResult> {
  const prev = new Map<number, string>();
  let after = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id').limit(batch).execute();
    for (const r of rows) {
      const data = r.data as unknown as Record<string, unknown>;
      const before = prev.get(r.chain) ?? GENESIS;
      const expected = entryHash(r.id, new Date(r.at), { actor: r.actor, action: r.action, target: r.target, data }, before);
      checked++;
      if (r.prev_hash !== before || r.hash !== expected) return { ok: false, checked, firstBrokenId: r.id };
      prev.set(r.chain, r.hash);
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

export interface AuditQuery {
  /** Entries with a smaller id (the next page, newest first). */
  before?: number;
  limit: number;
  /** Exact actors, e.g. `staff:admin`. */
  actor?: string | readonly string[];
  /** Entries whose action starts with this. */
  action?: string;
  /** Entries with exactly this action. */
  actionIs?: string;
  /** Exact targets (any of them), e.g. `dossier:G12.01-260101-0001`. */
  target?: string | readonly string[];
  /** From this moment on (inclusive). */
  from?: Date;
  /** Before this moment (exclusive). */
  to?: Date;
}

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Entries newest first, filtered; each filter has its own index (migration 0019). */
export async function listAudit(db: Queryable, opts: AuditQuery): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').select(['id', 'at', 'actor', 'action', 'target', 'data']).orderBy('id', 'desc').limit(opts.limit);
  if (opts.before) q = q.where('id', '<', opts.before);
  const actors = opts.actor === undefined ? [] : [opts.actor].flat();
  if (actors.length) q = q.where('actor', 'in', actors);
  if (opts.action) q = q.where('action', 'like', likePrefix(opts.action));
  if (opts.actionIs) q = q.where('action', '=', opts.actionIs);
  const targets = opts.target === undefined ? [] : [opts.target].flat();
  if (targets.length) q = q.where('target', 'in', targets);
  if (opts.from) q = q.where('at', '>=', opts.from);
  if (opts.to) q = q.where('at', '<', opts.to);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, at: new Date(r.at), data: r.data as unknown as Record<string, unknown> }));
}
