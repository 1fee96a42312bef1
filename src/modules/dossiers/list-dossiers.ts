import { sql, type Expression, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import { coveredUnits } from './visibility.ts';
import { isOverdue } from './dossier-store.ts';
import { localDate, addWorkingDays } from './deadlines.ts';
import { STATUSES } from './workflow.ts';

export const ListQuery = z.object({
  queue: z.enum(['mine', 'unit', 'due_soon', 'overdue', 'all']).default('all'),
  status: z.enum(Object.keys(STATUSES) as [keyof typeof STATUSES, ...(keyof typeof STATUSES)[]]).optional(),
  procedure: z.string().max(60).optional(),
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListQuery = z.infer<typeof ListQuery>;

export const DossierSummary = z.object({
  code: z.string(),
  procedureCode: z.string(),
  procedureName: z.string(),
  applicantName: z.string(),
  channel: z.number(),
  status: z.string(),
  statusText: z.string(),
  nationalStatus: z.number(),
  handlingUnit: z.string(),
  assignee: z.string().nullable(),
  submittedAt: z.string(),
  dueDate: z.string().nullable(),
  overdue: z.boolean(),
});
export type DossierSummary = z.infer<typeof DossierSummary>;

/**
 * Work queues. Applicants see their own dossiers. Officials see their units' dossiers
 * (`unit`), what waits for them (`mine`: the current step's role in their unit, or assigned
 * to them), what is due within two working days (`due_soon`) and what is late (`overdue`);
 * filters by status and procedure, search by code or applicant name without diacritics.
 */
export async function listDossiers(ctx: Ctx, p: Principal, q: ListQuery): Promise<{ items: DossierSummary[]; total: number; page: number; pageSize: number }> {
  const today = localDate(new Date());
  const conds: Expression<SqlBool>[] = [];
  if (p.kind === 'citizen') conds.push(sql<SqlBool>`d.owner_citizen_id = ${p.id}`);
  else if (p.kind === 'staff') {
    const units = await coveredUnits(ctx, p);
    conds.push(sql<SqlBool>`(d.receiving_unit = any(${units}::text[]) or d.handling_unit = any(${units}::text[]))`);
    if (q.queue === 'mine') {
      const pairs = p.roles.map((r) => `${r.role}@${r.unitId}`);
      conds.push(sql<SqlBool>`d.finished_at is null and ((d.status = 'processing' and d.assignee = ${p.username}) or (d.status <> 'processing' and (d.step_role || '@' || d.step_unit) = any(${pairs}::text[])))`);
    }
  }
  if (q.queue === 'due_soon') conds.push(sql<SqlBool>`d.finished_at is null and d.status <> 'awaiting_supplement' and d.due_date >= ${today}::date and d.due_date <= ${await addWorkingDays(ctx, today, 2)}::date`);
  if (q.queue === 'overdue') conds.push(sql<SqlBool>`d.finished_at is null and d.status <> 'awaiting_supplement' and d.due_date < ${today}::date`);
  if (q.status) conds.push(sql<SqlBool>`d.status = ${q.status}`);
  if (q.procedure) conds.push(sql<SqlBool>`d.procedure_code = ${q.procedure}`);
  if (q.q?.trim()) {
    const text = q.q.trim();
    const folded = foldVietnamese(text);
    // The typed text is matched literally: LIKE's own wildcards in it are escaped, and a query that
    // folds to nothing (only punctuation) matches no name rather than every name.
    const literal = (s: string) => s.replace(/[\\%_]/g, '\\$&');
    const byName = folded ? sql<SqlBool>` or d.applicant_name_norm like ${`%${literal(folded)}%`}` : sql``;
    conds.push(sql<SqlBool>`(d.code like ${`${literal(text.toUpperCase())}%`}${byName})`);
  }
  const where = conds.length ? sql.join(conds, sql` and `) : sql`true`;
  const { rows } = await sql<{
    code: string; procedure_code: string; procedure_name: string; applicant: { name: string }; channel: number; status: keyof typeof STATUSES; national_status: number;
    handling_unit: string; assignee: string | null; submitted_at: Date; due_date: string | null; finished_at: Date | null; total: number;
  }>`select d.code, d.procedure_code, d.procedure_name, d.applicant, d.channel, d.status, d.national_status, d.handling_unit, d.assignee, d.submitted_at, d.due_date, d.finished_at,
            count(*) over () as total
       from dossiers d where ${where}
      order by d.finished_at is not null, d.due_date nulls last, d.submitted_at desc
      limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`.execute(ctx.database.db);
  return {
    items: rows.map((r) => ({
      code: r.code, procedureCode: r.procedure_code, procedureName: r.procedure_name, applicantName: r.applicant.name, channel: r.channel, status: r.status,
      statusText: STATUSES[r.status].vi, nationalStatus: r.national_status, handlingUnit: r.handling_unit, assignee: r.assignee,
      submittedAt: new Date(r.submitted_at).toISOString(), dueDate: r.due_date, overdue: isOverdue(r),
    })),
    total: rows[0]?.total ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}
