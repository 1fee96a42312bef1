import type { Ctx } from '../../platform/context.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { uploadInVisibleDossier } from '../dossiers/visibility.ts';
import type { Upload } from './schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An upload the principal may read: their own, or for an official also a file of a dossier
 * of their units. Someone else's upload is "not found", exactly like one that does not
 * exist, so ids cannot be probed.
 */
export async function getUpload(ctx: Ctx, principal: Principal, id: string): Promise<Upload> {
  const missing = () => notFound({ vi: `tệp đã tải lên ${id.slice(0, 64)}`, en: `Upload ${id.slice(0, 64)}` });
  if (!UUID.test(id)) throw missing();
  const row = await ctx.database.db
    .selectFrom('uploads')
    .select(['id', 'sha256', 'size', 'content_type', 'kind', 'file_name', 'reused_from', 'owner'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw missing();
  if (row.owner !== actorOf(principal) && !(principal.kind === 'staff' && (await uploadInVisibleDossier(ctx, principal, row.id)))) throw missing();
  return {
    id: row.id,
    sha256: row.sha256,
    size: row.size,
    contentType: row.content_type,
    kind: row.kind,
    fileName: row.file_name,
    reusedFrom: row.reused_from,
  };
}
