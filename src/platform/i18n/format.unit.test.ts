import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBudget, formatDate, formatDateTime, LANGS, vietnamDay } from './index.ts';

/** Days a Vietnamese office deals with, and far beyond: 1976 (UTC+7 since 1975) to 2199. */
const calendarDay = fc
  .date({ min: new Date('1976-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const instant = fc.date({ min: new Date('1976-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true });
const lang = fc.constantFrom(...LANGS);

/** What the platform's zone database says the day and time in Ho Chi Minh City are: an independent oracle. */
function zoneParts(d: Date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Ho_Chi_Minh',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.day}/${parts.month}/${parts.year}`, time: `${parts.hour}:${parts.minute}` };
}

describe('formatDate and formatDateTime: one style in both languages', () => {
  it('shows a day as dd/MM/yyyy and an instant as HH:mm dd/MM/yyyy, the same in Vietnamese and English', () => {
    for (const l of LANGS) {
      expect(formatDate(l, '2026-02-05')).toBe('05/02/2026');
      expect(formatDate(l, new Date('2026-12-07T19:59:28Z'))).toBe('08/12/2026');
      expect(formatDateTime(l, new Date('2026-12-07T19:59:28Z'))).toBe('02:59 08/12/2026');
      expect(formatDateTime(l, '2026-12-07T19:59:28.123Z')).toBe('02:59 08/12/2026');
      expect(formatDateTime(l, '2026-12-08T02:59:28+07:00')).toBe('02:59 08/12/2026');
    }
  });

  it('never moves a calendar day: an effective date of 2025-07-01 stays 01/07/2025 (it showed as 2025-06-30)', () => {
    expect(formatDate('vi', '2025-07-01')).toBe('01/07/2025');
    // The instant that version took effect: midnight in Vietnam, 17:00 the day before in UTC.
    expect(formatDate('vi', new Date('2025-06-30T17:00:00Z'))).toBe('01/07/2025');
    expect(formatDate('en', '2025-06-30T17:00:00.000Z')).toBe('01/07/2025');
  });

  it('prints a calendar day as itself whatever the language or the function (property)', () => {
    fc.assert(
      fc.property(calendarDay, lang, (day, l) => {
        const [y, m, d] = day.split('-');
        const expected = `${d}/${m}/${y}`;
        expect(formatDate(l, day)).toBe(expected);
        // A day has no time of day: formatDateTime must not invent one (or convert it).
        expect(formatDateTime(l, day)).toBe(expected);
        expect(vietnamDay(day)).toBe(day);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the zone database on the Vietnamese day and time of any instant (property)', () => {
    fc.assert(
      fc.property(instant, lang, (d, l) => {
        const z = zoneParts(d);
        expect(formatDate(l, d)).toBe(z.date);
        expect(formatDateTime(l, d)).toBe(`${z.time} ${z.date}`);
        expect(formatDateTime(l, d.toISOString())).toBe(`${z.time} ${z.date}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('puts instants near midnight UTC on the right Vietnamese day (property)', () => {
    // From 17:00 UTC it is already the next day in Vietnam; before, the same day.
    fc.assert(
      fc.property(calendarDay, fc.integer({ min: -12 * 3600, max: 12 * 3600 - 1 }), (day, offsetSeconds) => {
        const utcMidnight = Date.parse(`${day}T00:00:00Z`);
        const at = new Date(utcMidnight + offsetSeconds * 1000);
        const expectedDay = offsetSeconds >= -7 * 3600 ? day : new Date(utcMidnight - 86_400_000).toISOString().slice(0, 10);
        expect(vietnamDay(at)).toBe(expectedDay);
        const [y, m, d] = expectedDay.split('-');
        expect(formatDate('vi', at)).toBe(`${d}/${m}/${y}`);
        // The hour shown is UTC + 7, wrapped.
        const hour = (((Math.floor(offsetSeconds / 3600) + 7) % 24) + 24) % 24;
        expect(formatDateTime('vi', at).slice(0, 2)).toBe(String(hour).padStart(2, '0'));
      }),
      { numRuns: 2000 },
    );
    expect(formatDateTime('vi', new Date('2026-03-31T16:59:59Z'))).toBe('23:59 31/03/2026');
    expect(formatDateTime('vi', new Date('2026-03-31T17:00:00Z'))).toBe('00:00 01/04/2026');
    expect(formatDateTime('en', new Date('2026-12-31T17:00:00Z'))).toBe('00:00 01/01/2027');
  });

  it('does not depend on the time zone of the server', () => {
    // formatDate computes from the instant alone; a Date built from a string with an offset is the same whatever TZ says.
    const d = new Date('2026-06-15T23:30:00-05:00');
    expect(formatDateTime('vi', d)).toBe('11:30 16/06/2026');
  });

  it('shows something that is not a date as given rather than failing the page', () => {
    expect(formatDate('vi', 'không rõ')).toBe('không rõ');
    expect(formatDateTime('en', new Date(Number.NaN))).toBe('Invalid Date');
  });
});

/** Reads a budget back, as a person would: days, hours of an 8-hour working day and minutes. */
function readBudget(text: string, l: 'vi' | 'en'): number {
  const units =
    l === 'vi'
      ? { day: /(\d+) ngày/, hour: /(\d+) giờ/, minute: /(\d+) phút/ }
      : { day: /(\d+) (?:working )?days?\b/, hour: /(\d+) (?:working )?hours?\b/, minute: /(\d+) (?:working )?minutes?\b/ };
  const n = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return n(units.day) + n(units.hour) / 8 + n(units.minute) / 480;
}

describe('formatBudget: working days and hours, never "0.125 ngày làm việc"', () => {
  it('says whole days as days, fractions as working hours of an 8-hour day', () => {
    expect(formatBudget('vi', 3)).toBe('3 ngày làm việc');
    expect(formatBudget('en', 3)).toBe('3 working days');
    expect(formatBudget('en', 1)).toBe('1 working day');
    expect(formatBudget('vi', 0.125)).toBe('1 giờ làm việc');
    expect(formatBudget('en', 0.125)).toBe('1 working hour');
    expect(formatBudget('vi', 0.5)).toBe('4 giờ làm việc');
    expect(formatBudget('vi', 1.5)).toBe('1 ngày 4 giờ làm việc');
    expect(formatBudget('en', 1.5)).toBe('1 working day 4 hours');
    expect(formatBudget('en', 2.25)).toBe('2 working days 2 hours');
    expect(formatBudget('vi', 0.0625)).toBe('30 phút làm việc');
    expect(formatBudget('vi', 0)).toBe('0 ngày làm việc');
  });

  it('round-trips every budget to the minute, and never shows a decimal (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 * 480 }), lang, (minutes, l) => {
        const days = minutes / 480;
        const text = formatBudget(l, days);
        expect(text).not.toMatch(/[.,]\d/);
        expect(text).toMatch(l === 'vi' ? /làm việc$/ : /working/);
        expect(readBudget(text, l) * 480).toBeCloseTo(minutes, 6);
      }),
      { numRuns: 3000 },
    );
  });

  it('rounds budgets given to three decimals (as the catalogue accepts them) to the nearest minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), (thousandths) => {
        const days = thousandths / 1000;
        expect(Math.abs(readBudget(formatBudget('vi', days), 'vi') - days) * 480).toBeLessThanOrEqual(0.5 + 1e-9);
      }),
      { numRuns: 2000 },
    );
  });
});
