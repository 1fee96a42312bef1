import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../../platform/http/server.ts';
import type { Grant } from '../../../platform/auth/roles.ts';
import { ErrorBody, Page } from '../../../platform/http/schemas.ts';
import { AppError } from '../../../platform/errors.ts';
import { UPLOAD_LIMITS } from '../../../platform/blobs/inspect.ts';
import { FILING_FORM_MAX_BYTES, readMultipart, type MultipartSpec } from '../../../platform/http/multipart.ts';
import { readUpload } from '../../uploads/read-upload-bytes.ts';
import { contentDisposition } from '../../uploads/routes.ts';
import { createIncomingDocument, MAX_INCOMING_FILES, type PostedFile } from './create-incoming-document.ts';
import { getIncomingDocument } from './get-incoming-document.ts';
import { listIncomingDocuments } from './list-incoming-documents.ts';
import { takeIncomingAction } from './take-incoming-action.ts';
import { exportIncomingRegister } from './export-incoming-register.ts';
import { openIncomingAttachment } from './open-incoming-attachment.ts';
import { IncomingActionInput, IncomingListQuery, IncomingSummary, IncomingView, RegisterQuery } from './schemas.ts';

/** Who reads incoming documents: the clerks who receive them, the leaders who direct them, the specialists who handle them, auditors and administrators. */
export const INCOMING_READERS: readonly Grant[] = ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor', 'administrator'];
/** Who acts on them (which step is whose is the workflow's rule): clerks, leaders, handlers. */
export const INCOMING_ACTORS: readonly Grant[] = ['clerk', 'unit_leader', 'signing_leader', 'specialist'];
/** Who reads the incoming register: its clerks, the leaders of their units, auditors and administrators. */
export const REGISTER_READERS: readonly Grant[] = ['clerk', 'unit_leader', 'signing_leader', 'auditor', 'administrator'];

const Id = z.object({ id: z.string().max(64) });
const FileParams = z.object({ id: z.string().max(64), n: z.coerce.number().int().min(1).max(1000) });

/** The paper / e-mail form: the metadata fields and up to 20 files named `file`. */
export const INCOMING_FORM: MultipartSpec = {
  files: ['file'],
  fields: ['channel', 'senderName', 'senderOrganId', 'numberNotation', 'promulgationDate', 'documentType', 'subject', 'signer', 'dueDate', 'emailFrom'],
  unknownFields: 'ignore',
  maxFiles: MAX_INCOMING_FILES,
  maxFields: 20,
  maxFieldBytes: 4096,
  maxFileBytes: UPLOAD_LIMITS.maxBytes,
  maxTotalBytes: FILING_FORM_MAX_BYTES,
};

export const incomingDocumentsModule: Module = {
  name: 'documents-incoming',
  async routes(app, ctx) {
    app.get('/api/v1/documents/incoming', {
      config: { access: INCOMING_READERS },
      schema: {
        tags: ['documents'],
        summary: 'Incoming documents of my units (mine=1: those I handle, with deadlines; awaiting=1: those awaiting my direction)',
        querystring: IncomingListQuery,
        response: { 200: Page(IncomingSummary) },
      },
      handler: async (req) => listIncomingDocuments(ctx, req.principal!, req.query),
    });
    app.get('/api/v1/documents/incoming/register', {
      config: { access: REGISTER_READERS },
      schema: {
        tags: ['documents'],
        summary: "The incoming register of a year (Decree 30/2020, Appendix IV) of the caller's units, as PDF or XLSX",
        querystring: RegisterQuery,
        response: { 200: z.any().describe('The register file'), 400: ErrorBody },
      },
      handler: async (req, reply) => {
        const f = await exportIncomingRegister(ctx, req.principal!, req.query.year, req.query.format);
        return reply
          .header('content-type', f.contentType)
          .header('content-disposition', contentDisposition(f.fileName))
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(f.bytes));
      },
    });
    app.get('/api/v1/documents/incoming/:id', {
      config: { access: INCOMING_READERS },
      schema: {
        tags: ['documents'],
        summary: 'An incoming document: what was parsed, its files, the signature report, its history and the actions the caller may take',
        params: Id,
        response: { 200: IncomingView, 404: ErrorBody },
      },
      handler: async (req) => getIncomingDocument(ctx, req.params.id, req.principal!),
    });
    app.post('/api/v1/documents/incoming/:id/actions', {
      config: { access: INCOMING_ACTORS },
      schema: {
        tags: ['documents'],
        summary:
          'Take a workflow action on an incoming document, naming the version it was chosen on (409 STALE_VERSION otherwise): register (03), refuse (02), direct (04), progress (05 at the first), complete (06), agree-recall (15), refuse-recall (16); statuses go back to the sender of an exchanged document',
        params: Id,
        body: IncomingActionInput,
        response: { 200: IncomingView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => {
        await takeIncomingAction(ctx, req.params.id, req.body, req.principal!);
        return getIncomingDocument(ctx, req.params.id, req.principal!);
      },
    });
    app.get('/api/v1/documents/incoming/:id/attachments/:n', {
      config: { access: INCOMING_READERS },
      schema: {
        tags: ['documents'],
        summary: "Download an incoming document's file (1-based, as listed)",
        params: FileParams,
        response: { 200: z.any().describe('The bytes'), 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const f = await openIncomingAttachment(ctx, req.principal!, req.params.id, req.params.n);
        return reply
          .header('content-type', f.contentType)
          .header('content-length', f.size)
          .header('content-disposition', contentDisposition(f.name))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, no-store')
          .send(f.stream);
      },
    });
    // Multipart parsing lives in this encapsulated scope only.
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, {
        limits: { files: MAX_INCOMING_FILES, fileSize: UPLOAD_LIMITS.maxBytes, fields: 20, fieldSize: 4096 },
        throwFileSizeLimit: true,
      });
      scope.post('/api/v1/documents/incoming', {
        config: { access: ['clerk'] },
        bodyLimit: 2 * 1024 * 1024,
        schema: {
          tags: ['documents'],
          summary: 'A clerk records a paper document (scanned pages, read by OCR) or an e-mail (.eml or its attachments)',
          description:
            'multipart/form-data with the metadata fields (channel paper|email, senderName, numberNotation, promulgationDate, subject, documentType?, signer?, dueDate?, senderOrganId?, emailFrom?) ' +
            'and files in `file` (PDF, JPEG, PNG, DOCX, XLSX, or .eml); or JSON with the same fields and `uploadIds` (uploads of the caller). Errors name the field.',
          consumes: ['multipart/form-data', 'application/json'],
          response: { 201: z.object({ id: z.string(), version: z.number().int() }), 400: ErrorBody, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody },
        },
        handler: async (req, reply) => {
          let r: { id: string; version: number };
          if (req.isMultipart()) {
            await using form = await readMultipart(ctx, req, reply, INCOMING_FORM);
            const files: PostedFile[] = [];
            for (const f of form.files) if (f.size > 0) files.push({ fileName: f.fileName, bytes: new Uint8Array(await readFile(f.path)) });
            r = await createIncomingDocument(ctx, req.principal!, form.fields, files);
          } else {
            const body = (req.body ?? {}) as Record<string, unknown>;
            if (typeof body !== 'object' || Array.isArray(body))
              throw new AppError('VALIDATION_FAILED', { vi: 'Cần gửi đối tượng JSON', en: 'Send a JSON object' });
            const ids = Array.isArray(body.uploadIds) ? (body.uploadIds as unknown[]).filter((x): x is string => typeof x === 'string') : [];
            const files: PostedFile[] = [];
            for (const id of ids) {
              const u = await readUpload(ctx, req.principal!, id);
              files.push({ fileName: u.upload.fileName, bytes: u.bytes });
            }
            r = await createIncomingDocument(ctx, req.principal!, body, files);
          }
          reply.code(201).header('location', `/api/v1/documents/incoming/${r.id}`);
          return r;
        },
      });
    });
  },
};
