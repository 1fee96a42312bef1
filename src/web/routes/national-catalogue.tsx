import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { actorOf } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { applyNationalCatalogue, previewNationalCatalogue, type CataloguePreview } from '../../modules/national-portal/pull-national-catalogue.ts';
import { sendPage } from '../render.tsx';
import { NATIONAL_CATALOGUE_URL, NationalCataloguePage } from '../pages/office/national-catalogue.tsx';

const page = { hide: true } as const;
const count = z.coerce.number().int().min(0).max(100_000).optional();
const Body = z.object({ op: z.enum(['preview', 'apply']).default('preview'), fingerprint: z.string().max(100).default('') });

/** Administrators pull the procedure catalogue from the National Public Service Portal: see the differences, then apply them. */
export const nationalCataloguePagesModule: Module = {
  name: 'national-catalogue-pages',
  routes(app, ctx) {
    const configured = () => Boolean(ctx.config.nationalPortal);

    app.get(
      NATIONAL_CATALOGUE_URL,
      { config: { access: ['administrator'] }, schema: { ...page, querystring: z.object({ tao: count, 'phien-ban': count }) } },
      async (req, reply) => {
        const applied = req.query.tao !== undefined ? { created: req.query.tao, newVersions: req.query['phien-ban'] ?? 0, codes: [] } : undefined;
        return sendPage(reply, <NationalCataloguePage req={req} configured={configured()} applied={applied} />);
      },
    );

    app.post(NATIONAL_CATALOGUE_URL, { config: { access: ['administrator'] }, schema: { ...page, body: Body } }, async (req, reply) => {
      const show = (status: number, x: { preview?: CataloguePreview; error?: AppError }) =>
        sendPage(reply, <NationalCataloguePage req={req} configured={configured()} preview={x.preview} error={x.error} />, status);
      try {
        if (req.body.op === 'apply') {
          const r = await applyNationalCatalogue(ctx, actorOf(req.principal), req.body.fingerprint);
          return reply.redirect(`${NATIONAL_CATALOGUE_URL}?tao=${r.created}&phien-ban=${r.newVersions}`, 303);
        }
        return show(200, { preview: await previewNationalCatalogue(ctx) });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        if (e.code === 'NATIONAL_CATALOGUE_CHANGED') {
          // What the portal says now, to be read again before applying.
          const fresh = await previewNationalCatalogue(ctx).catch(() => undefined);
          return show(409, { preview: fresh, error: e });
        }
        if (e.code === 'NATIONAL_PORTAL_UNAVAILABLE' || e.code === 'VALIDATION_FAILED' || e.code === 'EFFECTIVE_DATE_TOO_EARLY')
          return show(e.status, { error: e });
        throw e;
      }
    });
  },
};
