import type { Ctx } from '../../platform/context.ts';
import { copyRows, copyRow } from '../../platform/db/copy.ts';
import type { UploadKind } from '../../platform/blobs/inspect.ts';

export const UPLOAD_IMPORT_TABLES = ['uploads'] as const;

export interface ImportedUpload {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  kind: UploadKind;
  fileName: string;
  owner: string;
  createdAt: Date;
}

/**
 * Bulk-imports upload records whose bytes are already in the blob store under their SHA-256
 * (a migration copies the files first; `storeUpload` checked each of them once).
 */
export async function importUploads(ctx: Ctx, rows: readonly ImportedUpload[]): Promise<void> {
  let csv = '';
  for (const u of rows) csv += copyRow([u.id, u.sha256, u.size, u.contentType, u.kind, u.fileName, u.owner, u.createdAt]);
  await copyRows(ctx.database, 'uploads', ['id', 'sha256', 'size', 'content_type', 'kind', 'file_name', 'owner', 'created_at'], [csv]);
}
