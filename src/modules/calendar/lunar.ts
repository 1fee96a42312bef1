/**
 * The Vietnamese lunar calendar (âm lịch), after Hồ Ngọc Đức's astronomical algorithm
 * ("Thuật toán tính âm lịch"): new moons and solar terms from Jean Meeus's formulas,
 * evaluated at UTC+7. The Vietnamese and Chinese calendars use the same rules; they differ
 * only in some years because Hà Nội's midnight is an hour before Beijing's.
 *
 * Rules: a month starts on the day of a new moon; month 11 contains the winter solstice;
 * when 13 new moons start between two months 11, the first month without a major solar
 * term (trung khí) is leap and repeats the number of the month before it.
 */
import { AppError } from '../../platform/errors.ts';
import { dayNumberOf, fromDayNumber, toDayNumber } from './dates.ts';

const TIME_ZONE = 7;
const JD_OF_DAY_0 = 2_440_588; // Julian day number of 1970-01-01
const { floor, sin, PI } = Math;
const DR = PI / 180;
/** The range in which the algorithm's approximations hold comfortably. */
export const LUNAR_MIN_YEAR = 1900;
export const LUNAR_MAX_YEAR = 2199;

export interface LunarDate {
  day: number;
  month: number;
  year: number;
  /** True in the repeated (leap) month, tháng nhuận. */
  leap: boolean;
}

const jdOf = (year: number, month: number, day: number) => dayNumberOf(year, month, day) + JD_OF_DAY_0;

/** Julian day (with fraction) of the k-th new moon after 1900-01-01 (Meeus, ch. 49, abridged). */
function newMoon(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * DR);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3; // sun's mean anomaly
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3; // moon's mean anomaly
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3; // moon's argument of latitude
  let C1 = (0.1734 - 0.000393 * T) * sin(M * DR) + 0.0021 * sin(2 * DR * M);
  C1 = C1 - 0.4068 * sin(Mpr * DR) + 0.0161 * sin(DR * 2 * Mpr);
  C1 = C1 - 0.0004 * sin(DR * 3 * Mpr);
  C1 = C1 + 0.0104 * sin(DR * 2 * F) - 0.0051 * sin(DR * (M + Mpr));
  C1 = C1 - 0.0074 * sin(DR * (M - Mpr)) + 0.0004 * sin(DR * (2 * F + M));
  C1 = C1 - 0.0004 * sin(DR * (2 * F - M)) - 0.0006 * sin(DR * (2 * F + Mpr));
  C1 = C1 + 0.001 * sin(DR * (2 * F - Mpr)) + 0.0005 * sin(DR * (2 * Mpr + M));
  const deltaT = T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3 : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd1 + C1 - deltaT;
}

/** The sun's apparent longitude, in radians in [0, 2π), at Julian day `jdn` (Meeus, ch. 25, low precision). */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525;
  const T2 = T * T;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * sin(DR * M);
  DL = DL + (0.019993 - 0.000101 * T) * sin(DR * 2 * M) + 0.00029 * sin(DR * 3 * M);
  let L = (L0 + DL) * DR;
  L = L - PI * 2 * floor(L / (PI * 2));
  return L;
}

/** Which of the 12 major-term sectors (0…11, 30° each) the sun is in at the local midnight starting day `jd`. */
const sunSector = (jd: number) => floor((sunLongitude(jd - 0.5 - TIME_ZONE / 24) / PI) * 6);

/** The local day (Julian day number) of the k-th new moon. */
const newMoonDay = (k: number) => floor(newMoon(k) + 0.5 + TIME_ZONE / 24);

const monthIndexBefore = (jd: number) => floor((jd - 2415021.076998695) / 29.530588853);

/** The first day of the lunar month 11 that contains the winter solstice of solar year `year`. */
function lunarMonth11(year: number): number {
  const k = floor((jdOf(year, 12, 31) - 2415021) / 29.530588853);
  const nm = newMoonDay(k);
  // Sector 9 starts at 270°, the winter solstice: a month starting after it is month 12's.
  return sunSector(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

/** In a 13-month year starting at month 11 `a11`, the offset (1…12) of the leap month from it. */
function leapMonthOffset(a11: number): number {
  const k = floor((a11 - 2415021.076998695) / 29.530588853 + 0.5);
  let i = 1;
  let arc = sunSector(newMoonDay(k + i));
  let last: number;
  // The leap month is the first whose start and the next month's start lie in the same sector:
  // it holds no major term.
  do {
    last = arc;
    i++;
    arc = sunSector(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

function checkYear(year: number) {
  if (!Number.isInteger(year) || year < LUNAR_MIN_YEAR || year > LUNAR_MAX_YEAR) {
    throw new AppError('VALIDATION_FAILED', {
      vi: `Chỉ chuyển đổi âm lịch cho các năm ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}`,
      en: `Lunar conversion covers the years ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR} only`,
    });
  }
}

/** The lunar date of a solar `YYYY-MM-DD` date. */
export function solarToLunar(date: string): LunarDate {
  const dayNumber = toDayNumber(date);
  const solarYear = Number(date.slice(0, 4));
  checkYear(solarYear);
  const jd = dayNumber + JD_OF_DAY_0;
  // The mean lunation only estimates which new moon starts the month; the original code
  // trusted it to one step and answered day 0 on 2054-05-07. Step until it brackets jd.
  let k = monthIndexBefore(jd);
  while (newMoonDay(k + 1) <= jd) k++;
  while (newMoonDay(k) > jd) k--;
  const monthStart = newMoonDay(k);
  let a11 = lunarMonth11(solarYear);
  let b11 = a11;
  let lunarYear: number;
  if (a11 >= monthStart) {
    lunarYear = solarYear;
    a11 = lunarMonth11(solarYear - 1);
  } else {
    lunarYear = solarYear + 1;
    b11 = lunarMonth11(solarYear + 1);
  }
  const day = jd - monthStart + 1;
  const diff = floor((monthStart - a11) / 29);
  let leap = false;
  let month = diff + 11;
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11);
    if (diff >= leapDiff) {
      month = diff + 10;
      leap = diff === leapDiff;
    }
  }
  if (month > 12) month -= 12;
  if (month >= 11 && diff < 4) lunarYear -= 1;
  return { day, month, year: lunarYear, leap };
}

/** The lunar month number that is repeated in lunar year `year`, or null in a 12-month year. */
export function leapMonthOf(year: number): number | null {
  checkYear(year);
  // Each span from one month 11 to the next holds 12 or 13 months. Offsets from month 11:
  // 1 is month 12, 2 is month 1 and so on, and a leap month repeats the number before it.
  const before = leapOffsetBetween(lunarMonth11(year - 1), lunarMonth11(year));
  if (before !== null && before > 2) return before - 2; // months 1…10 of `year`
  const after = leapOffsetBetween(lunarMonth11(year), lunarMonth11(year + 1));
  if (after !== null && after <= 2) return after + 10; // month 11 or 12 of `year`
  return null;
}

const leapOffsetBetween = (a11: number, b11: number) => (b11 - a11 > 365 ? leapMonthOffset(a11) : null);

/** The first day (Julian day number) of a lunar month, or null when that (leap) month does not exist. */
function monthStartJd(month: number, year: number, leap: boolean): number | null {
  let a11: number;
  let b11: number;
  if (month < 11) {
    a11 = lunarMonth11(year - 1);
    b11 = lunarMonth11(year);
  } else {
    a11 = lunarMonth11(year);
    b11 = lunarMonth11(year + 1);
  }
  let off = month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11);
    let leapMonth = leapOff - 2;
    if (leapMonth <= 0) leapMonth += 12; // offset 2 repeats month 12 (the original code yields 0 there)
    if (leap && month !== leapMonth) return null;
    if (leap || off >= leapOff) off += 1;
  } else if (leap) return null;
  const k = floor(0.5 + (a11 - 2415021.076998695) / 29.530588853);
  return newMoonDay(k + off);
}

/** The number of days (29 or 30) of a lunar month. */
export function lunarMonthLength(month: number, year: number, leap = false): number {
  checkYear(year);
  const start = monthStartJd(month, year, leap);
  if (start === null) throw noSuchMonth(month, year);
  // The next month starts at the next new moon, 29 or 30 days later.
  const k = floor(0.5 + (start - 2415021.076998695) / 29.530588853);
  return newMoonDay(k + 1) - start;
}

const noSuchMonth = (month: number, year: number) =>
  new AppError('VALIDATION_FAILED', { vi: `Năm âm lịch ${year} không có tháng ${month} nhuận`, en: `Lunar year ${year} has no leap month ${month}` });

/** The solar `YYYY-MM-DD` date of a lunar date. */
export function lunarToSolar(day: number, month: number, year: number, leap = false): string {
  checkYear(year);
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(day) || day < 1 || day > 30) {
    throw new AppError('VALIDATION_FAILED', { vi: `Ngày âm lịch không hợp lệ: ${day}/${month}`, en: `Invalid lunar date: ${day}/${month}` });
  }
  const start = monthStartJd(month, year, leap);
  if (start === null) throw noSuchMonth(month, year);
  if (day === 30 && lunarMonthLength(month, year, leap) < 30) {
    throw new AppError('VALIDATION_FAILED', {
      vi: `Tháng ${month}${leap ? ' nhuận' : ''} năm âm lịch ${year} chỉ có 29 ngày`,
      en: `Lunar month ${month}${leap ? ' (leap)' : ''} of ${year} has only 29 days`,
    });
  }
  return fromDayNumber(start + day - 1 - JD_OF_DAY_0);
}
