import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vndInWords } from './amount-in-words.ts';

// Written out by hand: the readings a receipt must print.
const CASES: [number, string][] = [
  [0, 'Không đồng'],
  [1, 'Một đồng'],
  [5, 'Năm đồng'],
  [10, 'Mười đồng'],
  [11, 'Mười một đồng'],
  [14, 'Mười bốn đồng'],
  [15, 'Mười lăm đồng'],
  [20, 'Hai mươi đồng'],
  [21, 'Hai mươi mốt đồng'],
  [24, 'Hai mươi bốn đồng'],
  [25, 'Hai mươi lăm đồng'],
  [101, 'Một trăm linh một đồng'],
  [105, 'Một trăm linh năm đồng'],
  [110, 'Một trăm mười đồng'],
  [115, 'Một trăm mười lăm đồng'],
  [1000, 'Một nghìn đồng'],
  [1001, 'Một nghìn không trăm linh một đồng'],
  [1010, 'Một nghìn không trăm mười đồng'],
  [1015, 'Một nghìn không trăm mười lăm đồng'],
  [50_000, 'Năm mươi nghìn đồng'],
  [105_000, 'Một trăm linh năm nghìn đồng'],
  [1_000_000, 'Một triệu đồng'],
  [1_005_000, 'Một triệu không trăm linh năm nghìn đồng'],
  [1_000_050, 'Một triệu không trăm năm mươi đồng'],
  [1_700_000, 'Một triệu bảy trăm nghìn đồng'],
  [2_500_000, 'Hai triệu năm trăm nghìn đồng'],
  [12_800_000, 'Mười hai triệu tám trăm nghìn đồng'],
  [1_000_000_000, 'Một tỷ đồng'],
  [1_000_000_001, 'Một tỷ không trăm linh một đồng'],
  [1_000_001_000, 'Một tỷ không trăm linh một nghìn đồng'],
  [21_015_000_025, 'Hai mươi mốt tỷ không trăm mười lăm triệu không trăm hai mươi lăm đồng'],
  [999_999_999_999, 'Chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng'],
];

describe('vndInWords: hand-picked readings', () => {
  it.each(CASES)('%d → %s', (n, words) => {
    expect(vndInWords(n)).toBe(words.normalize('NFC'));
  });

  it.each([-1, 1_000_000_000_000, 0.5, 1000.01, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER])('refuses %s', (n) => {
    expect(() => vndInWords(n)).toThrow(RangeError);
  });
});

/*
 * An independent reading, written the other way round: a strict grammar that parses the words
 * back to a number and accepts only the standard northern forms. If the words parse to the
 * amount, every rule the grammar encodes holds; the structural checks below state the rules of
 * the brief once more over the raw tokens, so a grammar mistake cannot hide a reading mistake.
 */
const DIGIT = new Map([
  ['một', 1],
  ['hai', 2],
  ['ba', 3],
  ['bốn', 4],
  ['năm', 5],
  ['sáu', 6],
  ['bảy', 7],
  ['tám', 8],
  ['chín', 9],
]);
const SCALE = new Map([
  ['nghìn', 1e3],
  ['triệu', 1e6],
  ['tỷ', 1e9],
]);

class Reader {
  i = 0;
  constructor(readonly t: string[]) {}
  peek(ahead = 0): string | undefined {
    return this.t[this.i + ahead];
  }
  take(): string {
    const w = this.t[this.i++];
    if (w === undefined) this.fail('unexpected end');
    return w;
  }
  /** The next word is the end of a group: a scale word or nothing. */
  atGroupEnd(): boolean {
    const w = this.peek();
    return w === undefined || SCALE.has(w);
  }
  fail(why: string): never {
    throw new Error(`${why} at word ${this.i} of "${this.t.join(' ')}"`);
  }
}

/** The unit after "mười" (5 is "lăm", 1 is "một") or after "mươi" (5 is "lăm", 1 is "mốt"); 0 when absent. */
function unitAfterTens(r: Reader, afterMuoi: boolean): number {
  if (r.atGroupEnd()) return 0;
  const w = r.take();
  if (w === 'lăm') return 5;
  if (w === 'mốt') return afterMuoi ? 1 : r.fail('"mốt" after "mười"');
  if (w === 'năm') return r.fail('"năm" after the tens');
  if (w === 'một' && afterMuoi) return r.fail('"một" after "mươi"');
  return DIGIT.get(w) ?? r.fail(`"${w}" after the tens`);
}

/** A group of three digits (1 … 999); an inner group must say its hundreds, "không trăm" included. */
function group(r: Reader, inner: boolean): number {
  let value = 0;
  let hundreds = false;
  const first = r.peek();
  if (first !== undefined && (first === 'không' || DIGIT.has(first)) && r.peek(1) === 'trăm') {
    if (first === 'không' && !inner) r.fail('"không trăm" in the leading group');
    r.take();
    r.take();
    value = (DIGIT.get(first) ?? 0) * 100;
    hundreds = true;
  } else if (inner) r.fail('an inner group without its hundreds');
  if (r.atGroupEnd()) return value === 0 ? r.fail('an empty group') : value;
  const w = r.take();
  if (w === 'linh') {
    if (!hundreds) r.fail('"linh" without hundreds');
    const u = r.take();
    return value + (DIGIT.get(u) ?? r.fail(`"${u}" after "linh"`));
  }
  if (w === 'mười') return value + 10 + unitAfterTens(r, false);
  const d = DIGIT.get(w);
  if (d !== undefined && r.peek() === 'mươi') {
    if (d === 1) r.fail('"một mươi"');
    r.take();
    return value + d * 10 + unitAfterTens(r, true);
  }
  if (d !== undefined && !hundreds) return d;
  return r.fail(`"${w}" in a group`);
}

/** Words → amount; an Error naming the rule broken. */
function parseVnd(text: string): number {
  const norm = text.normalize('NFC');
  if (!/^\p{Lu}/u.test(norm)) throw new Error('not capitalised');
  const tokens = (norm.charAt(0).toLocaleLowerCase('vi') + norm.slice(1)).split(' ');
  if (tokens.pop() !== 'đồng') throw new Error('does not end with "đồng"');
  if (tokens.length === 1 && tokens[0] === 'không') return 0;
  const r = new Reader(tokens);
  let total = 0;
  let lastScale = Number.POSITIVE_INFINITY;
  while (r.peek() !== undefined) {
    const g = group(r, total > 0);
    const s = r.peek();
    const scale = s === undefined ? 1 : (SCALE.get(r.take()) ?? r.fail(`"${s}" where a scale word goes`));
    if (scale >= lastScale) r.fail('scales out of order');
    lastScale = scale;
    total += g * scale;
  }
  return total;
}

/** The rules of the brief over the raw tokens, stated once more without the grammar. */
function structuralProblems(text: string): string[] {
  const t = text.normalize('NFC').toLocaleLowerCase('vi').split(' ');
  const problems: string[] = [];
  t.forEach((w, i) => {
    const prev = t[i - 1];
    if (w === 'mốt' && prev !== 'mươi') problems.push(`"mốt" after "${prev}"`);
    if (w === 'lăm' && prev !== 'mươi' && prev !== 'mười') problems.push(`"lăm" after "${prev}"`);
    if (w === 'linh' && prev !== 'trăm') problems.push(`"linh" after "${prev}"`);
    if (w === 'tư' || w === 'tỉ' || w === 'ngàn' || w === 'lẻ') problems.push(`"${w}"`);
    if (w === 'năm' && (prev === 'mươi' || prev === 'mười')) problems.push(`"năm" after "${prev}"`);
    if (w === 'một' && prev === 'mươi') problems.push('"một" after "mươi"');
    if (w === 'không' && t[i + 1] !== 'trăm' && t.length > 2) problems.push('"không" not before "trăm"');
  });
  if (/\s{2}|^\s|\s$/.test(text)) problems.push('stray spaces');
  return problems;
}

describe('the independent reading', () => {
  it('reads the hand-picked cases back', () => {
    for (const [n, words] of CASES) {
      expect(parseVnd(words)).toBe(n);
      expect(structuralProblems(words)).toEqual([]);
    }
  });

  // The checker must be able to fail: each of these is a reading a receipt must not print.
  it.each([
    'Hai mươi một đồng',
    'Mười năm đồng',
    'Hai mươi năm đồng',
    'Hai mươi tư đồng',
    'Mười mốt đồng',
    'Một trăm năm đồng',
    'Một nghìn linh một đồng',
    'Một triệu không nghìn đồng',
    'Một triệu năm nghìn đồng',
    'Không trăm năm đồng',
    'một đồng',
    'Một nghìn một triệu đồng',
    'Một tỉ đồng',
  ])('refuses "%s"', (words) => {
    const parsed = (() => {
      try {
        return parseVnd(words);
      } catch {
        return 'refused';
      }
    })();
    expect(parsed === 'refused' || structuralProblems(words).length > 0).toBe(true);
  });
});

/** Amounts with many zero digits and 1s, 4s and 5s, where the tricky words are; and plain uniform ones. */
const tricky = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.constantFrom(1, 4, 5), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 9 }), weight: 2 },
    ),
    { minLength: 12, maxLength: 12 },
  )
  .map((ds) => Number(ds.join('')));
const uniform = fc.bigInt({ min: 0n, max: 999_999_999_999n }).map(Number);
const small = fc.integer({ min: 0, max: 1_000_000 });
const amount = fc.oneof(tricky, uniform, small);

describe('vndInWords: property over 0 … 999 999 999 999', () => {
  it('reads back to the amount under the strict grammar and breaks no structural rule', () => {
    fc.assert(
      fc.property(amount, (n) => {
        const words = vndInWords(n);
        expect(parseVnd(words)).toBe(n);
        expect(structuralProblems(words)).toEqual([]);
      }),
      { numRuns: 20_000 },
    );
  });

  it('covers both ends of the range', () => {
    for (const n of [0, 1, 999_999_999_998, 999_999_999_999]) expect(parseVnd(vndInWords(n))).toBe(n);
  });
});
