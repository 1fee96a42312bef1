import { sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import type { ProcedureSummaryColumn } from '../../platform/db/schema.ts';

export const SearchQuery = z.object({
  q: z.string().max(200).optional(),
  field: z.string().max(300).optional(),
  agency: z.string().max(40).optional(),
  level: z.enum(['full', 'partial']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const ProcedureSummary = z.object({
  code: z.string(),
  name: z.string(),
  field: z.string(),
  agencyCode: z.string().nullable(),
  agencyName: z.string().nullable(),
  level: z.enum(['full', 'partial']),
  version: z.number().int(),
  processingTime: z.number().nullable(),
  processingTimeUnit: z.string().nullable(),
  feeFrom: z.number().nullable(),
});
export type ProcedureSummary = z.infer<typeof ProcedureSummary>;

/** The tsquery for a folded query: every word must match, the last one as a prefix (typing). */
export function toTsQuery(folded: string): string | null {
  const words = folded
    .split(' ')
    .map((w) => w.replace(/^\.+|\.+$/g, ''))
    .filter(Boolean)
    .slice(0, 12);
  if (!words.length) return null;
  return words.map((w, i) => `'${w.replace(/'/g, '')}'${i === words.length - 1 ? ':*' : ''}`).join(' & ');
}

const inForce = sql<boolean>`v.effective_from <= now() and (v.effective_to is null or v.effective_to > now())`;

type Row = {
  code: string;
  name: string;
  field: string;
  agency_code: string | null;
  level: 'full' | 'partial';
  version: number;
  summary: ProcedureSummaryColumn;
  total: number;
};

/**
 * Vietnamese-aware search over the versions in force. The query and the stored text are
 * folded the same way (case, diacritics, đ), so every spelling finds the same rows. Words
 * match through the full-text index, the last one as a prefix; only when nothing matches
 * does a trigram search look for near-misses (typos). Ranking is cheap on purpose: the exact
 * name, then names starting with the query, then names containing it as a phrase, then the
 * shortest names (the most specific procedure for those words).
 */
export async function searchProcedures(ctx: Ctx, query: SearchQuery): Promise<{ items: ProcedureSummary[]; total: number; page: number; pageSize: number }> {
  const folded = foldVietnamese(query.q ?? '');
  const tsq = toTsQuery(folded);
  const filters = [inForce];
  if (query.field) filters.push(sql`v.field = ${query.field}`);
  if (query.agency) filters.push(sql`v.agency_code = ${query.agency}`);
  if (query.level) filters.push(sql`v.level = ${query.level}`);
  const offset = (query.page - 1) * query.pageSize;
  const db = ctx.database.db;
  const select = (match: ReturnType<typeof sql> | null, order: ReturnType<typeof sql>) =>
    sql<Row>`select v.procedure_code as code, v.name, v.field, v.agency_code, v.level, v.version, v.summary, count(*) over () as total
               from procedure_versions v
              where ${sql.join(match ? [...filters, match] : filters, sql` and `)}
              order by ${order}
              limit ${query.pageSize} offset ${offset}`;

  let rows: Row[];
  if (!tsq) {
    rows = (await select(null, sql`v.name_norm, v.procedure_code`).execute(db)).rows;
  } else {
    const code = query.q!.trim();
    const byWords = (q: string, f: string) =>
      select(
        /^[0-9][0-9.]*$/.test(code) ? sql`v.procedure_code = ${code}` : sql`v.search_doc @@ to_tsquery('simple', ${q})`,
        sql`(v.name_norm = ${f}) desc, starts_with(v.name_norm, ${f}) desc, strpos(v.name_norm, ${f}) > 0 desc, length(v.name_norm), v.procedure_code`,
      ).execute(db);
    rows = (await byWords(tsq, folded)).rows;
    if (!rows.length) {
      const corrected = await correctWords(ctx, folded);
      const ctsq = corrected && toTsQuery(corrected);
      if (ctsq) rows = (await byWords(ctsq, corrected)).rows;
    }
  }
  return {
    items: rows.map((r) => ({ code: r.code, name: r.name, field: r.field, agencyCode: r.agency_code, level: r.level, version: r.version, ...r.summary })),
    total: rows[0]?.total ?? (offset > 0 && !tsq ? await countOnly(ctx, filters) : 0),
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * Replaces each query word the catalogue does not contain by its nearest catalogue word
 * (trigram similarity over the vocabulary, a few thousand short words), so a typo still
 * finds the procedure. Returns null when nothing could be corrected.
 */
export async function correctWords(ctx: Ctx, folded: string): Promise<string | null> {
  const words = folded.split(' ').filter(Boolean).slice(0, 12);
  const { rows } = await sql<{ w: string; best: string | null }>`
    select q.w, (select c.word from catalog_words c where c.word % q.w order by similarity(c.word, q.w) desc, c.word limit 1) as best
      from unnest(${words}::text[]) with ordinality as q(w, n) order by q.n`.execute(ctx.database.db);
  const out = rows.map((r) => r.best ?? r.w);
  return out.join(' ') === folded ? null : out.join(' ');
}

async function countOnly(ctx: Ctx, filters: ReturnType<typeof sql>[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from procedure_versions v where ${sql.join(filters, sql` and `)}`.execute(
    ctx.database.db,
  );
  return rows[0].n;
}

export interface Facet {
  value: string;
  label: string;
  count: number;
}

type Facets = { fields: Facet[]; agencies: Facet[] };
const facetCache = new WeakMap<object, { key: string; value: Promise<Facets> }>();

/**
 * Fields and agencies of the procedures in force, with counts, for browsing. Every catalogue
 * page shows them, so they are cached per node until a version is added or a minute passes
 * (effective dates move with the clock).
 */
export async function catalogFacets(ctx: Ctx): Promise<Facets> {
  const { rows } = await sql<{ last: number | null }>`select max(id) as last from procedure_versions`.execute(ctx.database.db);
  const key = `${rows[0].last}@${Math.floor(Date.now() / 60_000)}`;
  const hit = facetCache.get(ctx.database);
  if (hit?.key === key) return hit.value;
  const value = computeFacets(ctx);
  facetCache.set(ctx.database, { key, value });
  value.catch(() => facetCache.delete(ctx.database));
  return value;
}

async function computeFacets(ctx: Ctx): Promise<Facets> {
  const db = ctx.database.db;
  const [fields, agencies] = await Promise.all([
    sql<{
      value: string;
      count: number;
    }>`select field as value, count(*)::int as count from procedure_versions v where ${inForce} group by field order by field`.execute(db),
    sql<{
      value: string;
      label: string | null;
      count: number;
    }>`select agency_code as value, max(summary->>'agencyName') as label, count(*)::int as count from procedure_versions v where ${inForce} and agency_code is not null group by agency_code order by 2`.execute(
      db,
    ),
  ]);
  return {
    fields: fields.rows.map((r) => ({ value: r.value, label: r.value, count: r.count })),
    agencies: agencies.rows.map((r) => ({ value: r.value, label: r.label ?? r.value, count: r.count })),
  };
}
