import { z } from 'zod';
import type { Module } from '../../../platform/http/server.ts';
import { ErrorBody } from '../../../platform/http/schemas.ts';
import { sendPdf } from '../../../platform/http/pdf-reply.ts';
import { notFound } from '../../../platform/errors.ts';
import type { Grant } from '../../../platform/auth/roles.ts';
import { createOutgoing } from './create-outgoing.ts';
import { getOutgoing, getOutgoingFile, listOutgoing } from './get-outgoing.ts';
import { takeOutgoingAction } from './take-outgoing-action.ts';
import { outgoingRegister, outgoingRegisterWorkbook, renderOutgoingRegister } from './outgoing-register.ts';
import { CreateOutgoingInput, OutgoingActionInput, OutgoingListQuery, OutgoingSummary, OutgoingView, RegisterEntry, RegisterQuery } from './schemas.ts';
import { agencyOf, loadUnits } from './store.ts';

/** Who works with outgoing documents: specialists draft, unit leaders review, signing leaders approve and sign, clerks seal, number and release; auditors read. */
export const OUTGOING_READERS: readonly Grant[] = ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];
export const OUTGOING_ACTORS: readonly Grant[] = ['specialist', 'unit_leader', 'signing_leader', 'clerk'];
export const REGISTER_READERS: readonly Grant[] = ['clerk', 'unit_leader', 'signing_leader', 'auditor', 'administrator'];

const Id = z.object({ id: z.uuid() });

export const outgoingDocumentsModule: Module = {
  name: 'documents-outgoing',
  routes(app, ctx) {
    app.post('/api/v1/documents/outgoing', {
      config: { access: ['specialist'] },
      schema: {
        tags: ['documents'],
        summary:
          "Draft an outgoing document (a specialist, in the specialist's unit): series, subject, signer, recipients, the main PDF and appendices by upload id",
        body: CreateOutgoingInput,
        response: { 201: z.object({ id: z.uuid(), version: z.number().int() }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 415: ErrorBody },
      },
      handler: async (req, reply) => reply.code(201).send(await createOutgoing(ctx, req.body, req.principal!)),
    });
    app.get('/api/v1/documents/outgoing', {
      config: { access: OUTGOING_READERS },
      schema: {
        tags: ['documents'],
        summary:
          'Outgoing documents the official sees (drafted in the units they cover, or to be signed by them), newest first; received=1: those released to their units',
        querystring: OutgoingListQuery,
        response: { 200: z.object({ items: z.array(OutgoingSummary) }), 400: ErrorBody },
      },
      handler: async (req) => ({ items: await listOutgoing(ctx, req.query, req.principal!) }),
    });
    app.get('/api/v1/documents/outgoing/register', {
      config: { access: REGISTER_READERS },
      schema: {
        tags: ['documents'],
        summary:
          'The outgoing register of a year (the units the official covers): number, date, notation, subject, signer, recipients, copies; JSON, PDF or XLSX',
        querystring: RegisterQuery,
        response: { 200: z.object({ year: z.number().int(), entries: z.array(RegisterEntry) }).or(z.any().describe('PDF or XLSX')), 400: ErrorBody },
      },
      handler: async (req, reply) => {
        const { year, format } = req.query;
        const entries = await outgoingRegister(ctx, year, req.principal!);
        if (format === 'json') return { year, entries };
        if (format === 'xlsx') {
          const bytes = await outgoingRegisterWorkbook(year, entries);
          return reply
            .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header('content-disposition', `attachment; filename="so-van-ban-di-${year}.xlsx"`)
            .header('cache-control', 'no-store')
            .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        }
        const p = req.principal!;
        const units = await loadUnits(ctx);
        const unit = p.kind === 'staff' ? p.roles[0]?.unitId : undefined;
        const agency = unit ? agencyOf(units, unit).agency.name : '';
        return sendPdf(reply, { bytes: await renderOutgoingRegister(ctx, year, entries, agency.toUpperCase()), fileName: `so-van-ban-di-${year}.pdf` });
      },
    });
    app.get('/api/v1/documents/outgoing/:id', {
      config: { access: OUTGOING_READERS },
      schema: {
        tags: ['documents'],
        summary:
          'One outgoing document: status, version, number and notation, EDXML DocumentId, files, history, recipients with delivery and statuses, the actions the caller may take',
        params: Id,
        response: { 200: OutgoingView, 404: ErrorBody },
      },
      handler: async (req) => getOutgoing(ctx, req.params.id, req.principal!),
    });
    app.get('/api/v1/documents/outgoing/:id/files/:seq', {
      config: { access: OUTGOING_READERS },
      schema: {
        tags: ['documents'],
        summary: 'A file of an outgoing document (the main file, its signed and sealed revisions, an appendix), by its seq in `files`',
        params: z.object({ id: z.uuid(), seq: z.coerce.number().int().min(1).max(10_000) }),
        response: { 200: z.any().describe('The file: a PDF inline, others as an attachment'), 404: ErrorBody },
      },
      handler: async (req, reply) => {
        const f = await getOutgoingFile(ctx, req.params.id, req.params.seq, req.principal!);
        if (!f) throw notFound({ vi: 'tệp của văn bản', en: 'Document file' });
        if (f.contentType === 'application/pdf') return sendPdf(reply, { bytes: f.bytes, fileName: f.name });
        return reply
          .header('content-type', f.contentType)
          .header('content-disposition', `attachment; filename="${f.name.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
          .header('cache-control', 'no-store')
          .send(Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength));
      },
    });
    app.post('/api/v1/documents/outgoing/:id/actions', {
      config: { access: OUTGOING_ACTORS },
      schema: {
        tags: ['documents'],
        summary:
          'An action on an outgoing document: submit, comment, return, forward, approve, sign, seal, release (numbers, registers, sends), recall (status 13 to the recipients), update (EDXML type 2), replace (a new draft, type 3 once released), archive',
        params: Id,
        body: OutgoingActionInput,
        response: {
          200: OutgoingView.extend({ replacementId: z.uuid().optional() }),
          400: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
          415: ErrorBody,
          503: ErrorBody,
        },
      },
      handler: async (req) => {
        const r = await takeOutgoingAction(ctx, req.params.id, req.body, req.principal!);
        const view = await getOutgoing(ctx, req.params.id, req.principal!);
        return r.replacementId ? { ...view, replacementId: r.replacementId } : view;
      },
    });
  },
};
