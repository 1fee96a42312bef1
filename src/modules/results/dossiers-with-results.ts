import type { Queryable, Tx } from '../../platform/db/index.ts';

/**
 * Of the named dossiers, those whose result was issued electronically: a result in the results
 * register (signed, kept under its hash), whatever became of it later. Internal, with no
 * principal: for the service index, which counts and shows no result.
 */
export async function dossiersWithResults(db: Queryable | Tx, dossierCodes: readonly string[]): Promise<Set<string>> {
  if (!dossierCodes.length) return new Set();
  const rows = await db
    .selectFrom('results')
    .select('dossier_code')
    .distinct()
    .where('dossier_code', 'in', [...dossierCodes])
    // A certified copy is a copy of something the applicant brought, not the dossier's result.
    .where('kind', '!=', 'certified_copy')
    .execute();
  return new Set(rows.map((r) => r.dossier_code as string));
}
