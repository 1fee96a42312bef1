import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { listAudit, verifyAudit } from '../../platform/audit/index.ts';

export const auditModule: Module = {
  name: 'audit',
  routes(app, ctx) {
    app.get('/api/v1/audit/verify', {
      config: { access: ['auditor'] },
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain of the whole audit trail',
        response: { 200: z.object({ ok: z.boolean(), checked: z.number().int(), firstBrokenId: z.number().int().nullable() }) },
      },
      handler: async () => verifyAudit(ctx.database.db),
    });
    app.get('/api/v1/audit', {
      config: { access: ['auditor'] },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first',
        querystring: z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(500).default(50), actor: z.string().max(200).optional(), action: z.string().max(100).optional() }),
        response: { 200: z.array(z.object({ id: z.number(), at: z.date(), actor: z.string(), action: z.string(), target: z.string().nullable(), data: z.record(z.string(), z.unknown()) })) },
      },
      handler: async (req) => listAudit(ctx.database.db, req.query),
    });
  },
};
