import { z } from 'zod';
import { bi } from '../../platform/http/validation.ts';
import { UnitId } from '../organisation/schemas.ts';
import { dayNumberOf, isIsoDate, isWeekend, toDayNumber } from './dates.ts';
import { Hhmm } from './office-hours.ts';

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;
/** Longest budget the due-date API computes; statutory processing times are far shorter. */
export const MAX_WORKING_DAYS = 1000;
/** Longest budget in working hours the due-date API computes (about a year of working days). */
export const MAX_WORKING_HOURS = 2000;

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

/** A unit's electronic identifier code, or '*' for the default of every unit. */
export const OfficeHoursUnit = z
  .string()
  .trim()
  .max(40)
  .toUpperCase()
  .refine((s) => s === '*' || UnitId.safeParse(s).success, {
    message: bi(
      'Phải là mã định danh điện tử của đơn vị (ví dụ 000.00.00.G12), hoặc * cho giờ làm việc mặc định',
      "must be a unit's electronic identifier code (e.g. 000.00.00.G12), or * for the default office hours",
    ),
  });
export const OfficeHoursParams = z.object({ unit: OfficeHoursUnit.describe("A unit code, or '*' (written %2A or *) for the default of every unit") });

const Period = z.object({ start: z.string().describe('HH:MM'), end: z.string().describe('HH:MM') });

export const OfficeHoursEntry = z.object({
  unitCode: z.string().describe("The unit, or '*' for the default"),
  periods: z.array(Period),
  source: z
    .enum(['unit', 'default', 'built-in'])
    .describe("Where the hours come from: the unit's own, the default entered by an administrator, or congso's built-in 08:00–12:00, 13:00–17:00"),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type OfficeHoursEntry = z.infer<typeof OfficeHoursEntry>;

export const OfficeHoursList = z.object({
  default: OfficeHoursEntry.describe('The hours of every unit without its own'),
  units: z.array(OfficeHoursEntry).describe('The units with hours of their own, by code'),
});
export type OfficeHoursList = z.infer<typeof OfficeHoursList>;

const decimal = (re: RegExp, vi: string, en: string) => z.string().regex(re, bi(vi, en)).transform(Number);

export const DueDateQuery = z
  .object({
    from: InstantOrDate.describe('When the dossier was received: ISO 8601 date-time with offset, or a date (taken as that day in Viet Nam)'),
    workingDays: decimal(
      /^\d{1,4}(\.\d{1,3})?$/,
      'Phải là số ngày làm việc không âm, ví dụ 5 hoặc 0.5',
      'must be a non-negative number of working days, e.g. 5 or 0.5',
    )
      .pipe(z.number().max(MAX_WORKING_DAYS, bi(`Không được quá ${MAX_WORKING_DAYS} ngày làm việc`, `at most ${MAX_WORKING_DAYS} working days`)))
      .optional()
      .describe('Processing time in working days; fractions round up. Exactly one of workingDays, workingHours and sameDay'),
    workingHours: decimal(/^\d{1,4}(\.\d{1,4})?$/, 'Phải là số giờ làm việc, ví dụ 8 hoặc 1.5', 'must be a number of working hours, e.g. 8 or 1.5')
      .pipe(
        z
          .number()
          .gt(0, bi('Số giờ làm việc phải lớn hơn 0', 'the working hours must be more than 0'))
          .max(MAX_WORKING_HOURS, bi(`Không được quá ${MAX_WORKING_HOURS} giờ làm việc`, `at most ${MAX_WORKING_HOURS} working hours`)),
      )
      .optional()
      .describe('Processing time in working hours, counted inside office hours from the receipt; fractions of a minute round up'),
    sameDay: z
      .enum(['true'], { message: bi('Chỉ nhận giá trị true', 'the only accepted value is true') })
      .optional()
      .describe('Same working day: due at the close of office hours of the day the dossier counts from'),
    cutoff: Hhmm.optional().describe('With sameDay: received from this time on (HH:MM), due at the close of the next working day'),
    unit: OfficeHoursUnit.optional().describe('The unit whose office hours count (its electronic identifier code); default: the default hours'),
  })
  .superRefine((q, ctx) => {
    const given = (['workingDays', 'workingHours', 'sameDay'] as const).filter((k) => q[k] !== undefined);
    if (given.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['workingDays'],
        message: 'give one of workingDays, workingHours or sameDay=true',
        params: { vi: 'Cần một trong các tham số workingDays, workingHours hoặc sameDay=true' },
      });
    }
    for (const k of given.slice(1)) {
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message: `give only one of workingDays, workingHours and sameDay, not ${given[0]} and ${k}`,
        params: { vi: `Chỉ dùng một trong các tham số workingDays, workingHours và sameDay, không dùng cả ${given[0]} và ${k}` },
      });
    }
    if (q.cutoff !== undefined && q.sameDay === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['cutoff'],
        message: 'cutoff goes only with sameDay=true',
        params: { vi: 'Tham số cutoff chỉ dùng cùng sameDay=true' },
      });
    }
  });

export const DueDate = z.object({
  dueAt: z.string().describe('When the period ends, ISO 8601 in Viet Nam time (+07:00); a period in days ends at 23:59:59.999 of its last day'),
  receivedAt: z.string().describe('The receipt instant, ISO 8601 in Viet Nam time'),
  startsAt: z.string().describe('The first moment of office hours at or after the receipt, ISO 8601 in Viet Nam time'),
  unit: z.string().optional().describe('The unit whose office hours counted, as asked'),
  dueDate: z.string().optional().describe('workingDays: YYYY-MM-DD, the last day of the period'),
  receivedOn: z.string().optional().describe('workingDays: the receipt date in Viet Nam (the period starts the next day)'),
  workingDays: z.number().int().optional().describe('workingDays: the whole working days counted'),
  workingHours: z.number().optional().describe('workingHours: the working hours counted (whole minutes)'),
  sameDay: z.literal(true).optional(),
  cutoff: z.string().optional().describe('sameDay: the cut-off, HH:MM'),
});
export type DueDate = z.infer<typeof DueDate>;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A receipt instant from a date-time with a zone, or from a date (its start in Viet Nam); null otherwise. */
export function parseReceived(s: string): Date | null {
  if (isIsoDate(s)) return new Date(`${s}T00:00:00+07:00`);
  if (!DATE_TIME.test(s) || !isIsoDate(s.slice(0, 10))) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}
