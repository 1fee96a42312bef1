export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];
export { foldVietnamese } from './normalize.ts';
export { vndInWords } from './amount-in-words.ts';

/** Picks the text for a language; pages pass both so a missing translation is a type error. */
export const pick = (lang: Lang, vi: string, en: string) => (lang === 'en' ? en : vi);

/*
 * One way to show dates, on pages and in documents, in both languages:
 *   a day       dd/MM/yyyy          "05/02/2026"
 *   an instant  HH:mm dd/MM/yyyy    "09:05 05/02/2026" (24-hour clock, Vietnam time)
 * This is the numeric style of Vietnamese administrative practice (Decree 30/2020 writes days
 * and months with two digits); English pages use the same so a date reads the same whatever
 * the language, and never as a US month/day. Official documents' prose keeps its long form
 * ("ngày 05 tháng 02 năm 2026", src/platform/pdf/dates.ts).
 *
 * An instant is shown in Asia/Ho_Chi_Minh whatever the server's time zone. Vietnam keeps UTC+7
 * all year (no daylight saving since 1975), so the offset is fixed arithmetic, not a zone
 * lookup. A calendar day (a `YYYY-MM-DD` string: DATE columns come back as such, see
 * src/platform/db) is a day, not an instant: it is printed as it is, never converted, so
 * a due date or an effective date cannot move by a day.
 */
const OFFSET_MS = 7 * 3600_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A value to show as a date: an instant (a Date, or an ISO string with a time) or a calendar day `YYYY-MM-DD`. */
export type DateLike = Date | string;

interface Parts {
  year: number;
  month: number;
  day: number;
  /** Absent for a calendar day: it has no time of day. */
  hour?: number;
  minute?: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function partsOf(d: DateLike): Parts | null {
  if (typeof d === 'string') {
    const m = DAY.exec(d);
    if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  }
  const t = (typeof d === 'string' ? new Date(d) : d).getTime();
  if (Number.isNaN(t)) return null;
  const v = new Date(t + OFFSET_MS);
  return { year: v.getUTCFullYear(), month: v.getUTCMonth() + 1, day: v.getUTCDate(), hour: v.getUTCHours(), minute: v.getUTCMinutes() };
}

const dayText = (p: Parts) => `${pad(p.day)}/${pad(p.month)}/${pad(p.year, 4)}`;

/**
 * "05/02/2026": the day in Vietnam of an instant, or a calendar day as it is.
 * Something that is not a date is shown as given rather than failing the page.
 */
export function formatDate(_lang: Lang, d: DateLike): string {
  const p = partsOf(d);
  return p ? dayText(p) : String(d);
}

/** "09:05 05/02/2026" in Vietnam time; a calendar day has no time and prints as its date. */
export function formatDateTime(_lang: Lang, d: DateLike): string {
  const p = partsOf(d);
  if (!p) return String(d);
  return p.hour === undefined ? dayText(p) : `${pad(p.hour)}:${pad(p.minute ?? 0)} ${dayText(p)}`;
}

/** The calendar day (`YYYY-MM-DD`) in Vietnam of an instant, or the day itself. */
export function vietnamDay(d: DateLike): string {
  const p = partsOf(d);
  if (!p) throw new RangeError(`not a date: ${String(d)}`);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Hours in a working day: normal working time is 8 hours a day (Labour Code 2019, Article 105). */
export const WORKING_HOURS_PER_DAY = 8;
const MINUTES_PER_DAY = WORKING_HOURS_PER_DAY * 60;

/**
 * A time budget counted in working days (a step's or a procedure's processing time), as people
 * say it: "3 ngày làm việc", a fraction as working hours of an 8-hour day ("1 giờ làm việc" for
 * 0.125), mixed "1 ngày 4 giờ làm việc"; minutes only when the budget has them, to the nearest
 * minute. English: "3 working days", "1 working hour", "1 working day 4 hours".
 */
export function formatBudget(lang: Lang, days: number): string {
  if (!Number.isFinite(days) || days < 0) return String(days);
  const total = Math.round(days * MINUTES_PER_DAY);
  const d = Math.floor(total / MINUTES_PER_DAY);
  const h = Math.floor((total % MINUTES_PER_DAY) / 60);
  const m = total % 60;
  const parts: Array<[number, string, string, string]> = [];
  if (d || total === 0) parts.push([d, 'ngày', 'day', 'days']);
  if (h) parts.push([h, 'giờ', 'hour', 'hours']);
  if (m) parts.push([m, 'phút', 'minute', 'minutes']);
  if (lang === 'vi') return `${parts.map(([n, unit]) => `${n} ${unit}`).join(' ')} làm việc`;
  return parts.map(([n, , one, many], i) => `${n} ${i === 0 ? 'working ' : ''}${n === 1 ? one : many}`).join(' ');
}

const moneyFmt = new Intl.NumberFormat('vi-VN');
const NUMBER_FORMATS = new Map<string, Intl.NumberFormat>();
/**
 * A number as the language writes it ("1.234,5" in Vietnamese, "1,234.5" in English) with exactly
 * `digits` decimals. Formatters are kept: building one costs far more than using it, and a table
 * page writes hundreds of figures.
 */
export function numberFormat(lang: Lang, digits = 0): Intl.NumberFormat {
  const key = `${lang}:${digits}`;
  let f = NUMBER_FORMATS.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    NUMBER_FORMATS.set(key, f);
  }
  return f;
}

export const formatVnd = (v: number) => `${moneyFmt.format(v)} đ`;
