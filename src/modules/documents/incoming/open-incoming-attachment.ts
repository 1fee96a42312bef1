import type { Readable } from 'node:stream';
import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { assertIncomingVisible, loadIncoming } from './store.ts';

/** One file of an incoming document the caller sees (its 404 otherwise), as a stream checked against its hash. */
export async function openIncomingAttachment(
  ctx: Ctx,
  p: Principal,
  id: string,
  n: number,
): Promise<{ name: string; contentType: string; size: number; stream: Readable }> {
  const row = await loadIncoming(ctx.database.db, id);
  await assertIncomingVisible(ctx, p, row);
  const f = await ctx.database.db.selectFrom('incoming_document_files').selectAll().where('incoming_id', '=', row.id).where('n', '=', n).executeTakeFirst();
  if (!f) throw notFound({ vi: `tệp số ${n} của văn bản`, en: `File ${n} of the document` });
  const opened = await ctx.blobs.open(f.sha256);
  // Rows are written only after their blob: a missing one is lost storage, not a user error.
  if (!opened) throw new AppError('INTERNAL', { vi: 'Mất nội dung tệp trong kho lưu trữ', en: 'The stored bytes of the file are missing' });
  return { name: f.name, contentType: f.content_type, size: opened.size, stream: opened.stream };
}
