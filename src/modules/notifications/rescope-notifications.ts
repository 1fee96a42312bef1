import type { Tx } from '../../platform/db/index.ts';

/**
 * Moves a dossier's messages with the dossier: when it is received into or transferred to
 * another unit, the officials who may see it change, and so do those who may read what it
 * was told. Call it in the transaction of the move, with the dossier's units after it.
 * Returns how many rows changed.
 */
export async function rescopeNotifications(tx: Tx, dossierCode: string, units: string[]): Promise<number> {
  const scope = [...new Set(units)];
  const r = await tx.updateTable('notifications').set({ dossier_units: scope }).where('dossier_code', '=', dossierCode).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
