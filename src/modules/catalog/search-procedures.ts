import { sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';

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
  const words = folded.split(' ').map((w) => w.replace(/^\.+|\.+$/g, '')).filter(Boolean).slice(0, 12);
  if (!words.length) return null;
  return words.map((w, i) => `'${w.replace(/'/g, '')}'${i === words.length - 1 ? ':*' : ''}`).join(' & ');
}

const inForce = sql<boolean>`v.effective_from <= now() and (v.effective_to is null or v.effective_to > now())`;

/**
 * Vietnamese-aware search over the versions in force: the query and the stored text are
 * folded the same way (case, diacritics, đ), words match through the full-text index and
 * near-misses through trigrams; exact and prefix name matches rank first.
 */
export async function searchProcedures(ctx: Ctx, query: SearchQuery): Promise<{ items: ProcedureSummary[]; total: number; page: number; pageSize: number }> {
  const folded = foldVietnamese(query.q ?? '');
  const tsq = toTsQuery(folded);
  const filters = [inForce];
  if (query.field) filters.push(sql`v.field = ${query.field}`);
  if (query.agency) filters.push(sql`v.agency_code = ${query.agency}`);
  if (query.level) filters.push(sql`v.level = ${query.level}`);
  if (tsq) filters.push(sql`(v.search_doc @@ to_tsquery('simple', ${tsq}) or v.name_norm % ${folded} or v.procedure_code = ${query.q!.trim()})`);
  const order = tsq
    ? sql`(v.name_norm = ${folded}) desc, (v.name_norm like ${`${folded}%`}) desc,
          ts_rank(v.search_doc, to_tsquery('simple', ${tsq})) + similarity(v.name_norm, ${folded}) desc, v.procedure_code`
    : sql`v.name_norm, v.procedure_code`;
  const offset = (query.page - 1) * query.pageSize;
  const { rows } = await sql<{
    code: string; name: string; field: string; agency_code: string | null; level: 'full' | 'partial'; version: number; data: { agencyName: string | null; methods: { channel: string; processingTime: number; processingTimeUnit: string; fees: { value: number }[] }[] }; total: number;
  }>`select v.procedure_code as code, v.name, v.field, v.agency_code, v.level, v.version,
            jsonb_build_object('agencyName', v.data->'agencyName', 'methods', v.data->'methods') as data,
            count(*) over () as total
       from procedure_versions v
      where ${sql.join(filters, sql` and `)}
      order by ${order}
      limit ${query.pageSize} offset ${offset}`.execute(ctx.database.db);
  return {
    items: rows.map((r) => {
      const m = r.data.methods.find((x) => x.channel === 'ONLINE') ?? r.data.methods[0];
      const fees = r.data.methods.flatMap((x) => x.fees.map((f) => f.value));
      return {
        code: r.code, name: r.name, field: r.field, agencyCode: r.agency_code, agencyName: r.data.agencyName, level: r.level, version: r.version,
        processingTime: m?.processingTime ?? null, processingTimeUnit: m?.processingTimeUnit ?? null, feeFrom: fees.length ? Math.min(...fees) : null,
      };
    }),
    total: rows[0]?.total ?? (offset > 0 ? await countOnly(ctx, filters) : 0),
    page: query.page,
    pageSize: query.pageSize,
  };
}

async function countOnly(ctx: Ctx, filters: ReturnType<typeof sql>[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from procedure_versions v where ${sql.join(filters, sql` and `)}`.execute(ctx.database.db);
  return rows[0].n;
}

export interface Facet {
  value: string;
  label: string;
  count: number;
}

/** Fields and agencies of the procedures in force, with counts, for browsing. */
export async function catalogFacets(ctx: Ctx): Promise<{ fields: Facet[]; agencies: Facet[] }> {
  const db = ctx.database.db;
  const [fields, agencies] = await Promise.all([
    sql<{ value: string; count: number }>`select field as value, count(*)::int as count from procedure_versions v where ${inForce} group by field order by field`.execute(db),
    sql<{ value: string; label: string | null; count: number }>`select agency_code as value, max(data->>'agencyName') as label, count(*)::int as count from procedure_versions v where ${inForce} and agency_code is not null group by agency_code order by 2`.execute(db),
  ]);
  return {
    fields: fields.rows.map((r) => ({ value: r.value, label: r.value, count: r.count })),
    agencies: agencies.rows.map((r) => ({ value: r.value, label: r.label ?? r.value, count: r.count })),
  };
}
