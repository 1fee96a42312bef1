import { sql, type RawBuilder } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { foldVietnamese } from '../../../platform/i18n/index.ts';
import { queryWords, snippetOf } from './snippet.ts';
import { FILE_READERS } from '../files/schemas.ts';
import { documentUnits } from './visible-units.ts';
import { DocumentSearchQuery, type DocumentHit, type DocumentSearchResult, type IndexedDocumentView } from './schemas.ts';

/** Matches are counted up to here; beyond, the page says "more than". */
const COUNT_CAP = 1000;

interface Row {
  kind: 'incoming' | 'outgoing';
  id: string;
  unit_id: string;
  number_notation: string | null;
  subject: string;
  organ: string | null;
  doc_date: string | null;
  status: string | null;
  matched: number;
}

export const viewOf = (r: Omit<Row, 'matched'>): IndexedDocumentView => ({
  kind: r.kind,
  id: r.id,
  unitId: r.unit_id,
  numberNotation: r.number_notation,
  subject: r.subject,
  organ: r.organ,
  date: r.doc_date,
  status: r.status,
});

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Full-text search over official documents (incoming and outgoing): their number and notation,
 * subject, agency, summary and OCR text, folded as the index folds them (case, diacritics and
 * đ/d do not matter), through the `simple` tsvector; the whole query also matches inside the
 * metadata as typed ("05/qđ-bct"), through the trigram index. Any word may match (the last as a
 * prefix, as it is typed); documents with more of the words come first, then a whole-query match
 * in the metadata, then metadata matches, then ts_rank, then the newest. Each hit has a snippet
 * around its first match, as written, with the matches marked.
 *
 * Officials see the documents of the units where they are clerks, leaders, specialists or auditors, and
 * of those beneath; others none.
 * An empty query lists the newest documents of that scope. Read-only: routes run it on the replica.
 */
export async function searchDocuments(ctx: Ctx, p: Principal, input: DocumentSearchQuery): Promise<DocumentSearchResult> {
  const q = DocumentSearchQuery.parse(input);
  const empty = { items: [], total: 0, totalCapped: false, page: q.page, pageSize: q.pageSize };
  // Only the roles that read documents count: a clerk here and a cashier there sees this unit's documents only.
  const units = await documentUnits(ctx, p, FILE_READERS);
  if (!units.length) return empty;

  const words = queryWords(q.q);
  const phrase = foldVietnamese(q.q);
  const perWord = words.map((w, i) => `'${w.replace(/'/g, '')}'${i === words.length - 1 ? ':*' : ''}`);
  const any = perWord.join(' | ');
  const filters: RawBuilder<unknown>[] = [sql`d.unit_id = any(${units}::text[])`];
  if (q.kind) filters.push(sql`d.kind = ${q.kind}`);
  if (q.year) filters.push(sql`d.doc_date >= ${`${q.year}-01-01`}::date and d.doc_date < ${`${q.year + 1}-01-01`}::date`);
  const phraseHit = sql`(d.meta_norm like ${`%${likeEscape(phrase)}%`})`;
  if (words.length) filters.push(sql`(d.search_doc @@ to_tsquery('simple', ${any}) or ${phraseHit})`);
  const where = sql.join(filters, sql` and `);

  const count = (col: 'search_doc' | 'meta_doc') =>
    words.length
      ? sql.join(
          perWord.map((w) => sql`(d.${sql.ref(col)} @@ to_tsquery('simple', ${w}))::int`),
          sql` + `,
        )
      : sql`0`;
  const order = words.length
    ? sql`matched desc, ${phraseHit} desc, ${count('meta_doc')} desc, ts_rank(d.search_doc, to_tsquery('simple', ${any})) desc,
          d.doc_date desc nulls last, d.updated_at desc, d.id`
    : sql`d.doc_date desc nulls last, d.updated_at desc, d.id`;
  const db = ctx.database.db;
  const [rows, n] = await Promise.all([
    sql<Row>`select d.kind, d.id, d.unit_id, d.number_notation, d.subject, d.organ, d.doc_date, d.status,
                    ${count('search_doc')} as matched
               from document_search d
              where ${where}
              order by ${order}
              limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from (select 1 from document_search d where ${where} limit ${COUNT_CAP + 1}) x`.execute(db),
  ]);

  // The texts only of the page's hits, for their snippets.
  const texts = new Map<string, string>();
  if (words.length && rows.rows.length) {
    const found = await db
      .selectFrom('document_search')
      .select(['kind', 'id', 'text'])
      .where((eb) => eb.or(rows.rows.map((r) => eb.and([eb('kind', '=', r.kind), eb('id', '=', r.id)]))))
      .execute();
    for (const t of found) texts.set(`${t.kind}:${t.id}`, t.text);
  }
  const items: DocumentHit[] = rows.rows.map((r) => {
    let snippet: DocumentHit['snippet'] = null;
    if (words.length) {
      const meta = [r.number_notation, r.subject, r.organ].filter(Boolean).join(' · ');
      const fromMeta = snippetOf(meta, words);
      const fromText = fromMeta ? null : snippetOf(texts.get(`${r.kind}:${r.id}`) ?? '', words);
      snippet = fromMeta ? { from: 'metadata', ...fromMeta } : fromText ? { from: 'text', ...fromText } : null;
    }
    return { ...viewOf(r), matchedWords: Number(r.matched), snippet };
  });
  const total = n.rows[0].n;
  return { items, total: Math.min(total, COUNT_CAP), totalCapped: total > COUNT_CAP, page: q.page, pageSize: q.pageSize };
}

/**
 * What the index holds of the named documents (a work file's table of documents), by
 * `kind:id`; those not indexed are absent. No visibility check: the caller has checked the
 * work file that lists them.
 */
export async function indexedDocuments(ctx: Ctx, refs: readonly { kind: 'incoming' | 'outgoing'; id: string }[]): Promise<Map<string, IndexedDocumentView>> {
  if (!refs.length) return new Map();
  const rows = await ctx.database.db
    .selectFrom('document_search')
    .select(['kind', 'id', 'unit_id', 'number_notation', 'subject', 'organ', 'doc_date', 'status'])
    .where((eb) => eb.or(refs.map((r) => eb.and([eb('kind', '=', r.kind), eb('id', '=', r.id)]))))
    .execute();
  return new Map(rows.map((r) => [`${r.kind}:${r.id}`, viewOf(r)]));
}
