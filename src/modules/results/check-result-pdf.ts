import { AppError } from '../../platform/errors.ts';
import { sha256Hex } from '../../platform/blobs/store.ts';
import { inspectUpload } from '../../platform/blobs/inspect.ts';
import { verifyPdfSignatures, type SignatureCheck } from '../../platform/signing/verify.ts';

/**
 * Limits for checking a PDF anyone may send, far below what a filing may hold: an issued
 * result's object streams inflate to kilobytes, and it carries a few signatures (leader,
 * seal, certified copies). The bomb of issue 10 inflated 126 KB into 63 MiB.
 */
export const VERIFY_LIMITS = {
  maxInflated: 8 * 1024 * 1024,
  maxSignatures: 10,
} as const;

/**
 * The CPU-heavy half of verifying a result file (`verify-result-file`): inspection, hash and
 * signature checks. It runs on a worker thread (`ctx.workers`), so it takes and returns
 * plain data only; the database lookup stays with the caller.
 */
export async function checkResultPdf(pdf: Uint8Array): Promise<{ sha256: string; signatures: SignatureCheck[] }> {
  inspectUpload(pdf, 'ket-qua.pdf', { maxInflated: VERIFY_LIMITS.maxInflated });
  return { sha256: sha256Hex(pdf), signatures: await verifyPdfSignatures(pdf, { maxSignatures: VERIFY_LIMITS.maxSignatures }) };
}

/** Shown when the check runs out of time or memory on a worker. */
export const tooComplexToVerify = () =>
  new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quá phức tạp để xác minh', en: 'The file is too complex to verify' }, [
    { path: 'file', message: 'Tệp quá phức tạp để xác minh', messageEn: 'The file is too complex to verify' },
  ]);
