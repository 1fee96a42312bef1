/**
 * Dates as Vietnamese administrative documents print them. Vietnam keeps UTC+7 all year
 * (no daylight saving since 1975), so the offset is fixed arithmetic rather than a time-zone
 * lookup, which keeps rendering identical on machines with different ICU data.
 */
import { formatDate, formatDateTime } from '../i18n/index.ts';

const OFFSET_MS = 7 * 3600_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day in Vietnam, `YYYY-MM-DD`, as the dossier module stores due dates. */
export type LocalDay = string;
/** An instant (printed with its hour and minute) or a calendar day (printed without). */
export type When = Date | LocalDay;

export interface Parts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
}

export function partsOf(w: When): Parts {
  if (typeof w === 'string') {
    const m = DAY.exec(w);
    if (!m) throw new RangeError(`not a YYYY-MM-DD day: ${w}`);
    return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  }
  if (Number.isNaN(w.getTime())) throw new RangeError('invalid date');
  const v = new Date(w.getTime() + OFFSET_MS);
  return { year: v.getUTCFullYear(), month: v.getUTCMonth() + 1, day: v.getUTCDate(), hour: v.getUTCHours(), minute: v.getUTCMinutes() };
}

/** The Vietnam calendar day of an instant (or the day itself). */
export function localDayOf(w: When): LocalDay {
  const p = partsOf(w);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "ngày 05 tháng 02 năm 2026": Decree 30/2020 writes a zero before days under 10 and before
 * months 1 and 2 (so that "tháng 1" cannot be extended to "tháng 11" by hand).
 */
export function longDate(w: When): string {
  const p = partsOf(w);
  const month = p.month < 3 ? pad(p.month) : String(p.month);
  return `ngày ${pad(p.day)} tháng ${month} năm ${p.year}`;
}

/** "Hà Nội, ngày 23 tháng 11 năm 2026" — the place and date line of a document. */
export const placeDate = (place: string, w: When) => `${place}, ${longDate(w)}`;

/** "09 giờ 05 phút, ngày 23 tháng 11 năm 2026"; a bare day prints as its long date. */
export function longDateTime(w: When): string {
  const p = partsOf(w);
  if (p.hour === undefined) return longDate(w);
  return `${pad(p.hour)} giờ ${pad(p.minute ?? 0)} phút, ${longDate(w)}`;
}

/** "23/11/2026", for table cells: the one short style of pages and documents (src/platform/i18n). */
export function shortDate(w: When): string {
  partsOf(w); // a document refuses what is not a date rather than printing it
  return formatDate('vi', w);
}

/** "09:05 23/11/2026"; a bare day prints as its short date. */
export function shortDateTime(w: When): string {
  partsOf(w);
  return formatDateTime('vi', w);
}

/** Finished past a deadline: after the instant, or on a later (Vietnam) day than a bare day. */
export function finishedLate(at: Date, deadline: When): boolean {
  return typeof deadline === 'string' ? localDayOf(at) > deadline : at.getTime() > deadline.getTime();
}
