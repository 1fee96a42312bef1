/**
 * The read replica (issue 17): a PostgreSQL streaming standby of DATABASE_URL that serves the
 * reads that may lag (dashboards, statistics, open data, registers, exports, search), so the
 * primary keeps its connections for filings and workflow. What a user just wrote and then reads
 * back is never routed here: a standby is behind the primary by its replication delay.
 *
 * A monitor asks the replica every second whether it is still a standby and how far behind it
 * is, and marks it usable or not; a replica unreachable, promoted or further behind than
 * DATABASE_REPLICA_MAX_LAG_SECONDS is skipped (reads go to the primary). A routed read that
 * fails on the replica with a connection error runs again on the primary: stopping the replica
 * never surfaces an error.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import client from 'prom-client';
import type { Logger } from 'pino';
import type { Ctx } from '../context.ts';
import { isConnectionError, type Database } from './index.ts';
import type { DB } from './schema.ts';

/** Why a routed read went where it went: `ok` on the replica; the others are the primary's reasons. */
export type ReadReason = 'ok' | 'unknown' | 'unreachable' | 'promoted' | 'lag' | 'error' | 'read_only' | 'transaction';

/** What the monitor last learnt of the replica. */
export type ReplicaProbe =
  | { reachable: false }
  /** `lagSeconds`: how old the newest change the replica lacks is (0: it has all the primary had). */
  | { reachable: true; inRecovery: boolean; lagSeconds: number };

/**
 * Whether the replica may serve reads. A replica no longer in recovery has been promoted: it
 * follows no primary any more, so while DATABASE_URL still names another server it would show
 * data that server's writes never reach (a split brain); it is skipped until the operator points
 * DATABASE_URL at it (docs/DEPLOY.md's failover) and a new standby is made.
 */
export function judgeReplica(p: ReplicaProbe | undefined, maxLagSeconds: number): ReadReason {
  if (!p) return 'unknown';
  if (!p.reachable) return 'unreachable';
  if (!p.inRecovery) return 'promoted';
  return p.lagSeconds > maxLagSeconds ? 'lag' : 'ok';
}

/**
 * The replica's lag measured against the primary's WAL position rather than the standby's replay
 * timestamp alone. `pg_last_xact_replay_timestamp()` ages while the primary is idle (nothing to
 * replay is not being behind), and a standby whose WAL receiver lost the primary sees its own
 * received and replayed positions equal and believes itself current. Here each tick records the
 * primary's position and when it was read; the replica's staleness is the age of the oldest
 * recorded position it has not replayed yet (0 when it has replayed everything recorded). It
 * errs short by one tick at most.
 */
export class LagTracker {
  private samples: { at: number; lsn: number }[] = [];

  /** The primary's WAL position (bytes) at `at` (ms); read before the replica is asked. */
  primaryAt(at: number, lsn: number) {
    const last = this.samples.at(-1);
    if (last && last.lsn >= lsn) return; // nothing new written: the older sample is the one that matters
    this.samples.push({ at, lsn });
    // A replica stuck for hours must not grow this for ever: the oldest unreplayed sample is the one that counts.
    if (this.samples.length > 1000) this.samples.splice(1, 1);
  }

  /** The replica has replayed up to `replayed` (bytes): its lag at `now` (ms), in seconds. */
  replicaAt(now: number, replayed: number): number {
    while (this.samples.length && this.samples[0].lsn <= replayed) this.samples.shift();
    return this.samples.length ? Math.max(0, (now - this.samples[0].at) / 1000) : 0;
  }

  /** The primary could not be asked: what was recorded no longer says anything of the present. */
  reset() {
    this.samples = [];
  }
}

// One set per process, whatever the number of contexts (tests build several). buildServer clears
// the default registry when it makes its own metrics and registers these again (registerReplicaMetrics).
const lagGauge = new client.Gauge({
  name: 'congso_db_replica_lag_seconds',
  help: 'How far the read replica is behind the primary, in seconds (as the monitor last measured)',
  registers: [],
});
const usableGauge = new client.Gauge({
  name: 'congso_db_replica_usable',
  help: '1 when the read replica serves the reads that may lag, 0 when they go to the primary',
  registers: [],
});
const readsCounter = new client.Counter({
  name: 'congso_db_reads_total',
  help: 'Reads that may go to the replica, by where they went (replica or primary) and why',
  labelNames: ['target', 'reason'] as const,
  registers: [],
});

/** Puts the replica's metrics into the default registry (after the server cleared it). */
export function registerReplicaMetrics(): void {
  for (const m of [lagGauge, usableGauge, readsCounter]) client.register.registerMetric(m);
}

export interface ReplicaOptions {
  url: string;
  maxLagSeconds: number;
  /** The primary (DATABASE_URL), asked for its WAL position at each check. */
  primaryUrl: string;
  /** The replica's pool, as large as the primary's (DATABASE_POOL_SIZE): it takes the primary's heaviest reads. */
  poolSize: number;
  log: Logger;
  /** Between two checks (default 1 s). */
  intervalMs?: number;
}

export class Replica {
  readonly database: Database;
  readonly maxLagSeconds: number;
  /** Why reads go where they go now: `ok` means to the replica. */
  state: ReadReason = 'unknown';
  lagSeconds = 0;
  private readonly lag = new LagTracker();
  /**
   * The monitor's own connection to each server: under load the request pools may all be busy,
   * and a check waiting for one would find a healthy replica unreachable or measure late.
   */
  private readonly probes: { primary: pg.Pool; replica: pg.Pool };
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private ticking: Promise<void> | undefined;

  constructor(private readonly opts: ReplicaOptions) {
    this.maxLagSeconds = opts.maxLagSeconds;
    // Quick to give up: a dead replica must cost a routed read two seconds at most before it falls
    // back (the monitor usually notices first, within a check).
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize, connectionTimeoutMillis: 2000, keepAlive: true });
    // The monitor's next check says whether the replica is gone (once); each idle connection lost need not.
    pool.on('error', (err) => opts.log.debug({ err: err.message }, 'database replica: idle connection lost'));
    pool.on('connect', (c) => c.on('error', () => {})); // the query in flight gets the error (see openDatabase)
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    this.database = { kind: 'postgresql', pool, db, close: () => db.destroy() };
    const probe = (url: string) => {
      const p = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 2000, keepAlive: true });
      p.on('error', () => {}); // a lost probe connection shows as the next check's failure
      p.on('connect', (c) => c.on('error', () => {}));
      return p;
    };
    this.probes = { primary: probe(opts.primaryUrl), replica: probe(opts.url) };
  }

  /** Starts the monitor: a first check at once, then one per interval. */
  start() {
    const loop = () => {
      this.ticking = this.check().finally(() => {
        if (!this.closed) this.timer = setTimeout(loop, this.opts.intervalMs ?? 1000).unref();
      });
    };
    loop();
  }

  /** One check of the replica; never throws (an unreachable replica is a state, not a failure). */
  async check(): Promise<void> {
    let primaryLsn: number | undefined;
    try {
      const r = await this.probes.primary.query<{ lsn: number }>({
        text: "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 as lsn",
        query_timeout: 2000,
      } as pg.QueryConfig);
      primaryLsn = r.rows[0].lsn;
      this.lag.primaryAt(Date.now(), primaryLsn);
    } catch (err) {
      // The primary down: the standby's own measure below is all there is.
      this.lag.reset();
      this.opts.log.debug({ err: (err as Error).message }, 'database replica: primary position not read');
    }
    let probe: ReplicaProbe;
    try {
      const r = await this.probes.replica.query<{ recovery: boolean; replayed: number | null; standby_lag: number | null }>({
        // Equal received and replayed positions mean nothing waits to be applied: lag 0, however
        // old the last replayed transaction (an idle primary writes none).
        text: `select pg_is_in_recovery() as recovery,
                      pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::float8 as replayed,
                      case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                           else extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 end as standby_lag`,
        query_timeout: 2000,
      } as pg.QueryConfig);
      const row = r.rows[0];
      const lagSeconds = primaryLsn !== undefined && row.replayed !== null ? this.lag.replicaAt(Date.now(), row.replayed) : Math.max(0, row.standby_lag ?? 0);
      probe = { reachable: true, inRecovery: row.recovery, lagSeconds };
    } catch (err) {
      probe = { reachable: false };
      if (this.state !== 'unreachable') this.opts.log.warn({ err: (err as Error).message }, 'database replica: unreachable');
    }
    if (this.closed) return;
    const before = this.state;
    this.state = judgeReplica(probe, this.maxLagSeconds);
    this.lagSeconds = probe.reachable ? probe.lagSeconds : this.lagSeconds;
    lagGauge.set(this.lagSeconds);
    usableGauge.set(this.state === 'ok' ? 1 : 0);
    if (before !== this.state) {
      this.opts.log.info(
        { state: this.state, lagSeconds: this.lagSeconds },
        this.state === 'ok' ? 'database replica: reads served' : 'database replica: skipped',
      );
    }
  }

  /** A routed read failed on the replica for want of a connection: skip it until the next check finds it back. */
  markFailed() {
    if (this.state !== 'ok') return;
    this.state = 'error';
    usableGauge.set(0);
    this.opts.log.warn('database replica: a read failed, reads go to the primary');
  }

  countRead(target: 'replica' | 'primary', reason: ReadReason) {
    readsCounter.inc({ target, reason });
  }

  async close() {
    this.closed = true;
    clearTimeout(this.timer);
    await this.ticking;
    usableGauge.set(0);
    await Promise.all([this.database.close(), this.probes.primary.end(), this.probes.replica.end()]);
  }
}

/** Opens the replica's pool and starts its monitor (createContext, with DATABASE_REPLICA_URL). */
export function openReplica(opts: ReplicaOptions): Replica {
  const r = new Replica(opts);
  r.start();
  return r;
}

/** Where a read that may lag goes now, and why. */
function route(ctx: Ctx): { target: 'replica' | 'primary'; reason: ReadReason } {
  const replica = ctx.replica!;
  // A transaction sees its own writes, and the embedded database is one connection: always the primary.
  if (ctx.database.root) return { target: 'primary', reason: 'transaction' };
  return replica.state === 'ok' ? { target: 'replica', reason: 'ok' } : { target: 'primary', reason: replica.state };
}

const onReplicaDatabase = (ctx: Ctx): Ctx => ({ ...ctx, database: ctx.replica!.database });

/**
 * The context whose reads go to the replica when one is configured and usable, else `ctx`
 * itself. For reads that may lag only, and that write nothing (a standby refuses writes).
 * Prefer `onReplica`, which also falls back when the replica fails during the read.
 */
export function readReplica(ctx: Ctx): Ctx {
  if (!ctx.replica || ctx.database === ctx.replica.database) return ctx;
  const { target, reason } = route(ctx);
  ctx.replica.countRead(target, reason);
  return target === 'replica' ? onReplicaDatabase(ctx) : ctx;
}

/**
 * Runs a read that may lag on the replica when one is configured and usable, else on the primary.
 * When the replica fails with a connection error (it was stopped, or the network dropped), it is
 * marked unusable and `fn` runs again on the primary; a write refused by the standby also runs
 * again there, and is logged as a mistake in what was routed. `fn` must therefore be safe to run
 * twice: reads only.
 */
export async function onReplica<T>(ctx: Ctx, fn: (rctx: Ctx) => Promise<T>): Promise<T> {
  if (!ctx.replica || ctx.database === ctx.replica.database) return fn(ctx);
  const replica = ctx.replica;
  const { target, reason } = route(ctx);
  if (target === 'primary') {
    replica.countRead('primary', reason);
    return fn(ctx);
  }
  try {
    const value = await fn(onReplicaDatabase(ctx));
    replica.countRead('replica', 'ok');
    return value;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (isConnectionError(err)) {
      replica.markFailed();
      replica.countRead('primary', 'error');
    } else if (code === '25006') {
      // read_only_sql_transaction: something routed here writes. It works on the primary; the log says what to fix.
      ctx.log.error({ err }, 'database replica: a routed read wrote; run again on the primary');
      replica.countRead('primary', 'read_only');
    } else if (code === '40001') {
      // A query cancelled by the standby's recovery (a conflict with a replayed change): not the read's fault.
      replica.countRead('primary', 'error');
    } else {
      throw err;
    }
    return fn(ctx);
  }
}
