import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { invalidateCalendar, lockYear, readOfficial } from './schedules.ts';
import { getCalendarYear } from './get-calendar-year.ts';
import { scheduleFor, type CalendarYear } from './schemas.ts';

/**
 * Enters a year's official schedule, replacing the statutory default for that year.
 * `input` is checked here against the year (dates real, inside it, each once, make-up days
 * on weekends); errors carry JSON paths under `root`, e.g. `body.daysOff[3]`.
 */
export async function setCalendarYear(ctx: Ctx, year: number, input: unknown, actor: string, root = 'body'): Promise<CalendarYear> {
  const parsed = scheduleFor(year).safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error, root);
  const daysOff = [...parsed.data.daysOff].sort();
  const makeUpWorkingDays = [...parsed.data.makeUpWorkingDays].sort();
  try {
    await ctx.database.db.transaction().execute(async (tx) => {
      await lockYear(tx, year);
      const previous = (await readOfficial(tx, year, year)).get(year);
      await tx
        .insertInto('calendar_years')
        .values({ year, days_off: daysOff, make_up_working_days: makeUpWorkingDays, updated_by: actor, updated_at: new Date() })
        .onConflict((oc) =>
          oc.column('year').doUpdateSet((eb) => ({
            days_off: eb.ref('excluded.days_off'),
            make_up_working_days: eb.ref('excluded.make_up_working_days'),
            updated_by: eb.ref('excluded.updated_by'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
      await recordAudit(tx, {
        actor,
        action: 'calendar.year.set',
        target: `calendar:${year}`,
        data: { daysOff, makeUpWorkingDays, previous: previous ? { daysOff: previous.daysOff, makeUpWorkingDays: previous.makeUpWorkingDays } : null },
      });
    });
  } finally {
    // Also after a failed commit: the next read goes to the database rather than trusting memory.
    invalidateCalendar(ctx.database);
  }
  return getCalendarYear(ctx, year);
}
