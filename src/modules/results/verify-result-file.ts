import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { sha256Hex } from '../../platform/blobs/store.ts';
import { inspectUpload } from '../../platform/blobs/inspect.ts';
import { verifyPdfSignatures } from '../../platform/signing/verify.ts';
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

/** Is this PDF a result we issued, and are its signatures intact? Anyone may ask. */
export async function verifyResultFile(ctx: Ctx, pdf: Uint8Array): Promise<FileVerification> {
  if (Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: 'Tệp cần xác minh phải là tệp PDF', en: 'The file to verify must be a PDF' });
  }
  inspectUpload(pdf, 'ket-qua.pdf');
  const sha256 = sha256Hex(pdf);
  const row = await ctx.database.db.selectFrom('results').select('result_code').where('sha256', '=', sha256).orderBy('issued_at', 'desc').executeTakeFirst();
  const signatures = await verifyPdfSignatures(pdf);
  return {
    registered: Boolean(row),
    result: row ? await getPublicResult(ctx, row.result_code) : null,
    sha256,
    signaturesIntact: signatures.length > 0 && signatures.every((s) => s.valid) && signatures[signatures.length - 1].coversWholeDocument,
    signatures,
  };
}
