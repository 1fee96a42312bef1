import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database, Tx } from './db/index.ts';
import type { Jobs } from './jobs/index.ts';
import type { TokenService } from './auth/tokens.ts';
import type { SessionStore } from './auth/sessions.ts';
import type { BlobStore } from './blobs/store.ts';
import type { WorkerPool } from './workers/pool.ts';
import type { Replica } from './db/replica.ts';

/** What every operation may use. Built once in main.ts (or by a test) and passed down. */
export interface Ctx {
  config: Config;
  database: Database;
  jobs: Jobs;
  tokens: TokenService;
  sessions: SessionStore;
  blobs: BlobStore;
  /** Worker threads for CPU-heavy checks of what anyone may send (started on first use). */
  workers: WorkerPool;
  log: Logger;
  /** DATABASE_REPLICA_URL's read replica, for the reads that may lag: use `onReplica` (db/replica.ts), never directly. */
  replica?: Replica;
}

/**
 * The same context with every query going through an open transaction. Operations called
 * from inside a transaction must read through it: the embedded database is one connection
 * (a second query would wait for ever), and on a server a second connection per request
 * would exhaust the pool under load and read around the transaction's own writes.
 */
export function inTransaction(ctx: Ctx, tx: Tx): Ctx {
  if (ctx.database.db === tx) return ctx;
  return { ...ctx, database: { ...ctx.database, db: tx, root: ctx.database.root ?? ctx.database } };
}
