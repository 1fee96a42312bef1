import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';

export interface ProcedureIndexCounts {
  /** Versions taking effect in the period, and those of them published on or before their effective day. */
  versionsEffective: number;
  versionsPublishedOnTime: number;
  /** Procedures in force at the end of the period, and those of them offered as full online services. */
  inForce: number;
  inForceFullOnline: number;
}

/**
 * The catalogue's part of the service index, over the whole catalogue, a field or one procedure.
 * Days are Vietnam local days. Internal: counts only, for the indicators module.
 */
export async function countProceduresForIndex(
  ctx: Ctx,
  q: { from: string; to: string; field?: string | null; procedure?: string | null },
): Promise<ProcedureIndexCounts> {
  const local = (c: string) => sql`(${sql.ref(c)} at time zone 'Asia/Ho_Chi_Minh')::date`;
  let base = ctx.database.db.selectFrom('procedure_versions as v');
  if (q.field) base = base.where('v.field', '=', q.field);
  if (q.procedure) base = base.where('v.procedure_code', '=', q.procedure);
  const r = await base
    .select([
      sql<number>`count(*) filter (where ${local('v.effective_from')} between ${q.from}::date and ${q.to}::date)`.as('effective'),
      sql<number>`count(*) filter (where ${local('v.effective_from')} between ${q.from}::date and ${q.to}::date and ${local('v.created_at')} <= ${local('v.effective_from')})`.as(
        'on_time',
      ),
      sql<number>`count(*) filter (where ${local('v.effective_from')} <= ${q.to}::date and (v.effective_to is null or ${local('v.effective_to')} > ${q.to}::date))`.as(
        'in_force',
      ),
      sql<number>`count(*) filter (where ${local('v.effective_from')} <= ${q.to}::date and (v.effective_to is null or ${local('v.effective_to')} > ${q.to}::date) and v.level = 'full')`.as(
        'full_online',
      ),
    ])
    .executeTakeFirstOrThrow();
  return {
    versionsEffective: Number(r.effective),
    versionsPublishedOnTime: Number(r.on_time),
    inForce: Number(r.in_force),
    inForceFullOnline: Number(r.full_online),
  };
}

/** The codes of the procedures of a field (lĩnh vực), in any version: a field's figures include its past dossiers. */
export async function procedureCodesInField(ctx: Ctx, field: string): Promise<string[]> {
  const rows = await ctx.database.db.selectFrom('procedure_versions').select('procedure_code').distinct().where('field', '=', field).execute();
  return rows.map((r) => r.procedure_code);
}
