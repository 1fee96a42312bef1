import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';

/** A result as shared with another agency: what was issued to the holder, by whom and when. */
export interface HolderResult {
  resultCode: string;
  dossierCode: string | null;
  procedureCode: string | null;
  documentName: string;
  number: string;
  kind: string;
  issuerUnit: string;
  issuer: string;
  /** YYYY-MM-DD: the paper's own date for a result issued before the system. */
  issueDate: string;
  validUntil: string | null;
  /** valid, revoked or replaced. */
  status: string;
}

/**
 * The results issued to one holder, by their identifier (ID number or tax code, digits only),
 * newest first, at most `limit`: for the data-sharing module, which decides who may ask. The
 * file itself is not shared here.
 */
export async function listHolderResults(ctx: Ctx, identifier: string, opts: { limit: number }): Promise<HolderResult[]> {
  const rows = await ctx.database.db
    .selectFrom('results')
    .select(['result_code', 'dossier_code', 'procedure_code', 'document_name', 'number', 'kind', 'issuer_unit', 'issuer_name', 'status'])
    .select([
      sql<string>`to_char(coalesce(original_issue_date, (issued_at at time zone 'Asia/Ho_Chi_Minh')::date), 'YYYY-MM-DD')`.as('issue_date'),
      sql<string | null>`to_char(valid_until, 'YYYY-MM-DD')`.as('valid_until'),
    ])
    .where('holder_identifier', '=', identifier)
    .orderBy('issued_at', 'desc')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({
    resultCode: r.result_code,
    dossierCode: r.dossier_code,
    procedureCode: r.procedure_code,
    documentName: r.document_name,
    number: r.number,
    kind: r.kind,
    issuerUnit: r.issuer_unit,
    issuer: r.issuer_name,
    issueDate: r.issue_date,
    validUntil: r.valid_until,
    status: r.status,
  }));
}
