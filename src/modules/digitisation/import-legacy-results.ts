import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { readZipFiles } from '../../platform/blobs/zip.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import { validationError } from '../../platform/http/validation.ts';
import { sniffPageKind } from '../../platform/ocr/index.ts';
import { localDate } from '../calendar/dates.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import { findCitizen } from '../identity/find-citizen.ts';
import { currentPrincipal } from '../identity/current-principal.ts';
import { recordLegacyResult } from '../results/record-legacy-result.ts';
import { createScan, type ScanFile } from './create-scan.ts';
import { confirmMetadata } from './confirm-metadata.ts';
import { readScanFile, getScanForItem } from './get-scan.ts';
import { recordLegacyResultItem } from './record-digitised-item.ts';
import { checkLegacyRow, CsvFormatError, LEGACY_COLUMNS, readLegacyCsv, type CsvProblem, type LegacyColumn, type LegacyRow } from './legacy-csv.ts';
import type {} from './legacy-tables.ts';

export const LEGACY_QUEUE = 'digitisation.legacy';
/** A batch is a scanner's folder zipped with its CSV: up to 1,000 files, 400 MiB once unzipped. */
export const LEGACY_ZIP_LIMITS = { maxEntries: 1000, maxUncompressed: 400 * 1024 * 1024, maxRatio: 500 } as const;
/** How long the background step waits before looking again at scans still being read. */
const POLL_SECONDS = 3;

export type LegacyRowStatus = 'rejected' | 'ocr' | 'done' | 'failed';

export interface LegacyBatchView {
  id: string;
  unitId: string;
  source: 'zip' | 'folder' | 'single';
  status: 'running' | 'done';
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  /** Rows by status; progress = (done + failed + rejected) / total. */
  counts: Record<LegacyRowStatus, number>;
  total: number;
  progress: number;
  rows: {
    line: number;
    file: string;
    holderIdentifier: string | null;
    status: LegacyRowStatus;
    /** Why the row was rejected or failed, by field, in both languages. */
    problems: CsvProblem[];
    scanId: string | null;
    itemCode: string | null;
    resultCode: string | null;
    /** The CSV gave every field: the item's metadata was confirmed by the import. */
    confirmed: boolean;
  }[];
}

/**
 * Who imports: clerks, and administrators, who act with a clerk's rights in the units they
 * administer (scanning and confirming are the clerk's acts; an administrator taking on an
 * import does them as the unit's clerk would).
 */
export function importer(p: Principal): Extract<Principal, { kind: 'staff' }> {
  if (p.kind !== 'staff') throw forbidden();
  const roles = p.roles.flatMap((r) => (r.role === 'clerk' ? [r] : r.role === 'administrator' ? [{ role: 'clerk' as const, unitId: r.unitId }] : []));
  if (!roles.length) throw forbidden();
  return { ...p, roles };
}

export interface LegacyImportInput {
  /** Every file sent: one ZIP (scans + CSV), several files with one CSV among them, or one scan. */
  files: ScanFile[];
  /** `unitId` (optional), and for a single scan the CSV's columns as form fields. */
  fields: Record<string, string>;
}

const isCsv = (f: ScanFile) => /\.csv$/i.test(f.fileName);
const isZip = (f: ScanFile) => f.bytes.byteLength >= 4 && f.bytes[0] === 0x50 && f.bytes[1] === 0x4b && f.bytes[2] === 0x03 && f.bytes[3] === 0x04;
const baseName = (n: string) => n.split('/').pop()!;
const fileKey = (n: string) => foldVietnamese(baseName(n).normalize('NFC'));

function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw validationError([
      { path: 'file', message: 'Tệp CSV phải mã hóa UTF-8 (có hoặc không có BOM)', messageEn: 'The CSV must be UTF-8 encoded (with or without a BOM)' },
    ]);
  }
}

/**
 * Imports a batch of old results (issue 13, item 5): reads the CSV (legacy-csv.ts documents it),
 * checks every row on its own (an identifier that names no holder, a date that is not one, a
 * file missing from the batch: the row is rejected with its line and the reason, the rest go on),
 * and for each good row makes a scan for OCR (purpose `legacy_result`). A background step
 * (advanceLegacyBatch) then records each read scan as a digitised item with the CSV's metadata,
 * confirmed by the importer when the CSV gave every field, and registers it as a legacy result in
 * the holder's repository and public verification. One file with form fields is a batch of one,
 * whose bad field is a 400 instead.
 */
export async function importLegacyResults(ctx: Ctx, p: Principal, input: LegacyImportInput): Promise<LegacyBatchView> {
  const actor = importer(p);
  const today = localDate(new Date());
  const sent = input.files.filter((f) => f.bytes.byteLength > 0);
  if (!sent.length) throw validationError([{ path: 'file', message: 'Cần gửi ít nhất một tệp', messageEn: 'Send at least one file' }]);

  let source: LegacyBatchView['source'];
  let scans: ScanFile[];
  let rows: LegacyRow[];
  if (sent.length === 1 && isZip(sent[0])) {
    source = 'zip';
    const all = readZipFiles(sent[0].bytes, LEGACY_ZIP_LIMITS).map((z) => ({ fileName: z.name, bytes: z.bytes }));
    ({ scans, rows } = splitCsv(all, today));
  } else if (sent.some(isCsv)) {
    source = 'folder';
    ({ scans, rows } = splitCsv(sent, today));
  } else if (sent.length === 1) {
    source = 'single';
    scans = sent;
    const values = Object.fromEntries(LEGACY_COLUMNS.map((c) => [c, (input.fields[c] ?? '').trim()])) as Record<LegacyColumn, string>;
    values.file = sent[0].fileName || 'ban-quet';
    const row = checkLegacyRow(1, values, today);
    if (row.problems.length) throw validationError(row.problems.map((x) => ({ path: x.field, message: x.vi, messageEn: x.en })));
    rows = [row];
  } else {
    throw validationError([
      {
        path: 'file',
        message: 'Gửi một tệp ZIP, hoặc các tệp quét kèm một tệp CSV, hoặc một tệp quét kèm thông tin',
        messageEn: 'Send one ZIP, or the scans with one CSV, or one scan with its details',
      },
    ]);
  }

  const unitId = await importUnit(ctx, actor, input.fields.unitId);
  const byName = new Map<string, ScanFile[]>();
  for (const f of scans) byName.set(fileKey(f.fileName), [...(byName.get(fileKey(f.fileName)) ?? []), f]);
  const exact = new Map(scans.map((f) => [f.fileName.normalize('NFC').toLowerCase(), f]));
  const fileOf = (name: string) =>
    exact.get(name.normalize('NFC').toLowerCase()) ?? (byName.get(fileKey(name))?.length === 1 ? byName.get(fileKey(name))![0] : undefined);

  for (const r of rows) {
    if (!r.problems.length && !fileOf(r.file))
      r.problems.push({ field: 'file', vi: `Tệp: không có tệp “${r.file.slice(0, 80)}” trong lô`, en: `File: “${r.file.slice(0, 80)}” is not in the batch` });
    else if (!r.problems.length && fileOf(r.file) && !sniffPageKind(fileOf(r.file)!.bytes))
      r.problems.push({ field: 'file', vi: 'Tệp: chỉ nhận PDF, TIFF, JPEG hoặc PNG', en: 'File: PDF, TIFF, JPEG or PNG only' });
  }
  if (source === 'single' && rows[0].problems.length) throw validationError(rows[0].problems.map((x) => ({ path: x.field, message: x.vi, messageEn: x.en })));

  const batch = await ctx.database.db
    .insertInto('legacy_batches')
    .values({ unit_id: unitId, created_by: actorOf(p), created_by_id: p.kind === 'staff' ? p.id : '', source, total: rows.length })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  for (const r of rows) {
    let status: LegacyRowStatus = r.problems.length ? 'rejected' : 'ocr';
    let scanId: string | null = null;
    let problems = r.problems;
    if (status === 'ocr') {
      try {
        const scan = await createScan(ctx, actor, { files: [fileOf(r.file)!], fields: { purpose: 'legacy_result', unitId } });
        scanId = scan.id;
      } catch (e) {
        // A file the scanner refuses (damaged, active content, too many pages) rejects its row only.
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        status = 'rejected';
        problems = [{ field: 'file', vi: `Tệp: ${e.text.vi}`, en: `File: ${e.text.en}` }];
      }
    }
    await ctx.database.db
      .insertInto('legacy_batch_rows')
      .values({
        batch_id: batch.id,
        line: r.line,
        file_name: r.file.slice(0, 300),
        holder_identifier: r.holderIdentifier || null,
        holder_name: r.holderName,
        metadata: JSON.stringify(r.metadata),
        complete: r.complete,
        status,
        errors: problems.length ? JSON.stringify(problems) : null,
        scan_id: scanId,
      })
      .execute();
  }
  await ctx.database.db.transaction().execute(async (tx) => {
    await recordAudit(tx, {
      actor: actorOf(p),
      action: 'digitisation.legacy.import',
      target: `legacy-batch:${batch.id}`,
      data: { unit: unitId, source, rows: rows.length, rejected: rows.filter((r) => r.problems.length).length },
    });
    await ctx.jobs.send(LEGACY_QUEUE, { batchId: batch.id }, tx);
  });
  return getLegacyBatch(ctx, p, batch.id);
}

/** The CSV among the files (exactly one) and the scans beside it. */
function splitCsv(files: ScanFile[], today: string): { scans: ScanFile[]; rows: LegacyRow[] } {
  const csvs = files.filter(isCsv);
  if (csvs.length !== 1)
    throw validationError([
      {
        path: 'file',
        message: csvs.length ? 'Lô chỉ được có một tệp CSV' : 'Lô cần một tệp CSV thông tin các bản quét',
        messageEn: csvs.length ? 'A batch has exactly one CSV' : 'A batch needs a CSV describing its scans',
      },
    ]);
  try {
    return { scans: files.filter((f) => !isCsv(f)), rows: readLegacyCsv(decodeCsv(csvs[0].bytes), today) };
  } catch (e) {
    if (e instanceof CsvFormatError) throw validationError([{ path: 'file', message: e.text.vi, messageEn: e.text.en }]);
    throw e;
  }
}

/** The unit named (one the importer covers), or the importer's own. */
async function importUnit(ctx: Ctx, p: Extract<Principal, { kind: 'staff' }>, unitId: string | undefined): Promise<string> {
  if (!unitId) return p.roles[0].unitId;
  if (!(await coveredUnits(ctx, p)).includes(unitId)) throw notFound({ vi: `đơn vị ${unitId.slice(0, 40)}`, en: `Unit ${unitId.slice(0, 40)}` });
  return unitId;
}

type RowRecord = {
  batch_id: string;
  line: number;
  file_name: string;
  holder_identifier: string | null;
  holder_name: string | null;
  metadata: unknown;
  complete: boolean;
  status: LegacyRowStatus;
  errors: unknown;
  scan_id: string | null;
  item_code: string | null;
  result_code: string | null;
};

/** A batch with every row's state, for its importer's units' officials (and those above); others get 404. */
export async function getLegacyBatch(ctx: Ctx, p: Principal, id: string): Promise<LegacyBatchView> {
  const missing = () => notFound({ vi: `lô nhập ${id.slice(0, 40)}`, en: `Import batch ${id.slice(0, 40)}` });
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || p.kind !== 'staff') throw missing();
  const b = await ctx.database.db.selectFrom('legacy_batches').selectAll().where('id', '=', id).executeTakeFirst();
  if (!b || !(await coveredUnits(ctx, p)).includes(b.unit_id)) throw missing();
  const rows = (await ctx.database.db.selectFrom('legacy_batch_rows').selectAll().where('batch_id', '=', id).orderBy('line').execute()) as RowRecord[];
  const counts: Record<LegacyRowStatus, number> = { rejected: 0, ocr: 0, done: 0, failed: 0 };
  for (const r of rows) counts[r.status]++;
  return {
    id: b.id,
    unitId: b.unit_id,
    source: b.source,
    status: b.status,
    createdBy: b.created_by,
    createdAt: new Date(b.created_at).toISOString(),
    finishedAt: b.finished_at ? new Date(b.finished_at).toISOString() : null,
    counts,
    total: rows.length,
    progress: rows.length ? (rows.length - counts.ocr) / rows.length : 1,
    rows: rows.map((r) => ({
      line: r.line,
      file: r.file_name,
      holderIdentifier: r.holder_identifier,
      status: r.status,
      problems: (r.errors as CsvProblem[] | null) ?? [],
      scanId: r.scan_id,
      itemCode: r.item_code,
      resultCode: r.result_code,
      confirmed: r.complete && r.status === 'done',
    })),
  };
}

/** The unit's latest batches, newest first (the import page lists them). */
export async function listLegacyBatches(
  ctx: Ctx,
  p: Principal,
  limit = 20,
): Promise<{ id: string; unitId: string; status: string; total: number; createdAt: string }[]> {
  if (p.kind !== 'staff') return [];
  const units = await coveredUnits(ctx, p);
  if (!units.length) return [];
  const rows = await ctx.database.db
    .selectFrom('legacy_batches')
    .select(['id', 'unit_id', 'status', 'total', 'created_at'])
    .where('unit_id', 'in', units)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, unitId: r.unit_id, status: r.status, total: r.total, createdAt: new Date(r.created_at).toISOString() }));
}

/**
 * The background step of a batch: every row whose scan has been read becomes its digitised item
 * and legacy result, each row in a transaction of its own (a row already done is left as it is,
 * so a retried step never registers twice); a scan that could not be read fails its row with the
 * reason. Acts as the importer with their rights of the day (an account disabled since, or moved
 * out of the unit, fails the rows instead). Returns whether rows are still waiting for OCR.
 */
export async function advanceLegacyBatch(ctx: Ctx, batchId: string): Promise<{ waiting: number }> {
  const b = await ctx.database.db.selectFrom('legacy_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!b || b.status === 'done') return { waiting: 0 };
  const rows = (await ctx.database.db
    .selectFrom('legacy_batch_rows')
    .selectAll()
    .where('batch_id', '=', batchId)
    .where('status', '=', 'ocr')
    .orderBy('line')
    .execute()) as RowRecord[];
  const now = await currentPrincipal(ctx)({ kind: 'staff', id: b.created_by_id, username: '', name: '', roles: [], mfa: true });
  let acting: Extract<Principal, { kind: 'staff' }> | null = null;
  try {
    acting = now ? importer(now) : null;
  } catch {
    acting = null; // no clerk's or administrator's role left: the rows fail below, with the reason
  }
  let waiting = 0;
  for (const r of rows) {
    const scan = await getScanForItem(ctx, r.scan_id!);
    if (scan.status !== 'done' && scan.status !== 'failed') {
      waiting++;
      continue;
    }
    if (scan.status === 'failed') {
      const err = await ctx.database.db.selectFrom('scans').select('error').where('id', '=', scan.id).executeTakeFirst();
      await failRow(ctx, r, {
        field: 'file',
        vi: `Tệp: không đọc được bản quét${err?.error ? `: ${err.error.vi}` : ''}`,
        en: `File: the scan could not be read${err?.error ? `: ${err.error.en}` : ''}`,
      });
      continue;
    }
    if (!acting) {
      await failRow(ctx, r, {
        field: 'row',
        vi: 'Người nhập lô không còn quyền văn thư hoặc quản trị của đơn vị',
        en: 'The importer no longer holds a clerk or administrator role in the unit',
      });
      continue;
    }
    try {
      await finishRow(ctx, acting, b.unit_id, r);
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      await failRow(ctx, r, { field: 'row', vi: e.text.vi, en: e.text.en });
    }
  }
  if (!waiting)
    await ctx.database.db.transaction().execute(async (tx) => {
      const done = await tx
        .updateTable('legacy_batches')
        .set({ status: 'done', finished_at: new Date() })
        .where('id', '=', batchId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows))
        await recordAudit(tx, { actor: 'system', action: 'digitisation.legacy.done', target: `legacy-batch:${batchId}`, data: { rows: b.total } });
    });
  return { waiting };
}

async function failRow(ctx: Ctx, r: RowRecord, problem: CsvProblem) {
  await ctx.database.db
    .updateTable('legacy_batch_rows')
    .set({ status: 'failed', errors: JSON.stringify([problem]), updated_at: new Date() })
    .where('batch_id', '=', r.batch_id)
    .where('line', '=', r.line)
    .where('status', '=', 'ocr')
    .execute();
}

/**
 * One read row: its item (idempotent per scan), its confirmation when the CSV was complete, then
 * its legacy result and the row done in one transaction under the row's lock. A step retried
 * after a crash finds the item already made and registers the result once.
 */
async function finishRow(ctx: Ctx, p: Extract<Principal, { kind: 'staff' }>, unitId: string, r: RowRecord) {
  const m = r.metadata as LegacyRow['metadata'];
  const scan = await getScanForItem(ctx, r.scan_id!);
  const metadata = { ...m, subjectName: r.holder_name, subjectIdentifier: r.holder_identifier };
  const { item } = await recordLegacyResultItem(ctx, p, {
    scanId: scan.id,
    holderIdentifier: r.holder_identifier!,
    holderName: r.holder_name,
    metadata: Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== null)),
  });
  // The CSV is the importer's own statement of the metadata: a complete row is their confirmation.
  if (r.complete && !item.confirmed) await confirmMetadata(ctx, p, item.code, { ...metadata, extra: {} });
  const pdf = await readScanFile(ctx, { created_by: scan.createdBy }, scan.outputUploadId!);
  const ownerCitizenId = await findCitizen(ctx, r.holder_identifier!);
  await ctx.database.db.transaction().execute(async (tx) => {
    const locked = await tx
      .selectFrom('legacy_batch_rows')
      .select('status')
      .where('batch_id', '=', r.batch_id)
      .where('line', '=', r.line)
      .forUpdate()
      .executeTakeFirst();
    if (locked?.status !== 'ocr') return;
    const { resultCode } = await recordLegacyResult(
      ctx,
      tx,
      {
        unitId,
        issuingAgency: m.issuingAgency ?? item.metadata.issuingAgency ?? '',
        documentName: m.documentName ?? item.metadata.documentName ?? 'Kết quả số hóa',
        number: [m.number, m.notation].filter(Boolean).join('/'),
        holderName: r.holder_name ?? item.holderName ?? '',
        holderIdentifier: r.holder_identifier!,
        ownerCitizenId,
        originalIssueDate: m.issueDate!,
        validUntil: m.validUntil,
        digitisedItemCode: item.code,
      },
      pdf,
      actorOf(p),
    );
    await tx.updateTable('digitised_items').set({ result_code: resultCode }).where('code', '=', item.code).execute();
    await tx
      .updateTable('legacy_batch_rows')
      .set({ status: 'done', item_code: item.code, result_code: resultCode, errors: null, updated_at: sql<Date>`now()` })
      .where('batch_id', '=', r.batch_id)
      .where('line', '=', r.line)
      .execute();
  });
}

/** Creates the queue of the background step (at start, like the OCR queue: see ensureDigitisationQueues). */
export async function ensureLegacyQueues(ctx: Pick<Ctx, 'jobs'>): Promise<void> {
  await ctx.jobs.boss.createQueue(LEGACY_QUEUE, { retryLimit: 5, retryDelay: 30, retryBackoff: true });
}

/** Works the batches: each step advances a batch, and comes back a few seconds later while its scans are being read. */
export async function registerLegacyWorkers(ctx: Ctx): Promise<string> {
  return ctx.jobs.boss.work<{ batchId: string }>(LEGACY_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      const { waiting } = await advanceLegacyBatch(ctx, job.data.batchId);
      if (waiting) await ctx.jobs.boss.send(LEGACY_QUEUE, { batchId: job.data.batchId }, { startAfter: POLL_SECONDS });
    }
  });
}
