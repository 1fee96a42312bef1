import { readFile } from 'node:fs/promises';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { SpooledFile } from '../../platform/http/multipart.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { inspectUpload, UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import type { Upload } from './schemas.ts';

/**
 * Checks a file by its content and stores it for the principal. The blob is written before
 * the row: a failure in between leaves at most an unreferenced blob (harmless, since blobs
 * are named by their hash), never a row pointing at nothing.
 */
export async function storeUpload(
  ctx: Ctx,
  principal: Principal,
  bytes: Uint8Array,
  fileName: string,
  opts: { reusedFrom?: string; sha256?: string } = {},
): Promise<Upload> {
  const info = inspectUpload(bytes, fileName);
  const { sha256, size } = await ctx.blobs.put(bytes);
  // The hash taken while the file arrived: other bytes now mean the spool file changed under us.
  if (opts.sha256 && opts.sha256 !== sha256) {
    throw new AppError('INTERNAL', { vi: 'Tệp tạm của lần tải lên đã bị thay đổi', en: 'The spooled upload changed before it was stored' });
  }
  const actor = actorOf(principal);
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('uploads')
      .values({ sha256, size, content_type: info.contentType, kind: info.kind, file_name: info.safeName, owner: actor, reused_from: opts.reusedFrom ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor,
      action: 'upload.create',
      target: `upload:${row.id}`,
      data: { sha256, size, kind: info.kind, fileName: info.safeName, reusedFrom: opts.reusedFrom },
    });
    return { id: row.id, sha256, size, contentType: info.contentType, kind: info.kind, fileName: info.safeName, reusedFrom: opts.reusedFrom ?? null };
  });
}

/**
 * Stores a file the multipart reader spooled to disk. Only this one file is in memory while
 * it is checked (the check needs all of it), so a form's files are stored one after another.
 */
export async function storeSpooledUpload(ctx: Ctx, principal: Principal, file: SpooledFile, fileName = file.fileName): Promise<Upload> {
  // The reader caps files already; this keeps a larger spool file from ever being read whole.
  if (file.size > UPLOAD_LIMITS.maxBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quá lớn: tối đa 20 MiB', en: 'File too large: at most 20 MiB' }, [
      { path: 'file', message: 'Tệp quá lớn', messageEn: 'file too large' },
    ]);
  }
  const bytes = await readFile(file.path);
  return storeUpload(ctx, principal, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), fileName, { sha256: file.sha256 });
}
