import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { AppError } from '../../platform/errors.ts';
import { inspectUpload } from '../../platform/blobs/inspect.ts';
import { RecordResultInput } from './schemas.ts';
import { refreshDossierIndicators } from '../indicators/refresh-dossier-indicators.ts';

/**
 * Registers an issued result: the PDF goes to the blob store under its SHA-256 (written
 * before the row, so a row always has its bytes), the unit's next result code is taken in
 * the caller's transaction, and the issue is recorded in the result's history and the audit.
 */
/**
 * The issuing unit's next result code, taken in the caller's transaction (gap-free: a
 * rolled-back issue returns its number). Take it first when the code must be printed in
 * the document itself, then pass it to recordResult.
 */
export async function reserveResultCode(tx: Tx, issuerUnit: string): Promise<string> {
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
  const { rows } = await sql<{ last: number }>`
    insert into result_counters (unit_id, year, last) values (${issuerUnit}, ${year}, 1)
    on conflict (unit_id, year) do update set last = result_counters.last + 1
    returning last`.execute(tx);
  return `${issuerUnit}-KQ${String(year).slice(2)}-${String(rows[0].last).padStart(6, '0')}`;
}

export async function recordResult(
  ctx: Ctx,
  tx: Tx,
  raw: RecordResultInput,
  pdf: Uint8Array,
  actor: string,
  reserved?: string,
): Promise<{ resultCode: string; sha256: string }> {
  const parsed = RecordResultInput.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const input = parsed.data;
  if (inspectUpload(pdf, 'ket-qua.pdf').kind !== 'pdf') {
    throw new AppError('VALIDATION_FAILED', { vi: 'Kết quả phải là tệp PDF', en: 'A result must be a PDF' });
  }
  const { sha256, size } = await ctx.blobs.put(pdf);
  const resultCode = reserved ?? (await reserveResultCode(tx, input.issuerUnit));
  const { id } = await tx
    .insertInto('results')
    .values({
      result_code: resultCode,
      dossier_code: input.dossierCode,
      procedure_code: input.procedureCode,
      document_name: input.documentName,
      kind: input.kind,
      number: input.number,
      issuer_unit: input.issuerUnit,
      issuer_name: input.issuerName,
      holder_name: input.holder.name,
      holder_identifier: input.holder.identifier,
      owner_citizen_id: input.ownerCitizenId ?? null,
      sha256,
      size,
      issued_by: actor,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.insertInto('result_events').values({ result_id: id, event: 'issued', reason: null, actor }).execute();
  await recordAudit(tx, { actor, action: 'result.issue', target: `result:${resultCode}`, data: { dossier: input.dossierCode, sha256 } });
  // An electronic result counts towards the dossier's digitisation in the service index. Last, after
  // the audit entry, as in every writer: the index's rows are locked after the audit chain's, never before.
  if (input.kind !== 'certified_copy') await refreshDossierIndicators(tx, [input.dossierCode]);
  return { resultCode, sha256 };
}
