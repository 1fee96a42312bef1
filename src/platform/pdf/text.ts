import { rgb, type PDFPage } from 'pdf-lib';
import { styleOf, type FontSet, type FontStyle } from './fonts.ts';

/** A stretch of text in one style. */
export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}
/** Plain text, one styled run, or a sequence of them ("Họ và tên: " + bold name). */
export type RichText = string | Run | ReadonlyArray<string | Run>;
export type Align = 'left' | 'center' | 'right' | 'justify';

interface Piece {
  text: string;
  style: FontStyle;
  underline: boolean;
  width: number;
}
/** A word: pieces that touch without a space, so a line never breaks inside it. */
interface Box {
  kind: 'box';
  pieces: Piece[];
  width: number;
}
interface Glue {
  kind: 'glue';
  style: FontStyle;
  width: number;
  /** A break opportunity inside a word (after "-" or "/"): no space drawn, never stretched. */
  soft?: boolean;
}
export interface Line {
  items: (Box | Glue)[];
  width: number;
  /** Last line of a paragraph or before a hard break: never stretched when justifying. */
  last: boolean;
}

export function toRuns(t: RichText, base: { bold?: boolean; italic?: boolean } = {}): Run[] {
  const list = typeof t === 'string' ? [t] : Array.isArray(t) ? t : [t as Run];
  return list.map((r) => (typeof r === 'string' ? { text: r, ...base } : { ...base, ...r }));
}

/** Plain text of rich text, for metadata and tests. */
export const plainText = (t: RichText) =>
  toRuns(t)
    .map((r) => r.text)
    .join('');

/** Widths through the embedded fonts, cached: a 120-row register measures the same words often. */
export class Measurer {
  private cache = new Map<string, number>();
  constructor(readonly fonts: FontSet) {}
  width(text: string, style: FontStyle, size: number): number {
    const key = `${style}\u0000${size}\u0000${text}`;
    let w = this.cache.get(key);
    if (w === undefined) {
      w = this.fonts[style].widthOfTextAtSize(text, size);
      this.cache.set(key, w);
    }
    return w;
  }
}

/**
 * Where a word may break without a space: after "-" or "/" (codes such as
 * 000.00.19.H26-261123-0042), but not inside a date (23/11/2026) nor in short abbreviations
 * such as "C/O" or "Ông/Bà": the part before the break has 4 characters or more, the part
 * after 3, and a slash between two digits never breaks.
 */
export function wordParts(word: string): string[] {
  const parts: string[] = [];
  for (const p of word.split(/(?<=[-/])(?=[^-/])/)) {
    const prev = parts[parts.length - 1];
    const date = prev !== undefined && /\d\/$/.test(prev) && /^\d/.test(p);
    if (prev !== undefined && (prev.length < 4 || p.length < 3 || date)) parts[parts.length - 1] = prev + p;
    else parts.push(p);
  }
  return parts;
}

type Token = { kind: 'word'; piece: Piece } | { kind: 'space'; style: FontStyle } | { kind: 'soft' } | { kind: 'break' };

function tokenize(runs: Run[], size: number, m: Measurer): Token[] {
  const out: Token[] = [];
  for (const r of runs) {
    const style = styleOf(r.bold, r.italic);
    // NFC: the font has a precomposed glyph for every Vietnamese letter, and text extracted
    // from the PDF must compare equal to what the caller gave in composed form.
    const text = r.text
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      .replace(/[^\S\n]/g, ' ');
    for (const seg of text.match(/\n| +|[^\n ]+/g) ?? []) {
      if (seg === '\n') out.push({ kind: 'break' });
      else if (seg.startsWith(' ')) out.push({ kind: 'space', style });
      // Codes such as 000.00.00.G22-261123-0001 or 15/GTN-BPMC may break after a hyphen
      // or slash when a narrow table column cannot hold them.
      else
        wordParts(seg).forEach((part, i) => {
          if (i) out.push({ kind: 'soft' });
          out.push({ kind: 'word', piece: { text: part, style, underline: !!r.underline, width: m.width(part, style, size) } });
        });
    }
  }
  return out;
}

/**
 * Greedy line breaking at spaces (and after "-" or "/" inside codes); a word wider than the
 * line is cut between letters. `firstWidth` is the first line's width when it differs (a
 * first-line indent).
 */
export function wrap(text: RichText, width: number, size: number, m: Measurer, base: { bold?: boolean; italic?: boolean } = {}, firstWidth = width): Line[] {
  const tokens = tokenize(toRuns(text, base), size, m);
  const lines: Line[] = [];
  const width0 = width;
  let maxWidth = firstWidth;
  let cur: (Box | Glue)[] = [];
  let used = 0;
  const flush = (last: boolean) => {
    while (cur.length && cur[cur.length - 1].kind === 'glue') used -= cur.pop()!.width;
    lines.push({ items: cur, width: used, last });
    cur = [];
    used = 0;
    maxWidth = width0;
  };
  const place = (box: Box) => {
    if (cur.length && used + box.width > maxWidth + 1e-6) flush(false);
    if (!cur.length)
      while (cur.length === 0 && box.width > maxWidth + 1e-6) {
        const [head, rest] = cutBox(box, maxWidth, size, m);
        if (!rest) break;
        lines.push({ items: [head], width: head.width, last: false });
        maxWidth = width0;
        box = rest;
      }
    cur.push(box);
    used += box.width;
  };
  let pending: Box | null = null;
  const endWord = () => {
    if (pending) place(pending);
    pending = null;
  };
  for (const t of tokens) {
    if (t.kind === 'word') {
      if (pending) {
        pending.pieces.push(t.piece);
        pending.width += t.piece.width;
      } else pending = { kind: 'box', pieces: [t.piece], width: t.piece.width };
      continue;
    }
    if (t.kind === 'soft') {
      // The parts of a hyphenated code are separate words joined by zero-width glue.
      endWord();
      if (cur.length && cur[cur.length - 1].kind !== 'glue') cur.push({ kind: 'glue', style: 'regular', width: 0, soft: true });
      continue;
    }
    endWord();
    if (t.kind === 'break') flush(true);
    else if (cur.length && cur[cur.length - 1].kind !== 'glue') {
      const w = m.width(' ', t.style, size);
      cur.push({ kind: 'glue', style: t.style, width: w });
      used += w;
    }
  }
  endWord();
  if (cur.length || !lines.length || tokens[tokens.length - 1]?.kind === 'break') flush(true);
  else lines[lines.length - 1].last = true;
  return lines;
}

/** The longest head of a word that fits (at least one letter), and the rest. */
function cutBox(box: Box, maxWidth: number, size: number, m: Measurer): [Box, Box | null] {
  const chars: { ch: string; style: FontStyle; underline: boolean }[] = [];
  for (const p of box.pieces) for (const ch of p.text) chars.push({ ch, style: p.style, underline: p.underline });
  const build = (cs: typeof chars): Box => {
    const pieces: Piece[] = [];
    for (const c of cs) {
      const last = pieces[pieces.length - 1];
      if (last && last.style === c.style && last.underline === c.underline) last.text += c.ch;
      else pieces.push({ text: c.ch, style: c.style, underline: c.underline, width: 0 });
    }
    for (const p of pieces) p.width = m.width(p.text, p.style, size);
    return { kind: 'box', pieces, width: pieces.reduce((s, p) => s + p.width, 0) };
  };
  let n = 1;
  while (n < chars.length && build(chars.slice(0, n + 1)).width <= maxWidth) n++;
  if (n >= chars.length) return [box, null];
  return [build(chars.slice(0, n)), build(chars.slice(n))];
}

/** Draws one wrapped line with its baseline at `y`, within [x, x + maxWidth]. */
export function drawLine(page: PDFPage, fonts: FontSet, m: Measurer, line: Line, x: number, y: number, maxWidth: number, size: number, align: Align) {
  const free = Math.max(0, maxWidth - line.width);
  const glues = line.items.filter((i) => i.kind === 'glue' && !i.soft).length;
  const justify = align === 'justify' && !line.last && glues > 0;
  let cx = x + (align === 'center' ? free / 2 : align === 'right' ? free : 0);
  const extra = justify ? free / glues : 0;
  const color = rgb(0, 0, 0);
  // Without stretching, a line is drawn as few strings as possible (spaces included), so
  // text extraction sees real space characters; justified lines place each word.
  type Seg = { text: string; style: FontStyle; underline: boolean; x: number; width: number };
  const segs: Seg[] = [];
  const add = (text: string, style: FontStyle, underline: boolean, width: number, join: boolean) => {
    const last = segs[segs.length - 1];
    if (join && last && last.style === style && last.underline === underline) {
      last.text += text;
      last.width += width;
    } else segs.push({ text, style, underline, x: cx, width });
    cx += width;
  };
  for (const it of line.items) {
    if (it.kind === 'glue') {
      if (it.soft) continue;
      if (justify) cx += it.width + extra;
      else add(' ', it.style, false, it.width, true);
      continue;
    }
    it.pieces.forEach((p, i) => add(p.text, p.style, p.underline, p.width, !justify || i > 0));
  }
  for (const s of segs) {
    page.drawText(s.text, { x: s.x, y, size, font: fonts[s.style], color });
    if (s.underline) {
      const uy = y - size * 0.14;
      page.drawLine({ start: { x: s.x, y: uy }, end: { x: s.x + m.width(s.text, s.style, size), y: uy }, thickness: size * 0.055, color });
    }
  }
}

/**
 * Wraps centred text into as many lines as greedy wrapping needs, but with lines of even
 * length: "BỘ PHẬN TIẾP NHẬN / VÀ TRẢ KẾT QUẢ" rather than a last line holding one word.
 */
export function wrapBalanced(text: RichText, width: number, size: number, m: Measurer, base: { bold?: boolean; italic?: boolean } = {}): Line[] {
  const lines = wrap(text, width, size, m, base);
  if (lines.length < 2 || lines.some((l, i) => l.last && i < lines.length - 1)) return lines;
  let lo = Math.max(...lines.map((l) => l.width)) / lines.length;
  let hi = width;
  let best = lines;
  for (let i = 0; i < 12 && hi - lo > 0.5; i++) {
    const mid = (lo + hi) / 2;
    const t = wrap(text, mid, size, m, base);
    if (t.length === lines.length) {
      best = t;
      hi = mid;
    } else lo = mid;
  }
  return best;
}
