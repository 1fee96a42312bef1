import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';

const CODES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
/** The codes with what each means, for the OpenAPI reader: clients branch on the code, never on the message. */
const CODE_DOC = `Stable error code; branch on it, never on the message. ${CODES.map((c) => `${c} (${ERROR_CODES[c].status}): ${ERROR_CODES[c].about}`).join('. ')}.`;

/** The error body every endpoint returns; see AppError. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(CODES).describe(CODE_DOC),
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
