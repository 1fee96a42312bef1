import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/auth/roles.ts';
import { ErrorBody, Page } from '../../platform/http/schemas.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { importProcedures } from './import-procedures.ts';
import { getProcedure, ProcedureDetail } from './get-procedure.ts';
import { ProcedureSummary, SearchQuery, searchProcedures } from './search-procedures.ts';
import { SaveProcedureVersionInput, saveProcedureVersion } from './save-procedure-version.ts';

const SaveOutcomeSchema = z.object({
  code: z.string(),
  version: z.number().int(),
  status: z.enum(['new-version', 'unchanged']),
  effectiveFrom: z.string(),
  versions: z.array(z.object({ version: z.number().int(), effectiveFrom: z.string(), effectiveTo: z.string().nullable() })),
});

const ImportResultSchema = z.object({
  imported: z.number(),
  created: z.number(),
  newVersions: z.number(),
  unchanged: z.number(),
  procedures: z.array(z.object({ code: z.string(), version: z.number(), status: z.enum(['created', 'new-version', 'unchanged']) })),
  /** Imported as they came but worth an administrator's look: a method's time limit that could not be mapped. */
  warnings: z.array(
    z.object({
      code: z.enum(['TIME_LIMIT_UNMAPPED']),
      procedure: z.string(),
      channel: z.enum(['ONLINE', 'POSTAL', 'DIRECT']),
      path: z.string(),
      message: z.string(),
      messageEn: z.string(),
    }),
  ),
});

export const catalogModule: Module = {
  name: 'catalog',
  routes(app, ctx) {
    app.get('/api/v1/procedures', {
      config: { access: 'public', limit: 'public' },
      schema: {
        tags: ['catalog'],
        summary: 'Search the procedure catalogue (Vietnamese-aware: case, diacritics and đ/d do not matter)',
        querystring: SearchQuery,
        response: { 200: Page(ProcedureSummary), 400: ErrorBody },
      },
      handler: async (req) => onReplica(ctx, (c) => searchProcedures(c, req.query)),
    });
    app.get('/api/v1/procedures/:code', {
      config: { access: 'public' },
      schema: {
        tags: ['catalog'],
        summary: 'A procedure: the version in force, or ?version=N',
        params: z.object({ code: z.string().max(60) }),
        querystring: z.object({ version: z.coerce.number().int().min(1).optional() }),
        response: { 200: ProcedureDetail, 404: ErrorBody },
      },
      handler: async (req) => getProcedure(ctx, req.params.code, { version: req.query.version }),
    });
    app.post('/api/v1/procedures/import', {
      config: { access: ['administrator'] },
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        tags: ['catalog'],
        summary: 'Import procedures in the national procedures database JSON format (one record, an array, or {records, defaults}); all or nothing',
        body: z.unknown(),
        response: { 200: ImportResultSchema, 400: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => importProcedures(ctx, req.body, actorOf(req.principal)),
    });
    app.post('/api/v1/procedures/:code/versions', {
      config: { access: ['administrator'] },
      // The schema documents the body; the operation checks it itself, naming each field as
      // its own checks do (one path style for every error of this call).
      attachValidation: true,
      schema: {
        tags: ['catalog'],
        summary:
          'Save an edit of a procedure (fees, processing time, components, workflow steps, e-form) as a new version from an effective date (today or later); sections left out are kept. Dossiers already filed keep their version.',
        params: z.object({ code: z.string().max(60) }),
        body: SaveProcedureVersionInput,
        response: { 200: SaveOutcomeSchema, 201: SaveOutcomeSchema, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        const r = await saveProcedureVersion(ctx, req.params.code, req.body, actorOf(req.principal));
        return reply.code(r.status === 'new-version' ? 201 : 200).send(r);
      },
    });
  },
};
