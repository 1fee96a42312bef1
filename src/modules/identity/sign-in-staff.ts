import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { audit, recordAudit } from '../../platform/audit/index.ts';
import { verifyPassword } from '../../platform/auth/password.ts';
import { matchTotp } from '../../platform/auth/totp.ts';
import { TOTP_REQUIRED_ROLES, type Principal, type StaffRole } from '../../platform/auth/roles.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

export const StaffSignInInput = z.object({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(200),
  otp: z.string().trim().regex(/^\d{6}$/, 'must be 6 digits').optional(),
});
export type StaffSignInInput = z.infer<typeof StaffSignInInput>;

const invalid = () =>
  new AppError('INVALID_CREDENTIALS', { vi: 'Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng', en: 'Wrong username, password or code' });

/**
 * Signs an official in: argon2id password, then a TOTP code when the account has one (always
 * for administrators and signers). Five failures lock the account for fifteen minutes.
 */
export async function signInStaff(ctx: Ctx, input: StaffSignInInput, meta: { ip: string }): Promise<Extract<Principal, { kind: 'staff' }>> {
  const { db } = ctx.database;
  const staff = await db.selectFrom('staff').selectAll().where('username', '=', input.username).executeTakeFirst();
  if (!staff || !staff.active) {
    await verifyPassword(null, input.password);
    await audit(db, { actor: `anonymous`, action: 'auth.login.failed', target: `staff:${input.username}`, data: { ip: meta.ip, reason: 'unknown-user' } });
    throw invalid();
  }
  if (staff.locked_until && new Date(staff.locked_until) > new Date()) {
    await audit(db, { actor: `staff:${staff.username}`, action: 'auth.login.locked', data: { ip: meta.ip } });
    throw lockedError(new Date(staff.locked_until));
  }
  const roles = await db.selectFrom('staff_roles').select(['role', 'unit_id']).where('staff_id', '=', staff.id).execute();
  const needsOtp = Boolean(staff.totp_secret) || roles.some((r) => TOTP_REQUIRED_ROLES.includes(r.role as StaffRole));

  const passwordOk = await verifyPassword(staff.password_hash, input.password);
  if (passwordOk && needsOtp && !input.otp) {
    throw new AppError('OTP_REQUIRED', { vi: 'Nhập mã xác thực 6 chữ số từ ứng dụng xác thực', en: 'Enter the 6-digit code from your authenticator app' });
  }
  const step = passwordOk && needsOtp ? (staff.totp_secret ? matchTotp(staff.totp_secret, input.otp!, staff.totp_last_step) : null) : undefined;
  if (!passwordOk || step === null) {
    const failures = staff.failed_logins + 1;
    const lockedUntil = failures >= MAX_FAILED_LOGINS ? new Date(Date.now() + LOCKOUT_MINUTES * 60_000) : null;
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('staff').set({ failed_logins: lockedUntil ? 0 : failures, locked_until: lockedUntil }).where('id', '=', staff.id).execute();
      await recordAudit(tx, { actor: `staff:${staff.username}`, action: lockedUntil ? 'auth.lockout' : 'auth.login.failed', data: { ip: meta.ip, reason: passwordOk ? 'otp' : 'password', failures } });
    });
    if (lockedUntil) throw lockedError(lockedUntil);
    throw invalid();
  }
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('staff').set({ failed_logins: 0, locked_until: null, ...(step ? { totp_last_step: step } : {}) }).where('id', '=', staff.id).execute();
    await recordAudit(tx, { actor: `staff:${staff.username}`, action: 'auth.login', data: { ip: meta.ip, otp: Boolean(step) } });
  });
  return {
    kind: 'staff',
    id: staff.id,
    username: staff.username,
    name: staff.full_name,
    roles: roles.map((r) => ({ role: r.role as StaffRole, unitId: r.unit_id })),
  };
}

function lockedError(until: Date) {
  const t = until.toISOString();
  return new AppError('ACCOUNT_LOCKED', {
    vi: `Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau ${until.toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}`,
    en: `Account locked after repeated failures; try again after ${t}`,
  });
}
