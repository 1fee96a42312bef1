import type { Ctx } from '../../platform/context.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { inspectUpload } from '../../platform/blobs/inspect.ts';
import type { Upload } from './schemas.ts';

/**
 * Checks a file by its content and stores it for the principal. The blob is written before
 * the row: a failure in between leaves at most an unreferenced blob (harmless, since blobs
 * are named by their hash), never a row pointing at nothing.
 */
export async function storeUpload(ctx: Ctx, principal: Principal, bytes: Uint8Array, fileName: string, opts: { reusedFrom?: string } = {}): Promise<Upload> {
  const info = inspectUpload(bytes, fileName);
  const { sha256, size } = await ctx.blobs.put(bytes);
  const actor = actorOf(principal);
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('uploads')
      .values({ sha256, size, content_type: info.contentType, kind: info.kind, file_name: info.safeName, owner: actor, reused_from: opts.reusedFrom ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor, action: 'upload.create', target: `upload:${row.id}`, data: { sha256, size, kind: info.kind, fileName: info.safeName, reusedFrom: opts.reusedFrom } });
    return { id: row.id, sha256, size, contentType: info.contentType, kind: info.kind, fileName: info.safeName, reusedFrom: opts.reusedFrom ?? null };
  });
}
