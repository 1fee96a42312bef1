import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { newTotpSecret } from '../../platform/auth/totp.ts';
import { TOTP_REQUIRED_ROLES } from '../../platform/auth/roles.ts';
import { RoleAssignment } from './schemas.ts';

export const SetRolesInput = z.object({ roles: z.array(RoleAssignment).max(50) });

export async function replaceRoles(t: Tx, staffId: string, roles: z.infer<typeof RoleAssignment>[]) {
  const units = new Set((await t.selectFrom('org_units').select('id').execute()).map((u) => u.id));
  const missing = roles.filter((r) => !units.has(r.unitId));
  if (missing.length) {
    throw new AppError('VALIDATION_FAILED', {
      vi: `Không có đơn vị: ${missing.map((m) => m.unitId).join(', ')}`,
      en: `Unknown units: ${missing.map((m) => m.unitId).join(', ')}`,
    });
  }
  await t.deleteFrom('staff_roles').where('staff_id', '=', staffId).execute();
  const unique = [...new Map(roles.map((r) => [`${r.role}@${r.unitId}`, r])).values()];
  if (unique.length)
    await t
      .insertInto('staff_roles')
      .values(unique.map((r) => ({ staff_id: staffId, unit_id: r.unitId, role: r.role })))
      .execute();
}

/** Replaces an official's roles. Gaining a signer or administrator role issues a TOTP secret. */
export async function setStaffRoles(ctx: Ctx, username: string, input: z.infer<typeof SetRolesInput>, actor: string): Promise<{ totpSecret: string | null }> {
  return ctx.database.db.transaction().execute(async (t) => {
    const s = await t.selectFrom('staff').select(['id', 'totp_secret']).where('username', '=', username).executeTakeFirst();
    if (!s) throw notFound({ vi: `cán bộ ${username}`, en: `Staff ${username}` });
    await replaceRoles(t, s.id, input.roles);
    let issued: string | null = null;
    if (!s.totp_secret && input.roles.some((r) => TOTP_REQUIRED_ROLES.includes(r.role))) {
      issued = newTotpSecret();
      await t.updateTable('staff').set({ totp_secret: issued, totp_last_step: null }).where('id', '=', s.id).execute();
    }
    await recordAudit(t, { actor, action: 'org.staff.roles', target: `staff:${username}`, data: { roles: input.roles } });
    return { totpSecret: issued };
  });
}
