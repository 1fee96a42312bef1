import type { Ctx } from '../../platform/context.ts';

/**
 * Our code of the dossier filed on the National Public Service Portal under `nationalCode`
 * (its MaHoSo), or null: a second delivery of the same dossier finds the first filing
 * (national-portal/receive-national-dossier.ts). Unique by migrations/0032-national-inbound.sql.
 */
export async function findNationalDossier(ctx: Ctx, nationalCode: string): Promise<string | null> {
  const row = await ctx.database.db.selectFrom('dossiers').select('code').where('national_code', '=', nationalCode).executeTakeFirst();
  return row?.code ?? null;
}
