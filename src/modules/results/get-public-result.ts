import type { Ctx } from '../../platform/context.ts';
import { sql } from 'kysely';
import { AppError, notFound } from '../../platform/errors.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { RESULT_CODE, type PublicResult } from './schemas.ts';

/**
 * A result's public status by its code, with its history. Anyone holding the paper or its
 * QR code may ask, so the answer holds only structured facts that name no one: codes, the
 * issuing unit, the procedure as the public catalogue names it, dates and the file's hash.
 * Free text written about a case (the document's name, a revocation's reason) can name the
 * holder or a company, and stays with the holder and the officials.
 */
export async function getPublicResult(ctx: Ctx, code: string): Promise<PublicResult> {
  const c = code.trim().toUpperCase();
  const missing = () => notFound({ vi: `kết quả ${c.slice(0, 80)}`, en: `Result ${c.slice(0, 80)}` });
  if (!RESULT_CODE.test(c)) throw missing();
  const r = await ctx.database.db
    .selectFrom('results')
    .select(['id', 'result_code', 'status', 'kind', 'issuer_unit', 'issuer_name', 'procedure_code', 'issued_at', 'number', 'sha256', 'replaced_by'])
    .select([
      sql<string | null>`to_char(original_issue_date, 'YYYY-MM-DD')`.as('original_issue_date'),
      sql<string | null>`to_char(valid_until, 'YYYY-MM-DD')`.as('valid_until'),
    ])
    .where('result_code', '=', c)
    .executeTakeFirst();
  if (!r) throw missing();
  const events = await ctx.database.db.selectFrom('result_events').select(['event', 'at']).where('result_id', '=', r.id).orderBy('id').execute();
  const history = events.map((e) => ({ event: e.event as PublicResult['history'][number]['event'], at: new Date(e.at).toISOString() }));
  const issuedAt = new Date(r.issued_at);
  return {
    resultCode: r.result_code,
    status: r.status as PublicResult['status'],
    kind: r.kind as PublicResult['kind'],
    digitisedCopy: r.kind === 'legacy',
    issuerUnit: r.issuer_unit,
    issuer: r.issuer_name,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_code ? await procedureName(ctx, r.procedure_code, issuedAt) : null,
    issuedAt: issuedAt.toISOString(),
    number: r.number,
    sha256: r.sha256,
    replacedBy: r.replaced_by,
    revokedAt: history.findLast((h) => h.event !== 'issued')?.at ?? null,
    history,
    originalIssueDate: r.original_issue_date,
    validUntil: r.valid_until,
  };
}

/** The procedure's name in the catalogue as it was when the result was issued (or now); none if it left the catalogue. */
async function procedureName(ctx: Ctx, code: string, at: Date): Promise<string | null> {
  for (const opts of [{ at }, {}]) {
    try {
      return (await getProcedure(ctx, code, opts)).name;
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
    }
  }
  return null;
}
