import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../../platform/auth/roles.ts';
import type { Signer } from '../../../platform/signing/signer.ts';
import { readUpload } from '../../uploads/read-upload-bytes.ts';
import { documentIdOf } from '../edxml/index.ts';
import { formatNumber, takeNumber, vietnamYear } from '../numbering.ts';
import { notationOf, seriesOf } from '../series.ts';
import { allowedOutgoingActions, decideOutgoing, OUTGOING_ACTIONS, type OutgoingStatus } from './lifecycle.ts';
import type { OutgoingActionInput } from './schemas.ts';
import { indexOutgoing, insertFiles } from './create-outgoing.ts';
import { ourOrgan, sendDocument, sendStatus } from './exchange-port.ts';
import { outgoingMessage, responseForOf } from './outgoing-message.ts';
import { keysFor, missingFile, sealSigned, signMain } from './sign-outgoing.ts';
import {
  abbreviationsOf,
  actorFor,
  agencyOf,
  appendHistory,
  internalUnitsOf,
  loadOutgoing,
  loadUnits,
  missingDocument,
  nowOf,
  statusLabel,
  vietnamDate,
  type OutgoingRow,
  type Units,
} from './store.ts';

export interface OutgoingActionResult {
  id: string;
  version: number;
  status: OutgoingStatus;
  /** `replace`: the new draft that will replace this document once released. */
  replacementId?: string;
}

/**
 * Takes one action on an outgoing document: checks that the caller sees it, the version it was
 * chosen on, the caller's part against the rules (lifecycle.ts), then does the action's work,
 * appends to the history and updates the row, all in one transaction with the audit entry, the
 * search index and the exchange's messages. Release numbers, registers and sends in that one
 * transaction: a failure anywhere gives the number back.
 */
export async function takeOutgoingAction(ctx: Ctx, id: string, input: OutgoingActionInput, p: Principal, now = nowOf(ctx)): Promise<OutgoingActionResult> {
  const units = await loadUnits(ctx);
  // Work that reads outside the transaction (the embedded database has one connection): the
  // signing keys, made and stored on first use, and a replacement's uploaded file.
  let key: Signer | undefined;
  let upload: Awaited<ReturnType<typeof readUpload>> | undefined;
  if (input.action === 'sign' || input.action === 'seal') {
    const row = await loadOutgoing(ctx.database.db, id);
    const actor = actorFor(units, p, row, await internalUnitsOf(ctx.database.db, id));
    if (!actor.viewer) throw missingDocument(id);
    // Only the one who may act gets a key made for them.
    if ('next' in decideOutgoing(row.status as OutgoingStatus, input.action, actor))
      key = await keysFor(ctx, units, row, input.action === 'sign' ? 'person' : 'seal');
  }
  if (input.action === 'replace') {
    upload = await readUpload(ctx, p, input.mainUploadId);
    if (upload.upload.kind !== 'pdf')
      throw new AppError('VALIDATION_FAILED', { vi: 'Tệp chính phải là tệp PDF', en: 'The main file must be a PDF' }, [
        { path: 'body.mainUploadId', message: 'Tệp chính phải là tệp PDF', messageEn: 'must be a PDF' },
      ]);
  }
  return ctx.database.db.transaction().execute(async (tx) => {
    const c = inTransaction(ctx, tx);
    const row = await loadOutgoing(tx, id, true);
    const actor = actorFor(units, p, row, await internalUnitsOf(tx, id));
    if (!actor.viewer) throw missingDocument(id);
    const from = row.status as OutgoingStatus;
    if (input.version !== row.version) throw staleVersion(row, input.version, allowedOutgoingActions(from, actor));
    const d = decideOutgoing(from, input.action, actor);
    if ('refused' in d) throw refused(d.refused, input.action, allowedOutgoingActions(from, actor));
    const staffName = p.kind === 'staff' ? p.name : actorOf(p);
    let note: string | null = null;
    let changes: Partial<Record<string, unknown>> = {};
    let replacementId: string | undefined;
    switch (input.action) {
      case 'comment':
        note = input.text;
        break;
      case 'return':
      case 'recall':
        note = input.reason;
        break;
      case 'forward':
        note = input.note ?? null;
        break;
      case 'sign':
        await signFile(c, tx, row, key!, units);
        break;
      case 'seal':
        await sealFile(c, tx, row, key!, units);
        break;
      case 'release':
        changes = await release(c, tx, row, units, now, staffName);
        note = `Số: ${changes.fullNotation as string}`;
        delete changes.fullNotation;
        break;
      case 'update': {
        note = input.reason;
        changes = Object.fromEntries(
          Object.entries({
            subject: input.subject,
            summary: input.summary,
            due_date: input.dueDate,
            steering_type: input.steeringType,
            priority: input.priority,
          }).filter(([, v]) => v !== undefined),
        );
        break;
      }
      case 'replace':
        note = input.reason;
        replacementId = await draftReplacement(tx, row, upload!.upload, p, now, input.reason);
        break;
    }
    const version = input.action === 'comment' ? row.version : row.version + 1;
    await tx
      .updateTable('outgoing_documents')
      .set({ ...changes, status: d.next, version })
      .where('id', '=', id)
      .execute();
    await appendHistory(tx, id, {
      action: input.action,
      actor: actorOf(p),
      actorName: staffName,
      at: now,
      from,
      to: d.next,
      note,
      data: replacementId ? { replacementId } : Object.keys(changes).length ? changes : undefined,
    });
    const after = await loadOutgoing(tx, id);
    if (input.action === 'recall') await recall(c, tx, after, now, input.reason);
    if (input.action === 'update') {
      const m = await outgoingMessage(c, tx, after, {
        from: ourOrgan(c),
        now,
        business: { type: 2, reason: input.reason },
        staff: staffName,
      });
      if (m) await sendDocument(c, tx, m);
    }
    await recordAudit(tx, { actor: actorOf(p), action: `documents.outgoing.${input.action}`, target: `outgoing:${id}`, data: { from, to: d.next, version } });
    await indexOutgoing(c, tx, id);
    if (replacementId) await indexOutgoing(c, tx, replacementId);
    return { id, version, status: d.next, ...(replacementId ? { replacementId } : {}) };
  });
}

async function currentFile(tx: Tx, id: string, role: 'main' | 'signed') {
  const f = await tx
    .selectFrom('outgoing_document_files')
    .selectAll()
    .where('document_id', '=', id)
    .where('role', '=', role)
    .where('current', '=', true)
    .orderBy('seq', 'desc')
    .executeTakeFirst();
  if (!f) throw missingFile(role);
  return f;
}

async function nextSeq(tx: Tx, id: string): Promise<number> {
  const r = await tx
    .selectFrom('outgoing_document_files')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('document_id', '=', id)
    .executeTakeFirst();
  return Number(r?.seq ?? 0) + 1;
}

async function storeRevision(ctx: Ctx, tx: Tx, id: string, role: 'signed' | 'sealed', bytes: Uint8Array, name: string) {
  // The blob before the row that names it.
  const stored = await ctx.blobs.put(bytes);
  await insertFiles(tx, id, await nextSeq(tx, id), [
    { role, upload: { sha256: stored.sha256, size: stored.size, fileName: name, contentType: 'application/pdf' } },
  ]);
}

async function signFile(ctx: Ctx, tx: Tx, row: OutgoingRow, key: Signer, units: Units) {
  const main = await currentFile(tx, row.id, 'main');
  const bytes = await ctx.blobs.get(main.sha256);
  if (!bytes) throw missingFile(main.file_name);
  const { agency } = agencyOf(units, row.drafting_unit);
  const signed = await signMain(ctx, bytes, key, { name: row.signer_name, agency: agency.name }, row.subject);
  await storeRevision(ctx, tx, row.id, 'signed', signed, main.file_name.replace(/\.pdf$/i, '') + '.signed.pdf');
}

async function sealFile(ctx: Ctx, tx: Tx, row: OutgoingRow, key: Signer, units: Units) {
  const signed = await currentFile(tx, row.id, 'signed');
  const bytes = await ctx.blobs.get(signed.sha256);
  if (!bytes) throw missingFile(signed.file_name);
  const { agency } = agencyOf(units, row.drafting_unit);
  const sealed = await sealSigned(ctx, bytes, key, agency.name);
  await storeRevision(ctx, tx, row.id, 'sealed', sealed, signed.file_name.replace(/\.signed\.pdf$/i, '') + '.sealed.pdf');
}

/**
 * Numbers the document in its series and year (gap-free: the counter row is taken in this
 * transaction), composes its notation and EDXML DocumentId, enters it in the register (the row's
 * number and date), and sends it: one EDXML message to the external recipients, and the internal
 * recipients see it in their list from the commit on.
 */
async function release(ctx: Ctx, tx: Tx, row: OutgoingRow, units: Units, now: Date, staff: string) {
  const series = seriesOf(row.series_code)!;
  const year = vietnamYear(now);
  const number = row.number ?? (await takeNumber(tx, series.register, year));
  const { agencyAbbr, unitAbbr } = abbreviationsOf(units, row.drafting_unit);
  const notation = notationOf(series, agencyAbbr, unitAbbr);
  const date = vietnamDate(now);
  const organ = ourOrgan(ctx);
  const code = `${formatNumber(number)}/${notation}`;
  const documentId = documentIdOf(organ.organId, date, code);
  const columns = { number, year: row.year ?? year, notation, document_id: documentId, promulgation_date: date, released_at: now };
  await tx.updateTable('outgoing_documents').set(columns).where('id', '=', row.id).execute();
  const released = { ...row, ...columns };
  const replaced = row.replaces_id ? await loadOutgoing(tx, row.replaces_id, true) : undefined;
  const m = await outgoingMessage(ctx, tx, released, { from: organ, now, business: replaced ? { type: 3, replaced } : { type: 0 }, staff });
  if (m) await sendDocument(ctx, tx, m);
  if (replaced) {
    await tx
      .updateTable('outgoing_documents')
      .set({ status: 'replaced', replaced_by_id: row.id, version: replaced.version + 1 })
      .where('id', '=', replaced.id)
      .execute();
    await appendHistory(tx, replaced.id, {
      action: 'replaced',
      actor: 'system',
      actorName: staff,
      at: now,
      from: replaced.status,
      to: 'replaced',
      note: `Thay thế bởi văn bản số ${code}`,
      data: { replacedBy: row.id },
    });
    await indexOutgoing(ctx, tx, replaced.id);
  }
  return { ...columns, fullNotation: code };
}

/** Status 13 to every external recipient still holding it; internal recipients stop seeing it at once. */
async function recall(ctx: Ctx, tx: Tx, row: OutgoingRow, now: Date, reason: string) {
  const organ = ourOrgan(ctx);
  const recipients = await tx
    .selectFrom('outgoing_document_recipients')
    .selectAll()
    .where('document_id', '=', row.id)
    .where('recalled_at', 'is', null)
    .execute();
  for (const r of recipients) {
    if (r.kind === 'internal') {
      await tx.updateTable('outgoing_document_recipients').set({ recalled_at: now }).where('document_id', '=', row.id).where('seq', '=', r.seq).execute();
      continue;
    }
    // ResponseFor.OrganId of a 13 is the receiver it goes to (the plan's fixture notes).
    await sendStatus(ctx, tx, { responseFor: { ...responseForOf(row, organ.organId), organId: r.organ_id! }, statusCode: '13', description: reason });
  }
}

/** The replacing document: a new draft of the same series, signer and recipients with the new main file; released, it replaces this one. */
async function draftReplacement(
  tx: Tx,
  row: OutgoingRow,
  upload: { id: string; sha256: string; fileName: string; contentType: string; size: number },
  p: Principal,
  now: Date,
  reason: string,
): Promise<string> {
  const pending = await tx
    .selectFrom('outgoing_documents')
    .select('id')
    .where('replaces_id', '=', row.id)
    .where('status', 'not in', ['released', 'archived', 'recalled', 'replaced'])
    .executeTakeFirst();
  if (pending)
    throw new AppError('CONFLICT', {
      vi: 'Văn bản này đã có một văn bản thay thế đang soạn thảo',
      en: 'A replacing document is already being drafted for this document',
    });
  const { id: _id, created_at: _c, ...rest } = row;
  const copy = await tx
    .insertInto('outgoing_documents')
    .values({
      ...rest,
      status: 'draft',
      version: 1,
      number: null,
      year: null,
      notation: null,
      document_id: null,
      promulgation_date: null,
      released_at: null,
      replaces_id: row.id,
      replaced_by_id: null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const appendices = await tx
    .selectFrom('outgoing_document_files')
    .selectAll()
    .where('document_id', '=', row.id)
    .where('role', '=', 'appendix')
    .orderBy('seq')
    .execute();
  await insertFiles(tx, copy.id, 1, [
    { role: 'main', upload },
    ...appendices.map((f) => ({
      role: 'appendix' as const,
      upload: { id: f.upload_id ?? undefined, sha256: f.sha256, fileName: f.file_name, contentType: f.content_type, size: f.size },
    })),
  ]);
  const recipients = await tx.selectFrom('outgoing_document_recipients').selectAll().where('document_id', '=', row.id).orderBy('seq').execute();
  await tx
    .insertInto('outgoing_document_recipients')
    .values(recipients.map((r) => ({ ...r, document_id: copy.id, recalled_at: null })))
    .execute();
  await appendHistory(tx, copy.id, {
    action: 'create',
    actor: actorOf(p),
    actorName: p.kind === 'staff' ? p.name : actorOf(p),
    at: now,
    from: null,
    to: 'draft',
    note: reason,
    data: { replaces: row.id },
  });
  return copy.id;
}

function staleVersion(row: OutgoingRow, named: number, allowed: string[]): AppError {
  const st = statusLabel(row.status);
  return new AppError(
    'STALE_VERSION',
    {
      vi: `Văn bản đã thay đổi từ khi bạn mở trang (phiên bản ${named}, nay là ${row.version}; trạng thái: ${st.vi}). Thao tác chưa được thực hiện`,
      en: `The document has changed since the page was opened (version ${named}, now ${row.version}; status: ${st.en}). Nothing was done`,
    },
    [
      { path: 'body.version', message: `Phiên bản ${named} đã cũ`, messageEn: `version ${named} is stale` },
      { path: 'current.status', message: row.status, messageEn: row.status },
      { path: 'current.version', message: String(row.version), messageEn: String(row.version) },
      ...allowed.map((a) => ({ path: 'allowedActions', message: a, messageEn: a })),
    ],
  );
}

function refused(code: 'ACTION_NOT_ALLOWED' | 'NOT_YOUR_STEP', action: keyof typeof OUTGOING_ACTIONS, allowed: string[]): AppError {
  const label = OUTGOING_ACTIONS[action];
  const text =
    code === 'NOT_YOUR_STEP'
      ? { vi: `Bạn không có quyền "${label.vi}" văn bản này ở bước hiện tại`, en: `You may not ${label.en.toLowerCase()} this document at its current step` }
      : { vi: `Văn bản không ở trạng thái cho phép "${label.vi}"`, en: `The document is not in a status that allows: ${label.en}` };
  return new AppError(
    code,
    text,
    allowed.map((a) => ({ path: 'allowedActions', message: a, messageEn: a })),
  );
}
