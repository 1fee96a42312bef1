/**
 * Working-day arithmetic over a span of whole years, answered from memory: one flag per
 * day and a running count of working days, so every question is O(1) or a binary search.
 */
import { AppError } from '../../platform/errors.ts';
import { dayNumberOf, fromDayNumber, isWeekend, toDayNumber } from './dates.ts';
import { defaultHolidays } from './holidays.ts';

export interface WorkingCalendar {
  /** First and last year the calendar covers. */
  readonly fromYear: number;
  readonly toYear: number;
  isWorkingDay(d: string): boolean;
  /** The n-th working day after `from` (n rounded up; n = 0 gives `from` itself). */
  addWorkingDays(from: string, n: number): string;
  /** The number of working days d with afterDay < d <= untilDay (0 when untilDay <= afterDay). */
  workingDaysBetween(afterDay: string, untilDay: string): number;
}

/** What decides a year's working days: its days off besides weekends, and the weekend days worked. */
export interface YearSchedule {
  year: number;
  source: 'default' | 'official';
  daysOff: readonly string[];
  makeUpWorkingDays: readonly string[];
}

/** The statutory schedule of a year: its holidays and compensatory days; no make-up days. */
export function defaultSchedule(year: number): YearSchedule {
  return { year, source: 'default', daysOff: defaultHolidays(year).map((h) => h.date), makeUpWorkingDays: [] };
}

/**
 * Builds the calendar for consecutive years. Weekends are off unless listed as make-up
 * working days; the listed days off are off whatever their weekday.
 */
export function buildWorkingCalendar(schedules: readonly YearSchedule[]): WorkingCalendar {
  if (!schedules.length) throw new RangeError('buildWorkingCalendar: no years');
  const years = [...schedules].sort((a, b) => a.year - b.year);
  for (let i = 1; i < years.length; i++) {
    if (years[i].year !== years[i - 1].year + 1)
      throw new RangeError(`buildWorkingCalendar: years must be consecutive, got ${years[i - 1].year} then ${years[i].year}`);
  }
  const fromYear = years[0].year;
  const toYear = years[years.length - 1].year;
  const start = dayNumberOf(fromYear, 1, 1);
  const length = dayNumberOf(toYear + 1, 1, 1) - start;

  const working = new Uint8Array(length);
  for (let i = 0; i < length; i++) working[i] = isWeekend(start + i) ? 0 : 1;
  for (const y of years) {
    for (const d of y.makeUpWorkingDays) working[indexIn(d, start, length)] = 1;
    for (const d of y.daysOff) working[indexIn(d, start, length)] = 0;
  }
  // before[i]: working days among the days with index < i.
  const before = new Int32Array(length + 1);
  for (let i = 0; i < length; i++) before[i + 1] = before[i] + working[i];

  const at = (d: string): number => {
    const i = toDayNumber(d) - start;
    if (i < 0 || i >= length) throw outOfRange(d, fromYear, toYear);
    return i;
  };

  return {
    fromYear,
    toYear,
    isWorkingDay: (d) => working[at(d)] === 1,
    workingDaysBetween(afterDay, untilDay) {
      const a = at(afterDay);
      const b = at(untilDay);
      return b <= a ? 0 : before[b + 1] - before[a + 1];
    },
    addWorkingDays(from, n) {
      const i = at(from);
      const k = wholeDays(n);
      if (k === 0) return from;
      const target = before[i + 1] + k;
      if (before[length] < target) throw outOfRange(`${from} + ${k}`, fromYear, toYear);
      // The first index j with before[j + 1] >= target is the k-th working day after i.
      let lo = i + 1;
      let hi = length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (before[mid + 1] >= target) hi = mid;
        else lo = mid + 1;
      }
      return fromDayNumber(start + lo);
    },
  };
}

/** Working days are whole: a budget of 0.5 day is due at the end of the next working day. */
export function wholeDays(n: number): number {
  if (!Number.isFinite(n) || n < 0) {
    throw new AppError('VALIDATION_FAILED', {
      vi: `Số ngày làm việc phải là số không âm, nhận được ${n}`,
      en: `The number of working days must be a non-negative number, got ${n}`,
    });
  }
  // Tolerates the float noise of sums such as 0.1 + 0.2 instead of rounding it up a whole day.
  return Math.ceil(n - 1e-9);
}

function indexIn(d: string, start: number, length: number): number {
  const i = toDayNumber(d) - start;
  if (i < 0 || i >= length) throw new RangeError(`schedule date ${d} lies outside its year`);
  return i;
}

const outOfRange = (what: string, fromYear: number, toYear: number) =>
  new AppError('INTERNAL', {
    vi: `Lịch làm việc đã nạp (${fromYear}–${toYear}) không bao gồm ${what}`,
    en: `The loaded working calendar (${fromYear}–${toYear}) does not cover ${what}`,
  });
