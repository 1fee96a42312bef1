import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Grant } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { ONE_FILE_FORM_MAX_BYTES, readMultipart, type MultipartSpec, type SpooledFile } from '../../platform/http/multipart.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { Upload, UploadFields, UploadParams } from './schemas.ts';
import { storeSpooledUpload } from './store-upload.ts';
import { openUpload } from './read-upload-bytes.ts';

const ACCESS: readonly Grant[] = ['citizen', 'receiving_officer', 'specialist', 'scope:dossiers:write'];
/**
 * Reading a file: everyone who may upload, and every official who reads dossiers (the leader
 * approving and signing opens the applicant's files); openUpload limits officials to the files
 * of their units' dossiers.
 */
const READ_ACCESS: readonly Grant[] = [...ACCESS, 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];

// Defaults of the scope; each read passes its own limits (UPLOAD_FORM).
const LIMITS = { files: 1, fileSize: UPLOAD_LIMITS.maxBytes, fields: 2, fieldSize: 1024, parts: 3, fieldNameSize: 100, headerPairs: 20 };

export const uploadsModule: Module = {
  name: 'uploads',
  async routes(app, ctx) {
    // Multipart parsing lives in this encapsulated scope only: elsewhere multipart stays refused.
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, { limits: LIMITS, throwFileSizeLimit: true });

      scope.post('/api/v1/uploads', {
        config: { access: ACCESS },
        schema: {
          tags: ['uploads'],
          summary: 'Upload one file (PDF, JPEG, PNG, DOCX, XLSX; at most 20 MiB), checked by its content',
          description:
            "multipart/form-data with one file field `file`; optional text field `fileName` replaces the part's file name. " +
            "The type is decided by the bytes; the name's extension must agree. Active content (PDF scripts, macros), " +
            'files that are two formats at once and damaged files are refused. Calls that ride on a session cookie send the CSRF token in `x-csrf-token`.',
          consumes: ['multipart/form-data'],
          response: { 201: Upload, 400: ErrorBody, 413: ErrorBody, 415: ErrorBody },
        },
        handler: async (req, reply) => {
          await using posted = await readUploadForm(ctx, req, reply);
          const r = await storeSpooledUpload(ctx, req.principal!, posted.file, posted.fileName);
          reply.code(201);
          return r;
        },
      });

      scope.get('/api/v1/uploads/:id', {
        config: { access: READ_ACCESS },
        schema: {
          tags: ['uploads'],
          summary: "Download an upload (your own; officials also the files of their units' dossiers)",
          params: UploadParams,
          // Binary replies bypass the serializer; this entry only documents the 200.
          response: { 200: z.any().describe('The bytes, with the stored content type'), 400: ErrorBody, 404: ErrorBody },
        },
        handler: async (req, reply) => {
          const { upload: up, size, stream } = await openUpload(ctx, req.principal!, req.params.id);
          return (
            reply
              .header('content-type', up.contentType)
              .header('content-length', size)
              .header('content-disposition', contentDisposition(up.fileName))
              .header('x-content-type-options', 'nosniff')
              // Never rendered in our origin even if a browser ignored the attachment disposition.
              .header('content-security-policy', "default-src 'none'; sandbox")
              .header('cache-control', 'private, no-store')
              .send(stream)
          );
        },
      });
    });
  },
};

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266, RFC 8187). */
export function contentDisposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** One file part named `file` and the text field `fileName`; anything else is refused. */
const UPLOAD_FORM: MultipartSpec = {
  files: ['file'],
  fields: ['fileName'],
  maxFiles: 1,
  maxFields: 2,
  maxFieldBytes: 1024,
  maxTotalBytes: ONE_FILE_FORM_MAX_BYTES,
};

/** The posted file (spooled until the caller's `await using` scope ends) and the name to store it under. */
async function readUploadForm(ctx: Ctx, req: FastifyRequest, reply: FastifyReply): Promise<AsyncDisposable & { file: SpooledFile; fileName: string }> {
  const form = await readMultipart(ctx, req, reply, UPLOAD_FORM);
  try {
    const parsed = UploadFields.safeParse(form.fields);
    if (!parsed.success) throw fromZod(parsed.error);
    const file = form.files[0];
    if (!file)
      throw new AppError('VALIDATION_FAILED', { vi: 'Thiếu tệp: gửi tệp trong trường "file"', en: 'No file: send it in the field "file"' }, [
        { path: 'file', message: 'Thiếu tệp', messageEn: 'no file' },
      ]);
    return { file, fileName: parsed.data.fileName ?? file.fileName, [Symbol.asyncDispose]: form.dispose };
  } catch (e) {
    await form.dispose();
    throw e;
  }
}
