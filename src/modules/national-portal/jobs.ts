import type { Ctx } from '../../platform/context.ts';
import { ensureOutboxQueue, registerOutboxAdapter } from '../../platform/outbox/index.ts';
import { nationalPortalAdapter } from './national-portal-adapter.ts';
import { enqueueMonthlyRatings, RATINGS_QUEUE } from './sync-ratings.ts';

/** The adapter's outbox queue and the monthly summary's, before any request can enqueue (JOB_MODULES in src/app.ts). */
export async function ensureNationalPortalQueues(ctx: Ctx): Promise<void> {
  await ensureOutboxQueue(ctx, nationalPortalAdapter());
  await ctx.jobs.boss.createQueue(RATINGS_QUEUE, { retryLimit: 5, retryDelay: 600, retryBackoff: true });
}

/** The adapter's worker, and the month's satisfaction summary written at 00:30 on the 1st, Vietnam time. */
export async function registerNationalPortalWorkers(ctx: Ctx): Promise<void> {
  await registerOutboxAdapter(ctx, nationalPortalAdapter());
  await ctx.jobs.boss.schedule(RATINGS_QUEUE, '30 0 1 * *', {}, { tz: 'Asia/Ho_Chi_Minh' });
  await ctx.jobs.boss.work(RATINGS_QUEUE, async () => {
    await enqueueMonthlyRatings(ctx);
  });
}
