import type { StaffRole } from '../../platform/auth/roles.ts';
import type { ErrorCode } from '../../platform/errors.ts';
import { addDays, endOfVnDay, localDate, toDayNumber, yearOf } from '../calendar/dates.ts';
import { MAX_YEAR } from '../calendar/schemas.ts';
import { countsHours, type TimeLimit } from '../calendar/time-limit.ts';
import { dailyMinutes, type WorkingTime } from '../calendar/working-time.ts';
import type { ProcedureData } from '../catalog/national-format.ts';
import type { FeeLine } from '../catalog/compute-fees.ts';
import type { ActionRequest } from './schemas.ts';

/** What only the platform takes (not an HTTP action): the fee made due is paid. */
export interface FeePaidAction {
  action: 'fee_paid';
  paymentId: string;
  amount: number;
  online: boolean;
  /** The due this payment was for (FeeDue.n): a payment for an older due does not settle a newer one. */
  due: number;
  version?: undefined;
}

/**
 * The one-stop lifecycle as data and pure functions: which actions exist, from which
 * statuses, by whom, and what each does to the state. The procedure version's workflow
 * (steps with role, unit and time budget) decides who acts at each step; this file decides
 * what the actions mean. Nothing here touches the database.
 */
export const STATUSES = {
  // Filed online for a procedure that charges at filing, not yet paid: a draft with a code, not
  // sent to anyone (no queue, no national sync, no time limit) until the fee is paid.
  unpaid: { national: 1, vi: 'Chờ nộp phí, hồ sơ chưa được gửi', en: 'Awaiting the fee, not yet sent' },
  submitted: { national: 1, vi: 'Mới nộp, chờ tiếp nhận', en: 'Submitted, awaiting receipt' },
  received: { national: 2, vi: 'Đã tiếp nhận, chờ phân công', en: 'Received, awaiting assignment' },
  refused: { national: 3, vi: 'Từ chối tiếp nhận', en: 'Refused' },
  processing: { national: 4, vi: 'Đang xử lý', en: 'Being processed' },
  proposed: { national: 4, vi: 'Chờ phê duyệt', en: 'Awaiting approval' },
  awaiting_supplement: { national: 5, vi: 'Chờ bổ sung hồ sơ', en: 'Awaiting supplement' },
  awaiting_fee: { national: 6, vi: 'Chờ thực hiện nghĩa vụ tài chính', en: 'Awaiting payment of the fee' },
  withdrawn: { national: 7, vi: 'Đã rút hồ sơ', en: 'Withdrawn' },
  stopped: { national: 8, vi: 'Dừng giải quyết', en: 'Processing stopped' },
  approved: { national: 9, vi: 'Đã giải quyết, chờ trả kết quả', en: 'Processed, result to be returned' },
  returned: { national: 10, vi: 'Đã trả kết quả', en: 'Result returned' },
} as const;
export type Status = keyof typeof STATUSES;
export const FINAL: readonly Status[] = ['refused', 'withdrawn', 'stopped', 'returned'];

export const CHANNELS = { 1: { vi: 'Trực tiếp', en: 'In person' }, 2: { vi: 'Trực tuyến', en: 'Online' }, 3: { vi: 'Bưu chính', en: 'By post' } } as const;
export type Channel = 1 | 2 | 3;

export type WorkflowStep = ProcedureData['workflow'][number];

/** What the projection keeps beyond the columns: facts the rules need. */
export interface DossierState {
  status: Status;
  step: number;
  handlingUnit: string;
  assignee: string | null;
  /** The Vietnamese day of dueAt (YYYY-MM-DD), for what needs only the day. */
  dueDate: string | null;
  /**
   * When the time limit ends, an instant as toISOString() writes it: inside office hours for
   * limits in working hours and same-day limits, the last millisecond of the due day for limits
   * in days. States written before it existed lack it: read it with dueAtOf.
   */
  dueAt?: string | null;
  supplementRequested: boolean;
  apologised: boolean;
  /** Status to go back to when the applicant supplements. */
  resumeStatus: Status | null;
  /** Limits in days: local date the clock stopped for a supplement or a fee, while it is stopped. */
  pausedOn: string | null;
  /** Limits in days: working days of the time limit used before the current pause. */
  usedDays: number;
  /** The limit's n in its unit: working or calendar days, working hours; 0 for a same-day limit. */
  processingDays: number;
  /** How the limit is counted (calendar/time-limit.ts). */
  processingUnit: 'WORKING_DAY' | 'DAY' | 'WORKING_HOUR' | 'SAME_DAY';
  /** SAME_DAY: received from this time ('HH:MM') on, due at the close of the next working day. */
  processingCutoff?: string;
  /** Limits in working hours and same-day limits: the instant the clock stopped, while it is stopped. */
  pausedAt?: string | null;
  /** Limits in working hours: working minutes of the limit used when the clock last stopped. */
  usedMinutes?: number;
  /** What the applicant owes now (at filing, or asked for while processing), until it is paid. */
  feeDue?: FeeDue | null;
  /** How many fees have been made due: numbers each due, so a payment for an older one is told apart. */
  feeDues?: number;
  /** Fees paid so far, in đồng, and whether any was paid through the national payment platform. */
  feePaid?: number;
  feePaidOnline?: boolean;
}

export interface FeeDue {
  purpose: 'filing' | 'obligation';
  /** The due's number (state.feeDues when it was made due). */
  n: number;
  lines: FeeLine[];
  total: number;
}

export const ACTIONS = [
  'receive',
  'request_supplement',
  'refuse',
  'supplement',
  'assign',
  'reassign',
  'transfer',
  'propose',
  'send_back',
  'approve',
  'return',
  'stop',
  'withdraw',
  'apologise',
  'request_fee',
  'fee_paid',
] as const;
export type ActionName = (typeof ACTIONS)[number];

export const ACTION_LABELS: Record<ActionName, { vi: string; en: string }> = {
  receive: { vi: 'Tiếp nhận', en: 'Receive' },
  request_supplement: { vi: 'Yêu cầu bổ sung', en: 'Request supplement' },
  refuse: { vi: 'Từ chối tiếp nhận', en: 'Refuse' },
  supplement: { vi: 'Bổ sung hồ sơ', en: 'Supplement' },
  assign: { vi: 'Phân công xử lý', en: 'Assign' },
  reassign: { vi: 'Phân công lại', en: 'Reassign' },
  transfer: { vi: 'Chuyển đơn vị', en: 'Transfer to another unit' },
  propose: { vi: 'Trình phê duyệt', en: 'Propose for approval' },
  send_back: { vi: 'Trả lại bước trước', en: 'Send back' },
  approve: { vi: 'Phê duyệt', en: 'Approve' },
  return: { vi: 'Trả kết quả', en: 'Return the result' },
  stop: { vi: 'Dừng giải quyết hồ sơ', en: 'Stop processing' },
  withdraw: { vi: 'Rút hồ sơ', en: 'Withdraw' },
  apologise: { vi: 'Xin lỗi, đề nghị gia hạn', en: 'Apologise and request an extension' },
  request_fee: { vi: 'Yêu cầu thực hiện nghĩa vụ tài chính', en: 'Request the fee' },
  fee_paid: { vi: 'Đã nộp phí, lệ phí', en: 'Fee paid' },
};

/** Who may act: the applicant who owns the dossier, or an official holding a role in a unit. */
export type Actor =
  | { kind: 'applicant' }
  | { kind: 'staff'; username: string; roles: { role: StaffRole; unitId: string }[] }
  // The platform itself, acting on what another system established (a payment settled): never an HTTP caller.
  | { kind: 'system' }
  | { kind: 'other' };

/** The standard step keys; a procedure may name its steps anything, these are found by key or position. */
const STEP_KEYS = { receive: 'receive', assign: 'assign', examine: 'examine', approve: 'approve', return: 'return' } as const;

export function stepIndex(workflow: WorkflowStep[], key: keyof typeof STEP_KEYS): number {
  const i = workflow.findIndex((s) => s.step === STEP_KEYS[key]);
  if (i >= 0) return i;
  // Positional fallback for workflows with their own names: first, then the conventional order.
  const fallback = { receive: 0, assign: 1, examine: 2, approve: workflow.length - 2, return: workflow.length - 1 }[key];
  return Math.max(0, Math.min(workflow.length - 1, fallback));
}

const holds = (a: Actor, role: StaffRole, unit: string) => a.kind === 'staff' && a.roles.some((r) => r.role === role && r.unitId === unit);
const holdsAnyIn = (a: Actor, roles: StaffRole[], unit: string) => roles.some((r) => holds(a, r, unit));

interface Rule {
  from: readonly Status[];
  /** Whether this actor may take the action now; `unit` is where the dossier is handled. */
  who(a: Actor, s: DossierState, wf: WorkflowStep[]): boolean;
  /** Extra conditions on the state (beyond from), with the refusal when not met. */
  when?(s: DossierState): Refusal | null;
}

const step = (wf: WorkflowStep[], key: keyof typeof STEP_KEYS) => wf[stepIndex(wf, key)];
const receivingUnit = (wf: WorkflowStep[]) => step(wf, 'receive').unit;

export const RULES: Record<ActionName, Rule> = {
  receive: { from: ['submitted'], who: (a, _s, wf) => holds(a, step(wf, 'receive').role, receivingUnit(wf)) },
  refuse: { from: ['submitted', 'received'], who: (a, _s, wf) => holds(a, step(wf, 'receive').role, receivingUnit(wf)) },
  request_supplement: {
    // Before receipt the receiving officer asks; once received, only the examining specialist does.
    from: ['submitted', 'processing'],
    who: (a, s, wf) => (s.status === 'processing' ? a.kind === 'staff' && a.username === s.assignee : holds(a, step(wf, 'receive').role, receivingUnit(wf))),
    when: (s) =>
      s.supplementRequested
        ? { code: 'SUPPLEMENT_ALREADY_REQUESTED', vi: 'Chỉ được yêu cầu bổ sung một lần', en: 'A supplement may be requested only once' }
        : null,
  },
  supplement: { from: ['awaiting_supplement'], who: (a, _s, wf) => a.kind === 'applicant' || holds(a, step(wf, 'receive').role, receivingUnit(wf)) },
  assign: { from: ['received'], who: (a, s, wf) => holds(a, step(wf, 'assign').role, s.handlingUnit) },
  reassign: { from: ['processing', 'proposed'], who: (a, s, wf) => holds(a, step(wf, 'assign').role, s.handlingUnit) },
  transfer: { from: ['received', 'processing'], who: (a, s, wf) => holds(a, step(wf, 'assign').role, s.handlingUnit) },
  propose: { from: ['processing'], who: (a, s) => a.kind === 'staff' && a.username === s.assignee },
  send_back: {
    from: ['proposed'],
    who: (a, s, wf) => holds(a, step(wf, 'approve').role, step(wf, 'approve').unit) || holds(a, step(wf, 'assign').role, s.handlingUnit),
  },
  approve: { from: ['proposed'], who: (a, _s, wf) => holds(a, step(wf, 'approve').role, step(wf, 'approve').unit) },
  return: { from: ['approved'], who: (a, _s, wf) => holds(a, step(wf, 'return').role, step(wf, 'return').unit) },
  stop: {
    from: ['received', 'processing', 'proposed'],
    who: (a, s, wf) => holdsAnyIn(a, ['unit_leader', 'signing_leader'], s.handlingUnit) || holds(a, step(wf, 'approve').role, step(wf, 'approve').unit),
  },
  withdraw: {
    from: ['unpaid', 'submitted', 'received', 'processing', 'proposed', 'awaiting_supplement', 'awaiting_fee'],
    who: (a) => a.kind === 'applicant',
  },
  apologise: {
    from: ['received', 'processing', 'proposed'],
    who: (a, s, wf) => (a.kind === 'staff' && a.username === s.assignee) || holds(a, step(wf, 'assign').role, s.handlingUnit),
    when: (s) =>
      s.apologised ? { code: 'DUE_DATE_ALREADY_MOVED', vi: 'Chỉ được hẹn lại ngày trả kết quả một lần', en: 'The date may be moved only once' } : null,
  },
  // The examining specialist finds what the applicant must pay (national status 6); the clock stops as for a supplement.
  request_fee: { from: ['processing'], who: (a, s) => a.kind === 'staff' && a.username === s.assignee },
  fee_paid: {
    from: ['unpaid', 'awaiting_fee'],
    who: (a) => a.kind === 'system',
    when: (s) => (s.feeDue ? null : { code: 'ACTION_NOT_ALLOWED', vi: 'Hồ sơ không có khoản phí nào đang chờ nộp', en: 'Nothing is owed on this dossier' }),
  },
};

/** The actions this actor may take now (what a 409 lists, what a page offers). */
export function allowedActions(a: Actor, s: DossierState, wf: WorkflowStep[]): ActionName[] {
  return ACTIONS.filter((n) => RULES[n].from.includes(s.status) && !RULES[n].when?.(s) && RULES[n].who(a, s, wf));
}

/** Why the workflow refuses something, with the stable code a client branches on. */
export interface Refusal {
  code: ErrorCode;
  vi: string;
  en: string;
  /** The field at fault, for refusals of a value the caller chose. */
  path?: string;
}

/** Why an action cannot be taken, or null when it can: the status first, then the state's conditions, then the caller. */
export function refusal(n: ActionName, a: Actor, s: DossierState, wf: WorkflowStep[]): Refusal | null {
  const r = RULES[n];
  const st = STATUSES[s.status];
  if (!r.from.includes(s.status)) {
    return {
      code: 'ACTION_NOT_ALLOWED',
      vi: `Không thể "${ACTION_LABELS[n].vi}" khi hồ sơ ở trạng thái "${st.vi}"`,
      en: `Cannot ${ACTION_LABELS[n].en.toLowerCase()} a dossier that is ${st.en.toLowerCase()}`,
    };
  }
  const w = r.when?.(s);
  if (w) return w;
  if (!r.who(a, s, wf)) {
    return {
      code: 'NOT_YOUR_STEP',
      vi: `Bạn không có quyền "${ACTION_LABELS[n].vi}" hồ sơ này ở bước hiện tại`,
      en: `You may not ${ACTION_LABELS[n].en.toLowerCase()} this dossier at its current step`,
    };
  }
  return null;
}

/** What applyAction needs besides the state and the action: facts it may not look up itself. */
export interface ActionFacts {
  actor: Actor;
  workflow: WorkflowStep[];
  /** When the action is taken. */
  now: Date;
  /** When the dossier was received, if it was. */
  receivedAt: Date | null;
  /** How the result goes back when the return action does not say: the applicant's delivery choice. */
  defaultReturnMethod: 'online' | 'counter' | 'post';
}

/** The state an action leads to, what the log records of it, and when the step it enters is due. */
export interface Transition {
  next: DossierState;
  /** The action's own facts for the log (the reason, the assignee, the new date, …). */
  data: Record<string, unknown>;
  /** The Vietnamese day the step entered is due, when the action enters one. */
  stepDue: string | null;
  /** When the step entered is due (an instant, toISOString()), when the action enters one. */
  stepDueAt: string | null;
}

export { endOfVnDay };

/** When the state's time limit ends: dueAt, or for a state written before dueAt existed, the end of its due date. */
export function dueAtOf(s: Pick<DossierState, 'dueAt' | 'dueDate'>): Date | null {
  if (s.dueAt) return new Date(s.dueAt);
  return s.dueDate ? endOfVnDay(s.dueDate) : null;
}

/** The time limit the state runs on. */
export function timeLimitOfState(s: Pick<DossierState, 'processingUnit' | 'processingDays' | 'processingCutoff'>): TimeLimit {
  switch (s.processingUnit) {
    case 'SAME_DAY':
      return s.processingCutoff ? { unit: 'SAME_DAY', cutoff: s.processingCutoff } : { unit: 'SAME_DAY' };
    case 'WORKING_HOUR':
    case 'DAY':
      return { unit: s.processingUnit, n: s.processingDays };
    default:
      return { unit: 'WORKING_DAY', n: s.processingDays };
  }
}

/** The calendar years applyAction may ask about for this state at this moment. */
export function yearsNeeded(s: DossierState, now: Date, receivedAt: Date | null): { fromYear: number; toYear: number } {
  const year = (d: Date) => yearOf(localDate(d));
  const starts = [receivedAt, s.pausedOn ? endOfVnDay(s.pausedOn) : null, s.pausedAt ? new Date(s.pausedAt) : null];
  const from = Math.min(year(now), ...starts.filter((d): d is Date => d !== null).map(year));
  // A working year has about 250 days: a limit of n days ends within n / 200 + 1 years; n
  // working hours take at most n days while a working day has an hour or more. A due date in
  // days moved further than that is only compared with the day (see apologise).
  let to = year(now) + 1 + Math.ceil(s.processingDays / 200);
  // Limits in hours count working minutes up to the due moment (a pause, an apology), so its year is needed too.
  const due = dueAtOf(s);
  if (countsHours(s.processingUnit) && due) to = Math.max(to, year(due));
  // The calendar loads at most 50 years at a time (compute-due-date.ts).
  return { fromYear: from, toYear: Math.min(MAX_YEAR, from + 49, to) };
}

/**
 * One action applied to a dossier's state: the refusal when the rules do not allow it, or the
 * next state with what the log records. Pure: the calendar and every fact come in, nothing is
 * read or written, so every rule can be checked by unit tests. Checks that need the database
 * (that the assignee is a specialist of the unit, that a unit exists, the supplement's files)
 * are the operation's, after this has allowed the action.
 */
export function applyAction(s: DossierState, input: ActionRequest | FeePaidAction, time: WorkingTime, f: ActionFacts): Transition | { refused: Refusal } {
  const no = refusal(input.action, f.actor, s, f.workflow);
  if (no) return { refused: no };
  const { workflow: wf } = f;
  // Limits are counted from the whole minute, as the receipt slip writes the time (HH:MM); whether
  // a result came in time is judged on the exact moment, as the indicators judge finished_at.
  const now = new Date(Math.floor(f.now.getTime() / 60_000) * 60_000);
  const { calendar } = time;
  const today = localDate(now);
  const hourly = countsHours(s.processingUnit);
  const due = dueAtOf(s);
  const next: DossierState = { ...s };
  let stepDue: string | null = null;
  let stepDueAt: string | null = null;
  const enterStep = (key: Parameters<typeof stepIndex>[1]) => {
    next.step = stepIndex(wf, key);
    const days = wf[next.step]?.workingDays ?? 0;
    if (hourly) {
      // A procedure counted in hours: a step's budget in (fractions of) working days is working time.
      const at = time.addWorkingMinutes(now, days * dailyMinutes(time.hours));
      stepDue = localDate(at);
      stepDueAt = at.toISOString();
    } else {
      stepDue = calendar.addWorkingDays(today, Math.ceil(days));
      stepDueAt = endOfVnDay(stepDue).toISOString();
    }
  };
  const data: Record<string, unknown> = {};
  switch (input.action) {
    case 'receive':
      next.status = 'received';
      next.handlingUnit = wf[stepIndex(wf, 'assign')]?.unit ?? next.handlingUnit;
      setDue(next, time.dueAt(now, timeLimitOfState(s)));
      enterStep('assign');
      break;
    case 'refuse':
      data.reason = input.reason;
      next.status = 'refused';
      break;
    case 'request_supplement':
      data.items = input.items;
      next.supplementRequested = true;
      next.status = 'awaiting_supplement';
      pauseClock(s, next, time, now, f.receivedAt);
      break;
    case 'supplement':
      next.status = s.resumeStatus ?? 'submitted';
      resumeClock(s, next, time, now);
      // The national portal is told each supplement's due date before and after it (NgayHenTraTruoc, NgayHenTraMoi).
      if (s.dueDate)
        Object.assign(data, { dueDateBefore: s.dueDate, dueDateAfter: next.dueDate, dueAtBefore: due?.toISOString() ?? null, dueAtAfter: next.dueAt ?? null });
      break;
    case 'request_fee': {
      const lines: FeeLine[] = input.lines.map((l) => ({ ...l, unitAmount: l.unitAmount ?? (l.quantity ? Math.round(l.amount / l.quantity) : l.amount) }));
      const total = lines.reduce((n, l) => n + l.amount, 0);
      if (total <= 0)
        return { refused: { code: 'VALIDATION_FAILED', vi: 'Tổng số tiền phải lớn hơn 0', en: 'The total must be more than 0', path: 'body.lines' } };
      const n = (s.feeDues ?? 0) + 1;
      data.lines = lines;
      data.total = total;
      data.note = input.note ?? null;
      next.feeDues = n;
      next.feeDue = { purpose: 'obligation', n, lines, total };
      next.status = 'awaiting_fee';
      pauseClock(s, next, time, now, f.receivedAt);
      break;
    }
    case 'fee_paid': {
      const due = s.feeDue!;
      if (input.due !== due.n || input.amount !== due.total) {
        return {
          refused: {
            code: 'ACTION_NOT_ALLOWED',
            vi: `Khoản nộp ${input.amount} đồng không khớp khoản phí đang chờ nộp (${due.total} đồng)`,
            en: `The payment of ${input.amount} VND does not match what is owed (${due.total} VND)`,
          },
        };
      }
      data.paymentId = input.paymentId;
      data.amount = input.amount;
      data.online = input.online;
      data.purpose = due.purpose;
      next.feeDue = null;
      next.feePaid = (s.feePaid ?? 0) + input.amount;
      next.feePaidOnline = (s.feePaidOnline ?? false) || input.online;
      if (s.status === 'unpaid') next.status = 'submitted';
      else {
        next.status = s.resumeStatus ?? 'processing';
        resumeClock(s, next, time, now);
      }
      break;
    }
    case 'assign':
    case 'reassign':
      data.assignee = input.assignee;
      if (input.note) data.note = input.note;
      next.assignee = input.assignee;
      if (input.action === 'assign') {
        next.status = 'processing';
        enterStep('examine');
      }
      break;
    case 'transfer': {
      const to = input.toUnit.toUpperCase();
      if (to === s.handlingUnit) {
        return { refused: { code: 'VALIDATION_FAILED', vi: 'Hồ sơ đang ở đơn vị này', en: 'The dossier is already in that unit', path: 'body.toUnit' } };
      }
      data.toUnit = to;
      data.note = input.note ?? null;
      next.handlingUnit = to;
      next.assignee = null;
      next.status = 'received';
      enterStep('assign');
      break;
    }
    case 'propose':
      data.opinion = input.note ?? null;
      next.status = 'proposed';
      enterStep('approve');
      break;
    case 'send_back':
      data.reason = input.reason;
      next.status = 'processing';
      enterStep('examine');
      break;
    case 'approve':
      data.note = input.note ?? null;
      next.status = 'approved';
      enterStep('return');
      break;
    case 'return':
      data.method = input.method ?? f.defaultReturnMethod;
      next.status = 'returned';
      data.onTime = !due || f.now.getTime() <= due.getTime();
      break;
    case 'stop':
      data.reason = input.reason;
      data.legalBasis = input.legalBasis ?? null;
      next.status = 'stopped';
      break;
    case 'withdraw':
      data.reason = input.reason ?? null;
      next.status = 'withdrawn';
      break;
    case 'apologise': {
      // Every status apologise starts from has a due date (receipt sets it); a state without one is not one it may move.
      if (!s.dueDate || !due) return { refused: { code: 'ACTION_NOT_ALLOWED', vi: 'Hồ sơ chưa có hạn giải quyết', en: 'The dossier has no due date yet' } };
      const tooLate = apologyTooLate(s, due, time, now);
      if (tooLate) return { refused: tooLate };
      const moved = newDueOf(input, s, due, time);
      if ('refused' in moved) return moved;
      data.reason = input.reason;
      data.previousDueDate = s.dueDate;
      data.newDueDate = localDate(moved.at);
      data.previousDueAt = due.toISOString();
      data.newDueAt = moved.at.toISOString();
      next.apologised = true;
      setDue(next, moved.at);
      break;
    }
    default: {
      const unreachable: never = input;
      throw new Error(`applyAction: no rule for ${JSON.stringify(unreachable)}`);
    }
  }
  return { next, data, stepDue, stepDueAt };
}

/** Sets the due moment and its day together. */
function setDue(next: DossierState, at: Date) {
  next.dueAt = at.toISOString();
  next.dueDate = localDate(at);
}

/**
 * Form 04 goes out ahead of the due date: at least one working day before a limit in days,
 * at least one working hour before a limit counted in hours or within the day.
 */
function apologyTooLate(s: DossierState, due: Date, time: WorkingTime, now: Date): Refusal | null {
  const dueDay = s.dueDate ?? localDate(due);
  if (countsHours(s.processingUnit)) {
    // Beyond the calendar loaded: years away, hours to spare.
    if (yearOf(localDate(due)) > time.calendar.toYear || time.workingMinutesBetween(now, due) >= 60) return null;
    return {
      code: 'APOLOGY_TOO_LATE',
      vi: `Văn bản xin lỗi phải gửi trước thời hạn trả kết quả (${hhmmOf(due)} ngày ${vnDay(dueDay)}) ít nhất một giờ làm việc`,
      en: `The apology must be sent at least one working hour before the result is due (${hhmmOf(due)} on ${dueDay})`,
    };
  }
  const beyondCalendar = yearOf(dueDay) > time.calendar.toYear; // a year away at least: working days to spare
  if (!beyondCalendar && time.calendar.workingDaysBetween(localDate(now), dueDay) < 1) {
    return {
      code: 'APOLOGY_TOO_LATE',
      vi: `Văn bản xin lỗi phải gửi trước hạn trả kết quả (${dueDay}) ít nhất một ngày làm việc`,
      en: `The apology must be sent at least one working day before the due date (${dueDay})`,
    };
  }
  return null;
}

/**
 * The new due moment an apology asks for: newDueAt as given, or for a limit in days newDueDate's
 * end of day. A limit counted in hours or within the day needs a time; the new moment must be
 * later than the current one.
 */
function newDueOf(input: { newDueAt?: string; newDueDate?: string }, s: DossierState, due: Date, time: WorkingTime): { at: Date } | { refused: Refusal } {
  const hourly = countsHours(s.processingUnit);
  const path = input.newDueAt !== undefined ? 'body.newDueAt' : 'body.newDueDate';
  let at: Date;
  if (input.newDueAt !== undefined) at = new Date(input.newDueAt);
  else if (input.newDueDate !== undefined && !hourly) at = endOfVnDay(input.newDueDate);
  else {
    return {
      refused: hourly
        ? {
            code: 'VALIDATION_FAILED',
            vi: 'Thời hạn của thủ tục tính theo giờ: cần hẹn thời điểm trả kết quả mới, gồm ngày và giờ',
            en: 'This procedure counts its time limit in hours: give the new time of return, date and time',
            path: 'body.newDueAt',
          }
        : { code: 'VALIDATION_FAILED', vi: 'Cần hẹn ngày trả kết quả mới', en: 'Give the new date', path: 'body.newDueDate' },
    };
  }
  if (at.getTime() <= due.getTime()) {
    const shown = hourly ? `${hhmmOf(due)} ${vnDay(localDate(due))}` : vnDay(s.dueDate ?? localDate(due));
    return {
      refused: {
        code: 'VALIDATION_FAILED',
        vi: `${hourly ? 'Thời điểm' : 'Ngày'} hẹn mới phải sau ${shown}`,
        en: `The new ${hourly ? 'time' : 'date'} must be after ${hourly ? `${hhmmOf(due)} on ${localDate(due)}` : (s.dueDate ?? localDate(due))}`,
        path,
      },
    };
  }
  // A limit counted in hours keeps counting working minutes to its due moment (pauses): it must lie in the calendar loaded.
  if (hourly && yearOf(localDate(at)) > time.calendar.toYear) {
    return {
      refused: {
        code: 'VALIDATION_FAILED',
        vi: `Thời điểm hẹn mới phải trong lịch làm việc đã có (đến hết năm ${time.calendar.toYear})`,
        en: `The new time must fall within the working calendar (up to the end of ${time.calendar.toYear})`,
        path,
      },
    };
  }
  return { at };
}

/** 'HH:MM' of an instant in Viet Nam. */
const hhmmOf = (at: Date) => new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(11, 16);
/** DD/MM/YYYY, as Vietnamese texts write a day. */
const vnDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** The clock stops while the applicant owes something (a supplement, a fee); before receipt none is running. */
function pauseClock(s: DossierState, next: DossierState, time: WorkingTime, now: Date, receivedAt: Date | null) {
  next.resumeStatus = s.status;
  if (!s.dueDate || !receivedAt) return;
  if (countsHours(s.processingUnit)) {
    next.pausedAt = now.toISOString();
    const due = dueAtOf(s)!;
    if (s.processingUnit === 'WORKING_HOUR') {
      // What is used is what is no longer ahead: an apology's extension counts as not used.
      const ahead = time.workingMinutesBetween(now, due);
      next.usedMinutes = Math.max(0, Math.round(s.processingDays * 60 - ahead));
    }
    return;
  }
  const today = localDate(now);
  next.pausedOn = today;
  // What is used is what is no longer ahead (the pause day counts as used), so a second pause after a
  // resume, or an apology's extension, is not counted from the receipt again.
  next.usedDays = Math.max(0, s.processingDays - daysAhead(s, time, today, s.dueDate));
}

/** Days of the limit still ahead after a day: working days, or calendar days for a limit in calendar days. */
function daysAhead(s: DossierState, time: WorkingTime, fromDay: string, dueDay: string): number {
  if (dueDay <= fromDay) return 0;
  if (s.processingUnit === 'DAY') return toDayNumber(dueDay) - toDayNumber(fromDay);
  return time.calendar.workingDaysBetween(fromDay, dueDay);
}

/** The time the applicant took does not count: the rest of the limit runs from now. */
function resumeClock(s: DossierState, next: DossierState, time: WorkingTime, now: Date) {
  next.resumeStatus = null;
  if (countsHours(s.processingUnit)) {
    const due = dueAtOf(s);
    if (!s.pausedAt || !due) return;
    if (s.processingUnit === 'SAME_DAY') {
      // Within the day: the dossier counts as received again when the applicant comes back.
      setDue(next, time.dueAt(now, timeLimitOfState(s)));
    } else {
      // The working time that was still ahead when the clock stopped runs from now (from the next opening).
      setDue(next, time.addWorkingMinutes(now, time.workingMinutesBetween(new Date(s.pausedAt), due)));
    }
    next.pausedAt = null;
    return;
  }
  if (s.pausedOn && s.dueDate) {
    // What was still ahead when the clock stopped runs from today: the days used stay used and an
    // apology's extension is kept.
    const ahead = daysAhead(s, time, s.pausedOn, s.dueDate);
    const today = localDate(now);
    const day = s.processingUnit === 'DAY' ? addDays(today, ahead) : time.calendar.addWorkingDays(today, ahead);
    setDue(next, endOfVnDay(day));
    next.pausedOn = null;
  }
}

/** The role and unit that act next, for the work queues; nobody once the dossier is final, with the applicant, or not yet sent. */
export function whoActsNext(s: DossierState, wf: WorkflowStep[]): { step_role: string | null; step_unit: string | null } {
  if (FINAL.includes(s.status) || s.status === 'awaiting_supplement' || s.status === 'awaiting_fee' || s.status === 'unpaid')
    return { step_role: null, step_unit: null };
  const st = wf[s.step];
  const inHandlingUnit = s.step === stepIndex(wf, 'assign') || s.step === stepIndex(wf, 'examine');
  return { step_role: st?.role ?? null, step_unit: inHandlingUnit ? s.handlingUnit : (st?.unit ?? null) };
}
