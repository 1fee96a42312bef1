import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { workerTask } from '../../platform/workers/pool.ts';
import { tooComplexToVerify, type checkResultPdf } from './check-result-pdf.ts';
import { getPublicResult } from './get-public-result.ts';
import { PublicResult } from './schemas.ts';

/**
 * What the signature checker (platform/signing/verify, pkijs underneath) says when a signature
 * is not intact, in English, mapped to a stable code and to words for both languages: the one
 * table pages and the API read. A message no entry knows becomes SIGNATURE_CHECK_FAILED with a
 * general text, so a page never shows the checker's English.
 */
export const SIGNATURE_PROBLEMS = [
  {
    code: 'BYTE_RANGE_OUTSIDE_FILE',
    match: /byte range outside the file/i,
    vi: 'Vùng dữ liệu được ký nằm ngoài tệp: tệp đã bị cắt bớt hoặc sửa đổi',
    en: 'The signed byte range lies outside the file: the file was truncated or altered',
  },
  {
    code: 'DIGEST_MISMATCH',
    match: /message digest doesn.?t match/i,
    vi: 'Nội dung tệp đã thay đổi sau khi ký (mã băm không khớp)',
    en: 'The content changed after it was signed (the digest does not match)',
  },
  {
    code: 'SIGNATURE_MISMATCH',
    match: /signature does not verify|signature.*(invalid|fail)/i,
    vi: 'Chữ ký số không khớp với nội dung tệp',
    en: 'The digital signature does not match the content',
  },
  {
    code: 'NO_CERTIFICATE',
    match: /no certificates attached|unable to find signer certificate/i,
    vi: 'Chữ ký không kèm chứng thư số của người ký',
    en: "The signature carries no signer's certificate",
  },
  { code: 'NO_SIGNER', match: /unable to get signer/i, vi: 'Chữ ký không có thông tin người ký', en: 'The signature names no signer' },
  {
    code: 'MISSING_SIGNED_ATTRIBUTE',
    match: /is a mandatory attribute/i,
    vi: 'Chữ ký thiếu thuộc tính bắt buộc (loại nội dung hoặc mã băm)',
    en: 'The signature lacks a mandatory attribute (content type or digest)',
  },
  {
    code: 'UNSUPPORTED_ALGORITHM',
    match: /unsupported (signature )?algorithm|not supported/i,
    vi: 'Chữ ký dùng thuật toán không được hỗ trợ',
    en: 'The signature uses an unsupported algorithm',
  },
  { code: 'TIMESTAMP_INVALID', match: /TSTInfo/i, vi: 'Dấu thời gian của chữ ký không hợp lệ', en: "The signature's timestamp is not valid" },
  {
    code: 'MALFORMED_SIGNATURE',
    match: /schema|asn\.?1|BER|offset|length|decod|parse|unexpected/i,
    vi: 'Dữ liệu chữ ký bị hỏng, không đọc được',
    en: 'The signature data is damaged and cannot be read',
  },
] as const;
export type SignatureProblemCode = (typeof SIGNATURE_PROBLEMS)[number]['code'] | 'SIGNATURE_CHECK_FAILED';

/** The checker's message as a code and plain words in both languages. */
export function describeSignatureProblem(message: string): { code: SignatureProblemCode; vi: string; en: string } {
  const known = SIGNATURE_PROBLEMS.find((p) => p.match.test(message));
  if (known) return { code: known.code, vi: known.vi, en: known.en };
  return {
    code: 'SIGNATURE_CHECK_FAILED',
    vi: 'Không xác minh được chữ ký (mã lỗi SIGNATURE_CHECK_FAILED)',
    en: 'The signature could not be verified (error code SIGNATURE_CHECK_FAILED)',
  };
}

/** What a signature's check comes to, in words for both languages. */
export function describeSignature(s: { valid: boolean; coversWholeDocument: boolean }): { vi: string; en: string } {
  const validity = s.valid ? { vi: 'hợp lệ', en: 'valid' } : { vi: 'không hợp lệ', en: 'not valid' };
  const cover = s.coversWholeDocument
    ? { vi: 'bao trùm toàn bộ tệp', en: 'covers the whole file' }
    : {
        vi: 'không bao trùm toàn bộ tệp (có phần được thêm vào sau chữ ký này)',
        en: 'does not cover the whole file (something was added after this signature)',
      };
  return { vi: `${validity.vi}; ${cover.vi}`, en: `${validity.en}; ${cover.en}` };
}

const Text = z.object({ vi: z.string(), en: z.string() });

export const FileVerification = z.object({
  /** The file is byte for byte a result this system issued. */
  registered: z.boolean(),
  result: PublicResult.nullable(),
  sha256: z.string(),
  /** Every signature verifies and the last one covers the whole file. */
  signaturesIntact: z.boolean(),
  /** The verdict in words: registered or not, intact or not. */
  summary: Text,
  signatures: z.array(
    z.object({
      signer: z.string().nullable(),
      valid: z.boolean(),
      coversWholeDocument: z.boolean(),
      /** The checker's own message (English, for diagnosis); `problemText` is what to show. */
      problem: z.string().optional(),
      problemCode: z.string().optional(),
      problemText: Text.optional(),
      /** The check's outcome in words. */
      text: Text,
    }),
  ),
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
  const signaturesIntact = signatures.length > 0 && signatures.every((s) => s.valid) && signatures[signatures.length - 1].coversWholeDocument;
  const registered = Boolean(row);
  const result = row ? await getPublicResult(ctx, row.result_code) : null;
  return {
    registered,
    result,
    sha256,
    signaturesIntact,
    summary: verdict(registered, signaturesIntact, signatures.length, result?.digitisedCopy ?? false),
    signatures: signatures.map((s) => {
      const p = s.problem ? describeSignatureProblem(s.problem) : null;
      return { ...s, ...(p ? { problemCode: p.code, problemText: { vi: p.vi, en: p.en } } : {}), text: describeSignature(s) };
    }),
  };
}

function verdict(registered: boolean, intact: boolean, count: number, digitisedCopy: boolean): { vi: string; en: string } {
  const reg = !registered
    ? { vi: 'Tệp không trùng với kết quả nào đã cấp', en: 'The file matches no issued result' }
    : digitisedCopy
      ? {
          vi: 'Tệp trùng khớp với bản số hóa đã đăng ký của một kết quả cấp trên giấy trước khi có hệ thống (không phải bản gốc điện tử)',
          en: 'The file matches the registered digitised copy of a paper result issued before the system (not an electronic original)',
        }
      : { vi: 'Tệp trùng khớp với kết quả đã cấp', en: 'The file matches an issued result' };
  const sig = !count
    ? { vi: 'tệp không có chữ ký số', en: 'the file is not signed' }
    : intact
      ? { vi: 'các chữ ký số nguyên vẹn', en: 'its digital signatures are intact' }
      : { vi: 'chữ ký số không nguyên vẹn', en: 'its digital signatures are not intact' };
  return { vi: `${reg.vi}; ${sig.vi}.`, en: `${reg.en}; ${sig.en}.` };
}
