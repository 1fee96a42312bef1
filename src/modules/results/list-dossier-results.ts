import type { Ctx } from '../../platform/context.ts';

export interface DossierResultEntry { resultCode: string; documentName: string; number: string; status: string }

/** The results issued for one dossier, newest first (revoked and replaced ones included). */
export async function listDossierResults(ctx: Ctx, dossierCode: string): Promise<DossierResultEntry[]> {
  const rows = await ctx.database.db.selectFrom('results').select(['result_code', 'document_name', 'number', 'status']).where('dossier_code', '=', dossierCode).orderBy('issued_at', 'desc').execute();
  return rows.map((r) => ({ resultCode: r.result_code, documentName: r.document_name, number: r.number, status: r.status }));
}
