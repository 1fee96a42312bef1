import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../../platform/auth/roles.ts';
import { assertNoActiveContent } from '../../../platform/pdf/find-active-content.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { readUpload } from '../../uploads/read-upload-bytes.ts';
import type { Upload } from '../../uploads/schemas.ts';
import { indexDocument } from '../search/index-document.ts';
import { seriesOf } from '../series.ts';
import type { CreateOutgoingInput, Recipient } from './schemas.ts';
import { appendHistory, covers, loadUnits, nowOf, type Staff, type Units } from './store.ts';

const invalid = (path: string, vi: string, en: string) => new AppError('VALIDATION_FAILED', { vi, en }, [{ path, message: vi, messageEn: en }]);

/**
 * A specialist drafts an outgoing document: its series, subject, the signing leader who will sign
 * it, its recipients, and its files (the main file, a PDF without active content, and appendices),
 * taken from the specialist's uploads. The draft belongs to the specialist's unit.
 */
export async function createOutgoing(ctx: Ctx, input: CreateOutgoingInput, p: Principal, now = nowOf(ctx)): Promise<{ id: string; version: number }> {
  const staff = asDrafter(p);
  const unit = staff.roles.find((r) => r.role === 'specialist')!.unitId;
  const units = await loadUnits(ctx);
  const signer = await checkSigner(ctx, units, input.signer.staffId, unit);
  const recipients = checkRecipients(units, input.recipients);
  if (!seriesOf(input.seriesCode)) throw invalid('body.seriesCode', 'Không có loại văn bản này', 'unknown document series');
  const main = await readUpload(ctx, p, input.mainUploadId);
  if (main.upload.kind !== 'pdf') throw invalid('body.mainUploadId', 'Tệp chính phải là tệp PDF để ký số', 'the main file must be a PDF, to be signed');
  // Refused now rather than at signing: a PDF with scripts or actions is never signed (Decree 30, art. 14 on e-documents' format).
  assertNoActiveContent(main.bytes);
  const appendices: Upload[] = [];
  for (const [i, id] of (input.appendixUploadIds ?? []).entries()) {
    try {
      appendices.push((await readUpload(ctx, p, id)).upload);
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') throw invalid(`body.appendixUploadIds.${i}`, 'Không tìm thấy tệp', 'upload not found');
      throw e;
    }
  }
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('outgoing_documents')
      .values({
        series_code: input.seriesCode,
        subject: input.subject,
        summary: input.summary ?? null,
        drafting_unit: unit,
        drafter: staff.username,
        drafter_name: staff.name,
        signer_id: signer.id,
        signer_username: signer.username,
        signer_name: signer.fullName,
        signer_position: input.signerPosition ?? null,
        due_date: input.dueDate ?? null,
        steering_type: input.steeringType ?? null,
        priority: input.priority ?? null,
        number: null,
        year: null,
        notation: null,
        document_id: null,
        released_at: null,
        replaces_id: null,
        replaced_by_id: null,
        created_at: now,
      })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    await insertFiles(tx, row.id, 1, [{ role: 'main', upload: main.upload }, ...appendices.map((upload) => ({ role: 'appendix' as const, upload }))]);
    await tx
      .insertInto('outgoing_document_recipients')
      .values(
        recipients.map((r, i) => ({
          document_id: row.id,
          seq: i + 1,
          kind: r.kind,
          organ_id: r.kind === 'external' ? r.organId : null,
          unit_id: r.kind === 'internal' ? r.unitId : null,
          name: r.name,
          recalled_at: null,
        })),
      )
      .execute();
    await appendHistory(tx, row.id, { action: 'create', actor: actorOf(p), actorName: staff.name, at: now, from: null, to: 'draft' });
    await recordAudit(tx, { actor: actorOf(p), action: 'documents.outgoing.create', target: `outgoing:${row.id}`, data: { series: input.seriesCode } });
    await indexOutgoing(inTransaction(ctx, tx), tx, row.id);
    return { id: row.id, version: row.version };
  });
}

function asDrafter(p: Principal): Staff {
  if (p.kind !== 'staff' || !p.roles.some((r) => r.role === 'specialist'))
    throw new AppError('FORBIDDEN', { vi: 'Chỉ chuyên viên được soạn văn bản đi', en: 'Only specialists draft outgoing documents' });
  return p;
}

/** The signer: an active official holding the signing-leader role in the drafting unit or above it. */
export async function checkSigner(ctx: Ctx, units: Units, staffId: string, draftingUnit: string) {
  const s = (await listStaff(ctx)).find((x) => x.id === staffId && x.active);
  const principal = s && ({ kind: 'staff', id: s.id, username: s.username, name: s.fullName, roles: s.roles } as Staff);
  if (!s || !principal || !covers(units, principal, draftingUnit, 'signing_leader'))
    throw invalid(
      'body.signer.staffId',
      'Người ký phải là lãnh đạo ký duyệt của đơn vị soạn thảo hoặc cấp trên',
      'the signer must be a signing leader of the drafting unit or above',
    );
  return s;
}

function checkRecipients(units: Units, list: Recipient[]): (Recipient & { name: string })[] {
  const seen = new Set<string>();
  return list.map((r, i) => {
    const key = r.kind === 'external' ? `e:${r.organId}` : `i:${r.unitId}`;
    if (seen.has(key)) throw invalid(`body.recipients.${i}`, 'Nơi nhận bị lặp', 'duplicate recipient');
    seen.add(key);
    if (r.kind === 'external') return { ...r, name: r.organName };
    const u = units.byId.get(r.unitId);
    if (!u) throw invalid(`body.recipients.${i}.unitId`, 'Không có đơn vị này', 'unknown unit');
    return { ...r, name: u.name };
  });
}

type FileIn = { role: 'main' | 'signed' | 'sealed' | 'appendix'; upload: { id?: string; sha256: string; fileName: string; contentType: string; size: number } };

export async function insertFiles(tx: Tx, id: string, firstSeq: number, files: FileIn[]): Promise<void> {
  if (!files.length) return;
  await tx
    .insertInto('outgoing_document_files')
    .values(
      files.map((f, i) => ({
        document_id: id,
        seq: firstSeq + i,
        role: f.role,
        sha256: f.upload.sha256,
        file_name: f.upload.fileName,
        content_type: f.upload.contentType,
        size: f.upload.size,
        upload_id: f.upload.id ?? null,
      })),
    )
    .execute();
}

/** The search index's copy of the document (E's index), refreshed in every transaction that changes it. */
export async function indexOutgoing(ctx: Ctx, tx: Tx, id: string): Promise<void> {
  const row = await tx.selectFrom('outgoing_documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const units = await loadUnits(ctx);
  const root = [...units.list].find((u) => u.parentId === null);
  await indexDocument(tx, {
    kind: 'outgoing',
    id,
    unitId: row.drafting_unit,
    numberNotation: row.number !== null && row.notation ? `${String(row.number).padStart(2, '0')}/${row.notation}` : undefined,
    subject: row.subject,
    organ: root?.name,
    date: row.promulgation_date ?? undefined,
    text: row.summary ?? undefined,
    status: row.status,
  });
}
