import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { batchLookup } from '../../platform/db/batch.ts';
import { TOTP_REQUIRED_ROLES, type Principal, type StaffRole } from '../../platform/auth/roles.ts';

interface StaffNow {
  username: string;
  name: string;
  active: boolean;
  mustChangePassword: boolean;
  /** Seconds since the epoch: the last reset or change of the password. */
  credentialsSince: number | null;
  roles: { role: StaffRole; unitId: string }[];
}

interface ServiceNow {
  name: string;
  active: boolean;
  scopes: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the holder of a session or bearer token may do now. Sessions and tokens only name an
 * account; its roles, units and whether it is still active are read on every request, so an
 * administrator's change takes effect on the official's next request, on every node, with no
 * cache to invalidate. Concurrent requests share one query (batchLookup). Roles that need a
 * second factor are dropped from a session that signed in without one: they were granted
 * after that sign-in, and count from the next one.
 */
export function currentPrincipal(ctx: Ctx): (p: Principal) => Promise<Principal | null> {
  const staffNow = batchLookup<string, StaffNow>(async (ids) => {
    const rows = await sql<{
      id: string;
      username: string;
      full_name: string;
      active: boolean;
      must_change_password: boolean;
      password_changed_at: Date | string | null;
      roles: { role: StaffRole; unitId: string }[];
    }>`
      select s.id, s.username, s.full_name, s.active, s.must_change_password, s.password_changed_at,
        coalesce(json_agg(json_build_object('role', r.role, 'unitId', r.unit_id) order by r.unit_id, r.role) filter (where r.staff_id is not null), '[]') as roles
      from staff s left join staff_roles r on r.staff_id = s.id
      where s.id = any(${ids}::uuid[])
      group by s.id`.execute(ctx.database.db);
    return new Map(
      rows.rows.map((r) => [
        r.id,
        {
          username: r.username,
          name: r.full_name,
          active: r.active,
          mustChangePassword: r.must_change_password,
          credentialsSince: r.password_changed_at ? Math.floor(new Date(r.password_changed_at).getTime() / 1000) : null,
          roles: r.roles,
        },
      ]),
    );
  });
  const serviceNow = batchLookup<string, ServiceNow>(async (ids) => {
    const rows = await ctx.database.db.selectFrom('service_accounts').select(['client_id', 'name', 'active', 'scopes']).where('client_id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.client_id, { name: r.name, active: r.active, scopes: r.scopes }]));
  });

  return async (p) => {
    switch (p.kind) {
      case 'citizen':
        return p;
      case 'service': {
        const now = await serviceNow(p.clientId);
        if (!now?.active) return null;
        // Scopes withdrawn from the account are withdrawn from its tokens too.
        return { ...p, name: now.name, scopes: p.scopes.filter((s) => now.scopes.includes(s)) };
      }
      case 'staff': {
        if (!UUID.test(p.id)) return null;
        const now = await staffNow(p.id.toLowerCase());
        if (!now?.active) return null;
        // A token issued before the password was last reset or changed (by whoever held the
        // old one) is worthless; sessions of that time were deleted with the change.
        if (p.issuedAt !== undefined && now.credentialsSince !== null && p.issuedAt < now.credentialsSince) return null;
        const roles = p.mfa ? now.roles : now.roles.filter((r) => !TOTP_REQUIRED_ROLES.includes(r.role));
        return {
          kind: 'staff',
          id: p.id,
          username: now.username,
          name: now.name,
          roles,
          ...(p.mfa ? { mfa: true } : {}),
          ...(now.mustChangePassword ? { mustChangePassword: true } : {}),
        };
      }
    }
  };
}

export const passwordChangeRequired = () =>
  new AppError('PASSWORD_CHANGE_REQUIRED', {
    vi: 'Cần đổi mật khẩu trước: quản trị viên đã đặt lại thông tin đăng nhập của bạn',
    en: 'Change your password first: an administrator has reset your credentials',
  });

/**
 * The one check for accounts whose credentials an administrator reset (staff.must_change_password,
 * read with the roles on every request): such a session or token reaches only the routes named
 * in `open` (the change-password page and API, sign-out) and public routes, which grant nothing.
 * Any other page redirects to the change-password page; any other API call answers 403
 * PASSWORD_CHANGE_REQUIRED. Registered once as an onRequest hook, after the principal is
 * resolved and before each route's access check.
 */
export function passwordChangeGate(opts: { page: string; open: readonly string[] }) {
  const open = new Set(opts.open);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const p = req.principal;
    if (p?.kind !== 'staff' || !p.mustChangePassword) return;
    const route = req.routeOptions;
    const access = (route.config as { access?: unknown } | undefined)?.access;
    if (!route.url || access === undefined || access === 'public') return;
    if (open.has(`${req.method} ${route.url}`)) return;
    if (req.url.startsWith('/api/')) throw passwordChangeRequired();
    return reply.redirect(opts.page, req.method === 'GET' || req.method === 'HEAD' ? 302 : 303);
  };
}

/**
 * Display names of the accounts behind actor strings (`citizen:<id>`, `service:<clientId>`),
 * one query per kind, for lists that show people rather than ids (the audit trail page).
 * Officials are named by the organisation module (staffNames).
 */
export async function accountNames(ctx: Ctx, actors: readonly string[]): Promise<Map<string, string>> {
  const ids = (prefix: string) => [...new Set(actors.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length)))].slice(0, 1000);
  const citizens = ids('citizen:').filter((id) => UUID.test(id));
  const services = ids('service:');
  const { db } = ctx.database;
  const [c, s] = await Promise.all([
    citizens.length ? db.selectFrom('citizens').select(['id', 'full_name']).where('id', 'in', citizens).execute() : [],
    services.length ? db.selectFrom('service_accounts').select(['client_id', 'name']).where('client_id', 'in', services).execute() : [],
  ]);
  return new Map([...c.map((r) => [`citizen:${r.id}`, r.full_name] as const), ...s.map((r) => [`service:${r.client_id}`, r.name] as const)]);
}
