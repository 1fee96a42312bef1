/**
 * An agency's office hours: the periods of a working day when the one-stop desk is open and
 * working hours run. The same periods apply on every working day, make-up Saturdays included;
 * which days are working days is the yearly schedule's business (working-calendar.ts).
 */
import { z } from 'zod';
import { bi } from '../../platform/http/validation.ts';

export interface OfficePeriod {
  /** 'HH:MM', Viet Nam time. */
  start: string;
  end: string;
}

export interface OfficeHours {
  /** Sorted, non-overlapping, each start before its end, inside one day. */
  periods: readonly OfficePeriod[];
}

/** Decree 118/2025 leaves hours to each agency; most keep 08:00–12:00 and 13:00–17:00. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = {
  periods: [
    { start: '08:00', end: '12:00' },
    { start: '13:00', end: '17:00' },
  ],
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of 'HH:MM' ('24:00' allowed as the end of a day). */
export function minutesOf(hhmm: string): number {
  if (hhmm === '24:00') return 1440;
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`not an HH:MM time: ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export const isHhMm = (s: string) => HHMM.test(s);

export const Hhmm = z.string().max(5).regex(HHMM, bi('Phải là giờ dạng GG:PP, ví dụ 08:00', 'must be a time written HH:MM, e.g. 08:00'));

const PeriodBody = z.object({
  start: Hhmm.describe('Opening, HH:MM'),
  end: z
    .string()
    .max(5)
    .refine((s) => s === '24:00' || HHMM.test(s), { message: bi('Phải là giờ dạng GG:PP, ví dụ 17:00', 'must be a time written HH:MM, e.g. 17:00') })
    .describe('Closing, HH:MM'),
});

/** Office hours as entered: 1–6 periods, each opening before it closes, in order and apart. */
export const OfficeHoursBody = z
  .object({ periods: z.array(PeriodBody).min(1, bi('Cần ít nhất một buổi làm việc', 'at least one period is needed')).max(6) })
  .superRefine((v, ctx) => {
    let lastEnd = -1;
    v.periods.forEach((p, i) => {
      if (!HHMM.test(p.start) || !(p.end === '24:00' || HHMM.test(p.end))) return;
      const s = minutesOf(p.start);
      const e = minutesOf(p.end);
      if (e <= s)
        ctx.addIssue({
          code: 'custom',
          path: ['periods', i, 'end'],
          message: `period ${i + 1} must close after it opens`,
          params: { vi: `Buổi ${i + 1} phải kết thúc sau giờ bắt đầu` },
        });
      else if (s < lastEnd)
        ctx.addIssue({
          code: 'custom',
          path: ['periods', i, 'start'],
          message: `period ${i + 1} must start after the previous one closes`,
          params: { vi: `Buổi ${i + 1} phải bắt đầu sau khi buổi trước kết thúc` },
        });
      lastEnd = Math.max(lastEnd, e);
    });
  });
export type OfficeHoursBody = z.infer<typeof OfficeHoursBody>;
