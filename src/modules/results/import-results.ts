import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { copyRows, copyRow } from '../../platform/db/copy.ts';

export const RESULT_IMPORT_TABLES = ['results', 'result_events'] as const;

export interface ImportedResult {
  id: string;
  resultCode: string;
  dossierCode: string;
  procedureCode: string;
  documentName: string;
  kind: 'certificate' | 'licence' | 'written_reply' | 'refusal_decision';
  number: string;
  issuerUnit: string;
  issuerName: string;
  holderName: string;
  holderIdentifier: string;
  ownerCitizenId: string | null;
  sha256: string;
  size: number;
  issuedAt: Date;
  issuedBy: string;
}

/**
 * Bulk-imports issued results (their signed PDFs already in the blob store) with their
 * 'issued' event; result counters are raised past the imported codes.
 */
export async function importResults(ctx: Ctx, rows: readonly ImportedResult[]): Promise<void> {
  let results = '';
  let events = '';
  const counters = new Map<string, number>();
  for (const r of rows) {
    results += copyRow([
      r.id,
      r.resultCode,
      r.dossierCode,
      r.procedureCode,
      r.documentName,
      r.kind,
      r.number,
      r.issuerUnit,
      r.issuerName,
      r.holderName,
      r.holderIdentifier,
      r.ownerCitizenId,
      r.sha256,
      r.size,
      r.issuedAt,
      r.issuedBy,
    ]);
    events += copyRow([r.id, 'issued', r.issuedBy, r.issuedAt]);
    const m = /^(.+)-KQ(\d{2})-(\d+)$/.exec(r.resultCode);
    if (m) {
      const key = `${m[1]}|${2000 + Number(m[2])}`;
      counters.set(key, Math.max(counters.get(key) ?? 0, Number(m[3])));
    }
  }
  await copyRows(
    ctx.database,
    'results',
    [
      'id',
      'result_code',
      'dossier_code',
      'procedure_code',
      'document_name',
      'kind',
      'number',
      'issuer_unit',
      'issuer_name',
      'holder_name',
      'holder_identifier',
      'owner_citizen_id',
      'sha256',
      'size',
      'issued_at',
      'issued_by',
    ],
    [results],
  );
  await copyRows(ctx.database, 'result_events', ['result_id', 'event', 'actor', 'at'], [events]);
  const values = [...counters].map(([k, last]) => ({ unit_id: k.split('|')[0], year: Number(k.split('|')[1]), last }));
  if (values.length) {
    await ctx.database.db
      .insertInto('result_counters')
      .values(values)
      .onConflict((oc) => oc.columns(['unit_id', 'year']).doUpdateSet({ last: sql`greatest(result_counters.last, excluded.last)` }))
      .execute();
  }
}

/** The last result number used per unit and year (`unit|YYYY`). */
export async function lastResultNumbers(ctx: Ctx): Promise<Map<string, number>> {
  const rows = await ctx.database.db.selectFrom('result_counters').select(['unit_id', 'year', 'last']).execute();
  return new Map(rows.map((r) => [`${r.unit_id}|${r.year}`, r.last]));
}
