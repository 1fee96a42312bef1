import type { PgBoss } from 'pg-boss';
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { toEmcEvent, type DossierEventFacts, type EmcEvent } from './emc/contract.ts';
import { emcClient, type EmcClient } from './emc/emc-client.ts';
import { countNow } from './count-usage.ts';
import type {} from './tables.ts';

/** The durable queue that sends EMC events: `{ id }` sends that event; an empty job sends every event left waiting. */
export const EMC_QUEUE = 'analytics.emc';

/**
 * Retried with backoff (30 s, 1 min, 2 min, … up to an hour) for about a day; after that the
 * sweep (every minute) tries what is still waiting, so an EMC that was down for days gets its
 * events once it is back.
 */
const POLICY = { retryLimit: 12, retryDelay: 30, retryBackoff: true, retryDelayMax: 3600, expireInSeconds: 5 * 60 } as const;
/** How long a worker holds an event it is sending: another worker does not send it meanwhile. */
const CLAIM_SECONDS = 60;
/** Events the sweep sends at most per run. */
const SWEEP_BATCH = 200;
/** Delivered events are kept this long (to look into), then deleted: the day's count stays (`emc_sent`). */
const KEEP_SENT_DAYS = 30;

const ready = new WeakSet<PgBoss>();

export async function ensureAnalyticsQueues(ctx: Pick<Ctx, 'jobs'>): Promise<void> {
  await ctx.jobs.boss.createQueue(EMC_QUEUE, POLICY);
  await ctx.jobs.boss.updateQueue(EMC_QUEUE, POLICY);
  ready.add(ctx.jobs.boss);
}

export async function registerAnalyticsWorkers(ctx: Ctx): Promise<void> {
  if (!ready.has(ctx.jobs.boss)) await ensureAnalyticsQueues(ctx);
  await ctx.jobs.boss.schedule(EMC_QUEUE, '* * * * *', {});
  await ctx.jobs.boss.work<{ id?: string }>(EMC_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      const r = await deliverEmcEvents(ctx, job.data?.id ? { id: String(job.data.id) } : {});
      // A failed delivery fails the job: pg-boss retries it with backoff.
      if (r.failed) throw new Error(`EMC: ${r.failed} event(s) not delivered: ${r.lastError ?? ''}`);
    }
  });
}

/**
 * Records the EMC event of a dossier's state change and enqueues its delivery, in the caller's
 * transaction (side-effects.ts `afterStateChange`): it is sent if and only if the change commits,
 * and once per action (`dossier_code`, `seq`), however often the change or the job is retried.
 * Without EMC configured (production without EMC_URL) nothing is recorded.
 */
export async function enqueueEmcEvent(ctx: Ctx, tx: Tx, facts: DossierEventFacts): Promise<void> {
  const emc = ctx.config.emc;
  if (!emc) return;
  let level = facts.level ?? knownLevel(facts.procedureCode);
  if (!level) {
    // Read through the transaction: the embedded database is one connection.
    try {
      level = (await getProcedure(inTransaction(ctx, tx), facts.procedureCode)).level;
      LEVELS.set(facts.procedureCode, { level, at: Date.now() });
    } catch (e) {
      // A procedure withdrawn from the catalogue since the filing: its level is not known, partial is the cautious claim.
      if (!(e instanceof AppError) || e.status !== 404) throw e;
    }
  }
  const event = toEmcEvent({ ...facts, level }, emc.siteId);
  const row = await tx
    .insertInto('emc_events')
    .values({ dossier_code: facts.dossierCode, seq: facts.seq, payload: JSON.stringify(event) })
    .onConflict((oc) => oc.columns(['dossier_code', 'seq']).doNothing())
    .returning('id')
    .executeTakeFirst();
  // One wake-up job for the events of a few seconds, not a job per event (a job is a row and a
  // worker's turn: per event it cost filings a fifth of their rate). The job sends every event
  // waiting; the sweep every minute sends those whose wake-up was rolled back with its change.
  if (row && Date.now() - lastWake >= WAKE_EVERY_MS) {
    lastWake = Date.now();
    await ctx.jobs.send(EMC_QUEUE, {}, tx);
  }
}

const WAKE_EVERY_MS = 2000;
let lastWake = 0;

/** Procedures' levels, kept a few minutes: a level changes with a new version, rarely, and EMC is told the level of the day. */
const LEVELS = new Map<string, { level: 'full' | 'partial'; at: number }>();
const LEVEL_TTL_MS = 5 * 60_000;
function knownLevel(code: string): 'full' | 'partial' | undefined {
  const x = LEVELS.get(code);
  return x && Date.now() - x.at < LEVEL_TTL_MS ? x.level : undefined;
}

export interface DeliveryRun {
  sent: number;
  failed: number;
  lastError: string | null;
}

/**
 * Sends EMC events: the one named, or every event waiting (oldest first, a batch per run).
 * Each is claimed first (`claimed_until`), so two workers never send one event at once, and an
 * event already sent is not sent again; a failure is kept on the row (attempts, last error) for
 * the usage page and the next try.
 */
export async function deliverEmcEvents(ctx: Ctx, opts: { id?: string; client?: EmcClient } = {}): Promise<DeliveryRun> {
  const client = opts.client ?? emcClient(ctx);
  const run: DeliveryRun = { sent: 0, failed: 0, lastError: null };
  if (!client) return run;
  const db = ctx.database.db;
  const ids = opts.id
    ? [opts.id]
    : (
        await db
          .selectFrom('emc_events')
          .select('id')
          .where('sent_at', 'is', null)
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', sql<Date>`now()`)]))
          .orderBy('id')
          .limit(SWEEP_BATCH)
          .execute()
      ).map((r) => String(r.id));
  for (const id of ids) {
    if (!/^\d{1,18}$/.test(id)) continue;
    const claimed = await db
      .updateTable('emc_events')
      .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${CLAIM_SECONDS})`, last_tried_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', sql<Date>`now()`)]))
      .returning(['payload'])
      .executeTakeFirst();
    if (!claimed) continue; // sent already, or being sent by another worker
    const result = await client.send(claimed.payload as unknown as EmcEvent);
    if (result.ok) {
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('emc_events').set({ sent_at: sql<Date>`now()`, claimed_until: null, last_error: null }).where('id', '=', id).execute();
        await countNow(tx, 'emc_sent', 'all');
      });
      run.sent++;
    } else {
      await db
        .updateTable('emc_events')
        .set({ claimed_until: null, attempts: sql<number>`attempts + 1`, last_error: result.error.slice(0, 500) })
        .where('id', '=', id)
        .execute();
      run.failed++;
      run.lastError = result.error;
    }
  }
  // The sweep also forgets what was delivered long ago, so the outbox does not grow with history.
  if (!opts.id) await db.deleteFrom('emc_events').where('sent_at', '<', sql<Date>`now() - make_interval(days => ${KEEP_SENT_DAYS})`).execute();
  return run;
}
