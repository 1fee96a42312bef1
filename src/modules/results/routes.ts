import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { AppError } from '../../platform/errors.ts';
import { sendPage } from '../../web/render.tsx';
import { VerifyResultPage } from '../../web/pages/portal/verify-result.tsx';
import { PublicResult, RevokeInput } from './schemas.ts';
import { getPublicResult } from './get-public-result.ts';
import { revokeResult } from './revoke-result.ts';

const Code = z.object({ code: z.string().max(80) });

export const resultsModule: Module = {
  name: 'results',
  routes(app, ctx) {
    app.get('/api/v1/public/results/:code', {
      config: { access: 'public' },
      schema: { tags: ['results'], summary: 'Public status of an issued result: valid, revoked or replaced, with its issuer and file hash', params: Code, response: { 200: PublicResult, 404: ErrorBody } },
      handler: async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return getPublicResult(ctx, req.params.code);
      },
    });
    app.post('/api/v1/results/:code/revoke', {
      config: { access: ['signing_leader', 'administrator'] },
      schema: {
        tags: ['results'],
        summary: 'Revoke a result, or mark it replaced by a newer result of the same dossier; the public status changes at once',
        params: Code,
        body: RevokeInput.extend({ replacedBy: z.string().max(80).optional() }),
        response: { 200: PublicResult, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => {
        await revokeResult(ctx, req.params.code, req.body, req.principal!);
        return getPublicResult(ctx, req.params.code);
      },
    });
    app.get('/verify/:code', { config: { access: 'public' }, schema: { hide: true, params: Code } }, async (req, reply) => {
      try {
        return sendPage(reply, VerifyResultPage({ req, code: req.params.code, r: await getPublicResult(ctx, req.params.code) }));
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
        return sendPage(reply, VerifyResultPage({ req, code: req.params.code, r: null }), 404);
      }
    });
  },
};
