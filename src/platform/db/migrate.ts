import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));
// Any constant works; it only has to be the same for every node running migrations.
const LOCK_KEY = 7_361_001;

/**
 * Applies the SQL files in migrations/ in name order, each in its own transaction, once.
 * An advisory lock keeps two nodes starting together from racing.
 */
export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
    const done = new Set((await client.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name));
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      if (done.has(file)) continue;
      const sql = readFileSync(new URL(file, `file://${dir}`), 'utf8');
      try {
        await client.query('begin');
        await client.query(sql);
        await client.query('insert into schema_migrations (name) values ($1)', [file]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
    // A bulk load that died between dropping and rebuilding its indexes left their definitions.
    for (const ix of (
      await client.query<{ index_name: string; definition: string }>('select index_name, definition from deferred_indexes order by deferred_at')
    ).rows) {
      await client.query(ix.definition).catch((e: Error) => {
        // Already back (a load that died after restoring it): nothing to do.
        if (!/already exists/.test(e.message)) throw e;
      });
      await client.query('delete from deferred_indexes where index_name = $1', [ix.index_name]);
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
  return applied;
}
