import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { listIntegrations } from './list-integrations.ts';
import { pauseIntegration } from './pause-integration.ts';
import { replayIntegrationMessages } from './replay-dead-letters.ts';
import { AdapterParam, INTEGRATION_OPERATORS, INTEGRATION_READERS, IntegrationView, PauseInput, ReplayInput, ReplayResult } from './schemas.ts';

/** The connections to the national systems, as operations sees them (issue 16 item 6). */
export const integrationsModule: Module = {
  name: 'integrations',
  routes(app, ctx) {
    app.get('/api/v1/integrations', {
      config: { access: INTEGRATION_READERS },
      schema: {
        tags: ['integrations'],
        summary: 'Every adapter: queue depth, last success, failure rate, dead letters (administrators and auditors)',
        response: { 200: z.array(IntegrationView) },
      },
      handler: () => listIntegrations(ctx),
    });

    app.post('/api/v1/integrations/:adapter/pause', {
      config: { access: INTEGRATION_OPERATORS },
      schema: {
        tags: ['integrations'],
        summary: "Pause or resume an adapter's deliveries (administrators); messages keep being written meanwhile",
        params: AdapterParam,
        body: PauseInput,
        response: { 204: z.null(), 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        await pauseIntegration(ctx, req.principal!, req.params.adapter, req.body.paused);
        return reply.code(204).send(null);
      },
    });

    app.post('/api/v1/integrations/:adapter/replay', {
      config: { access: INTEGRATION_OPERATORS },
      schema: {
        tags: ['integrations'],
        summary: 'Put a dead letter, or all of them, back in the queue (administrators)',
        params: AdapterParam,
        body: ReplayInput,
        response: { 200: ReplayResult, 400: ErrorBody, 404: ErrorBody },
      },
      handler: async (req) => ({ replayed: await replayIntegrationMessages(ctx, req.principal!, req.params.adapter, req.body.id) }),
    });
  },
};
