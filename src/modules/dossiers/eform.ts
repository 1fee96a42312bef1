import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { ErrorDetail } from '../../platform/errors.ts';
import { checkEFormSchema, createEFormAjv } from '../catalog/check-eform-schema.ts';
import { RegexBudgetExceeded, withRegexBudget } from '../catalog/eform-regexp.ts';
import { formatDate, formatDateTime } from '../../platform/i18n/index.ts';

// The same options the import checked the schema with: patterns and formats run on RE2.
const ajv = createEFormAjv();
// Keyed by the schema's text: procedures are read afresh per request, and compiling is ~2 ms.
// A schema that fails the import's checks (stored before them) is remembered as its refusal.
const compiled = new Map<string, { schema: object; validate: ValidateFunction } | ErrorDetail[]>();
const MAX_COMPILED = 1000;
/** Nesting of the submitted form: only a recursive schema descends further, one stack frame per level. */
const MAX_FORM_DEPTH = 64;

function deeperThan(data: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= max) return true;
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return false;
}

function compile(schema: Record<string, unknown>, key: string) {
  let v = compiled.get(key);
  if (v) return v;
  const { problems, validate } = checkEFormSchema(schema, ajv);
  v = validate
    ? { schema, validate }
    : [
        {
          path: 'form',
          message: `Biểu mẫu điện tử của thủ tục này không dùng được; xin liên hệ cơ quan giải quyết (${problems[0]?.text.vi})`,
          messageEn: `This procedure's e-form cannot be used; please contact the agency (${problems[0]?.text.en})`,
        },
      ];
  if (compiled.size >= MAX_COMPILED) {
    const [oldKey, old] = compiled.entries().next().value!;
    compiled.delete(oldKey);
    if (!Array.isArray(old)) ajv.removeSchema(old.schema);
  }
  compiled.set(key, v);
  return v;
}

// ── The schema as people read it: labels, choices, order ────────────────────────────────────

/** The subset of JSON Schema, with congso's UI hints, that e-forms use (see demo/procedures). */
export interface EFormNode {
  type?: string | string[];
  title?: string;
  /** English label; the Vietnamese `title` is used where it is missing. */
  'x-title-en'?: string;
  /** Help text; for a pattern also what the value looks like, quoted by its error message. */
  description?: string;
  'x-description-en'?: string;
  /** Sample values; the first is quoted by a pattern's error message. */
  examples?: unknown[];
  enum?: unknown[];
  'x-enum-titles'?: string[];
  'x-enum-titles-en'?: string[];
  oneOf?: EFormNode[];
  anyOf?: EFormNode[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  'x-ui'?: { widget?: string; order?: number; placeholder?: string };
  items?: EFormNode;
  properties?: Record<string, EFormNode>;
  required?: string[];
  $ref?: string;
}
export type Lang = 'vi' | 'en';

const isNode = (v: unknown): v is EFormNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows a local `$ref` (a few hops at most: the import refused anything else). */
export function deref(root: EFormNode, node: EFormNode | undefined): EFormNode | undefined {
  let n = node;
  for (let hops = 0; n?.$ref && hops < 8; hops++) {
    if (!n.$ref.startsWith('#')) return n;
    let v: unknown = root;
    for (const seg of n.$ref.slice(1).split('/').filter(Boolean)) {
      const k = decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~');
      v = isNode(v) ? (v as Record<string, unknown>)[k] : undefined;
    }
    if (!isNode(v)) return n;
    n = { ...v, ...Object.fromEntries(Object.entries(n).filter(([k]) => k !== '$ref')) };
  }
  return n;
}

/** A field's label in the page's language: `title` / `x-title-en`, the key only when the schema gives no title. */
export const labelOf = (node: EFormNode | undefined, key: string, lang: Lang): string =>
  (lang === 'en' && typeof node?.['x-title-en'] === 'string' && node['x-title-en']) || (typeof node?.title === 'string' && node.title) || key;

/** Help text in the page's language (Vietnamese where no English is given). */
export const descriptionOf = (node: EFormNode | undefined, lang: Lang): string | undefined =>
  (lang === 'en' && typeof node?.['x-description-en'] === 'string' && node['x-description-en']) ||
  (typeof node?.description === 'string' ? node.description : undefined);

export interface Choice {
  value: unknown;
  label: string;
}

/** The values a field may take, with the names the schema gives them: `enum` + `x-enum-titles`, or `oneOf` of `const`s with titles. */
export function choicesOf(node: EFormNode | undefined, lang: Lang): Choice[] | null {
  if (!node) return null;
  if (Array.isArray(node.enum)) {
    const vi = node['x-enum-titles'];
    const en = node['x-enum-titles-en'];
    return node.enum.map((value, i) => ({ value, label: (lang === 'en' && en?.[i]) || vi?.[i] || String(value) }));
  }
  const alts = node.oneOf ?? node.anyOf;
  if (Array.isArray(alts) && alts.length && alts.every((a) => isNode(a) && 'const' in a)) {
    return alts.map((a) => ({ value: a.const, label: labelOf(a, String(a.const), lang) }));
  }
  return null;
}

/** The name of a code (`TH` → Thái Lan), or the value itself when the schema names none. */
export function choiceLabel(node: EFormNode | undefined, value: unknown, lang: Lang): string | undefined {
  return choicesOf(node, lang)?.find((c) => c.value === value)?.label;
}

/** Properties in the form's order: `x-ui.order`, then as the schema lists them. */
export function orderedProperties(root: EFormNode, node: EFormNode | undefined): [string, EFormNode][] {
  const props = Object.entries(node?.properties ?? {}).map(([k, s]) => [k, deref(root, s) ?? s] as [string, EFormNode]);
  return props
    .map((p, i) => [p, i] as const)
    .sort(([[, a], i], [[, b], j]) => (a['x-ui']?.order ?? 99) - (b['x-ui']?.order ?? 99) || i - j)
    .map(([p]) => p);
}

const typesOf = (n: EFormNode | undefined) => (Array.isArray(n?.type) ? n.type : n?.type ? [n.type] : []);
/** A table: an array whose rows are objects with named columns. */
export const isTable = (root: EFormNode, n: EFormNode | undefined): boolean => typesOf(n).includes('array') && Boolean(deref(root, n?.items)?.properties);
/** A list of plain values (an array of strings or numbers): checkboxes when it has choices, else one value a line. */
export const isList = (root: EFormNode, n: EFormNode | undefined): boolean => typesOf(n).includes('array') && !isTable(root, n);

// ── Error messages that name the field as the form shows it ────────────────────────────────

/** Where an error is, as a person finds it on the form. */
interface Place {
  vi: string;
  en: string;
  node?: EFormNode;
}

/**
 * The field at a JSON pointer (`/hangHoa/1/maHS`), named by labels: «Mã số thuế», or
 * "Dòng 2, cột «Mã HS» của bảng «Danh mục hàng hóa»" for a cell of a table.
 */
function placeOf(root: EFormNode, segments: string[]): Place {
  let node: EFormNode | undefined = root;
  const vi: string[] = [];
  const en: string[] = [];
  let tableVi = '';
  let tableEn = '';
  let row: number | null = null;
  for (const seg of segments) {
    node = deref(root, node);
    if (/^\d+$/.test(seg) && node?.items && !tableVi && vi.length) {
      // An item of a list of plain values (not a table): "«Địa bàn» — giá trị thứ 2".
      vi[vi.length - 1] += ` — giá trị thứ ${Number(seg) + 1}`;
      en[en.length - 1] += ` — item ${Number(seg) + 1}`;
      node = deref(root, node.items);
      continue;
    }
    if (/^\d+$/.test(seg) && node?.items) {
      row = Number(seg) + 1;
      node = deref(root, node.items);
      continue;
    }
    const next: EFormNode | undefined = deref(root, node?.properties?.[seg]);
    const vLabel = labelOf(next, seg, 'vi');
    const eLabel = labelOf(next, seg, 'en');
    if (row !== null) {
      vi.push(`Dòng ${row}, cột «${vLabel}»${tableVi ? ` của bảng «${tableVi}»` : ''}`);
      en.push(`Row ${row}, column “${eLabel}”${tableEn ? ` of the table “${tableEn}”` : ''}`);
      row = null;
      tableVi = tableEn = '';
    } else if (isTable(root, next)) {
      tableVi = vLabel;
      tableEn = eLabel;
    } else {
      vi.push(`«${vLabel}»`);
      en.push(`“${eLabel}”`);
    }
    node = next;
  }
  // The pointer ended on a table (or one of its rows) rather than a cell.
  if (tableVi) {
    vi.push(row !== null ? `Dòng ${row} của bảng «${tableVi}»` : `Bảng «${tableVi}»`);
    en.push(row !== null ? `Row ${row} of the table “${tableEn}”` : `The table “${tableEn}”`);
  } else if (row !== null) {
    vi.push(`Dòng ${row}`);
    en.push(`Row ${row}`);
  }
  if (!vi.length) return { vi: 'Tờ khai điện tử', en: 'The e-form', node: deref(root, node) };
  return { vi: vi.join(' — '), en: en.join(' — '), node: deref(root, node) };
}

/** Formats by what a person types, never by their RFC name. */
const FORMAT_NAMES: Record<string, [string, string]> = {
  date: ['ngày hợp lệ, dạng ngày/tháng/năm (dd/mm/yyyy)', 'a valid date, as day/month/year (dd/mm/yyyy)'],
  'date-time': ['ngày giờ hợp lệ (dd/mm/yyyy hh:mm)', 'a valid date and time (dd/mm/yyyy hh:mm)'],
  time: ['giờ hợp lệ (hh:mm)', 'a valid time (hh:mm)'],
  email: ['địa chỉ thư điện tử (e-mail) hợp lệ, ví dụ ten@congty.vn', 'a valid e-mail address, such as name@company.vn'],
  uri: ['địa chỉ trang web hợp lệ, ví dụ https://congty.vn', 'a valid web address, such as https://company.vn'],
  hostname: ['tên miền hợp lệ, ví dụ congty.vn', 'a valid domain name, such as company.vn'],
  ipv4: ['địa chỉ IPv4 hợp lệ, ví dụ 192.168.1.1', 'a valid IPv4 address, such as 192.168.1.1'],
  ipv6: ['địa chỉ IPv6 hợp lệ', 'a valid IPv6 address'],
  uuid: ['mã định danh (UUID) hợp lệ', 'a valid identifier (UUID)'],
};

const TYPE_NAMES: Record<string, [string, string]> = {
  integer: ['số nguyên', 'a whole number'],
  number: ['số', 'a number'],
  string: ['văn bản', 'text'],
  boolean: ['Có hoặc Không', 'Yes or No'],
  array: ['danh sách', 'a list'],
  object: ['nhóm thông tin', 'a group of answers'],
  null: ['để trống', 'empty'],
};

const num = (n: unknown, lang: Lang) =>
  typeof n === 'number'
    ? new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', { useGrouping: 'min2', maximumFractionDigits: 20 } as Intl.NumberFormatOptions).format(n)
    : String(n);
const short = (s: string, max = 200) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function choiceList(node: EFormNode | undefined, lang: Lang): string {
  const cs = choicesOf(node, lang) ?? [];
  const names = cs.slice(0, 12).map((c) => c.label);
  return names.join(', ') + (cs.length > 12 ? ', …' : '');
}

/** What the schema says a pattern's value looks like (its description, its first example): never the pattern. */
function patternHint(node: EFormNode | undefined, lang: Lang): string {
  const d = descriptionOf(node, lang);
  const ex = Array.isArray(node?.examples) && ['string', 'number'].includes(typeof node.examples[0]) ? String(node.examples[0]) : '';
  const parts = [d ? short(d) : '', ex ? (lang === 'en' ? `for example ${ex}` : `ví dụ ${ex}`) : ''].filter(Boolean);
  return parts.length ? `: ${parts.join(lang === 'en' ? ', ' : ', ')}` : '';
}

/** "… chưa được nhập" / "… is required": what is wrong with the value, after the field's name. */
function problem(e: ErrorObject, node: EFormNode | undefined, lang: Lang): string {
  const vi = lang === 'vi';
  const p = e.params as Record<string, unknown>;
  const chosen = Boolean(choicesOf(node, lang)) || node?.['x-ui']?.widget === 'select';
  switch (e.keyword) {
    case 'required':
      if (typesOf(node).includes('array')) return vi ? 'cần ít nhất một dòng' : 'needs at least one row';
      return chosen ? (vi ? 'chưa được chọn' : 'must be chosen') : vi ? 'chưa được nhập' : 'is required';
    case 'minLength':
      return p.limit === 1
        ? vi
          ? 'chưa được nhập'
          : 'is required'
        : vi
          ? `phải có ít nhất ${num(p.limit, lang)} ký tự`
          : `must be at least ${num(p.limit, lang)} characters long`;
    case 'maxLength':
      return vi ? `không được dài quá ${num(p.limit, lang)} ký tự` : `must be at most ${num(p.limit, lang)} characters long`;
    case 'pattern':
      return (vi ? 'không đúng định dạng' : 'is not in the right format') + patternHint(node, lang);
    case 'format': {
      const f = FORMAT_NAMES[String(p.format)];
      return f ? (vi ? `phải là ${f[0]}` : `must be ${f[1]}`) : vi ? 'không đúng định dạng' : 'is not in the right format';
    }
    case 'enum':
    case 'const':
    case 'oneOf':
    case 'anyOf': {
      const list = choiceList(node, lang);
      if (list) return vi ? `phải là một trong các lựa chọn: ${list}` : `must be one of: ${list}`;
      return vi ? 'không hợp lệ' : 'is not valid';
    }
    case 'type': {
      const want = String(p.type)
        .split(',')
        .map((x) => TYPE_NAMES[x]?.[vi ? 0 : 1] ?? x);
      return vi ? `phải là ${want.join(' hoặc ')}` : `must be ${want.join(' or ')}`;
    }
    case 'minimum':
      return vi ? `phải từ ${num(p.limit, lang)} trở lên` : `must be ${num(p.limit, lang)} or more`;
    case 'maximum':
      return vi ? `không được lớn hơn ${num(p.limit, lang)}` : `must be ${num(p.limit, lang)} or less`;
    case 'exclusiveMinimum':
      return vi ? `phải lớn hơn ${num(p.limit, lang)}` : `must be more than ${num(p.limit, lang)}`;
    case 'exclusiveMaximum':
      return vi ? `phải nhỏ hơn ${num(p.limit, lang)}` : `must be less than ${num(p.limit, lang)}`;
    case 'multipleOf':
      return vi ? `phải là bội số của ${num(p.multipleOf, lang)}` : `must be a multiple of ${num(p.multipleOf, lang)}`;
    case 'minItems':
      return vi ? `phải có ít nhất ${num(p.limit, lang)} dòng` : `needs at least ${num(p.limit, lang)} ${p.limit === 1 ? 'row' : 'rows'}`;
    case 'maxItems':
      return vi ? `không được quá ${num(p.limit, lang)} dòng` : `may have at most ${num(p.limit, lang)} rows`;
    case 'uniqueItems':
      return vi ? `có dòng ${Number(p.j) + 1} và dòng ${Number(p.i) + 1} trùng nhau` : `has rows ${Number(p.j) + 1} and ${Number(p.i) + 1} the same`;
    case 'minProperties':
    case 'maxProperties':
      return vi ? 'không đủ hoặc thừa thông tin' : 'has too few or too many answers';
    default:
      return vi ? 'không hợp lệ' : 'is not valid';
  }
}

// Keywords whose failure is already told by another error at the same place.
const TOLD_ELSEWHERE = new Set(['if', 'then', 'else', '$ref', 'allOf', 'not', 'contains', 'dependentRequired', 'propertyNames', 'unevaluatedProperties']);

const pathOf = (segments: string[]) => segments.reduce((p, s) => (/^\d+$/.test(s) ? `${p}[${s}]` : `${p}.${s}`), 'form');
const pointer = (instancePath: string) =>
  instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/**
 * Ajv's errors as people read them: each names its field by the label the form shows (the
 * cell of a table by row and column), says what is wrong in plain words, in Vietnamese and
 * English, and keeps the JSON path of the field. A pattern is never quoted.
 */
export function describeErrors(schema: EFormNode, errors: ErrorObject[]): ErrorDetail[] {
  // An alternative of a oneOf/anyOf fails branch by branch; the oneOf's own error says it once.
  const branched = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (TOLD_ELSEWHERE.has(e.keyword)) continue;
    if (branched.has(e.instancePath) && /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath)) continue;
    const segs = pointer(e.instancePath);
    let place: Place;
    if (e.keyword === 'required') {
      segs.push(String(e.params.missingProperty));
      place = placeOf(schema, segs);
    } else if (e.keyword === 'additionalProperties') {
      const extra = String(e.params.additionalProperty);
      const parent = placeOf(schema, segs);
      segs.push(extra);
      const path = pathOf(segs);
      const inside = parent.vi === 'Tờ khai điện tử' ? '' : ` (${parent.vi})`;
      const insideEn = parent.en === 'The e-form' ? '' : ` (${parent.en})`;
      out.push({
        path,
        message: `Tờ khai có mục «${short(extra, 80)}» không thuộc biểu mẫu${inside}; hãy bỏ mục này`,
        messageEn: `The form has an answer “${short(extra, 80)}” that is not on the e-form${insideEn}; remove it`,
      });
      continue;
    } else {
      place = placeOf(schema, segs);
    }
    const vi = `${place.vi} ${problem(e, place.node, 'vi')}`;
    const en = `${place.en} ${problem(e, place.node, 'en')}`;
    const path = pathOf(segs);
    const key = `${path}\u0000${vi}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message: vi, messageEn: en });
  }
  return out;
}

// ── The e-form as an official reads it: labelled values in the form's order ──────────────

export type EFormEntry =
  | { kind: 'value'; key: string; label: string; value: string }
  | { kind: 'table'; key: string; label: string; columns: { key: string; label: string }[]; rows: string[][] }
  | { kind: 'group'; key: string; label: string; entries: EFormEntry[] };

const DAY_VALUE = /^\d{4}-\d{2}-\d{2}$/;

/** One value as the form would show it: a code by its name, a boolean as Có/Không, a date as dd/mm/yyyy. */
export function displayValue(root: EFormNode, node: EFormNode | undefined, v: unknown, lang: Lang): string {
  const n = deref(root, node);
  if (v === undefined || v === null || v === '') return '—';
  const named = choiceLabel(n, v, lang);
  if (named !== undefined) return named;
  if (typeof v === 'boolean') return v ? (lang === 'en' ? 'Yes' : 'Có') : lang === 'en' ? 'No' : 'Không';
  if (typeof v === 'number') return num(v, lang);
  if (typeof v === 'string') {
    if (n?.format === 'date' && DAY_VALUE.test(v)) return formatDate(lang, v);
    if (n?.format === 'date-time' && !Number.isNaN(Date.parse(v))) return formatDateTime(lang, v);
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => displayValue(root, n?.items, x, lang)).join(', ') || '—';
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${labelOf(deref(root, n?.properties?.[k]), k, lang)}: ${displayValue(root, n?.properties?.[k], x, lang)}`)
      .join('; ');
  }
  return String(v);
}

function entriesOf(root: EFormNode, node: EFormNode | undefined, data: Record<string, unknown>, lang: Lang): EFormEntry[] {
  const out: EFormEntry[] = [];
  const props = orderedProperties(root, node);
  for (const [key, s] of props) {
    const v = data[key];
    const label = labelOf(s, key, lang);
    if (isTable(root, s)) {
      const cols = orderedProperties(root, deref(root, s.items));
      const rows = Array.isArray(v) ? v.filter((r): r is Record<string, unknown> => isNode(r)) : [];
      out.push({
        kind: 'table',
        key,
        label,
        columns: cols.map(([k, c]) => ({ key: k, label: labelOf(c, k, lang) })),
        rows: rows.map((r) => cols.map(([k, c]) => displayValue(root, c, r[k], lang))),
      });
    } else if (s.properties && isNode(v)) {
      out.push({ kind: 'group', key, label, entries: entriesOf(root, s, v as Record<string, unknown>, lang) });
    } else {
      out.push({ kind: 'value', key, label, value: displayValue(root, s, v, lang) });
    }
  }
  // Answers the schema does not describe (a form filed through the API under an older shape): shown, not hidden.
  const known = new Set(props.map(([k]) => k));
  for (const [key, v] of Object.entries(data)) if (!known.has(key)) out.push({ kind: 'value', key, label: key, value: displayValue(root, undefined, v, lang) });
  return out;
}

/**
 * The e-form's answers as labelled values in the form's order, for the officials' dossier
 * page, the applicant's pages and form 01: tables as columns and rows, codes by their names.
 */
export function viewEForm(schema: Record<string, unknown> | null | undefined, data: Record<string, unknown> | null | undefined, lang: Lang): EFormEntry[] {
  const root = (schema ?? {}) as EFormNode;
  return entriesOf(root, root, data ?? {}, lang);
}

/** The same as plain label/value lines (PDF forms): a table's rows one line each. */
export function eformLines(
  schema: Record<string, unknown> | null | undefined,
  data: Record<string, unknown> | null | undefined,
  lang: Lang,
): { label: string; value: string }[] {
  const lines: { label: string; value: string }[] = [];
  const walk = (entries: EFormEntry[], prefix: string) => {
    for (const e of entries) {
      const label = prefix ? `${prefix} — ${e.label}` : e.label;
      if (e.kind === 'value') lines.push({ label, value: e.value });
      else if (e.kind === 'group') walk(e.entries, label);
      else if (!e.rows.length) lines.push({ label, value: '—' });
      else
        e.rows.forEach((r, i) =>
          lines.push({ label: `${label}, ${lang === 'en' ? 'row' : 'dòng'} ${i + 1}`, value: e.columns.map((c, j) => `${c.label}: ${r[j]}`).join('; ') }),
        );
    }
  };
  walk(viewEForm(schema, data, lang), '');
  return lines;
}

/**
 * Validates e-form data against the procedure version's JSON Schema, the same schema the
 * page renders from. Errors carry the JSON path of the field (`form.tenDoanhNghiep`) in
 * Vietnamese and English.
 */
export function validateEForm(schema: Record<string, unknown> | null, data: unknown): ErrorDetail[] {
  if (!schema) return [];
  const c = compile(schema, JSON.stringify(schema));
  if (Array.isArray(c)) return c;
  if (deeperThan(data, MAX_FORM_DEPTH)) {
    return [{ path: 'form', message: `Tờ khai lồng nhau quá ${MAX_FORM_DEPTH} cấp`, messageEn: `The form is nested deeper than ${MAX_FORM_DEPTH} levels` }];
  }
  const v = c.validate;
  let valid: boolean;
  try {
    valid = withRegexBudget(() => v(data) as boolean);
  } catch (e) {
    if (!(e instanceof RegexBudgetExceeded)) throw e;
    return [
      {
        path: 'form',
        message: 'Tờ khai quá dài để kiểm tra theo biểu mẫu; xin rút gọn nội dung các trường',
        messageEn: 'The form is too long to check against its e-form; please shorten its fields',
      },
    ];
  }
  if (valid) return [];
  return describeErrors(c.schema, v.errors ?? []);
}
