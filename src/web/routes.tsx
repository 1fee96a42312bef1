import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Module } from '../platform/http/server.ts';
import { setErrorPage } from '../platform/http/server.ts';
import { AppError } from '../platform/errors.ts';
import { actorOf, type Principal } from '../platform/auth/roles.ts';
import { totpUri } from '../platform/auth/totp.ts';
import { listAudit, verifyAudit } from '../platform/audit/index.ts';
import { catalogFacets, searchProcedures } from '../modules/catalog/search-procedures.ts';
import { countProceduresInForce, getProcedure } from '../modules/catalog/get-procedure.ts';
import { importProcedures } from '../modules/catalog/import-procedures.ts';
import { listUnits, unitTree } from '../modules/organisation/list-units.ts';
import { listStaff } from '../modules/organisation/list-staff.ts';
import { createUnit } from '../modules/organisation/create-unit.ts';
import { createStaff } from '../modules/organisation/create-staff.ts';
import { StaffInput, UnitInput } from '../modules/organisation/schemas.ts';
import { signInStaff, StaffSignInInput } from '../modules/identity/sign-in-staff.ts';
import { signOut } from '../modules/identity/citizen-sso.ts';
import { sendFragment, sendPage } from './render.tsx';
import { safeNext, startSession } from '../platform/http/session-cookies.ts';
import { t } from './components/layout.tsx';
import { HomePage } from './pages/portal/home.tsx';
import { CataloguePage, Results, type CatalogueView } from './pages/portal/catalogue.tsx';
import { PreparePage, ProcedurePage } from './pages/portal/procedure.tsx';
import { ErrorPage, SignInChooser } from './pages/portal/misc.tsx';
import { sendTrackPage } from './routes/dossier-portal.ts';
import { OfficeSignInPage } from './pages/office/sign-in.tsx';
import { OverviewPage } from './pages/office/overview.tsx';
import { OfficeCataloguePage } from './pages/office/catalogue.tsx';
import { StaffPage, UnitsPage } from './pages/office/organisation.tsx';
import { AccountPage, AuditPage, VerifyResultView } from './pages/office/audit.tsx';
import { StaffDetailPage } from './pages/office/staff-detail.tsx';
import { setStaffRoles } from '../modules/organisation/set-staff-roles.ts';
import { setStaffActive } from '../modules/organisation/set-staff-active.ts';
import { RoleAssignment } from '../modules/organisation/schemas.ts';
import { notFound } from '../platform/errors.ts';

const page = { hide: true } as const;
const hasRole = (p: Principal | null, role: string) => p?.kind === 'staff' && p.roles.some((r) => r.role === role);
const isHtmx = (req: FastifyRequest) => req.headers['hx-request'] === 'true';

/** Field errors for re-rendering a form, from an AppError's details. */
function formErrors(req: FastifyRequest, e: AppError): { field: string; text: string }[] {
  if (!e.details?.length) return [{ field: 'form', text: t(req, e.text.vi, e.text.en) }];
  return e.details.map((d) => ({ field: d.path.split('.').pop()!.replace(/\[\d+\]$/, ''), text: t(req, d.message, d.messageEn) }));
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
      const [popular, facets] = await Promise.all([searchProcedures(ctx, { level: 'full', page: 1, pageSize: 6 }), catalogFacets(ctx)]);
      const total = facets.fields.reduce((n, f) => n + f.count, 0);
      return sendPage(reply, <HomePage req={req} popular={popular.items} fields={facets.fields} total={total} />);
    });

    const CatalogueQuery = z.object({ q: z.string().max(200).default(''), field: z.string().max(300).optional(), agency: z.string().max(40).optional(), page: z.coerce.number().int().min(1).max(10_000).default(1) });
    app.get('/thu-tuc', { config: { access: 'public', limit: 'public' }, schema: { ...page, querystring: CatalogueQuery } }, async (req, reply) => {
      const { q, page: n } = req.query;
      const field = req.query.field || undefined;
      const agency = req.query.agency || undefined;
      const [r, facets] = await Promise.all([searchProcedures(ctx, { q, field, agency, page: n, pageSize: 20 }), isHtmx(req) ? null : catalogFacets(ctx)]);
      const v: CatalogueView = { q, field, agency, page: n, pageSize: 20, total: r.total, items: r.items, fields: facets?.fields ?? [], agencies: facets?.agencies ?? [] };
      return isHtmx(req) ? sendFragment(reply, <Results req={req} v={v} />) : sendPage(reply, <CataloguePage req={req} v={v} />);
    });

    app.get('/thu-tuc/:code', { config: { access: 'public' }, schema: { ...page, params: z.object({ code: z.string().max(60) }) } }, async (req, reply) =>
      sendPage(reply, <ProcedurePage req={req} p={await getProcedure(ctx, req.params.code)} />),
    );
    app.get('/thu-tuc/:code/nop-ho-so', { config: { access: ['citizen'] }, schema: { ...page, params: z.object({ code: z.string().max(60) }) } }, async (req, reply) =>
      sendPage(reply, <PreparePage req={req} p={await getProcedure(ctx, req.params.code)} />),
    );

    app.get('/tra-cuu', { config: { access: 'public', limit: 'public' }, schema: { ...page, querystring: z.object({ ma: z.string().trim().max(60).default('') }) } }, async (req, reply) =>
      sendTrackPage(ctx, req, reply, req.query.ma),
    );

    app.get('/dang-nhap', { config: { access: 'public' }, schema: { ...page, querystring: z.object({ next: z.string().max(500).optional() }) } }, async (req, reply) => {
      if (req.principal?.kind === 'citizen') return reply.redirect(safeNext(req.query.next, '/'));
      return sendPage(reply, <SignInChooser req={req} next={safeNext(req.query.next, '/')} />);
    });

    // ── Back office ─────────────────────────────────────────────────────────
    app.get('/can-bo/dang-nhap', { config: { access: 'public' }, schema: { ...page, querystring: z.object({ next: z.string().max(500).optional() }) } }, async (req, reply) => {
      if (req.principal?.kind === 'staff') return reply.redirect(safeNext(req.query.next, '/can-bo'));
      return sendPage(reply, <OfficeSignInPage req={req} next={safeNext(req.query.next, '/can-bo')} />);
    });
    app.post('/can-bo/dang-nhap', { config: { access: 'public', limit: 'signIn' }, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      const next = safeNext(body.next, '/can-bo');
      const input = StaffSignInInput.safeParse({ username: body.username, password: body.password, otp: body.otp || undefined });
      if (!input.success) {
        return sendPage(reply, <OfficeSignInPage req={req} next={next} username={body.username} error={t(req, 'Nhập tên đăng nhập và mật khẩu; mã xác thực gồm 6 chữ số', 'Enter your username and password; the code has 6 digits')} />, 400);
      }
      try {
        const principal = await signInStaff(ctx, input.data, { ip: req.ip });
        await startSession(ctx, req, reply, principal);
        return reply.redirect(next);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return sendPage(reply, <OfficeSignInPage req={req} next={next} username={input.data.username} error={t(req, e.text.vi, e.text.en)} />, e.status);
      }
    });
    app.post('/can-bo/dang-xuat', { config: { access: 'public' }, schema: page }, async (req, reply) => signOut(ctx, req, reply, '/can-bo/dang-nhap'));

    app.get('/can-bo', { config: { access: ['staff'] }, schema: page }, async (req, reply) => {
      const [units, procedures] = await Promise.all([listUnits(ctx), countProceduresInForce(ctx)]);
      return sendPage(reply, <OverviewPage req={req} units={units} procedures={procedures} />);
    });

    const OfficeCatalogueQuery = z.object({ q: z.string().max(200).default(''), page: z.coerce.number().int().min(1).max(10_000).default(1) });
    const officeCatalogue = async (req: FastifyRequest, reply: FastifyReply, extra: { result?: Awaited<ReturnType<typeof importProcedures>>; error?: AppError } = {}) => {
      const query = OfficeCatalogueQuery.parse(req.method === 'GET' ? req.query : {});
      const r = await searchProcedures(ctx, { q: query.q, page: query.page, pageSize: 50 });
      return sendPage(reply, <OfficeCataloguePage req={req} q={query.q} items={r.items} total={r.total} page={query.page} canImport={hasRole(req.principal, 'administrator')} {...extra} />, extra.error ? extra.error.status : 200);
    };
    app.get('/can-bo/thu-tuc', { config: { access: ['staff'] }, schema: page }, async (req, reply) => officeCatalogue(req, reply));
    app.post('/can-bo/thu-tuc/nhap', { config: { access: ['administrator'] }, bodyLimit: 20 * 1024 * 1024, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      try {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.json ?? '');
        } catch (e) {
          throw new AppError('VALIDATION_FAILED', { vi: `Nội dung không phải JSON hợp lệ: ${(e as Error).message}`, en: `Not valid JSON: ${(e as Error).message}` });
        }
        const input = body.effectiveFrom ? { records: Array.isArray(parsed) ? parsed : [parsed], defaults: { effectiveFrom: body.effectiveFrom } } : parsed;
        return officeCatalogue(req, reply, { result: await importProcedures(ctx, input, actorOf(req.principal)) });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return officeCatalogue(req, reply, { error: e });
      }
    });

    app.get('/can-bo/don-vi', { config: { access: ['administrator', 'auditor'] }, schema: { ...page, querystring: z.object({ created: z.string().max(40).optional() }) } }, async (req, reply) => {
      const units = await listUnits(ctx);
      return sendPage(reply, <UnitsPage req={req} tree={unitTree(units)} units={units} canEdit={hasRole(req.principal, 'administrator')} created={req.query.created} />);
    });
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

    app.get('/can-bo/nhan-su', { config: { access: ['administrator', 'auditor'] }, schema: page }, async (req, reply) => {
      const [staff, units] = await Promise.all([listStaff(ctx), listUnits(ctx)]);
      return sendPage(reply, <StaffPage req={req} staff={staff} units={units} canEdit={hasRole(req.principal, 'administrator')} />);
    });
    app.post('/can-bo/nhan-su', { config: { access: ['administrator'] }, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      let created: { username: string; totpQr: string | null; totpSecret: string | null } | undefined;
      let errors: { field: string; text: string }[] = [];
      let status = 200;
      try {
        const input = StaffInput.safeParse({ username: body.username, fullName: body.fullName, email: body.email || null, password: body.password, roles: [{ role: body.role, unitId: body.unitId }] });
        if (!input.success) throw (await import('../platform/http/validation.ts')).fromZod(input.error);
        const r = await createStaff(ctx, input.data, actorOf(req.principal));
        created = { username: input.data.username, totpSecret: r.totpSecret, totpQr: r.totpSecret ? await QRCode.toDataURL(totpUri(r.totpSecret, input.data.username)) : null };
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        errors = formErrors(req, e);
        status = e.status;
      }
      const [staff, units] = await Promise.all([listStaff(ctx), listUnits(ctx)]);
      const { password: _pw, ...values } = body;
      return sendPage(reply, <StaffPage req={req} staff={staff} units={units} canEdit errors={errors} values={created ? {} : values} created={created} />, status);
    });

    const Username = z.object({ username: z.string().max(64) });
    const staffDetail = async (req: FastifyRequest, reply: FastifyReply, username: string, extra: { error?: string; saved?: boolean; totp?: { qr: string; secret: string } } = {}, status = 200) => {
      const [staff, units] = await Promise.all([listStaff(ctx), listUnits(ctx)]);
      const s = staff.find((x) => x.username === username);
      if (!s) throw notFound({ vi: `cán bộ ${username}`, en: `Staff ${username}` });
      return sendPage(reply, <StaffDetailPage req={req} staff={s} units={units} {...extra} />, status);
    };
    app.get('/can-bo/nhan-su/:username', { config: { access: ['administrator'] }, schema: { ...page, params: Username, querystring: z.object({ saved: z.string().optional() }) } }, async (req, reply) =>
      staffDetail(req, reply, req.params.username, { saved: req.query.saved === '1' }),
    );
    app.post('/can-bo/nhan-su/:username/vai-tro', { config: { access: ['administrator'] }, schema: { ...page, params: Username } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string | string[]>;
      const keep = [body.keep ?? []].flat().map((k) => {
        const [role, unitId] = String(k).split('@');
        return { role, unitId };
      });
      if (body.role) keep.push({ role: String(body.role), unitId: String(body.unitId ?? '') });
      const roles = z.array(RoleAssignment).safeParse(keep);
      try {
        if (!roles.success) throw (await import('../platform/http/validation.ts')).fromZod(roles.error);
        const r = await setStaffRoles(ctx, req.params.username, { roles: roles.data }, actorOf(req.principal));
        if (!r.totpSecret) return reply.redirect(`/can-bo/nhan-su/${encodeURIComponent(req.params.username)}?saved=1`, 303);
        return staffDetail(req, reply, req.params.username, { saved: true, totp: { secret: r.totpSecret, qr: await QRCode.toDataURL(totpUri(r.totpSecret, req.params.username)) } });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return staffDetail(req, reply, req.params.username, { error: t(req, e.text.vi, e.text.en) }, e.status);
      }
    });
    app.post('/can-bo/nhan-su/:username/trang-thai', { config: { access: ['administrator'] }, schema: { ...page, params: Username } }, async (req, reply) => {
      const active = ((req.body ?? {}) as Record<string, string>).active === 'true';
      await setStaffActive(ctx, req.params.username, active, actorOf(req.principal));
      return reply.redirect(`/can-bo/nhan-su/${encodeURIComponent(req.params.username)}?saved=1`, 303);
    });

    app.get('/can-bo/nhat-ky', { config: { access: ['auditor'] }, schema: { ...page, querystring: z.object({ before: z.coerce.number().int().positive().optional() }) } }, async (req, reply) => {
      const rows = await listAudit(ctx.database.db, { before: req.query.before, limit: 50 });
      return sendPage(reply, <AuditPage req={req} rows={rows} next={rows.length === 50 ? rows[49].id : null} />);
    });
    app.post('/can-bo/nhat-ky/kiem-tra', { config: { access: ['auditor'] }, schema: page }, async (req, reply) => {
      const r = await verifyAudit(ctx.database.db);
      if (isHtmx(req)) return sendFragment(reply, <VerifyResultView req={req} r={r} />);
      const rows = await listAudit(ctx.database.db, { limit: 50 });
      return sendPage(reply, <AuditPage req={req} rows={rows} next={null} />);
    });

    app.get('/can-bo/tai-khoan', { config: { access: ['staff'] }, schema: page }, async (req, reply) => {
      const p = req.principal as Extract<Principal, { kind: 'staff' }>;
      const me = (await listStaff(ctx)).find((s) => s.id === p.id);
      return sendPage(reply, <AccountPage req={req} totpEnabled={Boolean(me?.totpEnabled)} />);
    });
  },
};
