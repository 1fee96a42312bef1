import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { renderThumbnail } from '../../platform/ocr/index.ts';
import { readUpload } from '../uploads/read-upload-bytes.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import type { ScanView } from './schemas-scans.ts';
import type { ScanPurpose, ScanStatus } from './tables.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const missing = (id: string) => notFound({ vi: `bản quét ${id.slice(0, 64)}`, en: `Scan ${id.slice(0, 64)}` });

async function loadRow(ctx: Ctx, id: string) {
  if (!UUID.test(id)) throw missing(id);
  const row = await ctx.database.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw missing(id);
  return row;
}
type ScanRow = Awaited<ReturnType<typeof loadRow>>;

/**
 * The scan, if the principal sees it: officials of the scan's unit and of the units above it.
 * Anyone else gets the same 404 as for a scan that does not exist, so ids cannot be probed.
 */
async function loadVisible(ctx: Ctx, principal: Principal, id: string): Promise<ScanRow> {
  const row = await loadRow(ctx, id);
  if (principal.kind !== 'staff' || !(await coveredUnits(ctx, principal)).includes(row.unit_id)) throw missing(id);
  return row;
}

async function pagesOf(ctx: Ctx, id: string) {
  const rows = await ctx.database.db.selectFrom('scan_pages').select(['page', 'text', 'error']).where('scan_id', '=', id).orderBy('page').execute();
  return rows.map((p) => ({ page: p.page, text: p.text, ...(p.error ? { error: { vi: p.error.vi, en: p.error.en } } : {}) }));
}
const joinText = (pages: { text: string }[]) => pages.map((p) => p.text.trim()).join('\n\n');
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : undefined);

/** A scan with its state, progress and, once read, each page's text. */
export async function getScan(ctx: Ctx, principal: Principal, id: string): Promise<ScanView> {
  const row = await loadVisible(ctx, principal, id);
  const pages = row.status === 'done' ? await pagesOf(ctx, row.id) : [];
  return {
    id: row.id,
    status: row.status,
    progress: row.status === 'done' ? 1 : Number(row.progress),
    purpose: row.purpose,
    unitId: row.unit_id,
    pageCount: row.page_count,
    pages,
    text: joinText(pages),
    ...(row.error ? { error: { code: row.error.code, vi: row.error.vi, en: row.error.en } } : {}),
    sourceUploadId: row.source_upload_id,
    ...(row.output_upload_id ? { outputUploadId: row.output_upload_id } : {}),
    ...(row.dossier_code ? { dossierCode: row.dossier_code } : {}),
    ...(row.component_code ? { componentCode: row.component_code } : {}),
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
  };
}

export interface Thumbnail {
  /** Names the PDF the picture comes from, the page and the width: a new tag once the searchable PDF replaces the scan as sent. */
  etag: string;
  /** Absent when the caller's copy (If-None-Match) is current. */
  png?: Uint8Array;
}

/**
 * A picture of one page (PNG), for checking order and rotation before accepting the scan: from
 * the searchable PDF once there (deskewed, turned upright), else from the PDF as assembled.
 */
export async function scanThumbnail(
  ctx: Ctx,
  principal: Principal,
  id: string,
  page: number,
  opts: { width: number; ifNoneMatch?: string },
): Promise<Thumbnail> {
  const row = await loadVisible(ctx, principal, id);
  if (page > row.page_count) throw notFound({ vi: `trang ${page} của bản quét ${row.id}`, en: `Page ${page} of scan ${row.id}` });
  const uploadId = row.output_upload_id ?? row.source_upload_id;
  const etag = `"${uploadId}.${page}.${opts.width}"`;
  if (opts.ifNoneMatch?.split(/\s*,\s*/).includes(etag)) return { etag };
  const pdf = await readScanFile(ctx, row, uploadId);
  return { etag, png: await renderThumbnail(pdf, page, opts.width) };
}

/**
 * The scan's files are its creator's uploads. The caller has already decided that the scan may
 * be read (its unit's officials, or the OCR job); reading as the creator lets the uploads module
 * apply its own rule (the owner reads their files) without a second rule for scans.
 */
export async function readScanFile(ctx: Ctx, row: { created_by: string }, uploadId: string): Promise<Uint8Array> {
  return (await readUpload(ctx, creatorPrincipal(row.created_by), uploadId)).bytes;
}

/** The principal of the official who made a scan, as much as reading and storing its files needs (their actor name). */
export function creatorPrincipal(createdBy: string): Principal {
  const username = createdBy.replace(/^staff:/, '');
  return { kind: 'staff', id: '', username, name: username, roles: [] };
}

export interface ScanForItem {
  id: string;
  unitId: string;
  createdBy: string;
  status: ScanStatus;
  purpose: ScanPurpose;
  dossierCode: string | null;
  componentCode: string | null;
  pageCount: number;
  sourceUploadId: string;
  /** The searchable PDF/A, once done. */
  outputUploadId: string | null;
  /** Every page's text in order, pages separated by a blank line; empty until done. */
  text: string;
  pages: { page: number; text: string; error?: { vi: string; en: string } }[];
}

/**
 * A scan for the digitised-items operations, without a visibility check: the caller has checked
 * the official's access (the scan's unit must be one the official covers). 404 when there is no such scan.
 */
export async function getScanForItem(ctx: Ctx, scanId: string): Promise<ScanForItem> {
  const row = await loadRow(ctx, scanId);
  const pages = row.status === 'done' ? await pagesOf(ctx, row.id) : [];
  return {
    id: row.id,
    unitId: row.unit_id,
    createdBy: row.created_by,
    status: row.status,
    purpose: row.purpose,
    dossierCode: row.dossier_code,
    componentCode: row.component_code,
    pageCount: row.page_count,
    sourceUploadId: row.source_upload_id,
    outputUploadId: row.output_upload_id,
    text: joinText(pages),
    pages,
  };
}
