import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { loadRow } from './dossier-store.ts';
import { refreshDossierIndicators } from '../indicators/refresh-dossier-indicators.ts';

/** Criteria of the satisfaction survey (1–5 each). */
export const RATING_CRITERIA = {
  timeliness: { vi: 'Thời gian giải quyết', en: 'Timeliness' },
  attitude: { vi: 'Thái độ của cán bộ', en: 'Staff attitude' },
  guidance: { vi: 'Hướng dẫn rõ ràng', en: 'Clear guidance' },
  result: { vi: 'Kết quả đúng, đủ', en: 'Correct result' },
} as const;

const score = z.number().int().min(1).max(5);
export const RatingInput = z.object({
  scores: z.object({ timeliness: score, attitude: score, guidance: score, result: score }),
  comment: z.string().trim().max(2000).optional(),
});

/** The applicant rates a finished dossier once. */
export async function rateDossier(ctx: Ctx, code: string, input: z.infer<typeof RatingInput>, p: Principal) {
  await ctx.database.db.transaction().execute(async (tx) => {
    const row = await loadRow(tx, code.toUpperCase(), true);
    if (p.kind !== 'citizen' || row.owner_citizen_id !== p.id) throw notFound({ vi: `hồ sơ ${code}`, en: `Dossier ${code}` });
    if (!row.finished_at)
      throw new AppError('DOSSIER_NOT_FINISHED', { vi: 'Chỉ đánh giá khi hồ sơ đã giải quyết xong', en: 'Rate once the dossier is finished' });
    const r = await tx
      .insertInto('dossier_ratings')
      .values({ dossier_id: row.id, scores: JSON.stringify(input.scores), comment: input.comment ?? null })
      .onConflict((oc) => oc.column('dossier_id').doNothing())
      .returning('dossier_id')
      .executeTakeFirst();
    if (!r) throw new AppError('ALREADY_RATED', { vi: 'Hồ sơ đã được đánh giá', en: 'Already rated' });
    await recordAudit(tx, { actor: `citizen:${p.id}`, action: 'dossier.rate', target: `dossier:${row.code}`, data: input.scores });
    // After the audit entry: the index's rows are locked after the audit chain's, in every writer.
    await refreshDossierIndicators(tx, [row.code]);
  });
}

/** Ratings of the dossiers a unit handled, newest first, with averages per criterion. */
export async function unitRatings(ctx: Ctx, units: string[]) {
  const rows = await ctx.database.db
    .selectFrom('dossier_ratings as r')
    .innerJoin('dossiers as d', 'd.id', 'r.dossier_id')
    .select(['d.code', 'd.procedure_name', 'r.scores', 'r.comment', 'r.rated_at'])
    .where('d.handling_unit', 'in', units.length ? units : [''])
    .orderBy('r.rated_at', 'desc')
    .limit(200)
    .execute();
  const list = rows.map((r) => ({
    code: r.code,
    procedureName: r.procedure_name,
    scores: r.scores as unknown as Record<keyof typeof RATING_CRITERIA, number>,
    comment: r.comment,
    ratedAt: new Date(r.rated_at).toISOString(),
  }));
  const averages = Object.fromEntries(
    Object.keys(RATING_CRITERIA).map((k) => [k, list.length ? list.reduce((n, x) => n + x.scores[k as keyof typeof RATING_CRITERIA], 0) / list.length : null]),
  );
  return { ratings: list, averages };
}
