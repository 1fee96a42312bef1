import { RE2JS } from 're2js';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import type { Bilingual } from '../../platform/errors.ts';

/**
 * E-form patterns are written by whoever imports a procedure and run against every citizen's
 * filing, so they are evaluated by RE2 (linear in the input) instead of the backtracking
 * engine, where `^(a+)+$` doubles its time per character. JSON Schema patterns are
 * ECMA-262 (Ajv compiles them with the `u` flag); RE2's syntax differs in places where the
 * same text would silently mean something else (`.`, `\s`, `[]`, `\u…`), so a pattern is
 * translated construct by construct, and what RE2 cannot do (lookaround, backreferences)
 * is refused when the procedure is imported, never when a citizen files.
 */

export const PATTERN_LIMITS = {
  /** Characters in one pattern. */
  maxLength: 1000,
  /** RE2 instructions in one pattern: matching costs up to input length × this. */
  maxProgram: 500,
  /**
   * Input characters × program instructions one e-form validation may spend: at most about
   * 0.1 s for the worst pattern allowed (`^(?:\p{L}{0,245})+$` on 4,000 letters), while an
   * honest 20-instruction pattern may check 100,000 characters.
   */
  budget: 2_000_000,
};

export class PatternRefused extends Error {
  readonly reason: Bilingual;
  constructor(reason: Bilingual) {
    super(reason.en);
    this.name = 'PatternRefused';
    this.reason = reason;
  }
}

/** Thrown from inside Ajv's generated code when a validation has used up its regex budget. */
export class RegexBudgetExceeded extends Error {
  constructor() {
    super('regular expression budget exceeded');
    this.name = 'RegexBudgetExceeded';
  }
}

const refuse = (vi: string, en: string): never => {
  throw new PatternRefused({ vi, en });
};

type Range = [number, number];
/** ECMA-262 WhiteSpace and LineTerminator, what `\s` means there (RE2's `\s` is only [\t\n\f\r ]). */
const WHITESPACE: Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
/** What `.` matches in ECMA-262 without the `s` flag: everything but line terminators (RE2's `.` excludes only \n). */
const NOT_LINE_TERMINATOR = '[^\\x{a}\\x{d}\\x{2028}\\x{2029}]';
const ANY: Range[] = [[0, 0x10ffff]];
const NEVER = '[^\\x{0}-\\x{10ffff}]';

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

const lit = (c: number) => (/[0-9A-Za-z]/.test(String.fromCodePoint(c)) ? String.fromCodePoint(c) : `\\x{${c.toString(16)}}`);
const rangesText = (rs: Range[]) => rs.map(([a, b]) => (a === b ? lit(a) : `${lit(a)}-${lit(b)}`)).join('');

/** The other ASCII case of a range's letters, which is all the `i` flag adds to an ASCII-only pattern. */
function otherCase([a, b]: Range): Range[] {
  const out: Range[] = [];
  const lo = [Math.max(a, 0x61), Math.min(b, 0x7a)];
  const up = [Math.max(a, 0x41), Math.min(b, 0x5a)];
  if (lo[0] <= lo[1]) out.push([lo[0] - 32, lo[1] - 32]);
  if (up[0] <= up[1]) out.push([up[0] + 32, up[1] + 32]);
  return out;
}

/** A set inside or outside a class: either RE2 escape text meaning the same, or explicit ranges. */
type Item = { escape: string } | { ranges: Range[] };

const GC_SHORT = new Set('C Cc Cf Cn Co Cs L LC Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '));
const GC_LONG: Record<string, string> = {
  Other: 'C',
  Control: 'Cc',
  cntrl: 'Cc',
  Format: 'Cf',
  Unassigned: 'Cn',
  Private_Use: 'Co',
  Surrogate: 'Cs',
  Letter: 'L',
  Cased_Letter: 'LC',
  Lowercase_Letter: 'Ll',
  Modifier_Letter: 'Lm',
  Other_Letter: 'Lo',
  Titlecase_Letter: 'Lt',
  Uppercase_Letter: 'Lu',
  Mark: 'M',
  Combining_Mark: 'M',
  Spacing_Mark: 'Mc',
  Enclosing_Mark: 'Me',
  Nonspacing_Mark: 'Mn',
  Number: 'N',
  Decimal_Number: 'Nd',
  digit: 'Nd',
  Letter_Number: 'Nl',
  Other_Number: 'No',
  Punctuation: 'P',
  punct: 'P',
  Connector_Punctuation: 'Pc',
  Dash_Punctuation: 'Pd',
  Close_Punctuation: 'Pe',
  Final_Punctuation: 'Pf',
  Initial_Punctuation: 'Pi',
  Other_Punctuation: 'Po',
  Open_Punctuation: 'Ps',
  Symbol: 'S',
  Currency_Symbol: 'Sc',
  Modifier_Symbol: 'Sk',
  Math_Symbol: 'Sm',
  Other_Symbol: 'So',
  Separator: 'Z',
  Line_Separator: 'Zl',
  Paragraph_Separator: 'Zp',
  Space_Separator: 'Zs',
};

function property(negated: boolean, body: string): Item {
  const [key, value] = body.includes('=') ? body.split('=', 2) : [undefined, body];
  const gc = GC_SHORT.has(value) ? value : GC_LONG[value];
  const p = negated ? 'P' : 'p';
  if ((key === undefined || key === 'General_Category' || key === 'gc') && gc) return { escape: `\\${p}{${gc}}` };
  // RE2 knows scripts by their long names (Latin, Han); it refuses the rest at compile time.
  if ((key === 'Script' || key === 'sc') && /^[A-Z][A-Za-z_]*$/.test(value)) return { escape: `\\${p}{${value}}` };
  if (key === undefined && value === 'Any') return { ranges: negated ? [] : ANY };
  if (key === undefined && value === 'ASCII') return { ranges: negated ? [[0x80, 0x10ffff]] : [[0, 0x7f]] };
  return refuse(
    `không hỗ trợ thuộc tính Unicode \\${p}{${body}}; hãy dùng nhóm ký tự như \\p{L}, \\p{N} hoặc chữ viết như \\p{Script=Latin}`,
    `the Unicode property \\${p}{${body}} is not supported; use a general category such as \\p{L} or \\p{N}, or a script such as \\p{Script=Latin}`,
  );
}

/**
 * Translates an ECMA-262 pattern (valid with the `u` flag, checked before) to RE2 syntax with
 * the same meaning, or refuses it. Groups become non-capturing: only `test` is ever asked.
 */
export function translatePattern(source: string, opts: { asciiIgnoreCase?: boolean; capture?: boolean } = {}): string {
  const cp = Array.from(source, (c) => c.codePointAt(0)!);
  let i = 0;
  const at = (k = 0) => (i + k < cp.length ? String.fromCodePoint(cp[i + k]) : '');
  const hex = (n: number) => {
    const h = cp
      .slice(i, i + n)
      .map((c) => String.fromCodePoint(c))
      .join('');
    i += n;
    return parseInt(h, 16);
  };
  const readUntil = (end: string) => {
    let s = '';
    while (i < cp.length && at() !== end) {
      s += at();
      i++;
    }
    i++;
    return s;
  };

  /** After a backslash; `inClass` changes `\b` (backspace) and `\-`. Returns a code point or a set. */
  function readEscape(inClass: boolean): number | Item {
    const c = at();
    i++;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return { escape: `\\${c}` };
      case 's':
        return { ranges: WHITESPACE };
      case 'S':
        return { ranges: complement(WHITESPACE) };
      case 'p':
      case 'P':
        i++; // {
        return property(c === 'P', readUntil('}'));
      case 'b':
        if (inClass) return 0x08;
        return { escape: '\\b' };
      case 'B':
        return { escape: '\\B' };
      case 'k':
        return refuse('không hỗ trợ tham chiếu ngược (\\1, \\k<tên>)', 'backreferences (\\1, \\k<name>) are not supported');
      case 'f':
        return 0x0c;
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 't':
        return 0x09;
      case 'v':
        return 0x0b;
      case 'c': {
        const l = cp[i++];
        return l % 32;
      }
      case 'x':
        return hex(2);
      case 'u': {
        if (at() === '{') {
          i++;
          return parseInt(readUntil('}'), 16);
        }
        const lead = hex(4);
        // `\uD83D\uDE00` is one code point under the `u` flag.
        if (lead >= 0xd800 && lead <= 0xdbff && at() === '\\' && at(1) === 'u' && at(2) !== '{') {
          const save = i;
          i += 2;
          const trail = hex(4);
          if (trail >= 0xdc00 && trail <= 0xdfff) return (lead - 0xd800) * 0x400 + (trail - 0xdc00) + 0x10000;
          i = save;
        }
        return lead;
      }
      case '0':
        return 0;
      default:
        if (/[1-9]/.test(c)) return refuse('không hỗ trợ tham chiếu ngược (\\1, \\k<tên>)', 'backreferences (\\1, \\k<name>) are not supported');
        // An identity escape: under `u` only syntax characters, `/` and (in a class) `-`.
        return c.codePointAt(0)!;
    }
  }

  const range = (a: number, b: number): string => {
    const r: Range = [a, b];
    const text = a === b ? lit(a) : `${lit(a)}-${lit(b)}`;
    return opts.asciiIgnoreCase ? text + rangesText(otherCase(r)) : text;
  };

  function itemOutside(x: number | Item): string {
    if (typeof x === 'number') return opts.asciiIgnoreCase && otherCase([x, x]).length ? `[${range(x, x)}]` : lit(x);
    if ('escape' in x) return x.escape;
    return x.ranges.length ? `[${rangesText(x.ranges)}]` : NEVER;
  }

  /** Steps over the backslash and reads the escape after it. */
  const escapeAfterBackslash = (inClass: boolean) => {
    i++;
    return readEscape(inClass);
  };

  function characterClass(): string {
    const negated = at() === '^';
    if (negated) i++;
    let body = '';
    while (i < cp.length && at() !== ']') {
      const first = at() === '\\' ? escapeAfterBackslash(true) : cp[i++];
      if (typeof first === 'number' && at() === '-' && at(1) !== ']' && at(1) !== '') {
        i++;
        const last = at() === '\\' ? escapeAfterBackslash(true) : cp[i++];
        // Under `u`, a range between a class escape and anything is a syntax error, refused before.
        body += range(first, last as number);
        continue;
      }
      if (typeof first === 'number') body += range(first, first);
      else if ('escape' in first) body += first.escape;
      else body += rangesText(first.ranges);
    }
    i++; // ]
    // `[]` matches nothing and `[^]` anything in ECMA-262; RE2 would read `[]...]` as a class holding `]`.
    if (!body) return negated ? `[${rangesText(ANY)}]` : NEVER;
    return `[${negated ? '^' : ''}${body}]`;
  }

  let out = '';
  while (i < cp.length) {
    const c = at();
    i++;
    switch (c) {
      case '\\':
        out += itemOutside(readEscape(false));
        break;
      case '[':
        out += characterClass();
        break;
      case '(':
        if (at() !== '?') out += opts.capture ? '(' : '(?:';
        else if (at(1) === ':') {
          out += '(?:';
          i += 2;
        } else if (at(1) === '=' || at(1) === '!' || (at(1) === '<' && (at(2) === '=' || at(2) === '!'))) {
          refuse('không hỗ trợ điều kiện nhìn trước/nhìn sau ((?=, (?!, (?<=, (?<!)', 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported');
        } else if (at(1) === '<') {
          i += 2;
          readUntil('>');
          out += '(?:';
        } else refuse('không hỗ trợ cờ trong biểu thức như (?i:…)', 'inline modifiers such as (?i:…) are not supported');
        break;
      case '.':
        out += NOT_LINE_TERMINATOR;
        break;
      case '{': {
        const q = readUntil('}');
        if (q.split(',').some((n) => n !== '' && Number(n) > 1000))
          refuse('số lần lặp không được vượt quá 1000', 'repetition counts above 1000 are not supported');
        out += `{${q}}`;
        break;
      }
      case '^':
      case '$':
      case '|':
      case ')':
      case '*':
      case '+':
      case '?':
        out += c;
        break;
      default:
        out += itemOutside(c.codePointAt(0)!);
    }
  }
  return out;
}

interface Compiled {
  re: RE2JS;
  program: number;
}
const compiled = new Map<string, Compiled>();
const MAX_CACHED = 2000;

/** Checks and compiles an e-form pattern; throws PatternRefused with a reason in both languages. */
export function compilePattern(pattern: string): Compiled {
  const hit = compiled.get(pattern);
  if (hit) return hit;
  if (pattern.length > PATTERN_LIMITS.maxLength) {
    refuse(
      `biểu thức dài ${pattern.length} ký tự, tối đa ${PATTERN_LIMITS.maxLength}`,
      `the pattern is ${pattern.length} characters long, at most ${PATTERN_LIMITS.maxLength}`,
    );
  }
  try {
    // Only the syntax is checked here (V8 parses on construction); nothing is matched natively.
    new RegExp(pattern, 'u');
  } catch (e) {
    refuse(`không phải biểu thức chính quy ECMA-262 hợp lệ: ${(e as Error).message}`, `not a valid ECMA-262 regular expression: ${(e as Error).message}`);
  }
  const translated = translatePattern(pattern);
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated);
  } catch (e) {
    return refuse(
      `không đánh giá được trong thời gian tuyến tính (RE2): ${(e as Error).message}`,
      `cannot be evaluated in linear time (RE2): ${(e as Error).message}`,
    );
  }
  const program = re.programSize();
  if (program > PATTERN_LIMITS.maxProgram) {
    refuse(
      `biểu thức quá phức tạp (${program} lệnh, tối đa ${PATTERN_LIMITS.maxProgram}); hãy giảm số lần lặp, và dùng maxLength để giới hạn độ dài`,
      `the pattern is too complex (${program} instructions, at most ${PATTERN_LIMITS.maxProgram}); use smaller repetition counts, and maxLength for a length`,
    );
  }
  const c = { re, program };
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
  compiled.set(pattern, c);
  return c;
}

/** One of congso's own patterns (the e-form formats): translated the same way, without the import limits. */
export function compileTrusted(pattern: string, opts: { asciiIgnoreCase?: boolean; capture?: boolean } = {}): Compiled {
  const re = RE2JS.compile(translatePattern(pattern, opts));
  return { re, program: re.programSize() };
}

let remaining: number | null = null;

function spend(units: number) {
  if (remaining === null) {
    if (units > PATTERN_LIMITS.budget) throw new RegexBudgetExceeded();
    return;
  }
  remaining -= units;
  if (remaining < 0) throw new RegexBudgetExceeded();
}

/**
 * Runs `fn` (synchronous: Ajv's validate) with a budget of input characters × pattern
 * instructions shared by every pattern it tests. RE2 is linear in the input, but the factor
 * is the pattern's size, and a filing may hold megabytes of text; the budget makes the
 * worst case of one validation a bound, not a product of two things the attacker chooses.
 */
export function withRegexBudget<T>(fn: () => T, units = PATTERN_LIMITS.budget): T {
  const outer = remaining;
  remaining = units;
  try {
    return fn();
  } finally {
    remaining = outer;
  }
}

/** Tests `s` against a compiled pattern, charged to the current budget. */
export function testPattern(c: Compiled, s: string): boolean {
  spend((s.length + 1) * c.program);
  return c.re.test(s);
}

/**
 * Ajv's `code.regExp` engine. Ajv keys compiled patterns by `toString()` (two patterns with
 * the same key share one object), so it is the pattern as a regex literal, as for RegExp.
 * `code` is the expression standalone validation code (ajv/standalone, not used by congso)
 * would require in place of `new RegExp`; it must never be "new RegExp", which makes Ajv
 * emit the native engine into generated code (and into `$data` patterns).
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    if (flags !== 'u') refuse('biểu thức chính quy phải được dịch với cờ u', `patterns are compiled with the u flag only, not "${flags}"`);
    const c = compilePattern(pattern);
    return { test: (s: string) => testPattern(c, s), toString: () => `/${pattern}/${flags}` };
  },
  { code: 'require("congso/src/modules/catalog/eform-regexp.ts").linearRegExp' },
);
