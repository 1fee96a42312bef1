import { z } from 'zod';

export const UPLOAD_KINDS = ['pdf', 'jpeg', 'png', 'docx', 'xlsx'] as const;

/** What the API and the other modules see of an upload. */
export const Upload = z.object({
  id: z.uuid(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 of the bytes, lower-case hex'),
  size: z.number().int().positive().describe('bytes'),
  contentType: z.string(),
  kind: z.enum(UPLOAD_KINDS),
  fileName: z.string().describe('the display name, made safe'),
  reusedFrom: z.string().nullable().describe("the result code, when taken from the applicant's e-data repository"),
});
export type Upload = z.infer<typeof Upload>;

export const UploadParams = z.object({ id: z.uuid() });

/** The text fields a multipart upload may carry besides `file`. */
export const UploadFields = z
  .object({
    /** A display name that replaces the part's own file name (clients that cannot send UTF-8 names). */
    fileName: z.string().min(1).max(255).optional(),
  })
  .strict();
