import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { hashPassword, passwordProblems } from '../../platform/auth/password.ts';
import { endStaffSessions } from '../../platform/auth/sessions.ts';
import { SignInThrottle } from '../../platform/auth/throttle.ts';
import { bi } from '../../platform/http/validation.ts';

/**
 * What to reset. The password is `generate`d (shown once to the administrator), `set` to the
 * typed temporary password, or `keep`; the TOTP secret is cleared or kept. Both fields are
 * required: a reset is never what an empty request means.
 */
export const ResetCredentialsInput = z
  .object({
    password: z.enum(['generate', 'set', 'keep']),
    temporaryPassword: z.string().max(200).optional(),
    resetTotp: z.boolean(),
  })
  .refine((v) => v.password !== 'keep' || v.resetTotp, {
    path: ['password'],
    message: bi('Chọn đặt lại mật khẩu, TOTP hoặc cả hai', 'Reset the password, the TOTP or both'),
  });
export type ResetCredentialsInput = z.infer<typeof ResetCredentialsInput>;

export interface ResetOutcome {
  username: string;
  /** The generated temporary password, returned here only; null when typed or kept. */
  temporaryPassword: string | null;
  passwordReset: boolean;
  totpReset: boolean;
  sessionsEnded: number;
}

// No 0/O, 1/l/I: the password is read out or copied by hand.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 16 random characters (about 93 bits) in groups of four, e.g. `k7Qm-x2Rt-…`. */
export function generateTemporaryPassword(): string {
  const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/**
 * An administrator resets an official's credentials: a temporary password and/or a cleared
 * TOTP secret. Either way the official must set a password of their own at the next sign-in
 * (and, with the TOTP cleared and a role that needs one, enrol a new secret there; until then
 * the session holds no such role). Every session of the account ends at once; bearer tokens
 * already issued are held at the change-password gate on their next use, since that flag is
 * read on every request. A sign-in lockout on the name is lifted. Audited with actor and
 * target in the same transaction; the audit entry never holds the password.
 */
export async function resetStaffCredentials(ctx: Ctx, username: string, input: ResetCredentialsInput, actor: string): Promise<ResetOutcome> {
  let temporary: string | null = null;
  if (input.password === 'set') {
    const problem =
      input.temporaryPassword === undefined || input.temporaryPassword === ''
        ? { vi: 'Nhập mật khẩu tạm thời', en: 'Enter the temporary password' }
        : passwordProblems(input.temporaryPassword);
    if (problem) {
      const vi = `Mật khẩu tạm thời: ${problem.vi.charAt(0).toLowerCase()}${problem.vi.slice(1)}`;
      const en = `Temporary password: ${problem.en.charAt(0).toLowerCase()}${problem.en.slice(1)}`;
      throw new AppError('VALIDATION_FAILED', { vi, en }, [{ path: 'temporaryPassword', message: vi, messageEn: en }]);
    }
    temporary = input.temporaryPassword!;
  } else if (input.password === 'generate') temporary = generateTemporaryPassword();
  const hash = temporary === null ? null : await hashPassword(temporary);

  return ctx.database.db.transaction().execute(async (t) => {
    const s = await t.selectFrom('staff').select(['id', 'username']).where('username', '=', username.toLowerCase()).forUpdate().executeTakeFirst();
    if (!s) throw notFound({ vi: `cán bộ ${username}`, en: `Staff ${username}` });
    await t
      .updateTable('staff')
      .set({
        must_change_password: true,
        password_changed_at: new Date(),
        ...(hash ? { password_hash: hash } : {}),
        ...(input.resetTotp ? { totp_secret: null, totp_last_step: null, totp_pending_secret: null } : {}),
      })
      .where('id', '=', s.id)
      .execute();
    const sessionsEnded = await endStaffSessions(t, s.id);
    await new SignInThrottle(t).clear(s.username);
    await recordAudit(t, {
      actor,
      action: 'org.staff.credentials.reset',
      target: `staff:${s.username}`,
      data: { password: hash !== null, passwordGenerated: input.password === 'generate', totp: input.resetTotp, sessionsEnded },
    });
    return {
      username: s.username,
      temporaryPassword: input.password === 'generate' ? temporary : null,
      passwordReset: hash !== null,
      totpReset: input.resetTotp,
      sessionsEnded,
    };
  });
}
