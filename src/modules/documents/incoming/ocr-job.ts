import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import { assemblePdf, countPages, ocrAvailable, ocrTools, OCR_DEFAULTS, runOcr, sniffPageKind, type PageSource } from '../../../platform/ocr/index.ts';
import { reindex } from './store.ts';

export const INCOMING_OCR_QUEUE = 'documents.incoming.ocr';

/** As the digitisation queue: retried only for what may pass (a node stopped mid-run); a document OCR cannot read is marked failed at once. */
const QUEUE_POLICY = {
  heartbeatSeconds: 30,
  retryLimit: 3,
  retryBackoff: true,
  retryDelay: 30,
  retryDelayMax: 600,
  expireInSeconds: Math.ceil((OCR_DEFAULTS.baseTimeoutMs + OCR_DEFAULTS.perPageTimeoutMs * 200) / 1000) + 600,
} as const;

const ready = new WeakSet<PgBoss>();

export async function ensureIncomingQueues(ctx: Pick<Ctx, 'jobs'>): Promise<void> {
  await ctx.jobs.boss.createQueue(INCOMING_OCR_QUEUE, QUEUE_POLICY);
  await ctx.jobs.boss.updateQueue(INCOMING_OCR_QUEUE, QUEUE_POLICY);
  ready.add(ctx.jobs.boss);
}

export async function registerIncomingWorkers(ctx: Ctx): Promise<string> {
  if (!ready.has(ctx.jobs.boss)) await ensureIncomingQueues(ctx);
  return ctx.jobs.boss.work<{ incomingId: string }>(INCOMING_OCR_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) await ocrIncoming(ctx, job.data.incomingId, { signal: job.signal, lastAttempt: job.retryCount >= QUEUE_POLICY.retryLimit });
  });
}

/**
 * Reads a scanned paper document: its scanned files (PDF, JPEG, PNG) assembled into one PDF, run
 * through OCR (platform/ocr: Vietnamese, deskew, rotate), the text kept on the document for
 * search. A document OCR cannot read (or a server without OCR) is marked `failed`: the clerk's
 * metadata still finds it.
 */
export async function ocrIncoming(ctx: Ctx, id: string, opts: { signal?: AbortSignal; lastAttempt?: boolean } = {}): Promise<void> {
  const db = ctx.database.db;
  const doc = await db.selectFrom('incoming_documents').select(['id', 'ocr_status']).where('id', '=', id).executeTakeFirst();
  if (doc?.ocr_status !== 'queued') return;
  if (!ocrAvailable(await ocrTools())) return finish(ctx, id, 'failed', null, 'OCR_UNAVAILABLE');
  const files = await db.selectFrom('incoming_document_files').select(['n', 'name', 'sha256']).where('incoming_id', '=', id).orderBy('n').execute();
  const sources: PageSource[] = [];
  for (const f of files) {
    const bytes = await ctx.blobs.get(f.sha256);
    const kind = bytes && sniffPageKind(bytes);
    if (bytes && kind) sources.push({ bytes, kind, name: f.name });
  }
  if (!sources.length) return finish(ctx, id, 'failed', null, 'NOTHING_TO_READ');
  const workDir = path.join(ctx.config.dataDir, 'tmp', 'ocr');
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  try {
    const picks = [];
    for (let s = 0; s < sources.length; s++) {
      const pages = await countPages(sources[s]);
      for (let page = 1; page <= pages; page++) picks.push({ source: s, page });
    }
    const pdf = await assemblePdf(sources, picks);
    const result = await runOcr(pdf, { workDir, signal: opts.signal });
    const text = result.pages
      .map((p) => p.text)
      .join('\n\f\n')
      .trim();
    await finish(ctx, id, 'done', text, null);
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    if (e instanceof AppError) return finish(ctx, id, 'failed', null, e.code);
    if (opts.lastAttempt) return finish(ctx, id, 'failed', null, 'INTERNAL');
    throw e;
  }
}

async function finish(ctx: Ctx, id: string, status: 'done' | 'failed', text: string | null, code: string | null) {
  await ctx.database.db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('incoming_documents')
      .set({ ocr_status: status, ocr_text: text })
      .where('id', '=', id)
      .where('ocr_status', '=', 'queued')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return;
    await recordAudit(tx, { actor: 'system', action: `documents.incoming.ocr.${status}`, target: `incoming:${id}`, data: { code, chars: text?.length ?? 0 } });
    await reindex(tx, id);
  });
}
