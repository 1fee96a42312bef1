import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import type { Grant } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { readMultipart } from '../../platform/http/multipart.ts';
import { getCampaign, setCampaignDeadline } from '../../modules/digitisation/campaign.ts';
import { getLegacyBatch, importLegacyResults, listLegacyBatches } from '../../modules/digitisation/import-legacy-results.ts';
import { IMPORT_ROLES, LEGACY_FORM } from '../../modules/digitisation/legacy-routes.ts';
import { sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import {
  CAMPAIGN_URL,
  CHART_URL,
  CampaignPage,
  campaignChartSvg,
  LEGACY_URL,
  LegacyBatchPage,
  LegacyImportPage,
} from '../pages/office/digitisation-campaign.tsx';

const OFFICIALS: readonly Grant[] = ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'];
const page = { hide: true } as const;
const Id = z.object({ id: z.string().max(64) });

/** An error as one line for a page: its text, then what each detail says. */
const errorText = (req: FastifyRequest, e: AppError) =>
  [t(req, e.text.vi, e.text.en), ...(e.details ?? []).filter((d) => d.message).map((d) => t(req, d.message, d.messageEn))]
    .filter((x, i, all) => all.indexOf(x) === i)
    .join(' — ');

const isAdmin = (req: FastifyRequest) => req.principal?.kind === 'staff' && req.principal.roles.some((r) => r.role === 'administrator');

/** The campaign page (progress per unit, chart, export, deadline) and the import of old results. */
export const digitisationCampaignPagesModule: Module = {
  name: 'digitisation-campaign-pages',
  async routes(app, ctx) {
    app.get(CAMPAIGN_URL, { config: { access: OFFICIALS }, schema: page }, async (req, reply) =>
      sendPage(reply, CampaignPage({ req, view: await getCampaign(ctx, req.principal!), isAdmin: isAdmin(req) })),
    );
    app.post(
      CAMPAIGN_URL,
      {
        config: { access: ['administrator'] },
        schema: { ...page, body: z.object({ deadline: z.string().max(20).default(''), _csrf: z.string().optional() }) },
      },
      async (req, reply) => {
        try {
          await setCampaignDeadline(ctx, req.principal!, req.body.deadline);
          return reply.redirect(CAMPAIGN_URL, 303);
        } catch (e) {
          if (!(e instanceof AppError) || e.status !== 400) throw e;
          return sendPage(reply, CampaignPage({ req, view: await getCampaign(ctx, req.principal!), isAdmin: true, error: errorText(req, e) }), 400);
        }
      },
    );
    // The chart as an image: drawn on the server, no script; the page's table is its text equivalent.
    app.get(
      CHART_URL,
      { config: { access: OFFICIALS }, schema: { ...page, querystring: z.object({ lang: z.enum(['vi', 'en']).optional() }) } },
      async (req, reply) => {
        const svg = campaignChartSvg(await getCampaign(ctx, req.principal!), req.query.lang ?? req.lang);
        return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-store').send(svg);
      },
    );

    const importPage = async (req: FastifyRequest, error?: string) => LegacyImportPage({ req, batches: await listLegacyBatches(ctx, req.principal!), error });
    app.get(LEGACY_URL, { config: { access: IMPORT_ROLES }, schema: page }, async (req, reply) => sendPage(reply, await importPage(req)));
    await app.register(async (plugin) => {
      const scope = plugin.withTypeProvider<ZodTypeProvider>();
      await scope.register(multipart, {
        limits: {
          files: LEGACY_FORM.maxFiles,
          fileSize: LEGACY_FORM.maxFileBytes,
          fields: LEGACY_FORM.maxFields + 1,
          fieldSize: 4000,
          parts: 600,
          headerPairs: 20,
        },
        throwFileSizeLimit: true,
      });
      scope.post(
        LEGACY_URL,
        { config: { access: IMPORT_ROLES, limit: 'verify' }, schema: { ...page, querystring: z.object({ _csrf: z.string().max(200).optional() }) } },
        async (req, reply) => {
          try {
            await using form = await readMultipart(ctx, req, reply, { ...LEGACY_FORM, unknownFields: 'ignore' });
            const files = [];
            for (const f of form.files.filter((x) => x.size > 0)) {
              const b = await readFile(f.path);
              files.push({ fileName: f.fileName, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
            }
            const batch = await importLegacyResults(ctx, req.principal!, { files, fields: form.fields });
            return reply.redirect(`${LEGACY_URL}/${batch.id}`, 303);
          } catch (e) {
            if (!(e instanceof AppError) || e.status === 404 || e.status === 403 || e.status >= 500) throw e;
            return sendPage(reply, await importPage(req, errorText(req, e)), e.status);
          }
        },
      );
    });
    app.get(`${LEGACY_URL}/:id`, { config: { access: OFFICIALS }, schema: { ...page, params: Id } }, async (req, reply) =>
      sendPage(reply, LegacyBatchPage({ req, batch: await getLegacyBatch(ctx, req.principal!, req.params.id) })),
    );
  },
};
