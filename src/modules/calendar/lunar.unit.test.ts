import { describe, expect, it } from 'vitest';
import { leapMonthOf, lunarMonthLength, lunarToSolar, solarToLunar } from './lunar.ts';

// Published Vietnamese calendar dates (Tết = lunar 1/1). 2030 is 2 February in Viet Nam:
// the new moon falls at 23:07 Hà Nội time on 2 February but 00:07 on 3 February in
// Beijing, so Viet Nam's Tết is a day before China's that year (as in 1968, 1985, 2007).
const TET: Record<number, string> = {
  2020: '2020-01-25',
  2021: '2021-02-12',
  2022: '2022-02-01',
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2030: '2030-02-02',
};

describe('Vietnamese lunar calendar', () => {
  it('puts Tết on the published dates', () => {
    for (const [year, solar] of Object.entries(TET)) {
      expect(lunarToSolar(1, 1, Number(year)), `Tết ${year}`).toBe(solar);
      expect(solarToLunar(solar)).toEqual({ day: 1, month: 1, year: Number(year), leap: false });
    }
  });

  it('differs from the Chinese calendar where Hà Nội time says so', () => {
    // Chinese New Year: 1968-01-30, 1985-02-20 (a month later), 2007-02-18, 2030-02-03.
    expect(lunarToSolar(1, 1, 1968)).toBe('1968-01-29');
    expect(lunarToSolar(1, 1, 1985)).toBe('1985-01-21');
    expect(lunarToSolar(1, 1, 2007)).toBe('2007-02-17');
    expect(solarToLunar('2030-02-03')).toEqual({ day: 2, month: 1, year: 2030, leap: false });
  });

  it("puts Hùng Kings' day (10/3) and Mid-Autumn (15/8) on the published dates", () => {
    expect(lunarToSolar(10, 3, 2024)).toBe('2024-04-18');
    expect(lunarToSolar(10, 3, 2025)).toBe('2025-04-07');
    expect(lunarToSolar(10, 3, 2026)).toBe('2026-04-26');
    expect(lunarToSolar(15, 8, 2024)).toBe('2024-09-17');
    expect(lunarToSolar(15, 8, 2025)).toBe('2025-10-06');
  });

  it('knows the leap months, including the rare leap 11th month of 2033', () => {
    expect(leapMonthOf(2020)).toBe(4);
    expect(leapMonthOf(2023)).toBe(2);
    expect(leapMonthOf(2024)).toBeNull();
    expect(leapMonthOf(2025)).toBe(6);
    expect(leapMonthOf(2028)).toBe(5);
    expect(leapMonthOf(2033)).toBe(11);
    expect(lunarToSolar(1, 6, 2025, true)).toBe('2025-07-25');
    expect(solarToLunar('2025-07-25')).toEqual({ day: 1, month: 6, year: 2025, leap: true });
    expect(solarToLunar('2033-12-22')).toEqual({ day: 1, month: 11, year: 2033, leap: true });
  });

  it('gives tháng Chạp 29 days from the end of 2024 until 2032 (no "30 Tết" for eight years)', () => {
    expect(lunarMonthLength(12, 2023)).toBe(30);
    for (let y = 2024; y <= 2031; y++) expect(lunarMonthLength(12, y), `12/${y}`).toBe(29);
    expect(lunarMonthLength(12, 2032)).toBe(30);
  });

  it('refuses lunar dates that do not exist', () => {
    expect(() => lunarToSolar(30, 12, 2025)).toThrow(/29/);
    expect(() => lunarToSolar(1, 5, 2025, true)).toThrow(/leap|nhuận/);
    expect(() => lunarToSolar(0, 1, 2025)).toThrow();
    expect(() => lunarToSolar(1, 13, 2025)).toThrow();
    expect(() => lunarToSolar(1, 1, 1800)).toThrow(/1900/);
  });

  it('walks every day from 1901 to 2199 as one consistent sequence of lunar months, and converts back', () => {
    let prev = solarToLunar('1901-01-01');
    const start = Date.UTC(1901, 0, 2);
    const end = Date.UTC(2199, 11, 31);
    let months = 0;
    for (let t = start; t <= end; t += 86_400_000) {
      const iso = new Date(t).toISOString().slice(0, 10);
      const cur = solarToLunar(iso);
      if (cur.day === prev.day + 1) {
        expect([cur.month, cur.year, cur.leap], iso).toEqual([prev.month, prev.year, prev.leap]);
      } else {
        // A month ends after 29 or 30 days; the next is the following number, or the same number as leap.
        expect(cur.day, iso).toBe(1);
        expect([29, 30], iso).toContain(prev.day);
        months++;
        if (cur.leap) expect([cur.month, cur.year], iso).toEqual([prev.month, prev.year]);
        else if (prev.month === 12) expect([cur.month, cur.year], iso).toEqual([1, prev.year + 1]);
        else expect([cur.month, cur.year], iso).toEqual([prev.month + 1, prev.year]);
      }
      if (cur.year >= 1901 && cur.year <= 2199) expect(lunarToSolar(cur.day, cur.month, cur.year, cur.leap), iso).toBe(iso);
      prev = cur;
    }
    // 299 years of about 12.37 synodic months each.
    expect(months).toBeGreaterThan(3690);
    expect(months).toBeLessThan(3700);
  });
});
