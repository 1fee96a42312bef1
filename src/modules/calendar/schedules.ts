/**
 * Reads each year's schedule (official if entered, otherwise the statutory default) and
 * keeps it in memory for a short while per database. A save clears the cache of every node at
 * once: this node's directly, the others' through a change notice (`CHANNEL`) sent on commit,
 * so deadlines computed on two nodes agree. The TTL stays as a backstop for a notice missed.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Database, Queryable, Tx } from '../../platform/db/index.ts';
import { notifyChange, onChange } from '../../platform/db/notify.ts';
import { defaultSchedule, type YearSchedule } from './working-calendar.ts';

export interface StoredSchedule extends YearSchedule {
  updatedBy: string | null;
  updatedAt: string | null;
}

export const TTL_MS = 60_000;
/** The change-notice channel of the working calendar. */
export const CHANNEL = 'congso_calendar';

interface Cache {
  generation: number;
  years: Map<number, { value: StoredSchedule; at: number }>;
  derived: Map<string, { value: unknown; at: number }>;
}
const caches = new WeakMap<Database, Cache>();

function cacheOf(view: Database): Cache {
  const db = view.root ?? view;
  let c = caches.get(db);
  if (!c) {
    c = { generation: 0, years: new Map(), derived: new Map() };
    caches.set(db, c);
    onChange(db, CHANNEL, () => invalidateCalendar(db));
  }
  return c;
}

/** Forgets every cached year and calendar of this database (after an administrator's change). */
export function invalidateCalendar(db: Database): void {
  const c = cacheOf(db);
  c.generation++;
  c.years.clear();
  c.derived.clear();
}

/**
 * Serialises changes to one year, so the audit's `previous` is what the change replaced. Every
 * change takes it first in its transaction, so it also tells the other nodes: the notice goes
 * out if the change commits.
 */
export async function lockYear(tx: Tx, year: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(7361003, ${year}::int)`.execute(tx);
  await notifyChange(tx, CHANNEL, String(year));
}

/** The official schedule rows of some years, as read inside a transaction or outside. */
export async function readOfficial(q: Queryable | Tx, fromYear: number, toYear: number): Promise<Map<number, StoredSchedule>> {
  const rows = await q
    .selectFrom('calendar_years')
    .select([
      'year',
      'updated_by',
      'updated_at',
      // Dates as text: the pg driver would make local-time Dates of them.
      sql<string[]>`array(select to_char(d, 'YYYY-MM-DD') from unnest(days_off) as d order by d)`.as('days_off'),
      sql<string[]>`array(select to_char(d, 'YYYY-MM-DD') from unnest(make_up_working_days) as d order by d)`.as('make_up'),
    ])
    .where('year', '>=', fromYear)
    .where('year', '<=', toYear)
    .execute();
  return new Map(
    rows.map((r) => [
      r.year,
      {
        year: r.year,
        source: 'official' as const,
        daysOff: r.days_off,
        makeUpWorkingDays: r.make_up,
        updatedBy: r.updated_by,
        updatedAt: new Date(r.updated_at).toISOString(),
      },
    ]),
  );
}

/** The schedules of consecutive years, from the cache where fresh. */
export async function loadSchedules(ctx: Ctx, fromYear: number, toYear: number): Promise<StoredSchedule[]> {
  const c = cacheOf(ctx.database);
  const now = Date.now();
  const out = new Map<number, StoredSchedule>();
  const missing: number[] = [];
  for (let y = fromYear; y <= toYear; y++) {
    const e = c.years.get(y);
    if (e && now - e.at < TTL_MS) out.set(y, e.value);
    else missing.push(y);
  }
  if (missing.length) {
    const generation = c.generation;
    const lo = missing[0];
    const hi = missing[missing.length - 1];
    const official = await readOfficial(ctx.database.db, lo, hi);
    // A change saved while we were reading must not be papered over by what we read.
    const keep = c.generation === generation;
    for (let y = lo; y <= hi; y++) {
      const s = official.get(y) ?? { ...defaultSchedule(y), updatedBy: null, updatedAt: null };
      out.set(y, s);
      if (keep) c.years.set(y, { value: s, at: now });
    }
  }
  const result: StoredSchedule[] = [];
  for (let y = fromYear; y <= toYear; y++) result.push(out.get(y)!);
  return result;
}

/** Memoises a value derived from schedules (a built calendar) under the same expiry and invalidation. */
export async function derived<T>(ctx: Ctx, key: string, build: () => Promise<T>): Promise<T> {
  const c = cacheOf(ctx.database);
  const hit = c.derived.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value as T;
  const generation = c.generation;
  const at = Date.now();
  const value = await build();
  if (c.generation === generation) {
    if (c.derived.size >= 256) {
      for (const [k, e] of c.derived) if (at - e.at >= TTL_MS) c.derived.delete(k);
      if (c.derived.size >= 256) c.derived.clear();
    }
    c.derived.set(key, { value, at });
  }
  return value;
}
