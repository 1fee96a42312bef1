import { PgBoss } from 'pg-boss';
import type pg from 'pg';
import { sql } from 'kysely';
import type { Queryable, Tx } from '../db/index.ts';

/**
 * pg-boss over our own node-postgres pool, for both databases. On PGlite the pool is a
 * single connection, so routing pg-boss through it keeps its statements out of an
 * application transaction that happens to be open.
 */
export function poolAdapter(pool: pg.Pool) {
  return {
    async executeSql(text: string, values?: unknown[]) {
      const res = (await pool.query(text, values as unknown[])) as pg.QueryResult | pg.QueryResult[];
      // pg-boss's maintenance sends several statements at once and needs every statement's rows.
      return { rows: Array.isArray(res) ? res.flatMap((r) => r.rows) : res.rows };
    },
  };
}

/** An adapter that runs pg-boss's insert inside the caller's transaction. */
function txAdapter(tx: Tx) {
  return {
    async executeSql(text: string, values?: unknown[]) {
      const res = await sql.raw<unknown>(text).compile(tx);
      const out = await tx.executeQuery({ ...res, parameters: (values ?? []) as unknown[] });
      return { rows: out.rows as unknown[] };
    },
  };
}

export interface Jobs {
  boss: PgBoss;
  /** Enqueues a job; pass the transaction of the state change that causes it. */
  send(queue: string, data: object, tx?: Tx): Promise<string | null>;
  /** Stops fetching jobs and waits up to `timeoutMs` (at least 1 s) for running ones; the rest are failed, to be retried. */
  stop(timeoutMs?: number): Promise<void>;
}

export const QUEUES = ['sessions.purge'] as const;

export async function startJobs(pool: pg.Pool, opts: { worker: boolean }): Promise<Jobs> {
  const boss = new PgBoss({
    db: poolAdapter(pool),
    schema: 'pgboss',
    supervise: opts.worker,
    schedule: opts.worker,
  });
  boss.on('error', (err: Error) => console.error('jobs:', err.message));
  await boss.start();
  for (const q of QUEUES) await boss.createQueue(q);
  return {
    boss,
    send: (queue, data, tx) => boss.send(queue, data, tx ? { db: txAdapter(tx) } : {}),
    stop: (timeoutMs = 5000) => boss.stop({ graceful: true, timeout: Math.max(1000, timeoutMs) }),
  };
}

export type { Queryable };
