import type { Ctx } from '../../platform/context.ts';

/** Units' names (Vietnamese, and English when recorded) by id, in one query. */
export async function unitNames(ctx: Ctx, ids: readonly string[]): Promise<Map<string, { name: string; nameEn: string | null }>> {
  const unique = [...new Set(ids)].slice(0, 1000);
  if (!unique.length) return new Map();
  const rows = await ctx.database.db.selectFrom('org_units').select(['id', 'name', 'name_en']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, nameEn: r.name_en }]));
}

/** Usernames of officials whose full name contains the text (letter case aside; accents as typed), for the audit filter. */
export async function findStaffByName(ctx: Ctx, text: string, limit = 50): Promise<string[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await ctx.database.db.selectFrom('staff').select('username').where('full_name', 'ilike', pattern).orderBy('username').limit(limit).execute();
  return rows.map((r) => r.username);
}
