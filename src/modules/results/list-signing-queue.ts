import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { listDossiers, type DossierSummary } from '../dossiers/list-dossiers.ts';

export interface SignedEntry {
  dossierCode: string;
  resultCode: string;
  documentName: string;
}

/**
 * The signing leader's queue: approved dossiers of the units they cover whose result is not
 * signed yet, and the latest results signed among them.
 */
export async function listSigningQueue(ctx: Ctx, principal: Principal): Promise<{ waiting: DossierSummary[]; signed: SignedEntry[] }> {
  const approved = await listDossiers(ctx, principal, { queue: 'all', status: 'approved', page: 1, pageSize: 200 });
  const codes = approved.items.map((d) => d.code);
  const done = codes.length
    ? await ctx.database.db
        .selectFrom('results')
        .select(['dossier_code', 'result_code', 'document_name'])
        .where('dossier_code', 'in', codes)
        .where('status', '=', 'valid')
        .orderBy('issued_at', 'desc')
        .execute()
    : [];
  const signedCodes = new Set(done.map((r) => r.dossier_code));
  return {
    waiting: approved.items.filter((d) => !signedCodes.has(d.code)),
    // Selected by dossier code, so never a legacy result's null.
    signed: done.slice(0, 20).map((r) => ({ dossierCode: r.dossier_code!, resultCode: r.result_code, documentName: r.document_name })),
  };
}
