import { z } from 'zod';

/** The error body every endpoint returns; see AppError. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().describe('Vietnamese'),
    messageEn: z.string().describe('English'),
    details: z.array(z.object({ path: z.string(), message: z.string(), messageEn: z.string() })).optional(),
  }),
});

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
