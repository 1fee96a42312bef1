import type { PgBoss } from 'pg-boss';
import type { Ctx } from '../../platform/context.ts';

export const NOTIFICATION_QUEUE = 'notifications.send';

/**
 * A worker that dies holding a job (killed, its machine lost) stops beating: after this long
 * pg-boss fails the job and another worker retries it, instead of waiting for the job's expiry
 * (15 minutes). pg-boss's minimum is 10 s.
 */
export const HEARTBEAT_SECONDS = 30;

/**
 * Retries with exponential backoff from 30 s (about 30 s, 1, 2, 4, 8 min): long enough to
 * ride out a mail server restart, short enough that a receipt notice still arrives the same
 * day. Set on the queue, so every job inherits it without options at each send.
 */
export const RETRY = { retryLimit: 5, retryBackoff: true, retryDelay: 30, retryDelayMax: 3600, heartbeatSeconds: HEARTBEAT_SECONDS } as const;

const ready = new WeakSet<PgBoss>();

/**
 * Creates the queue (or brings its retry policy up to date). Call at start, before any
 * dossier action: a job sent to a queue this process has not seen makes pg-boss look it up
 * through the pool, and on the embedded database that single connection is held by the
 * caller's open transaction.
 */
export async function ensureNotificationQueues(ctx: Pick<Ctx, 'jobs'>, opts: { retryDelaySeconds?: number } = {}) {
  const retry = { ...RETRY, retryDelay: opts.retryDelaySeconds ?? RETRY.retryDelay };
  await ctx.jobs.boss.createQueue(NOTIFICATION_QUEUE, retry);
  // createQueue leaves an existing queue as it was; the policy here is the one that counts.
  await ctx.jobs.boss.updateQueue(NOTIFICATION_QUEUE, retry);
  ready.add(ctx.jobs.boss);
}

export const queueReady = (boss: PgBoss) => ready.has(boss);
