import { z } from 'zod';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { listStaff } from '../organisation/list-staff.ts';
import { listUnits } from '../organisation/list-units.ts';
import { deliveryOf, RETURN_METHOD, type ActionRequest } from './schemas.ts';
import { ACTION_LABELS, FINAL, refusal, allowedActions, stepIndex, STATUSES, type ActionName, type DossierState, type WorkflowStep } from './workflow.ts';
import { actorOfPrincipal, appendAction, loadRow, staleVersion, stateOf, workflowOf, type DossierRow } from './dossier-store.ts';
import { addWorkingDays, dueAfter, localDate, workingDaysBetween } from './deadlines.ts';
import { attachComponents } from './attachments.ts';
import { afterStateChange } from './side-effects.ts';

const need = <T>(v: T | undefined | null, field: string, vi: string, en: string): T => {
  if (v === undefined || v === null || v === '') throw new AppError('VALIDATION_FAILED', { vi, en }, [{ path: `body.${field}`, message: vi, messageEn: en }]);
  return v;
};

/**
 * Takes one workflow action on a dossier: checks the version it was chosen on, the caller's
 * role and unit and the current state against the rules, appends the action and updates the
 * projection, all in one transaction with its audit entry, national-portal sync event and
 * notification.
 */
export async function takeAction(ctx: Ctx, code: string, input: ActionRequest, principal: Principal) {
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await loadRow(tx, code, true);
    await takeActionTx(ctx, tx, row, input, principal);
    return loadRow(tx, code);
  });
}

/** `row` must have been read with its lock (loadRow(tx, code, true)) in `tx`. */
export async function takeActionTx(outer: Ctx, tx: Tx, row: DossierRow, input: ActionRequest, principal: Principal, now = new Date()) {
  const ctx = inTransaction(outer, tx);
  const wf = await workflowOf(ctx, row);
  const s = stateOf(row);
  const actor = actorOfPrincipal(principal, row);
  // Checked before the rules: an action chosen on an older state is refused even when it would
  // still be allowed now (receive then refuse, both sent from the same page, must not both pass).
  if (input.version !== undefined && input.version !== row.version) {
    throw staleVersion(row.code, { status: s.status, version: row.version }, input.version, allowedActions(actor, s, wf));
  }
  const no = refusal(input.action, actor, s, wf);
  if (no) {
    const allowed = allowedActions(actor, s, wf);
    throw new AppError(no.code, { vi: `${no.vi}. Thao tác được phép: ${allowed.map((a) => ACTION_LABELS[a].vi).join(', ') || 'không có'}`, en: `${no.en}. Allowed now: ${allowed.join(', ') || 'none'}` }, allowed.map((a) => ({ path: 'allowedActions', message: a, messageEn: a })));
  }
  const today = localDate(now);
  const next: DossierState = { ...s };
  const data: Record<string, unknown> = {};
  let columns: Record<string, unknown> = {};
  let stepDue: string | null = null;
  const enterStep = async (key: Parameters<typeof stepIndex>[1]) => {
    next.step = stepIndex(wf, key);
    stepDue = await addWorkingDays(ctx, today, wf[next.step]?.workingDays ?? 0);
  };

  switch (input.action as ActionName) {
    case 'receive': {
      next.status = 'received';
      next.handlingUnit = wf[stepIndex(wf, 'assign')]?.unit ?? next.handlingUnit;
      next.dueDate = await dueAfter(ctx, today, s.processingDays, s.processingUnit);
      columns = { received_at: now };
      await enterStep('assign');
      break;
    }
    case 'refuse':
      data.reason = need(input.reason, 'reason', 'Cần nêu rõ lý do từ chối', 'A reason is required');
      next.status = 'refused';
      break;
    case 'request_supplement': {
      data.items = need(input.items, 'items', 'Cần liệt kê đầy đủ các nội dung cần bổ sung', 'List everything that is missing');
      next.supplementRequested = true;
      next.resumeStatus = s.status;
      next.status = 'awaiting_supplement';
      if (s.dueDate && row.received_at) {
        next.pausedOn = today;
        next.usedDays = s.usedDays + (await workingDaysBetween(ctx, s.pausedOn ?? localDate(new Date(row.received_at)), today));
      }
      break;
    }
    case 'supplement': {
      const added = need(input.components, 'components', 'Cần đính kèm giấy tờ bổ sung', 'Attach the supplementary documents');
      data.components = await attachComponents(ctx, tx, row, added, principal, { supplemented: true });
      next.status = s.resumeStatus ?? 'submitted';
      next.resumeStatus = null;
      if (s.pausedOn && s.dueDate) {
        // The time the applicant took does not count: the rest of the limit runs from today.
        next.dueDate = await addWorkingDays(ctx, today, Math.max(0, s.processingDays - s.usedDays));
        next.pausedOn = null;
        // usedDays now means "used before today"; the new due date already accounts for it.
        next.usedDays = 0;
        next.processingDays = Math.max(0, s.processingDays - s.usedDays);
      }
      break;
    }
    case 'assign':
    case 'reassign': {
      const who = need(input.assignee, 'assignee', 'Cần chọn chuyên viên xử lý', 'Choose the specialist');
      await checkSpecialist(ctx, who, s.handlingUnit, wf);
      data.assignee = who;
      next.assignee = who;
      if (input.action === 'assign') {
        next.status = 'processing';
        await enterStep('examine');
      }
      break;
    }
    case 'transfer': {
      const to = need(input.toUnit, 'toUnit', 'Cần chọn đơn vị nhận', 'Choose the unit that takes over').toUpperCase();
      if (to === s.handlingUnit) throw new AppError('VALIDATION_FAILED', { vi: 'Hồ sơ đang ở đơn vị này', en: 'The dossier is already in that unit' });
      if (!(await listUnits(ctx)).some((u) => u.id === to)) throw new AppError('VALIDATION_FAILED', { vi: `Không có đơn vị ${to}`, en: `Unknown unit ${to}` }, [{ path: 'body.toUnit', message: 'Không có đơn vị này', messageEn: 'unknown unit' }]);
      data.toUnit = to;
      data.note = input.note ?? null;
      next.handlingUnit = to;
      next.assignee = null;
      next.status = 'received';
      await enterStep('assign');
      break;
    }
    case 'propose':
      data.opinion = input.note ?? null;
      next.status = 'proposed';
      await enterStep('approve');
      break;
    case 'send_back':
      data.reason = need(input.reason, 'reason', 'Cần nêu lý do trả lại', 'A reason is required');
      next.status = 'processing';
      await enterStep('examine');
      break;
    case 'approve':
      data.note = input.note ?? null;
      next.status = 'approved';
      await enterStep('return');
      break;
    case 'return':
      // As the applicant chose at filing, unless the official hands it over another way.
      data.method = input.method ?? RETURN_METHOD[deliveryOf(row)];
      next.status = 'returned';
      data.onTime = !s.dueDate || today <= s.dueDate;
      break;
    case 'stop':
      data.reason = need(input.reason, 'reason', 'Cần nêu lý do dừng xử lý', 'A reason is required');
      data.legalBasis = input.legalBasis ?? null;
      next.status = 'stopped';
      break;
    case 'withdraw':
      data.reason = input.reason ?? null;
      next.status = 'withdrawn';
      break;
    case 'apologise': {
      const reason = need(input.reason, 'reason', 'Cần nêu lý do chậm trễ', 'Give the reason for the delay');
      const newDate = need(input.newDueDate, 'newDueDate', 'Cần hẹn ngày trả kết quả mới', 'Give the new date');
      if (!s.dueDate) throw new AppError('CONFLICT', { vi: 'Hồ sơ chưa có hạn giải quyết', en: 'The dossier has no due date yet' });
      if ((await workingDaysBetween(ctx, today, s.dueDate)) < 1) {
        throw new AppError('CONFLICT', { vi: `Văn bản xin lỗi phải gửi trước hạn trả kết quả (${s.dueDate}) ít nhất một ngày làm việc`, en: `The apology must be sent at least one working day before the due date (${s.dueDate})` });
      }
      if (newDate <= s.dueDate) throw new AppError('VALIDATION_FAILED', { vi: `Ngày hẹn mới phải sau ${s.dueDate}`, en: `The new date must be after ${s.dueDate}` }, [{ path: 'body.newDueDate', message: `Phải sau ${s.dueDate}`, messageEn: `must be after ${s.dueDate}` }]);
      data.reason = reason;
      data.previousDueDate = s.dueDate;
      data.newDueDate = newDate;
      next.apologised = true;
      next.dueDate = newDate;
      break;
    }
  }
  columns = { ...columns, ...whoActsNext(next, wf) };
  const seq = await appendAction(tx, row, next, { action: input.action, actor: actorOf(principal), actorName: principal.name, at: now, data, stepDue, columns });
  await recordAudit(tx, { actor: actorOf(principal), action: `dossier.${input.action}`, target: `dossier:${row.code}`, data: { seq, from: s.status, to: next.status } });
  await afterStateChange(ctx, tx, row, next, input.action as ActionName, data, seq);
  return { seq, status: next.status, national: STATUSES[next.status].national, final: FINAL.includes(next.status) };
}

/** The role and unit that act next, for the work queues; nobody once the dossier is final or with the applicant. */
export function whoActsNext(s: DossierState, wf: WorkflowStep[]): { step_role: string | null; step_unit: string | null } {
  if (FINAL.includes(s.status) || s.status === 'awaiting_supplement') return { step_role: null, step_unit: null };
  const st = wf[s.step];
  const inHandlingUnit = s.step === stepIndex(wf, 'assign') || s.step === stepIndex(wf, 'examine');
  return { step_role: st?.role ?? null, step_unit: inHandlingUnit ? s.handlingUnit : (st?.unit ?? null) };
}

async function checkSpecialist(ctx: Ctx, username: string, unit: string, wf: WorkflowStep[]) {
  const role = wf[stepIndex(wf, 'examine')]?.role ?? 'specialist';
  const s = (await listStaff(ctx)).find((x) => x.username === username && x.active);
  if (!s?.roles.some((r) => r.role === role && r.unitId === unit)) {
    throw new AppError('VALIDATION_FAILED', { vi: `${username} không phải chuyên viên của đơn vị ${unit}`, en: `${username} is not a specialist of unit ${unit}` }, [{ path: 'body.assignee', message: 'Không phải chuyên viên của đơn vị', messageEn: 'not a specialist of the unit' }]);
  }
}

export const ActionResult = z.object({ code: z.string(), status: z.string(), nationalStatus: z.number() });
