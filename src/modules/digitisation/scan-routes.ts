import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Grant } from '../../platform/auth/roles.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { ONE_FILE_FORM_MAX_BYTES, readMultipart, type MultipartSpec } from '../../platform/http/multipart.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { createScan, SCANNING_ROLES } from './create-scan.ts';
import { getScan, scanThumbnail } from './get-scan.ts';
import { acceptScan } from './accept-scan.ts';
import { AcceptInput, AcceptResult, SCAN_LIMITS, ScanCreated, ScanId, ScanPageParams, ScanView, ThumbnailQuery } from './schemas-scans.ts';

/** Every official who works with dossiers reads the scans of their units (and those beneath). */
const READ_ACCESS: readonly Grant[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];

/**
 * One scan: its files under `file` (repeated, in order) and a few short fields. The whole body
 * is bounded like a one-file upload: the assembled PDF is stored as one upload and has that upload's cap.
 */
const SCAN_FORM: MultipartSpec = {
  files: ['file'],
  fields: ['layout', 'dossierCode', 'componentCode', 'purpose', 'unitId', 'draft'],
  maxFiles: SCAN_LIMITS.maxFiles,
  maxFields: 6,
  maxFieldBytes: SCAN_LIMITS.maxLayoutBytes,
  maxFileBytes: UPLOAD_LIMITS.maxBytes,
  maxTotalBytes: ONE_FILE_FORM_MAX_BYTES,
};

// Defaults of the scope; each read passes the form's own limits.
const LIMITS = { files: SCAN_FORM.maxFiles, fileSize: UPLOAD_LIMITS.maxBytes, fields: 6, fieldSize: SCAN_LIMITS.maxLayoutBytes, parts: 60, headerPairs: 20 };

export const digitisationScansModule: Module = {
  name: 'digitisation-scans',
  async routes(app, ctx) {
    // Multipart parsing lives in this encapsulated scope only: elsewhere multipart stays refused.
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, { limits: LIMITS, throwFileSizeLimit: true });

      scope.post('/api/v1/digitisation/scans', {
        // Each scan starts minutes of OCR: an official's scans per minute are bounded like heavy anonymous work.
        config: { access: SCANNING_ROLES, limit: 'verify' },
        schema: {
          tags: ['digitisation'],
          summary: 'Scan a document (paper component of a dossier, or an old result): pages from PDF, TIFF, JPEG or PNG files, read by OCR in the background',
          description:
            'multipart/form-data. `file`: one or more files (repeat the field; PDF, TIFF, JPEG or PNG, each checked by its content; ' +
            `at most ${SCAN_LIMITS.maxFiles} files, 20 MiB in all). ` +
            '`layout` (optional, JSON): the pages of the scan in order, `[{"source":0,"page":1,"rotate":90}, …]`, `source` the file by ' +
            'its place in the form (from 0), `page` its page (from 1; images have one), `rotate` clockwise degrees; without it every ' +
            `page of every file in the order sent. At most ${SCAN_LIMITS.maxPages} pages. ` +
            '`dossierCode` and `componentCode` (optional): the paper component the scan digitises; `purpose`: `component` (the default) ' +
            'or `legacy_result` (a result issued before the system); `unitId` (optional): the unit scanned for. ' +
            '`draft=true`: keep the pages as a draft (status `draft`, thumbnails, no OCR) until POST …/scans/{id}/accept. ' +
            'Answers 202 with the scan id; follow GET /api/v1/digitisation/scans/{id}. Honours Idempotency-Key.',
          consumes: ['multipart/form-data'],
          headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }).loose(),
          response: { 202: ScanCreated, 200: ScanCreated, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody },
        },
        handler: async (req, reply) => {
          await using form = await readMultipart(ctx, req, reply, SCAN_FORM);
          // Empty file inputs of a form with nothing chosen are no files.
          const sent = form.files.filter((f) => f.size > 0 || f.fileName);
          const files = [];
          for (const f of sent) {
            const b = await readFile(f.path);
            files.push({ fileName: f.fileName, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
          }
          const { layout, ...fields } = form.fields;
          const r = await createScan(ctx, req.principal!, { files, layout, fields }, req.headers['idempotency-key'] as string | undefined);
          reply.code(r.created ? 202 : 200).header('location', `/api/v1/digitisation/scans/${r.id}`);
          return { id: r.id, status: r.status, pageCount: r.pageCount };
        },
      });
    });

    app.post('/api/v1/digitisation/scans/:id/accept', {
      config: { access: SCANNING_ROLES },
      schema: {
        tags: ['digitisation'],
        summary: "Accept a draft scan: its pages, reordered and turned, split into documents (the dossier's paper components), each read by OCR",
        description:
          '`parts`: one per document, `[{ "componentCode": "T-01", "pages": [{ "page": 2 }, { "page": 1, "rotate": 90 }] }, …]`, `page` the page of ' +
          "the draft (from 1), `rotate` clockwise degrees; pages left out are dropped. Each part becomes a scan queued for OCR, the first keeping the draft's " +
          'id. Answers 202 with the scans; a draft already accepted answers 200 with the scans it became.',
        params: ScanId,
        body: AcceptInput,
        response: { 202: AcceptResult, 200: AcceptResult, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const r = await acceptScan(ctx, req.principal!, req.params.id, req.body);
        reply.code(r.created ? 202 : 200);
        return r.result;
      },
    });

    app.get('/api/v1/digitisation/scans/:id', {
      config: { access: READ_ACCESS },
      schema: {
        tags: ['digitisation'],
        summary: "A scan: its state, progress (0..1) and, once read, each page's text (the scan's unit's officials and those above)",
        params: ScanId,
        response: { 200: ScanView, 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => getScan(ctx, req.principal!, req.params.id),
    });

    app.get('/api/v1/digitisation/scans/:id/pages/:n/thumbnail', {
      config: { access: READ_ACCESS },
      schema: {
        tags: ['digitisation'],
        summary: 'A picture of one page of a scan (PNG), to check order and rotation; revalidate with If-None-Match',
        params: ScanPageParams,
        querystring: ThumbnailQuery,
        // Binary replies bypass the serializer; this entry only documents the 200.
        response: { 200: z.any().describe('PNG'), 304: z.null().describe('your copy is current'), 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const t = await scanThumbnail(ctx, req.principal!, req.params.id, req.params.n, {
          width: req.query.width,
          ifNoneMatch: req.headers['if-none-match'],
        });
        // A scanned document is personal data: kept by the official's browser only, and checked again before each use.
        reply.header('etag', t.etag).header('cache-control', 'private, no-cache');
        if (!t.png) return reply.code(304).send(null);
        return reply
          .header('content-type', 'image/png')
          .header('x-content-type-options', 'nosniff')
          .send(Buffer.from(t.png.buffer, t.png.byteOffset, t.png.byteLength));
      },
    });
  },
};
