import type { Queryable, Tx } from '../../platform/db/index.ts';
import type {} from './tables.ts';

/**
 * Of the named dossiers, those whose receipt reached the National Public Service Portal: a
 * progress step at or after the receipt delivered (record-published-dossier.ts). Internal, with
 * no principal: for the service index, which counts them. One query, however many codes.
 */
export async function publishedDossiers(db: Queryable | Tx, dossierCodes: readonly string[]): Promise<Set<string>> {
  if (!dossierCodes.length) return new Set();
  const rows = await db
    .selectFrom('national_portal_published')
    .select('dossier_code')
    .where('dossier_code', 'in', [...dossierCodes])
    .execute();
  return new Set(rows.map((r) => r.dossier_code));
}
