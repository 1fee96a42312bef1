import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody, Page } from '../../platform/http/schemas.ts';
import { AppError } from '../../platform/errors.ts';
import { ActionInput, DossierView, FileDossierInput } from './schemas.ts';
import { fileDossier } from './file-dossier.ts';
import { takeAction } from './take-action.ts';
import { ActionLogEntry, getActionLog, getDossier } from './get-dossier.ts';
import { DossierSummary, ListQuery, listDossiers } from './list-dossiers.ts';
import { PublicDossier, trackDossier } from './track-dossier.ts';
import { RatingInput, rateDossier, unitRatings } from './rate-dossier.ts';
import { coveredUnits } from './visibility.ts';

const Code = z.object({ code: z.string().max(60) });
const STAFF_DOSSIER_ROLES = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'] as const;

export const dossiersModule: Module = {
  name: 'dossiers',
  routes(app, ctx) {
    app.post('/api/v1/dossiers', {
      config: { access: ['citizen', 'receiving_officer', 'scope:dossiers:write'] },
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        tags: ['dossiers'],
        summary: 'File a dossier (online by the applicant or the national portal; at the counter or by post by a receiving officer). Honours Idempotency-Key.',
        body: FileDossierInput,
        headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }).loose(),
        response: { 201: DossierView, 200: DossierView, 400: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        const r = await fileDossier(ctx, req.body, req.principal!, req.headers['idempotency-key'] as string | undefined);
        reply.code(r.created ? 201 : 200).header('location', `/api/v1/dossiers/${r.code}`);
        return getDossier(ctx, r.code, req.principal!);
      },
    });
    app.get('/api/v1/dossiers', {
      config: { access: ['citizen', ...STAFF_DOSSIER_ROLES, 'scope:dossiers:read'] },
      schema: {
        tags: ['dossiers'],
        summary: 'My dossiers (applicants) or work queues (officials)',
        querystring: ListQuery,
        response: {
          200: Page(DossierSummary).extend({
            totalCapped: z.boolean().describe('finished dossiers are counted only one past this page: when true there are at least `total`, and more pages'),
          }),
        },
      },
      handler: async (req) => listDossiers(ctx, req.principal!, req.query),
    });
    app.get('/api/v1/dossiers/:code', {
      config: { access: ['citizen', ...STAFF_DOSSIER_ROLES, 'scope:dossiers:read', 'scope:dossiers:write'] },
      schema: {
        tags: ['dossiers'],
        summary: 'A dossier, with the actions the caller may take now',
        params: Code,
        response: { 200: DossierView, 404: ErrorBody },
      },
      handler: async (req) => getDossier(ctx, req.params.code, req.principal!),
    });
    app.get('/api/v1/dossiers/:code/actions', {
      config: { access: ['citizen', ...STAFF_DOSSIER_ROLES, 'scope:dossiers:read'] },
      schema: {
        tags: ['dossiers'],
        summary: "The dossier's action log, oldest first",
        params: Code,
        response: { 200: z.array(ActionLogEntry), 404: ErrorBody },
      },
      handler: async (req) => getActionLog(ctx, req.params.code, req.principal!),
    });
    app.post('/api/v1/dossiers/:code/actions', {
      config: { access: ['citizen', 'receiving_officer', 'specialist', 'unit_leader', 'signing_leader'] },
      schema: {
        tags: ['dossiers'],
        summary:
          'Take a workflow action, naming the dossier version it was chosen on; 409 lists the actions allowed now, or, when someone acted since that version, the current status and version (details `current.status`, `current.version`)',
        params: Code,
        body: ActionInput,
        response: { 200: DossierView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req) => {
        const row = await takeAction(ctx, req.params.code.toUpperCase(), req.body, req.principal!);
        return getDossier(ctx, row.code, req.principal!);
      },
    });
    app.post('/api/v1/dossiers/:code/rating', {
      config: { access: ['citizen'] },
      schema: {
        tags: ['dossiers'],
        summary: 'The applicant rates a finished dossier',
        params: Code,
        body: RatingInput,
        response: { 204: z.null(), 404: ErrorBody, 409: ErrorBody },
      },
      handler: async (req, reply) => {
        await rateDossier(ctx, req.params.code, req.body, req.principal!);
        return reply.code(204).send(null);
      },
    });
    app.get('/api/v1/ratings', {
      config: { access: ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'auditor', 'administrator'] },
      schema: { tags: ['dossiers'], summary: "Ratings of the caller's units' dossiers" },
      handler: async (req) => {
        if (req.principal?.kind !== 'staff') throw new AppError('FORBIDDEN', { vi: 'Chỉ dành cho cán bộ', en: 'Officials only' });
        return unitRatings(ctx, await coveredUnits(ctx, req.principal));
      },
    });
    app.get('/api/v1/public/dossiers/:code', {
      config: { access: 'public', limit: 'public' },
      schema: {
        tags: ['dossiers'],
        summary: 'Public tracking: procedure, status and dates; no personal data',
        params: Code,
        response: { 200: PublicDossier, 404: ErrorBody },
      },
      handler: async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return trackDossier(ctx, req.params.code);
      },
    });
  },
};
