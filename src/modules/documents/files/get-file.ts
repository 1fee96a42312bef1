import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { indexedDocuments } from '../search/search-documents.ts';
import type { FileList, FileListQuery, FileView } from './schemas.ts';
import { fileNotFound, fileScope, summaries, todayOf, type FileRow } from './file-store.ts';
import { warnHorizon } from './transfer-due.ts';

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * A work file with its documents (as the search index shows them, in the order they were
 * added), for the officials of its unit and the units above (404 for others). `today` decides
 * the archive warning; default: today in Vietnam.
 */
export async function getFile(ctx: Ctx, p: Principal, id: string, opts: { today?: string } = {}): Promise<FileView> {
  if (!isUuid(id)) throw fileNotFound(id);
  const scope = await fileScope(ctx, p);
  const db = ctx.database.db;
  const row: FileRow | undefined = await db.selectFrom('document_files').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !scope.read.includes(row.unit_id)) throw fileNotFound(id);
  const items = await db.selectFrom('document_file_items').selectAll().where('file_id', '=', id).orderBy('added_at').orderBy('doc_id').execute();
  const docs = await indexedDocuments(
    ctx,
    items.map((i) => ({ kind: i.kind, id: i.doc_id })),
  );
  const [summary] = await summaries(ctx, [{ ...row, document_count: items.length }], opts.today ?? todayOf(ctx));
  return {
    ...summary,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    canChange: scope.write.includes(row.unit_id),
    documents: items.map((i) => {
      const d = docs.get(`${i.kind}:${i.doc_id}`);
      return {
        kind: i.kind,
        id: i.doc_id,
        unitId: d?.unitId ?? row.unit_id,
        numberNotation: d?.numberNotation ?? null,
        subject: d?.subject ?? '',
        organ: d?.organ ?? null,
        date: d?.date ?? null,
        status: d?.status ?? null,
        addedAt: new Date(i.added_at).toISOString(),
        indexed: Boolean(d),
      };
    }),
  };
}

/**
 * The work files of the units the official reads, newest year first: each with its
 * archive-transfer day and the warning from 30 days before it (against `today`, default today
 * in Vietnam). `due: 'soon'` keeps only the files due within 30 days or overdue.
 */
export async function listFiles(ctx: Ctx, p: Principal, q: FileListQuery, opts: { today?: string } = {}): Promise<FileList> {
  const today = opts.today ?? todayOf(ctx);
  const scope = await fileScope(ctx, p);
  if (!scope.read.length) return { items: [], today, dueSoonCount: 0 };
  const units = q.unitId ? scope.read.filter((u) => u === q.unitId) : scope.read;
  if (!units.length) return { items: [], today, dueSoonCount: 0 };
  const horizon = warnHorizon(today);
  const db = ctx.database.db;
  let query = db
    .selectFrom('document_files as f')
    .selectAll('f')
    .select(sql<number>`(select count(*)::int from document_file_items i where i.file_id = f.id)`.as('document_count'))
    .where('f.unit_id', 'in', units);
  if (q.year) query = query.where('f.year', '=', q.year);
  if (q.status) query = query.where('f.status', '=', q.status);
  if (q.due === 'soon') query = query.where('f.transfer_due', '<=', horizon);
  const [rows, soon] = await Promise.all([
    query.orderBy('f.year', 'desc').orderBy('f.unit_id').orderBy('f.code').limit(500).execute(),
    db
      .selectFrom('document_files')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('unit_id', 'in', units)
      .where('transfer_due', '<=', horizon)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: await summaries(ctx, rows, today), today, dueSoonCount: Number(soon.n) };
}
