import type { Ctx } from '../../platform/context.ts';

/**
 * The applicants' names of dossiers, by code, in one query: for lists that name the people a
 * record is about (the audit trail page). Codes that name no dossier are absent.
 */
export async function applicantNames(ctx: Ctx, codes: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(codes)].slice(0, 1000);
  if (!unique.length) return new Map();
  const rows = await ctx.database.db.selectFrom('dossiers').select(['code', 'applicant']).where('code', 'in', unique).execute();
  return new Map(rows.map((r) => [r.code, String((r.applicant as { name?: unknown } | null)?.name ?? '')]));
}
