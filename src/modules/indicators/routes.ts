import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf } from '../../platform/auth/roles.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { computeIndicators } from './compute-indicators.ts';
import { INDICATOR_ROLES } from './indicator-definitions.ts';
import { rebuildIndicators } from './rebuild-indicators.ts';
import { IndicatorQuery, IndicatorReport } from './schemas.ts';

const RebuildInput = z.object({ check: z.boolean().default(false).describe('Compare the counts with the logs without writing') }).strict();
const RebuildResult = z.object({
  dossiers: z.number().int(),
  dayRows: z.number().int(),
  unitDayRows: z.number().int(),
  differences: z.array(z.object({ table: z.string(), key: z.string(), counter: z.string(), stored: z.number(), computed: z.number() })).max(1000),
});

export const indicatorsModule: Module = {
  name: 'indicators',
  routes(app, ctx) {
    app.get('/api/v1/indicators', {
      config: { access: INDICATOR_ROLES },
      schema: {
        tags: ['indicators'],
        summary: 'The service index of Decision 766/QĐ-TTg for a period: five groups, 100 points (leaders, auditors, administrators; the units they see)',
        description:
          'Without `unit`: the ministry (auditors, administrators) or the units a leader leads. `unit`: that unit and those beneath it. `procedure`, `field`: ' +
          'only dossiers of that procedure or field (lĩnh vực). Days are Vietnam local days; stocks (in progress, overdue) are read at `to`, or today.',
        querystring: IndicatorQuery,
        response: { 200: IndicatorReport, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      // The index is read from daily aggregates: a replica's second of lag changes nothing a leader reads.
      handler: async (req) => onReplica(ctx, (c) => computeIndicators(c, req.query, req.principal!)),
    });

    app.post('/api/v1/indicators/rebuild', {
      config: { access: ['administrator'] },
      schema: {
        tags: ['indicators'],
        summary: "Recompute the index's daily counts from every dossier's log (administrators); `check` compares without writing",
        body: RebuildInput.optional(),
        response: { 200: RebuildResult, 400: ErrorBody },
      },
      handler: async (req) => {
        const check = req.body?.check ?? false;
        const r = await rebuildIndicators(ctx, { check });
        await ctx.database.db.transaction().execute((tx) =>
          recordAudit(tx, {
            actor: actorOf(req.principal!),
            action: check ? 'indicators.check' : 'indicators.rebuild',
            data: { dossiers: r.dossiers, differences: r.differences.length },
          }),
        );
        return { ...r, differences: r.differences.slice(0, 1000) };
      },
    });
  },
};
