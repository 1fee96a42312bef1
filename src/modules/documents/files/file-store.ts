import type { Selectable } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { localDayOf } from '../../../platform/pdf/index.ts';
import { notFound } from '../../../platform/errors.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { unitNames } from '../../organisation/names.ts';
import { documentUnits } from '../search/visible-units.ts';
import type { DocumentFilesTable } from '../tables-files.ts';
import { FILE_READERS, FILE_WRITERS, type FileSummary } from './schemas.ts';
import { archiveWarning, daysUntil } from './transfer-due.ts';

export type FileRow = Selectable<DocumentFilesTable> & { document_count?: number };

/** Today in Vietnam (the config's clock offset applied, as the rest of the app does). */
export const todayOf = (ctx: Ctx) => localDayOf(new Date(Date.now() + ctx.config.clockOffsetMs));

export const fileNotFound = (id: string) => notFound({ vi: `hồ sơ công việc ${id}`, en: `Work file ${id}` });

/** The units whose work files the caller reads, and those whose files they may change. */
export async function fileScope(ctx: Ctx, p: Principal): Promise<{ read: string[]; write: string[] }> {
  const [read, write] = await Promise.all([documentUnits(ctx, p, FILE_READERS), documentUnits(ctx, p, FILE_WRITERS)]);
  return { read, write };
}

/** Officials' names by staff id (the responsible official of each file). */
export async function staffNamesById(ctx: Ctx, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const want = new Set(ids);
  return new Map((await listStaff(ctx)).filter((s) => want.has(s.id)).map((s) => [s.id, s.fullName]));
}

/** Rows as the API shows them, with the unit's and the responsible official's names and the archive warning against `today`. */
export async function summaries(ctx: Ctx, rows: FileRow[], today: string): Promise<FileSummary[]> {
  const [units, people] = await Promise.all([
    unitNames(
      ctx,
      rows.map((r) => r.unit_id),
    ),
    staffNamesById(
      ctx,
      rows.map((r) => r.responsible_id),
    ),
  ]);
  return rows.map((r) => summaryOf(r, today, units.get(r.unit_id)?.name ?? r.unit_id, people.get(r.responsible_id) ?? r.responsible_id));
}

export function summaryOf(r: FileRow, today: string, unitName: string, responsibleName: string): FileSummary {
  return {
    id: r.id,
    version: r.version,
    unitId: r.unit_id,
    unitName,
    code: r.code,
    title: r.title,
    year: r.year,
    retentionYears: r.retention_years,
    responsible: { id: r.responsible_id, name: responsibleName },
    status: r.status,
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
    transferDue: r.transfer_due,
    daysToTransfer: daysUntil(r.transfer_due, today),
    warning: archiveWarning(r.transfer_due, today),
    documentCount: Number(r.document_count ?? 0),
  };
}
