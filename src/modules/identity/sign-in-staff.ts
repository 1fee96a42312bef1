import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { audit } from '../../platform/audit/index.ts';
import { SignInThrottle } from '../../platform/auth/throttle.ts';
import { verifyPassword } from '../../platform/auth/password.ts';
import { matchTotp } from '../../platform/auth/totp.ts';
import { TOTP_REQUIRED_ROLES, type Principal, type StaffRole } from '../../platform/auth/roles.ts';

export { MAX_FAILED_SIGN_INS as MAX_FAILED_LOGINS, LOCKOUT_MINUTES } from '../../platform/auth/throttle.ts';

export const StaffSignInInput = z.object({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(200),
  otp: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'must be 6 digits')
    .optional(),
});
export type StaffSignInInput = z.infer<typeof StaffSignInInput>;

const invalid = () =>
  new AppError('INVALID_CREDENTIALS', { vi: 'Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng', en: 'Wrong username, password or code' });

type Reason = 'unknown-user' | 'disabled' | 'password' | 'otp-missing' | 'otp-wrong' | 'otp-replayed' | 'otp-not-set-up';

/**
 * Signs an official in: argon2id password, then a TOTP code when the account has one (always
 * for administrators and signers). Every attempt is counted before it is checked (see
 * SignInThrottle): five failures lock the name for fifteen minutes, whether or not an account
 * has it. A right password with a missing or wrong code is a failure like any other, and the
 * answer never says which part was wrong, nor whether the account exists. Each TOTP time step
 * is spent once per account, in one statement, so parallel sign-ins cannot share a code.
 */
export async function signInStaff(ctx: Ctx, input: StaffSignInInput, meta: { ip: string }): Promise<Extract<Principal, { kind: 'staff' }>> {
  const { db } = ctx.database;
  const throttle = new SignInThrottle(db);
  const target = `staff:${input.username}`;
  const attempt = await throttle.reserve(input.username);
  if (!attempt.allowed) {
    await audit(db, { actor: 'anonymous', action: 'auth.login.locked', target, data: { ip: meta.ip } });
    throw lockedError(attempt.lockedUntil);
  }
  const fail = async (reason: Reason): Promise<never> => {
    await audit(db, {
      actor: 'anonymous',
      action: attempt.lockedUntil ? 'auth.lockout' : 'auth.login.failed',
      target,
      data: { ip: meta.ip, reason, failures: attempt.failures },
    });
    throw attempt.lockedUntil ? lockedError(attempt.lockedUntil) : invalid();
  };

  const staff = await db.selectFrom('staff').selectAll().where('username', '=', input.username).executeTakeFirst();
  if (!staff?.active) {
    await verifyPassword(null, input.password);
    return fail(staff ? 'disabled' : 'unknown-user');
  }
  const roles = await db.selectFrom('staff_roles').select(['role', 'unit_id']).where('staff_id', '=', staff.id).execute();
  // After an administrator cleared the TOTP secret, the official signs in with the temporary
  // password alone, to set a password and enrol a new secret: such a session holds no role
  // that needs a second factor (see currentPrincipal) until a sign-in with a code.
  const enrolling = !staff.totp_secret && staff.must_change_password;
  const needsOtp = !enrolling && (Boolean(staff.totp_secret) || roles.some((r) => TOTP_REQUIRED_ROLES.includes(r.role as StaffRole)));

  if (!(await verifyPassword(staff.password_hash, input.password))) return fail('password');
  let step: number | null = null;
  if (needsOtp) {
    if (!input.otp) return fail('otp-missing');
    if (!staff.totp_secret) return fail('otp-not-set-up');
    step = matchTotp(staff.totp_secret, input.otp, null);
    if (step === null) return fail('otp-wrong');
    // Spending the step is the check: of parallel sign-ins with one code, one updates the row.
    const spent = await db
      .updateTable('staff')
      .set({ totp_last_step: step })
      .where('id', '=', staff.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step!)]))
      .returning('id')
      .executeTakeFirst();
    if (!spent) return fail('otp-replayed');
  }
  await throttle.clear(input.username);
  const mfa = step !== null;
  await audit(db, {
    actor: `staff:${staff.username}`,
    action: 'auth.login',
    data: { ip: meta.ip, otp: mfa, ...(staff.must_change_password ? { mustChangePassword: true } : {}) },
  });
  return {
    kind: 'staff',
    id: staff.id,
    username: staff.username,
    name: staff.full_name,
    roles: roles.map((r) => ({ role: r.role as StaffRole, unitId: r.unit_id })).filter((r) => mfa || !TOTP_REQUIRED_ROLES.includes(r.role)),
    mfa,
    ...(staff.must_change_password ? { mustChangePassword: true } : {}),
  };
}

function lockedError(until: Date) {
  const t = until.toISOString();
  return new AppError('ACCOUNT_LOCKED', {
    vi: `Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau ${until.toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}`,
    en: `Account locked after repeated failures; try again after ${t}`,
  });
}
