/**
 * Calendar dates as `YYYY-MM-DD` strings, and day numbers (days since 1970-01-01) for
 * arithmetic. A date string carries no time zone: it is a day on the Vietnamese calendar.
 */

const MS_PER_DAY = 86_400_000;
// Viet Nam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact
// for every date this system handles, and much cheaper than Intl on a hot path.
const VN_OFFSET_MS = 7 * 3_600_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Asia/Ho_Chi_Minh calendar date of an instant. */
export function localDate(at: Date): string {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError('localDate: invalid Date');
  return fromDayNumber(Math.floor((t + VN_OFFSET_MS) / MS_PER_DAY));
}

/** True for a real date written `YYYY-MM-DD` (rejects 2026-02-30 and 2026-13-01). */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; throws on anything that is not a real date. */
export function toDayNumber(s: string): number {
  if (!isIsoDate(s)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(s)}`);
  return dayNumberOf(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
}

export function dayNumberOf(year: number, month: number, day: number): number {
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not remap years 0–99 to 1900–1999.
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / MS_PER_DAY);
}

export function fromDayNumber(n: number): string {
  const d = new Date(n * MS_PER_DAY);
  const y = d.getUTCFullYear();
  return `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (dayNumber: number) => (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday

export const isWeekend = (dayNumber: number) => {
  const w = weekdayOf(dayNumber);
  return w === 0 || w === 6;
};

export const addDays = (s: string, n: number) => fromDayNumber(toDayNumber(s) + n);

export const yearOf = (s: string) => Number(s.slice(0, 4));

/** The last millisecond of a Vietnamese day: when a time limit in days ends. */
export const endOfVnDay = (day: string) => new Date((toDayNumber(day) + 1) * MS_PER_DAY - VN_OFFSET_MS - 1);

/** Whether an instant is the last millisecond of its Vietnamese day: how a limit in days ends, so shown as a date. */
export const endsItsDay = (at: Date | string) => (new Date(at).getTime() + VN_OFFSET_MS + 1) % MS_PER_DAY === 0;
