import type { Readable } from 'node:stream';
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
  if (!bytes) throw missing(upload.id);
  return { upload, bytes };
}

// Rows are written only after their blob, so this is lost storage, not a user error.
const missing = (id: string) =>
  new AppError('INTERNAL', { vi: `Mất nội dung của tệp ${id} trong kho lưu trữ`, en: `The stored bytes of upload ${id} are missing` });

/**
 * An upload the principal may read (the same rule as readUpload) as a stream, for sending on
 * unchanged without holding the file: the bytes are checked against the upload's hash as they
 * pass, and a damaged blob ends the stream with an error before its last bytes.
 */
export async function openUpload(ctx: Ctx, principal: Principal, id: string): Promise<{ upload: Upload; size: number; stream: Readable }> {
  const upload = await getUpload(ctx, principal, id);
  const opened = await ctx.blobs.open(upload.sha256);
  if (!opened) throw missing(upload.id);
  return { upload, ...opened };
}
