import { z } from 'zod';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { listStaff } from '../organisation/list-staff.ts';
import { listUnits } from '../organisation/list-units.ts';
import { deliveryOf, RETURN_METHOD, type ActionRequest } from './schemas.ts';
import {
  ACTION_LABELS,
  FINAL,
  allowedActions,
  applyAction,
  stepIndex,
  STATUSES,
  whoActsNext,
  yearsNeeded,
  type ActionName,
  type FeePaidAction,
  type Refusal,
  type WorkflowStep,
} from './workflow.ts';
import { actorOfPrincipal, appendAction, loadRow, staleVersion, stateOf, workflowOf, type DossierRow } from './dossier-store.ts';
import { loadWorkingTime } from '../calendar/compute-due-date.ts';
import { attachComponents } from './attachments.ts';
import { afterStateChange } from './side-effects.ts';
import { assertVisible } from './visibility.ts';
import { assertComponentsDigitised, PAPER_CHANNELS } from '../digitisation/digitisation-status.ts';

/**
 * Takes one workflow action on a dossier: checks that the caller may see it, the version it
 * was chosen on, the caller's role and unit and the current state against the rules, appends
 * the action and updates the projection, all in one transaction with its audit entry,
 * national-portal outbox messages and notification.
 */
export async function takeAction(ctx: Ctx, code: string, input: ActionRequest, principal: Principal) {
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await loadRow(tx, code.toUpperCase(), true);
    await takeActionTx(ctx, tx, row, input, principal);
    return loadRow(tx, row.code);
  });
}

/** `row` must have been read with its lock (loadRow(tx, code, true)) in `tx`. */
export async function takeActionTx(
  outer: Ctx,
  tx: Tx,
  row: DossierRow,
  input: ActionRequest | FeePaidAction,
  principal: Principal,
  now = new Date(Date.now() + outer.config.clockOffsetMs),
) {
  const ctx = inTransaction(outer, tx);
  // Here, not in the callers: a 404 for a dossier the caller may not see, whoever calls.
  await assertVisible(ctx, principal, row);
  const wf = await workflowOf(ctx, row);
  const s = stateOf(row);
  const actor = actorOfPrincipal(principal, row);
  // Checked before the rules: an action chosen on an older state is refused even when it would
  // still be allowed now (receive then refuse, both sent from the same page, must not both pass).
  if (input.version !== undefined && input.version !== row.version) {
    throw staleVersion(row.code, { status: s.status, version: row.version }, input.version, allowedActions(actor, s, wf));
  }
  const receivedAt = row.received_at ? new Date(row.received_at) : null;
  const years = yearsNeeded(s, now, receivedAt);
  // The dossier's clock runs on its receiving unit's office hours.
  const time = await loadWorkingTime(ctx, years.fromYear, years.toYear, row.receiving_unit);
  const t = applyAction(s, input, time, { actor, workflow: wf, now, receivedAt, defaultReturnMethod: RETURN_METHOD[deliveryOf(row)] });
  if ('refused' in t) throw refused(t.refused, allowedActions(actor, s, wf));
  const { next, data } = t;
  // What the rules cannot know: the people, units and files named exist.
  if (input.action === 'assign' || input.action === 'reassign') await checkSpecialist(ctx, input.assignee, s.handlingUnit, wf);
  if (input.action === 'transfer' && !(await listUnits(ctx)).some((u) => u.id === next.handlingUnit)) {
    throw new AppError('VALIDATION_FAILED', { vi: `Không có đơn vị ${next.handlingUnit}`, en: `Unknown unit ${next.handlingUnit}` }, [
      { path: 'body.toUnit', message: 'Không có đơn vị này', messageEn: 'unknown unit' },
    ]);
  }
  // Circular 01/2023: paper that came in at the counter or by post is digitised before the
  // dossier moves past receipt; what may stay on paper is marked so, with the reason.
  if (input.action === 'assign' && PAPER_CHANNELS.has(row.channel)) await assertComponentsDigitised(ctx, row.code, principal);
  if (input.action === 'supplement') data.components = await attachComponents(ctx, tx, row, input.components, principal, { supplemented: true });
  const columns = {
    ...(input.action === 'receive' ? { received_at: now } : {}),
    // Paid at filing: the dossier is sent now, and its filing time is when it was sent.
    ...(input.action === 'fee_paid' && s.status === 'unpaid' ? { submitted_at: now } : {}),
    ...whoActsNext(next, wf),
  };
  const seq = await appendAction(tx, row, next, {
    action: input.action,
    actor: actorOf(principal),
    actorName: principal.name,
    at: now,
    data,
    stepDue: t.stepDue,
    stepDueAt: t.stepDueAt,
    columns,
  });
  await recordAudit(tx, {
    actor: actorOf(principal),
    action: `dossier.${input.action}`,
    target: `dossier:${row.code}`,
    data: { seq, from: s.status, to: next.status },
  });
  await afterStateChange(ctx, tx, row, next, input.action, data, seq);
  return { seq, status: next.status, national: STATUSES[next.status].national, final: FINAL.includes(next.status) };
}

/** A workflow refusal as the error a caller sees: what the caller may do now goes in the details. */
function refused(r: Refusal, allowed: ActionName[]): AppError {
  if (r.path) return new AppError(r.code, { vi: r.vi, en: r.en }, [{ path: r.path, message: r.vi, messageEn: r.en }]);
  return new AppError(
    r.code,
    {
      vi: `${r.vi}. Thao tác được phép: ${allowed.map((a) => ACTION_LABELS[a].vi).join(', ') || 'không có'}`,
      en: `${r.en}. Allowed now: ${allowed.join(', ') || 'none'}`,
    },
    allowed.map((a) => ({ path: 'allowedActions', message: a, messageEn: a })),
  );
}

/** The role and unit that act next, for the work queues (kept here for the callers that filed against it). */
export { whoActsNext };

async function checkSpecialist(ctx: Ctx, username: string, unit: string, wf: WorkflowStep[]) {
  const role = wf[stepIndex(wf, 'examine')]?.role ?? 'specialist';
  const s = (await listStaff(ctx)).find((x) => x.username === username && x.active);
  if (!s?.roles.some((r) => r.role === role && r.unitId === unit)) {
    throw new AppError(
      'VALIDATION_FAILED',
      { vi: `${username} không phải chuyên viên của đơn vị ${unit}`, en: `${username} is not a specialist of unit ${unit}` },
      [{ path: 'body.assignee', message: 'Không phải chuyên viên của đơn vị', messageEn: 'not a specialist of the unit' }],
    );
  }
}

export const ActionResult = z.object({ code: z.string(), status: z.string(), nationalStatus: z.number() });
