import { sql } from 'kysely';
import type { Queryable, Tx } from '../db/index.ts';
import { canonicalJson, chainOf, GENESIS, LOCK_KEY, type AuditEntry } from './chain.ts';

export { AUDIT_CHAINS, canonicalJson, chainOf, type AuditEntry } from './chain.ts';
export { takeCheckpoint, auditAnchorOf, type AuditAnchor, type CheckpointInfo } from './checkpoint.ts';
export { verifyAudit, type VerifyResult, type AuditProblem } from './verify.ts';

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
