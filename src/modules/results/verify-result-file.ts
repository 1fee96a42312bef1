import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { workerTask } from '../../platform/workers/pool.ts';
import { tooComplexToVerify, type checkResultPdf } from './check-result-pdf.ts';
import { getPublicResult } from './get-public-result.ts';
import { PublicResult } from './schemas.ts';

export const FileVerification = z.object({
  /** The file is byte for byte a result this system issued. */
  registered: z.boolean(),
  result: PublicResult.nullable(),
  sha256: z.string(),
  /** Every signature verifies and the last one covers the whole file. */
  signaturesIntact: z.boolean(),
  signatures: z.array(z.object({ signer: z.string().nullable(), valid: z.boolean(), coversWholeDocument: z.boolean(), problem: z.string().optional() })),
});
export type FileVerification = z.infer<typeof FileVerification>;

const checkPdf = workerTask<typeof checkResultPdf>(new URL('./check-result-pdf.ts', import.meta.url), 'checkResultPdf');

/** Time for the checks of one file once a worker runs them; an issued result needs well under a second. */
export const VERIFY_TIMEOUT_MS = 10_000;

/**
 * Is this PDF a result we issued, and are its signatures intact? Anyone may ask, so the
 * inspection and signature checks run on a worker thread under time, memory and
 * decompression limits (the event loop keeps serving everyone else), and a full queue
 * answers 503; the database lookup stays here.
 */
export async function verifyResultFile(ctx: Ctx, pdf: Uint8Array): Promise<FileVerification> {
  if (Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: 'Tệp cần xác minh phải là tệp PDF', en: 'The file to verify must be a PDF' });
  }
  const { sha256, signatures } = await ctx.workers.run(checkPdf, [pdf], { timeoutMs: VERIFY_TIMEOUT_MS, tooComplex: tooComplexToVerify });
  const row = await ctx.database.db.selectFrom('results').select('result_code').where('sha256', '=', sha256).orderBy('issued_at', 'desc').executeTakeFirst();
  return {
    registered: Boolean(row),
    result: row ? await getPublicResult(ctx, row.result_code) : null,
    sha256,
    signaturesIntact: signatures.length > 0 && signatures.every((s) => s.valid) && signatures[signatures.length - 1].coversWholeDocument,
    signatures,
  };
}
