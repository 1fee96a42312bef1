import type { Ctx } from '../../platform/context.ts';
import type { Staff } from './schemas.ts';

export async function listStaff(ctx: Ctx): Promise<Staff[]> {
  const { db } = ctx.database;
  const [people, roles] = await Promise.all([
    db.selectFrom('staff').select(['id', 'username', 'full_name', 'email', 'active', 'totp_secret']).orderBy('username').execute(),
    db.selectFrom('staff_roles').selectAll().orderBy('unit_id').execute(),
  ]);
  return people.map((p) => ({
    id: p.id,
    username: p.username,
    fullName: p.full_name,
    email: p.email,
    active: p.active,
    totpEnabled: Boolean(p.totp_secret),
    roles: roles.filter((r) => r.staff_id === p.id).map((r) => ({ role: r.role, unitId: r.unit_id })),
  }));
}
