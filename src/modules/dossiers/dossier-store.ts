import type { Ctx } from '../../platform/context.ts';
import type { Tx, Queryable } from '../../platform/db/index.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { deliveryOf, type Applicant, type DossierView } from './schemas.ts';
import { allowedActions, dueAtOf, FINAL, STATUSES, type Actor, type DossierState, type Status, type WorkflowStep } from './workflow.ts';
import { toVnIso } from '../calendar/working-time.ts';
import { localDate } from './deadlines.ts';

export type DossierRow = Awaited<ReturnType<typeof loadRow>>;

export async function loadRow(db: Queryable | Tx, code: string, forUpdate = false) {
  let q = db.selectFrom('dossiers').selectAll().where('code', '=', code);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound({ vi: `hồ sơ ${code}`, en: `Dossier ${code}` });
  return row;
}

/** The row's state; one written before due moments existed gets its dueAt (the end of its due date). */
export function stateOf(row: { state: unknown }): DossierState {
  const s = row.state as unknown as DossierState;
  if (s.dueAt !== undefined) return s;
  return { ...s, dueAt: dueAtOf(s)?.toISOString() ?? null };
}

/** The workflow the dossier was filed under: its procedure version's, never a later one. */
export async function workflowOf(ctx: Ctx, row: { procedure_code: string; procedure_version: number }): Promise<WorkflowStep[]> {
  return (await getProcedure(ctx, row.procedure_code, { version: row.procedure_version })).workflow;
}

/**
 * Appends one action to the log and writes the projection, in the caller's transaction. The
 * action's seq is the next version of the dossier; the projection is updated only if it is
 * still at the version the caller read, so a row read without its lock cannot be overwritten.
 */
export async function appendAction(
  tx: Tx,
  row: { id: string; state: unknown; version?: number },
  next: DossierState,
  a: {
    action: string;
    actor: string;
    actorName: string;
    at: Date;
    data?: Record<string, unknown>;
    stepDue?: string | null;
    /** When the step entered is due (an instant); its day is stepDue. */
    stepDueAt?: string | null;
    columns?: Record<string, unknown>;
  },
  /** The dossier was inserted with this state just now: its log starts at 1 and its row needs no update. */
  opts: { first?: boolean } = {},
): Promise<number> {
  const prev = opts.first ? null : stateOf(row);
  let seq = 1;
  if (!opts.first) {
    if (row.version === undefined) throw new Error('appendAction: the row must carry its version');
    seq = row.version + 1;
    const updated = await tx
      .updateTable('dossiers')
      .set({
        state: JSON.stringify(next),
        status: next.status,
        national_status: STATUSES[next.status].national,
        step: next.step,
        handling_unit: next.handlingUnit,
        assignee: next.assignee,
        due_date: next.dueDate,
        due_at: dueAtOf(next),
        step_due_date: a.stepDue ?? null,
        step_due_at: a.stepDueAt ?? null,
        updated_at: new Date(),
        ...(FINAL.includes(next.status) ? { finished_at: a.at } : {}),
        ...a.columns,
        version: seq,
      })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      const now = await tx.selectFrom('dossiers').select(['code', 'status', 'version']).where('id', '=', row.id).executeTakeFirstOrThrow();
      throw staleVersion(now.code, { status: now.status as Status, version: now.version }, row.version);
    }
  }
  await tx
    .insertInto('dossier_actions')
    .values({
      dossier_id: row.id,
      seq,
      action: a.action,
      actor: a.actor,
      actor_name: a.actorName,
      at: a.at,
      from_status: prev?.status ?? null,
      to_status: next.status,
      from_unit: prev?.handlingUnit ?? null,
      to_unit: next.handlingUnit,
      assignee: next.assignee,
      step_due: a.stepDue ?? null,
      data: JSON.stringify(a.data ?? {}),
    })
    .execute();
  return seq;
}

/** Where a stale action's 409 puts the dossier's current state, for clients that refresh from it. */
export const CURRENT_STATUS = 'current.status';
export const CURRENT_VERSION = 'current.version';

/**
 * The action named a version the dossier has moved past: someone acted since the page or the
 * response it was chosen on. 409 with the current status and version (and, when known, what
 * the caller may do now) in `details`, machine-readable.
 */
export function staleVersion(code: string, current: { status: Status; version: number }, named: number, allowed?: readonly string[]): AppError {
  const st = STATUSES[current.status];
  return new AppError(
    'STALE_VERSION',
    {
      vi: `Hồ sơ ${code} đã thay đổi từ khi bạn mở trang (phiên bản ${named}, nay là ${current.version}; trạng thái hiện tại: ${st?.vi ?? current.status}). Thao tác chưa được thực hiện: hãy xem lại hồ sơ rồi thao tác lại`,
      en: `Dossier ${code} has changed since the page was opened (version ${named}, now ${current.version}; current status: ${st?.en ?? current.status}). Nothing was done: review the dossier and act again`,
    },
    [
      {
        path: 'body.version',
        message: `Phiên bản ${named} đã cũ, phiên bản hiện tại là ${current.version}`,
        messageEn: `version ${named} is stale, the current version is ${current.version}`,
      },
      { path: CURRENT_STATUS, message: current.status, messageEn: current.status },
      { path: CURRENT_VERSION, message: String(current.version), messageEn: String(current.version) },
      ...(allowed ?? []).map((x) => ({ path: 'allowedActions', message: x, messageEn: x })),
    ],
  );
}

/** A form's version field (always a string) as a number when it is one; anything else is left for the caller to refuse. */
export const formVersion = (v: unknown): unknown => (typeof v === 'string' && /^[0-9]{1,10}$/.test(v.trim()) ? Number(v.trim()) : v);

/** The current version a stale-action error names, or null for any other error. */
export function currentVersionOf(e: unknown): number | null {
  if (!(e instanceof AppError) || e.code !== 'STALE_VERSION') return null;
  const d = e.details?.find((x) => x.path === CURRENT_VERSION);
  return d ? Number(d.message) : null;
}

/**
 * The platform acting on what another system established (a payment the national platform
 * confirmed). Only in-process code holds this object; the workflow knows it by identity, so no
 * token or session can become it.
 */
export const PLATFORM_PRINCIPAL: Principal = Object.freeze({
  kind: 'service',
  clientId: 'congso:platform',
  name: 'Hệ thống (cổng thanh toán)',
  scopes: Object.freeze(['dossiers:platform']) as string[],
});

export function actorOfPrincipal(p: Principal | null, row: { owner_citizen_id: string | null }): Actor {
  if (p === PLATFORM_PRINCIPAL) return { kind: 'system' };
  if (p?.kind === 'staff') return { kind: 'staff', username: p.username, roles: p.roles };
  if (p?.kind === 'citizen' && p.id === row.owner_citizen_id) return { kind: 'applicant' };
  return { kind: 'other' };
}

export async function componentsOf(db: Queryable, dossierId: string) {
  return db.selectFrom('dossier_components').selectAll().where('dossier_id', '=', dossierId).orderBy('idx').execute();
}

export async function toView(ctx: Ctx, row: DossierRow, principal: Principal | null): Promise<DossierView> {
  const wf = await workflowOf(ctx, row);
  const s = stateOf(row);
  const comps = await componentsOf(ctx.database.db, row.id);
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  const dueAt = dueAtOfRow(row);
  return {
    code: row.code,
    version: row.version,
    procedureCode: row.procedure_code,
    procedureVersion: row.procedure_version,
    procedureName: row.procedure_name,
    channel: row.channel,
    nationalCode: row.national_code,
    status: s.status,
    statusText: STATUSES[s.status].vi,
    nationalStatus: row.national_status,
    receivingUnit: row.receiving_unit,
    handlingUnit: row.handling_unit,
    step: row.step,
    stepName: wf[row.step]?.name ?? null,
    assignee: row.assignee,
    applicant: row.applicant as unknown as Applicant,
    delivery: deliveryOf(row),
    form: row.form as unknown as Record<string, unknown>,
    submittedAt: iso(row.submitted_at)!,
    receivedAt: iso(row.received_at),
    dueDate: row.due_date ? String(row.due_date).slice(0, 10) : null,
    dueAt: dueAt ? toVnIso(dueAt) : null,
    processingUnit: s.processingUnit ?? 'WORKING_DAY',
    finishedAt: iso(row.finished_at),
    overdue: isOverdue(row, new Date(Date.now() + ctx.config.clockOffsetMs)),
    fees: { due: s.feeDue ?? null, paid: s.feePaid ?? 0, paidOnline: s.feePaidOnline ?? false },
    components: comps.map((c) => ({
      code: c.component_code,
      name: c.name,
      uploadId: c.upload_id,
      fileName: c.file_name,
      contentType: c.content_type,
      size: c.size,
      sha256: c.sha256,
      reused: c.reused,
      supplemented: c.supplemented,
    })),
    allowedActions: allowedActions(actorOfPrincipal(principal, row), s, wf),
  };
}

/**
 * When a row's time limit ends: due_at, or for a row that does not carry it (read before
 * migration 0044's column, or by a query that did not select it) the end of its due date.
 */
export function dueAtOfRow(row: { due_at?: Date | string | null; due_date: string | Date | null }): Date | null {
  if (row.due_at) return new Date(row.due_at);
  if (!row.due_date) return null;
  const day = row.due_date instanceof Date ? localDate(row.due_date) : String(row.due_date).slice(0, 10);
  return dueAtOf({ dueDate: day });
}

/**
 * Late when processing ended after the due moment, or has not ended and the moment has passed
 * (`now`: the caller's clock, the real time by default). A dossier with the applicant is not late.
 */
export function isOverdue(
  row: { due_at?: Date | string | null; due_date: string | Date | null; finished_at: Date | string | null; status: string },
  now: Date = new Date(),
): boolean {
  if (row.status === 'awaiting_supplement' || row.status === 'awaiting_fee') return false;
  const due = dueAtOfRow(row);
  if (!due) return false;
  const end = row.finished_at ? new Date(row.finished_at) : now;
  return end.getTime() > due.getTime();
}

export const nameNorm = (a: Applicant) => foldVietnamese(`${a.name} ${a.identifier}`);
