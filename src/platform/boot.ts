import path from 'node:path';
import pino from 'pino';
import type { Config } from './config.ts';
import type { Ctx } from './context.ts';
import { openDatabase } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { startJobs } from './jobs/index.ts';
import { TokenService } from './auth/tokens.ts';
import { SessionStore } from './auth/sessions.ts';
import { SignInThrottle } from './auth/throttle.ts';
import { createBlobStore } from './blobs/store.ts';
import { WorkerPool } from './workers/pool.ts';

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

export interface ContextOptions { worker?: boolean; dataDirOverride?: string; jobModules?: readonly JobModule[] }

/** Opens the database, applies migrations, starts the job system: everything a command needs. */
export async function createContext(config: Config, opts: ContextOptions = {}): Promise<Ctx> {
  const log = pino({ level: config.logLevel, base: undefined });
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
    if (n || f) ctx.log.info({ purged: n, signInCounts: f }, 'expired sessions and sign-in counts purged');
  });
  for (const m of jobModules) await m.registerWorkers(ctx);
}

export async function closeContext(ctx: Ctx) {
  await ctx.workers.close();
  await ctx.jobs.stop();
  await ctx.database.close();
}
