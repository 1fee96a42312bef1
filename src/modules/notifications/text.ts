/**
 * Text helpers for messages: HTML escaping, accent stripping that keeps case (the search
 * folding in platform/i18n lowercases, which reads badly in a message), the GSM-7 alphabet
 * that many SMS gateways are limited to, and fitting a short message into 160 characters.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** Vietnamese without diacritics, case kept: "Đăng ký Hộ kinh doanh" → "Dang ky Ho kinh doanh". */
export function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

// GSM 03.38: the basic set costs one septet, the extension set two (escape + char).
const GSM_BASIC = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const GSM_EXTENSION = new Set('^{}\\[~]|€');
const TYPOGRAPHY: Record<string, string> = { '“': '"', '”': '"', '„': '"', '‘': "'", '’': "'", '–': '-', '—': '-', '…': '...', '\u00a0': ' ', '\t': ' ' };

/** Text an SMS gateway limited to GSM-7 can carry: accents stripped, typography made plain, anything else '?'. */
export function toGsm7(s: string): string {
  let out = '';
  for (const c of stripAccents(s)) {
    const plain = TYPOGRAPHY[c] ?? c;
    for (const p of plain) out += GSM_BASIC.has(p) || GSM_EXTENSION.has(p) ? p : '?';
  }
  return out;
}

/** Length in septets of a GSM-7 text (what the 160 limit of one SMS counts). */
export const gsmLength = (s: string) => [...s].reduce((n, c) => n + (GSM_EXTENSION.has(c) ? 2 : 1), 0);

/** Length in characters (code points), what a Unicode channel such as Zalo counts. */
export const charLength = (s: string) => [...s].length;

/** One line: line breaks and runs of spaces in data become a single space. */
export const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * A short-message part. Strings are fixed; an elastic part is shortened, or dropped with
 * its surrounding words, so the whole fits. Lower `priority` numbers keep their room first.
 */
export type Part = string | { value: string; before?: string; after?: string; priority: number };

export interface FitOptions {
  max: number;
  measure: (s: string) => number;
  ellipsis: string;
  /** Applied to every part before measuring (e.g. toGsm7 for SMS). */
  map?: (s: string) => string;
}

/** Below this many characters a shortened value says nothing useful: the part is dropped instead. */
const MIN_USEFUL = 12;

/**
 * Joins the parts so the result measures at most `max`: elastic parts are cut (with an
 * ellipsis) or dropped, in priority order; if the fixed parts alone are too long, the text
 * itself is cut. Deterministic, so the same data always gives the same message.
 */
export function fitShort(parts: Part[], o: FitOptions): string {
  const map = o.map ?? ((s: string) => s);
  const norm = parts.map((p) =>
    typeof p === 'string'
      ? map(p.replace(/\s+/g, ' '))
      : { value: map(oneLine(p.value)), before: map(p.before ?? ''), after: map(p.after ?? ''), priority: p.priority },
  );
  let room = o.max - norm.reduce((n, p) => n + (typeof p === 'string' ? o.measure(p) : 0), 0);
  const chosen = new Map<number, string>();
  const order = norm.map((p, i) => ({ p, i })).filter((x) => typeof x.p !== 'string') as { p: Exclude<(typeof norm)[number], string>; i: number }[];
  order.sort((a, b) => a.p.priority - b.p.priority || a.i - b.i);
  for (const { p, i } of order) {
    if (!p.value) continue;
    const wrap = o.measure(p.before) + o.measure(p.after);
    const need = o.measure(p.value);
    if (wrap + need <= room) {
      chosen.set(i, p.before + p.value + p.after);
      room -= wrap + need;
      continue;
    }
    const budget = room - wrap - o.measure(o.ellipsis);
    if (budget < Math.min(MIN_USEFUL, need)) continue;
    const cut = atWord(p.value, cutTo(p.value, budget, o.measure)) + o.ellipsis;
    chosen.set(i, p.before + cut + p.after);
    room -= wrap + o.measure(cut);
  }
  const text = norm.map((p, i) => (typeof p === 'string' ? p : (chosen.get(i) ?? ''))).join('');
  return o.measure(text) <= o.max ? text : cutTo(text, o.max, o.measure);
}

/** A cut prefix moved back to the end of its last whole word, unless that loses more than half of it. */
function atWord(whole: string, prefix: string): string {
  if (whole.length === prefix.length || /\s/.test(whole[prefix.length] ?? ' ')) return prefix.trimEnd();
  const space = prefix.search(/\s\S*$/);
  return space > prefix.length / 2 ? prefix.slice(0, space).trimEnd() : prefix.trimEnd();
}

/** The longest prefix (whole code points) measuring at most `max`; both measures add up per character. */
function cutTo(s: string, max: number, measure: (s: string) => number): string {
  let out = '';
  let n = 0;
  for (const c of s) {
    n += measure(c);
    if (n > max) break;
    out += c;
  }
  return out;
}
