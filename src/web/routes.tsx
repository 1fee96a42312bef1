import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Module } from '../platform/http/server.ts';
import { setErrorPage } from '../platform/http/server.ts';
import { AppError } from '../platform/errors.ts';
import { onReplica } from '../platform/db/replica.ts';
import { actorOf, type Principal } from '../platform/auth/roles.ts';
import { catalogFacets, searchProcedures } from '../modules/catalog/search-procedures.ts';
import { countProceduresInForce, getProcedure } from '../modules/catalog/get-procedure.ts';
import { importProcedures } from '../modules/catalog/import-procedures.ts';
import { listUnits, unitTree } from '../modules/organisation/list-units.ts';
import { createUnit } from '../modules/organisation/create-unit.ts';
import { UnitInput } from '../modules/organisation/schemas.ts';
import { sendFragment, sendPage } from './render.tsx';
import { safeNext } from '../platform/http/session-cookies.ts';
import { t } from './components/layout.tsx';
import { HomePage } from './pages/portal/home.tsx';
import { CataloguePage, Results, type CatalogueView } from './pages/portal/catalogue.tsx';
import { PreparePage, ProcedurePage } from './pages/portal/procedure.tsx';
import { ErrorPage, SignInChooser } from './pages/portal/misc.tsx';
import { sendTrackPage } from './routes/dossier-portal.ts';
import { OverviewPage } from './pages/office/overview.tsx';
import { overviewScore } from './routes/dashboard.tsx';
import { OfficeCataloguePage } from './pages/office/catalogue.tsx';
import { UnitsPage } from './pages/office/organisation.tsx';

const page = { hide: true } as const;
const hasRole = (p: Principal | null, role: string) => p?.kind === 'staff' && p.roles.some((r) => r.role === role);
const isHtmx = (req: FastifyRequest) => req.headers['hx-request'] === 'true';

/** Field errors for re-rendering a form, from an AppError's details. */
function formErrors(req: FastifyRequest, e: AppError): { field: string; text: string }[] {
  if (!e.details?.length) return [{ field: 'form', text: t(req, e.text.vi, e.text.en) }];
  return e.details.map((d) => ({
    field: d.path
      .split('.')
      .pop()!
      .replace(/\[\d+\]$/, ''),
    text: t(req, d.message, d.messageEn),
  }));
}

export const webModule: Module = {
  name: 'web',
  routes(app, ctx) {
    setErrorPage((req: FastifyRequest, reply: FastifyReply, e: AppError) => {
      if (e.code === 'UNAUTHENTICATED' && req.method === 'GET') {
        const to = req.url.startsWith('/can-bo') ? '/can-bo/dang-nhap' : '/dang-nhap';
        return reply.redirect(`${to}?next=${encodeURIComponent(req.url)}`);
      }
      return sendPage(reply, <ErrorPage req={req} e={e} />, e.status);
    });

    // ── Portal ──────────────────────────────────────────────────────────────
    app.get('/', { config: { access: 'public' }, schema: page }, async (req, reply) => {
      const [popular, facets] = await onReplica(ctx, (c) => Promise.all([searchProcedures(c, { level: 'full', page: 1, pageSize: 6 }), catalogFacets(c)]));
      const total = facets.fields.reduce((n, f) => n + f.count, 0);
      return sendPage(reply, <HomePage req={req} popular={popular.items} fields={facets.fields} total={total} />);
    });

    const CatalogueQuery = z.object({
      q: z.string().max(200).default(''),
      field: z.string().max(300).optional(),
      agency: z.string().max(40).optional(),
      page: z.coerce.number().int().min(1).max(10_000).default(1),
    });
    app.get('/thu-tuc', { config: { access: 'public', limit: 'public' }, schema: { ...page, querystring: CatalogueQuery } }, async (req, reply) => {
      const { q, page: n } = req.query;
      const field = req.query.field || undefined;
      const agency = req.query.agency || undefined;
      const [r, facets] = await onReplica(ctx, (c) =>
        Promise.all([searchProcedures(c, { q, field, agency, page: n, pageSize: 20 }), isHtmx(req) ? null : catalogFacets(c)]),
      );
      const v: CatalogueView = {
        q,
        field,
        agency,
        page: n,
        pageSize: 20,
        total: r.total,
        items: r.items,
        fields: facets?.fields ?? [],
        agencies: facets?.agencies ?? [],
      };
      return isHtmx(req) ? sendFragment(reply, <Results req={req} v={v} />) : sendPage(reply, <CataloguePage req={req} v={v} />);
    });

    app.get('/thu-tuc/:code', { config: { access: 'public' }, schema: { ...page, params: z.object({ code: z.string().max(60) }) } }, async (req, reply) =>
      sendPage(reply, <ProcedurePage req={req} p={await getProcedure(ctx, req.params.code)} />),
    );
    app.get(
      '/thu-tuc/:code/nop-ho-so',
      { config: { access: ['citizen'] }, schema: { ...page, params: z.object({ code: z.string().max(60) }) } },
      async (req, reply) => sendPage(reply, <PreparePage req={req} p={await getProcedure(ctx, req.params.code)} />),
    );

    app.get(
      '/tra-cuu',
      { config: { access: 'public', limit: 'public' }, schema: { ...page, querystring: z.object({ ma: z.string().trim().max(60).default('') }) } },
      async (req, reply) => sendTrackPage(ctx, req, reply, req.query.ma),
    );

    app.get(
      '/dang-nhap',
      { config: { access: 'public' }, schema: { ...page, querystring: z.object({ next: z.string().max(500).optional() }) } },
      async (req, reply) => {
        if (req.principal?.kind === 'citizen') return reply.redirect(safeNext(req.query.next, '/'));
        return sendPage(reply, <SignInChooser req={req} next={safeNext(req.query.next, '/')} />);
      },
    );

    // ── Back office ─────────────────────────────────────────────────────────
    // Sign-in, sign-out, staff, my account and the audit trail: src/web/routes/office-accounts.tsx.
    app.get('/can-bo', { config: { access: ['staff'] }, schema: page }, async (req, reply) => {
      const [units, procedures, score] = await Promise.all([listUnits(ctx), countProceduresInForce(ctx), overviewScore(ctx, req.principal!)]);
      return sendPage(reply, <OverviewPage req={req} units={units} procedures={procedures} score={score} />);
    });

    const OfficeCatalogueQuery = z.object({ q: z.string().max(200).default(''), page: z.coerce.number().int().min(1).max(10_000).default(1) });
    const officeCatalogue = async (
      req: FastifyRequest,
      reply: FastifyReply,
      extra: { result?: Awaited<ReturnType<typeof importProcedures>>; error?: AppError } = {},
    ) => {
      const query = OfficeCatalogueQuery.parse(req.method === 'GET' ? req.query : {});
      const r = await searchProcedures(ctx, { q: query.q, page: query.page, pageSize: 50 });
      return sendPage(
        reply,
        <OfficeCataloguePage
          req={req}
          q={query.q}
          items={r.items}
          total={r.total}
          page={query.page}
          canImport={hasRole(req.principal, 'administrator')}
          {...extra}
        />,
        extra.error ? extra.error.status : 200,
      );
    };
    app.get('/can-bo/thu-tuc', { config: { access: ['staff'] }, schema: page }, async (req, reply) => officeCatalogue(req, reply));
    app.post('/can-bo/thu-tuc/nhap', { config: { access: ['administrator'] }, bodyLimit: 20 * 1024 * 1024, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      try {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.json ?? '');
        } catch (e) {
          throw new AppError('VALIDATION_FAILED', {
            vi: `Nội dung không phải JSON hợp lệ: ${(e as Error).message}`,
            en: `Not valid JSON: ${(e as Error).message}`,
          });
        }
        const input = body.effectiveFrom ? { records: Array.isArray(parsed) ? parsed : [parsed], defaults: { effectiveFrom: body.effectiveFrom } } : parsed;
        return officeCatalogue(req, reply, { result: await importProcedures(ctx, input, actorOf(req.principal)) });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return officeCatalogue(req, reply, { error: e });
      }
    });

    app.get(
      '/can-bo/don-vi',
      { config: { access: ['administrator', 'auditor'] }, schema: { ...page, querystring: z.object({ created: z.string().max(40).optional() }) } },
      async (req, reply) => {
        const units = await listUnits(ctx);
        return sendPage(
          reply,
          <UnitsPage req={req} tree={unitTree(units)} units={units} canEdit={hasRole(req.principal, 'administrator')} created={req.query.created} />,
        );
      },
    );
    app.post('/can-bo/don-vi', { config: { access: ['administrator'] }, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      try {
        const input = UnitInput.safeParse({ id: body.id, parentId: body.parentId || null, kind: body.kind, name: body.name, nameEn: body.nameEn || null });
        if (!input.success) throw (await import('../platform/http/validation.ts')).fromZod(input.error);
        await createUnit(ctx, input.data, actorOf(req.principal));
        return reply.redirect(`/can-bo/don-vi?created=${encodeURIComponent(input.data.id)}`, 303);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const units = await listUnits(ctx);
        return sendPage(reply, <UnitsPage req={req} tree={unitTree(units)} units={units} canEdit errors={formErrors(req, e)} values={body} />, e.status);
      }
    });
  },
};
