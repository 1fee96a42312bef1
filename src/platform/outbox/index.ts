import type { PgBoss } from 'pg-boss';
import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { AppError } from '../errors.ts';
import type {} from './tables.ts';

/**
 * The integration outbox: what congso must deliver to systems outside it (the national portal's
 * records, VNPost's orders, …), written in the transaction of the change that causes it and
 * delivered by a durable job per adapter. The rules every adapter gets from here:
 * - a message exists iff its change commits, and once (`dedupe` is unique per adapter);
 * - messages of one key (a dossier) go out in the order they were written: a message waits while
 *   an earlier one of its key is pending or dead, so a dead letter holds its dossier back until
 *   an administrator replays it rather than letting a later step overtake it;
 * - a message is claimed before it is sent, so two workers never send it at once;
 * - a failure backs off exponentially; a permanent failure (the other side refuses the message
 *   as malformed) or the last attempt makes it a dead letter;
 * - a paused adapter delivers nothing, and nothing an official does waits for an adapter.
 * Request/response adapters (registry lookups, tracking polls) record their calls (`recordCall`)
 * so the operations page and the metrics show every adapter the same way.
 */

export type DeliveryOutcome = { ok: true; result?: unknown } | { ok: false; error: string; permanent?: boolean };

export interface OutboxMessage {
  id: string;
  adapter: string;
  key: string;
  dedupe: string;
  kind: string;
  // biome-ignore lint/suspicious/noExplicitAny: each adapter reads its own payload shape.
  payload: any;
  attempts: number;
  createdAt: Date;
}

export interface OutboxAdapter {
  /** `national-portal`, `vnpost`, …: lower case, digits and dashes. */
  name: string;
  label: { vi: string; en: string };
  /** Sends one message. Must not throw: a throw counts as a failure to retry, and is logged. */
  deliver?(ctx: Ctx, m: OutboxMessage): Promise<DeliveryOutcome>;
  /** Attempts before a message becomes a dead letter (default 12: with the backoff, about a day). */
  maxAttempts?: number;
  /** Runs from the adapter's scheduled sweep, once a minute (a tracking poll, a monthly summary). */
  sweep?(ctx: Ctx): Promise<void>;
}

const ADAPTERS = new Map<string, OutboxAdapter>();
const NAME = /^[a-z0-9-]{1,40}$/;
const queueOf = (name: string) => `outbox.${name}`;

/** Makes an adapter known to this process: its deliveries, its label on the operations page. Idempotent. */
export function defineOutboxAdapter(adapter: OutboxAdapter): void {
  if (!NAME.test(adapter.name)) throw new Error(`outbox adapter name ${adapter.name} must match ${NAME}`);
  ADAPTERS.set(adapter.name, adapter);
}

export const listRegisteredAdapters = (): OutboxAdapter[] => [...ADAPTERS.values()].sort((a, b) => a.name.localeCompare(b.name));

const ensured = new WeakMap<PgBoss, Set<string>>();

/** The adapter's queue, created before any request can enqueue into it (a JobModule's `ensureQueues`). */
export async function ensureOutboxQueue(ctx: Pick<Ctx, 'jobs'>, adapter: OutboxAdapter): Promise<void> {
  defineOutboxAdapter(adapter);
  const boss = ctx.jobs.boss;
  const set = ensured.get(boss) ?? new Set<string>();
  ensured.set(boss, set);
  if (set.has(adapter.name)) return;
  // The job only wakes the delivery; the messages carry their own retries, so a failed run is not retried by pg-boss.
  const policy = { retryLimit: 0, expireInSeconds: 5 * 60 } as const;
  await boss.createQueue(queueOf(adapter.name), policy);
  await boss.updateQueue(queueOf(adapter.name), policy);
  set.add(adapter.name);
}

/** A run delivers for at most this long, then leaves the rest to the next wake-up or sweep (a job is not held for ever). */
const RUN_BUDGET_MS = 25_000;

/** The adapter's queue and worker: wake-ups sent with messages, and a sweep every minute (a JobModule's `registerWorkers`). */
export async function registerOutboxAdapter(ctx: Ctx, adapter: OutboxAdapter): Promise<void> {
  await ensureOutboxQueue(ctx, adapter);
  const queue = queueOf(adapter.name);
  await ctx.jobs.boss.schedule(queue, '* * * * *', { sweep: true });
  await ctx.jobs.boss.work<{ sweep?: boolean }>(queue, { pollingIntervalSeconds: 2, batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      if (job.data?.sweep) {
        if (adapter.sweep && !(await isPaused(ctx, adapter.name))) await adapter.sweep(ctx);
        await forgetDelivered(ctx, adapter.name);
      }
      if (!adapter.deliver) continue;
      const until = Date.now() + RUN_BUDGET_MS;
      while (Date.now() < until) {
        const r = await deliverOutbox(ctx, adapter.name);
        if (r.sent + r.failed + r.dead === 0) break;
      }
    }
  });
}

/** Delivered messages are kept this long to look into, then deleted: the outbox does not grow with history. */
const KEEP_SENT_DAYS = 30;
async function forgetDelivered(ctx: Ctx, adapter: string): Promise<void> {
  await ctx.database.db
    .deleteFrom('outbox_messages')
    .where('adapter', '=', adapter)
    .where('status', '=', 'sent')
    .where('sent_at', '<', sql<Date>`now() - make_interval(days => ${KEEP_SENT_DAYS})`)
    .execute();
}

const WAKE_EVERY_MS = 1000;
const lastWake = new Map<string, number>();

/**
 * Writes a message in the caller's transaction: delivered iff the transaction commits. Answers
 * false when the adapter already holds a message with this `dedupe` (a retried action). One
 * wake-up job per adapter and second, not per message; the minute's sweep delivers what a
 * rolled-back wake-up left.
 */
export async function enqueueOutbox(ctx: Ctx, tx: Tx, m: { adapter: string; key: string; dedupe: string; kind: string; payload: object }): Promise<boolean> {
  if (!NAME.test(m.adapter)) throw new Error(`outbox adapter name ${m.adapter} must match ${NAME}`);
  const row = await tx
    .insertInto('outbox_messages')
    .values({ adapter: m.adapter, key: m.key, dedupe: m.dedupe, kind: m.kind, payload: JSON.stringify(m.payload) })
    .onConflict((oc) => oc.columns(['adapter', 'dedupe']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  const last = lastWake.get(m.adapter) ?? 0;
  // Only a queue that exists can take a job inside the transaction (creating one would need a second connection).
  if (Date.now() - last >= WAKE_EVERY_MS && ensured.get(ctx.jobs.boss)?.has(m.adapter)) {
    lastWake.set(m.adapter, Date.now());
    await ctx.jobs.send(queueOf(m.adapter), {}, tx);
  }
  return true;
}

/**
 * How long a worker holds a message it is sending: longer than any adapter's time limit. A
 * worker that dies holding it leaves it to another when this runs out; OUTBOX_CLAIM_SECONDS
 * sets it (default 120 s; tests of a worker's death shorten it).
 */
const claimSeconds = () => Number(process.env.OUTBOX_CLAIM_SECONDS ?? 120);
/** Backoff: base × 2^(attempts − 1), at most an hour; OUTBOX_RETRY_BASE_MS sets the base (default 30 s). */
const backoffMs = (attempts: number) => {
  const base = Number(process.env.OUTBOX_RETRY_BASE_MS ?? 30_000);
  return Math.min(3_600_000, base * 2 ** Math.min(20, attempts - 1));
};
/** Messages of different keys sent at once by one run. */
const PARALLEL = 4;

export interface DeliveryRun {
  sent: number;
  failed: number;
  dead: number;
}

/**
 * Delivers what is due now for one adapter: the oldest waiting message of each key, claimed
 * first. The job calls it; so do tests, to drive delivery without waiting (`ignore-backoff`
 * treats every waiting message as due).
 */
export async function deliverOutbox(ctx: Ctx, name: string, opts: { limit?: number; now?: 'ignore-backoff' } = {}): Promise<DeliveryRun> {
  const adapter = ADAPTERS.get(name);
  if (!adapter?.deliver) throw new AppError('NOT_FOUND', { vi: `Không có kết nối ${name}`, en: `No adapter ${name}` });
  const run: DeliveryRun = { sent: 0, failed: 0, dead: 0 };
  if (await isPaused(ctx, name)) return run;
  const db = ctx.database.db;
  const due = opts.now === 'ignore-backoff' ? sql`true` : sql`m.next_attempt_at <= now()`;
  const heads = await sql<{ id: string }>`
    select m.id from outbox_messages m
    where m.adapter = ${name} and m.status = 'pending' and ${due}
      and (m.claimed_until is null or m.claimed_until < now())
      and not exists (
        select 1 from outbox_messages e
        where e.adapter = m.adapter and e.key = m.key and e.status <> 'sent' and e.id < m.id)
    order by m.id limit ${opts.limit ?? 100}`.execute(db);
  const ids = heads.rows.map((r) => String(r.id));
  const calls: RunCalls = { ok: 0, failed: 0, ms: 0, lastError: null, last: null };
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const claimed = await db
        .updateTable('outbox_messages')
        .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${claimSeconds()})` })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', sql<Date>`now()`)]))
        .returning(['id', 'adapter', 'key', 'dedupe', 'kind', 'payload', 'attempts', 'created_at'])
        .executeTakeFirst();
      if (!claimed) continue; // sent meanwhile, or taken by another worker
      const m: OutboxMessage = {
        id: String(claimed.id),
        adapter: claimed.adapter,
        key: claimed.key,
        dedupe: claimed.dedupe,
        kind: claimed.kind,
        payload: claimed.payload,
        attempts: claimed.attempts,
        createdAt: claimed.created_at,
      };
      const started = Date.now();
      let outcome: DeliveryOutcome;
      try {
        outcome = await adapter.deliver!(ctx, m);
      } catch (e) {
        ctx.log.error({ err: e, adapter: name, message: m.id }, 'outbox: adapter threw while delivering');
        outcome = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      await settle(ctx, adapter, m, outcome, Date.now() - started, run, calls);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, ids.length) }, lane));
  if (calls.last) await recordCalls(ctx, name, calls);
  return run;
}

async function settle(ctx: Ctx, adapter: OutboxAdapter, m: OutboxMessage, outcome: DeliveryOutcome, ms: number, run: DeliveryRun, calls: RunCalls) {
  const db = ctx.database.db;
  if (outcome.ok) {
    await db
      .updateTable('outbox_messages')
      .set({
        status: 'sent',
        sent_at: sql<Date>`now()`,
        claimed_until: null,
        last_error: null,
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      })
      .where('id', '=', m.id)
      .execute();
    run.sent++;
  } else {
    const attempts = m.attempts + 1;
    const dead = outcome.permanent === true || attempts >= (adapter.maxAttempts ?? 12);
    await db
      .updateTable('outbox_messages')
      .set({
        attempts,
        claimed_until: null,
        last_error: outcome.error.slice(0, 1000),
        ...(dead
          ? { status: 'dead' as const, dead_at: sql<Date>`now()` }
          : { next_attempt_at: sql<Date>`now() + make_interval(secs => ${backoffMs(attempts) / 1000})` }),
      })
      .where('id', '=', m.id)
      .execute();
    if (dead) run.dead++;
    else run.failed++;
  }
  calls.ms += ms;
  if (outcome.ok) calls.ok++;
  else {
    calls.failed++;
    calls.lastError = outcome.error;
  }
  calls.last = outcome.ok ? 'ok' : 'failed';
}

/** A run's calls, recorded once at its end: two upserts per run rather than per message (they are hot rows). */
interface RunCalls {
  ok: number;
  failed: number;
  ms: number;
  lastError: string | null;
  last: 'ok' | 'failed' | null;
}

/** One call's outcome, for the operations page and the metrics (any adapter, outbox or request/response). */
export function recordCall(ctx: Ctx, adapter: string, outcome: { ok: boolean; error?: string; ms?: number }): Promise<void> {
  return recordCalls(ctx, adapter, {
    ok: outcome.ok ? 1 : 0,
    failed: outcome.ok ? 0 : 1,
    ms: outcome.ms ?? 0,
    lastError: outcome.ok ? null : (outcome.error ?? ''),
    last: outcome.ok ? 'ok' : 'failed',
  });
}

/** Several calls' outcomes at once; `last` decides whether the adapter's last word is a success or a failure. */
async function recordCalls(ctx: Ctx, adapter: string, c: RunCalls): Promise<void> {
  const db = ctx.database.db;
  const ms = Math.max(0, Math.round(c.ms));
  await sql`
    insert into integration_calls (hour, adapter, ok, failed, ms_total)
    values (date_trunc('hour', now()), ${adapter}, ${c.ok}, ${c.failed}, ${ms})
    on conflict (adapter, hour) do update set
      ok = integration_calls.ok + excluded.ok,
      failed = integration_calls.failed + excluded.failed,
      ms_total = integration_calls.ms_total + excluded.ms_total`.execute(db);
  const success = () =>
    sql`
      insert into integration_adapters (name, last_success_at) values (${adapter}, now())
      on conflict (name) do update set last_success_at = now()`.execute(db);
  const error = (c.lastError ?? '').slice(0, 1000);
  const failure = () =>
    sql`
      insert into integration_adapters (name, last_failure_at, last_error) values (${adapter}, now(), ${error})
      on conflict (name) do update set last_failure_at = now(), last_error = ${error}`.execute(db);
  // The last outcome is written last, so the page's "failing" (last failure after last success) says how the run ended.
  if (c.last === 'ok') {
    if (c.failed) await failure();
    await success();
  } else {
    if (c.ok) await success();
    await failure();
  }
}

async function isPaused(ctx: Ctx, name: string): Promise<boolean> {
  const r = await ctx.database.db.selectFrom('integration_adapters').select('paused').where('name', '=', name).executeTakeFirst();
  return r?.paused ?? false;
}

export interface AdapterStatus {
  name: string;
  label: { vi: string; en: string };
  paused: boolean;
  pausedBy: string | null;
  pausedAt: Date | null;
  pending: number;
  /** Of the pending, those tried and failed, waiting for their next attempt. */
  retrying: number;
  oldestPendingAt: Date | null;
  dead: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  /** Calls in the last 24 hours (the current hour and the 24 before it). */
  calls24h: { ok: number; failed: number; avgMs: number | null };
}

/** Every known adapter's state, for the operations page and the metrics: a few grouped queries, whatever the traffic. */
export async function adapterStatuses(ctx: Ctx): Promise<AdapterStatus[]> {
  const db = ctx.database.db;
  const [queues, adapters, calls] = await Promise.all([
    sql<{ adapter: string; status: string; n: string; tried: string; oldest: Date | null }>`
      select adapter, status, count(*) as n, count(*) filter (where attempts > 0) as tried, min(created_at) as oldest
      from outbox_messages where status <> 'sent' group by adapter, status`.execute(db),
    db.selectFrom('integration_adapters').selectAll().execute(),
    sql<{ adapter: string; ok: string; failed: string; ms: string }>`
      select adapter, sum(ok) as ok, sum(failed) as failed, sum(ms_total) as ms
      from integration_calls where hour >= date_trunc('hour', now()) - interval '24 hours' group by adapter`.execute(db),
  ]);
  return listRegisteredAdapters().map((a) => {
    const q = (s: string) => queues.rows.find((r) => r.adapter === a.name && r.status === s);
    const row = adapters.find((r) => r.name === a.name);
    const c = calls.rows.find((r) => r.adapter === a.name);
    const ok = Number(c?.ok ?? 0);
    const failed = Number(c?.failed ?? 0);
    return {
      name: a.name,
      label: a.label,
      paused: row?.paused ?? false,
      pausedBy: row?.paused_by ?? null,
      pausedAt: row?.paused_at ?? null,
      pending: Number(q('pending')?.n ?? 0),
      retrying: Number(q('pending')?.tried ?? 0),
      oldestPendingAt: q('pending')?.oldest ?? null,
      dead: Number(q('dead')?.n ?? 0),
      lastSuccessAt: row?.last_success_at ?? null,
      lastFailureAt: row?.last_failure_at ?? null,
      lastError: row?.last_error ?? null,
      calls24h: { ok, failed, avgMs: ok + failed ? Math.round(Number(c?.ms ?? 0) / (ok + failed)) : null },
    };
  });
}

export async function adapterStatus(ctx: Ctx, name: string): Promise<AdapterStatus> {
  const s = (await adapterStatuses(ctx)).find((a) => a.name === name);
  if (!s) throw unknownAdapter(name);
  return s;
}

const unknownAdapter = (name: string) =>
  new AppError('NOT_FOUND', { vi: `Không có kết nối "${name}"`, en: `No adapter "${name}"` }, [
    { path: 'params.adapter', message: 'Không có kết nối này', messageEn: 'unknown adapter' },
  ]);

export interface DeadLetter extends OutboxMessage {
  lastError: string | null;
  deadAt: Date | null;
}

/** An adapter's dead letters, newest first. */
export async function listDeadLetters(ctx: Ctx, name: string, opts: { limit?: number } = {}): Promise<DeadLetter[]> {
  if (!ADAPTERS.has(name)) throw unknownAdapter(name);
  const rows = await ctx.database.db
    .selectFrom('outbox_messages')
    .select(['id', 'adapter', 'key', 'dedupe', 'kind', 'payload', 'attempts', 'created_at', 'last_error', 'dead_at'])
    .where('adapter', '=', name)
    .where('status', '=', 'dead')
    .orderBy('dead_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(500, opts.limit ?? 100))
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    adapter: r.adapter,
    key: r.key,
    dedupe: r.dedupe,
    kind: r.kind,
    payload: r.payload,
    attempts: r.attempts,
    createdAt: r.created_at,
    lastError: r.last_error,
    deadAt: r.dead_at,
  }));
}

/**
 * Puts dead letters back in the queue (one, or all of the adapter's), with fresh attempts, and
 * wakes the delivery. Answers how many came back. In the caller's transaction, so the replay is
 * audited with it.
 */
export async function replayDeadLetters(ctx: Ctx, tx: Tx, name: string, which: string | 'all'): Promise<number> {
  if (!ADAPTERS.has(name)) throw unknownAdapter(name);
  let q = tx
    .updateTable('outbox_messages')
    .set({ status: 'pending', attempts: 0, dead_at: null, next_attempt_at: sql<Date>`now()`, claimed_until: null })
    .where('adapter', '=', name)
    .where('status', '=', 'dead');
  if (which !== 'all') {
    if (!/^\d{1,18}$/.test(which))
      throw new AppError('VALIDATION_FAILED', { vi: 'Mã thư lỗi không hợp lệ', en: 'Invalid dead-letter id' }, [
        { path: 'body.id', message: 'Phải là một số', messageEn: 'must be a number' },
      ]);
    q = q.where('id', '=', which);
  }
  const r = await q.executeTakeFirst();
  const n = Number(r.numUpdatedRows);
  if (n && ensured.get(ctx.jobs.boss)?.has(name)) await ctx.jobs.send(queueOf(name), {}, tx);
  return n;
}

/** Pauses or resumes an adapter's deliveries (messages keep being written), in the caller's transaction. */
export async function setAdapterPaused(_ctx: Ctx, tx: Tx, name: string, paused: boolean, by: string): Promise<void> {
  if (!ADAPTERS.has(name)) throw unknownAdapter(name);
  await tx
    .insertInto('integration_adapters')
    .values({ name, paused, paused_by: paused ? by : null, paused_at: paused ? new Date() : null })
    .onConflict((oc) => oc.column('name').doUpdateSet({ paused, paused_by: paused ? by : null, paused_at: paused ? new Date() : null }))
    .execute();
}
