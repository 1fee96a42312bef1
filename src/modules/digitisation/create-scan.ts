import { createHash } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { canonicalJson, recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal, type StaffRole } from '../../platform/auth/roles.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { fromZod, validationError } from '../../platform/http/validation.ts';
import { sniffPageKind, type PagePick, type PageSource } from '../../platform/ocr/index.ts';
import { ASSEMBLE_PDF, COUNT_PAGES, SCAN_TASK_TIMEOUT_MS, scanTooComplex } from './scan-pages-task.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { SCAN_LIMITS, ScanFields, ScanLayout } from './schemas-scans.ts';
import { OCR_QUEUE } from './ocr-worker.ts';
import type { ScanStatus } from './tables.ts';

/** Who scans: the one-stop desk (components of counter dossiers) and clerks (old results, post). */
export const SCANNING_ROLES: readonly StaffRole[] = ['receiving_officer', 'clerk'];

/** One file as sent, read by the caller (the route reads spool files one at a time). */
export interface ScanFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface CreateScanInput {
  files: ScanFile[];
  /** The `layout` field as sent (JSON text), or undefined: every page of every file, in the order sent. */
  layout?: string;
  fields: Record<string, string>;
}

export interface CreateScanResult {
  id: string;
  status: 'draft' | 'queued' | 'processing' | 'done' | 'failed';
  pageCount: number;
  /** false when an Idempotency-Key replayed an earlier scan. */
  created: boolean;
}

/**
 * Receives a scan: checks every file by its content (PDF, JPEG, PNG or TIFF), picks and turns
 * the pages the layout names, assembles them into one PDF kept as an upload, and queues its
 * OCR. The scan row and the OCR job are written in one transaction, so a scan is never left
 * without its job nor a job without its scan. With an Idempotency-Key, the same key and the
 * same request answer the first scan (one scan, one job); another request under the key is a 409.
 * With `draft: 'true'` the scan is kept as a draft, without a job: the officer arranges its pages
 * (thumbnails) and acceptScan (accept-scan.ts) turns it into the documents to read.
 */
export async function createScan(ctx: Ctx, principal: Principal, input: CreateScanInput, idempotencyKey?: string): Promise<CreateScanResult> {
  if (principal.kind !== 'staff' || !principal.roles.some((r) => SCANNING_ROLES.includes(r.role))) throw forbidden();
  const parsed = ScanFields.safeParse(input.fields);
  if (!parsed.success) throw fromZod(parsed.error);
  const { draft: draftField, ...fields } = parsed.data;
  const draft = draftField === 'true';
  const layout = parseLayout(input.layout);
  if (!input.files.length)
    throw validationError([{ path: 'file', message: 'Cần gửi ít nhất một tệp (trường "file")', messageEn: 'Send at least one file (field "file")' }]);
  if (input.files.length > SCAN_LIMITS.maxFiles)
    throw validationError([
      { path: 'file', message: `Tối đa ${SCAN_LIMITS.maxFiles} tệp mỗi lần quét`, messageEn: `At most ${SCAN_LIMITS.maxFiles} files per scan` },
    ]);

  const owner = actorOf(principal);
  const hash = createHash('sha256')
    .update(
      canonicalJson({
        fields,
        ...(draft ? { draft } : {}),
        layout: layout ?? null,
        files: input.files.map((f) => createHash('sha256').update(f.bytes).digest('hex')),
      }),
    )
    .digest('hex');
  if (idempotencyKey) {
    const prior = await findByKey(ctx, owner, idempotencyKey);
    if (prior) return replay(prior, hash);
  }

  // The dossier (and its unit) first: a code the official may not see ends here with its 404.
  const target = await placeScan(ctx, principal, fields);

  const sources: PageSource[] = [];
  const counts: number[] = [];
  for (const [i, f] of input.files.entries()) {
    const src: PageSource = { bytes: f.bytes, kind: sourceKind(f, i), name: shownName(f, i) };
    sources.push(src);
    counts.push(await asFormError(() => ctx.workers.run(COUNT_PAGES, [src], { timeoutMs: SCAN_TASK_TIMEOUT_MS, tooComplex: scanTooComplex })));
  }
  const picks: PagePick[] = layout ?? sources.flatMap((_, source) => Array.from({ length: counts[source] }, (_, p) => ({ source, page: p + 1 })));
  checkPicks(picks, input.files, counts);

  const pdf = await asFormError(() => ctx.workers.run(ASSEMBLE_PDF, [sources, picks], { timeoutMs: SCAN_TASK_TIMEOUT_MS, tooComplex: scanTooComplex }));
  if (pdf.byteLength > UPLOAD_LIMITS.maxBytes) {
    const mib = Math.floor(UPLOAD_LIMITS.maxBytes / 1024 / 1024);
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      { vi: `Bản quét ghép lại vượt quá ${mib} MiB: chia thành nhiều lần quét`, en: `The assembled scan exceeds ${mib} MiB: split it into several scans` },
      [{ path: 'layout', message: 'Quá nhiều trang hoặc ảnh quá lớn', messageEn: 'too many pages or too large images' }],
    );
  }
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const upload = await storeUpload(ctx, principal, pdf, `ban-quet-${stamp}.pdf`);

  try {
    return await ctx.database.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('scans')
        .values({
          unit_id: target.unitId,
          created_by: owner,
          purpose: fields.purpose ?? 'component',
          dossier_code: target.dossierCode,
          component_code: fields.componentCode ?? null,
          page_count: picks.length,
          source_upload_id: upload.id,
          idempotency_key: idempotencyKey ?? null,
          idempotency_hash: idempotencyKey ? hash : null,
          ...(draft ? { status: DRAFT } : {}),
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      await recordAudit(tx, {
        actor: owner,
        action: draft ? 'digitisation.scan.draft' : 'digitisation.scan.create',
        target: `scan:${row.id}`,
        data: { unit: target.unitId, dossier: target.dossierCode, component: fields.componentCode, pages: picks.length, upload: upload.id },
      });
      if (draft) return { id: row.id, status: 'draft' as const, pageCount: picks.length, created: true };
      await ctx.jobs.send(OCR_QUEUE, { scanId: row.id }, tx);
      return { id: row.id, status: 'queued' as const, pageCount: picks.length, created: true };
    });
  } catch (e) {
    // Two retries with the same key racing: the loser answers the winner's scan.
    if (idempotencyKey && (e as { code?: string }).code === '23505' && /idempotency/.test((e as Error).message)) {
      const prior = await findByKey(ctx, owner, idempotencyKey);
      if (prior) return replay(prior, hash);
    }
    throw e;
  }
}

/** tables.ts types the stored statuses before drafts (migration 0025) existed; the column takes it. */
export const DRAFT: ScanStatus = 'draft';

function parseLayout(raw: string | undefined): PagePick[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw validationError([
      {
        path: 'layout',
        message: 'Bố cục trang phải là JSON: [{"source":0,"page":1,"rotate":90}, …]',
        messageEn: 'The layout must be JSON: [{"source":0,"page":1,"rotate":90}, …]',
      },
    ]);
  }
  const r = ScanLayout.safeParse(json);
  if (!r.success) throw fromZod(r.error, 'layout');
  return r.data.map((p) => ({ source: p.source, page: p.page, ...(p.rotate ? { rotate: p.rotate } : {}) }));
}

/** The file's kind by its first bytes; countPages and assemblePdf check the rest (structure, active content, size in pixels). */
function sourceKind(f: ScanFile, i: number): PageSource['kind'] {
  const kind = sniffPageKind(f.bytes);
  if (kind) return kind;
  const name = shownName(f, i);
  const vi = f.bytes.byteLength ? 'bản quét chỉ nhận tệp PDF, TIFF, JPEG hoặc PNG' : 'tệp rỗng';
  const en = f.bytes.byteLength ? 'a scan takes PDF, TIFF, JPEG or PNG files only' : 'the file is empty';
  throw new AppError(f.bytes.byteLength ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED', { vi: `Tệp “${name}”: ${vi}`, en: `File “${name}”: ${en}` }, [
    { path: `file[${i}]`, message: vi, messageEn: en },
  ]);
}

const shownName = (f: ScanFile, i: number) => (f.fileName ? f.fileName.slice(0, 100) : `#${i + 1}`);

/**
 * The OCR platform names the file in its messages and the source or pick in its paths; the
 * form calls them `file[i]` and `layout[k]`, so a page can put the error beside the right input.
 */
async function asFormError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof AppError) || !e.details) throw e;
    const details = e.details.map((d) => ({ ...d, path: d.path.replace(/^sources\[/, 'file[').replace(/^picks\[/, 'layout[') }));
    throw new AppError(e.code, e.text, details);
  }
}

function checkPicks(picks: PagePick[], files: ScanFile[], counts: number[]) {
  if (picks.length > SCAN_LIMITS.maxPages)
    throw validationError([
      {
        path: 'layout',
        message: `Tối đa ${SCAN_LIMITS.maxPages} trang mỗi lần quét (có ${picks.length}): chia thành nhiều lần quét`,
        messageEn: `At most ${SCAN_LIMITS.maxPages} pages per scan (got ${picks.length}): split it into several scans`,
      },
    ]);
  const details = picks.flatMap((p, i) => {
    if (p.source >= files.length)
      return [
        { path: `layout[${i}].source`, message: `Chỉ có ${files.length} tệp (đánh số từ 0)`, messageEn: `There are ${files.length} files (numbered from 0)` },
      ];
    if (p.page > counts[p.source]) {
      const name = shownName(files[p.source], p.source);
      return [
        {
          path: `layout[${i}].page`,
          message: `Tệp "${name}" chỉ có ${counts[p.source]} trang`,
          messageEn: `File "${name}" has ${counts[p.source]} page${counts[p.source] === 1 ? '' : 's'}`,
        },
      ];
    }
    return [];
  });
  if (details.length) throw validationError(details);
}

/**
 * The scan's unit and dossier. A dossier's component is scanned for the dossier's unit that the
 * official scans for (receiving, else handling); otherwise the unit named, or the official's own.
 * Only units where the official holds a scanning role (or beneath them) are allowed.
 */
async function placeScan(
  ctx: Ctx,
  principal: Extract<Principal, { kind: 'staff' }>,
  fields: ScanFields,
): Promise<{ unitId: string; dossierCode: string | null }> {
  const scanning = await coveredUnits(ctx, { ...principal, roles: principal.roles.filter((r) => SCANNING_ROLES.includes(r.role)) });
  if (fields.dossierCode) {
    const d = await getDossier(ctx, fields.dossierCode, principal);
    if (fields.componentCode) await assertComponentOf(ctx, d, fields.componentCode, 'componentCode');
    const candidates = fields.unitId ? [fields.unitId] : [d.receivingUnit, d.handlingUnit];
    const unitId = candidates.find((u) => (u === d.receivingUnit || u === d.handlingUnit) && scanning.includes(u));
    if (!unitId)
      throw new AppError('FORBIDDEN', {
        vi: `Bạn không quét hồ sơ cho đơn vị ${fields.unitId ?? d.receivingUnit}: cần vai trò cán bộ một cửa hoặc văn thư của đơn vị tiếp nhận hoặc xử lý hồ sơ ${d.code}`,
        en: `You do not scan for ${fields.unitId ?? d.receivingUnit}: a receiving officer or clerk of the unit receiving or handling ${d.code} does`,
      });
    return { unitId, dossierCode: d.code };
  }
  if (fields.unitId) {
    if (!scanning.includes(fields.unitId)) throw notFound({ vi: `đơn vị ${fields.unitId}`, en: `Unit ${fields.unitId}` });
    return { unitId: fields.unitId, dossierCode: null };
  }
  return { unitId: principal.roles.find((r) => SCANNING_ROLES.includes(r.role))!.unitId, dossierCode: null };
}

/** A component code the dossier's procedure version (or the dossier itself) has; a 400 at `path` otherwise. */
export async function assertComponentOf(
  ctx: Ctx,
  d: { procedureCode: string; procedureVersion: number; components: { code: string | null }[] },
  componentCode: string,
  path: string,
) {
  const proc = await getProcedure(ctx, d.procedureCode, { version: d.procedureVersion });
  const codes = new Set([...proc.cases.flatMap((c) => c.components.map((x) => x.code)), ...d.components.map((x) => x.code)].filter(Boolean));
  if (!codes.has(componentCode))
    throw validationError([
      {
        path,
        message: `Thủ tục ${d.procedureCode} không có thành phần ${componentCode.slice(0, 100)}`,
        messageEn: `Procedure ${d.procedureCode} has no component ${componentCode.slice(0, 100)}`,
      },
    ]);
}

async function findByKey(ctx: Ctx, owner: string, key: string) {
  return ctx.database.db
    .selectFrom('scans')
    .select(['id', 'status', 'page_count', 'idempotency_hash'])
    .where('created_by', '=', owner)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

function replay(
  prior: { id: string; status: CreateScanResult['status']; page_count: number; idempotency_hash: string | null },
  hash: string,
): CreateScanResult {
  if (prior.idempotency_hash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', {
      vi: 'Khóa Idempotency-Key đã được dùng cho một bản quét khác',
      en: 'This Idempotency-Key was used with a different scan',
    });
  }
  return { id: prior.id, status: prior.status, pageCount: prior.page_count, created: false };
}
