import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { RESULT_CODE, type PublicResult } from './schemas.ts';

/** A result's public status by its code, with its history; no personal data. */
export async function getPublicResult(ctx: Ctx, code: string): Promise<PublicResult> {
  const c = code.trim().toUpperCase();
  const missing = () => notFound({ vi: `kết quả ${c.slice(0, 80)}`, en: `Result ${c.slice(0, 80)}` });
  if (!RESULT_CODE.test(c)) throw missing();
  const r = await ctx.database.db
    .selectFrom('results')
    .select(['id', 'result_code', 'status', 'issuer_name', 'issued_at', 'document_name', 'number', 'sha256', 'replaced_by'])
    .where('result_code', '=', c)
    .executeTakeFirst();
  if (!r) throw missing();
  const events = await ctx.database.db.selectFrom('result_events').select(['event', 'at', 'reason']).where('result_id', '=', r.id).orderBy('id').execute();
  return {
    resultCode: r.result_code,
    status: r.status as PublicResult['status'],
    issuer: r.issuer_name,
    issuedAt: new Date(r.issued_at).toISOString(),
    documentName: r.document_name,
    number: r.number,
    sha256: r.sha256,
    replacedBy: r.replaced_by,
    history: events.map((e) => ({ event: e.event, at: new Date(e.at).toISOString(), reason: e.reason })),
  };
}
