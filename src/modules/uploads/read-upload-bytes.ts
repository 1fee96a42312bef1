import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { getUpload } from './get-upload.ts';
import type { Upload } from './schemas.ts';

/**
 * An upload the principal may read (getUpload's rule: their own, or for an official a file of a
 * dossier of their units; others get its 404) with its bytes.
 */
export async function readUpload(ctx: Ctx, principal: Principal, id: string): Promise<{ upload: Upload; bytes: Uint8Array }> {
  const upload = await getUpload(ctx, principal, id);
  const bytes = await ctx.blobs.get(upload.sha256);
  // Rows are written only after their blob, so this is lost storage, not a user error.
  if (!bytes)
    throw new AppError('INTERNAL', { vi: `Mất nội dung của tệp ${upload.id} trong kho lưu trữ`, en: `The stored bytes of upload ${upload.id} are missing` });
  return { upload, bytes };
}
