import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { batchLookup } from '../../platform/db/batch.ts';
import { TOTP_REQUIRED_ROLES, type Principal, type StaffRole } from '../../platform/auth/roles.ts';

interface StaffNow {
  username: string;
  name: string;
  active: boolean;
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
    const rows = await sql<{ id: string; username: string; full_name: string; active: boolean; roles: { role: StaffRole; unitId: string }[] }>`
      select s.id, s.username, s.full_name, s.active,
        coalesce(json_agg(json_build_object('role', r.role, 'unitId', r.unit_id) order by r.unit_id, r.role) filter (where r.staff_id is not null), '[]') as roles
      from staff s left join staff_roles r on r.staff_id = s.id
      where s.id = any(${ids}::uuid[])
      group by s.id`.execute(ctx.database.db);
    return new Map(rows.rows.map((r) => [r.id, { username: r.username, name: r.full_name, active: r.active, roles: r.roles }]));
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
        const roles = p.mfa ? now.roles : now.roles.filter((r) => !TOTP_REQUIRED_ROLES.includes(r.role));
        return { kind: 'staff', id: p.id, username: now.username, name: now.name, roles, ...(p.mfa ? { mfa: true } : {}) };
      }
    }
  };
}
