import type { Ctx } from '../../platform/context.ts';

/** The account of the citizen or business with this identifier, if they ever signed in. */
export async function findCitizen(ctx: Ctx, identifier: string): Promise<string | null> {
  const row = await ctx.database.db
    .selectFrom('citizens')
    .select('id')
    .where('identifier', '=', identifier)
    .orderBy('last_login_at', 'desc')
    .executeTakeFirst();
  return row?.id ?? null;
}
