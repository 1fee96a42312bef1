import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Bilingual } from '../../platform/errors.ts';
import { EFORM_FORMATS } from './eform-formats.ts';
import { compilePattern, linearRegExp, PATTERN_LIMITS, PatternRefused } from './eform-regexp.ts';
import { checkLookupMarkers } from './eform-lookup.ts';

/**
 * An e-form schema comes from whoever imports procedures and is compiled and run on every
 * citizen's filing, so it is bounded and checked when it is imported: everything that could
 * fail or run long at filing time is refused here, with the JSON path of the cause.
 */
export const EFORM_LIMITS = {
  /** UTF-8 bytes of the schema serialised as JSON. */
  maxBytes: 256 * 1024,
  /** Nesting of objects and arrays in the schema document. */
  maxDepth: 32,
  /** Object members plus array elements in the schema document (the demo's largest has 184). */
  maxNodes: 5_000,
  /** `$ref`s: Ajv compiles a chain of references by recursion. */
  maxRefs: 200,
  maxPatternLength: PATTERN_LIMITS.maxLength,
};

const META_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** The Ajv every e-form is compiled with, at import (to check) and at filing (to validate). */
export function createEFormAjv(): Ajv2020 {
  // allErrors: a citizen sees every problem of the form at once. Patterns and formats run on RE2.
  // inlineRefs: Ajv copies a referenced schema into every place that refers to it; an 87 KB
  // schema referring 2,000 times to a 600-field object ran it out of memory. Only tiny ones now.
  return new Ajv2020({ strict: false, allErrors: true, coerceTypes: false, inlineRefs: 8, code: { regExp: linearRegExp }, formats: EFORM_FORMATS });
}

export interface SchemaProblem {
  /** Path inside the schema, e.g. ['properties', 'maSoThue', 'pattern']. */
  path: (string | number)[];
  text: Bilingual;
}

type Path = (string | number)[];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

/** Depth and node count, without recursion: a schema nested 100,000 deep must not overflow the stack. */
function checkShape(schema: unknown): SchemaProblem | null {
  const stack: { v: unknown; path: Path; depth: number }[] = [{ v: schema, path: [], depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= EFORM_LIMITS.maxDepth) {
      return {
        path,
        text: { vi: `Biểu mẫu lồng nhau quá ${EFORM_LIMITS.maxDepth} cấp`, en: `The e-form is nested deeper than ${EFORM_LIMITS.maxDepth} levels` },
      };
    }
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    nodes += entries.length;
    if (nodes > EFORM_LIMITS.maxNodes) {
      return {
        path: [],
        text: {
          vi: `Biểu mẫu có quá ${EFORM_LIMITS.maxNodes} thuộc tính và phần tử`,
          en: `The e-form has more than ${EFORM_LIMITS.maxNodes} members and elements`,
        },
      };
    }
    for (const [k, x] of entries) stack.push({ v: x, path: [...path, k], depth: depth + 1 });
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > EFORM_LIMITS.maxBytes) {
    return {
      path: [],
      text: { vi: `Biểu mẫu dài ${bytes} byte, tối đa ${EFORM_LIMITS.maxBytes}`, en: `The e-form is ${bytes} bytes long, at most ${EFORM_LIMITS.maxBytes}` },
    };
  }
  return null;
}

/** `#/a/b~1c` → ['a', 'b/c'], or null if it is not a pointer into this document. */
function pointer(ref: string): string[] | null {
  if (ref === '#') return [];
  if (!ref.startsWith('#/')) return null;
  try {
    return ref
      .slice(2)
      .split('/')
      .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch {
    // A malformed percent-escape: not a pointer Ajv could follow either.
    return null;
  }
}

function resolve(root: unknown, segs: string[]): unknown {
  let v = root;
  for (const s of segs) {
    if (Array.isArray(v) && /^(0|[1-9][0-9]*)$/.test(s)) v = v[Number(s)];
    else if (isObject(v) && Object.hasOwn(v, s)) v = v[s];
    else return undefined;
  }
  return v;
}

const SINGLE = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const MAP = new Set(['properties', '$defs', 'definitions', 'dependentSchemas', 'dependencies']);
const NOT_SUPPORTED = new Set(['$id', '$anchor', '$dynamicAnchor', '$dynamicRef', '$recursiveAnchor', '$recursiveRef']);

/** Walks the schema where Ajv reads schemas (not `enum`, `const`, `default` or `x-…` data), following local `$ref`s. */
function checkKeywords(root: Record<string, unknown>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<object>();
  let refs = 0;
  const pattern = (p: string, path: Path) => {
    try {
      compilePattern(p);
    } catch (e) {
      if (!(e instanceof PatternRefused)) throw e;
      problems.push({
        path,
        text: { vi: `Biểu thức chính quy "${short(p)}" không dùng được: ${e.reason.vi}`, en: `The pattern "${short(p)}" cannot be used: ${e.reason.en}` },
      });
    }
  };
  // A work list, not recursion: a chain of 1,000 references must not overflow the stack.
  const todo: { s: unknown; path: Path }[] = [{ s: root, path: [] }];
  const walk = (s: unknown, path: Path) => todo.push({ s, path });
  while (todo.length) {
    const { s, path } = todo.pop()!;
    if (Array.isArray(s)) {
      s.forEach((x, i) => walk(x, [...path, i]));
      continue;
    }
    if (!isObject(s) || seen.has(s)) continue;
    seen.add(s);
    for (const [k, v] of Object.entries(s)) {
      const at = [...path, k];
      if (k === 'pattern' && typeof v === 'string') pattern(v, at);
      else if (k === 'patternProperties' && isObject(v)) {
        for (const [p, sub] of Object.entries(v)) {
          pattern(p, [...at, p]);
          walk(sub, [...at, p]);
        }
      } else if (k === 'format' && typeof v === 'string' && !Object.hasOwn(EFORM_FORMATS, v)) {
        const known = Object.keys(EFORM_FORMATS).join(', ');
        problems.push({
          path: at,
          text: { vi: `Không hỗ trợ định dạng "${short(v)}"; được dùng: ${known}`, en: `The format "${short(v)}" is not supported; use one of ${known}` },
        });
      } else if (k === '$ref' && typeof v === 'string') {
        if (++refs === EFORM_LIMITS.maxRefs + 1) {
          problems.push({
            path: at,
            text: { vi: `Biểu mẫu có quá ${EFORM_LIMITS.maxRefs} tham chiếu $ref`, en: `The e-form has more than ${EFORM_LIMITS.maxRefs} $ref references` },
          });
        }
        const segs = pointer(v);
        if (!segs) {
          problems.push({
            path: at,
            text: {
              vi: `Chỉ được tham chiếu trong chính biểu mẫu ("#/…"), không được "${short(v)}"`,
              en: `Only references inside the e-form ("#/…") are allowed, not "${short(v)}"`,
            },
          });
          continue;
        }
        const target = resolve(root, segs);
        if (target === undefined)
          problems.push({
            path: at,
            text: { vi: `Tham chiếu "${short(v)}" không trỏ tới đâu trong biểu mẫu`, en: `The reference "${short(v)}" points nowhere in the e-form` },
          });
        // Ajv compiles what a reference points at, even under a key it otherwise ignores.
        else walk(target, segs);
      } else if (NOT_SUPPORTED.has(k)) {
        problems.push({ path: at, text: { vi: `Biểu mẫu điện tử không hỗ trợ từ khóa ${k}`, en: `The keyword ${k} is not supported in e-forms` } });
      } else if (k === '$schema' && (v !== META_2020 || path.length > 0)) {
        problems.push({
          path: at,
          text: {
            vi: `Chỉ hỗ trợ JSON Schema 2020-12 ("$schema": "${META_2020}" ở gốc)`,
            en: `Only JSON Schema 2020-12 is supported ("$schema": "${META_2020}" at the root)`,
          },
        });
      } else if (SINGLE.has(k) || LIST.has(k)) walk(v, at);
      else if (MAP.has(k) && isObject(v)) for (const [name, sub] of Object.entries(v)) walk(sub, [...at, name]);
    }
  }
  return problems;
}

const checking = createEFormAjv();

/**
 * Everything wrong with an e-form schema, each with its path inside the schema; none means
 * it compiles, with the same options, as it will when a citizen files. With `ajv`, the
 * compiled function is returned and stays in that instance; without, nothing is kept.
 */
export function checkEFormSchema(schema: unknown, ajv?: Ajv2020): { problems: SchemaProblem[]; validate?: ValidateFunction } {
  const shape = checkShape(schema);
  if (shape) return { problems: [shape] };
  if (!isObject(schema))
    return { problems: [{ path: [], text: { vi: 'Biểu mẫu điện tử phải là một đối tượng JSON Schema', en: 'An e-form must be a JSON Schema object' } }] };
  const problems = [...checkKeywords(schema), ...checkLookupMarkers(schema)];
  if (problems.length) return { problems };
  const into = ajv ?? checking;
  let validate: ValidateFunction | undefined;
  try {
    validate = into.compile(schema);
    return { problems: [], validate: ajv ? validate : undefined };
  } catch (e) {
    const m = (e as Error).message;
    return { problems: [{ path: [], text: { vi: `JSON Schema không hợp lệ: ${m}`, en: `not a valid JSON Schema: ${m}` } }] };
  } finally {
    // Ajv keeps every schema it compiled, keyed by the object: an import check keeps none, a failure nothing.
    if (!ajv || !validate) into.removeSchema(schema);
  }
}
