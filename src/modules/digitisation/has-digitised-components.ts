import type { Queryable, Tx } from '../../platform/db/index.ts';

/**
 * Whether a dossier has at least one digitised paper component (a confirmed digitised item):
 * the national portal's `HoSoCoThanhPhanSoHoa`. Internal, with no principal: the workflow asks
 * it inside the transaction of a state change it has already authorised.
 */
export async function hasDigitisedComponents(db: Queryable | Tx, dossierCode: string): Promise<boolean> {
  const row = await db
    .selectFrom('digitised_items')
    .select('code')
    .where('dossier_code', '=', dossierCode)
    .where('kind', '=', 'component')
    .where('confirmed_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

/** Of the named dossiers, those with at least one confirmed digitised component (the service index's digitisation group). */
export async function dossiersWithDigitisedComponents(db: Queryable | Tx, dossierCodes: readonly string[]): Promise<Set<string>> {
  if (!dossierCodes.length) return new Set();
  const rows = await db
    .selectFrom('digitised_items')
    .select('dossier_code')
    .distinct()
    .where('dossier_code', 'in', [...dossierCodes])
    .where('kind', '=', 'component')
    .where('confirmed_at', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.dossier_code as string));
}
