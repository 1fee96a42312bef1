import { z } from 'zod';
import type { Module } from '../../../platform/http/server.ts';
import { ErrorBody } from '../../../platform/http/schemas.ts';
import { PdfResponse, sendPdf } from '../../../platform/http/pdf-reply.ts';
import { createFile } from './create-file.ts';
import { changeFile } from './change-file.ts';
import { getFile, listFiles } from './get-file.ts';
import { exportName, fileXml, renderFilePdf } from './export-file.ts';
import { CreateFileInput, FileAction, FileList, FileListQuery, FileSummary, FileView, FILE_READERS, FILE_WRITERS } from './schemas.ts';

const Id = z.object({ id: z.string().max(64) });

export const documentFilesModule: Module = {
  name: 'document-files',
  async routes(app, ctx) {
    app.get('/api/v1/documents/files', {
      config: { access: FILE_READERS },
      schema: {
        tags: ['documents'],
        summary: 'Work files (hồ sơ công việc) of the units the official reads, each with its archive-transfer day and warning',
        description: 'warning is due-soon from 30 days before transferDue, overdue after it; dueSoonCount counts both. due=soon lists only those.',
        querystring: FileListQuery,
        response: { 200: FileList, 400: ErrorBody },
      },
      handler: async (req) => listFiles(ctx, req.principal!, req.query),
    });

    app.post('/api/v1/documents/files', {
      config: { access: FILE_WRITERS },
      schema: {
        tags: ['documents'],
        summary: 'Open a work file in a unit (clerks, leaders and specialists of the unit or above)',
        body: CreateFileInput,
        response: { 201: FileSummary, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        const f = await createFile(ctx, req.principal!, req.body);
        reply.code(201).header('location', `/api/v1/documents/files/${f.id}`);
        return f;
      },
    });

    app.get('/api/v1/documents/files/:id', {
      config: { access: FILE_READERS },
      schema: { tags: ['documents'], summary: 'A work file with its documents', params: Id, response: { 200: FileView, 404: ErrorBody } },
      handler: async (req) => getFile(ctx, req.principal!, req.params.id),
    });

    app.post('/api/v1/documents/files/:id/actions', {
      config: { access: FILE_WRITERS },
      schema: {
        tags: ['documents'],
        summary: 'Add a document to a work file, remove one, or close the file',
        description:
          'add {kind, documentId}: a document the caller sees in the search index; remove {kind, documentId}; close: the work is finished, ' +
          'the file is due for transfer to the archive a year later. 409 STALE_VERSION, DOCUMENT_FILE_CLOSED.',
        params: Id,
        body: FileAction,
        response: { 200: z.object({ id: z.string(), version: z.number().int() }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => changeFile(ctx, req.principal!, req.params.id, req.body),
    });

    app.get('/api/v1/documents/files/:id/pdf', {
      config: { access: FILE_READERS },
      schema: {
        tags: ['documents'],
        summary: 'The work file as PDF: its cover data and table of documents',
        params: Id,
        response: { 200: PdfResponse, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const { file, pdf } = await renderFilePdf(ctx, req.principal!, req.params.id);
        return sendPdf(reply, { bytes: pdf, fileName: exportName(file, 'pdf') });
      },
    });

    app.get('/api/v1/documents/files/:id/xml', {
      config: { access: FILE_READERS },
      schema: {
        tags: ['documents'],
        summary: "The work file as XML (namespace urn:congso:work-file:1): the file's metadata and each document's",
        params: Id,
        response: { 200: z.any().describe('application/xml'), 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const { file, xml } = await fileXml(ctx, req.principal!, req.params.id);
        return reply
          .header('content-type', 'application/xml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${exportName(file, 'xml')}"`)
          .header('cache-control', 'no-store')
          .send(xml);
      },
    });
  },
};
