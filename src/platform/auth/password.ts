import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const OPTS = { algorithm: 2 /* Argon2id; the package exports it as a const enum */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (pw: string) => hash(pw, OPTS);

let dummy: Promise<string> | undefined;

/** Verifies; with no stored hash it still spends the same time, so unknown usernames don't show. */
export async function verifyPassword(stored: string | null, pw: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassword('dummy-password-for-timing');
    await verify(await dummy, pw).catch(() => false);
    return false;
  }
  return verify(stored, pw).catch(() => false);
}

/** Minimum rule for officials' passwords; the message names what is missing. */
export function passwordProblems(pw: string): { vi: string; en: string } | null {
  if (pw.length < 10) return { vi: 'Mật khẩu phải có ít nhất 10 ký tự', en: 'Password must be at least 10 characters' };
  if (pw.length > 200) return { vi: 'Mật khẩu quá dài (tối đa 200 ký tự)', en: 'Password is too long (200 characters at most)' };
  return null;
}
