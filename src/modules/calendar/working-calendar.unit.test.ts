import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultHolidays } from './holidays.ts';
import { localDate } from './dates.ts';
import { buildWorkingCalendar, defaultSchedule, type YearSchedule } from './working-calendar.ts';
import { DAY, iso, ms, next, Reference, scheduleArb } from './testing/reference.ts';

const FIRST = ms('2020-01-01');
const LAST = ms('2035-12-31');
const dateArb = fc.integer({ min: 0, max: (LAST - FIRST) / DAY }).map((i) => iso(FIRST + i * DAY));
const daysArb = fc.integer({ min: 0, max: 60 });

const officialArb = fc
  .uniqueArray(fc.integer({ min: 2020, max: 2036 }), { maxLength: 6 })
  .chain((years) =>
    years.length ? fc.tuple(...years.map(scheduleArb)) : fc.constant([] as { year: number; daysOff: string[]; makeUpWorkingDays: string[] }[]),
  );

function calendarWith(official: { year: number; daysOff: string[]; makeUpWorkingDays: string[] }[]) {
  const byYear = new Map(official.map((o) => [o.year, o]));
  const schedules: YearSchedule[] = [];
  for (let y = 2019; y <= 2037; y++) {
    const o = byYear.get(y);
    schedules.push(o ? { year: y, source: 'official', daysOff: o.daysOff, makeUpWorkingDays: o.makeUpWorkingDays } : defaultSchedule(y));
  }
  return { cal: buildWorkingCalendar(schedules), ref: new Reference(byYear) };
}

const plain = calendarWith([]);

describe('statutory default holidays', () => {
  it('2026: Hùng Kings on Sunday 26/4 gives Monday 27/4 off; Tết 16–20/2; 1/9 with 2/9', () => {
    expect(defaultHolidays(2026).map((h) => [h.date, h.kind])).toEqual([
      ['2026-01-01', 'holiday'],
      ['2026-02-16', 'holiday'],
      ['2026-02-17', 'holiday'],
      ['2026-02-18', 'holiday'],
      ['2026-02-19', 'holiday'],
      ['2026-02-20', 'holiday'],
      ['2026-04-26', 'holiday'],
      ['2026-04-27', 'compensatory'],
      ['2026-04-30', 'holiday'],
      ['2026-05-01', 'holiday'],
      ['2026-09-01', 'holiday'],
      ['2026-09-02', 'holiday'],
    ]);
  });

  it('picks the day next to 2/9 the way the government did in 2022–2025', () => {
    const companion = (y: number) => defaultHolidays(y).find((h) => h.nameEn === 'National Day (adjacent day)')?.date;
    expect(companion(2022)).toBe('2022-09-01'); // 2/9 Friday
    expect(companion(2023)).toBe('2023-09-01'); // 2/9 Saturday; Monday 4/9 compensatory
    // 2023 as decided: 1/1 Sun → 2/1; Tết 21–25/1 over a weekend → 26, 27/1; Hùng Kings Sat 29/4
    // and 30/4 Sun → 2/5, 3/5 (1/5 being a holiday already); 2/9 Sat → 4/9.
    expect(
      defaultHolidays(2023)
        .filter((h) => h.kind === 'compensatory')
        .map((h) => h.date),
    ).toEqual(['2023-01-02', '2023-01-26', '2023-01-27', '2023-05-02', '2023-05-03', '2023-09-04']);
    expect(companion(2024)).toBe('2024-09-03'); // 2/9 Monday
    expect(companion(2025)).toBe('2025-09-01'); // 2/9 Tuesday
    expect(companion(2020)).toBeUndefined(); // before the Labour Code 2019 took effect
  });

  it('compensates each weekend day of Tết with its own working day after the span', () => {
    // Tết 2024: Friday 9/2 to Tuesday 13/2, over a weekend.
    expect(
      defaultHolidays(2024)
        .filter((h) => h.kind === 'compensatory')
        .map((h) => h.date),
    ).toEqual(['2024-02-14', '2024-02-15']);
  });

  it('spans the last day of the lunar year, 29 tháng Chạp when the month is short', () => {
    expect(
      defaultHolidays(2025)
        .slice(1, 6)
        .map((h) => h.date),
    ).toEqual(['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01']);
    expect(defaultHolidays(2025)[1].name).toMatch(/cuối năm/);
  });
});

describe('working calendar', () => {
  it('due date example: received Thursday 2026-04-23, 5 working days → Tuesday 2026-05-05', () => {
    expect(plain.cal.addWorkingDays('2026-04-23', 5)).toBe('2026-05-05');
    expect(plain.cal.addWorkingDays('2026-04-23', 4.2)).toBe('2026-05-05');
    expect(plain.cal.addWorkingDays('2026-04-23', 0.5)).toBe('2026-04-24');
    expect(plain.cal.addWorkingDays('2026-04-25', 0)).toBe('2026-04-25');
    expect(plain.cal.workingDaysBetween('2026-04-23', '2026-05-05')).toBe(5);
    expect(plain.cal.isWorkingDay('2026-04-27')).toBe(false);
  });

  it('agrees with the day-by-day reference on the default calendar', () => {
    fc.assert(
      fc.property(dateArb, daysArb, (from, n) => {
        expect(plain.cal.addWorkingDays(from, n)).toBe(plain.ref.add(from, n));
        expect(plain.cal.isWorkingDay(from)).toBe(plain.ref.working(from));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the reference under random official schedules, fractions rounding up', () => {
    fc.assert(
      fc.property(officialArb, dateArb, daysArb, fc.constantFrom(0, 0.25, 0.5, 0.999), (official, from, n, frac) => {
        const { cal, ref } = calendarWith(official);
        const k = n + frac;
        expect(cal.addWorkingDays(from, k)).toBe(ref.add(from, k));
        expect(cal.isWorkingDay(from)).toBe(ref.working(from));
      }),
      { numRuns: 500 },
    );
  });

  it('counts working days between two dates like the reference', () => {
    fc.assert(
      fc.property(officialArb, dateArb, fc.integer({ min: -30, max: 120 }), (official, a, span) => {
        const { cal, ref } = calendarWith(official);
        const b = next(a, span);
        expect(cal.workingDaysBetween(a, b)).toBe(span <= 0 ? 0 : ref.between(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('the due date is a working day after the start, it counts back to n, and it is monotonic', () => {
    fc.assert(
      fc.property(officialArb, dateArb, dateArb, daysArb, daysArb, (official, a, b, n1, n2) => {
        const { cal } = calendarWith(official);
        const [from1, from2] = a <= b ? [a, b] : [b, a];
        const [lo, hi] = n1 <= n2 ? [n1, n2] : [n2, n1];
        const due = cal.addWorkingDays(from1, hi);
        if (hi > 0) {
          expect(cal.isWorkingDay(due)).toBe(true);
          expect(due > from1).toBe(true);
          // No earlier day completes the period.
          expect(cal.workingDaysBetween(from1, next(due, -1))).toBe(hi - 1);
        }
        expect(cal.workingDaysBetween(from1, due)).toBe(hi);
        expect(cal.addWorkingDays(from1, lo) <= due).toBe(true);
        expect(cal.addWorkingDays(from1, hi) <= cal.addWorkingDays(from2, hi)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('make-up Saturdays count, listed days off do not, and the list replaces the default holidays', () => {
    // 2025's real schedule: off 25/1–2/2 with Monday 27/1 swapped for make-up Saturday 8/2.
    const official2025 = {
      year: 2025,
      daysOff: [
        '2025-01-01',
        '2025-01-27',
        '2025-01-28',
        '2025-01-29',
        '2025-01-30',
        '2025-01-31',
        '2025-04-07',
        '2025-04-30',
        '2025-05-01',
        '2025-09-01',
        '2025-09-02',
      ],
      makeUpWorkingDays: ['2025-02-08'],
    };
    const { cal } = calendarWith([official2025]);
    expect(cal.isWorkingDay('2025-02-08')).toBe(true);
    expect(cal.isWorkingDay('2025-01-27')).toBe(false);
    // Received Friday 24/1, 3 working days: Mon 3/2, Tue 4/2, Wed 5/2.
    expect(cal.addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
    expect(cal.addWorkingDays('2025-02-06', 2)).toBe('2025-02-08');
    expect(plain.cal.addWorkingDays('2025-02-06', 2)).toBe('2025-02-10');
  });

  it('refuses questions outside its years and negative budgets', () => {
    const cal = buildWorkingCalendar([defaultSchedule(2026)]);
    expect(() => cal.addWorkingDays('2026-12-30', 5)).toThrow(/2026/);
    expect(() => cal.isWorkingDay('2027-01-04')).toThrow(/2026/);
    expect(() => cal.addWorkingDays('2026-06-01', -1)).toThrow();
    expect(() => cal.addWorkingDays('2026-06-01', Number.NaN)).toThrow();
    expect(() => buildWorkingCalendar([defaultSchedule(2026), defaultSchedule(2028)])).toThrow(/consecutive/);
  });

  it('takes the receipt date in Viet Nam (UTC+7)', () => {
    expect(localDate(new Date('2026-04-22T16:59:59Z'))).toBe('2026-04-22');
    expect(localDate(new Date('2026-04-22T17:00:00Z'))).toBe('2026-04-23');
    fc.assert(
      fc.property(fc.integer({ min: FIRST, max: LAST }), (t) => {
        const viaIntl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
          new Date(t),
        );
        expect(localDate(new Date(t))).toBe(viaIntl);
      }),
      { numRuns: 1000 },
    );
  });
});
