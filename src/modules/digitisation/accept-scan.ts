import type { Ctx } from '../../platform/context.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { fromZod, validationError } from '../../platform/http/validation.ts';
import type { PagePick } from '../../platform/ocr/index.ts';
import { ASSEMBLE_PDF, SCAN_TASK_TIMEOUT_MS, scanTooComplex } from './scan-pages-task.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import { assertComponentOf, DRAFT, SCANNING_ROLES } from './create-scan.ts';
import { creatorPrincipal, readScanFile } from './get-scan.ts';
import { OCR_QUEUE } from './ocr-worker.ts';
import { AcceptInput, SCAN_LIMITS, type AcceptResult } from './schemas-scans.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const missing = (id: string) => notFound({ vi: `bản quét ${id.slice(0, 64)}`, en: `Scan ${id.slice(0, 64)}` });

/**
 * The scans a part of an accepted draft other than the first carry this key (per the draft's
 * creator, unique like every Idempotency-Key): it ties them to the draft, so accepting again, or
 * the progress page of any part, finds them all.
 */
const partKey = (draftId: string, i: number) => `accept:${draftId}:${i}`;
const PART_KEY = /^accept:([0-9a-f-]{36}):(\d+)$/;

type Staff = Extract<Principal, { kind: 'staff' }>;

async function loadForScanning(ctx: Ctx, p: Principal, id: string) {
  if (p.kind !== 'staff' || !p.roles.some((r) => SCANNING_ROLES.includes(r.role))) throw forbidden();
  if (!UUID.test(id)) throw missing(id);
  const row = await ctx.database.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
  // Only where the official scans (their scanning units and those beneath); elsewhere it does not exist.
  const scanning = await coveredUnits(ctx, { ...(p as Staff), roles: (p as Staff).roles.filter((r) => SCANNING_ROLES.includes(r.role)) });
  if (!row || !scanning.includes(row.unit_id)) throw missing(id);
  return row;
}

/** The scans an accepted draft became, in the order of its parts (the draft's own id first). */
async function partsOf(ctx: Ctx, draft: { id: string; created_by: string }) {
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('scans')
    .select(['id', 'status', 'page_count', 'component_code', 'idempotency_key'])
    .where((eb) => eb.or([eb('id', '=', draft.id), eb.and([eb('created_by', '=', draft.created_by), eb('idempotency_key', 'like', `accept:${draft.id}:%`)])]))
    .execute();
  const index = (k: string | null, id: string) => (id === draft.id ? 0 : Number(PART_KEY.exec(k ?? '')?.[2] ?? 0));
  return rows.sort((a, b) => index(a.idempotency_key, a.id) - index(b.idempotency_key, b.id));
}

const view = (rows: Awaited<ReturnType<typeof partsOf>>): AcceptResult => ({
  scans: rows.map((r) => ({ id: r.id, status: r.status, pageCount: r.page_count, componentCode: r.component_code })),
});

/**
 * Accepts a draft scan: each part (a paper component, or a document without one) is assembled
 * from the draft's pages in the order given, each page turned as asked, and becomes a scan of
 * its own queued for OCR; the first part keeps the draft's id. The scans and their jobs are
 * written in one transaction, under the draft's row lock, so two accepts at once make one set.
 * A scan that is no longer a draft answers the scans it became (`created: false`), whatever
 * the second request says: a retried or double-clicked accept never makes a second set.
 * 404 for a scan the official does not scan for; 400 naming the part and page that is wrong.
 */
export async function acceptScan(ctx: Ctx, p: Principal, draftId: string, raw: unknown): Promise<{ result: AcceptResult; created: boolean }> {
  const row = await loadForScanning(ctx, p, draftId);
  if (row.status !== DRAFT) return { result: view(await partsOf(ctx, row)), created: false };
  const parsed = AcceptInput.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const { parts } = parsed.data;

  const details = parts.flatMap((part, i) =>
    part.pages.flatMap((pg, j) =>
      pg.page > row.page_count
        ? [{ path: `parts[${i}].pages[${j}].page`, message: `Bản quét chỉ có ${row.page_count} trang`, messageEn: `The scan has ${row.page_count} pages` }]
        : [],
    ),
  );
  const total = parts.reduce((n, x) => n + x.pages.length, 0);
  if (total > SCAN_LIMITS.maxPages)
    details.push({
      path: 'parts',
      message: `Tối đa ${SCAN_LIMITS.maxPages} trang (có ${total})`,
      messageEn: `At most ${SCAN_LIMITS.maxPages} pages (got ${total})`,
    });
  if (details.length) throw validationError(details);
  const codes = parts.map((x) => x.componentCode ?? row.component_code);
  if (codes.some(Boolean)) {
    if (!row.dossier_code)
      throw validationError([
        {
          path: `parts[${codes.findIndex(Boolean)}].componentCode`,
          message: 'Bản quét không thuộc hồ sơ nào: không có thành phần để chọn',
          messageEn: 'The scan belongs to no dossier: there is no component to choose',
        },
      ]);
    const d = await getDossier(ctx, row.dossier_code, p);
    for (const [i, c] of codes.entries()) if (c) await assertComponentOf(ctx, d, c, `parts[${i}].componentCode`);
  }

  // Assembled before the transaction (seconds for many pages): the lock below decides which accept counts.
  const owner = creatorPrincipal(row.created_by);
  const source = await readScanFile(ctx, row, row.source_upload_id);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const uploads: string[] = [];
  for (const [i, part] of parts.entries()) {
    const picks: PagePick[] = part.pages.map((pg) => ({ source: 0, page: pg.page, ...(pg.rotate ? { rotate: pg.rotate } : {}) }));
    const pdf = await ctx.workers.run(ASSEMBLE_PDF, [[{ bytes: source, kind: 'pdf' }], picks], { timeoutMs: SCAN_TASK_TIMEOUT_MS, tooComplex: scanTooComplex });
    uploads.push((await storeUpload(ctx, owner, pdf, `ban-quet-${stamp}-${i + 1}.pdf`)).id);
  }

  const actor = actorOf(p);
  const won = await ctx.database.db.transaction().execute(async (tx) => {
    const locked = await tx.selectFrom('scans').select(['status']).where('id', '=', row.id).forUpdate().executeTakeFirstOrThrow();
    if (locked.status !== DRAFT) return false;
    const ids: string[] = [row.id];
    await tx
      .updateTable('scans')
      .set({ status: 'queued', progress: 0, source_upload_id: uploads[0], page_count: parts[0].pages.length, component_code: codes[0] })
      .where('id', '=', row.id)
      .execute();
    for (let i = 1; i < parts.length; i++) {
      const inserted = await tx
        .insertInto('scans')
        .values({
          unit_id: row.unit_id,
          created_by: row.created_by,
          purpose: row.purpose,
          dossier_code: row.dossier_code,
          component_code: codes[i],
          page_count: parts[i].pages.length,
          source_upload_id: uploads[i],
          idempotency_key: partKey(row.id, i),
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      ids.push(inserted.id);
    }
    await recordAudit(tx, {
      actor,
      action: 'digitisation.scan.accept',
      target: `scan:${row.id}`,
      data: {
        dossier: row.dossier_code,
        parts: parts.map((x, i) => ({ scan: ids[i], component: codes[i], pages: x.pages.map((pg) => (pg.rotate ? `${pg.page}@${pg.rotate}` : pg.page)) })),
      },
    });
    for (const id of ids) await ctx.jobs.send(OCR_QUEUE, { scanId: id }, tx);
    return true;
  });
  return { result: view(await partsOf(ctx, row)), created: won };
}

/**
 * The ids of the scans made from the same draft as this one, in the order of the draft's parts
 * (a scan never a draft: itself alone), for the officials who see it (others get its 404 from
 * getScan, which the caller reads each id through).
 */
export async function scanSiblings(ctx: Ctx, id: string): Promise<string[]> {
  if (!UUID.test(id)) throw missing(id);
  const row = await ctx.database.db.selectFrom('scans').select(['id', 'created_by', 'idempotency_key']).where('id', '=', id).executeTakeFirst();
  if (!row) throw missing(id);
  const draftId = PART_KEY.exec(row.idempotency_key ?? '')?.[1] ?? row.id;
  const rows = await partsOf(ctx, { id: draftId, created_by: row.created_by });
  return rows.map((r) => r.id);
}
