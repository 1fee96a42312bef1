import { sql, type Expression, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import { isIsoDate } from '../calendar/dates.ts';
import { listUnits } from '../organisation/list-units.ts';
import { procedureCodesInField } from '../catalog/count-procedures-for-index.ts';
import { coveredUnits } from './visibility.ts';
import { isOverdue } from './dossier-store.ts';
import { localDate, addWorkingDays } from './deadlines.ts';
import { FINAL, STATUSES } from './workflow.ts';

const Day = z.string().refine(isIsoDate, { message: 'YYYY-MM-DD' });
/** The first instant of the Vietnam day after `day` (Viet Nam keeps UTC+7 all year). */
const endOfDay = (day: string) => new Date(Date.parse(`${day}T00:00:00+07:00`) + 86_400_000);
const startOfDay = (day: string) => new Date(`${day}T00:00:00+07:00`);

export const ListQuery = z.object({
  queue: z.enum(['mine', 'unit', 'due_soon', 'overdue', 'all']).default('all'),
  status: z.enum(Object.keys(STATUSES) as [keyof typeof STATUSES, ...(keyof typeof STATUSES)[]]).optional(),
  procedure: z.string().max(60).optional(),
  q: z.string().max(200).optional(),
  // What a figure of the service index counts, so a leader can open the dossiers behind it: the
  // receiving unit (a dossier counts for the unit that received it), the Vietnam days it was
  // received or finished on, whether its result came back on time, its channel, and whether it
  // was in progress at the end of a day.
  unit: z.string().max(40).optional().describe('receiving unit: one the official sees'),
  field: z.string().max(200).optional().describe("the procedure's field (lĩnh vực), in any of its versions"),
  subunits: z.enum(['true', 'false']).optional().describe('true: the receiving unit or a unit beneath it, as the index counts a unit'),
  receivedFrom: Day.optional().describe('received on or after this Vietnam day'),
  receivedTo: Day.optional().describe('received on or before this Vietnam day'),
  finishedFrom: Day.optional().describe('finished on or after this Vietnam day'),
  finishedTo: Day.optional().describe('finished on or before this Vietnam day'),
  outcome: z
    .enum(['on_time', 'late', 'open'])
    .optional()
    .describe('on_time / late: result returned by / after the due moment (no due moment counts on time); open: received and not finished'),
  channel: z.coerce.number().int().min(1).max(3).optional().describe('1 at the counter, 2 online, 3 by post'),
  openOn: Day.optional().describe('received by the end of this Vietnam day and not finished by then (in progress that day)'),
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
  /** The due moment (ISO instant): a limit in days ends at 23:59:59.999 of its day in Viet Nam. */
  dueAt: z.string().nullable(),
  /** The limit's unit (WORKING_DAY, DAY, WORKING_HOUR, SAME_DAY): whether the moment's time is worth showing. */
  processingUnit: z.string().nullable(),
  overdue: z.boolean(),
  /** What an action taken from the list names (bulk assignment): see DossierView.version. */
  version: z.number().int(),
});
export type DossierSummary = z.infer<typeof DossierSummary>;

const COLUMNS = sql`d.code, d.procedure_code, d.procedure_name, d.applicant, d.channel, d.status, d.national_status, d.handling_unit, d.assignee, d.submitted_at, d.due_date, d.due_at, d.state ->> 'processingUnit' as processing_unit, d.finished_at, d.version`;
type Row = {
  code: string;
  procedure_code: string;
  procedure_name: string;
  applicant: { name: string };
  channel: number;
  status: keyof typeof STATUSES;
  national_status: number;
  handling_unit: string;
  assignee: string | null;
  submitted_at: Date;
  due_date: string | null;
  due_at: Date | null;
  processing_unit: string | null;
  finished_at: Date | null;
  version: number;
};

/**
 * Work queues. Applicants see their own dossiers. Officials see their units' dossiers
 * (`unit`), what waits for them (`mine`: the current step's role in their unit, or assigned
 * to them), what is due within two working days (`due_soon`) and what is late (`overdue`);
 * filters by status and procedure, search by code or applicant name without diacritics; and the
 * service index's filters (issue 15), so each figure of the leaders' dashboard opens exactly the
 * dossiers it counts: receiving unit (and those beneath it), field, Vietnam days received and
 * finished, returned on time or late against the due date, channel, in progress at a day's end.
 *
 * Dossiers still open come first (earliest due first), then finished ones, newest first.
 * The two parts are read separately so that neither grows with the years of history: open
 * dossiers through partial indexes on what is unfinished, finished ones by an index walk in
 * date order that stops at the page. Finished ones are counted only as far as one past this
 * page (`totalCapped`: there are more), since counting years of history would cost more
 * than the page itself.
 */
export async function listDossiers(
  ctx: Ctx,
  p: Principal,
  q: ListQuery,
): Promise<{ items: DossierSummary[]; total: number; totalCapped: boolean; page: number; pageSize: number }> {
  // The app's clock (a demo or a test may run it ahead), as every deadline of the dossiers is counted.
  const now = new Date(Date.now() + ctx.config.clockOffsetMs);
  const today = localDate(now);
  const conds: Expression<SqlBool>[] = [];
  // Who may see what, as alternatives each served by its own index (an OR would defeat the ordered walk).
  const scopes: Expression<SqlBool>[] = [];
  const receiving = q.unit === undefined ? null : q.subunits === 'true' ? await unitAndBeneath(ctx, q.unit) : [q.unit];
  if (p.kind === 'citizen') scopes.push(sql<SqlBool>`d.owner_citizen_id = ${p.id}`);
  else if (p.kind === 'staff') {
    const units = await coveredUnits(ctx, p);
    if (q.unit !== undefined && !units.includes(q.unit)) throw notFound({ vi: `đơn vị ${q.unit}`, en: `Unit ${q.unit}` });
    // Asked for one of their units: every dossier received there (or beneath) is theirs to see.
    // One equality per unit: `= any(array)` would not let the planner walk an index in date order.
    // Beyond a few units (a ministry-wide role) the union of walks costs more than it saves.
    if (receiving && receiving.length <= 8) for (const u of receiving) scopes.push(sql<SqlBool>`d.receiving_unit = ${u}`);
    else if (receiving) scopes.push(sql<SqlBool>`d.receiving_unit = any(${receiving}::text[])`);
    else if (units.length > 8) scopes.push(sql<SqlBool>`d.handling_unit = any(${units}::text[])`, sql<SqlBool>`d.receiving_unit = any(${units}::text[])`);
    else for (const u of units) scopes.push(sql<SqlBool>`d.handling_unit = ${u}`, sql<SqlBool>`d.receiving_unit = ${u}`);
    if (!units.length) scopes.push(sql<SqlBool>`false`);
    if (q.queue === 'mine') {
      const pairs = p.roles.map((r) => `${r.role}@${r.unitId}`);
      conds.push(
        sql<SqlBool>`((d.status = 'processing' and d.assignee = ${p.username}) or (d.status <> 'processing' and (d.step_role || '@' || d.step_unit) = any(${pairs}::text[])))`,
      );
    }
  } else scopes.push(sql<SqlBool>`true`);
  // Due moments, not days: a limit in hours is overdue from its minute, one in days after its last day.
  if (q.queue === 'due_soon')
    conds.push(
      sql<SqlBool>`d.status not in ('awaiting_supplement', 'awaiting_fee') and d.due_at >= ${now} and d.due_at < ${endOfDay(await addWorkingDays(ctx, today, 2))}`,
    );
  if (q.queue === 'overdue') conds.push(sql<SqlBool>`d.status not in ('awaiting_supplement', 'awaiting_fee') and d.due_at < ${now}`);
  if (q.status) conds.push(sql<SqlBool>`d.status = ${q.status}`);
  if (q.procedure) conds.push(sql<SqlBool>`d.procedure_code = ${q.procedure}`);
  if (q.field) {
    const codes = await procedureCodesInField(ctx, q.field);
    conds.push(codes.length ? sql<SqlBool>`d.procedure_code = any(${codes}::text[])` : sql<SqlBool>`false`);
  }
  if (receiving && p.kind !== 'staff') conds.push(sql<SqlBool>`d.receiving_unit = any(${receiving}::text[])`);
  if (q.receivedFrom) conds.push(sql<SqlBool>`d.received_at >= ${startOfDay(q.receivedFrom)}`);
  if (q.receivedTo) conds.push(sql<SqlBool>`d.received_at < ${endOfDay(q.receivedTo)}`);
  if (q.finishedFrom) conds.push(sql<SqlBool>`d.finished_at >= ${startOfDay(q.finishedFrom)}`);
  if (q.finishedTo) conds.push(sql<SqlBool>`d.finished_at < ${endOfDay(q.finishedTo)}`);
  // As the indicators count it: returned by the due moment (a limit in days: any time on its last day).
  if (q.outcome === 'on_time') conds.push(sql<SqlBool>`d.status = 'returned' and (d.due_at is null or d.finished_at <= d.due_at)`);
  if (q.outcome === 'late') conds.push(sql<SqlBool>`d.status = 'returned' and d.finished_at > d.due_at`);
  if (q.outcome === 'open') conds.push(sql<SqlBool>`d.received_at is not null`);
  if (q.channel) conds.push(sql<SqlBool>`d.channel = ${q.channel}`);
  if (q.openOn) conds.push(sql<SqlBool>`d.received_at < ${endOfDay(q.openOn)} and (d.finished_at is null or d.finished_at >= ${endOfDay(q.openOn)})`);
  if (q.q?.trim()) {
    const text = q.q.trim();
    const folded = foldVietnamese(text);
    // The typed text is matched literally: LIKE's own wildcards in it are escaped, and a query that
    // folds to nothing (only punctuation) matches no name rather than every name.
    const literal = (s: string) => s.replace(/[\\%_]/g, '\\$&');
    const byName = folded ? sql<SqlBool>` or d.applicant_name_norm like ${`%${literal(folded)}%`}` : sql``;
    conds.push(sql<SqlBool>`(d.code like ${`${literal(text.toUpperCase())}%`}${byName})`);
  }
  const openOnly =
    (q.queue === 'mine' && p.kind === 'staff') ||
    q.queue === 'due_soon' ||
    q.queue === 'overdue' ||
    q.outcome === 'open' ||
    (q.status !== undefined && !FINAL.includes(q.status));
  const finishedOnly =
    (q.status !== undefined && FINAL.includes(q.status)) ||
    q.outcome === 'on_time' ||
    q.outcome === 'late' ||
    q.finishedFrom !== undefined ||
    q.finishedTo !== undefined;
  const rest = conds.length ? sql` and ${sql.join(conds, sql` and `)}` : sql``;
  const db = ctx.database.db;
  const need = q.page * q.pageSize;
  const anyScope = (part: Expression<SqlBool>) =>
    sql`(${sql.join(
      scopes.map((s) => sql`(${s} and ${part})`),
      sql` or `,
    )})`;

  const open = finishedOnly
    ? { rows: [] as Row[], count: 0 }
    : await (async () => {
        const where = sql`${anyScope(sql`d.finished_at is null`)}${rest}`;
        const [rows, count] = await Promise.all([
          sql<Row>`select ${COLUMNS} from dossiers d where ${where} order by d.due_at nulls last, d.submitted_at desc limit ${need}`.execute(db),
          sql<{ n: number }>`select count(*)::int as n from dossiers d where ${where}`.execute(db),
        ]);
        return { rows: rows.rows, count: count.rows[0].n };
      })();
  const finished =
    openOnly || need <= open.count
      ? { rows: [] as Row[], count: openOnly ? 0 : await countFinished(1) }
      : await (async () => {
          const limit = need - open.count;
          // One ordered index walk per scope, merged: each stops after `limit` rows.
          const branches = scopes.map(
            (s) => sql`(select ${COLUMNS} from dossiers d where ${s} and d.finished_at is not null${rest} order by d.submitted_at desc limit ${limit})`,
          );
          const [rows, count] = await Promise.all([
            sql<Row>`select distinct on (x.submitted_at, x.code) x.* from (${sql.join(branches, sql` union all `)}) x order by x.submitted_at desc, x.code limit ${limit}`.execute(
              db,
            ),
            countFinished(limit + 1),
          ]);
          return { rows: rows.rows, count };
        })();

  async function countFinished(upTo: number): Promise<number> {
    const branches = scopes.map(
      (s) => sql`(select d.id from dossiers d where ${s} and d.finished_at is not null${rest} order by d.submitted_at desc limit ${upTo})`,
    );
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from (select distinct x.id from (${sql.join(branches, sql` union all `)}) x limit ${upTo}) y`.execute(db);
    return rows[0].n;
  }

  const page = [...open.rows, ...finished.rows].slice((q.page - 1) * q.pageSize, need);
  const finishedShown = Math.max(0, need - open.count);
  const capped = !openOnly && finished.count > finishedShown;
  return {
    items: page.map((r) => ({
      code: r.code,
      procedureCode: r.procedure_code,
      procedureName: r.procedure_name,
      applicantName: r.applicant.name,
      channel: r.channel,
      status: r.status,
      statusText: STATUSES[r.status].vi,
      nationalStatus: r.national_status,
      handlingUnit: r.handling_unit,
      assignee: r.assignee,
      submittedAt: new Date(r.submitted_at).toISOString(),
      dueDate: r.due_date,
      dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
      processingUnit: r.processing_unit,
      overdue: isOverdue(r, now),
      version: r.version,
    })),
    total: open.count + finished.count,
    totalCapped: capped,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** A unit and every unit beneath it. */
async function unitAndBeneath(ctx: Ctx, unit: string): Promise<string[]> {
  const units = await listUnits(ctx);
  const out = [unit];
  for (let i = 0; i < out.length; i++) for (const u of units) if (u.parentId === out[i]) out.push(u.id);
  return out;
}
