import { createHash } from 'node:crypto';

/** What one audit entry says; `recordAudit` appends it to its chain. */
export interface AuditEntry {
  /** `staff:<username>`, `citizen:<id>`, `service:<clientId>`, `system`, or `anonymous`. */
  actor: string;
  /** Dotted verb, e.g. `auth.login`, `org.unit.create`, `catalog.import`. */
  action: string;
  target?: string | null;
  data?: Record<string, unknown>;
}

/** The link before a chain's first entry (and before the first checkpoint). */
export const GENESIS = '0'.repeat(64);
/** First key of the audit trail's advisory locks; the second is the chain, or CHECKPOINT_LOCK. */
export const LOCK_KEY = 7_361_002;
export const CHECKPOINT_LOCK = 1_000;

export const AUDIT_CHAINS = 16;

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

/**
 * The hash of one entry: id, time, actor, action, target, canonical data and the previous
 * hash. `recordAudit` has the database compute the same text in its insert. The `chain`
 * column is not hashed (it came later, migration 0012); it is a function of the target,
 * `chainOf`, which verification recomputes instead.
 */
export function entryHash(id: number, at: Date, e: Required<AuditEntry>, prev: string): string {
  const body = [id, at.toISOString(), e.actor, e.action, e.target ?? '', canonicalJson(e.data), prev].join('\n');
  return createHash('sha256').update(body).digest('hex');
}

/** The chain an entry belongs to: by its target (or actor), so one object's history is one chain. */
export function chainOf(e: Pick<AuditEntry, 'actor' | 'target'>): number {
  const key = e.target ?? e.actor;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % AUDIT_CHAINS;
}
