import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { missingOcrPackages, OCR_DEFAULTS, ocrAvailable, ocrTools, ocrUnavailable, runOcr, type OcrProgress } from '../../platform/ocr/index.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import { creatorPrincipal, readScanFile } from './get-scan.ts';
import { SCAN_LIMITS } from './schemas-scans.ts';
import type { StoredError } from './tables.ts';

export const OCR_QUEUE = 'digitisation.ocr';

/**
 * A job is retried only for what may pass (the database went away, the node stopped mid-run):
 * a document OCR cannot read fails the scan at once, with the reason. Three tries, a few
 * minutes apart. pg-boss counts a job as lost (and hands it to another node) only after the
 * longest OCR runOcr allows a scan of the most pages, and some.
 */
const QUEUE_POLICY = {
  // A worker killed mid-recognition stops beating: the scan is retried by another after 30 s, not at the job's expiry.
  heartbeatSeconds: 30,
  retryLimit: 3,
  retryBackoff: true,
  retryDelay: 30,
  retryDelayMax: 600,
  expireInSeconds: Math.ceil((OCR_DEFAULTS.baseTimeoutMs + OCR_DEFAULTS.perPageTimeoutMs * SCAN_LIMITS.maxPages) / 1000) + 600,
} as const;

/** Progress is written at most this often (and once at the end): one row update per page of a 200-page scan is noise. */
const PROGRESS_EVERY_MS = 1000;

const ready = new WeakSet<PgBoss>();

/**
 * Creates the OCR queue (or brings its policy up to date). At start, before any scan is
 * received: a job sent to a queue this process has not seen makes pg-boss look it up through
 * the pool, and on the embedded database that single connection is held by the scan's transaction.
 */
export async function ensureDigitisationQueues(ctx: Pick<Ctx, 'jobs'>, opts: { retryDelaySeconds?: number } = {}): Promise<void> {
  const policy = { ...QUEUE_POLICY, retryDelay: opts.retryDelaySeconds ?? QUEUE_POLICY.retryDelay };
  await ctx.jobs.boss.createQueue(OCR_QUEUE, policy);
  // createQueue leaves an existing queue as it was; the policy here is the one that counts.
  await ctx.jobs.boss.updateQueue(OCR_QUEUE, policy);
  ready.add(ctx.jobs.boss);
}

/**
 * Works the OCR queue on this node, one scan at a time (ocrmypdf uses every core itself; the
 * recognition runs in its child processes, never on the event loop). Returns the pg-boss worker id.
 */
export async function registerDigitisationWorkers(ctx: Ctx, opts: { retryDelaySeconds?: number } = {}): Promise<string> {
  if (!ready.has(ctx.jobs.boss) || opts.retryDelaySeconds !== undefined) await ensureDigitisationQueues(ctx, opts);
  return ctx.jobs.boss.work<{ scanId: string }>(OCR_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      await ocrScan(ctx, job.data.scanId, { signal: job.signal, lastAttempt: job.retryCount >= QUEUE_POLICY.retryLimit });
    }
  });
}

/**
 * Reads one scan: marks it processing, runs OCR on its assembled PDF (progress written as
 * pages finish), stores the searchable PDF/A as an upload of the scan's creator, and writes the
 * pages' text with `done` in one transaction, replacing any rows an earlier attempt left, so a
 * retried job never doubles a page. A scan already done or failed is left as it is.
 */
export async function ocrScan(ctx: Ctx, scanId: string, opts: { signal?: AbortSignal; lastAttempt?: boolean } = {}): Promise<void> {
  const db = ctx.database.db;
  const scan = await db
    .selectFrom('scans')
    .select(['id', 'status', 'page_count', 'created_by', 'source_upload_id'])
    .where('id', '=', scanId)
    .executeTakeFirst();
  if (!scan || scan.status === 'done' || scan.status === 'failed') return;

  // A machine without ocrmypdf still serves everything else; its scans say why they were not read.
  const tools = await ocrTools();
  if (!ocrAvailable(tools)) {
    const e = ocrUnavailable(missingOcrPackages(tools));
    await markFailed(ctx, scanId, { code: e.code, vi: e.text.vi, en: e.text.en });
    return;
  }
  await db
    .updateTable('scans')
    .set({ status: 'processing', progress: 0, started_at: new Date(), error: null })
    .where('id', '=', scanId)
    .where('status', 'in', ['queued', 'processing'])
    .execute();

  // runOcr works in a folder of its own inside this one and removes it.
  const workDir = path.join(ctx.config.dataDir, 'tmp', 'ocr');
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const progress = progressWriter(ctx, scanId);
  try {
    const source = await readScanFile(ctx, scan, scan.source_upload_id);
    const result = await runOcr(source, {
      workDir,
      signal: opts.signal,
      onProgress: progress.report,
    });
    await progress.flush();
    const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const output = await storeUpload(ctx, creatorPrincipal(scan.created_by), result.pdf, `ban-quet-${stamp}-ocr.pdf`);
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('scan_pages').where('scan_id', '=', scanId).execute();
      if (result.pages.length)
        await tx
          .insertInto('scan_pages')
          .values(
            result.pages.map((p) => ({
              scan_id: scanId,
              page: p.page,
              text: p.text,
              error: p.error ? JSON.stringify({ vi: p.error.vi, en: p.error.en }) : null,
            })),
          )
          .execute();
      await tx
        .updateTable('scans')
        .set({ status: 'done', progress: 1, output_upload_id: output.id, finished_at: new Date(), error: null })
        .where('id', '=', scanId)
        .execute();
      await recordAudit(tx, {
        actor: 'system',
        action: 'digitisation.scan.done',
        target: `scan:${scanId}`,
        data: { pages: result.pages.length, unreadable: result.pages.filter((p) => p.error).length, upload: output.id },
      });
    });
  } catch (e) {
    await progress.flush();
    // Stopped from outside (the node shuts down, pg-boss expired the job): another attempt reads it again.
    if (opts.signal?.aborted) throw e;
    if (e instanceof AppError) {
      // A coded refusal (OCR failed on this document, the output too large, OCR missing) comes back the same on every try.
      await markFailed(ctx, scanId, { code: e.code, vi: e.text.vi, en: e.text.en });
      return;
    }
    if (opts.lastAttempt)
      await markFailed(ctx, scanId, {
        code: 'INTERNAL',
        vi: 'Không đọc được bản quét do lỗi hệ thống; hãy quét lại hoặc báo quản trị hệ thống',
        en: 'The scan could not be read because of a system error; scan it again or tell the administrator',
      });
    throw e;
  }
}

async function markFailed(ctx: Ctx, scanId: string, error: StoredError) {
  await ctx.database.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('scans')
      .set({ status: 'failed', error: JSON.stringify(error), finished_at: new Date() })
      .where('id', '=', scanId)
      .where('status', 'in', ['queued', 'processing'])
      .execute();
    await recordAudit(tx, { actor: 'system', action: 'digitisation.scan.failed', target: `scan:${scanId}`, data: { code: error.code } });
  });
}

/**
 * Writes `done / total` into scans.progress as OCR reports pages, at most once a second, in
 * order, never going back, and below 1 until the text is stored (1 means the result is there).
 */
function progressWriter(ctx: Ctx, scanId: string) {
  let written = 0;
  let pending: number | undefined;
  let lastAt = 0;
  let chain: Promise<void> = Promise.resolve();
  const write = () => {
    if (pending === undefined || pending <= written) return;
    const value = pending;
    written = value;
    pending = undefined;
    lastAt = Date.now();
    chain = chain
      .then(async () => {
        await ctx.database.db.updateTable('scans').set({ progress: value }).where('id', '=', scanId).where('status', '=', 'processing').execute();
      })
      // Progress is a hint for the page; a write that failed is overtaken by the next, or by `done`.
      .catch((e: unknown) => ctx.log.warn({ err: e, scanId }, 'scan progress not written'));
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    report(p: OcrProgress) {
      if (!p.total) return;
      pending = Math.min(0.99, Math.max(pending ?? 0, p.done / p.total));
      const wait = PROGRESS_EVERY_MS - (Date.now() - lastAt);
      if (wait <= 0) write();
      else
        timer ??= setTimeout(() => {
          timer = undefined;
          write();
        }, wait);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      write();
      await chain;
    },
  };
}
