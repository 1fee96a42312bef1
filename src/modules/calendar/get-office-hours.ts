import type { Ctx } from '../../platform/context.ts';
import { DEFAULT_UNIT, resolveOfficeHours, storedOfficeHours, type StoredOfficeHours } from './office-hours-store.ts';
import type { OfficeHoursEntry, OfficeHoursList } from './schemas.ts';

function entryOf(stored: ReadonlyMap<string, StoredOfficeHours>, unitCode: string): OfficeHoursEntry {
  const { hours, source, row } = resolveOfficeHours(stored, unitCode);
  return {
    unitCode,
    periods: hours.periods.map((p) => ({ start: p.start, end: p.end })),
    source,
    updatedBy: row?.updatedBy ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

/** The default office hours and every unit's own. */
export async function listOfficeHours(ctx: Ctx): Promise<OfficeHoursList> {
  const stored = await storedOfficeHours(ctx);
  return {
    default: entryOf(stored, DEFAULT_UNIT),
    units: [...stored.keys()].filter((code) => code !== DEFAULT_UNIT).map((code) => entryOf(stored, code)),
  };
}

/** The office hours that apply to one unit ('*': the default), and where they come from. */
export async function getOfficeHours(ctx: Ctx, unitCode: string): Promise<OfficeHoursEntry> {
  return entryOf(await storedOfficeHours(ctx), unitCode);
}
