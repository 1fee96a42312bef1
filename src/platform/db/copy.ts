import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './index.ts';

export type CopyValue = string | number | boolean | Date | null;

/** One CSV field: NULL is an unquoted empty field, everything else is quoted when it must be. */
function field(v: CopyValue): string {
  if (v === null) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return s === '' || /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvRow = (values: readonly CopyValue[]) => `${values.map(field).join(',')}\n`;

/**
 * Bulk-loads rows with COPY … FROM STDIN (CSV) on a server, or COPY … FROM '/dev/blob' on the
 * embedded database, whose node-postgres adapter has no COPY protocol. `chunks` are CSV text,
 * each a whole number of rows (see `csvRow`); they are streamed, so a generator can produce
 * the next chunk while the database takes the previous one.
 */
export async function copyRows(database: Database, table: string, columns: readonly string[], chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(table) || columns.some((c) => !/^[a-z_][a-z0-9_]*$/.test(c))) throw new Error(`copyRows: bad identifier in ${table}(${columns.join(',')})`);
  const target = `${table} (${columns.join(', ')})`;
  if (database.pglite) {
    for await (const chunk of chunks) {
      if (chunk) await database.pglite.query(`copy ${target} from '/dev/blob' with (format csv)`, [], { blob: new Blob([chunk]) });
    }
    return;
  }
  const client = await database.pool.connect();
  try {
    await pipeline(Readable.from(chunks, { objectMode: false }), client.query(copyFrom(`copy ${target} from stdin with (format csv)`)));
  } finally {
    client.release();
  }
}
