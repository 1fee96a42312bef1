import { z } from 'zod';
import { bi } from '../../platform/http/validation.ts';
import { dayNumberOf, isIsoDate, isWeekend, toDayNumber } from './dates.ts';

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;
/** Longest budget the due-date API computes; statutory processing times are far shorter. */
export const MAX_WORKING_DAYS = 1000;

export const Year = z.coerce
  .number()
  .int()
  .min(MIN_YEAR, bi(`Năm phải từ ${MIN_YEAR} đến ${MAX_YEAR}`, `year must be between ${MIN_YEAR} and ${MAX_YEAR}`))
  .max(MAX_YEAR, bi(`Năm phải từ ${MIN_YEAR} đến ${MAX_YEAR}`, `year must be between ${MIN_YEAR} and ${MAX_YEAR}`));
export const YearParams = z.object({ year: Year });

const IsoDate = z.string().describe('YYYY-MM-DD');

/** The shape of a year's official schedule; `validateSchedule` checks the dates against the year. */
export const ScheduleBody = z.object({
  daysOff: z.array(IsoDate.max(40)).max(366).describe('Every day off of the year other than ordinary weekends: holidays, compensatory and swapped days'),
  makeUpWorkingDays: z.array(IsoDate.max(40)).max(110).default([]).describe('Saturdays or Sundays that are working days (làm bù)'),
});
export type ScheduleBody = z.infer<typeof ScheduleBody>;

const custom = (ctx: z.RefinementCtx, path: (string | number)[], vi: string, en: string) => ctx.addIssue({ code: 'custom', path, message: en, params: { vi } });

/** The schedule rules for one year: real dates, inside the year, each once, make-up days on weekends. */
export function scheduleFor(year: number) {
  const first = dayNumberOf(year, 1, 1);
  const last = dayNumberOf(year, 12, 31);
  return ScheduleBody.superRefine((v, ctx) => {
    const seen = new Map<string, Set<string>>([
      ['daysOff', new Set()],
      ['makeUpWorkingDays', new Set()],
    ]);
    for (const list of ['daysOff', 'makeUpWorkingDays'] as const) {
      v[list].forEach((d, i) => {
        if (!isIsoDate(d)) return custom(ctx, [list, i], `“${d}” không phải ngày có thật dạng NNNN-TT-NN`, `"${d}" is not a real date written YYYY-MM-DD`);
        const n = toDayNumber(d);
        if (n < first || n > last) return custom(ctx, [list, i], `Ngày ${d} không thuộc năm ${year}`, `${d} is not in ${year}`);
        if (seen.get(list)!.has(d)) return custom(ctx, [list, i], `Ngày ${d} bị lặp lại`, `${d} is listed twice`);
        seen.get(list)!.add(d);
        if (list === 'makeUpWorkingDays') {
          if (!isWeekend(n)) custom(ctx, [list, i], `Ngày làm bù ${d} phải là thứ Bảy hoặc Chủ nhật`, `make-up working day ${d} must be a Saturday or Sunday`);
          if (seen.get('daysOff')!.has(d))
            custom(ctx, [list, i], `Ngày ${d} vừa là ngày nghỉ vừa là ngày làm bù`, `${d} is both a day off and a make-up working day`);
        }
      });
    }
  });
}

export const HolidaySchema = z.object({
  date: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z
    .enum(['holiday', 'compensatory', 'official'])
    .describe('official: a day off of the official schedule that is not a statutory holiday (e.g. a swapped day)'),
});

export const CalendarYear = z.object({
  year: z.number().int(),
  source: z.enum(['default', 'official']).describe('official when an administrator has entered the year’s schedule'),
  daysOff: z.array(z.string()),
  makeUpWorkingDays: z.array(z.string()),
  holidays: z.array(HolidaySchema),
  workingDayCount: z.number().int().describe('Working days in the year'),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type CalendarYear = z.infer<typeof CalendarYear>;

const InstantOrDate = z
  .string()
  .max(40)
  .refine((s) => parseReceived(s) !== null, {
    message: bi(
      'Phải là thời điểm ISO 8601 có múi giờ (ví dụ 2026-04-23T09:30:00+07:00) hoặc một ngày NNNN-TT-NN',
      'must be an ISO 8601 date-time with a time zone (e.g. 2026-04-23T09:30:00+07:00) or a YYYY-MM-DD date',
    ),
  });

export const DueDateQuery = z.object({
  from: InstantOrDate.describe('When the dossier was received: ISO 8601 date-time with offset, or a date (taken as that day in Viet Nam)'),
  workingDays: z
    .string()
    .regex(/^\d{1,4}(\.\d{1,3})?$/, bi('Phải là số ngày làm việc không âm, ví dụ 5 hoặc 0.5', 'must be a non-negative number of working days, e.g. 5 or 0.5'))
    .transform(Number)
    .pipe(z.number().max(MAX_WORKING_DAYS, bi(`Không được quá ${MAX_WORKING_DAYS} ngày làm việc`, `at most ${MAX_WORKING_DAYS} working days`)))
    .describe('Processing time in working days; fractions round up'),
});

export const DueDate = z.object({
  dueDate: z.string().describe('YYYY-MM-DD, the last day of the period'),
  receivedOn: z.string().describe('The receipt date in Viet Nam (the period starts the next day)'),
  workingDays: z.number().int().describe('The whole working days counted'),
});

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A receipt instant from a date-time with a zone, or from a date (its start in Viet Nam); null otherwise. */
export function parseReceived(s: string): Date | null {
  if (isIsoDate(s)) return new Date(`${s}T00:00:00+07:00`);
  if (!DATE_TIME.test(s) || !isIsoDate(s.slice(0, 10))) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}
