/**
 * A method's time limit between the national procedures database and congso: the one place
 * that maps the national format's units (and, for `OTHER`, the description's Vietnamese) onto
 * congso's units, and that writes a limit as people read it.
 *
 * The mapping never guesses: a unit it does not know, with a description naming no limit or
 * several different ones, is stored as imported with its text kept, and dossiers then count the
 * workflow's step budgets (time-limit-of.ts) until an administrator sets the unit.
 */
import { isHhMm } from '../calendar/office-hours.ts';
import type { TimeLimit, TimeUnit } from '../calendar/time-limit.ts';
import type { Lang } from '../../platform/i18n/index.ts';
import { formatBudget } from '../../platform/i18n/index.ts';
import type { ProcedureData } from './national-format.ts';
import { timeLimitOf } from './time-limit-of.ts';

/**
 * The unit codes the national format and the national portal's contract (DonViThoiGian) use,
 * by the congso unit each means. The portal's own codes are Vietnamese (NGAY_LAM_VIEC, NGAY);
 * the database's export uses English ones; both spellings of hours and same-day handling occur.
 */
export const NATIONAL_TIME_UNITS: Record<TimeUnit, readonly string[]> = {
  WORKING_DAY: ['WORKING_DAY', 'NGAY_LAM_VIEC'],
  DAY: ['DAY', 'NGAY'],
  WORKING_HOUR: ['WORKING_HOUR', 'HOUR', 'GIO', 'GIO_LAM_VIEC'],
  SAME_DAY: ['SAME_DAY', 'IN_DAY', 'TRONG_NGAY'],
};

export const CONGSO_TIME_UNITS: readonly TimeUnit[] = ['WORKING_DAY', 'DAY', 'WORKING_HOUR', 'SAME_DAY'];
export const isCongsoUnit = (u: string | null | undefined): u is TimeUnit => CONGSO_TIME_UNITS.includes(u as TimeUnit);

const UNIT_BY_CODE = new Map(Object.entries(NATIONAL_TIME_UNITS).flatMap(([unit, codes]) => codes.map((c) => [c, unit as TimeUnit] as const)));

/** The congso unit a national unit code means, or null (`OTHER` and anything unknown). */
export function congsoUnitOf(code: string | null | undefined): TimeUnit | null {
  return UNIT_BY_CODE.get((code ?? '').trim().toUpperCase()) ?? null;
}

/** What a description says about the limit: one clear limit, none, or several that disagree. */
export type TextReading = { kind: 'limit'; limit: TimeLimit } | { kind: 'none' } | { kind: 'conflict'; found: string[] };

const clean = (s: string) =>
  s
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s\u00a0]+/gu, ' ');
const num = (s: string) => Number(s.replace(',', '.'));
// A number standing alone: not the tail of a date, an article number or a code.
const N = String.raw`(?<![\p{L}\d.,/])(\d{1,4}(?:[.,]\d{1,2})?)`;
const WORKING_DAYS = new RegExp(String.raw`${N}\s*ngày\s+làm\s+việc`, 'gu');
const DAYS = new RegExp(String.raw`${N}\s*ngày(?!\s*làm\s+việc)(?![\p{L}])`, 'gu');
const HOURS = new RegExp(String.raw`${N}\s*(?:giờ|tiếng)\s+làm\s+việc`, 'gu');
/** "trong (vòng|thời hạn) N giờ": hours without "làm việc" only where they are plainly a duration. */
const HOURS_WITHIN = new RegExp(String.raw`trong\s+(?:vòng\s+|thời\s+hạn\s+|thời\s+gian\s+)?${N}\s*(?:giờ|tiếng)(?!\s*làm\s+việc)`, 'gu');
/** "(ngay) trong ngày (làm việc)", but not "trong ngày làm việc tiếp theo", which is what happens after a cut-off. */
const SAME_DAY = /trong\s+(?:cùng\s+)?ngày(?:\s+làm\s+việc)?(?!\s*(?:làm\s+việc\s*)?(?:tiếp\s+theo|kế\s+tiếp|hôm\s+sau|\d))/gu;
/** "sau 15 giờ", "sau 15 giờ 30 (phút)", "sau 15h", "sau 15h30", "trước 15:00"; not "sau 15 giờ làm việc" (a duration). */
const CUTOFF = /(?:sau|trước)\s+(\d{1,2})\s*(?:giờ|h|g|:)\s*(\d{1,2})?(?:\s*phút)?(?!\s*làm\s+việc)(?![\p{L}\d])/gu;

const pad2 = (n: number) => String(n).padStart(2, '0');

function cutoffsIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of clean(text).matchAll(CUTOFF)) {
    const h = Number(m[1]);
    const min = m[2] === undefined ? 0 : Number(m[2]);
    if (h <= 23 && min <= 59) found.add(`${pad2(h)}:${pad2(min)}`);
  }
  return found;
}

/** The cut-off a same-day description names ('HH:MM'), if exactly one; several different ones name none. */
export function cutoffIn(text: string | null | undefined): string | undefined {
  const found = cutoffsIn(text ?? '');
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * Reads a method's Vietnamese description for its time limit: '05 ngày làm việc', '8 giờ làm
 * việc', '30 ngày', 'trong ngày' (with a cut-off 'nếu nhận sau 15 giờ thì trả kết quả trong ngày
 * làm việc tiếp theo'). The same limit said twice is one limit; two different ones conflict.
 */
export function readTimeLimitText(text: string | null | undefined): TextReading {
  const s = clean(text ?? '');
  const found = new Map<string, TimeLimit>();
  const add = (limit: TimeLimit) => found.set(limit.unit === 'SAME_DAY' ? 'SAME_DAY' : `${limit.n} ${limit.unit}`, limit);
  for (const m of s.matchAll(WORKING_DAYS)) add({ unit: 'WORKING_DAY', n: num(m[1]) });
  for (const m of s.matchAll(DAYS)) add({ unit: 'DAY', n: num(m[1]) });
  for (const m of s.matchAll(HOURS)) add({ unit: 'WORKING_HOUR', n: num(m[1]) });
  for (const m of s.matchAll(HOURS_WITHIN)) add({ unit: 'WORKING_HOUR', n: num(m[1]) });
  if (s.match(SAME_DAY)) {
    // Two different cut-offs are two rules: which one applies is not for the import to decide.
    const cutoffs = [...cutoffsIn(s)];
    if (cutoffs.length > 1) for (const cutoff of cutoffs) found.set(`SAME_DAY ${cutoff}`, { unit: 'SAME_DAY', cutoff });
    else add(cutoffs.length ? { unit: 'SAME_DAY', cutoff: cutoffs[0] } : { unit: 'SAME_DAY' });
  }
  for (const [key, limit] of found) if (limit.unit !== 'SAME_DAY' && !(limit.n > 0)) found.delete(key);
  if (found.size === 1) return { kind: 'limit', limit: [...found.values()][0] };
  return found.size ? { kind: 'conflict', found: [...found.keys()] } : { kind: 'none' };
}

/** A method's limit as congso stores it (ProcedureData.methods[]). */
export interface StoredTime {
  processingTime: number;
  processingTimeUnit: string;
  processingCutoff?: string;
  processingTimeText?: string;
}

export type MappedTime = StoredTime & {
  /** `unit`: the unit code said it; `text`: read from the description; `none`: could not be mapped (see `problem`). */
  from: 'unit' | 'text' | 'none';
  problem?: 'no-limit' | 'conflict';
};

/**
 * A national method's limit in congso's terms. Known unit codes map directly (a same-day one
 * takes its cut-off from `processingCutoff` or the description); others are read from the
 * description; failing that, the unit stays as imported and the text is kept.
 */
export function mapProcessingTime(m: {
  processingTime: number;
  processingTimeUnit?: string | null;
  description?: string | null;
  processingCutoff?: string | null;
}): MappedTime {
  const imported = (m.processingTimeUnit ?? '').trim() || 'WORKING_DAY';
  const description = (m.description ?? '').trim();
  const unit = congsoUnitOf(imported);
  if (unit === 'SAME_DAY') {
    const cutoff = m.processingCutoff && isHhMm(m.processingCutoff) ? m.processingCutoff : cutoffIn(description);
    return { processingTime: m.processingTime, processingTimeUnit: unit, ...(cutoff ? { processingCutoff: cutoff } : {}), from: 'unit' };
  }
  if (unit) return { processingTime: m.processingTime, processingTimeUnit: unit, from: 'unit' };
  const read = readTimeLimitText(description);
  if (read.kind === 'limit') {
    const l = read.limit;
    return l.unit === 'SAME_DAY'
      ? {
          processingTime: m.processingTime,
          processingTimeUnit: 'SAME_DAY',
          ...(l.cutoff ? { processingCutoff: l.cutoff } : {}),
          processingTimeText: description,
          from: 'text',
        }
      : { processingTime: l.n, processingTimeUnit: l.unit, processingTimeText: description, from: 'text' };
  }
  return {
    processingTime: m.processingTime,
    processingTimeUnit: imported,
    processingTimeText: description || `${m.processingTime} ${imported}`,
    from: 'none',
    problem: read.kind === 'conflict' ? 'conflict' : 'no-limit',
  };
}

type Method = Pick<ProcedureData['methods'][number], 'processingTime' | 'processingTimeUnit' | 'processingCutoff' | 'processingTimeText' | 'description'>;

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
/** Official texts write small counts with two digits ("05 ngày làm việc"). */
const viCount = (n: number) => (Number.isInteger(n) && n >= 0 && n < 10 ? pad2(n) : String(n).replace('.', ','));

function inDays(lang: Lang, n: number): string {
  // Part of a day is better said in hours ("4 giờ làm việc") than as a fraction.
  if (!Number.isInteger(n)) return formatBudget(lang, n);
  return lang === 'en' ? `${n} working ${plural(n, 'day', 'days')}` : `${viCount(n)} ngày làm việc`;
}

/**
 * A method's time limit as the procedure pages show it: '05 ngày làm việc', '30 ngày',
 * '08 giờ làm việc', 'Trong ngày làm việc; nhận sau 15:00 trả trong ngày làm việc tiếp theo';
 * a limit the import could not map shows its text and the limit dossiers run on meanwhile.
 */
export function formatTimeLimit(lang: Lang, method: Method, workflow: ProcedureData['workflow']): string {
  const limit = timeLimitOf(method, workflow);
  const en = lang === 'en';
  if (limit.fallback && limit.unit === 'WORKING_DAY') {
    const text = method.processingTimeText || method.description || `${method.processingTime} ${method.processingTimeUnit}`;
    return en
      ? `${text} (not converted; the limit counts the workflow: ${inDays(lang, limit.n)})`
      : `${text} (chưa quy đổi được; hạn tính theo quy trình: ${inDays(lang, limit.n)})`;
  }
  switch (limit.unit) {
    case 'WORKING_DAY':
      return inDays(lang, limit.n);
    case 'DAY':
      return en ? `${limit.n} ${plural(limit.n, 'day', 'days')}` : `${viCount(limit.n)} ngày`;
    case 'WORKING_HOUR':
      return en ? `${limit.n} working ${plural(limit.n, 'hour', 'hours')}` : `${viCount(limit.n)} giờ làm việc`;
    case 'SAME_DAY':
      if (!limit.cutoff) return en ? 'Within the working day' : 'Trong ngày làm việc';
      return en
        ? `Within the working day; received after ${limit.cutoff}, returned the next working day`
        : `Trong ngày làm việc; nhận sau ${limit.cutoff} trả trong ngày làm việc tiếp theo`;
  }
}

/**
 * The short form for a catalogue card, which knows only a procedure's first method's time and
 * unit: null when the unit could not be mapped (the card then says nothing rather than guess).
 */
export function formatTimeLimitShort(lang: Lang, processingTime: number | null, unit: string | null): string | null {
  if (processingTime === null || !isCongsoUnit(unit)) return null;
  return formatTimeLimit(lang, { processingTime, processingTimeUnit: unit, description: null }, []);
}
