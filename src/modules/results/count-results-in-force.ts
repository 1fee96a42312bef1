import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';

export interface ResultsInForce {
  /** Valid results issued electronically by the unit. */
  electronic: number;
  /** Valid legacy results the unit registered whose paper is still in force (no limit, or not past it). */
  legacy: number;
}

/**
 * Results in force per issuing unit, for the digitisation campaign: electronic results that are
 * valid, and legacy ones that are valid and not past the paper's own limit on `today` (YYYY-MM-DD).
 * One grouped count over the (issuer_unit, status) index.
 */
export async function countResultsInForce(ctx: Ctx, units: readonly string[], today: string): Promise<Map<string, ResultsInForce>> {
  const out = new Map<string, ResultsInForce>(units.map((u) => [u, { electronic: 0, legacy: 0 }]));
  if (!units.length) return out;
  const rows = await ctx.database.db
    .selectFrom('results')
    .select([
      'issuer_unit',
      sql<number>`count(*) filter (where kind <> 'legacy')::int`.as('electronic'),
      sql<number>`count(*) filter (where kind = 'legacy' and (valid_until is null or valid_until >= ${today}::date))::int`.as('legacy'),
    ])
    .where('issuer_unit', 'in', units)
    .where('status', '=', 'valid')
    .groupBy('issuer_unit')
    .execute();
  for (const r of rows) out.set(r.issuer_unit, { electronic: Number(r.electronic), legacy: Number(r.legacy) });
  return out;
}
