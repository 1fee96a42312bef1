import { sql } from 'kysely';
import type { Queryable } from '../db/index.ts';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;

export type Attempt = { allowed: true; failures: number; lockedUntil: Date | null } | { allowed: false; lockedUntil: Date };

/**
 * Counts sign-in attempts per username before their password is checked. Each attempt takes
 * a number in one atomic statement; the one that reaches the limit locks the name, and while
 * it is locked no attempt is evaluated at all. Counting first is what stops parallel guesses:
 * counting after the (slow, deliberately) password check let 31 simultaneous guesses all be
 * evaluated. A successful sign-in clears the count. Unknown usernames are counted the same
 * way, so a lockout says nothing about whether an account exists.
 */
export class SignInThrottle {
  constructor(private db: Queryable) {}

  async reserve(username: string): Promise<Attempt> {
    const max = MAX_FAILED_SIGN_INS;
    const lockFor = `${LOCKOUT_MINUTES} minutes`;
    // A lock that has run out starts the count again at this attempt.
    const r = await sql<{ failures: number; locked_until: Date | null }>`
      insert into sign_in_failures as f (username, failures, locked_until, updated_at)
      values (${username}, 1, case when 1 >= ${max} then now() + ${lockFor}::interval end, now())
      on conflict (username) do update set
        failures = case when f.locked_until is not null then 1 else f.failures + 1 end,
        locked_until = case when (case when f.locked_until is not null then 1 else f.failures + 1 end) >= ${max} then now() + ${lockFor}::interval end,
        updated_at = now()
      where f.locked_until is null or f.locked_until <= now()
      returning failures, locked_until`.execute(this.db);
    const row = r.rows[0];
    if (row) return { allowed: true, failures: row.failures, lockedUntil: row.locked_until ? new Date(row.locked_until) : null };
    const held = await this.db.selectFrom('sign_in_failures').select('locked_until').where('username', '=', username).executeTakeFirst();
    return { allowed: false, lockedUntil: held?.locked_until ? new Date(held.locked_until) : new Date(Date.now() + LOCKOUT_MINUTES * 60_000) };
  }

  async clear(username: string): Promise<void> {
    await this.db.deleteFrom('sign_in_failures').where('username', '=', username).execute();
  }

  /** Counts nobody has touched for a day, and locks long over, are forgotten. */
  async purge(): Promise<number> {
    const r = await this.db.deleteFrom('sign_in_failures').where('updated_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
