import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { AppError } from '../../platform/errors.ts';
import { sendPage } from '../../web/render.tsx';
import { VerifyResultPage } from '../../web/pages/portal/verify-result.tsx';
import { PublicResult, RevokeInput } from './schemas.ts';
import { getPublicResult } from './get-public-result.ts';
import { revokeResult } from './revoke-result.ts';
import { FileVerification, verifyResultFile } from './verify-result-file.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { PdfResponse, sendPdf } from '../../platform/http/pdf-reply.ts';
import { Upload } from '../uploads/schemas.ts';
import { RepositoryPage } from '../../web/pages/portal/repository.tsx';
import { signResults, type SignOutcome } from './sign-results.ts';
import { certifyCopy, CertifyCopyInput } from './certify-copy.ts';
import { listDossiers } from '../dossiers/list-dossiers.ts';
import { listMyComponents } from '../dossiers/list-my-components.ts';
import { SigningQueuePage } from '../../web/pages/office/signing.tsx';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getResultFile, listMyResults, listShareLinks, MyResult, openSharedResult, reuseResult, revokeShareLink, shareResult, ShareLink } from './repository.ts';

const Code = z.object({ code: z.string().max(80) });
const LinkId = z.object({ id: z.string().max(64) });

export const resultsModule: Module = {
  name: 'results',
  async routes(app, ctx) {
    // The PDF itself is the body: a scoped parser, so no other route accepts raw PDFs.
    await app.register(async (scope) => {
      scope.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMITS.maxBytes }, (_req, body, done) => done(null, body));
      scope.post('/api/v1/public/results/verify', {
        config: { access: 'public', limit: 'verify' },
        bodyLimit: UPLOAD_LIMITS.maxBytes,
        schema: {
          tags: ['results'],
          summary: 'Send a PDF (Content-Type: application/pdf): is it a registered result, and are its signatures intact?',
          consumes: ['application/pdf'],
          response: { 200: FileVerification, 400: ErrorBody, 413: ErrorBody, 415: ErrorBody, 429: ErrorBody, 503: ErrorBody },
        },
        handler: async (req) => {
          const body = req.body as Buffer | undefined;
          if (!Buffer.isBuffer(body) || !body.length) throw new AppError('VALIDATION_FAILED', { vi: 'Gửi tệp PDF trong thân yêu cầu (Content-Type: application/pdf)', en: 'Send the PDF as the request body (Content-Type: application/pdf)' });
          return verifyResultFile(ctx, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
        },
      });
    });
    app.get('/api/v1/public/results/:code', {
      config: { access: 'public', limit: 'public' },
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
    app.get('/verify/:code', { config: { access: 'public', limit: 'public' }, schema: { hide: true, params: Code } }, async (req, reply) => {
      try {
        return sendPage(reply, VerifyResultPage({ req, code: req.params.code, r: await getPublicResult(ctx, req.params.code) }));
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
        return sendPage(reply, VerifyResultPage({ req, code: req.params.code, r: null }), 404);
      }
    });

    // The e-data repository (kho dữ liệu điện tử) of citizens and businesses.
    const OFFICIALS = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'] as const;
    const Share = z.object({ hours: z.coerce.number().min(1).max(720).default(72) });
    app.get('/api/v1/repository/results', {
      config: { access: ['citizen'] },
      schema: { tags: ['results'], summary: "The results in the caller's e-data repository", response: { 200: z.array(MyResult) } },
      handler: async (req) => listMyResults(ctx, req.principal!),
    });
    app.get('/api/v1/results/:code/pdf', {
      config: { access: ['citizen', ...OFFICIALS] },
      schema: { tags: ['results'], summary: 'The result PDF exactly as issued (its holder, or officials of the issuing unit)', params: Code, response: { 200: PdfResponse, 404: ErrorBody } },
      handler: async (req, reply) => sendPdf(reply, await getResultFile(ctx, req.params.code, req.principal!)),
    });
    app.post('/api/v1/results/:code/share', {
      config: { access: ['citizen'] },
      schema: { tags: ['results'], summary: 'A time-limited link to the result that works without an account, until it expires or the holder revokes it', params: Code, body: Share, response: { 200: ShareLink, 404: ErrorBody, 409: ErrorBody } },
      handler: async (req) => shareResult(ctx, req.params.code, req.body.hours, req.principal!),
    });
    app.get('/api/v1/repository/share-links', {
      config: { access: ['citizen'] },
      schema: { tags: ['results'], summary: "The caller's share links that still open (not revoked, not expired), newest first", response: { 200: z.array(ShareLink) } },
      handler: async (req) => listShareLinks(ctx, req.principal!),
    });
    app.post('/api/v1/repository/share-links/:id/revoke', {
      config: { access: ['citizen'] },
      schema: { tags: ['results'], summary: "Revoke one of the caller's share links at once; the others keep working (another holder's link: 404)", params: LinkId, response: { 200: ShareLink, 404: ErrorBody } },
      handler: async (req) => revokeShareLink(ctx, req.params.id, req.principal!),
    });
    app.post('/api/v1/results/:code/reuse', {
      config: { access: ['citizen'] },
      schema: { tags: ['results'], summary: 'Reuse a result from the repository as a file for a new dossier (returns an upload to attach)', params: Code, response: { 201: Upload, 404: ErrorBody, 409: ErrorBody } },
      handler: async (req, reply) => reply.code(201).send(await reuseResult(ctx, req.params.code, req.principal!)),
    });
    app.get('/chia-se/:token', { config: { access: 'public', limit: 'public' }, schema: { hide: true, params: z.object({ token: z.string().max(400) }) } }, async (req, reply) =>
      sendPdf(reply, await openSharedResult(ctx, req.params.token)),
    );
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

    const Outcome = z.union([
      z.object({ dossierCode: z.string(), resultCode: z.string() }),
      z.object({ dossierCode: z.string(), error: z.object({ code: z.string(), message: z.string(), messageEn: z.string() }) }),
    ]);
    app.post('/api/v1/results/sign', {
      config: { access: ['signing_leader'] },
      schema: {
        tags: ['results'],
        summary: "Sign the results of approved dossiers, one or a batch: the leader's signature, then the organisation's seal; each dossier succeeds or fails on its own",
        body: z.object({ dossierCodes: z.array(z.string().max(60)).min(1).max(50) }),
        response: { 200: z.array(Outcome), 400: ErrorBody },
      },
      handler: async (req) => signResults(ctx, req.body.dossierCodes, req.principal!),
    });

    // The signing leader's page: approved dossiers of their units whose result is not signed yet.
    const signingPage = async (req: FastifyRequest, reply: FastifyReply, outcome?: SignOutcome[]) => {
      const approved = await listDossiers(ctx, req.principal!, { queue: 'all', status: 'approved', page: 1, pageSize: 200 });
      const codes = approved.items.map((d) => d.code);
      const done = codes.length
        ? await ctx.database.db.selectFrom('results').select(['dossier_code', 'result_code', 'document_name']).where('dossier_code', 'in', codes).where('status', '=', 'valid').orderBy('issued_at', 'desc').execute()
        : [];
      const signedCodes = new Set(done.map((r) => r.dossier_code));
      return sendPage(reply, SigningQueuePage({
        req,
        waiting: approved.items.filter((d) => !signedCodes.has(d.code)),
        signed: done.slice(0, 20).map((r) => ({ dossierCode: r.dossier_code, resultCode: r.result_code, documentName: r.document_name })),
        outcome,
      }));
    };
    app.get('/can-bo/ky-so', { config: { access: ['signing_leader'] }, schema: { hide: true } }, async (req, reply) => signingPage(req, reply));
    app.post('/can-bo/ky-so', { config: { access: ['signing_leader'] }, schema: { hide: true } }, async (req, reply) => {
      const codes = [((req.body ?? {}) as Record<string, unknown>).codes ?? []].flat().map(String).slice(0, 50);
      const outcome = codes.length
        ? await signResults(ctx, codes, req.principal!)
        : [{ dossierCode: '—', error: { code: 'VALIDATION_FAILED', message: 'Chưa chọn hồ sơ nào', messageEn: 'No dossier selected' } }];
      return signingPage(req, reply, outcome);
    });

    app.post('/api/v1/results/certified-copies', {
      config: { access: ['receiving_officer'] },
      schema: {
        tags: ['results'],
        summary: "Certify an uploaded scan as a true copy of the original (bản sao điện tử chứng thực): signed by the officer, sealed by the desk's unit, placed in the applicant's repository",
        body: CertifyCopyInput,
        response: { 201: z.object({ resultCode: z.string() }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 415: ErrorBody },
      },
      handler: async (req, reply) => reply.code(201).send(await certifyCopy(ctx, req.body, req.principal!)),
    });
  },
};
