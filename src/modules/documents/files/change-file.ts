import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { actorOf, type Principal } from '../../../platform/auth/roles.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import { AppError, forbidden, notFound } from '../../../platform/errors.ts';
import { localDayOf } from '../../../platform/pdf/index.ts';
import { documentUnits } from '../search/visible-units.ts';
import { FileAction, FILE_READERS } from './schemas.ts';
import { fileNotFound, fileScope } from './file-store.ts';
import { transferDue } from './transfer-due.ts';

const STATUS = { open: { vi: 'đang lập', en: 'open' }, closed: { vi: 'đã kết thúc', en: 'closed' } } as const;

/**
 * Changes a work file: adds a document (one the caller may see, found in the search index),
 * removes one, or closes the file when its work is finished (its archive-transfer day becomes a
 * year after the closing day). Clerks, leaders and specialists of the file's unit or above;
 * each change bumps the version, is refused on a stale one (409 STALE_VERSION) and on a closed
 * file (409 DOCUMENT_FILE_CLOSED), and is audited in its transaction. Adding a document already
 * in the file, or removing one that is not, changes nothing but is not an error.
 */
export async function changeFile(ctx: Ctx, p: Principal, id: string, input: FileAction, opts: { now?: Date } = {}): Promise<{ id: string; version: number }> {
  const a = FileAction.parse(input);
  const scope = await fileScope(ctx, p);
  const now = opts.now ?? new Date(Date.now() + ctx.config.clockOffsetMs);
  // The documents the caller sees: only those can go into a file.
  const seen = a.action === 'add' ? await documentUnits(ctx, p, FILE_READERS) : [];
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await tx.selectFrom('document_files').selectAll().where('id', '=', id).forUpdate().executeTakeFirst() : undefined;
    if (!row || !scope.read.includes(row.unit_id)) throw fileNotFound(id);
    if (!scope.write.includes(row.unit_id)) throw forbidden();
    if (row.version !== a.version)
      throw new AppError(
        'STALE_VERSION',
        {
          vi: `Hồ sơ ${row.code} đã thay đổi từ khi bạn mở trang (phiên bản ${a.version}, nay là ${row.version}). Thao tác chưa được thực hiện`,
          en: `File ${row.code} has changed since the page was opened (version ${a.version}, now ${row.version}). Nothing was done`,
        },
        [
          { path: 'body.version', message: `Phiên bản ${a.version} đã cũ`, messageEn: `version ${a.version} is stale` },
          { path: 'current.status', message: row.status, messageEn: row.status },
          { path: 'current.version', message: String(row.version), messageEn: String(row.version) },
        ],
      );
    if (row.status === 'closed')
      throw new AppError('DOCUMENT_FILE_CLOSED', {
        vi: `Hồ sơ ${row.code} ${STATUS.closed.vi}: không thay đổi được`,
        en: `File ${row.code} is ${STATUS.closed.en}: it cannot be changed`,
      });
    let data: Record<string, unknown>;
    if (a.action === 'add') {
      const doc = await tx
        .selectFrom('document_search')
        .select(['unit_id', 'number_notation', 'subject'])
        .where('kind', '=', a.kind)
        .where('id', '=', a.documentId)
        .executeTakeFirst();
      if (!doc || !seen.includes(doc.unit_id)) throw notFound({ vi: `văn bản ${a.documentId}`, en: `Document ${a.documentId}` });
      await tx
        .insertInto('document_file_items')
        .values({ file_id: row.id, kind: a.kind, doc_id: a.documentId, added_by: actorOf(p) })
        .onConflict((oc) => oc.doNothing())
        .execute();
      data = { kind: a.kind, documentId: a.documentId, numberNotation: doc.number_notation };
    } else if (a.action === 'remove') {
      await tx.deleteFrom('document_file_items').where('file_id', '=', row.id).where('kind', '=', a.kind).where('doc_id', '=', a.documentId).execute();
      data = { kind: a.kind, documentId: a.documentId };
    } else {
      const closedOn = localDayOf(now);
      data = { closedOn, transferDue: transferDue({ year: row.year, closedOn }) };
    }
    const updated = await tx
      .updateTable('document_files')
      .set({
        version: sql`version + 1`,
        ...(a.action === 'close' ? { status: 'closed' as const, closed_at: now, transfer_due: String(data.transferDue) } : {}),
      })
      .where('id', '=', row.id)
      .returning('version')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: actorOf(p),
      action: a.action === 'add' ? 'documents.file.add' : a.action === 'remove' ? 'documents.file.remove' : 'documents.file.close',
      target: `document-file:${row.id}`,
      data: { code: row.code, ...data },
    });
    return { id: row.id, version: updated.version };
  });
}
