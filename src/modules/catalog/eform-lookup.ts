import type { SchemaProblem } from './check-eform-schema.ts';

/**
 * E-form fields filled from a register (issue 16 item 4). A top-level string field of an e-form
 * marked
 *   "x-congso-lookup": { "service": "business-registry", "fill": { "name": "tenDoanhNghiep", … } }
 * is a tax code: the form offers "Tra cứu" beside it, and the business the registry names fills
 * the fields the mapping names (each a top-level field of the same form). The marker is data,
 * not a JSON Schema keyword, so validation is unchanged; it is checked at import like the rest.
 */
export const LOOKUP_KEYWORD = 'x-congso-lookup';

/** What the business registry fills: the answer's field → the form's field. */
export const BUSINESS_FILL_FIELDS = ['name', 'address', 'representative', 'registrationDate'] as const;
export type BusinessFillField = (typeof BUSINESS_FILL_FIELDS)[number];

export interface LookupField {
  /** The tax code's field. */
  key: string;
  service: 'business-registry';
  fill: Partial<Record<BusinessFillField, string>>;
}

type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The e-form's lookup fields, in schema order (markers that do not check out are left out: import refuses them). */
export function lookupFieldsOf(schema: unknown): LookupField[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const out: LookupField[] = [];
  for (const [key, s] of Object.entries(schema.properties)) {
    if (!isObject(s) || !(LOOKUP_KEYWORD in s)) continue;
    if (markerProblems(schema, key, s[LOOKUP_KEYWORD]).length) continue;
    const m = s[LOOKUP_KEYWORD] as { fill: Record<string, string> };
    out.push({ key, service: 'business-registry', fill: { ...m.fill } });
  }
  return out;
}

function markerProblems(root: Node, key: string, marker: unknown): SchemaProblem[] {
  const at = ['properties', key, LOOKUP_KEYWORD];
  const props = root.properties as Node;
  const own = props[key] as Node;
  const bad = (path: (string | number)[], vi: string, en: string): SchemaProblem => ({ path, text: { vi, en } });
  if (!isObject(marker) || marker.service !== 'business-registry')
    return [
      bad(
        at,
        `${LOOKUP_KEYWORD} phải là { "service": "business-registry", "fill": {…} }`,
        `${LOOKUP_KEYWORD} must be { "service": "business-registry", "fill": {…} }`,
      ),
    ];
  if (own.type !== 'string') return [bad(at, 'Chỉ trường kiểu chuỗi (mã số thuế) mới tra cứu được', 'Only a string field (a tax code) can be looked up')];
  if (!isObject(marker.fill) || !Object.keys(marker.fill).length)
    return [
      bad(
        [...at, 'fill'],
        `"fill" phải nêu trường nào được điền (${BUSINESS_FILL_FIELDS.join(', ')})`,
        `"fill" must name the fields to fill (${BUSINESS_FILL_FIELDS.join(', ')})`,
      ),
    ];
  const problems: SchemaProblem[] = [];
  for (const [from, to] of Object.entries(marker.fill)) {
    const path = [...at, 'fill', from];
    if (!(BUSINESS_FILL_FIELDS as readonly string[]).includes(from))
      problems.push(
        bad(
          path,
          `Không điền được "${from}"; được dùng: ${BUSINESS_FILL_FIELDS.join(', ')}`,
          `"${from}" cannot be filled; use ${BUSINESS_FILL_FIELDS.join(', ')}`,
        ),
      );
    else if (typeof to !== 'string' || to === key || !isObject(props[to]) || (props[to] as Node).type !== 'string')
      problems.push(bad(path, `"${String(to)}" phải là một trường kiểu chuỗi khác của biểu mẫu`, `"${String(to)}" must be another string field of the form`));
  }
  return problems;
}

/** Every misplaced or malformed marker of the schema, with its path. */
export function checkLookupMarkers(schema: Node): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const top = isObject(schema.properties) ? schema.properties : {};
  // A work list, not recursion (schemas are bounded in depth already, but the rule is the same everywhere).
  const todo: { v: unknown; path: (string | number)[] }[] = [{ v: schema, path: [] }];
  while (todo.length) {
    const { v, path } = todo.pop()!;
    if (Array.isArray(v)) {
      v.forEach((x, i) => todo.push({ v: x, path: [...path, i] }));
      continue;
    }
    if (!isObject(v)) continue;
    for (const [k, x] of Object.entries(v)) {
      if (k !== LOOKUP_KEYWORD) {
        todo.push({ v: x, path: [...path, k] });
        continue;
      }
      const key = path.length === 2 && path[0] === 'properties' ? String(path[1]) : null;
      if (key === null || top[key] !== v)
        problems.push({
          path: [...path, k],
          text: { vi: `${LOOKUP_KEYWORD} chỉ đặt ở một trường cấp đầu của biểu mẫu`, en: `${LOOKUP_KEYWORD} goes on a top-level field of the form only` },
        });
      else problems.push(...markerProblems(schema, key, x));
    }
  }
  return problems;
}
