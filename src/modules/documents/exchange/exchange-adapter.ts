import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import {
  deliverOutbox,
  ensureOutboxQueue,
  recordCall,
  registerOutboxAdapter,
  type DeliveryOutcome,
  type OutboxAdapter,
  type OutboxMessage,
} from '../../../platform/outbox/index.ts';
import { axisClient } from './axis-client.ts';
import { pollAxis } from './poll-axis.ts';
import { EDXML_ADAPTER, type EdxmlOutboxPayload } from './send.ts';

/** Attempts before a message is a dead letter: with the outbox's backoff (30 s base, at most an hour), about half a day. */
const MAX_ATTEMPTS = 16;

/** Sends one outbox message (a signed EDXML to one recipient) to the axis and keeps its delivery row. */
export async function deliverEdxmlMessage(ctx: Ctx, m: OutboxMessage): Promise<DeliveryOutcome> {
  const p = m.payload as EdxmlOutboxPayload;
  const client = axisClient(ctx);
  let outcome: DeliveryOutcome;
  let axisId: string | null = null;
  if (!client) outcome = { ok: false, error: 'The document-exchange axis is not configured (EDXML_AXIS_URL)' };
  else {
    const xml = await ctx.blobs.get(p.blob);
    if (!xml) outcome = { ok: false, error: `the signed message ${p.blob} is not in the blob store`, permanent: true };
    else {
      const r = await client.send(xml, p.to, p.kind === 'status' ? 'status' : 'edoc');
      if (r.ok) {
        axisId = r.value.docId;
        outcome = { ok: true, result: r.value };
      } else outcome = { ok: false, error: r.error, permanent: r.permanent };
    }
  }
  const attempts = m.attempts + 1;
  const state = outcome.ok ? 'sent' : outcome.permanent || attempts >= MAX_ATTEMPTS ? 'dead' : 'failed';
  await ctx.database.db
    .updateTable('edxml_deliveries')
    .set({
      state,
      attempts: sql<number>`attempts + 1`,
      last_error: outcome.ok ? null : outcome.error.slice(0, 1000),
      ...(outcome.ok ? { sent_at: new Date(), axis_id: axisId } : {}),
    })
    .where('message_id', '=', p.messageId)
    .where('organ_id', '=', p.to)
    .execute();
  return outcome;
}

export const edxmlAdapter: OutboxAdapter = {
  name: EDXML_ADAPTER,
  label: { vi: 'Trục liên thông văn bản quốc gia (EDXML)', en: 'National document-exchange axis (EDXML)' },
  deliver: deliverEdxmlMessage,
  maxAttempts: MAX_ATTEMPTS,
};

/**
 * The poll of the axis (and the delivery of what is due): a job that runs, then sends the next one EDXML_POLL_SECONDS later. The
 * queue is `stately` (at most one job waiting and one running), so however many worker nodes
 * there are, one polls at a time; a schedule every minute restarts the chain should a job be lost.
 */
export const EDXML_POLL_QUEUE = 'edxml.poll';

export async function ensureExchangeQueues(ctx: Ctx): Promise<void> {
  await ensureOutboxQueue(ctx, edxmlAdapter);
  const policy = { policy: 'stately', retryLimit: 0, expireInSeconds: 5 * 60 } as const;
  await ctx.jobs.boss.createQueue(EDXML_POLL_QUEUE, policy);
}

export async function registerExchangeWorkers(ctx: Ctx): Promise<void> {
  await registerOutboxAdapter(ctx, edxmlAdapter);
  const seconds = ctx.config.edxml.pollSeconds;
  await ctx.jobs.boss.schedule(EDXML_POLL_QUEUE, '* * * * *', {});
  await ctx.jobs.boss.work(EDXML_POLL_QUEUE, { pollingIntervalSeconds: Math.min(2, seconds), batchSize: 1 }, async () => {
    try {
      if (axisClient(ctx)) {
        await pollAxis(ctx);
        // What is due goes out now too: the outbox's own job wakes on new messages and once a minute, so
        // a retry after a short backoff, and the statuses answering what was just received, leave within a poll.
        await deliverOutbox(ctx, EDXML_ADAPTER);
      }
    } catch (e) {
      // One failed poll is the next poll's to make up for; it is recorded for the operations page.
      ctx.log.error({ err: e }, 'edxml: polling the axis failed');
      await recordCall(ctx, EDXML_ADAPTER, { ok: false, error: e instanceof Error ? e.message : String(e) });
    } finally {
      await ctx.jobs.boss.send(EDXML_POLL_QUEUE, {}, { startAfter: seconds });
    }
  });
  await ctx.jobs.boss.send(EDXML_POLL_QUEUE, {});
}
