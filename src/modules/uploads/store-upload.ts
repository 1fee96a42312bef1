import { readFile } from 'node:fs/promises';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { SpooledFile } from '../../platform/http/multipart.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { type Inspection, inspectUpload, UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { sha256Hex } from '../../platform/blobs/store.ts';
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
  const stored = await ctx.blobs.put(bytes);
  // The hash taken while the file arrived: other bytes now mean the spool file changed under us.
  if (opts.sha256 && opts.sha256 !== stored.sha256) throw spoolChanged();
  return insertUpload(ctx, principal, info, stored, opts.reusedFrom);
}

/**
 * Stores a file the multipart reader spooled to disk. The check needs the whole file, so it is
 * read once (at most 20 MiB, and a form's files are stored one after another); the transfer
 * to the blob store streams from the spool file, checked against the hash taken on arrival.
 */
export async function storeSpooledUpload(ctx: Ctx, principal: Principal, file: SpooledFile, fileName = file.fileName): Promise<Upload> {
  // The reader caps files already; this keeps a larger spool file from ever being read whole.
  if (file.size > UPLOAD_LIMITS.maxBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quá lớn: tối đa 20 MiB', en: 'File too large: at most 20 MiB' }, [
      { path: 'file', message: 'Tệp quá lớn', messageEn: 'file too large' },
    ]);
  }
  const read = await readFile(file.path);
  const bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
  const info = inspectUpload(bytes, fileName);
  // What was inspected must be what is stored: both are held to the hash taken on arrival.
  if (sha256Hex(bytes) !== file.sha256) throw spoolChanged();
  const stored = await ctx.blobs.putFile(file.path, { sha256: file.sha256, size: file.size });
  return insertUpload(ctx, principal, info, stored);
}

const spoolChanged = () => new AppError('INTERNAL', { vi: 'Tệp tạm của lần tải lên đã bị thay đổi', en: 'The spooled upload changed before it was stored' });

async function insertUpload(ctx: Ctx, principal: Principal, info: Inspection, stored: { sha256: string; size: number }, reusedFrom?: string): Promise<Upload> {
  const { sha256, size } = stored;
  const actor = actorOf(principal);
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('uploads')
      .values({ sha256, size, content_type: info.contentType, kind: info.kind, file_name: info.safeName, owner: actor, reused_from: reusedFrom ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor,
      action: 'upload.create',
      target: `upload:${row.id}`,
      data: { sha256, size, kind: info.kind, fileName: info.safeName, reusedFrom },
    });
    return { id: row.id, sha256, size, contentType: info.contentType, kind: info.kind, fileName: info.safeName, reusedFrom: reusedFrom ?? null };
  });
}
