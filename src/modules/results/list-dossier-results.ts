import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { getDossier } from '../dossiers/get-dossier.ts';

export interface DossierResultEntry {
  resultCode: string;
  documentName: string;
  number: string;
  status: string;
}

/**
 * The results issued for one dossier, newest first (revoked and replaced ones included), for a
 * principal who may see the dossier (others get getDossier's 404).
 */
export async function listDossierResults(ctx: Ctx, dossierCode: string, p: Principal): Promise<DossierResultEntry[]> {
  const d = await getDossier(ctx, dossierCode, p);
  const rows = await ctx.database.db
    .selectFrom('results')
    .select(['result_code', 'document_name', 'number', 'status'])
    .where('dossier_code', '=', d.code)
    .orderBy('issued_at', 'desc')
    .execute();
  return rows.map((r) => ({ resultCode: r.result_code, documentName: r.document_name, number: r.number, status: r.status }));
}
