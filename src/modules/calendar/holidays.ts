/**
 * The statutory public holidays of a year (Labour Code 2019, art. 112), the default when
 * the administrator has not entered the year's official schedule.
 *
 * - 1/1; Lunar New Year, 5 days; Hùng Kings' day, 10/3 lunar; 30/4; 1/5; 2/9 and one
 *   adjacent day (the adjacent day exists from 2021, when the Code took effect).
 * - Lunar New Year: the last day of the lunar year (30 or 29 tháng Chạp) and days 1–4 of
 *   the new year, the span the government has announced in most recent years.
 * - The day next to 2/9 is chosen by the government each year (1/9 or 3/9). The default
 *   follows what it has done since 2021: the weekday that joins the break to a weekend —
 *   3/9 when 2/9 is a Monday or Thursday (2024: Mon → 3/9), and 3/9 when 2/9 is a Sunday
 *   (1/9 would be a Saturday); otherwise 1/9 (2022 Fri, 2023 Sat, 2025 Tue → 1/9).
 * - Art. 112 §3: a holiday on a Saturday or Sunday (the weekly rest days of civil servants)
 *   is compensated by the next working day, in date order, so two weekend holidays give
 *   two compensatory days.
 */
import { dayNumberOf, fromDayNumber, isWeekend, toDayNumber, weekdayOf } from './dates.ts';
import { lunarToSolar } from './lunar.ts';

export type HolidayKind = 'holiday' | 'compensatory';

export interface Holiday {
  date: string;
  name: string;
  nameEn: string;
  kind: HolidayKind;
}

/** The first year in which 2/9 has an adjacent day off (Labour Code 2019, in force 1 January 2021). */
export const NATIONAL_DAY_SECOND_DAY_FROM = 2021;

/** 1/9 or 3/9: the day off next to National Day in the default calendar. */
export function nationalDayCompanion(year: number): string {
  const w = weekdayOf(dayNumberOf(year, 9, 2));
  // Monday, Thursday, Sunday → 3/9; Tuesday, Wednesday, Friday, Saturday → 1/9.
  return w === 1 || w === 4 || w === 0 ? `${year}-09-03` : `${year}-09-01`;
}

function statutory(year: number): Holiday[] {
  const y = String(year).padStart(4, '0');
  const out: Holiday[] = [];
  const add = (date: string, name: string, nameEn: string) => out.push({ date, name, nameEn, kind: 'holiday' });

  add(`${y}-01-01`, 'Tết Dương lịch', "New Year's Day");

  const tet = toDayNumber(lunarToSolar(1, 1, year));
  add(fromDayNumber(tet - 1), 'Tết Nguyên đán (ngày cuối năm âm lịch)', 'Lunar New Year (last day of the lunar year)');
  for (let i = 0; i < 4; i++) add(fromDayNumber(tet + i), `Tết Nguyên đán (mùng ${i + 1})`, `Lunar New Year (day ${i + 1})`);

  add(lunarToSolar(10, 3, year), 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', "Hùng Kings' Commemoration Day (10/3 lunar)");
  add(`${y}-04-30`, 'Ngày Chiến thắng (30/4)', 'Reunification Day (30 April)');
  add(`${y}-05-01`, 'Ngày Quốc tế Lao động (1/5)', "International Workers' Day (1 May)");
  add(`${y}-09-02`, 'Quốc khánh (2/9)', 'National Day (2 September)');
  if (year >= NATIONAL_DAY_SECOND_DAY_FROM) add(nationalDayCompanion(year), 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)');
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

const memo = new Map<number, readonly Holiday[]>();

/** The statutory holidays and their compensatory days, in date order. */
export function defaultHolidays(year: number): readonly Holiday[] {
  const hit = memo.get(year);
  if (hit) return hit;
  const base = statutory(year);
  const taken = new Set(base.map((h) => toDayNumber(h.date)));
  const out: Holiday[] = [...base];
  for (const h of base) {
    const d = toDayNumber(h.date);
    if (!isWeekend(d)) continue;
    let c = d + 1;
    while (isWeekend(c) || taken.has(c)) c++;
    taken.add(c);
    out.push({ date: fromDayNumber(c), name: `Nghỉ bù ${h.name}`, nameEn: `Compensatory day off for ${h.nameEn}`, kind: 'compensatory' });
  }
  const result = Object.freeze(out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)));
  memo.set(year, result);
  return result;
}
