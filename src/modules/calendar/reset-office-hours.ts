import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { invalidateCalendar } from './schedules.ts';
import { getOfficeHours } from './get-office-hours.ts';
import { lockOfficeHours, readOfficeHours } from './office-hours-store.ts';
import type { OfficeHoursEntry } from './schemas.ts';

/**
 * Drops a unit's own office hours: it keeps the default again. Dropping the default ('*') returns
 * every unit without its own to the built-in hours. Idempotent; answers the hours that now apply.
 */
export async function resetOfficeHours(ctx: Ctx, unitCode: string, actor: string): Promise<OfficeHoursEntry> {
  try {
    await ctx.database.db.transaction().execute(async (tx) => {
      await lockOfficeHours(tx);
      const previous = (await readOfficeHours(tx, unitCode)).get(unitCode);
      if (!previous) return; // nothing to undo, nothing to audit
      await tx.deleteFrom('calendar_office_hours').where('unit_code', '=', unitCode).execute();
      await recordAudit(tx, {
        actor,
        action: 'calendar.hours.reset',
        target: `office-hours:${unitCode}`,
        data: { previous: { periods: previous.periods } },
      });
    });
  } finally {
    invalidateCalendar(ctx.database);
  }
  return getOfficeHours(ctx, unitCode);
}
