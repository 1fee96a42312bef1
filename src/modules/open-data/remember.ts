import type { Ctx } from '../../platform/context.ts';

/**
 * What the public pages and the open data computed lately, per database, for a short while: the
 * figures are the same for every visitor, so a burst of visitors costs one computation. A failed
 * computation is not kept.
 */
// Per node is fine in a cluster: public figures a TTL old are as right on one node as on another; nothing is decided from them.
const byDatabase = new WeakMap<object, Map<string, { until: number; value: Promise<unknown> }>>();
const MAX_ENTRIES = 200;

export function remember<T>(ctx: Ctx, key: string, ttlMs: number, compute: () => Promise<T>): Promise<T> {
  const root = ctx.database.root ?? ctx.database;
  let entries = byDatabase.get(root);
  if (!entries) {
    entries = new Map();
    byDatabase.set(root, entries);
  }
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.until > now) return hit.value as Promise<T>;
  entries.delete(key);
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  const value = compute();
  entries.set(key, { until: now + ttlMs, value });
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  return value;
}
