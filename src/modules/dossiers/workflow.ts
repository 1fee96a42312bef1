import type { StaffRole } from '../../platform/auth/roles.ts';
import type { ProcedureData } from '../catalog/national-format.ts';

/**
 * The one-stop lifecycle as data and pure functions: which actions exist, from which
 * statuses, by whom, and what each does to the state. The procedure version's workflow
 * (steps with role, unit and time budget) decides who acts at each step; this file decides
 * what the actions mean. Nothing here touches the database.
 */
export const STATUSES = {
  submitted: { national: 1, vi: 'Mới nộp, chờ tiếp nhận', en: 'Submitted, awaiting receipt' },
  received: { national: 2, vi: 'Đã tiếp nhận, chờ phân công', en: 'Received, awaiting assignment' },
  refused: { national: 3, vi: 'Từ chối tiếp nhận', en: 'Refused' },
  processing: { national: 4, vi: 'Đang xử lý', en: 'Being processed' },
  proposed: { national: 4, vi: 'Chờ phê duyệt', en: 'Awaiting approval' },
  awaiting_supplement: { national: 5, vi: 'Chờ bổ sung hồ sơ', en: 'Awaiting supplement' },
  withdrawn: { national: 7, vi: 'Đã rút hồ sơ', en: 'Withdrawn' },
  stopped: { national: 8, vi: 'Dừng xử lý', en: 'Processing stopped' },
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
  dueDate: string | null;
  supplementRequested: boolean;
  apologised: boolean;
  /** Status to go back to when the applicant supplements. */
  resumeStatus: Status | null;
  /** Local date the clock stopped for a supplement, while it is stopped. */
  pausedOn: string | null;
  /** Working days of the time limit used before the current pause. */
  usedDays: number;
  processingDays: number;
  /** WORKING_DAY, or DAY for limits in calendar days. */
  processingUnit: 'WORKING_DAY' | 'DAY';
}

export const ACTIONS = [
  'receive', 'request_supplement', 'refuse', 'supplement', 'assign', 'reassign', 'transfer',
  'propose', 'send_back', 'approve', 'return', 'stop', 'withdraw', 'apologise',
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
  stop: { vi: 'Dừng xử lý', en: 'Stop processing' },
  withdraw: { vi: 'Rút hồ sơ', en: 'Withdraw' },
  apologise: { vi: 'Xin lỗi, hẹn lại ngày trả', en: 'Apologise and set a new date' },
};

/** Who may act: the applicant who owns the dossier, or an official holding a role in a unit. */
export type Actor =
  | { kind: 'applicant' }
  | { kind: 'staff'; username: string; roles: { role: StaffRole; unitId: string }[] }
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
  /** Extra conditions on the state (beyond from), with the reason when not met. */
  when?(s: DossierState): { vi: string; en: string } | null;
}

const step = (wf: WorkflowStep[], key: keyof typeof STEP_KEYS) => wf[stepIndex(wf, key)];
const receivingUnit = (wf: WorkflowStep[]) => step(wf, 'receive').unit;

export const RULES: Record<ActionName, Rule> = {
  receive: { from: ['submitted'], who: (a, _s, wf) => holds(a, step(wf, 'receive').role, receivingUnit(wf)) },
  refuse: { from: ['submitted', 'received'], who: (a, _s, wf) => holds(a, step(wf, 'receive').role, receivingUnit(wf)) },
  request_supplement: {
    // Before receipt the receiving officer asks; once received, only the examining specialist does.
    from: ['submitted', 'processing'],
    who: (a, s, wf) =>
      s.status === 'processing' ? a.kind === 'staff' && a.username === s.assignee : holds(a, step(wf, 'receive').role, receivingUnit(wf)),
    when: (s) => (s.supplementRequested ? { vi: 'Chỉ được yêu cầu bổ sung một lần', en: 'A supplement may be requested only once' } : null),
  },
  supplement: { from: ['awaiting_supplement'], who: (a, _s, wf) => a.kind === 'applicant' || holds(a, step(wf, 'receive').role, receivingUnit(wf)) },
  assign: { from: ['received'], who: (a, s, wf) => holds(a, step(wf, 'assign').role, s.handlingUnit) },
  reassign: { from: ['processing', 'proposed'], who: (a, s, wf) => holds(a, step(wf, 'assign').role, s.handlingUnit) },
  transfer: { from: ['received', 'processing'], who: (a, s, wf) => holds(a, step(wf, 'assign').role, s.handlingUnit) },
  propose: { from: ['processing'], who: (a, s) => a.kind === 'staff' && a.username === s.assignee },
  send_back: { from: ['proposed'], who: (a, s, wf) => holds(a, step(wf, 'approve').role, step(wf, 'approve').unit) || holds(a, step(wf, 'assign').role, s.handlingUnit) },
  approve: { from: ['proposed'], who: (a, _s, wf) => holds(a, step(wf, 'approve').role, step(wf, 'approve').unit) },
  return: { from: ['approved'], who: (a, _s, wf) => holds(a, step(wf, 'return').role, step(wf, 'return').unit) },
  stop: { from: ['received', 'processing', 'proposed'], who: (a, s, wf) => holdsAnyIn(a, ['unit_leader', 'signing_leader'], s.handlingUnit) || holds(a, step(wf, 'approve').role, step(wf, 'approve').unit) },
  withdraw: { from: ['submitted', 'received', 'processing', 'proposed', 'awaiting_supplement'], who: (a) => a.kind === 'applicant' },
  apologise: {
    from: ['received', 'processing', 'proposed'],
    who: (a, s, wf) => (a.kind === 'staff' && a.username === s.assignee) || holds(a, step(wf, 'assign').role, s.handlingUnit),
    when: (s) => (s.apologised ? { vi: 'Chỉ được hẹn lại ngày trả kết quả một lần', en: 'The date may be moved only once' } : null),
  },
};

/** The actions this actor may take now (what a 409 lists, what a page offers). */
export function allowedActions(a: Actor, s: DossierState, wf: WorkflowStep[]): ActionName[] {
  return ACTIONS.filter((n) => RULES[n].from.includes(s.status) && !RULES[n].when?.(s) && RULES[n].who(a, s, wf));
}

/** Why an action cannot be taken, or null when it can. */
export function refusal(n: ActionName, a: Actor, s: DossierState, wf: WorkflowStep[]): { code: 'CONFLICT' | 'FORBIDDEN'; vi: string; en: string } | null {
  const r = RULES[n];
  const st = STATUSES[s.status];
  if (!r.from.includes(s.status)) return { code: 'CONFLICT', vi: `Không thể "${ACTION_LABELS[n].vi}" khi hồ sơ ở trạng thái "${st.vi}"`, en: `Cannot ${ACTION_LABELS[n].en.toLowerCase()} a dossier that is ${st.en.toLowerCase()}` };
  const w = r.when?.(s);
  if (w) return { code: 'CONFLICT', ...w };
  if (!r.who(a, s, wf)) return { code: 'FORBIDDEN', vi: `Bạn không có quyền "${ACTION_LABELS[n].vi}" hồ sơ này ở bước hiện tại`, en: `You may not ${ACTION_LABELS[n].en.toLowerCase()} this dossier at its current step` };
  return null;
}
