import { sql, type Expression, type SqlBool } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import { foldInsensitivePattern } from './fold-map.ts';
import { emptyMetadata, type Metadata } from './metadata-fields.ts';
import type { SearchHit, SearchQuery } from './schemas-items.ts';

/** Matches are counted up to here; beyond, the page says "more than". */
const COUNT_CAP = 1000;
/** Characters of context shown before and after the first match. */
const BEFORE = 80;
const AFTER = 200;

type Row = {
  code: string;
  kind: SearchHit['kind'];
  dossier_code: string | null;
  component_code: string | null;
  metadata: Partial<Metadata>;
  holder_name: string | null;
  confirmed_at: Date | null;
  created_at: Date;
  matched: number;
  meta_hits: number;
};

/** The words of a query as the search columns hold them (foldVietnamese), without duplicates, at most 12. */
export function queryWords(q: string): string[] {
  const words = foldVietnamese(q)
    .split(' ')
    .map((w) => w.replace(/^\.+|\.+$/g, '').replace(/'/g, ''))
    .filter(Boolean);
  return [...new Set(words)].slice(0, 12);
}

/**
 * Full-text search over what was digitised: the OCR text and the metadata, folded the same way as
 * the query (case, diacritics and đ/d do not matter), through the `simple` tsvector index. Any
 * word may match (the last one as a prefix, as it is typed); items matching more of the words
 * come first, then those whose metadata matched, then by ts_rank, then the newest. Each hit has a
 * snippet of the text around its first match, as written, with the matches marked.
 *
 * Scoped by the principal, in the operation: officials see the items of the units they cover
 * (coveredUnits: their units and those beneath), citizens and businesses the items in their own
 * e-data repository, others nothing. An empty query lists the newest items of that scope.
 */
export async function searchDigitised(
  ctx: Ctx,
  p: Principal,
  q: SearchQuery,
): Promise<{ items: SearchHit[]; total: number; totalCapped: boolean; page: number; pageSize: number }> {
  const empty = { items: [], total: 0, totalCapped: false, page: q.page, pageSize: q.pageSize };
  let scope: Expression<SqlBool>;
  if (p.kind === 'citizen') scope = sql<SqlBool>`i.owner_citizen_id = ${p.id}`;
  else if (p.kind === 'staff') {
    const units = await coveredUnits(ctx, p);
    if (!units.length) return empty;
    scope = sql<SqlBool>`i.unit_id = any(${units}::text[])`;
  } else return empty;

  const words = queryWords(q.q);
  const tsWord = (w: string, last: boolean) => `'${w}'${last ? ':*' : ''}`;
  const perWord = words.map((w, i) => tsWord(w, i === words.length - 1));
  const any = perWord.join(' | ');
  const match = words.length ? sql<SqlBool>` and i.search_doc @@ to_tsquery('simple', ${any})` : sql``;
  const db = ctx.database.db;
  const offset = (q.page - 1) * q.pageSize;

  const matched = words.length
    ? sql.join(
        perWord.map((w) => sql`(i.search_doc @@ to_tsquery('simple', ${w}))::int`),
        sql` + `,
      )
    : sql`0`;
  const metaHits = words.length
    ? sql.join(
        perWord.map((w) => sql`(i.meta_doc @@ to_tsquery('simple', ${w}))::int`),
        sql` + `,
      )
    : sql`0`;
  const order = words.length
    ? sql`matched desc, meta_hits desc, ts_rank(i.search_doc, to_tsquery('simple', ${any})) desc, i.created_at desc, i.code`
    : sql`i.created_at desc, i.code`;
  const [rows, count] = await Promise.all([
    sql<Row>`select i.code, i.kind, i.dossier_code, i.component_code, i.metadata, i.holder_name, i.confirmed_at, i.created_at,
                    ${matched} as matched, ${metaHits} as meta_hits
               from digitised_items i
              where ${scope}${match}
              order by ${order}
              limit ${q.pageSize} offset ${offset}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from (select 1 from digitised_items i where ${scope}${match} limit ${COUNT_CAP + 1}) x`.execute(db),
  ]);
  const n = count.rows[0].n;
  const texts = new Map<string, string>();
  if (words.length && rows.rows.length) {
    const codes = rows.rows.map((r) => r.code);
    for (const t of await db.selectFrom('digitised_items').select(['code', 'text']).where('code', 'in', codes).execute()) texts.set(t.code, t.text);
  }
  return {
    items: rows.rows.map((r) => {
      const m = { ...emptyMetadata(), ...r.metadata };
      return {
        code: r.code,
        kind: r.kind,
        dossierCode: r.dossier_code,
        componentCode: r.component_code,
        documentName: m.documentName,
        issuingAgency: m.issuingAgency,
        issueDate: m.issueDate,
        holderName: r.holder_name,
        confirmed: r.confirmed_at !== null,
        matchedWords: Number(r.matched),
        metadataHit: Number(r.meta_hits) > 0,
        snippet: words.length ? snippetOf(texts.get(r.code) ?? '', m, words) : null,
      };
    }),
    total: Math.min(n, COUNT_CAP),
    totalCapped: n > COUNT_CAP,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** The query words as one expression over unfolded text (the last word as a prefix). */
function wordsPattern(words: string[]): RegExp {
  return new RegExp(words.map((w, i) => foldInsensitivePattern(w, i === words.length - 1)).join('|'), 'giu');
}

/**
 * The text around the first match of any query word, as written (diacritics kept), cut at
 * spaces, with the offsets of every match inside it. Offsets are UTF-16 indexes into the
 * snippet's own text, found on the original characters (not on folded text, whose length can
 * differ), so a page can wrap them in <mark> as they are. From the metadata when the words
 * matched only there.
 */
export function snippetOf(text: string, m: Metadata, words: string[]): SearchHit['snippet'] {
  if (!words.length) return null;
  const re = wordsPattern(words);
  const fromText = cut(text, re);
  if (fromText) return { from: 'text', ...fromText };
  const meta = [
    m.documentName,
    m.number && m.notation ? `${m.number}/${m.notation}` : (m.number ?? m.notation),
    m.issuingAgency,
    m.subjectName,
    m.subjectIdentifier,
  ]
    .filter((v): v is string => Boolean(v))
    .join(' · ');
  const fromMeta = cut(meta, re);
  return fromMeta ? { from: 'metadata', ...fromMeta } : null;
}

function cut(source: string, re: RegExp): Omit<NonNullable<SearchHit['snippet']>, 'from'> | null {
  re.lastIndex = 0;
  const first = re.exec(source);
  if (!first) return null;
  let start = Math.max(0, first.index - BEFORE);
  let end = Math.min(source.length, first.index + first[0].length + AFTER);
  // Whole words at both ends (unless that would lose most of the window).
  if (start > 0) {
    const sp = source.indexOf(' ', start);
    if (sp !== -1 && sp < first.index) start = sp + 1;
  }
  if (end < source.length) {
    const sp = source.lastIndexOf(' ', end);
    if (sp > first.index + first[0].length) end = sp;
  }
  // Never split a surrogate pair or a letter from its combining marks.
  while (start > 0 && /\p{M}|[\uDC00-\uDFFF]/u.test(source[start])) start--;
  while (end < source.length && /\p{M}|[\uDC00-\uDFFF]/u.test(source[end])) end++;
  const raw = source.slice(start, end);
  const text = raw.replace(/\s/g, ' ');
  const highlights: { start: number; end: number }[] = [];
  re.lastIndex = 0;
  for (let x = re.exec(raw); x; x = re.exec(raw)) {
    if (x[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    highlights.push({ start: x.index, end: x.index + x[0].length });
  }
  let marked = '';
  let at = 0;
  for (const h of highlights) {
    marked += `${text.slice(at, h.start)}«${text.slice(h.start, h.end)}»`;
    at = h.end;
  }
  marked += text.slice(at);
  return {
    text: `${start > 0 ? '…' : ''}${text}${end < source.length ? '…' : ''}`,
    marked: `${start > 0 ? '…' : ''}${marked}${end < source.length ? '…' : ''}`,
    highlights: highlights.map((h) => (start > 0 ? { start: h.start + 1, end: h.end + 1 } : h)),
  };
}
