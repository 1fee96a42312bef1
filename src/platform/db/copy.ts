import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import * as copyStreams from 'pg-copy-streams';
import type pg from 'pg';
import type { Database } from './index.ts';

export type CopyValue = string | number | boolean | Date | null;

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One row in COPY's text format: tab-separated, NULL as \N, backslash escapes. Chosen over
 * CSV because JSON columns then need no quoting at all (a bulk load spent most of its
 * client time doubling their quotes).
 */
export function copyRow(values: readonly CopyValue[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let s: string;
    if (v === null) s = '\\N';
    else if (typeof v === 'string') s = SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : v;
    else if (v instanceof Date) s = v.toISOString();
    else s = String(v);
    out += i ? `\t${s}` : s;
  }
  return `${out}\n`;
}

/**
 * Bulk-loads rows with COPY … FROM STDIN (text format) on a server, or COPY … FROM '/dev/blob' on the
 * embedded database, whose node-postgres adapter has no COPY protocol. `chunks` are COPY text,
 * each a whole number of rows (see `copyRow`); they are streamed, so a generator can produce
 * the next chunk while the database takes the previous one.
 */
export async function copyRows(database: Database, table: string, columns: readonly string[], chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(table) || columns.some((c) => !/^[a-z_][a-z0-9_]*$/.test(c)))
    throw new Error(`copyRows: bad identifier in ${table}(${columns.join(',')})`);
  const target = `${table} (${columns.join(', ')})`;
  if (database.pglite) {
    for await (const chunk of chunks) {
      if (chunk) await database.pglite.query(`copy ${target} from '/dev/blob' `, [], { blob: new Blob([chunk]) });
    }
    return;
  }
  const client = await database.pool.connect();
  try {
    await pipeline(Readable.from(chunks, { objectMode: false }), client.query(copyStreams.from(`copy ${target} from stdin`)));
  } finally {
    client.release();
  }
}

/**
 * Runs a bulk load with the tables' secondary indexes and foreign keys dropped, then restores
 * them: one sorted index build, and one join validating a foreign key, are many times cheaper
 * than a million random index insertions and a million per-row checks. Primary keys and
 * unique constraints stay, so the load is still checked for duplicates. The definitions go to
 * `deferred_indexes` first; `migrate` restores any a load that died half-way left there.
 */
export async function withConstraintsDeferred<T>(
  database: Database,
  tables: readonly string[],
  load: () => Promise<T>,
  onPhase?: (phase: string) => void,
): Promise<T> {
  const q = <R extends object>(text: string, values?: unknown[]) => database.pool.query<R & pg.QueryResultRow>(text, values).then((r) => r.rows);
  const indexes = await q<{ name: string; tbl: string; def: string }>(
    `select i.indexname as name, i.tablename as tbl, i.indexdef as def from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = any($1)
        and not exists (select 1 from pg_constraint c where c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`,
    [tables],
  );
  const foreignKeys = await q<{ name: string; tbl: string; def: string }>(
    `select c.conname as name, t.relname as tbl, pg_get_constraintdef(c.oid) as def from pg_constraint c join pg_class t on t.oid = c.conrelid
      where c.contype = 'f' and t.relname = any($1) and t.relnamespace = current_schema()::regnamespace`,
    [tables],
  );
  const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const deferred = [
    ...indexes.map((ix) => ({ key: ix.name, tbl: ix.tbl, restore: ix.def, drop: `drop index if exists ${ident(ix.name)}` })),
    ...foreignKeys.map((fk) => ({
      key: `${fk.tbl}.${fk.name}`,
      tbl: fk.tbl,
      restore: `alter table ${ident(fk.tbl)} add constraint ${ident(fk.name)} ${fk.def}`,
      drop: `alter table ${ident(fk.tbl)} drop constraint if exists ${ident(fk.name)}`,
    })),
  ];
  for (const d of deferred) {
    await q('insert into deferred_indexes (index_name, table_name, definition) values ($1, $2, $3) on conflict (index_name) do nothing', [
      d.key,
      d.tbl,
      d.restore,
    ]);
    await q(d.drop);
  }
  try {
    return await load();
  } finally {
    onPhase?.(`restoring ${indexes.length} indexes and ${foreignKeys.length} foreign keys`);
    // Two builders side by side (a server has a core for each); indexes first, then the keys,
    // whose checks read those indexes. Each statement is its own transaction, holding one table's lock.
    const queue = [...deferred.filter((d) => !d.restore.startsWith('alter')), ...deferred.filter((d) => d.restore.startsWith('alter'))];
    const worker = async () => {
      const client = await database.pool.connect();
      try {
        // More sort memory for this session's index builds; the embedded database ignores what it cannot use.
        await client.query("set maintenance_work_mem = '256MB'");
        for (let d = queue.shift(); d; d = queue.shift()) {
          await client.query(d.restore);
          await client.query('delete from deferred_indexes where index_name = $1', [d.key]);
        }
      } finally {
        client.release();
      }
    };
    await Promise.all([worker(), worker()]);
    for (const t of tables) await database.pool.query(`analyze ${ident(t)}`);
  }
}
