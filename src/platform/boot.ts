import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import type { Ctx } from './context.ts';
import { openDatabase } from './db/index.ts';
import { openReplica } from './db/replica.ts';
import { migrate } from './db/migrate.ts';
import { startJobs } from './jobs/index.ts';
import { TokenService } from './auth/tokens.ts';
import { SessionStore } from './auth/sessions.ts';
import { SignInThrottle } from './auth/throttle.ts';
import { createBlobStore } from './blobs/store.ts';
import { WorkerPool } from './workers/pool.ts';
import { takeCheckpoint } from './audit/checkpoint.ts';
import { purgeRateLimitWindows } from './http/rate-limit.ts';
import { stopListening } from './db/notify.ts';

/**
 * A module's durable jobs, handed in by the composition root (src/app.ts) so the platform
 * knows no module: queues exist before any request can enqueue into them; workers run only
 * where jobs are worked.
 */
export interface JobModule {
  name: string;
  ensureQueues(ctx: Ctx): Promise<void>;
  registerWorkers(ctx: Ctx): Promise<unknown>;
}

export interface ContextOptions {
  worker?: boolean;
  dataDirOverride?: string;
  jobModules?: readonly JobModule[];
  /** The process's logger, when the command made one before the context (to log signals during start-up). */
  log?: Logger;
}

/** Opens the database, applies migrations, starts the job system: everything a command needs. */
export async function createContext(config: Config, opts: ContextOptions = {}): Promise<Ctx> {
  const log = opts.log ?? createLogger(config);
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: opts.dataDirOverride ?? path.join(config.dataDir, 'pgdata'),
    poolSize: config.databasePoolSize,
  });
  const applied = await migrate(database.pool);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const jobs = await startJobs(database.pool, { worker: opts.worker ?? true });
  const ctx: Ctx = {
    config,
    database,
    jobs,
    tokens: new TokenService(config.secrets.token, config.publicUrl),
    sessions: new SessionStore(database.db),
    blobs: createBlobStore(config),
    workers: new WorkerPool(),
    log,
    replica: config.databaseReplica
      ? openReplica({ ...config.databaseReplica, primaryUrl: config.databaseUrl!, poolSize: config.databasePoolSize, log })
      : undefined,
  };
  for (const m of opts.jobModules ?? []) await m.ensureQueues(ctx);
  if (opts.worker ?? true) await startWorkers(ctx, opts.jobModules ?? []);
  return ctx;
}

/** Recurring housekeeping, run by whichever node picks the job up. */
export async function startWorkers(ctx: Ctx, jobModules: readonly JobModule[] = []) {
  await ctx.jobs.boss.schedule('sessions.purge', '*/15 * * * *');
  await ctx.jobs.boss.work('sessions.purge', async () => {
    const n = await ctx.sessions.purgeExpired();
    const f = await new SignInThrottle(ctx.database.db).purge();
    const w = await purgeRateLimitWindows(ctx.database.db);
    if (n || f || w) ctx.log.info({ purged: n, signInCounts: f, rateLimitWindows: w }, 'expired sessions and sign-in counts purged');
  });
  // Entries written since the last checkpoint could vanish unnoticed: keep that window short.
  await ctx.jobs.boss.createQueue('audit.checkpoint');
  await ctx.jobs.boss.schedule('audit.checkpoint', '*/5 * * * *');
  await ctx.jobs.boss.work('audit.checkpoint', async () => {
    await takeCheckpoint(ctx);
  });
  for (const m of jobModules) await m.registerWorkers(ctx);
}

export const createLogger = (config: Config) => pino({ level: config.logLevel, base: undefined });

/**
 * Closes what createContext opened, in order: the job system (no new jobs fetched; running ones
 * get until `deadline`, at least a second), the worker threads, then the database (the pool,
 * then PGlite, whose clean close spares the next start a recovery). Each stage is logged.
 */
export async function closeContext(ctx: Ctx, opts: { deadline?: number } = {}) {
  const deadline = opts.deadline ?? Date.now() + 5000;
  // A stage that fails is logged and the next still runs: the database is closed whatever happened before.
  let failure: unknown;
  const stage = async (done: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    try {
      await fn();
      ctx.log.info({ ms: Math.round(performance.now() - t0) }, done);
    } catch (e) {
      ctx.log.error({ err: e }, `${done.split(':')[0]}: closing failed`);
      failure ??= e;
    }
  };
  await stage('jobs: stopped', () => ctx.jobs.stop(deadline - Date.now()));
  await stage('worker threads: stopped', () => ctx.workers.close());
  await stage('change notices: stopped', () => stopListening(ctx.database));
  if (ctx.replica) await stage('database replica: closed', () => ctx.replica!.close());
  await stage('database: closed', () => ctx.database.close());
  if (failure) throw failure;
}
