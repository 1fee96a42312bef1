import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Module } from '../../platform/http/server.ts';
import { AppError } from '../../platform/errors.ts';
import { sendPage } from '../render.tsx';
import { VerifyResultPage } from '../pages/portal/verify-result.tsx';
import { RepositoryPage } from '../pages/portal/repository.tsx';
import { SigningQueuePage } from '../pages/office/signing.tsx';
import { getPublicResult } from '../../modules/results/get-public-result.ts';
import { listMyResults, listShareLinks, revokeShareLink, shareResult } from '../../modules/results/repository.ts';
import { listSigningQueue } from '../../modules/results/list-signing-queue.ts';
import { signResults, type SignOutcome } from '../../modules/results/sign-results.ts';
import { listMyComponents } from '../../modules/dossiers/list-my-components.ts';

const Code = z.object({ code: z.string().max(80) });
const LinkId = z.object({ id: z.string().max(64) });
const Share = z.object({ hours: z.coerce.number().min(1).max(720).default(72) });

/** Pages over results: the public verification page, the citizen's e-data repository, the signing leader's queue. */
export const resultPagesModule: Module = {
  name: 'result-pages',
  async routes(app, ctx) {
    app.get('/verify/:code', { config: { access: 'public', limit: 'public' }, schema: { hide: true, params: Code } }, async (req, reply) => {
      try {
        return sendPage(reply, VerifyResultPage({ req, code: req.params.code, r: await getPublicResult(ctx, req.params.code) }));
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
        return sendPage(reply, VerifyResultPage({ req, code: req.params.code, r: null }), 404);
      }
    });

    // The e-data repository (kho dữ liệu điện tử) of citizens and businesses.
    const repositoryPage = async (req: FastifyRequest, reply: FastifyReply, banner: Pick<Parameters<typeof RepositoryPage>[0], 'shared' | 'revoked'> = {}) =>
      sendPage(reply, RepositoryPage({ req, results: await listMyResults(ctx, req.principal!), components: await listMyComponents(ctx, req.principal!), links: await listShareLinks(ctx, req.principal!), ...banner }));
    app.get('/kho-du-lieu', { config: { access: ['citizen'] }, schema: { hide: true } }, async (req, reply) => repositoryPage(req, reply));
    app.post('/kho-du-lieu/:code/chia-se', { config: { access: ['citizen'] }, schema: { hide: true, params: Code, body: Share } }, async (req, reply) => {
      const link = await shareResult(ctx, req.params.code, req.body.hours, req.principal!);
      return repositoryPage(req, reply, { shared: link });
    });
    // A plain form per link (works without JavaScript); the CSRF check covers it like every form.
    app.post('/kho-du-lieu/lien-ket/:id/thu-hoi', { config: { access: ['citizen'] }, schema: { hide: true, params: LinkId } }, async (req, reply) => {
      const link = await revokeShareLink(ctx, req.params.id, req.principal!);
      return repositoryPage(req, reply, { revoked: link });
    });

    // The signing leader's page: approved dossiers of their units whose result is not signed yet.
    const signingPage = async (req: FastifyRequest, reply: FastifyReply, outcome?: SignOutcome[]) => {
      const queue = await listSigningQueue(ctx, req.principal!);
      return sendPage(reply, SigningQueuePage({ req, waiting: queue.waiting, signed: queue.signed, outcome }));
    };
    app.get('/can-bo/ky-so', { config: { access: ['signing_leader'] }, schema: { hide: true } }, async (req, reply) => signingPage(req, reply));
    app.post('/can-bo/ky-so', { config: { access: ['signing_leader'] }, schema: { hide: true } }, async (req, reply) => {
      const codes = [((req.body ?? {}) as Record<string, unknown>).codes ?? []].flat().map(String).slice(0, 50);
      const outcome = codes.length
        ? await signResults(ctx, codes, req.principal!)
        : [{ dossierCode: '—', error: { code: 'VALIDATION_FAILED', message: 'Chưa chọn hồ sơ nào', messageEn: 'No dossier selected' } }];
      return signingPage(req, reply, outcome);
    });
  },
};
