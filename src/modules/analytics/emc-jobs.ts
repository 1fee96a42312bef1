import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueueOutbox, ensureOutboxQueue, registerOutboxAdapter, type OutboxAdapter } from '../../platform/outbox/index.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { toEmcEvent, type DossierEventFacts, type EmcEvent } from './emc/contract.ts';
import { emcClient } from './emc/emc-client.ts';
import { countNow } from './count-usage.ts';
import type {} from './tables.ts';

/**
 * EMC's events go through the integration outbox (src/platform/outbox): one message per dossier
 * action, written in the action's transaction, sent once, retried with backoff for about two
 * days, then a dead letter on the operations page (`/can-bo/ket-noi`) for an administrator to
 * replay once EMC is back.
 */
export const EMC_ADAPTER: OutboxAdapter = {
  name: 'emc',
  label: { vi: 'Hệ thống đo lường dịch vụ công (EMC)', en: 'Usage measurement system (EMC)' },
  maxAttempts: 48,
  async deliver(ctx, m) {
    const client = emcClient(ctx);
    if (!client) return { ok: false, error: 'EMC is not configured (EMC_URL)' };
    const r = await client.send(m.payload as EmcEvent);
    if (!r.ok) return { ok: false, error: r.error };
    // The day's count of delivered events stays when the delivered messages are forgotten.
    await ctx.database.db.transaction().execute((tx) => countNow(tx, 'emc_sent', 'all'));
    return { ok: true };
  },
};

export async function ensureAnalyticsQueues(ctx: Pick<Ctx, 'jobs'>): Promise<void> {
  await ensureOutboxQueue(ctx, EMC_ADAPTER);
}

export async function registerAnalyticsWorkers(ctx: Ctx): Promise<void> {
  await registerOutboxAdapter(ctx, EMC_ADAPTER);
}

/**
 * Records the EMC event of a dossier's state change in the caller's transaction
 * (side-effects.ts `afterStateChange`): it is sent if and only if the change commits, and once
 * per action (dossier code and seq), however often the change or the job is retried. Without
 * EMC configured (production without EMC_URL) nothing is recorded.
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
  await enqueueOutbox(ctx, tx, {
    adapter: EMC_ADAPTER.name,
    key: facts.dossierCode,
    dedupe: `${facts.dossierCode}:${facts.seq}`,
    kind: 'event',
    payload: event,
  });
}

/** Procedures' levels, kept a few minutes: a level changes with a new version, rarely, and EMC is told the level of the day. */
// Per node is fine in a cluster: a new version's level reaches every node within LEVEL_TTL_MS, as it reaches this one.
const LEVELS = new Map<string, { level: 'full' | 'partial'; at: number }>();
const LEVEL_TTL_MS = 5 * 60_000;
function knownLevel(code: string): 'full' | 'partial' | undefined {
  const x = LEVELS.get(code);
  return x && Date.now() - x.at < LEVEL_TTL_MS ? x.level : undefined;
}
