import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { AppError } from '../../platform/errors.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { sendPage } from '../../web/render.tsx';
import { VerifyFilePage } from '../../web/pages/portal/verify-result.tsx';
import { verifyResultFile } from './verify-result-file.ts';

/** One PDF, nothing else: the CSRF token travels in the action URL, not as a field. */
const LIMITS = { files: 1, fileSize: UPLOAD_LIMITS.maxBytes, fields: 1, fieldSize: 1024, parts: 2, fieldNameSize: 100, headerPairs: 20 };
const MultipartQuery = z.object({ _csrf: z.string().max(200).optional() });
const page = { hide: true } as const;

const fileError = (code: 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE', vi: string, en: string) =>
  new AppError(code, { vi, en }, [{ path: 'file', message: vi, messageEn: en }]);

/** The bytes of the one file part named `file`; an empty, missing or oversized file is refused. */
async function readPdf(req: FastifyRequest): Promise<Uint8Array> {
  if (!req.isMultipart()) throw fileError('UNSUPPORTED_MEDIA_TYPE', 'Chọn một tệp PDF để gửi', 'Choose a PDF file to send');
  let bytes: Buffer | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file' || bytes) {
        part.file.resume();
        throw fileError('VALIDATION_FAILED', 'Chỉ gửi một tệp PDF', 'Send one PDF file');
      }
      bytes = await part.toBuffer();
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw fileError('PAYLOAD_TOO_LARGE', 'Tệp quá lớn: tối đa 20 MiB', 'File too large: at most 20 MiB');
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw fileError('VALIDATION_FAILED', 'Chỉ gửi một tệp PDF', 'Send one PDF file');
    if (code?.startsWith('FST_') || (e instanceof Error && /multipart|boundary|unexpected end|part terminated/i.test(e.message))) {
      throw fileError('VALIDATION_FAILED', 'Dữ liệu gửi lên không hợp lệ, hãy chọn lại tệp', 'The upload was malformed; choose the file again');
    }
    throw e;
  }
  if (!bytes || !bytes.length) throw fileError('VALIDATION_FAILED', 'Chọn tệp kết quả (PDF)', 'Choose the result file (PDF)');
  if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0) throw fileError('UNSUPPORTED_MEDIA_TYPE', 'Tệp được chọn không phải là tệp PDF', 'The selected file is not a PDF');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `/xac-minh`: anyone checks a result PDF by uploading it, with no JavaScript. */
export const resultVerifyModule: Module = {
  name: 'result-verify',
  async routes(app, ctx) {
    app.get('/xac-minh', { config: { access: 'public' }, schema: page }, async (req, reply) => sendPage(reply, VerifyFilePage({ req })));

    // Multipart parsing lives in this encapsulated scope only.
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, { limits: LIMITS, throwFileSizeLimit: true });
      scope.post('/xac-minh', { config: { access: 'public' }, schema: { ...page, querystring: MultipartQuery } }, async (req, reply) => {
        try {
          const v = await verifyResultFile(ctx, await readPdf(req));
          return sendPage(reply, VerifyFilePage({ req, v }));
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          const text = e.details?.find((d) => d.path === 'file') ?? { message: e.text.vi, messageEn: e.text.en };
          return sendPage(reply, VerifyFilePage({ req, error: { vi: text.message, en: text.messageEn } }), e.status);
        }
      });
    });
  },
};
