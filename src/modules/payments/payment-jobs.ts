import type { PgBoss } from 'pg-boss';
import type { Ctx } from '../../platform/context.ts';
import { nowOf } from './payment-store.ts';
import { QUERY_QUEUE, queryPendingPayments } from './query-payments.ts';
import { RECONCILE_QUEUE, reconcilePayments, yesterday } from './reconcile-payments.ts';

export { QUERY_QUEUE, RECONCILE_QUEUE };

/**
 * Both jobs are idempotent and cheap to run again: a QUERY run that died is the next minute's
 * run, a reconciliation that died is retried (a second run of a day is recorded beside the
 * first). A few retries, then the next schedule.
 */
const POLICY = { retryLimit: 2, retryDelay: 30, expireInSeconds: 15 * 60 } as const;

const ready = new WeakSet<PgBoss>();

/**
 * Creates the payment queues (or brings their policy up to date) at start, before any request:
 * on the embedded database a job sent to a queue this process has not seen would make pg-boss
 * look it up through the pool, whose one connection a transaction may hold.
 */
export async function ensurePaymentQueues(ctx: Pick<Ctx, 'jobs'>): Promise<void> {
  for (const q of [QUERY_QUEUE, RECONCILE_QUEUE]) {
    await ctx.jobs.boss.createQueue(q, POLICY);
    await ctx.jobs.boss.updateQueue(q, POLICY);
  }
  ready.add(ctx.jobs.boss);
}

/**
 * Schedules and works the payment jobs on a worker node: pending payments are asked about every
 * minute (the callback may be lost, the payer may have closed the page), and at 01:30 Vietnam
 * time yesterday's statement is reconciled (the platform's file of a day is complete by then).
 */
export async function registerPaymentWorkers(ctx: Ctx): Promise<void> {
  if (!ready.has(ctx.jobs.boss)) await ensurePaymentQueues(ctx);
  await ctx.jobs.boss.schedule(QUERY_QUEUE, '* * * * *');
  await ctx.jobs.boss.schedule(RECONCILE_QUEUE, '30 1 * * *', null, { tz: 'Asia/Ho_Chi_Minh' });
  await ctx.jobs.boss.work(QUERY_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async () => {
    await queryPendingPayments(ctx);
  });
  await ctx.jobs.boss.work<{ day?: string }>(RECONCILE_QUEUE, { pollingIntervalSeconds: 5, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      // Without online payment there is no statement to compare; a job sent by hand may name its day.
      if (!ctx.config.payment) return;
      await reconcilePayments(ctx, job.data?.day ?? yesterday(nowOf(ctx)), 'system');
    }
  });
}
