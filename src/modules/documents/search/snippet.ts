import { foldVietnamese } from '../../../platform/i18n/index.ts';

/** Characters of context shown before and after the first match. */
const BEFORE = 80;
const AFTER = 200;

export interface Snippet {
  /** As written (diacritics kept), "…" where it was cut. */
  text: string;
  /** [start, end) UTF-16 offsets into `text` of each match. */
  highlights: { start: number; end: number }[];
}

/** The words of a query as the search columns hold them (foldVietnamese), without duplicates, at most 12. */
export function queryWords(q: string): string[] {
  const words = foldVietnamese(q)
    .split(' ')
    .map((w) => w.replace(/^\.+|\.+$/g, ''))
    .filter(Boolean);
  return [...new Set(words)].slice(0, 12);
}

const LETTER = /[\p{L}\p{N}]/u;

/**
 * Each code point of `s` folded on its own (so positions map back), with the index of the
 * original code point each folded character came from. Combining marks fold to nothing.
 */
function foldMapped(s: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of s) {
    const f = /\p{M}/u.test(ch) ? '' : LETTER.test(ch) ? foldVietnamese(ch) || ch.toLowerCase() : ' ';
    for (const c of f) {
      folded += c;
      origin.push(i);
    }
    i += ch.length;
  }
  return { folded, origin };
}

/** End (exclusive, UTF-16) of the original code point at `i`, with the combining marks after it. */
function endOf(s: string, i: number): number {
  let end = i + (s.codePointAt(i)! > 0xffff ? 2 : 1);
  while (end < s.length && /\p{M}/u.test(String.fromCodePoint(s.codePointAt(end)!))) end += s.codePointAt(end)! > 0xffff ? 2 : 1;
  return end;
}

/**
 * Where the query words occur in `source`, as [start, end) offsets of the original text: each
 * word at the start of a word, whole, except the last, which may be a prefix (as it is typed).
 * Found on a folded copy, so "quyet dinh" finds "Quyết định".
 */
export function findWords(source: string, words: string[]): { start: number; end: number }[] {
  if (!words.length || !source) return [];
  const { folded, origin } = foldMapped(source);
  const out: { start: number; end: number }[] = [];
  words.forEach((w, k) => {
    const prefix = k === words.length - 1;
    for (let at = folded.indexOf(w); at !== -1; at = folded.indexOf(w, at + 1)) {
      if (at > 0 && LETTER.test(folded[at - 1])) continue;
      const after = at + w.length;
      if (!prefix && after < folded.length && LETTER.test(folded[after])) continue;
      out.push({ start: origin[at], end: endOf(source, origin[after - 1]) });
    }
  });
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  // Overlapping matches (one word inside another) become one.
  const merged: { start: number; end: number }[] = [];
  for (const m of out) {
    const last = merged.at(-1);
    if (last && m.start < last.end) last.end = Math.max(last.end, m.end);
    else merged.push({ ...m });
  }
  return merged;
}

/**
 * The text around the first match of any query word, cut at spaces, with every match inside it
 * marked by offsets into the snippet's own text; null when no word occurs.
 */
export function snippetOf(source: string, words: string[]): Snippet | null {
  const all = findWords(source, words);
  if (!all.length) return null;
  const first = all[0];
  let start = Math.max(0, first.start - BEFORE);
  let end = Math.min(source.length, first.end + AFTER);
  if (start > 0) {
    const sp = source.indexOf(' ', start);
    if (sp !== -1 && sp < first.start) start = sp + 1;
  }
  if (end < source.length) {
    const sp = source.lastIndexOf(' ', end);
    if (sp >= first.end) end = sp;
  }
  // Never split a surrogate pair or a letter from its combining marks.
  while (start > 0 && /\p{M}|[\uDC00-\uDFFF]/u.test(source[start])) start--;
  while (end < source.length && /\p{M}|[\uDC00-\uDFFF]/u.test(source[end])) end++;
  const lead = start > 0 ? '…' : '';
  const text = `${lead}${source.slice(start, end).replace(/\s/g, ' ')}${end < source.length ? '…' : ''}`;
  const highlights = all
    .filter((h) => h.start >= start && h.end <= end)
    .map((h) => ({ start: h.start - start + lead.length, end: h.end - start + lead.length }));
  return { text, highlights };
}
