import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultHolidays } from './holidays.ts';
import { DEFAULT_OFFICE_HOURS, type OfficeHours } from './office-hours.ts';
import { buildWorkingCalendar, defaultSchedule, type YearSchedule } from './working-calendar.ts';
import { buildWorkingTime, toVnIso } from './working-time.ts';
import { DAY, iso, ms, Reference, weekday } from './testing/reference.ts';

/*
 * Working time against an independent reference: walk minute by minute from the receipt; a
 * minute counts when its day in Viet Nam is a working day (the day-by-day Reference of
 * testing/reference.ts, which shares nothing with working-calendar.ts but the lunar conversion)
 * and its minute of the day lies inside a period. Nothing of working-time.ts is reused.
 */
const MIN = 60_000;
const VN = 7 * 3_600_000;
const YEARS = [2024, 2030] as const;

interface Official {
  year: number;
  daysOff: string[];
  makeUpWorkingDays: string[];
}

function build(official: Official[], hours: OfficeHours) {
  const byYear = new Map(official.map((o) => [o.year, o]));
  const schedules: YearSchedule[] = [];
  for (let y = YEARS[0]; y <= YEARS[1]; y++) {
    const o = byYear.get(y);
    schedules.push(o ? { year: y, source: 'official', daysOff: o.daysOff, makeUpWorkingDays: o.makeUpWorkingDays } : defaultSchedule(y));
  }
  return { wt: buildWorkingTime(buildWorkingCalendar(schedules), hours), ref: new Reference(byYear) };
}

const hm = (m: number) => (m === 1440 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
const mins = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

/** The minute-by-minute reference over one set of office hours and one calendar. */
class MinuteReference {
  private readonly periods: [number, number][];
  private dayIndex = Number.NaN;
  private dayWorking = false;
  constructor(
    private readonly ref: Reference,
    hours: OfficeHours,
  ) {
    this.periods = hours.periods.map((p) => [mins(p.start), mins(p.end)]);
  }
  /** Whether the minute starting at t (ms, minute-aligned) is working time. */
  counts(t: number): boolean {
    const local = t + VN;
    const day = Math.floor(local / DAY);
    if (day !== this.dayIndex) {
      this.dayIndex = day;
      this.dayWorking = this.ref.working(iso(day * DAY));
    }
    if (!this.dayWorking) return false;
    const m = Math.floor((local - day * DAY) / MIN);
    return this.periods.some(([s, e]) => m >= s && m < e);
  }
  /** The end of the n-th counting minute from t (t itself for 0). */
  add(t: number, n: number): number {
    let at = t;
    for (let k = 0; k < n; at += MIN) if (this.counts(at)) k++;
    return at;
  }
  /** Counting minutes in [a, b). */
  between(a: number, b: number): number {
    let n = 0;
    for (let at = a; at < b; at += MIN) if (this.counts(at)) n++;
    return n;
  }
  /** The first counting minute at or after t. */
  opening(t: number): number {
    let at = t;
    while (!this.counts(at)) at += MIN;
    return at;
  }
  /** The end of the last counting minute of the day (Viet Nam) of a counting minute t. */
  closeOfDayOf(t: number): number {
    const dayStart = Math.floor((t + VN) / DAY) * DAY - VN;
    let close = t + MIN;
    for (let at = t; at < dayStart + DAY; at += MIN) if (this.counts(at)) close = at + MIN;
    return close;
  }
  /** Same working day, or the next one from the cut-off on. */
  sameDay(t: number, cutoff?: string): number {
    const start = this.opening(t);
    const minuteOfDay = Math.floor(((start + VN) % DAY) / MIN);
    if (cutoff === undefined || minuteOfDay < mins(cutoff)) return this.closeOfDayOf(start);
    const nextDay = Math.floor((start + VN) / DAY) * DAY - VN + DAY;
    return this.closeOfDayOf(this.opening(nextDay));
  }
}

/** 1–3 periods in order, each at least 40 minutes, the last closing by 24:00; gaps may be 0. */
const hoursArb: fc.Arbitrary<OfficeHours> = fc
  .tuple(
    fc.integer({ min: 0, max: 720 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 40, max: 300 })), { minLength: 1, maxLength: 3 }),
  )
  .map(([first, parts]) => {
    const periods: { start: string; end: string }[] = [];
    let at = first;
    for (const [gap, length] of parts) {
      const start = at + (periods.length ? gap : 0);
      const end = start + length;
      if (end > 1440) break;
      periods.push({ start: hm(start), end: hm(end) });
      at = end;
    }
    return { periods: periods.length ? periods : [{ start: hm(1440 - 60), end: hm(1440) }] };
  });

/**
 * A random official schedule: the statutory holidays, extra days off next to them (bridges
 * such as 29/4 or a week of Tết) and anywhere, and make-up Saturdays.
 */
const officialArb = (year: number): fc.Arbitrary<Official> => {
  const holidays = defaultHolidays(year).map((h) => h.date);
  const first = ms(`${year}-01-01`);
  const daysInYear = (ms(`${year + 1}-01-01`) - first) / DAY;
  return fc
    .tuple(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...holidays), fc.integer({ min: -3, max: 3 })), { maxLength: 8 }),
      fc.uniqueArray(fc.integer({ min: 0, max: daysInYear - 1 }), { maxLength: 15 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 52 }), { maxLength: 6 }),
    )
    .map(([near, anywhere, saturdays]) => {
      const inYear = (d: string) => d.startsWith(`${year}-`);
      const off = new Set(holidays);
      for (const [h, k] of near) off.add(iso(ms(h) + k * DAY));
      for (const i of anywhere) off.add(iso(first + i * DAY));
      const firstSaturday = first + ((6 - weekday(`${year}-01-01`) + 7) % 7) * DAY;
      const makeUp = saturdays.map((w) => iso(firstSaturday + w * 7 * DAY)).filter((d) => inYear(d) && !off.has(d));
      return { year, daysOff: [...off].filter(inYear).sort(), makeUpWorkingDays: makeUp.sort() };
    });
};

const officialsArb = fc.subarray([2025, 2026, 2027]).chain((years) => (years.length ? fc.tuple(...years.map(officialArb)) : fc.constant([] as Official[])));

/** Minute-aligned receipts at any time of any day of 2025–2027. */
const FIRST = Date.parse('2025-01-01T00:00:00+07:00');
const LAST = Date.parse('2027-12-31T23:59:00+07:00');
const receiptArb = fc.integer({ min: 0, max: (LAST - FIRST) / MIN }).map((i) => FIRST + i * MIN);

describe('working time against a minute-by-minute reference', () => {
  it('WORKING_HOUR: N working hours from the receipt end where the reference ends', () => {
    fc.assert(
      fc.property(
        officialsArb,
        hoursArb,
        fc.array(fc.tuple(receiptArb, fc.integer({ min: 0, max: 3600 })), { minLength: 3, maxLength: 3 }),
        (official, hours, cases) => {
          const { wt, ref } = build(official, hours);
          const minute = new MinuteReference(ref, hours);
          for (const [at, minutes] of cases) {
            const due = wt.dueAt(new Date(at), { unit: 'WORKING_HOUR', n: minutes / 60 }).getTime();
            const label = `${toVnIso(new Date(at))} + ${minutes} min, ${JSON.stringify(hours.periods)}`;
            expect(toVnIso(new Date(due)), label).toBe(toVnIso(new Date(minute.add(at, minutes))));
            if (minutes > 0) expect(wt.workingMinutesBetween(new Date(at), new Date(due)), label).toBe(minutes);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('SAME_DAY: the close of the day it counts from, or of the next working day from the cut-off on', () => {
    fc.assert(
      fc.property(
        officialsArb,
        hoursArb,
        fc.array(fc.tuple(receiptArb, fc.option(fc.integer({ min: 0, max: 1439 }), { nil: undefined })), { minLength: 5, maxLength: 5 }),
        (official, hours, cases) => {
          const { wt, ref } = build(official, hours);
          const minute = new MinuteReference(ref, hours);
          for (const [at, cut] of cases) {
            const cutoff = cut === undefined ? undefined : hm(cut);
            const due = wt.dueAt(new Date(at), cutoff === undefined ? { unit: 'SAME_DAY' } : { unit: 'SAME_DAY', cutoff });
            expect(toVnIso(due), `${toVnIso(new Date(at))} cut-off ${cutoff}, ${JSON.stringify(hours.periods)}`).toBe(
              toVnIso(new Date(minute.sameDay(at, cutoff))),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('workingMinutesBetween counts the minutes the reference counts', () => {
    fc.assert(
      fc.property(
        officialsArb,
        hoursArb,
        fc.array(fc.tuple(receiptArb, fc.integer({ min: -60, max: 20 * 1440 })), { minLength: 3, maxLength: 3 }),
        (official, hours, cases) => {
          const { wt, ref } = build(official, hours);
          const minute = new MinuteReference(ref, hours);
          for (const [from, span] of cases) {
            const to = from + span * MIN;
            expect(wt.workingMinutesBetween(new Date(from), new Date(to)), `${toVnIso(new Date(from))} … ${toVnIso(new Date(to))}`).toBe(
              minute.between(from, to),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('worked examples on the default hours (08:00–12:00, 13:00–17:00) and the statutory calendar', () => {
  const { wt } = build([], DEFAULT_OFFICE_HOURS);
  const due = (at: string, limit: Parameters<typeof wt.dueAt>[1]) => toVnIso(wt.dueAt(new Date(at), limit));

  it('Friday 2026-12-04 15:00 + 4 h → Monday 2026-12-07 10:00', () => {
    expect(due('2026-12-04T15:00:00+07:00', { unit: 'WORKING_HOUR', n: 4 })).toBe('2026-12-07T10:00:00+07:00');
  });

  it('Thursday 2026-12-31 16:00 + 2 h skips New Year’s Day and the weekend → Monday 2027-01-04 09:00', () => {
    expect(due('2026-12-31T16:00:00+07:00', { unit: 'WORKING_HOUR', n: 2 })).toBe('2027-01-04T09:00:00+07:00');
  });

  it('same day with a 15:00 cut-off: received 15:30 on a Friday → Monday 17:00; 14:59 → that Friday 17:00', () => {
    expect(due('2026-12-04T15:30:00+07:00', { unit: 'SAME_DAY', cutoff: '15:00' })).toBe('2026-12-07T17:00:00+07:00');
    expect(due('2026-12-04T14:59:00+07:00', { unit: 'SAME_DAY', cutoff: '15:00' })).toBe('2026-12-04T17:00:00+07:00');
    // Exactly at the cut-off is after it.
    expect(due('2026-12-04T15:00:00+07:00', { unit: 'SAME_DAY', cutoff: '15:00' })).toBe('2026-12-07T17:00:00+07:00');
  });

  it('received exactly at 12:00 (the break) + 4 h → 17:00 the same day, not the next morning', () => {
    expect(due('2026-12-03T12:00:00+07:00', { unit: 'WORKING_HOUR', n: 4 })).toBe('2026-12-03T17:00:00+07:00');
    expect(toVnIso(wt.nextOpening(new Date('2026-12-03T12:00:00+07:00')))).toBe('2026-12-03T13:00:00+07:00');
    expect(wt.isOpen(new Date('2026-12-03T17:00:00+07:00'))).toBe(false);
  });
});
