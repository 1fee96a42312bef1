import type { Queryable, Tx } from '../../platform/db/index.ts';

/**
 * A dossier's results as the National Public Service Portal is told of them (DanhSachGiayToKetQua):
 * result code and document name, oldest first, revoked ones and certified copies left out.
 * Internal, with no principal: the national portal's adapter delivers what an authorised action enqueued.
 */
export async function resultsForSync(db: Queryable | Tx, dossierCode: string): Promise<{ resultCode: string; documentName: string; issuedAt: Date }[]> {
  const rows = await db
    .selectFrom('results')
    .select(['result_code', 'document_name', 'issued_at'])
    .where('dossier_code', '=', dossierCode)
    .where('kind', '!=', 'certified_copy')
    .where('status', '!=', 'revoked')
    .orderBy('issued_at')
    .execute();
  return rows.map((r) => ({ resultCode: r.result_code, documentName: r.document_name, issuedAt: new Date(r.issued_at) }));
}
