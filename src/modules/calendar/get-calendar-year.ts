import type { Ctx } from '../../platform/context.ts';
import { defaultHolidays } from './holidays.ts';
import { loadSchedules, type StoredSchedule } from './schedules.ts';
import { buildWorkingCalendar } from './working-calendar.ts';
import type { CalendarYear } from './schemas.ts';

/** A year's days off with their names: the official schedule if entered, else the statutory default. */
export async function getCalendarYear(ctx: Ctx, year: number): Promise<CalendarYear> {
  const [s] = await loadSchedules(ctx, year, year);
  return viewOf(s);
}

export function viewOf(s: StoredSchedule): CalendarYear {
  const named = new Map(defaultHolidays(s.year).map((h) => [h.date, h]));
  const daysOff = [...s.daysOff].sort();
  const holidays = daysOff.map((date) => {
    const h = named.get(date);
    // An official day off that is no statutory holiday is usually a day swapped for a make-up Saturday.
    return h
      ? { date, name: h.name, nameEn: h.nameEn, kind: h.kind }
      : { date, name: 'Ngày nghỉ theo lịch chính thức', nameEn: 'Day off in the official schedule', kind: 'official' as const };
  });
  const cal = buildWorkingCalendar([s]);
  const y = String(s.year).padStart(4, '0');
  return {
    year: s.year,
    source: s.source,
    daysOff,
    makeUpWorkingDays: [...s.makeUpWorkingDays].sort(),
    holidays,
    workingDayCount: cal.workingDaysBetween(`${y}-01-01`, `${y}-12-31`) + (cal.isWorkingDay(`${y}-01-01`) ? 1 : 0),
    updatedBy: s.updatedBy,
    updatedAt: s.updatedAt,
  };
}
