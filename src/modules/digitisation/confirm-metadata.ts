import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { forbidden } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { localDate } from '../calendar/dates.ts';
import { emptyMetadata, fieldsFor, metadataSchema, MetadataInput, type Metadata } from './metadata-fields.ts';
import { itemView, loadVisibleItem, searchColumns } from './record-digitised-item.ts';
import { CONFIRMING_ROLES, type DigitisedItemView } from './schemas-items.ts';
import { refreshDossierIndicators } from '../indicators/refresh-dossier-indicators.ts';

/**
 * The officer confirms (or corrects, then confirms) a digitised item's metadata: checked against
 * the item's fields (metadata-fields.ts: the common ones, and the extras of its document type and
 * procedure component), every message naming the field by its label («Ngày ban hành: …»). The
 * item records who confirmed it and when, and its search columns are folded again from the new
 * values. Confirming again later corrects it (and records the new confirmation). 404 for an item
 * the official does not see; 403 for an official who sees it but holds no confirming role in the
 * unit that digitised it (or above).
 */
export async function confirmMetadata(ctx: Ctx, p: Principal, code: string, raw: unknown): Promise<DigitisedItemView> {
  const input = MetadataInput.safeParse(raw);
  if (!input.success) throw fromZod(input.error, 'metadata');
  return ctx.database.db.transaction().execute(async (tx) => {
    const tctx = inTransaction(ctx, tx);
    const row = await loadVisibleItem(tctx, p, code, true);
    if (p.kind !== 'staff' || !p.roles.some((r) => (CONFIRMING_ROLES as readonly string[]).includes(r.role))) throw forbidden();
    const fields = fieldsFor({ procedureCode: row.procedure_code, componentCode: row.component_code, documentType: input.data.documentType ?? null });
    const parsed = metadataSchema(fields, localDate(new Date())).safeParse(input.data);
    if (!parsed.success) throw fromZod(parsed.error, 'metadata');
    const metadata: Metadata = { ...emptyMetadata(), ...(parsed.data as unknown as Metadata) };
    const actor = actorOf(p);
    const now = new Date();
    const updated = await tx
      .updateTable('digitised_items')
      .set({
        metadata: JSON.stringify(metadata),
        confirmed_by: actor,
        confirmed_at: now,
        ...searchColumns(metadata, { identifier: row.holder_identifier, name: row.holder_name }, row.text, row.code),
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor,
      action: 'digitisation.item.confirm',
      target: row.dossier_code ? `dossier:${row.dossier_code}` : `digitised:${row.code}`,
      data: { code: row.code, metadata },
    });
    // A confirmed component counts towards the dossier's digitisation in the service index (after the audit
    // entry: the index's rows are locked after the audit chain's, in every writer).
    if (row.dossier_code) await refreshDossierIndicators(tx, [row.dossier_code]);
    return itemView(updated as Parameters<typeof itemView>[0]);
  });
}
