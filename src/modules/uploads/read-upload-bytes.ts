import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Upload } from './schemas.ts';

/** The bytes of an upload the caller already obtained through getUpload (which checks access). */
export async function readUploadBytes(ctx: Ctx, upload: Pick<Upload, 'id' | 'sha256'>): Promise<Uint8Array> {
  const bytes = await ctx.blobs.get(upload.sha256);
  // Rows are written only after their blob, so this is lost storage, not a user error.
  if (!bytes) throw new AppError('INTERNAL', { vi: `Mất nội dung của tệp ${upload.id} trong kho lưu trữ`, en: `The stored bytes of upload ${upload.id} are missing` });
  return bytes;
}
