import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FormatDefinition } from 'ajv';
import { describe, expect, it } from 'vitest';
import { EFORM_FORMATS } from './eform-formats.ts';
import { linearRegExp, PatternRefused, PATTERN_LIMITS, RegexBudgetExceeded, withRegexBudget } from './eform-regexp.ts';

const linear = (p: string) => linearRegExp(p, 'u');
const refusal = (p: string): string => {
  try {
    linear(p);
  } catch (e) {
    if (e instanceof PatternRefused) return e.reason.en;
    throw e;
  }
  return 'accepted';
};

describe('e-form patterns on RE2', () => {
  it('refuses what RE2 cannot do in linear time, and what ECMA-262 does not allow, each with a reason', () => {
    expect(refusal('^(?=.*[0-9]).{8,}$')).toMatch(/lookahead and lookbehind/);
    expect(refusal('(?!abc)x')).toMatch(/lookahead and lookbehind/);
    expect(refusal('(?<=a)b')).toMatch(/lookahead and lookbehind/);
    expect(refusal('(?<!a)b')).toMatch(/lookahead and lookbehind/);
    expect(refusal('^(a)\\1$')).toMatch(/backreferences/);
    expect(refusal('^(?<x>a)\\k<x>$')).toMatch(/backreferences/);
    expect(refusal('(?i:abc)')).toMatch(/inline modifiers/);
    expect(refusal('\\p{Alphabetic}')).toMatch(/Unicode property/);
    expect(refusal('\\p{Script_Extensions=Latin}')).toMatch(/Unicode property/);
    expect(refusal('\\p{Script=Latn}')).toMatch(/linear time \(RE2\)/); // RE2 knows scripts by long name only
    expect(refusal('a{1001}')).toMatch(/above 1000/);
    expect(refusal('^.{1,1000}$')).toMatch(/too complex .* maxLength/);
    expect(refusal('(')).toMatch(/not a valid ECMA-262/);
    expect(refusal('\\z')).toMatch(/not a valid ECMA-262/); // RE2 syntax is not ECMA-262
    expect(refusal('[[:alpha:]]')).toMatch(/not a valid ECMA-262/);
    expect(refusal('a'.repeat(PATTERN_LIMITS.maxLength + 1))).toMatch(/at most 1000/);
  });

  it('reads the constructs whose RE2 spelling means something else as ECMA-262 does', () => {
    expect(linear('^.$').test('\r')).toBe(false); // `.` excludes every line terminator
    expect(linear('^.$').test('\u2028')).toBe(false);
    expect(linear('^.$').test('😀')).toBe(true); // one code point under `u`
    expect(linear('^\\s+$').test('\v\u00a0\ufeff\u3000')).toBe(true); // RE2's \s has none of these
    expect(linear('^[^\\S]$').test('\u00a0')).toBe(true);
    expect(linear('^[\\S]$').test('\u00a0')).toBe(false);
    expect(linear('[]').test(']')).toBe(false); // `[]` matches nothing; RE2 would read `[]...]` as a class holding `]`
    expect(linear('^a[]?b$').test('ab')).toBe(true);
    expect(linear('^[^]$').test('\n')).toBe(true);
    expect(linear('^\\u0111\\u{1F600}\\x41\\cJ\\0$').test('đ😀A\n\0')).toBe(true);
    expect(linear('^\\uD83D\\uDE00$').test('😀')).toBe(true); // a surrogate pair is one code point
    expect(linear('^[\\b]$').test('\b')).toBe(true);
    expect(linear('^\\d+$').test('٣')).toBe(false); // \d is ASCII in both
    expect(linear('^\\p{General_Category=Uppercase_Letter}\\p{Script=Latin}+$').test('Đức')).toBe(true);
    expect(linear('^\\p{ASCII}+\\P{ASCII}$').test('Ha Noi ộ')).toBe(true);
    expect(linear('^a$').test('a\n')).toBe(false); // `$` is the end of the input, not of a line
  });

  it('matches Vietnamese names with diacritics and đ as the schema author expects', () => {
    const name = linear('^[\\p{L} ]+$');
    for (const ok of ['Nguyễn Văn Đức', 'Đặng Thị Ánh Tuyết', 'Trương Quỳnh Hương', 'đ']) expect(name.test(ok)).toBe(true);
    for (const bad of ['Nguyễn Văn 2', 'Lê-Thị', '']) expect(name.test(bad)).toBe(false);
    // Decomposed input (e + combining marks) is not letters only: the same answer as the native engine.
    expect(name.test('Nguye\u0302\u0303n')).toBe(/^[\p{L} ]+$/u.test('Nguye\u0302\u0303n'));
    expect(linear('^[a-zA-ZÀ-ỹđĐ ]+$').test('Phạm Đình Phùng')).toBe(true);
  });

  it('Ajv gets one engine object per pattern (it keys them by toString)', () => {
    expect(String(linear('^a$'))).not.toBe(String(linear('^b$')));
    expect(linearRegExp.code).not.toBe('new RegExp');
  });

  it('charges every test to the budget of the validation it runs in', () => {
    const p = linear('^[0-9]+$');
    expect(withRegexBudget(() => p.test('1'.repeat(1000)))).toBe(true);
    expect(() => withRegexBudget(() => p.test('1'.repeat(1000)), 100)).toThrow(RegexBudgetExceeded);
    // Outside a validation, one test alone is held to the same bound.
    expect(() => p.test('1'.repeat(PATTERN_LIMITS.budget))).toThrow(RegexBudgetExceeded);
  });
});

// ---------------------------------------------------------------------------------------
// The engine swap changes no honest form: patterns from the common subset (literals, classes,
// escapes, anchors, groups, alternation, quantifiers) answer as the native engine does.

const CHARS = [
  'a',
  'b',
  'A',
  'z',
  '0',
  '7',
  '_',
  ' ',
  '-',
  '.',
  'đ',
  'Đ',
  'ễ',
  'Ễ',
  'ß',
  '😀',
  '\t',
  '\n',
  '\r',
  '\v',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\0',
  '٣',
  '\ud800',
];
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const literal = fc.oneof(
  fc.constantFrom(...CHARS).map((c) => (SYNTAX.has(c) ? `\\${c}` : c)),
  fc.constantFrom('\\n', '\\t', '\\r', '\\v', '\\f', '\\0', '\\u00a0', '\\u0111', '\\u{1F600}', '\\x41', '\\cJ', '\\.', '\\-', '\\/'),
);
const classEscape = fc.constantFrom(
  '\\d',
  '\\D',
  '\\w',
  '\\W',
  '\\s',
  '\\S',
  '\\p{L}',
  '\\P{L}',
  '\\p{Lu}',
  '\\p{Ll}',
  '\\p{N}',
  '\\p{Script=Latin}',
  '\\p{Zs}',
);
const classChar = fc.constantFrom(...CHARS, '\\]', '\\\\', '\\-', '\\b', '^', '[', '\\u2028').map((c) => (c === '-' ? '\\-' : c === ']' ? '\\]' : c));
const classRange = fc.constantFrom('a-z', 'A-Z', '0-9', 'À-ỹ', '\\u0000-\\u001f', '\\x20-\\x7e', 'đ-đ');
const charClass = fc
  .tuple(fc.boolean(), fc.array(fc.oneof(classChar, classRange, classEscape), { maxLength: 4 }))
  .map(([neg, items]) => `[${neg ? '^' : ''}${items.join('').replace(/^\^/, '\\^')}]`);
const quantifier = fc
  .tuple(fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '{0,2}'), fc.boolean())
  .map(([q, lazy]) => (q && lazy ? `${q}?` : q));

const { pattern } = fc.letrec<{ pattern: string; alternative: string; term: string; atom: string }>((tie) => ({
  pattern: fc.array(tie('alternative'), { minLength: 1, maxLength: 3 }).map((a) => a.join('|')),
  alternative: fc.array(tie('term'), { maxLength: 4 }).map((t) => t.join('')),
  term: fc.oneof(
    { weight: 5, arbitrary: fc.tuple(tie('atom'), quantifier).map(([a, q]) => a + q) },
    // Not \B: V8 also tries it between the two halves of a surrogate pair (/\B/u.exec('a😀a').index is 2),
    // where the standard (and RE2) never looks; honest forms do not hinge on that.
    { weight: 1, arbitrary: fc.constantFrom('^', '$', '\\b') },
  ),
  atom: fc
    .oneof(
      { weight: 4, arbitrary: literal },
      { weight: 3, arbitrary: charClass },
      { weight: 2, arbitrary: classEscape },
      { weight: 1, arbitrary: fc.constant('.') },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('(?:', '(', '(?<N>'), tie('pattern')).map(([open, p]) => `${open}${p})`) },
    )
    .filter((a) => a.length < 200),
}));
const named = (p: string) => {
  let n = 0;
  return p.replace(/\(\?<N>/g, () => `(?<g${n++}>`);
};
const input = fc.array(fc.constantFrom(...CHARS, 'x', 'B', 'ab', '12', 'Đức'), { maxLength: 10 }).map((a) => a.join(''));

describe('RE2 and the native engine agree on honest patterns', () => {
  it('for generated patterns and inputs', () => {
    fc.assert(
      fc.property(pattern.map(named), fc.array(input, { minLength: 1, maxLength: 8 }), (p, inputs) => {
        let native: RegExp;
        try {
          native = new RegExp(p, 'u');
        } catch {
          fc.pre(false);
          return;
        }
        let re2: ReturnType<typeof linear>;
        try {
          re2 = linear(p);
        } catch (e) {
          // Nested counted repeats can outgrow the program limit; that is a refusal, not a disagreement.
          if (e instanceof PatternRefused && /too complex/.test(e.reason.en)) fc.pre(false);
          throw e;
        }
        for (const s of inputs) expect(re2!.test(s), `/${p}/u on ${JSON.stringify(s)}`).toBe(native!.test(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('for the demo procedures’ patterns', () => {
    const demo = ['^[0-9]{10}([0-9]{3})?$', '^[0-9]{6}([0-9]{2})?$', '^0[0-9]{9,10}$', '^[0-9]{8}$', '^[0-9]{2,7}-[0-9]{2}-[0-9]$', '^[0-9]{12}$'];
    const digits = fc.array(fc.constantFrom('0', '1', '9', '-', 'a', ' '), { maxLength: 16 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.constantFrom(...demo), digits, (p, s) => {
        expect(linear(p).test(s)).toBe(new RegExp(p, 'u').test(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('the e-form formats accept what ajv-formats accepted', () => {
    const pieces = [
      'a',
      'Z',
      '0',
      '9',
      'f',
      '.',
      '-',
      '_',
      '@',
      ':',
      '/',
      '//',
      '?',
      '#',
      '%',
      '%2F',
      '[',
      ']',
      '::',
      '+',
      '!',
      ' ',
      'đ',
      'T',
      't',
      'z',
      'Z',
      'e',
      'x',
      '2024-02-29',
      '12:30:00',
      '23:59:60',
      '+07:00',
      '.5',
      'http',
      'mailto',
      'example.com',
      '192.168.0.1',
      '255',
      'ffff',
      'urn:uuid:',
      '123e4567-e89b-12d3-a456-426614174000',
    ];
    const candidate = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((a) => a.join(''));
    const ajvFormat = (name: string) => {
      const f = (fullFormats as Record<string, unknown>)[name];
      if (typeof f === 'function') return f as (s: string) => boolean;
      if (f instanceof RegExp) return (s: string) => f.test(s);
      const v = (f as FormatDefinition<string>).validate;
      return v instanceof RegExp ? (s: string) => v.test(s) : (v as (s: string) => boolean);
    };
    for (const [name, ours] of Object.entries(EFORM_FORMATS)) {
      const theirs = ajvFormat(name);
      const check = ours.validate as (s: string) => boolean;
      fc.assert(
        fc.property(candidate, (s) => {
          expect(check(s), `${name} ${JSON.stringify(s)}`).toBe(theirs(s));
        }),
        { numRuns: 1500 },
      );
    }
    expect((EFORM_FORMATS.email.validate as (s: string) => boolean)('nguyen.van.a@dichvucong.gov.vn')).toBe(true);
    expect(
      (EFORM_FORMATS.uri.validate as (s: string) => boolean)('https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193'),
    ).toBe(true);
    expect((EFORM_FORMATS.date.validate as (s: string) => boolean)('2025-02-29')).toBe(false);
  });
});
