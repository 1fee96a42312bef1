import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { verifyAudit } from '../../platform/audit/index.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { AuditFilterFields, periodInOrder, searchAudit } from './search-audit.ts';

/** Who reads the audit trail: auditors, and administrators, who answer for the system. */
export const AUDIT_ACCESS = ['auditor', 'administrator'] as const;

const Entry = z.object({
  id: z.number(),
  at: z.date(),
  actor: z.string(),
  actorName: z.string().describe("the official's full name, the citizen's or system's account name"),
  action: z.string(),
  actionLabel: z.object({ vi: z.string(), en: z.string() }),
  target: z.string().nullable(),
  targetName: z.string().nullable().describe("a unit's or official's name, a dossier code with its applicant"),
  data: z.record(z.string(), z.unknown()),
});

export const auditModule: Module = {
  name: 'audit',
  routes(app, ctx) {
    app.get('/api/v1/audit/verify', {
      config: { access: AUDIT_ACCESS },
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain of the whole audit trail',
        response: { 200: z.object({ ok: z.boolean(), checked: z.number().int(), firstBrokenId: z.number().int().nullable() }) },
      },
      handler: async () => verifyAudit(ctx.database.db),
    });
    app.get('/api/v1/audit', {
      config: { access: AUDIT_ACCESS },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first, filtered, with readable names',
        description:
          '`actor`: a username, part of an official\'s name, or an actor as recorded (`citizen:<id>`, `service:<client>`, `system`, `anonymous`). ' +
          '`action`: a code, or a prefix ending in `*` (`auth.*`). `target`: a dossier or result code, a username, a unit code, or `kind:id`. ' +
          '`from`/`to`: days (Viet Nam time), both included. Page with `before` (the smallest id of the previous page).',
        querystring: periodInOrder(
          AuditFilterFields.extend({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(500).default(50), lang: z.enum(['vi', 'en']).optional() }),
        ),
        response: { 200: z.array(Entry), 400: ErrorBody },
      },
      handler: async (req) => {
        const { before, limit, lang: _lang, ...filter } = req.query;
        return (await searchAudit(ctx, filter, { before, limit, lang: req.lang })).items;
      },
    });
  },
};
