import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { readUsage, USAGE_ROLES } from './read-usage.ts';
import { UsageQuery, UsageView } from './schemas.ts';

/**
 * The portal's usage (issue 15 item 5) for administrators and auditors: daily counters only,
 * first-party, with nothing about any one visitor (no address, no cookie, no account).
 */
export const analyticsModule: Module = {
  name: 'analytics',
  routes(app, ctx) {
    app.get('/api/v1/analytics', {
      config: { access: USAGE_ROLES },
      schema: {
        tags: ['analytics'],
        summary:
          'Usage of the portal over Vietnam days (from, to: YYYY-MM-DD, the last 30 days by default, at most 366): views per day and device, pages, procedures most viewed, the funnel from a procedure page to a filed dossier, form steps reached and left, EMC delivery',
        querystring: UsageQuery,
        response: { 200: UsageView, 400: ErrorBody },
      },
      handler: async (req) => readUsage(ctx, req.query),
    });
  },
};
