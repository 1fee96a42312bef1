import type { Ctx } from '../../platform/context.ts';
import { createChannels, type Channels } from './channels.ts';
import { ensureNotificationQueues, NOTIFICATION_QUEUE } from './queue.ts';
import { sendNotification } from './send-notification.ts';

export { ensureNotificationQueues, NOTIFICATION_QUEUE } from './queue.ts';

export interface WorkerOptions {
  /** Replace a channel (a real gateway, or a test double). */
  channels?: Partial<Channels>;
  /** First retry delay; the default suits a mail server outage, tests shorten it. */
  retryDelaySeconds?: number;
}

/**
 * Works the notification queue on this node: creates the queue, then sends each job's row.
 * Returns the pg-boss worker id (for `boss.offWork`).
 */
export async function registerNotificationWorkers(ctx: Ctx, opts: WorkerOptions = {}): Promise<string> {
  await ensureNotificationQueues(ctx, { retryDelaySeconds: opts.retryDelaySeconds });
  const channels: Channels = { ...createChannels(ctx.config), ...opts.channels };
  // Batches, fetched back to back while they come full: one job per poll sent about one message
  // a second per node, and a burst of filings queued receipts for minutes. A failure still fails
  // the batch for pg-boss to retry after the others were tried; rows already sent are skipped then.
  return ctx.jobs.boss.work<{ id: string }>(NOTIFICATION_QUEUE, { pollingIntervalSeconds: 1, batchSize: 20, burstWhenBatchFull: true }, async (jobs) => {
    let failure: unknown;
    for (const job of jobs) {
      try {
        await sendNotification(ctx, job.data.id, channels);
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure) throw failure;
  });
}
