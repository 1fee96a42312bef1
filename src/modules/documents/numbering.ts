import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.ts';

/**
 * The next number of a register in a year (Decree 30/2020 art. 15: numbered from 01 on
 * 1 January to 31 December). Called inside the transaction that records the number, so a
 * rolled-back transaction gives it back (gap-free) and the counter row's lock makes
 * concurrent callers wait their turn (unique). `year` is the Vietnamese calendar year of the
 * moment of numbering: see `vietnamYear`.
 */
export async function takeNumber(tx: Tx, register: string, year: number): Promise<number> {
  const { rows } = await sql<{ last: number }>`
    insert into document_counters (register, year, last) values (${register}, ${year}, 1)
    on conflict (register, year) do update set last = document_counters.last + 1
    returning last`.execute(tx);
  return rows[0].last;
}

/** The year in Vietnam (UTC+7) of a moment: a document numbered at 00:30 on 1 January in Hà Nội is the new year's. */
export function vietnamYear(at: Date): number {
  return new Date(at.getTime() + 7 * 3600_000).getUTCFullYear();
}

/** Numbers below 10 are written with a leading zero ("Số: 05/QĐ-BCT"), as Decree 30's Appendix I shows. */
export function formatNumber(n: number): string {
  return String(n).padStart(2, '0');
}
