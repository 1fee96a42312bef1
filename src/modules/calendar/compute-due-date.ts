/**
 * The one due-date rule used everywhere: a period of N working days starts the day after
 * receipt, and ends on the N-th working day after the receipt's date in Viet Nam.
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { localDate, toDayNumber, yearOf } from './dates.ts';
import { loadSchedules, derived } from './schedules.ts';
import { buildWorkingCalendar, wholeDays, type WorkingCalendar } from './working-calendar.ts';
import { MAX_YEAR, MIN_YEAR } from './schemas.ts';

export type { WorkingCalendar } from './working-calendar.ts';
export { localDate } from './dates.ts';

/** Longest span one calendar may cover; a budget needing more is a data error. */
const MAX_SPAN_YEARS = 50;

function checkRange(fromYear: number, toYear: number) {
  if (
    !Number.isInteger(fromYear) ||
    !Number.isInteger(toYear) ||
    fromYear < MIN_YEAR ||
    toYear > MAX_YEAR ||
    toYear < fromYear ||
    toYear - fromYear >= MAX_SPAN_YEARS
  ) {
    throw new AppError('CALENDAR_OUT_OF_RANGE', {
      vi: `Lịch làm việc chỉ có cho các năm ${MIN_YEAR}–${MAX_YEAR}, tối đa ${MAX_SPAN_YEARS} năm một lần (yêu cầu ${fromYear}–${toYear})`,
      en: `Working calendars cover ${MIN_YEAR}–${MAX_YEAR}, at most ${MAX_SPAN_YEARS} years at a time (asked ${fromYear}–${toYear})`,
    });
  }
}

/**
 * The working calendar of whole years fromYear…toYear, answered in memory. Questions about
 * days outside those years fail: load the years you need.
 */
export async function loadCalendar(ctx: Ctx, fromYear: number, toYear: number): Promise<WorkingCalendar> {
  checkRange(fromYear, toYear);
  return derived(ctx, `calendar:${fromYear}:${toYear}`, async () => buildWorkingCalendar(await loadSchedules(ctx, fromYear, toYear)));
}

/** The due date (YYYY-MM-DD) of a period of `workingDays` working days from a receipt instant; fractions round up. */
export async function computeDueDate(ctx: Ctx, receivedAt: Date, workingDays: number): Promise<string> {
  const n = wholeDays(workingDays);
  if (Number.isNaN(receivedAt.getTime())) {
    throw new AppError('VALIDATION_FAILED', { vi: 'Thời điểm tiếp nhận không hợp lệ', en: 'Invalid receipt time' });
  }
  const from = localDate(receivedAt);
  const year = yearOf(from);
  // ~250 working days a year: start with enough years and widen if a schedule is unusually sparse.
  const lastYear = Math.min(MAX_YEAR, year + MAX_SPAN_YEARS - 1);
  let toYear = Math.min(lastYear, year + 1 + Math.floor(n / 200));
  for (;;) {
    checkRange(year, toYear);
    const cal = await loadCalendar(ctx, year, toYear);
    const available = cal.workingDaysBetween(from, `${toYear}-12-31`);
    if (available >= n) return cal.addWorkingDays(from, n);
    if (toYear >= lastYear) {
      throw new AppError('CALENDAR_OUT_OF_RANGE', {
        vi: `Không tính được hạn: sau ngày ${from} không đủ ${n} ngày làm việc trong lịch`,
        en: `No due date: the calendar has fewer than ${n} working days after ${from}`,
      });
    }
    toYear = Math.min(lastYear, toYear + 1 + Math.ceil((n - available) / 200));
  }
}

/** Working days of a period actually used: from the receipt (exclusive) to an end day (inclusive). */
export async function workingDaysUsed(ctx: Ctx, receivedAt: Date, endedOn: string): Promise<number> {
  const from = localDate(receivedAt);
  if (toDayNumber(endedOn) <= toDayNumber(from)) return 0;
  const cal = await loadCalendar(ctx, yearOf(from), yearOf(endedOn));
  return cal.workingDaysBetween(from, endedOn);
}
