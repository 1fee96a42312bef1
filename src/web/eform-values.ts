/**
 * Turns the fields of a rendered e-form (`f.name`, `f.goods.0.description`) back into the
 * JSON object the schema describes: numbers become numbers, empty optional fields and
 * entirely empty table rows are dropped, so the server validates what the person meant.
 */
type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema };

export function formValues(schema: Schema | null, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!schema?.properties) return out;
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (prop.type === 'array' && prop.items?.type === 'object') {
      const rows: Record<string, unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        const row = coerceObject(prop.items, (k) => body[`f.${key}.${i}.${k}`]);
        const present = Object.keys(prop.items.properties ?? {}).some((k) => `f.${key}.${i}.${k}` in body);
        if (!present) break;
        if (Object.keys(row).length) rows.push(row);
      }
      if (rows.length) out[key] = rows;
    } else {
      const v = coerce(prop, body[`f.${key}`]);
      if (v !== undefined) out[key] = v;
    }
  }
  return out;
}

function coerceObject(schema: Schema, get: (k: string) => unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(schema.properties ?? {})) {
    const v = coerce(p, get(k));
    if (v !== undefined) o[k] = v;
  }
  return o;
}

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
  return text.normalize('NFC');
}
