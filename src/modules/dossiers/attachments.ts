import { sql } from 'kysely';
import type { z } from 'zod';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { getUpload } from '../uploads/get-upload.ts';
import type { ComponentInput } from './schemas.ts';

/**
 * Attaches uploaded files to a dossier as its components. Only the caller's own uploads may
 * be attached (officials: the scans they make at the counter, and files of their units' dossiers).
 */
export async function attachComponents(
  ctx: Ctx,
  tx: Tx,
  dossier: { id: string },
  items: z.infer<typeof ComponentInput>[],
  principal: Principal,
  opts: { supplemented: boolean; newDossier?: boolean },
) {
  let idx = opts.newDossier
    ? 0
    : (await sql<{ n: number }>`select coalesce(max(idx), -1) + 1 as n from dossier_components where dossier_id = ${dossier.id}`.execute(tx)).rows[0].n;
  const out: { code: string | null; name: string; sha256: string }[] = [];
  for (const [i, c] of items.entries()) {
    const up = await getUpload(inTransaction(ctx, tx), principal, c.uploadId).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'NOT_FOUND') {
        throw new AppError('VALIDATION_FAILED', { vi: `Không tìm thấy tệp đã tải lên ${c.uploadId}`, en: `No upload ${c.uploadId}` }, [
          { path: `components[${i}].uploadId`, message: 'Không tìm thấy tệp', messageEn: 'upload not found' },
        ]);
      }
      throw e;
    });
    const name = c.name ?? up.fileName;
    await tx
      .insertInto('dossier_components')
      .values({
        dossier_id: dossier.id,
        idx: idx++,
        component_code: c.code ?? null,
        name,
        upload_id: up.id,
        sha256: up.sha256,
        file_name: up.fileName,
        content_type: up.contentType,
        size: up.size,
        reused: Boolean(up.reusedFrom),
        supplemented: opts.supplemented,
      })
      .execute();
    out.push({ code: c.code ?? null, name, sha256: up.sha256 });
  }
  return out;
}
