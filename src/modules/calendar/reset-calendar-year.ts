import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { invalidateCalendar, lockYear, readOfficial } from './schedules.ts';
import { getCalendarYear } from './get-calendar-year.ts';
import type { CalendarYear } from './schemas.ts';

/** Drops a year's official schedule: the year follows the statutory default again. Idempotent. */
export async function resetCalendarYear(ctx: Ctx, year: number, actor: string): Promise<CalendarYear> {
  try {
    await ctx.database.db.transaction().execute(async (tx) => {
      await lockYear(tx, year);
      const previous = (await readOfficial(tx, year, year)).get(year);
      if (!previous) return; // nothing to undo, nothing to audit
      await tx.deleteFrom('calendar_years').where('year', '=', year).execute();
      await recordAudit(tx, {
        actor,
        action: 'calendar.year.reset',
        target: `calendar:${year}`,
        data: { previous: { daysOff: previous.daysOff, makeUpWorkingDays: previous.makeUpWorkingDays } },
      });
    });
  } finally {
    invalidateCalendar(ctx.database);
  }
  return getCalendarYear(ctx, year);
}
