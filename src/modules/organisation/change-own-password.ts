import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { audit, recordAudit } from '../../platform/audit/index.ts';
import { hashPassword, passwordProblems, verifyPassword } from '../../platform/auth/password.ts';
import { endStaffSessions } from '../../platform/auth/sessions.ts';
import { SignInThrottle } from '../../platform/auth/throttle.ts';
import { matchTotp, newTotpSecret, totpUri } from '../../platform/auth/totp.ts';
import { TOTP_REQUIRED_ROLES, type Principal, type StaffRole } from '../../platform/auth/roles.ts';

/** Empty fields arrive as empty strings from the page; the checks below name each one. */
export const ChangePasswordInput = z.object({
  currentPassword: z.string().max(200).default(''),
  newPassword: z.string().max(1000).default(''),
  confirmPassword: z.string().max(1000).optional(),
  otp: z.string().trim().max(20).optional(),
});
export type ChangePasswordInput = z.input<typeof ChangePasswordInput>;

type Staff = Extract<Principal, { kind: 'staff' }>;

export interface PasswordState {
  mustChangePassword: boolean;
  /** A role needs a second factor and the account has no secret: one is enrolled with the change. */
  totpEnrolment: { secret: string; uri: string } | null;
}

/**
 * What the change-password page shows the official: whether the change is required, and the
 * TOTP secret to enrol when an administrator cleared theirs and a role needs one. The secret
 * is made once and kept as pending until a code from it is entered with the new password.
 */
export async function passwordState(ctx: Ctx, p: Staff): Promise<PasswordState> {
  const { db } = ctx.database;
  const s = await db
    .selectFrom('staff')
    .select(['id', 'username', 'must_change_password', 'totp_secret', 'totp_pending_secret'])
    .where('id', '=', p.id)
    .executeTakeFirstOrThrow();
  if (s.totp_secret || !(await needsTotp(ctx, s.id))) return { mustChangePassword: s.must_change_password, totpEnrolment: null };
  let secret = s.totp_pending_secret;
  if (!secret) {
    const candidate = newTotpSecret();
    // Two pages opened at once keep one secret: the first writer's.
    await db.updateTable('staff').set({ totp_pending_secret: candidate }).where('id', '=', s.id).where('totp_pending_secret', 'is', null).execute();
    secret = (await db.selectFrom('staff').select('totp_pending_secret').where('id', '=', s.id).executeTakeFirstOrThrow()).totp_pending_secret!;
  }
  return { mustChangePassword: s.must_change_password, totpEnrolment: { secret, uri: totpUri(secret, s.username) } };
}

async function needsTotp(ctx: Ctx, staffId: string): Promise<boolean> {
  const roles = await ctx.database.db.selectFrom('staff_roles').select('role').where('staff_id', '=', staffId).execute();
  return roles.some((r) => TOTP_REQUIRED_ROLES.includes(r.role as StaffRole));
}

export interface ChangeOutcome {
  totpEnrolled: boolean;
  /**
   * The session was signed in without a second factor while a role needs one: those roles
   * count only from a sign-in with a code, so the official signs in again.
   */
  signInAgain: boolean;
}

const fieldError = (path: string, vi: string, en: string): ErrorDetail => ({ path, message: vi, messageEn: en });

/**
 * An official changes their own password: the current one (the temporary one after a reset)
 * is required, the new one must meet the password rule, differ from the current one and be
 * typed twice alike (when the confirmation is sent). A wrong current password is a failed
 * sign-in like any other: counted by SignInThrottle before it is checked (five lock the name
 * for fifteen minutes) and audited. Success clears must_change_password, enrols the pending
 * TOTP secret when one is due (the code must match it), ends the account's other sessions and
 * is audited, all in one transaction.
 */
export async function changeOwnPassword(ctx: Ctx, p: Staff, raw: ChangePasswordInput, meta: { ip: string; sessionId?: string }): Promise<ChangeOutcome> {
  const input = ChangePasswordInput.parse(raw);
  const details: ErrorDetail[] = [];
  if (!input.currentPassword) details.push(fieldError('currentPassword', 'Nhập mật khẩu hiện tại', 'Enter your current password'));
  const problem = input.newPassword ? passwordProblems(input.newPassword) : { vi: 'Nhập mật khẩu mới', en: 'Enter a new password' };
  if (problem) details.push(fieldError('newPassword', problem.vi.replace(/^Mật khẩu /, 'Mật khẩu mới '), problem.en.replace(/^Password /, 'New password ')));
  else if (input.newPassword === input.currentPassword)
    details.push(fieldError('newPassword', 'Mật khẩu mới phải khác mật khẩu hiện tại', 'The new password must differ from the current one'));
  if (input.confirmPassword !== undefined && input.confirmPassword !== input.newPassword)
    details.push(fieldError('confirmPassword', 'Nhập lại mật khẩu mới: không khớp với mật khẩu mới', 'Confirm the new password: it does not match'));
  const state = await passwordState(ctx, p);
  const enrolment = state.totpEnrolment;
  if (enrolment && !/^\d{6}$/.test(input.otp ?? ''))
    details.push(fieldError('otp', 'Mã xác thực: nhập 6 chữ số từ ứng dụng xác thực', 'Authentication code: enter the 6 digits from your authenticator app'));
  if (details.length) throw invalid(details);

  const { db } = ctx.database;
  const target = `staff:${p.username}`;
  const throttle = new SignInThrottle(db);
  const attempt = await throttle.reserve(p.username);
  if (!attempt.allowed) {
    await audit(db, { actor: target, action: 'auth.password.change.locked', target, data: { ip: meta.ip } });
    throw new AppError('ACCOUNT_LOCKED', {
      vi: 'Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; thử lại sau 15 phút',
      en: 'Account locked after repeated wrong passwords; try again in 15 minutes',
    });
  }
  const s = await db.selectFrom('staff').select(['id', 'password_hash', 'must_change_password']).where('id', '=', p.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(s.password_hash, input.currentPassword))) {
    await audit(db, { actor: target, action: 'auth.password.change.failed', target, data: { ip: meta.ip, reason: 'password', failures: attempt.failures } });
    throw invalid([fieldError('currentPassword', 'Mật khẩu hiện tại không đúng', 'The current password is wrong')]);
  }
  const step = enrolment ? matchTotp(enrolment.secret, input.otp!, null) : null;
  if (enrolment && step === null) {
    await audit(db, { actor: target, action: 'auth.password.change.failed', target, data: { ip: meta.ip, reason: 'otp', failures: attempt.failures } });
    throw invalid([
      fieldError('otp', 'Mã xác thực không đúng: nhập mã đang hiển thị trong ứng dụng', 'Wrong authentication code: enter the one your app shows now'),
    ]);
  }
  const hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (t) => {
    await t
      .updateTable('staff')
      .set({
        password_hash: hash,
        must_change_password: false,
        password_changed_at: new Date(),
        ...(enrolment ? { totp_secret: enrolment.secret, totp_last_step: step, totp_pending_secret: null } : {}),
      })
      .where('id', '=', p.id)
      .execute();
    await endStaffSessions(t, p.id, meta.sessionId);
    await new SignInThrottle(t).clear(p.username);
    await recordAudit(t, {
      actor: target,
      action: 'auth.password.change',
      target,
      data: { ip: meta.ip, required: s.must_change_password, totpEnrolled: Boolean(enrolment) },
    });
  });
  return { totpEnrolled: Boolean(enrolment), signInAgain: !p.mfa && (await needsTotp(ctx, p.id)) };
}

function invalid(details: ErrorDetail[]) {
  const first = details[0];
  return new AppError('VALIDATION_FAILED', { vi: first.message, en: first.messageEn }, details);
}
