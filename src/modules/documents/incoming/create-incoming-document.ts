import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../../platform/auth/roles.ts';
import { fromZod } from '../../../platform/http/validation.ts';
import { inspectUpload, UPLOAD_LIMITS } from '../../../platform/blobs/inspect.ts';
import { sniffPageKind } from '../../../platform/ocr/index.ts';
import { IncomingMetadata } from './schemas.ts';
import { parseEmlHeaders } from './parse-eml.ts';
import { INCOMING_OCR_QUEUE } from './ocr-job.ts';
import { insertHistory, reindex } from './store.ts';

export interface PostedFile {
  fileName: string;
  bytes: Uint8Array;
}

export const MAX_INCOMING_FILES = 20;

/**
 * A clerk records a document that came on paper (its scanned pages uploaded, read by OCR in a
 * durable job and kept for search) or by e-mail (the .eml, whose From, Subject and Date fill
 * what the clerk left empty, or the e-mail's attachments). The clerk's unit receives it; it
 * starts `arrived`, to be registered or refused like one from the exchange.
 */
export async function createIncomingDocument(
  ctx: Ctx,
  p: Principal,
  input: Record<string, unknown>,
  files: readonly PostedFile[],
): Promise<{ id: string; version: number }> {
  const clerkUnit = p.kind === 'staff' ? p.roles.find((r) => r.role === 'clerk')?.unitId : undefined;
  if (!clerkUnit) throw new AppError('FORBIDDEN', { vi: 'Chỉ văn thư được vào sổ văn bản đến', en: 'Only clerks record incoming documents' });
  if (files.length > MAX_INCOMING_FILES) throw bad('files', `Tối đa ${MAX_INCOMING_FILES} tệp`, `At most ${MAX_INCOMING_FILES} files`);

  const stored: { name: string; contentType: string; bytes: Uint8Array; scanned: boolean }[] = [];
  let eml: ReturnType<typeof parseEmlHeaders> | undefined;
  files.forEach((f, i) => {
    if (f.bytes.byteLength === 0) return;
    if (/\.eml$/i.test(f.fileName)) {
      if (f.bytes.byteLength > UPLOAD_LIMITS.maxBytes)
        throw new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quá lớn: tối đa 20 MiB', en: 'File too large: at most 20 MiB' });
      // A message is text (7-bit or 8-bit MIME); a NUL byte means it is something else named .eml.
      if (f.bytes.includes(0)) throw bad(`files[${i}]`, 'Tệp .eml không phải thư điện tử', 'The .eml file is not an e-mail message');
      eml ??= parseEmlHeaders(f.bytes);
      stored.push({ name: safeName(f.fileName), contentType: 'message/rfc822', bytes: f.bytes, scanned: false });
      return;
    }
    const info = inspectUpload(f.bytes, f.fileName);
    stored.push({ name: info.safeName, contentType: info.contentType, bytes: f.bytes, scanned: sniffPageKind(f.bytes) !== null });
  });

  const fromEml = eml
    ? {
        senderName: eml.from,
        subject: eml.subject,
        promulgationDate: eml.date,
        emailFrom: eml.fromAddress,
      }
    : {};
  const filled = {
    ...Object.fromEntries(Object.entries(fromEml).filter(([, v]) => v)),
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== '' && v !== undefined)),
  };
  const parsed = IncomingMetadata.safeParse(filled);
  if (!parsed.success) throw fromZod(parsed.error, 'body');
  const m = parsed.data;
  if (!stored.length)
    throw bad(
      'files',
      m.channel === 'paper' ? 'Cần tải lên bản quét của văn bản giấy' : 'Cần tải lên thư (.eml) hoặc tệp đính kèm của thư',
      m.channel === 'paper' ? 'Upload the scan of the paper document' : 'Upload the message (.eml) or its attachments',
    );

  const blobs: ((typeof stored)[number] & { sha256: string; size: number })[] = [];
  for (const f of stored) blobs.push({ ...f, ...(await ctx.blobs.put(f.bytes)) });
  const [number, ...rest] = m.numberNotation.split('/');
  const ocr = m.channel === 'paper' && stored.some((f) => f.scanned);
  const now = new Date(Date.now() + ctx.config.clockOffsetMs);
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('incoming_documents')
      .values({
        channel: m.channel,
        receiving_unit: clerkUnit,
        status: 'arrived',
        sender_organ_id: m.senderOrganId || null,
        sender_name: m.senderName,
        code_number: number.trim() || null,
        code_notation: rest.join('/').trim() || null,
        subject: m.subject,
        promulgation_date: m.promulgationDate,
        document_type: m.documentType || null,
        signer: m.signer || null,
        due_date: m.dueDate ?? null,
        email_from: m.emailFrom || null,
        received_at: now,
        ocr_status: ocr ? 'queued' : 'none',
      })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('incoming_document_files')
      .values(blobs.map((f, i) => ({ incoming_id: row.id, n: i + 1, name: f.name, content_type: f.contentType, size: f.size, sha256: f.sha256 })))
      .execute();
    await insertHistory(tx, row.id, 1, null, {
      action: 'arrive',
      actor: actorOf(p),
      actorName: p.name,
      at: now,
      toStatus: 'arrived',
      data: { via: m.channel, files: blobs.length },
    });
    await recordAudit(tx, {
      actor: actorOf(p),
      action: 'documents.incoming.record',
      target: `incoming:${row.id}`,
      data: { channel: m.channel, files: blobs.length },
    });
    await reindex(tx, row.id);
    if (ocr) await ctx.jobs.send(INCOMING_OCR_QUEUE, { incomingId: row.id }, tx);
    return row;
  });
}

const bad = (path: string, vi: string, en: string) => new AppError('VALIDATION_FAILED', { vi, en }, [{ path, message: vi, messageEn: en }]);

const safeName = (n: string) =>
  n
    .replace(/[\\/]/g, '_')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .slice(0, 200) || 'thu.eml';
