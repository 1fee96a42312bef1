import { z } from 'zod';
import { bi } from '../../platform/http/validation.ts';
import { isIsoDate } from '../calendar/dates.ts';

const Day = (vi: string, en: string) =>
  z
    .string()
    .max(10)
    .refine(isIsoDate, { message: bi(`${vi}: phải là ngày có thật dạng NNNN-TT-NN`, `${en}: must be a real date written YYYY-MM-DD`) });

/** A period and a scope of the service index: the ministry (no unit), a unit and the units beneath it, a procedure or a field. */
export const IndicatorQuery = z
  .object({
    from: Day('Từ ngày', 'From'),
    to: Day('Đến ngày', 'To'),
    unit: z.string().trim().min(1).max(64).optional(),
    procedure: z.string().trim().min(1).max(64).optional(),
    field: z.string().trim().min(1).max(200).optional(),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: bi('Đến ngày phải sau hoặc trùng Từ ngày', '"To" must not be before "From"') })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 10 * 366 * 86_400_000, {
    path: ['to'],
    message: bi('Kỳ báo cáo không quá 10 năm', 'The period may not exceed 10 years'),
  });
export type IndicatorQuery = z.infer<typeof IndicatorQuery>;

export const IndicatorView = z.object({
  key: z.string(),
  name: z.string(),
  nameEn: z.string(),
  formula: z.string(),
  formulaEn: z.string(),
  numerator: z.number().int(),
  denominator: z.number().int(),
  ratio: z.number().nullable().describe('numerator ÷ denominator; null when there is nothing to measure'),
  threshold: z.number().describe('The ratio at which the indicator scores its max'),
  max: z.number(),
  score: z.number().describe('min(max, ratio × max ÷ threshold); max when the denominator is 0'),
});

export const IndicatorReport = z.object({
  from: z.string(),
  to: z.string(),
  unit: z.string().nullable(),
  procedure: z.string().nullable(),
  field: z.string().nullable(),
  total: z.number().describe('Out of 100'),
  groups: z.array(
    z.object({
      key: z.enum(['transparency', 'progress', 'online', 'satisfaction', 'digitisation']),
      name: z.string(),
      nameEn: z.string(),
      weight: z.number(),
      score: z.number(),
      indicators: z.array(IndicatorView),
    }),
  ),
});
export type IndicatorReport = z.infer<typeof IndicatorReport>;
