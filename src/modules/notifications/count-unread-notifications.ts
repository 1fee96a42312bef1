import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';

/** Counted up to this many: the header shows "99+" beyond, and the count never grows with history. */
export const UNREAD_CAP = 100;

/**
 * How many of the citizen's notifications are unread, up to UNREAD_CAP. Every portal page a
 * citizen opens shows it, so it is one read of the partial index of unread rows.
 */
export async function countUnreadNotifications(ctx: Ctx, citizenId: string): Promise<number> {
  const unread = ctx.database.db
    .selectFrom('citizen_notifications')
    .select(sql`1`.as('one'))
    .where('citizen_id', '=', citizenId)
    .where('read_at', 'is', null)
    .limit(UNREAD_CAP);
  const r = await ctx.database.db
    .selectFrom(unread.as('u'))
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
