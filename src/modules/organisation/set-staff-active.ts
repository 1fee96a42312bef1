import { sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { SignInThrottle } from '../../platform/auth/throttle.ts';

export const SetActiveInput = z.object({ active: z.boolean() });

/**
 * Enables or disables an official's account. Disabling ends their sessions at once, and
 * every request checks the account is still active, so bearer tokens already issued stop
 * working on their next use. Enabling also lifts a sign-in lockout.
 */
export async function setStaffActive(ctx: Ctx, username: string, active: boolean, actor: string): Promise<void> {
  await ctx.database.db.transaction().execute(async (t) => {
    const s = await t.updateTable('staff').set({ active }).where('username', '=', username).returning('id').executeTakeFirst();
    if (!s) throw notFound({ vi: `cán bộ ${username}`, en: `Staff ${username}` });
    if (active) await new SignInThrottle(t).clear(username);
    if (!active) await sql`delete from sessions where principal->>'id' = ${s.id}`.execute(t);
    await recordAudit(t, { actor, action: active ? 'org.staff.enable' : 'org.staff.disable', target: `staff:${username}` });
  });
}
