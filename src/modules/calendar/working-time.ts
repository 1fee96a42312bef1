/**
 * Working time: the working calendar (which days) together with office hours (which minutes
 * of those days). Pure and in memory, so deadlines in working hours and same-day cut-offs
 * can be unit- and property-tested. Viet Nam keeps UTC+7 all year (see dates.ts), so a
 * local minute is a fixed offset from UTC.
 */
import { addDays, endOfVnDay, localDate, toDayNumber } from './dates.ts';
import { minutesOf, type OfficeHours } from './office-hours.ts';
import type { TimeLimit } from './time-limit.ts';
import { wholeDays, type WorkingCalendar } from './working-calendar.ts';

const MIN = 60_000;
const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;

export interface WorkingTime {
  readonly calendar: WorkingCalendar;
  readonly hours: OfficeHours;
  /** Whether working time runs at this instant (a working day, inside a period). */
  isOpen(at: Date): boolean;
  /** `at` itself when open, else the next opening on a working day. */
  nextOpening(at: Date): Date;
  /** The instant when `minutes` of working time have run from `at` (at itself for 0). */
  addWorkingMinutes(at: Date, minutes: number): Date;
  /** Working minutes (fractional) inside [from, to); 0 when to <= from. */
  workingMinutesBetween(from: Date, to: Date): number;
  /** The close of office hours on a day (the end of its last period). */
  closeOf(day: string): Date;
  /** The last millisecond of a day in Viet Nam. */
  endOfDay(day: string): Date;
  /** When a time limit counted from a receipt ends. */
  dueAt(receivedAt: Date, limit: TimeLimit): Date;
}

/** 00:00 of a Vietnamese day, as a UTC millisecond count. */
export const startOfDayMs = (day: string) => toDayNumber(day) * DAY_MS - VN_OFFSET_MS;

/** Minutes of office hours in one working day. */
export const dailyMinutes = (hours: OfficeHours) => hours.periods.reduce((n, p) => n + minutesOf(p.end) - minutesOf(p.start), 0);

/**
 * How many days after the receipt a limit can reach at most, so the caller loads enough years
 * of calendar: working days, calendar days, or working hours spread over the shortest day.
 */
export function spanDays(limit: TimeLimit, hours: OfficeHours): number {
  switch (limit.unit) {
    case 'WORKING_DAY':
    case 'DAY':
      return wholeDays(limit.n);
    case 'WORKING_HOUR':
      return Math.ceil((limit.n * 60) / Math.max(1, dailyMinutes(hours)));
    case 'SAME_DAY':
      return 1;
  }
}

export function buildWorkingTime(calendar: WorkingCalendar, hours: OfficeHours): WorkingTime {
  const periods = hours.periods.map((p) => [minutesOf(p.start) * MIN, minutesOf(p.end) * MIN] as const);
  if (!periods.length) throw new RangeError('buildWorkingTime: office hours without a period');
  const lastEnd = periods[periods.length - 1][1];

  const isOpen = (at: Date) => {
    const t = at.getTime();
    const day = localDate(at);
    if (!calendar.isWorkingDay(day)) return false;
    const inDay = t - startOfDayMs(day);
    return periods.some(([s, e]) => inDay >= s && inDay < e);
  };

  const nextOpening = (at: Date): Date => {
    let day = localDate(at);
    let t = at.getTime();
    for (;;) {
      if (calendar.isWorkingDay(day)) {
        const base = startOfDayMs(day);
        for (const [s, e] of periods) if (t < base + e) return new Date(Math.max(t, base + s));
      }
      day = addDays(day, 1);
      t = startOfDayMs(day);
    }
  };

  const addWorkingMinutes = (at: Date, minutes: number): Date => {
    if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`addWorkingMinutes: ${minutes} minutes`);
    let remaining = Math.round(minutes * MIN);
    if (remaining === 0) return at;
    let day = localDate(at);
    let t = at.getTime();
    for (;;) {
      if (calendar.isWorkingDay(day)) {
        const base = startOfDayMs(day);
        for (const [s, e] of periods) {
          if (t >= base + e) continue;
          const from = Math.max(t, base + s);
          const available = base + e - from;
          if (remaining <= available) return new Date(from + remaining);
          remaining -= available;
          t = base + e;
        }
      }
      day = addDays(day, 1);
      t = startOfDayMs(day);
    }
  };

  const workingMinutesBetween = (from: Date, to: Date): number => {
    const a = from.getTime();
    const b = to.getTime();
    if (b <= a) return 0;
    let total = 0;
    for (let day = localDate(from); startOfDayMs(day) < b; day = addDays(day, 1)) {
      if (!calendar.isWorkingDay(day)) continue;
      const base = startOfDayMs(day);
      for (const [s, e] of periods) total += Math.max(0, Math.min(b, base + e) - Math.max(a, base + s));
    }
    return total / MIN;
  };

  const closeOf = (day: string) => new Date(startOfDayMs(day) + lastEnd);
  const endOfDay = endOfVnDay;

  return {
    calendar,
    hours,
    isOpen,
    nextOpening,
    addWorkingMinutes,
    workingMinutesBetween,
    closeOf,
    endOfDay,
    dueAt(receivedAt, limit) {
      if (Number.isNaN(receivedAt.getTime())) throw new RangeError('dueAt: invalid receipt time');
      const day = localDate(receivedAt);
      switch (limit.unit) {
        case 'WORKING_DAY':
          return endOfDay(calendar.addWorkingDays(day, wholeDays(limit.n)));
        case 'DAY':
          return endOfDay(addDays(day, wholeDays(limit.n)));
        case 'WORKING_HOUR':
          return addWorkingMinutes(receivedAt, limit.n * 60);
        case 'SAME_DAY': {
          // Received outside office hours counts from the next opening; from the cut-off on, the day is the next one.
          const start = nextOpening(receivedAt);
          const startDay = localDate(start);
          const beforeCutoff = !limit.cutoff || start.getTime() - startOfDayMs(startDay) < minutesOf(limit.cutoff) * MIN;
          return closeOf(beforeCutoff ? startDay : calendar.addWorkingDays(startDay, 1));
        }
      }
    },
  };
}

/** An instant written as ISO 8601 in Viet Nam time: 2026-12-04T17:00:00+07:00. */
export function toVnIso(at: Date): string {
  const local = new Date(at.getTime() + VN_OFFSET_MS).toISOString();
  // Milliseconds only when there are some: a limit in days ends at 23:59:59.999.
  return `${local.endsWith('.000Z') ? local.slice(0, 19) : local.slice(0, 23)}+07:00`;
}
