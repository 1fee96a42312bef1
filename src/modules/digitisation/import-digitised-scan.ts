import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { forbidden } from '../../platform/errors.ts';
import { validationError } from '../../platform/http/validation.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { getUpload } from '../uploads/get-upload.ts';
import { SCANNING_ROLES } from './create-scan.ts';

/**
 * Records a component that was digitised before it reached us (a dossier brought over from
 * another system with its searchable scans, or the demonstration data, whose PDFs are made with
 * their text): a finished scan with the text of each page as given, no OCR run. The file must
 * be a PDF already stored as one of the dossier's uploads the caller may read. Then
 * `recordDigitisedItem` and `confirmMetadata` treat it like any other scan.
 */
export async function importDigitisedScan(
  ctx: Ctx,
  p: Principal,
  input: { dossierCode: string; componentCode: string; uploadId: string; pages: readonly string[] },
): Promise<{ scanId: string }> {
  if (p.kind !== 'staff' || !p.roles.some((r) => SCANNING_ROLES.includes(r.role))) throw forbidden();
  const dossier = await getDossier(ctx, input.dossierCode, p);
  const upload = await getUpload(ctx, p, input.uploadId);
  if (upload.kind !== 'pdf' || !input.pages.length) {
    throw validationError([
      { path: 'uploadId', message: 'Tệp số hóa sẵn phải là PDF có nội dung chữ', messageEn: 'A file digitised elsewhere must be a PDF with its text' },
    ]);
  }
  const unitId = p.roles.find((r) => SCANNING_ROLES.includes(r.role) && [dossier.receivingUnit, dossier.handlingUnit].includes(r.unitId))?.unitId;
  if (!unitId) throw forbidden();
  return ctx.database.db.transaction().execute(async (tx) => {
    const scan = await tx
      .insertInto('scans')
      .values({
        unit_id: unitId,
        created_by: actorOf(p),
        purpose: 'component',
        dossier_code: dossier.code,
        component_code: input.componentCode,
        status: 'done',
        progress: 1,
        page_count: input.pages.length,
        source_upload_id: upload.id,
        output_upload_id: upload.id,
        started_at: new Date(),
        finished_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('scan_pages')
      .values(input.pages.map((text, i) => ({ scan_id: scan.id, page: i + 1, text })))
      .execute();
    await recordAudit(tx, {
      actor: actorOf(p),
      action: 'digitisation.scan.import',
      target: `dossier:${dossier.code}`,
      data: { scan: scan.id, component: input.componentCode, upload: upload.id, pages: input.pages.length },
    });
    return { scanId: scan.id };
  });
}
