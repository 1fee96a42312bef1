import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { AppError } from '../../platform/errors.ts';
import { PublicResult, RevokeInput } from './schemas.ts';
import { getPublicResult } from './get-public-result.ts';
import { revokeResult } from './revoke-result.ts';
import { FileVerification, verifyResultFile } from './verify-result-file.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { PdfResponse, sendPdf } from '../../platform/http/pdf-reply.ts';
import { Upload } from '../uploads/schemas.ts';
import { signResults } from './sign-results.ts';
import { certifyCopy, CertifyCopyInput } from './certify-copy.ts';
import {
  getResultFile,
  listMyResults,
  listShareLinks,
  MyResult,
  openSharedResult,
  reuseResult,
  revokeShareLink,
  shareResult,
  ShareLink,
} from './repository.ts';

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
          if (!Buffer.isBuffer(body) || !body.length)
            throw new AppError('VALIDATION_FAILED', {
              vi: 'Gửi tệp PDF trong thân yêu cầu (Content-Type: application/pdf)',
              en: 'Send the PDF as the request body (Content-Type: application/pdf)',
            });
          return verifyResultFile(ctx, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
        },
      });
    });
    app.get('/api/v1/public/results/:code', {
      config: { access: 'public', limit: 'public' },
      schema: {
        tags: ['results'],
        summary: 'Public status of an issued result: valid, revoked or replaced, with its issuer and file hash',
        params: Code,
        response: { 200: PublicResult, 404: ErrorBody },
      },
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
      schema: {
        tags: ['results'],
        summary: 'The result PDF exactly as issued (its holder, or officials of the issuing unit)',
        params: Code,
        response: { 200: PdfResponse, 404: ErrorBody },
      },
      handler: async (req, reply) => sendPdf(reply, await getResultFile(ctx, req.params.code, req.principal!)),
    });
    app.post('/api/v1/results/:code/share', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['results'],
        summary: 'A time-limited link to the result that works without an account, until it expires or the holder revokes it',
        params: Code,
        body: Share,
        response: { 200: ShareLink, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => shareResult(ctx, req.params.code, req.body.hours, req.principal!),
    });
    app.get('/api/v1/repository/share-links', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['results'],
        summary: "The caller's share links that still open (not revoked, not expired), newest first",
        response: { 200: z.array(ShareLink) },
      },
      handler: async (req) => listShareLinks(ctx, req.principal!),
    });
    app.post('/api/v1/repository/share-links/:id/revoke', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['results'],
        summary: "Revoke one of the caller's share links at once; the others keep working (another holder's link: 404)",
        params: LinkId,
        response: { 200: ShareLink, 404: ErrorBody },
      },
      handler: async (req) => revokeShareLink(ctx, req.params.id, req.principal!),
    });
    app.post('/api/v1/results/:code/reuse', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['results'],
        summary: 'Reuse a result from the repository as a file for a new dossier (returns an upload to attach)',
        params: Code,
        response: { 201: Upload, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => reply.code(201).send(await reuseResult(ctx, req.params.code, req.principal!)),
    });
    app.get(
      '/chia-se/:token',
      { config: { access: 'public', limit: 'public' }, schema: { hide: true, params: z.object({ token: z.string().max(400) }) } },
      async (req, reply) => sendPdf(reply, await openSharedResult(ctx, req.params.token)),
    );

    const Outcome = z.union([
      z.object({ dossierCode: z.string(), resultCode: z.string() }),
      z.object({ dossierCode: z.string(), error: z.object({ code: z.string(), message: z.string(), messageEn: z.string() }) }),
    ]);
    app.post('/api/v1/results/sign', {
      config: { access: ['signing_leader'] },
      schema: {
        tags: ['results'],
        summary:
          "Sign the results of approved dossiers, one or a batch: the leader's signature, then the organisation's seal; each dossier succeeds or fails on its own",
        body: z.object({ dossierCodes: z.array(z.string().max(60)).min(1).max(50) }),
        response: { 200: z.array(Outcome), 400: ErrorBody },
      },
      handler: async (req) => signResults(ctx, req.body.dossierCodes, req.principal!),
    });

    app.post('/api/v1/results/certified-copies', {
      config: { access: ['receiving_officer'] },
      schema: {
        tags: ['results'],
        summary:
          "Certify an uploaded scan as a true copy of the original (bản sao điện tử chứng thực): signed by the officer, sealed by the desk's unit, placed in the applicant's repository",
        body: CertifyCopyInput,
        response: { 201: z.object({ resultCode: z.string() }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 415: ErrorBody },
      },
      handler: async (req, reply) => reply.code(201).send(await certifyCopy(ctx, req.body, req.principal!)),
    });
  },
};
