/**
 * Turns the fields of a rendered e-form (`f.name`, `f.goods.0.description`) back into the
 * JSON object the schema describes: numbers become numbers, empty optional fields and
 * entirely empty table rows are dropped, so the server validates what the person meant.
 */
type Schema = { type?: string; format?: string; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema; minItems?: number; maxItems?: number };

/** Rows a table may have on the form at most (the schema's maxItems is usually smaller). */
export const MAX_TABLE_ROWS = 100;

const isTable = (p: Schema) => p.type === 'array' && p.items?.type === 'object';

/** The row indexes posted for a table, in order: `f.key.0.x`, `f.key.1.y`… (contiguous: the page and its script number them so). */
function postedRows(key: string, prop: Schema, body: Record<string, unknown>): number {
  let n = 0;
  while (n < MAX_TABLE_ROWS && Object.keys(prop.items?.properties ?? {}).some((k) => `f.${key}.${n}.${k}` in body)) n++;
  return n;
}

function tableRows(key: string, prop: Schema, body: Record<string, unknown>, keepEmpty: boolean): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const n = postedRows(key, prop, body);
  for (let i = 0; i < n; i++) {
    const row = coerceObject(prop.items!, (k) => body[`f.${key}.${i}.${k}`]);
    if (keepEmpty || Object.keys(row).length) rows.push(row);
  }
  return rows;
}

export function formValues(schema: Schema | null, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!schema?.properties) return out;
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (isTable(prop)) {
      const rows = tableRows(key, prop, body, false);
      if (rows.length) out[key] = rows;
    } else if (prop.type === 'array') {
      const list = listValues(key, prop, body);
      if (list.length) out[key] = list;
    } else {
      const v = coerce(prop, body[`f.${key}`]);
      if (v !== undefined) out[key] = v;
    }
  }
  return out;
}

/** "Thêm dòng" / "Xóa dòng" pressed on a page without JavaScript: the submit button's `intent`. */
export interface RowIntent {
  kind: 'add' | 'remove';
  table: string;
  row: number;
}

export function rowIntentOf(intent: unknown): RowIntent | null {
  if (typeof intent !== 'string') return null;
  const m = /^(add|remove)-row:([^:]{1,200})(?::(\d{1,3}))?$/.exec(intent);
  if (!m) return null;
  return { kind: m[1] as RowIntent['kind'], table: m[2], row: Number(m[3] ?? -1) };
}

/**
 * The form after a row button: `form` is what to keep (as formValues), `display` what to show
 * again, every posted row in place (empty ones too), one row more or one row less. The
 * schema's minItems and maxItems bound the rows the page offers.
 */
export function applyRowIntent(
  schema: Schema | null,
  body: Record<string, unknown>,
  intent: RowIntent,
): { form: Record<string, unknown>; display: Record<string, unknown> } {
  const form = formValues(schema, body);
  const display: Record<string, unknown> = { ...form };
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    if (!isTable(prop)) continue;
    let rows = tableRows(key, prop, body, true);
    if (key === intent.table) {
      const max = Math.min(prop.maxItems ?? MAX_TABLE_ROWS, MAX_TABLE_ROWS);
      if (intent.kind === 'add' && rows.length < max) rows = [...rows, {}];
      if (intent.kind === 'remove' && intent.row >= 0 && intent.row < rows.length && rows.length > (prop.minItems ?? 0))
        rows = rows.filter((_, i) => i !== intent.row);
    }
    display[key] = rows;
  }
  return { form, display };
}

/** A list of plain values: checked boxes `f.key.<i>` (items with choices), else one value a line of `f.key`. */
function listValues(key: string, prop: Schema, body: Record<string, unknown>): unknown[] {
  const item = prop.items ?? {};
  const raw: unknown[] = Array.isArray(item.enum)
    ? item.enum.map((_, i) => body[`f.${key}.${i}`])
    : String((Array.isArray(body[`f.${key}`]) ? (body[`f.${key}`] as unknown[])[0] : body[`f.${key}`]) ?? '').split(/\r?\n/);
  return raw.map((v) => coerce(item, v)).filter((v) => v !== undefined);
}

function coerceObject(schema: Schema, get: (k: string) => unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(schema.properties ?? {})) {
    const v = coerce(p, get(k));
    if (v !== undefined) o[k] = v;
  }
  return o;
}

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

function coerce(p: Schema, raw: unknown): unknown {
  const s = Array.isArray(raw) ? raw[0] : raw;
  if (s === undefined || s === null) return undefined;
  const text = String(s).trim();
  if (text === '') return undefined;
  if (p.type === 'number' || p.type === 'integer') {
    const n = Number(text.replace(/\s/g, '').replace(',', '.'));
    return Number.isFinite(n) ? n : text; // a non-number stays text so the schema names the field
  }
  if (p.type === 'boolean') return text === 'true' || text === 'on';
  // A browser without a date picker sends what was typed: dd/mm/yyyy, as Vietnamese dates are written.
  const dmy = p.format === 'date' ? DMY.exec(text) : null;
  if (dmy) return `${dmy[3]}-${dmy[2].padStart(2, '0')}-${dmy[1].padStart(2, '0')}`;
  return text.normalize('NFC');
}
