import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.ts';

/**
 * `{unit ID}-{YYMMDD}-{NNNN}` (BRIEF §2). The counter row is locked and incremented in the
 * filing's own transaction, so concurrent filings queue on it, and a filing that rolls back
 * returns its number: codes are unique and gap-free per unit and day.
 */
export async function nextDossierCode(tx: Tx, unitId: string, localDay: string): Promise<string> {
  const { rows } = await sql<{ last: number }>`
    insert into dossier_counters (unit_id, day, last) values (${unitId}, ${localDay}, 1)
    on conflict (unit_id, day) do update set last = dossier_counters.last + 1
    returning last`.execute(tx);
  const n = rows[0].last;
  return `${unitId}-${localDay.slice(2, 4)}${localDay.slice(5, 7)}${localDay.slice(8, 10)}-${String(n).padStart(4, '0')}`;
}

export const DOSSIER_CODE = /^[A-Z0-9]{1,5}(\.[A-Z0-9]{1,5}){0,5}-\d{6}-\d{4,6}$/;
