import type { Ctx } from '../../platform/context.ts';
import { loadCalendar, localDate } from '../calendar/compute-due-date.ts';

export { localDate };

const yearOf = (d: string) => Number(d.slice(0, 4));

/** N working days after a day (the period starts the day after), on the calendar in force. */
export async function addWorkingDays(ctx: Ctx, fromDay: string, n: number): Promise<string> {
  const y = yearOf(fromDay);
  const cal = await loadCalendar(ctx, y, y + 1 + Math.ceil(n / 200));
  return cal.addWorkingDays(fromDay, Math.ceil(n));
}

/** Working days d with from < d <= to: how much of a time limit a span used. */
export async function workingDaysBetween(ctx: Ctx, fromDay: string, toDay: string): Promise<number> {
  if (toDay <= fromDay) return 0;
  const cal = await loadCalendar(ctx, yearOf(fromDay), yearOf(toDay));
  return cal.workingDaysBetween(fromDay, toDay);
}
