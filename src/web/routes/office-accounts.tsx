import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { onReplica } from '../../platform/db/replica.ts';
import type { Ctx } from '../../platform/context.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { totpUri } from '../../platform/auth/totp.ts';
import { verifyAudit } from '../../platform/audit/index.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { endSession, safeNext, startSession } from '../../platform/http/session-cookies.ts';
import { listUnits } from '../../modules/organisation/list-units.ts';
import { listStaff } from '../../modules/organisation/list-staff.ts';
import { createStaff } from '../../modules/organisation/create-staff.ts';
import { StaffInput, RoleAssignment } from '../../modules/organisation/schemas.ts';
import { setStaffRoles } from '../../modules/organisation/set-staff-roles.ts';
import { setStaffActive } from '../../modules/organisation/set-staff-active.ts';
import { ResetCredentialsInput, resetStaffCredentials } from '../../modules/organisation/reset-staff-credentials.ts';
import { changeOwnPassword, passwordState } from '../../modules/organisation/change-own-password.ts';
import { PASSWORD_CHANGE_API } from '../../modules/organisation/routes.ts';
import { signInStaff, StaffSignInInput } from '../../modules/identity/sign-in-staff.ts';
import { passwordChangeGate } from '../../modules/identity/current-principal.ts';
import { signOut } from '../../modules/identity/citizen-sso.ts';
import { AUDIT_ACCESS } from '../../modules/audit/routes.ts';
import { AuditFilter, AuditFilterFields, exportAuditCsv, searchAudit } from '../../modules/audit/search-audit.ts';
import { sendFragment, sendPage } from '../render.tsx';
import { t } from '../components/layout.tsx';
import { OfficeSignInPage } from '../pages/office/sign-in.tsx';
import { StaffPage } from '../pages/office/organisation.tsx';
import { StaffDetailPage, type ResetDone } from '../pages/office/staff-detail.tsx';
import { AccountPage, AuditPage, VerifyResultView, type AuditView } from '../pages/office/audit.tsx';
import { ChangePasswordPage } from '../pages/office/account-password.tsx';

const page = { hide: true } as const;
const hasRole = (p: Principal | null, role: string) => p?.kind === 'staff' && p.roles.some((r) => r.role === role);
const isHtmx = (req: FastifyRequest) => req.headers['hx-request'] === 'true';
const staffOf = (req: FastifyRequest) => req.principal as Extract<Principal, { kind: 'staff' }>;

/** The change-password page: the only office page open while a reset is pending. */
export const CHANGE_PASSWORD_PAGE = '/can-bo/doi-mat-khau';

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

const Username = z.object({ username: z.string().max(64) });
const AuditPageQuery = AuditFilterFields.partial().extend({ before: z.coerce.number().int().positive().optional() });

/**
 * Officials' accounts in the back office: sign-in and sign-out, the staff pages (with the
 * credential reset), the official's own account and password change, and the audit trail.
 * Also installs the change-password gate (passwordChangeGate) for every route.
 */
export const officeAccountsModule: Module = {
  name: 'office-accounts',
  routes(app, ctx) {
    app.addHook(
      'onRequest',
      passwordChangeGate({
        page: CHANGE_PASSWORD_PAGE,
        open: [...PASSWORD_CHANGE_API, `GET ${CHANGE_PASSWORD_PAGE}`, `POST ${CHANGE_PASSWORD_PAGE}`, 'POST /can-bo/dang-xuat'],
      }),
    );

    // ── Sign-in ─────────────────────────────────────────────────────────────
    app.get(
      '/can-bo/dang-nhap',
      {
        config: { access: 'public' },
        schema: { ...page, querystring: z.object({ next: z.string().max(500).optional(), 'doi-mat-khau': z.string().max(5).optional() }) },
      },
      async (req, reply) => {
        if (req.principal?.kind === 'staff') return reply.redirect(safeNext(req.query.next, '/can-bo'));
        const notice =
          req.query['doi-mat-khau'] === '1'
            ? t(
                req,
                'Đã đổi mật khẩu và đăng ký xác thực hai lớp. Hãy đăng nhập lại bằng mật khẩu mới và mã xác thực.',
                'Password changed and two-factor sign-in enrolled. Sign in again with the new password and a code.',
              )
            : undefined;
        return sendPage(reply, <OfficeSignInPage req={req} next={safeNext(req.query.next, '/can-bo')} notice={notice} />);
      },
    );
    app.post('/can-bo/dang-nhap', { config: { access: 'public', limit: 'signIn' }, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      const next = safeNext(body.next, '/can-bo');
      const input = StaffSignInInput.safeParse({ username: body.username, password: body.password, otp: body.otp || undefined });
      if (!input.success) {
        return sendPage(
          reply,
          <OfficeSignInPage
            req={req}
            next={next}
            username={body.username}
            error={t(req, 'Nhập tên đăng nhập và mật khẩu; mã xác thực gồm 6 chữ số', 'Enter your username and password; the code has 6 digits')}
          />,
          400,
        );
      }
      try {
        const principal = await signInStaff(ctx, input.data, { ip: req.ip });
        await startSession(ctx, req, reply, principal);
        return reply.redirect(principal.mustChangePassword ? CHANGE_PASSWORD_PAGE : next);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return sendPage(reply, <OfficeSignInPage req={req} next={next} username={input.data.username} error={t(req, e.text.vi, e.text.en)} />, e.status);
      }
    });
    app.post('/can-bo/dang-xuat', { config: { access: 'public' }, schema: page }, async (req, reply) => signOut(ctx, req, reply, '/can-bo/dang-nhap'));

    // ── Staff ───────────────────────────────────────────────────────────────
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
        const input = StaffInput.safeParse({
          username: body.username,
          fullName: body.fullName,
          email: body.email || null,
          password: body.password,
          roles: [{ role: body.role, unitId: body.unitId }],
        });
        if (!input.success) throw fromZod(input.error);
        const r = await createStaff(ctx, input.data, actorOf(req.principal));
        created = {
          username: input.data.username,
          totpSecret: r.totpSecret,
          totpQr: r.totpSecret ? await QRCode.toDataURL(totpUri(r.totpSecret, input.data.username)) : null,
        };
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        errors = formErrors(req, e);
        status = e.status;
      }
      const [staff, units] = await Promise.all([listStaff(ctx), listUnits(ctx)]);
      const { password: _pw, ...values } = body;
      return sendPage(
        reply,
        <StaffPage req={req} staff={staff} units={units} canEdit errors={errors} values={created ? {} : values} created={created} />,
        status,
      );
    });

    type DetailExtra = {
      error?: string;
      saved?: boolean;
      totp?: { qr: string; secret: string };
      reset?: ResetDone;
      resetErrors?: { field: string; text: string }[];
      resetValues?: Record<string, string>;
    };
    const staffDetail = async (req: FastifyRequest, reply: FastifyReply, username: string, extra: DetailExtra = {}, status = 200) => {
      const [staff, units] = await Promise.all([listStaff(ctx), listUnits(ctx)]);
      const s = staff.find((x) => x.username === username);
      if (!s) throw notFound({ vi: `cán bộ ${username}`, en: `Staff ${username}` });
      return sendPage(reply, <StaffDetailPage req={req} staff={s} units={units} {...extra} />, status);
    };
    app.get(
      '/can-bo/nhan-su/:username',
      { config: { access: ['administrator'] }, schema: { ...page, params: Username, querystring: z.object({ saved: z.string().optional() }) } },
      async (req, reply) => staffDetail(req, reply, req.params.username, { saved: req.query.saved === '1' }),
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
        if (!roles.success) throw fromZod(roles.error);
        const r = await setStaffRoles(ctx, req.params.username, { roles: roles.data }, actorOf(req.principal));
        if (!r.totpSecret) return reply.redirect(`/can-bo/nhan-su/${encodeURIComponent(req.params.username)}?saved=1`, 303);
        return staffDetail(req, reply, req.params.username, {
          saved: true,
          totp: { secret: r.totpSecret, qr: await QRCode.toDataURL(totpUri(r.totpSecret, req.params.username)) },
        });
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
    // The temporary password is shown in this answer only (never in a URL or a redirect).
    app.post('/can-bo/nhan-su/:username/dat-lai', { config: { access: ['administrator'] }, schema: { ...page, params: Username } }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      const resetValues = { password: String(body.password ?? ''), resetTotp: body.resetTotp === 'true' ? 'true' : 'false' };
      try {
        if (body.confirm !== 'yes') {
          const vi = 'Đánh dấu ô xác nhận để đặt lại thông tin đăng nhập';
          const en = 'Tick the confirmation box to reset the sign-in details';
          throw new AppError('VALIDATION_FAILED', { vi, en }, [{ path: 'confirm', message: vi, messageEn: en }]);
        }
        const input = ResetCredentialsInput.safeParse({
          password: body.password,
          temporaryPassword: body.temporaryPassword || undefined,
          resetTotp: body.resetTotp === 'true',
        });
        if (!input.success) throw fromZod(input.error);
        const reset = await resetStaffCredentials(ctx, req.params.username, input.data, actorOf(req.principal));
        return staffDetail(req, reply, req.params.username, { reset });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return staffDetail(req, reply, req.params.username, { resetErrors: formErrors(req, e), resetValues }, e.status);
      }
    });

    // ── My account ──────────────────────────────────────────────────────────
    app.get(
      '/can-bo/tai-khoan',
      { config: { access: ['staff'] }, schema: { ...page, querystring: z.object({ changed: z.string().max(5).optional() }) } },
      async (req, reply) => {
        const p = staffOf(req);
        const me = (await listStaff(ctx)).find((s) => s.id === p.id);
        return sendPage(reply, <AccountPage req={req} totpEnabled={Boolean(me?.totpEnabled)} changed={req.query.changed === '1'} />);
      },
    );
    const passwordPage = async (req: FastifyRequest, reply: FastifyReply, errors: { field: string; text: string }[] = [], status = 200) => {
      const state = await passwordState(ctx, staffOf(req));
      const enrolment = state.totpEnrolment ? { ...state.totpEnrolment, qr: await QRCode.toDataURL(state.totpEnrolment.uri) } : null;
      return sendPage(reply, <ChangePasswordPage req={req} required={state.mustChangePassword} enrolment={enrolment} errors={errors} />, status);
    };
    app.get(CHANGE_PASSWORD_PAGE, { config: { access: ['staff'] }, schema: page }, async (req, reply) => passwordPage(req, reply));
    app.post(CHANGE_PASSWORD_PAGE, { config: { access: ['staff'], limit: 'signIn' }, schema: page }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      try {
        const r = await changeOwnPassword(
          ctx,
          staffOf(req),
          { currentPassword: str('currentPassword'), newPassword: str('newPassword'), confirmPassword: str('confirmPassword'), otp: str('otp') || undefined },
          { ip: req.ip, sessionId: req.session?.id },
        );
        if (r.signInAgain) {
          // Roles that need a second factor count only from a sign-in with a code.
          await endSession(ctx, req, reply);
          return reply.redirect('/can-bo/dang-nhap?doi-mat-khau=1', 303);
        }
        // A new session id after the change; the account is read afresh on the next request.
        const claimed = req.session?.principal;
        if (claimed) await startSession(ctx, req, reply, { ...claimed, ...(claimed.kind === 'staff' ? { mustChangePassword: undefined } : {}) } as Principal);
        return reply.redirect('/can-bo/tai-khoan?changed=1', 303);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return passwordPage(req, reply, formErrors(req, e), e.status);
      }
    });

    // ── Audit trail ─────────────────────────────────────────────────────────
    const auditView = async (req: FastifyRequest, raw: unknown, c: Ctx = ctx): Promise<{ view: AuditView; status: number }> => {
      const q = AuditPageQuery.safeParse(raw);
      const values = Object.fromEntries(
        ['actor', 'action', 'target', 'from', 'to'].map((k) => [k, String((raw as Record<string, unknown>)?.[k] ?? '').slice(0, 200)]).filter(([, v]) => v),
      );
      if (!q.success) return { view: { filter: values, items: [], next: null, paged: false, errors: formErrors(req, fromZod(q.error)) }, status: 400 };
      const f = AuditFilter.safeParse(q.data);
      if (!f.success) return { view: { filter: values, items: [], next: null, paged: false, errors: formErrors(req, fromZod(f.error)) }, status: 400 };
      const r = await searchAudit(c, f.data, { before: q.data.before, lang: req.lang });
      return { view: { filter: values, items: r.items, next: r.next, paged: Boolean(q.data.before) }, status: 200 };
    };
    app.get('/can-bo/nhat-ky', { config: { access: AUDIT_ACCESS }, schema: page }, async (req, reply) => {
      // The log as it stood a moment ago is what an auditor reads; the check below (a POST) reads the primary.
      const { view, status } = await onReplica(ctx, (c) => auditView(req, req.query, c));
      return sendPage(reply, <AuditPage req={req} view={view} />, status);
    });
    app.get('/can-bo/nhat-ky/xuat.csv', { config: { access: AUDIT_ACCESS }, schema: page }, async (req, reply) => {
      const f = AuditFilter.safeParse(req.query);
      if (!f.success) {
        const { view } = await auditView(req, req.query);
        return sendPage(reply, <AuditPage req={req} view={view} />, 400);
      }
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="nhat-ky-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(exportAuditCsv(ctx, f.data, { lang: req.lang, actor: actorOf(req.principal) })));
    });
    app.post('/can-bo/nhat-ky/kiem-tra', { config: { access: AUDIT_ACCESS }, schema: page }, async (req, reply) => {
      const r = await verifyAudit(ctx);
      if (isHtmx(req)) return sendFragment(reply, <VerifyResultView req={req} r={r} />);
      const { view } = await auditView(req, {});
      return sendPage(reply, <AuditPage req={req} view={view} verify={r} />);
    });
  },
};
