import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { isIsoDate, yearOf } from '../calendar/dates.ts';
import { MAX_YEAR, MIN_YEAR } from '../calendar/schemas.ts';
import { bi } from '../../platform/http/validation.ts';

const text = z.string().trim().min(1).max(2000);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => isIsoDate(d) && yearOf(d) >= MIN_YEAR && yearOf(d) <= MAX_YEAR, bi(`Phải là ngày có thật từ năm ${MIN_YEAR} đến ${MAX_YEAR}`, `must be a real date between ${MIN_YEAR} and ${MAX_YEAR}`));

/** What the specialist writes: the document's name, and its content by kind. */
export const ResultDraftInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('certificate'), documentName: text.max(500), fields: z.array(z.object({ label: text.max(200), value: text })).min(1).max(40), validUntil: day.optional(), notes: z.array(text).max(10).optional() }),
  z.object({ kind: z.literal('licence'), documentName: text.max(500), fields: z.array(z.object({ label: text.max(200), value: text })).min(1).max(40), validUntil: day.optional(), notes: z.array(text).max(10).optional() }),
  z.object({ kind: z.literal('written_reply'), documentName: text.max(500), subject: text.max(500), paragraphs: z.array(text).min(1).max(20) }),
]);
export type ResultDraftInput = z.infer<typeof ResultDraftInput>;
export const ResultDraftView = z.intersection(ResultDraftInput, z.object({ updatedBy: z.string(), updatedAt: z.string() }));
export type ResultDraft = z.infer<typeof ResultDraftView>;

/** The dossier's result draft, if the specialist wrote one (officials who see the dossier). */
export async function getResultDraft(ctx: Ctx, code: string, p: Principal): Promise<ResultDraft | null> {
  const d = await getDossier(ctx, code, p);
  const r = await ctx.database.db.selectFrom('result_drafts').selectAll().where('dossier_code', '=', d.code).executeTakeFirst();
  if (!r) return null;
  return { ...(r.content as object), kind: r.kind, documentName: r.document_name, updatedBy: r.updated_by, updatedAt: new Date(r.updated_at).toISOString() } as ResultDraft;
}

/**
 * The assigned specialist drafts the result while examining the dossier; once proposed, the
 * draft is what the leader approves and signs, so it no longer changes.
 */
export async function saveResultDraft(ctx: Ctx, code: string, raw: unknown, p: Principal): Promise<ResultDraft> {
  const d = await getDossier(ctx, code, p);
  if (p.kind !== 'staff' || d.assignee !== p.username) {
    throw new AppError('FORBIDDEN', { vi: 'Chỉ chuyên viên được phân công xử lý hồ sơ mới soạn dự thảo kết quả', en: 'Only the specialist assigned to the dossier drafts its result' });
  }
  if (d.status !== 'processing') {
    throw new AppError('CONFLICT', { vi: 'Chỉ soạn dự thảo kết quả khi hồ sơ đang xử lý (trước khi trình phê duyệt)', en: 'The result is drafted while the dossier is being processed, before it is proposed' });
  }
  const parsed = ResultDraftInput.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const { kind, documentName, ...content } = parsed.data;
  await ctx.database.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('result_drafts')
      .values({ dossier_code: d.code, kind, document_name: documentName, content: JSON.stringify(content), updated_by: p.username })
      .onConflict((oc) => oc.column('dossier_code').doUpdateSet({ kind, document_name: documentName, content: JSON.stringify(content), updated_by: p.username, updated_at: new Date() }))
      .execute();
    await recordAudit(tx, { actor: `staff:${p.username}`, action: 'result.draft', target: `dossier:${d.code}`, data: { kind, documentName } });
  });
  return (await getResultDraft(ctx, d.code, p))!;
}
