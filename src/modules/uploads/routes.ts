import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Grant } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { Upload, UploadFields, UploadParams } from './schemas.ts';
import { storeUpload } from './store-upload.ts';
import { getUpload } from './get-upload.ts';
import { readUploadBytes } from './read-upload-bytes.ts';

const ACCESS: readonly Grant[] = ['citizen', 'receiving_officer', 'specialist', 'scope:dossiers:write'];

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
            'multipart/form-data with one file field `file`; optional text field `fileName` replaces the part\'s file name. ' +
            'The type is decided by the bytes; the name\'s extension must agree. Active content (PDF scripts, macros), ' +
            'files that are two formats at once and damaged files are refused. Calls that ride on a session cookie send the CSRF token in `x-csrf-token`.',
          consumes: ['multipart/form-data'],
          response: { 201: Upload, 400: ErrorBody, 413: ErrorBody, 415: ErrorBody },
        },
        handler: async (req, reply) => {
          const { bytes, fileName } = await readMultipart(req);
          const r = await storeUpload(ctx, req.principal!, bytes, fileName);
          reply.code(201);
          return r;
        },
      });

      scope.get('/api/v1/uploads/:id', {
        config: { access: ACCESS },
        schema: {
          tags: ['uploads'],
          summary: "Download an upload (your own; officials also the files of their units' dossiers)",
          params: UploadParams,
          // Binary replies bypass the serializer; this entry only documents the 200.
          response: { 200: z.any().describe('The bytes, with the stored content type'), 400: ErrorBody, 404: ErrorBody },
        },
        handler: async (req, reply) => {
          const up = await getUpload(ctx, req.principal!, req.params.id);
          const bytes = await readUploadBytes(ctx, up);
          return reply
            .header('content-type', up.contentType)
            .header('content-length', bytes.byteLength)
            .header('content-disposition', contentDisposition(up.fileName))
            .header('x-content-type-options', 'nosniff')
            // Never rendered in our origin even if a browser ignored the attachment disposition.
            .header('content-security-policy', "default-src 'none'; sandbox")
            .header('cache-control', 'private, no-store')
            .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
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

const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quá lớn: tối đa 20 MiB', en: 'File too large: at most 20 MiB' }, [{ path: 'file', message: 'Tệp quá lớn', messageEn: 'file too large' }]);
const badForm = (vi: string, en: string, path = 'file') => new AppError('VALIDATION_FAILED', { vi, en }, [{ path, message: vi, messageEn: en }]);

/** Reads exactly one file part named `file` and the allowed text fields; anything else is refused. */
async function readMultipart(req: FastifyRequest): Promise<{ bytes: Uint8Array; fileName: string }> {
  if (!req.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: 'Phải gửi tệp dưới dạng multipart/form-data', en: 'Send the file as multipart/form-data' });
  }
  let file: { bytes: Buffer; name: string } | undefined;
  const fields: Record<string, string> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw badForm(`Trường tệp phải tên là "file", không phải "${part.fieldname.slice(0, 40)}"`, `The file field must be named "file", not "${part.fieldname.slice(0, 40)}"`, part.fieldname.slice(0, 40));
        }
        file = { bytes: await part.toBuffer(), name: part.filename };
      } else {
        if (part.valueTruncated || part.fieldnameTruncated) throw new AppError('PAYLOAD_TOO_LARGE', { vi: `Trường ${part.fieldname.slice(0, 40)} quá dài`, en: `Field ${part.fieldname.slice(0, 40)} is too long` }, [{ path: part.fieldname.slice(0, 40), message: 'Quá dài', messageEn: 'too long' }]);
        if (part.fieldname in fields) throw badForm(`Trường ${part.fieldname} bị gửi hai lần`, `Field ${part.fieldname} sent twice`, part.fieldname);
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (e) {
    throw multipartError(e);
  }
  const parsed = UploadFields.safeParse(fields);
  if (!parsed.success) throw fromZod(parsed.error);
  if (!file) throw badForm('Thiếu tệp: gửi tệp trong trường "file"', 'No file: send it in the field "file"');
  return { bytes: file.bytes, fileName: parsed.data.fileName ?? file.name };
}

function multipartError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  switch ((e as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge();
    case 'FST_FILES_LIMIT':
      return badForm('Chỉ được gửi một tệp mỗi lần', 'Send one file at a time');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return badForm('Biểu mẫu có quá nhiều trường', 'The form has too many fields', '(root)');
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
    case 'FST_MP_PREMATURE_CLOSE':
      return badForm('Dữ liệu multipart không hợp lệ', 'Malformed multipart data', '(root)');
  }
  // Busboy reports malformed bodies as plain Errors (missing boundary, unexpected end).
  if (e instanceof Error && /multipart|boundary|unexpected end|part terminated/i.test(e.message)) {
    return badForm(`Dữ liệu multipart không hợp lệ: ${e.message}`, `Malformed multipart data: ${e.message}`, '(root)');
  }
  throw e;
}
