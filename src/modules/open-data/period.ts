import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { bi, fromZod, validationError } from '../../platform/http/validation.ts';

/**
 * Periods of the public statistics and the open data: whole months, Vietnam time. A month is
 * the finest period published, so nobody can narrow a count down to the day someone filed.
 */
export const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, bi('Phải là một tháng dạng YYYY-MM, ví dụ 2026-01', 'must be a month written YYYY-MM, e.g. 2026-01'))
  .describe('A month, YYYY-MM (Vietnam time)');

export interface MonthPeriod {
  /** First and last month, `YYYY-MM`. */
  from: string;
  to: string;
  /** The days the counts cover: the first of `from`, and the last of `to` or today if that is earlier. */
  fromDay: string;
  toDay: string;
  months: string[];
}

const shift = (month: string, by: number) => {
  const [y, m] = month.split('-').map(Number);
  const n = y * 12 + (m - 1) + by;
  return `${String(Math.floor(n / 12)).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}`;
};

const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};

/** Now, as the application's clock has it (a demo may run it ahead: CLOCK_OFFSET_MS). */
export const clockNow = (ctx: Ctx) => new Date(Date.now() + ctx.config.clockOffsetMs);

/** The months from `from` to `to`, in order. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 1000; m = shift(m, 1)) out.push(m);
  return out;
}

/**
 * The period asked for, with the defaults: the last `defaultMonths` months up to this month.
 * A month after this one is refused, as is a period longer than `maxMonths`.
 */
export function monthPeriod(q: { from?: string; to?: string }, opts: { defaultMonths: number; maxMonths: number }, now = new Date()): MonthPeriod {
  const asked = z.object({ from: Month.optional(), to: Month.optional() }).safeParse({ from: q.from, to: q.to });
  if (!asked.success) throw fromZod(asked.error);
  const today = vietnamDay(now);
  const current = today.slice(0, 7);
  const to = q.to ?? (q.from && shift(q.from, opts.defaultMonths - 1) < current ? shift(q.from, opts.defaultMonths - 1) : current);
  const from = q.from ?? shift(to, -(opts.defaultMonths - 1));
  const months = monthsBetween(from, to);
  if (to > current)
    throw validationError([
      { path: 'to', message: `Không được sau tháng hiện tại (${current})`, messageEn: `must not be after the current month (${current})` },
    ]);
  if (from > to) throw validationError([{ path: 'from', message: 'Không được sau tháng kết thúc', messageEn: 'must not be after `to`' }]);
  if (months.length > opts.maxMonths)
    throw validationError([
      { path: 'from', message: `Khoảng thời gian tối đa ${opts.maxMonths} tháng`, messageEn: `the period is at most ${opts.maxMonths} months` },
    ]);
  const last = lastDayOf(to);
  return { from, to, fromDay: `${from}-01`, toDay: [last, today].sort()[0], months };
}
