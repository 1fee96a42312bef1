import path from 'node:path';
import pino from 'pino';
import type { Config } from './config.ts';
import type { Ctx } from './context.ts';
import { openDatabase } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { startJobs } from './jobs/index.ts';
import { TokenService } from './auth/tokens.ts';
import { SessionStore } from './auth/sessions.ts';

/** Opens the database, applies migrations, starts the job system: everything a command needs. */
export async function createContext(config: Config, opts: { worker?: boolean; dataDirOverride?: string } = {}): Promise<Ctx> {
  const log = pino({ level: config.logLevel, base: undefined });
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: opts.dataDirOverride ?? path.join(config.dataDir, 'pgdata'),
    poolSize: config.databasePoolSize,
  });
  const applied = await migrate(database.pool);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const jobs = await startJobs(database.pool, { worker: opts.worker ?? true });
  return {
    config,
    database,
    jobs,
    tokens: new TokenService(config.secrets.token, config.publicUrl),
    sessions: new SessionStore(database.db),
    log,
  };
}

export async function closeContext(ctx: Ctx) {
  await ctx.jobs.stop();
  await ctx.database.close();
}
