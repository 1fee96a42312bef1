import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { paymentGateway } from './gateway/index.ts';
import { applyConfirmation } from './accept-confirmation.ts';
import { nowOf, recordEvent } from './payment-store.ts';

/** The job that asks the platform about payments nobody confirmed (QUERY), every minute on a worker node. */
export const QUERY_QUEUE = 'payments.query';

/** At most this many payments are asked about per run; the least recently asked first, so none is starved. */
const BATCH = 100;

export interface QueryRun {
  queried: number;
  settled: number;
  failed: number;
  expired: number;
}

/**
 * Asks the platform (QUERY) about each online payment still pending `pendingQueryAfterSeconds`
 * after it began: the callback may have been lost, or the payer closed the page. A paid answer
 * settles it as a callback would (same lock, same checks: an amount not ours is refused); a
 * failed answer makes it failed; a payment still pending `expiresAfterMinutes` after it began is
 * expired (a success confirmed later still settles it: the money was taken). Each QUERY is sent
 * outside any transaction; a platform that does not answer leaves the payment for the next run.
 */
export async function queryPendingPayments(ctx: Ctx): Promise<QueryRun> {
  const run: QueryRun = { queried: 0, settled: 0, failed: 0, expired: 0 };
  const config = ctx.config.payment;
  if (!config) return run;
  const gateway = paymentGateway(ctx);
  const db = ctx.database.db;
  const now = nowOf(ctx);
  const askedBefore = new Date(now.getTime() - config.pendingQueryAfterSeconds * 1000);
  const rows = await db
    .selectFrom('payments')
    .selectAll()
    .where('state', '=', 'pending')
    .where('method', '=', 'online')
    .where('created_at', '<=', askedBefore)
    .orderBy(sql`coalesce(last_queried_at, created_at)`)
    .limit(BATCH)
    .execute();
  for (const row of rows) {
    let answer: Awaited<ReturnType<typeof gateway.query>>;
    try {
      answer = await gateway.query(row.reference, now);
    } catch (e) {
      // The platform is down or refused this QUERY: the payment stays pending and is asked again next minute.
      ctx.log.warn({ err: e, payment: row.id }, 'payments: QUERY failed');
      continue;
    }
    run.queried++;
    if (answer.state !== 'pending') {
      const out = await applyConfirmation(
        ctx,
        {
          reference: row.reference,
          // A paid answer without an amount cannot be checked against ours, so it is refused; a failure needs none.
          amount: answer.amount ?? (answer.state === 'failed' ? Number(row.amount) : -1),
          success: answer.state === 'success',
          errorCode: answer.state === 'success' ? '00' : 'QUERY',
          gatewayTxn: answer.gatewayTxn ?? '',
          bankCode: '',
          at: now,
        },
        'query',
      );
      if (out.settled) run.settled++;
      else if (out.state === 'failed') run.failed++;
      await db.updateTable('payments').set({ last_queried_at: now }).where('id', '=', row.id).execute();
      continue;
    }
    const expired = row.expires_at !== null && new Date(row.expires_at).getTime() <= now.getTime();
    await db.transaction().execute(async (tx) => {
      if (!expired) {
        await tx.updateTable('payments').set({ last_queried_at: now }).where('id', '=', row.id).execute();
        return;
      }
      // Checked again under the row's lock: a callback may have settled it while we asked.
      const r = await tx
        .updateTable('payments')
        .set({ state: 'expired', last_queried_at: now })
        .where('id', '=', row.id)
        .where('state', '=', 'pending')
        .returning('id')
        .executeTakeFirst();
      if (!r) return;
      run.expired++;
      await recordEvent(tx, row.id, 'query', 'system', { state: 'pending', expired: true });
      await recordAudit(tx, {
        actor: 'system',
        action: 'payment.expired',
        target: `dossier:${row.dossier_code}`,
        data: { payment: row.id, reference: row.reference },
      });
    });
  }
  if (run.queried) ctx.log.info(run, 'payments: pending payments queried');
  return run;
}
