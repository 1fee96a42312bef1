import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/auth/roles.ts';
import { ErrorBody, Page } from '../../platform/http/schemas.ts';
import { importProcedures } from './import-procedures.ts';
import { getProcedure, ProcedureDetail } from './get-procedure.ts';
import { ProcedureSummary, SearchQuery, searchProcedures } from './search-procedures.ts';

const ImportResultSchema = z.object({
  imported: z.number(),
  created: z.number(),
  newVersions: z.number(),
  unchanged: z.number(),
  procedures: z.array(z.object({ code: z.string(), version: z.number(), status: z.enum(['created', 'new-version', 'unchanged']) })),
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
      handler: async (req) => searchProcedures(ctx, req.query),
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
  },
};
