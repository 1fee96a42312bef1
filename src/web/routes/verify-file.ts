import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Module } from '../../platform/http/server.ts';
import { ONE_FILE_FORM_MAX_BYTES, readMultipart, type MultipartSpec } from '../../platform/http/multipart.ts';
import { AppError } from '../../platform/errors.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { sendPage } from '../render.tsx';
import { VerifyFilePage } from '../pages/portal/verify-result.tsx';
import { verifyResultFile } from '../../modules/results/verify-result-file.ts';
import { unitNames } from '../../modules/organisation/names.ts';

/** One PDF, nothing else: the CSRF token travels in the action URL, not as a field. */
const LIMITS = { files: 1, fileSize: UPLOAD_LIMITS.maxBytes, fields: 1, fieldSize: 1024, parts: 2, fieldNameSize: 100, headerPairs: 20 };
const MultipartQuery = z.object({ _csrf: z.string().max(200).optional() });
const page = { hide: true } as const;

const fileError = (code: 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE', vi: string, en: string) =>
  new AppError(code, { vi, en }, [{ path: 'file', message: vi, messageEn: en }]);

/** One PDF under `file`; other text fields (the page sends none) are dropped. */
const VERIFY_FORM: MultipartSpec = {
  files: ['file'],
  fields: [],
  unknownFields: 'ignore',
  maxFiles: LIMITS.files,
  maxFields: LIMITS.fields,
  maxFieldBytes: LIMITS.fieldSize,
  maxTotalBytes: ONE_FILE_FORM_MAX_BYTES,
};

/** The bytes of the one file part named `file`; an empty, missing or oversized file is refused. */
async function readPdf(ctx: Ctx, req: FastifyRequest, reply: FastifyReply): Promise<Uint8Array> {
  if (!req.isMultipart()) throw fileError('UNSUPPORTED_MEDIA_TYPE', 'Chọn một tệp PDF để gửi', 'Choose a PDF file to send');
  // Spooled to disk while it arrives; read back once (at most 20 MiB) and the spool file goes.
  await using form = await readMultipart(ctx, req, reply, VERIFY_FORM);
  const file = form.files[0];
  if (!file?.size) throw fileError('VALIDATION_FAILED', 'Chọn tệp kết quả (PDF)', 'Choose the result file (PDF)');
  const bytes = await readFile(file.path);
  if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0)
    throw fileError('UNSUPPORTED_MEDIA_TYPE', 'Tệp được chọn không phải là tệp PDF', 'The selected file is not a PDF');
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
      scope.post('/xac-minh', { config: { access: 'public', limit: 'verify' }, schema: { ...page, querystring: MultipartQuery } }, async (req, reply) => {
        try {
          const v = await verifyResultFile(ctx, await readPdf(ctx, req, reply));
          const unit = v.result?.issuerUnit;
          const issuerEn = unit && req.lang === 'en' ? ((await unitNames(ctx, [unit])).get(unit)?.nameEn ?? null) : null;
          return sendPage(reply, VerifyFilePage({ req, v, issuerEn }));
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          const text = e.details?.find((d) => d.path === 'file') ?? { message: e.text.vi, messageEn: e.text.en };
          return sendPage(reply, VerifyFilePage({ req, error: { vi: text.message, en: text.messageEn } }), e.status);
        }
      });
    });
  },
};
