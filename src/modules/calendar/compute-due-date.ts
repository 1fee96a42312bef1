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
import type { OfficeHours } from './office-hours.ts';
import { officeHoursFor } from './office-hours-store.ts';
import type { TimeLimit } from './time-limit.ts';
import { buildWorkingTime, dailyMinutes, spanDays, type WorkingTime } from './working-time.ts';

export type { WorkingCalendar } from './working-calendar.ts';
export type { WorkingTime } from './working-time.ts';
export type { TimeLimit } from './time-limit.ts';
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

/** Working time (calendar years fromYear…toYear and the unit's office hours), answered in memory. */
export async function loadWorkingTime(ctx: Ctx, fromYear: number, toYear: number, unitCode: string | null = null): Promise<WorkingTime> {
  const hours = await officeHoursFor(ctx, unitCode);
  const calendar = await loadCalendar(ctx, fromYear, toYear);
  return buildWorkingTime(calendar, hours);
}

/** The calendar years a limit counted from a receipt may need (the same +1 year margin as computeDueDate). */
export function yearsFor(receivedAt: Date, limit: TimeLimit, hours: OfficeHours): { fromYear: number; toYear: number } {
  const year = yearOf(localDate(receivedAt));
  const days = spanDays(limit, hours);
  return { fromYear: year, toYear: Math.min(MAX_YEAR, year + 1 + Math.ceil(days / 200)) };
}

/** When a time limit counted from a receipt ends, on the calendar and the unit's office hours. */
export async function computeDueAt(ctx: Ctx, receivedAt: Date, limit: TimeLimit, unitCode: string | null = null): Promise<Date> {
  if (Number.isNaN(receivedAt.getTime())) {
    throw new AppError('VALIDATION_FAILED', { vi: 'Thời điểm tiếp nhận không hợp lệ', en: 'Invalid receipt time' });
  }
  if (limit.unit === 'WORKING_DAY') {
    // The one working-day rule, widening the calendar as computeDueDate does.
    const day = await computeDueDate(ctx, receivedAt, limit.n);
    const y = yearOf(day);
    return (await loadWorkingTime(ctx, y, y, unitCode)).endOfDay(day);
  }
  const hours = await officeHoursFor(ctx, unitCode);
  const { fromYear, toYear } = yearsFor(receivedAt, limit, hours);
  checkRange(fromYear, toYear);
  const wt = buildWorkingTime(await loadCalendar(ctx, fromYear, toYear), hours);
  // yearsFor stops at the last year congso counts: there, the limit may run off the calendar.
  if (toYear === MAX_YEAR && limit.unit !== 'DAY') {
    const available = wt.workingMinutesBetween(receivedAt, wt.endOfDay(`${toYear}-12-31`));
    // A same-day limit may need the next working day after the one it counts from.
    const needed = limit.unit === 'WORKING_HOUR' ? limit.n * 60 : dailyMinutes(hours) + 1e-6;
    if (available + 1e-9 < needed) throw pastTheCalendar(localDate(receivedAt));
  }
  return wt.dueAt(receivedAt, limit);
}

/** The first moment of the unit's office hours at or after a receipt (the receipt itself when open). */
export async function nextOpeningAfter(ctx: Ctx, receivedAt: Date, unitCode: string | null = null): Promise<Date> {
  const year = yearOf(localDate(receivedAt));
  const toYear = Math.min(MAX_YEAR, year + 1);
  checkRange(year, toYear);
  const wt = await loadWorkingTime(ctx, year, toYear, unitCode);
  // The next year is loaded too, so the opening lies inside unless the calendar ends first.
  if (toYear === MAX_YEAR && wt.workingMinutesBetween(receivedAt, wt.endOfDay(`${toYear}-12-31`)) <= 0) throw pastTheCalendar(localDate(receivedAt));
  return wt.nextOpening(receivedAt);
}

const pastTheCalendar = (from: string) =>
  new AppError('CALENDAR_OUT_OF_RANGE', {
    vi: `Không tính được hạn: sau ngày ${from}, lịch làm việc (đến năm ${MAX_YEAR}) không đủ giờ làm việc`,
    en: `No due moment: after ${from}, the working calendar (up to ${MAX_YEAR}) has too few working hours`,
  });
