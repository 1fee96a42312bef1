import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';

export type DatabaseKind = 'embedded' | 'postgresql';
export type Tx = Transaction<DB>;
export type Queryable = Kysely<DB>;

export interface Database {
  kind: DatabaseKind;
  pool: pg.Pool;
  db: Kysely<DB>;
  close(): Promise<void>;
  /** Set on a view bound to a transaction (see inTransaction): the database it came from, for caches. */
  root?: Database;
  /** The embedded engine itself, for what its node-postgres adapter cannot carry (COPY). */
  pglite?: PGlite;
}

// bigint (int8) and numeric come back as strings by default; counts and ids here fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// A calendar date is a day, not an instant: keep 'YYYY-MM-DD' rather than a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface OpenOptions {
  /** postgresql:// URL; absent means the embedded PGlite database. */
  url?: string;
  /** Folder for the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  poolSize?: number;
}

/**
 * One code path for both databases: node-postgres talks to a PostgreSQL server, or to
 * PGlite through its `createPgConfig()` adapter, which is a single connection.
 */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  let pool: pg.Pool;
  let pglite: PGlite | undefined;
  if (opts.url) {
    // A burst queues for a connection rather than failing: filings to one unit serialise on its
    // counter row, so 500 at once may wait several seconds on a loaded 2-core machine.
    pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 15_000 });
  } else {
    const dir = opts.dataDir ?? 'memory://';
    if (!dir.startsWith('memory://')) mkdirSync(path.dirname(dir), { recursive: true });
    pglite = await PGlite.create(dir, { extensions: { pg_trgm } });
    pool = new pg.Pool(createPgConfig(pglite));
  }
  // A broken idle connection must not crash the process; the next query reconnects.
  pool.on('error', (err) => console.error('database pool error:', err.message));
  // Nor may one that is checked out (Kysely holds a client through a transaction, and the pool
  // listens only to idle ones): an unhandled 'error' event on it would end the process when the
  // server goes away. The query in flight fails with that error, and the pool drops the client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: opts.url ? 'postgresql' : 'embedded',
    pool,
    db,
    pglite,
    async close() {
      await db.destroy();
      await pglite?.close();
    },
  };
}

/**
 * The errors that say the database server is gone or going, not that the query was wrong: the
 * HTTP layer answers them 503 (retry later), the replica router retries the read on the primary.
 */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: string }).code ?? '';
  // 'not queryable': the next query on a connection the server dropped.
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08003', '08004'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended/i.test(err.message)
  );
}
