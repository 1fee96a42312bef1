/**
 * Folding that remembers where each folded character came from. foldVietnamese (platform/i18n)
 * is what the stored search columns and the query go through, but it does not keep lengths:
 * text in decomposed form (NFD, as some OCR engines write it) loses its combining marks, a few
 * capitals lower-case to two characters, and runs of spaces collapse. Highlights and suggested
 * values must point into the original text, so the rules and the snippet work on this folded
 * copy and map positions back through `origin`.
 */
export interface FoldedText {
  /** Lower case, diacritics removed, đ → d; one folded character per entry of `origin`. */
  folded: string;
  /** For each character of `folded`, the index (UTF-16) of the original character it came from. */
  origin: number[];
  /** The original text. */
  source: string;
}

const MARK = /\p{M}/u;

function foldChar(ch: string): string {
  const c = ch.charCodeAt(0);
  // ASCII, most of any text, needs only lower case.
  if (c < 0x80) return c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : ch;
  // Lower-casing may decompose again (İ → i + dot above), so marks are removed after it too.
  return ch.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * Folds `s` character by character. `punctuation: 'space'` turns everything but letters, digits
 * and dots into spaces (the words foldVietnamese keeps); `'keep'` leaves it (rules read `Số:`,
 * `/` and `-`). Spaces are not collapsed, so positions stay meaningful.
 */
export function foldWithMap(s: string, punctuation: 'space' | 'keep' = 'keep'): FoldedText {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of s) {
    let f = foldChar(ch);
    if (punctuation === 'space' && f && !/^[\p{L}\p{N}.]+$/u.test(f)) f = ' ';
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += ch.length;
  }
  return { folded, origin, source: s };
}

/**
 * The original text's span [start, end) behind the folded span [from, to): from the first
 * folded character's source to the end of the last one's, with any combining marks after it
 * (a decomposed `ế` is three UTF-16 units that fold to one `e`).
 */
export function originalSpan(f: FoldedText, from: number, to: number): { start: number; end: number } {
  if (to <= from || from < 0 || to > f.folded.length) return { start: 0, end: 0 };
  const start = f.origin[from];
  const lastStart = f.origin[to - 1];
  const cp = f.source.codePointAt(lastStart)!;
  let end = lastStart + (cp > 0xffff ? 2 : 1);
  while (end < f.source.length) {
    const next = String.fromCodePoint(f.source.codePointAt(end)!);
    if (!MARK.test(next)) break;
    end += next.length;
  }
  return { start, end };
}

/** The original text behind a folded span. */
export const originalOf = (f: FoldedText, from: number, to: number) => {
  const { start, end } = originalSpan(f, from, to);
  return f.source.slice(start, end);
};

/** For each folded letter, every Latin letter that folds to it (a → aàáảãạăằ…ẶÂ…, d → dđDĐ). */
const VARIANTS: Map<string, string> = (() => {
  const m = new Map<string, Set<string>>();
  const ranges: [number, number][] = [
    [0x41, 0x5a],
    [0x61, 0x7a],
    [0xc0, 0x24f],
    [0x1e00, 0x1eff],
  ];
  for (const [from, to] of ranges)
    for (let c = from; c <= to; c++) {
      const ch = String.fromCodePoint(c);
      const f = foldChar(ch);
      if (f.length !== 1) continue;
      if (!m.has(f)) m.set(f, new Set([f]));
      m.get(f)!.add(ch);
    }
  return new Map([...m].map(([k, v]) => [k, [...v].join('')]));
})();

const escapeClass = (s: string) => s.replace(/[\\\]^-]/g, '\\$&');

/**
 * A regular expression source that finds a folded word in unfolded text: each letter matches
 * any letter that folds to it, with combining marks after it (text in NFD), so a match gives
 * offsets in the original text directly. `prefix`: the word may go on (the last word typed).
 */
export function foldInsensitivePattern(word: string, prefix: boolean): string {
  let out = '';
  let first = true;
  for (const ch of word) {
    const v = VARIANTS.get(ch);
    const unit = v ? `[${escapeClass(v)}]` : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    // The word must start a word: checked just after its first letter (a lookbehind at every
    // position of a long text is several times slower than one after a letter that matched).
    out += first ? `${unit}(?<![\\p{L}\\p{N}\\p{M}]${unit})` : unit;
    if (v) out += '\\p{M}*';
    first = false;
  }
  return prefix ? out : `${out}(?![\\p{L}\\p{N}])`;
}
