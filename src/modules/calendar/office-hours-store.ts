/**
 * Where each agency's office hours are kept: a row of `calendar_office_hours` per unit code, the
 * row '*' as the default of every unit without its own, and without either the built-in
 * DEFAULT_OFFICE_HOURS. The rows are few and read whole into the working calendar's cache
 * (schedules.ts), so a change clears them on every node with the same change notice.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/db/index.ts';
import { notifyChange } from '../../platform/db/notify.ts';
import { DEFAULT_OFFICE_HOURS, type OfficeHours, type OfficePeriod } from './office-hours.ts';
import { CHANNEL, derived } from './schedules.ts';

/** The unit code of the default row. */
export const DEFAULT_UNIT = '*';

export interface StoredOfficeHours {
  unitCode: string;
  periods: OfficePeriod[];
  updatedBy: string;
  updatedAt: string;
}

/** Which rule gave a unit its hours: its own row, the default row, or the built-in hours. */
export type OfficeHoursSource = 'unit' | 'default' | 'built-in';

/** The stored rows (of one unit code when given), as read inside a transaction or outside. */
export async function readOfficeHours(q: Queryable | Tx, unitCode?: string): Promise<Map<string, StoredOfficeHours>> {
  let query = q.selectFrom('calendar_office_hours').select(['unit_code', 'periods', 'updated_by', 'updated_at']).orderBy('unit_code');
  if (unitCode !== undefined) query = query.where('unit_code', '=', unitCode);
  const rows = await query.execute();
  return new Map(
    rows.map((r) => [
      r.unit_code,
      {
        unitCode: r.unit_code,
        periods: r.periods.map((p) => ({ start: p.start, end: p.end })),
        updatedBy: r.updated_by,
        updatedAt: new Date(r.updated_at).toISOString(),
      },
    ]),
  );
}

/** Every stored row, from the cache where fresh. The map is shared: do not change it. */
export function storedOfficeHours(ctx: Ctx): Promise<Map<string, StoredOfficeHours>> {
  return derived(ctx, 'office-hours', () => readOfficeHours(ctx.database.db));
}

/** The hours that apply to a unit, and which rule gave them. */
export function resolveOfficeHours(
  stored: ReadonlyMap<string, StoredOfficeHours>,
  unitCode: string | null,
): { hours: OfficeHours; source: OfficeHoursSource; row: StoredOfficeHours | null } {
  const own = unitCode !== null && unitCode !== DEFAULT_UNIT ? stored.get(unitCode) : undefined;
  if (own) return { hours: { periods: own.periods }, source: 'unit', row: own };
  const fallback = stored.get(DEFAULT_UNIT);
  if (fallback) return { hours: { periods: fallback.periods }, source: 'default', row: fallback };
  return { hours: DEFAULT_OFFICE_HOURS, source: 'built-in', row: null };
}

/** The office hours of the agency (unit code) that counts a dossier's time: its own, else the default. */
export async function officeHoursFor(ctx: Ctx, unitCode: string | null): Promise<OfficeHours> {
  return resolveOfficeHours(await storedOfficeHours(ctx), unitCode).hours;
}

/**
 * Serialises changes to office hours, so an audit's `previous` is what the change replaced, and
 * tells the other nodes: the notice goes out if the change commits.
 */
export async function lockOfficeHours(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(7361004, 0)`.execute(tx);
  await notifyChange(tx, CHANNEL, 'office-hours');
}
