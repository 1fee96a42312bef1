import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { AppError } from '../../platform/errors.ts';
import { inspectUpload } from '../../platform/blobs/inspect.ts';
import { reserveResultCode } from './record-result.ts';

export interface LegacyResultInput {
  /** The unit that digitised and registers it: its officials see it, its counter numbers the code. */
  unitId: string;
  /** The agency that issued the paper, as the paper names it. */
  issuingAgency: string;
  documentName: string;
  /** Số, ký hiệu as on the paper ('' when the paper has none). */
  number: string;
  holderName: string;
  holderIdentifier: string;
  /** The holder's account if they have one; otherwise the result is theirs by identifier when they sign in. */
  ownerCitizenId: string | null;
  /** YYYY-MM-DD. */
  originalIssueDate: string;
  validUntil: string | null;
  digitisedItemCode: string;
}

/**
 * Registers a result issued on paper before the system, from its digitised item: a result row of
 * kind `legacy` with a result code of its own (the registering unit's counter, like any result),
 * no dossier, the searchable PDF/A as its file (under its SHA-256, so the public check of a file
 * finds it), the paper's dates, and its 'issued' event (the registration). Public verification
 * shows it as a digitised copy, never as an electronically issued original.
 */
export async function recordLegacyResult(
  ctx: Ctx,
  tx: Tx,
  input: LegacyResultInput,
  pdf: Uint8Array,
  actor: string,
): Promise<{ resultCode: string; sha256: string }> {
  if (inspectUpload(pdf, 'ban-so-hoa.pdf').kind !== 'pdf') {
    throw new AppError('VALIDATION_FAILED', { vi: 'Bản số hóa phải là tệp PDF', en: 'A digitised result must be a PDF' });
  }
  const { sha256, size } = await ctx.blobs.put(pdf);
  const resultCode = await reserveResultCode(tx, input.unitId);
  const { id } = await tx
    .insertInto('results')
    .values({
      result_code: resultCode,
      dossier_code: null,
      procedure_code: null,
      document_name: input.documentName.slice(0, 500),
      kind: 'legacy',
      number: input.number.slice(0, 100),
      issuer_unit: input.unitId,
      issuer_name: input.issuingAgency.slice(0, 300),
      holder_name: input.holderName.slice(0, 300),
      holder_identifier: input.holderIdentifier,
      owner_citizen_id: input.ownerCitizenId,
      sha256,
      size,
      issued_by: actor,
      original_issue_date: input.originalIssueDate,
      valid_until: input.validUntil,
      digitised_item_code: input.digitisedItemCode,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.insertInto('result_events').values({ result_id: id, event: 'issued', reason: null, actor }).execute();
  await recordAudit(tx, {
    actor,
    action: 'result.legacy.register',
    target: `result:${resultCode}`,
    data: { item: input.digitisedItemCode, holder: input.holderIdentifier, sha256 },
  });
  return { resultCode, sha256 };
}
