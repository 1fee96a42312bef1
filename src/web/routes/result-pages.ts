import { listMyReceipts } from '../../modules/payments/get-payment.ts';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Module } from '../../platform/http/server.ts';
import { AppError } from '../../platform/errors.ts';
import { sendPage } from '../render.tsx';
import { VerifyResultPage } from '../pages/portal/verify-result.tsx';
import { RepositoryPage } from '../pages/portal/repository.tsx';
import { SIGNING_URL, SigningConfirmPage, SigningQueuePage, type SigningQueueProps } from '../pages/office/signing.tsx';
import { staffDisplayNames } from '../../modules/organisation/staff-names.ts';
import { unitNames } from '../../modules/organisation/names.ts';
import { getPublicResult } from '../../modules/results/get-public-result.ts';
import { listMyResults, listShareLinks, revokeShareLink, shareResult } from '../../modules/results/repository.ts';
import { listSigningQueue } from '../../modules/results/list-signing-queue.ts';
import { signResults } from '../../modules/results/sign-results.ts';
import { listMyComponents } from '../../modules/dossiers/list-my-components.ts';
import { searchDigitised } from '../../modules/digitisation/search-digitised.ts';

const Code = z.object({ code: z.string().max(80) });
const LinkId = z.object({ id: z.string().max(64) });
const RepositoryQuery = z.object({ q: z.string().max(200).default(''), page: z.coerce.number().int().min(1).max(50).default(1) });
const Share = z.object({ hours: z.coerce.number().min(1).max(720).default(72) });

/** Pages over results: the public verification page, the citizen's e-data repository, the signing leader's queue. */
export const resultPagesModule: Module = {
  name: 'result-pages',
  async routes(app, ctx) {
    app.get('/verify/:code', { config: { access: 'public', limit: 'public' }, schema: { hide: true, params: Code } }, async (req, reply) => {
      try {
        const r = await getPublicResult(ctx, req.params.code);
        const issuerEn = req.lang === 'en' ? ((await unitNames(ctx, [r.issuerUnit])).get(r.issuerUnit)?.nameEn ?? null) : null;
        return sendPage(reply, VerifyResultPage({ req, code: req.params.code, r, issuerEn }));
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
        return sendPage(reply, VerifyResultPage({ req, code: req.params.code, r: null }), 404);
      }
    });

    // The e-data repository (kho dữ liệu điện tử) of citizens and businesses.
    // Its digitised documents are searched like the officials' (same folding), over the holder's own only.
    const repositoryPage = async (
      req: FastifyRequest,
      reply: FastifyReply,
      banner: Pick<Parameters<typeof RepositoryPage>[0], 'shared' | 'revoked'> = {},
      search: z.infer<typeof RepositoryQuery> = { q: '', page: 1 },
    ) =>
      sendPage(
        reply,
        RepositoryPage({
          req,
          results: await listMyResults(ctx, req.principal!),
          components: await listMyComponents(ctx, req.principal!),
          links: await listShareLinks(ctx, req.principal!),
          receipts: await listMyReceipts(ctx, req.principal!),
          q: search.q,
          digitised: await searchDigitised(ctx, req.principal!, { q: search.q, page: search.page, pageSize: 10 }),
          ...banner,
        }),
      );
    app.get('/kho-du-lieu', { config: { access: ['citizen'] }, schema: { hide: true, querystring: RepositoryQuery } }, async (req, reply) =>
      repositoryPage(req, reply, {}, req.query),
    );
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
    const signingPage = async (
      req: FastifyRequest,
      reply: FastifyReply,
      extra: Pick<SigningQueueProps, 'outcome' | 'outcomeNames' | 'nothingTicked'> = {},
      status = 200,
    ) => {
      const queue = await listSigningQueue(ctx, req.principal!);
      const names = await staffDisplayNames(
        ctx,
        queue.waiting.map((d) => d.assignee),
      );
      return sendPage(reply, SigningQueuePage({ req, waiting: queue.waiting, signed: queue.signed, names, ...extra }), status);
    };
    app.get(SIGNING_URL, { config: { access: ['signing_leader'] }, schema: { hide: true } }, async (req, reply) => signingPage(req, reply));
    // Two steps, both plain forms: the ticked dossiers are shown for confirmation, and only the
    // confirmation's form (confirm=1) signs. Nothing ticked is a form error, not an outcome.
    app.post(SIGNING_URL, { config: { access: ['signing_leader'] }, schema: { hide: true } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const codes = [
        ...new Set(
          [body.codes ?? []]
            .flat()
            .map((c) => String(c).trim().toUpperCase())
            .filter(Boolean),
        ),
      ].slice(0, 50);
      if (!codes.length) return signingPage(req, reply, { nothingTicked: true }, 400);
      const queue = await listSigningQueue(ctx, req.principal!);
      const waiting = new Map(queue.waiting.map((d) => [d.code, d]));
      if (body.confirm !== '1') {
        return sendPage(reply, SigningConfirmPage({ req, chosen: codes.flatMap((c) => waiting.get(c) ?? []), unknown: codes.filter((c) => !waiting.has(c)) }));
      }
      const outcome = await signResults(ctx, codes, req.principal!);
      const outcomeNames = new Map([...waiting.values()].map((d) => [d.code, `${d.procedureName} — ${d.applicantName}`]));
      return signingPage(req, reply, { outcome, outcomeNames });
    });
  },
};
