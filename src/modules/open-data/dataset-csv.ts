import type { Dataset } from './schemas.ts';

/** UTF-8's byte order mark: without it Excel reads a CSV in the machine's code page and garbles Vietnamese. */
const BOM = '\uFEFF';

/**
 * A text cell: quoted when it holds a comma, a quote or a line break (RFC 4180), and kept as
 * text when a spreadsheet would read it as a formula (=, +, -, @, tab, carriage return first).
 */
function textCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return textCell(String(v));
}

/**
 * A dataset as CSV (RFC 4180: comma separated, CRLF line ends, a header row): the columns of its
 * documented schema, in order, under their names; a hidden count is an empty cell.
 */
export function datasetCsv(ds: Dataset): Buffer {
  const names = ds.metadata.columns.map((c) => c.name);
  const lines = [names.join(',')];
  for (const row of ds.rows as readonly Record<string, unknown>[]) lines.push(names.map((n) => cell(row[n])).join(','));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
