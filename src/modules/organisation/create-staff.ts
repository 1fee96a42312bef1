import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { hashPassword, passwordProblems } from '../../platform/auth/password.ts';
import { newTotpSecret } from '../../platform/auth/totp.ts';
import { TOTP_REQUIRED_ROLES } from '../../platform/auth/roles.ts';
import type { StaffInput } from './schemas.ts';
import { replaceRoles } from './set-staff-roles.ts';

/**
 * Creates an official's account. Administrators and signers get a TOTP secret at once,
 * returned here only, for the enrolment QR code.
 */
export async function createStaff(
  ctx: Ctx,
  input: StaffInput & { totpSecret?: string | null },
  actor: string,
  tx?: Tx,
): Promise<{ id: string; totpSecret: string | null }> {
  const problem = passwordProblems(input.password);
  if (problem) throw new AppError('VALIDATION_FAILED', problem, [{ path: 'password', message: problem.vi, messageEn: problem.en }]);
  const passwordHash = await hashPassword(input.password);
  const totpSecret = input.totpSecret ?? (input.roles.some((r) => TOTP_REQUIRED_ROLES.includes(r.role)) ? newTotpSecret() : null);
  const run = async (t: Tx) => {
    const row = await t
      .insertInto('staff')
      .values({ username: input.username, full_name: input.fullName, email: input.email ?? null, password_hash: passwordHash, totp_secret: totpSecret })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new AppError('USERNAME_TAKEN', { vi: `Tên đăng nhập ${input.username} đã được dùng`, en: `Username ${input.username} is taken` });
    await replaceRoles(t, row.id, input.roles);
    await recordAudit(t, { actor, action: 'org.staff.create', target: `staff:${input.username}`, data: { fullName: input.fullName, roles: input.roles } });
    return { id: row.id, totpSecret };
  };
  return tx ? run(tx) : ctx.database.db.transaction().execute(run);
}
