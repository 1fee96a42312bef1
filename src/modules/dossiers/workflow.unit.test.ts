import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDate } from '../calendar/dates.ts';
import { DEFAULT_OFFICE_HOURS } from '../calendar/office-hours.ts';
import { buildWorkingCalendar, defaultSchedule } from '../calendar/working-calendar.ts';
import { buildWorkingTime } from '../calendar/working-time.ts';
import type { ActionRequest } from './schemas.ts';
import {
  ACTIONS,
  allowedActions,
  applyAction,
  FINAL,
  refusal,
  type ActionFacts,
  type ActionName,
  type Actor,
  type DossierState,
  type FeePaidAction,
  type Status,
  type Transition,
  type WorkflowStep,
  yearsNeeded,
} from './workflow.ts';

/**
 * The one-stop rules as pure functions, checked without a database or a server. Every
 * expected value here is written out by hand from the regulations and the 2026 calendar:
 * Thursday 23/04/2026; the Hùng Kings' day falls on Sunday 26/04, so Monday 27/04 is off;
 * 30/04 and 01/05 are holidays.
 */

const OFFICE = '000.05.01.G12'; // receives, assigns, examines, returns
const DEPARTMENT = '000.05.00.G12'; // approves and signs
const OTHER = '000.05.04.G12';
const WORKFLOW: WorkflowStep[] = [
  { step: 'receive', name: 'Tiếp nhận', role: 'receiving_officer', unit: OFFICE, workingDays: 0.5 },
  { step: 'assign', name: 'Phân công', role: 'unit_leader', unit: OFFICE, workingDays: 0.5 },
  { step: 'examine', name: 'Thẩm định', role: 'specialist', unit: OFFICE, workingDays: 5 },
  { step: 'approve', name: 'Phê duyệt', role: 'signing_leader', unit: DEPARTMENT, workingDays: 2 },
  { step: 'return', name: 'Trả kết quả', role: 'receiving_officer', unit: OFFICE, workingDays: 0 },
] as WorkflowStep[];

const staff = (username: string, ...roles: [string, string][]): Actor => ({
  kind: 'staff',
  username,
  roles: roles.map(([role, unitId]) => ({ role: role as never, unitId })),
});
const PEOPLE = {
  owner: { kind: 'applicant' },
  otherCitizen: { kind: 'other' },
  receiving: staff('tiepnhan', ['receiving_officer', OFFICE]),
  leader: staff('lanhdao', ['unit_leader', OFFICE]),
  specialist: staff('chuyenvien', ['specialist', OFFICE]),
  otherSpecialist: staff('chuyenvien.xuatxu', ['specialist', OFFICE], ['specialist', OTHER]),
  signer: staff('ky', ['signing_leader', DEPARTMENT]),
  otherUnitLeader: staff('lanhdao.hcm', ['unit_leader', OTHER]),
  platform: { kind: 'system' },
} satisfies Record<string, Actor>;
type Persona = keyof typeof PEOPLE;

const calendar = buildWorkingCalendar([2025, 2026, 2027].map(defaultSchedule));
const time = buildWorkingTime(calendar, DEFAULT_OFFICE_HOURS);
const TODAY = '2026-04-23';
/** An instant in Viet Nam time. */
const vn = (local: string) => new Date(`${local}+07:00`);
/** The end of a Vietnamese day, as a limit in days ends and the state writes it. */
const endOf = (day: string) => vn(`${day}T23:59:59.999`).toISOString();

const base: DossierState = {
  status: 'submitted',
  step: 0,
  handlingUnit: OFFICE,
  assignee: null,
  dueDate: null,
  supplementRequested: false,
  apologised: false,
  resumeStatus: null,
  pausedOn: null,
  usedDays: 0,
  processingDays: 10,
  processingUnit: 'WORKING_DAY',
};
const FEE_LINE = { code: 'LP-1', name: 'Lệ phí cấp giấy phép', kind: 2 as const, unitAmount: 1_200_000, quantity: 1, reductionPercent: 0, amount: 1_200_000 };
/** A dossier in each status, as the workflow leaves it: received on Monday 20/04, due 07/05. */
const IN: Record<Status, DossierState> = {
  unpaid: { ...base, status: 'unpaid', feeDues: 1, feeDue: { purpose: 'filing', n: 1, lines: [FEE_LINE], total: 1_200_000 } },
  submitted: base,
  received: { ...base, status: 'received', step: 1, dueDate: '2026-05-07' },
  processing: { ...base, status: 'processing', step: 2, dueDate: '2026-05-07', assignee: 'chuyenvien' },
  proposed: { ...base, status: 'proposed', step: 3, dueDate: '2026-05-07', assignee: 'chuyenvien' },
  approved: { ...base, status: 'approved', step: 4, dueDate: '2026-05-07', assignee: 'chuyenvien' },
  awaiting_supplement: {
    ...base,
    status: 'awaiting_supplement',
    step: 2,
    dueDate: '2026-05-07',
    assignee: 'chuyenvien',
    supplementRequested: true,
    resumeStatus: 'processing',
    pausedOn: TODAY,
    usedDays: 3,
  },
  awaiting_fee: {
    ...base,
    status: 'awaiting_fee',
    step: 2,
    dueDate: '2026-05-07',
    assignee: 'chuyenvien',
    resumeStatus: 'processing',
    pausedOn: TODAY,
    usedDays: 3,
    feeDues: 1,
    feeDue: { purpose: 'obligation', n: 1, lines: [FEE_LINE], total: 1_200_000 },
  },
  returned: { ...base, status: 'returned', step: 4, dueDate: '2026-05-07', assignee: 'chuyenvien' },
  refused: { ...base, status: 'refused' },
  withdrawn: { ...base, status: 'withdrawn' },
  stopped: { ...base, status: 'stopped', step: 2, dueDate: '2026-05-07' },
};
const RECEIVED_ON = '2026-04-20';

/** What differs from the usual facts; `today` and `receivedOn` stand for 09:00 of those days. */
type Over = Partial<ActionFacts> & { today?: string; receivedOn?: string | null };
const facts = (who: Persona, { today = TODAY, receivedOn = RECEIVED_ON, ...over }: Over = {}): ActionFacts => ({
  actor: PEOPLE[who],
  workflow: WORKFLOW,
  now: vn(`${today}T09:00:00`),
  receivedAt: receivedOn ? vn(`${receivedOn}T09:00:00`) : null,
  defaultReturnMethod: 'online',
  ...over,
});

/** A valid request for each action, so a refusal is for the rules, not the input. */
const REQUEST: Record<ActionName, ActionRequest | FeePaidAction> = {
  receive: { action: 'receive' },
  refuse: { action: 'refuse', reason: 'Hồ sơ không thuộc thẩm quyền' },
  request_supplement: { action: 'request_supplement', items: [{ component: 'Đơn đề nghị', reason: 'Thiếu chữ ký' }] },
  supplement: { action: 'supplement', components: [{ uploadId: '00000000-0000-4000-8000-000000000001' }] },
  assign: { action: 'assign', assignee: 'chuyenvien' },
  reassign: { action: 'reassign', assignee: 'chuyenvien.xuatxu' },
  transfer: { action: 'transfer', toUnit: OTHER.toLowerCase() },
  propose: { action: 'propose', note: 'Đủ điều kiện' },
  send_back: { action: 'send_back', reason: 'Cần thẩm định lại' },
  approve: { action: 'approve' },
  return: { action: 'return' },
  stop: { action: 'stop', reason: 'Cơ quan có thẩm quyền yêu cầu dừng', legalBasis: 'Điều 20 Nghị định 61/2018/NĐ-CP' },
  withdraw: { action: 'withdraw' },
  apologise: { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2026-05-20' },
  request_fee: { action: 'request_fee', lines: [{ code: 'LP-1', name: 'Lệ phí cấp giấy phép', kind: 2, quantity: 1, reductionPercent: 0, amount: 1_200_000 }] },
  fee_paid: { action: 'fee_paid', paymentId: 'p-1', amount: 1_200_000, online: true, due: 1 },
};

const apply = (s: DossierState, who: Persona, action: ActionName, over: Over = {}, req = REQUEST[action]) => applyAction(s, req, time, facts(who, over));
function allowed(r: Transition | { refused: unknown }): Transition {
  if ('refused' in r) throw new Error(`refused: ${JSON.stringify(r.refused)}`);
  return r;
}

/** Who may do what in each status, written out by hand; everything else is refused. */
const ALLOWED: Partial<Record<Status, Partial<Record<Persona, ActionName[]>>>> = {
  unpaid: { owner: ['withdraw'], platform: ['fee_paid'] },
  submitted: { receiving: ['receive', 'refuse', 'request_supplement'], owner: ['withdraw'] },
  received: { receiving: ['refuse'], leader: ['assign', 'transfer', 'stop', 'apologise'], signer: ['stop'], owner: ['withdraw'] },
  processing: {
    specialist: ['request_supplement', 'propose', 'apologise', 'request_fee'],
    leader: ['reassign', 'transfer', 'stop', 'apologise'],
    signer: ['stop'],
    owner: ['withdraw'],
  },
  awaiting_supplement: { owner: ['supplement', 'withdraw'], receiving: ['supplement'] },
  awaiting_fee: { owner: ['withdraw'], platform: ['fee_paid'] },
  proposed: {
    signer: ['approve', 'send_back', 'stop'],
    leader: ['reassign', 'send_back', 'stop', 'apologise'],
    specialist: ['apologise'],
    owner: ['withdraw'],
  },
  approved: { receiving: ['return'] },
};
/** The statuses each action starts from, written out by hand. */
const FROM: Record<ActionName, Status[]> = {
  receive: ['submitted'],
  refuse: ['submitted', 'received'],
  request_supplement: ['submitted', 'processing'],
  supplement: ['awaiting_supplement'],
  assign: ['received'],
  reassign: ['processing', 'proposed'],
  transfer: ['received', 'processing'],
  propose: ['processing'],
  send_back: ['proposed'],
  approve: ['proposed'],
  return: ['approved'],
  stop: ['received', 'processing', 'proposed'],
  withdraw: ['unpaid', 'submitted', 'received', 'processing', 'proposed', 'awaiting_supplement', 'awaiting_fee'],
  apologise: ['received', 'processing', 'proposed'],
  request_fee: ['processing'],
  fee_paid: ['unpaid', 'awaiting_fee'],
};

describe('every action × person × status', () => {
  for (const status of Object.keys(IN) as Status[]) {
    it(`in "${status}"`, () => {
      const s = IN[status];
      for (const who of Object.keys(PEOPLE) as Persona[]) {
        const mine = ALLOWED[status]?.[who] ?? [];
        expect(allowedActions(PEOPLE[who], s, WORKFLOW), `${who} is offered in ${status}`).toEqual(ACTIONS.filter((a) => mine.includes(a)));
        for (const action of ACTIONS) {
          const r = apply(s, who, action);
          if (mine.includes(action)) {
            expect('refused' in r, `${who} ${action} in ${status}: ${JSON.stringify(r)}`).toBe(false);
            continue;
          }
          const expected = FROM[action].includes(status) ? 'NOT_YOUR_STEP' : 'ACTION_NOT_ALLOWED';
          expect('refused' in r && r.refused.code, `${who} ${action} in ${status}`).toBe(expected);
        }
      }
    });
  }

  it('a final dossier allows nothing to anyone', () => {
    for (const status of FINAL) for (const who of Object.keys(PEOPLE) as Persona[]) expect(allowedActions(PEOPLE[who], IN[status], WORKFLOW)).toEqual([]);
  });
});

describe('what each action does', () => {
  it('receive: the time limit starts, counted in working days past the holidays; the dossier waits for assignment', () => {
    const t = allowed(apply(IN.submitted, 'receiving', 'receive'));
    expect(t.next).toEqual({ ...IN.submitted, status: 'received', step: 1, handlingUnit: OFFICE, dueDate: '2026-05-12', dueAt: endOf('2026-05-12') });
    expect(t.stepDue).toBe('2026-04-24'); // half a working day rounds up to one
    expect(t.stepDueAt).toBe(endOf('2026-04-24'));
  });

  it('receive: a limit in calendar days counts every day', () => {
    const t = allowed(apply({ ...IN.submitted, processingUnit: 'DAY', processingDays: 15 }, 'receiving', 'receive'));
    expect(t.next.dueDate).toBe('2026-05-08');
    expect(t.next.dueAt).toBe(endOf('2026-05-08'));
  });

  it('receive across the new year: 2027 begins with its own holidays', () => {
    const t = allowed(apply(IN.submitted, 'receiving', 'receive', { today: '2026-12-30' }));
    // 31/12 (1), 01/01 off, 04/01 (2) … 13/01 (9), 14/01 (10).
    expect(t.next.dueDate).toBe('2027-01-14');
  });

  it("assign, propose, send back, approve: each enters its step with the step's own time", () => {
    const assigned = allowed(apply(IN.received, 'leader', 'assign'));
    expect(assigned.next).toMatchObject({ status: 'processing', step: 2, assignee: 'chuyenvien', dueDate: '2026-05-07' });
    expect(assigned.stepDue).toBe('2026-05-05'); // 5 working days: 24, 28, 29/04, 04, 05/05
    expect(assigned.data).toEqual({ assignee: 'chuyenvien' });
    const proposed = allowed(apply(IN.processing, 'specialist', 'propose'));
    expect(proposed.next).toMatchObject({ status: 'proposed', step: 3 });
    expect(proposed.stepDue).toBe('2026-04-28');
    expect(proposed.data).toEqual({ opinion: 'Đủ điều kiện' });
    const sentBack = allowed(apply(IN.proposed, 'signer', 'send_back'));
    expect(sentBack.next).toMatchObject({ status: 'processing', step: 2, assignee: 'chuyenvien' });
    expect(sentBack.data).toEqual({ reason: 'Cần thẩm định lại' });
    const approved = allowed(apply(IN.proposed, 'signer', 'approve'));
    expect(approved.next).toMatchObject({ status: 'approved', step: 4 });
    expect(approved.stepDue).toBe(TODAY); // the return step has no time of its own
  });

  it('reassign changes the specialist and nothing else', () => {
    const t = allowed(apply(IN.processing, 'leader', 'reassign'));
    expect(t.next).toEqual({ ...IN.processing, assignee: 'chuyenvien.xuatxu' });
    expect(t.stepDue).toBeNull();
  });

  it('transfer hands the dossier to the other unit, unassigned, back at the assignment step', () => {
    const t = allowed(apply(IN.processing, 'leader', 'transfer'));
    expect(t.next).toEqual({ ...IN.processing, status: 'received', step: 1, handlingUnit: OTHER, assignee: null });
    expect(t.data).toEqual({ toUnit: OTHER, note: null });
    const same = apply(IN.processing, 'leader', 'transfer', {}, { action: 'transfer', toUnit: OFFICE });
    expect(same).toEqual({ refused: expect.objectContaining({ code: 'VALIDATION_FAILED', path: 'body.toUnit' }) });
  });

  it('request supplement before receipt: no time limit runs, so nothing is paused', () => {
    const t = allowed(apply(IN.submitted, 'receiving', 'request_supplement', { receivedOn: null }));
    expect(t.next).toEqual({ ...IN.submitted, status: 'awaiting_supplement', supplementRequested: true, resumeStatus: 'submitted' });
  });

  it('request supplement while processing pauses the clock; supplementing resumes it with what was left', () => {
    // Received Monday 20/04, due 07/05; asked on Thursday 23/04: 21, 22, 23 used.
    const paused = allowed(apply(IN.processing, 'specialist', 'request_supplement'));
    expect(paused.next).toEqual({
      ...IN.processing,
      status: 'awaiting_supplement',
      supplementRequested: true,
      resumeStatus: 'processing',
      pausedOn: TODAY,
      usedDays: 3,
    });
    // Supplemented Tuesday 05/05: 7 days left, 06, 07, 08, 11, 12, 13, 14/05.
    const resumed = allowed(apply(paused.next, 'owner', 'supplement', { today: '2026-05-05' }));
    expect(resumed.next).toEqual({
      ...paused.next,
      status: 'processing',
      resumeStatus: null,
      pausedOn: null,
      dueDate: '2026-05-14',
      dueAt: endOf('2026-05-14'),
    });
    expect(resumed.data).toMatchObject({
      dueDateBefore: '2026-05-07',
      dueDateAfter: '2026-05-14',
      dueAtBefore: endOf('2026-05-07'),
      dueAtAfter: endOf('2026-05-14'),
    });
    // Only once.
    expect(apply(resumed.next, 'specialist', 'request_supplement')).toEqual({ refused: expect.objectContaining({ code: 'SUPPLEMENT_ALREADY_REQUESTED' }) });
    // A fee asked for later counts from the resume, not from the receipt: on Friday 08/05, 06, 07 and 08
    // used after the 3 before; 4 days ahead (11–14/05). Paid Monday 11/05: due Friday 15/05.
    const fee = allowed(apply(resumed.next, 'specialist', 'request_fee', { today: '2026-05-08' }));
    expect(fee.next).toMatchObject({ pausedOn: '2026-05-08', usedDays: 6 });
    const paid = allowed(apply(fee.next, 'platform', 'fee_paid', { today: '2026-05-11' }));
    expect(paid.next).toMatchObject({ dueDate: '2026-05-15', pausedOn: null });
  });

  it('a supplement before receipt goes back to waiting for receipt', () => {
    const asked = allowed(apply(IN.submitted, 'receiving', 'request_supplement', { receivedOn: null })).next;
    const t = allowed(apply(asked, 'receiving', 'supplement', { receivedOn: null }));
    expect(t.next).toEqual({ ...asked, status: 'submitted', resumeStatus: null });
  });

  it('request fee while processing pauses the clock as a supplement does; the payment resumes it with what was left', () => {
    const asked = allowed(apply(IN.processing, 'specialist', 'request_fee'));
    expect(asked.next).toEqual({
      ...IN.processing,
      status: 'awaiting_fee',
      resumeStatus: 'processing',
      pausedOn: TODAY,
      usedDays: 3,
      feeDues: 1,
      feeDue: { purpose: 'obligation', n: 1, lines: [FEE_LINE], total: 1_200_000 },
    });
    expect(asked.data).toEqual({ lines: [FEE_LINE], total: 1_200_000, note: null });
    // Paid Tuesday 05/05: 7 days left, due 14/05 as after a supplement.
    const paid = allowed(apply(asked.next, 'platform', 'fee_paid', { today: '2026-05-05' }));
    expect(paid.next).toEqual({
      ...asked.next,
      status: 'processing',
      resumeStatus: null,
      pausedOn: null,
      dueDate: '2026-05-14',
      dueAt: endOf('2026-05-14'),
      feeDue: null,
      feePaid: 1_200_000,
      feePaidOnline: true,
    });
    expect(paid.data).toEqual({ paymentId: 'p-1', amount: 1_200_000, online: true, purpose: 'obligation' });
    // A second request is numbered 2: a late payment for the first one does not settle it.
    const again = allowed(apply(paid.next, 'specialist', 'request_fee', { today: '2026-05-06' }));
    expect(again.next.feeDue?.n).toBe(2);
    expect(apply(again.next, 'platform', 'fee_paid')).toEqual({ refused: expect.objectContaining({ code: 'ACTION_NOT_ALLOWED' }) });
    expect('refused' in apply(again.next, 'platform', 'fee_paid', {}, { ...(REQUEST.fee_paid as FeePaidAction), due: 2 })).toBe(false);
  });

  it('request fee: a total of nothing is refused', () => {
    const zero = apply(IN.processing, 'specialist', 'request_fee', {}, { action: 'request_fee', lines: [{ ...FEE_LINE, amount: 0 }] });
    expect(zero).toEqual({ refused: expect.objectContaining({ code: 'VALIDATION_FAILED', path: 'body.lines' }) });
  });

  it('a dossier that owes its fee at filing is sent when paid, not before, and only for the amount owed', () => {
    const paid = allowed(apply(IN.unpaid, 'platform', 'fee_paid', { receivedOn: null }));
    expect(paid.next).toEqual({ ...IN.unpaid, status: 'submitted', feeDue: null, feePaid: 1_200_000, feePaidOnline: true });
    const short = apply(IN.unpaid, 'platform', 'fee_paid', { receivedOn: null }, { ...(REQUEST.fee_paid as FeePaidAction), amount: 1_000_000 });
    expect(short).toEqual({ refused: expect.objectContaining({ code: 'ACTION_NOT_ALLOWED' }) });
    // Nothing owed: nothing to settle.
    expect(apply({ ...IN.unpaid, feeDue: null }, 'platform', 'fee_paid')).toEqual({ refused: expect.objectContaining({ code: 'ACTION_NOT_ALLOWED' }) });
  });

  it("return: on time or late against the due date; the method is the applicant's choice unless the official says", () => {
    const onTime = allowed(apply(IN.approved, 'receiving', 'return', { now: vn('2026-05-07T23:59:00'), defaultReturnMethod: 'post' }));
    expect(onTime.next.status).toBe('returned');
    expect(onTime.data).toEqual({ method: 'post', onTime: true });
    const late = allowed(apply(IN.approved, 'receiving', 'return', { today: '2026-05-08' }, { action: 'return', method: 'counter' }));
    expect(late.data).toEqual({ method: 'counter', onTime: false });
  });

  it('refuse, stop, withdraw end the dossier with their reasons', () => {
    expect(allowed(apply(IN.submitted, 'receiving', 'refuse')).data).toEqual({ reason: 'Hồ sơ không thuộc thẩm quyền' });
    const stopped = allowed(apply(IN.processing, 'signer', 'stop'));
    expect(stopped.next.status).toBe('stopped');
    expect(stopped.data).toEqual({ reason: 'Cơ quan có thẩm quyền yêu cầu dừng', legalBasis: 'Điều 20 Nghị định 61/2018/NĐ-CP' });
    expect(allowed(apply(IN.proposed, 'owner', 'withdraw')).data).toEqual({ reason: null });
  });

  it('apologise: once, to a later date, at least one working day before the due date', () => {
    const moved = allowed(apply(IN.processing, 'specialist', 'apologise'));
    expect(moved.next).toEqual({ ...IN.processing, apologised: true, dueDate: '2026-05-20', dueAt: endOf('2026-05-20') });
    expect(moved.data).toEqual({
      reason: 'Cần xác minh thêm',
      previousDueDate: '2026-05-07',
      newDueDate: '2026-05-20',
      previousDueAt: endOf('2026-05-07'),
      newDueAt: endOf('2026-05-20'),
    });
    expect(apply(moved.next, 'leader', 'apologise')).toEqual({ refused: expect.objectContaining({ code: 'DUE_DATE_ALREADY_MOVED' }) });
    const earlier = apply(IN.processing, 'specialist', 'apologise', {}, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2026-05-07' });
    expect(earlier).toEqual({ refused: expect.objectContaining({ code: 'VALIDATION_FAILED', path: 'body.newDueDate' }) });
    // Due Thursday 07/05: on Wednesday 06/05 one working day is left, on the day itself none.
    expect('refused' in apply(IN.processing, 'specialist', 'apologise', { today: '2026-05-06' })).toBe(false);
    expect(apply(IN.processing, 'specialist', 'apologise', { today: '2026-05-07' })).toEqual({
      refused: expect.objectContaining({ code: 'APOLOGY_TOO_LATE' }),
    });
    // Due Monday 04/05 after the long weekend: the Wednesday before still has Monday ahead; a late one has none.
    expect('refused' in apply({ ...IN.processing, dueDate: '2026-05-04' }, 'specialist', 'apologise', { today: '2026-04-29' })).toBe(false);
    expect(apply({ ...IN.processing, dueDate: '2026-05-04' }, 'specialist', 'apologise', { today: '2026-05-08' })).toEqual({
      refused: expect.objectContaining({ code: 'APOLOGY_TOO_LATE' }),
    });
  });
});

describe('time limits in working hours and within the day (office hours 08:00–12:00, 13:00–17:00)', () => {
  // Friday 24/04/2026; Monday 27/04 is the Hùng Kings' compensatory day off; 30/04 and 01/05 are holidays.
  const HOURS: DossierState = { ...base, processingUnit: 'WORKING_HOUR', processingDays: 8, pausedAt: null, usedMinutes: 0 };
  const at = (local: string): Over => ({ now: vn(local) });
  const receivedAt = (local: string) => ({ receivedAt: vn(local) });

  it('receive: 8 working hours from Friday 15:00 skip the weekend and the day off, due Tuesday 15:00; steps run in working time too', () => {
    const t = allowed(apply(HOURS, 'receiving', 'receive', at('2026-04-24T15:00:00')));
    expect(t.next.dueAt).toBe(vn('2026-04-28T15:00:00').toISOString());
    expect(t.next.dueDate).toBe('2026-04-28');
    // Half a working day (4 hours) for the assignment: Friday 15–17, Tuesday 08–10.
    expect([t.stepDue, t.stepDueAt]).toEqual(['2026-04-28', vn('2026-04-28T10:00:00').toISOString()]);
  });

  it('counts from the whole minute of receipt, as the slip writes it; a result is in time up to the exact due moment', () => {
    expect(allowed(apply(HOURS, 'receiving', 'receive', at('2026-04-24T15:00:40'))).next.dueAt).toBe(vn('2026-04-28T15:00:00').toISOString());
    const due = { ...HOURS, status: 'approved' as const, step: 4, dueDate: '2026-04-28', dueAt: vn('2026-04-28T15:00:00').toISOString() };
    expect(allowed(apply(due, 'receiving', 'return', at('2026-04-28T15:00:00.500'))).data.onTime).toBe(false);
  });

  it('receive outside office hours starts at the next opening', () => {
    const t = allowed(apply(HOURS, 'receiving', 'receive', at('2026-04-24T19:30:00')));
    // Tuesday 28/04 08:00 + 8 working hours: 08–12, 13–17.
    expect(t.next.dueAt).toBe(vn('2026-04-28T17:00:00').toISOString());
  });

  const received = {
    ...HOURS,
    status: 'processing' as const,
    step: 2,
    assignee: 'chuyenvien',
    dueDate: '2026-04-28',
    dueAt: vn('2026-04-28T15:00:00').toISOString(),
  };

  it('a supplement stops the working hours; what was still ahead runs again from the supplement', () => {
    // Asked Tuesday 28/04 10:00: 4 of the 8 hours used (Friday 15–17, Tuesday 08–10).
    const paused = allowed(apply(received, 'specialist', 'request_supplement', { ...at('2026-04-28T10:00:00'), ...receivedAt('2026-04-24T15:00:00') }));
    expect(paused.next).toMatchObject({ status: 'awaiting_supplement', pausedAt: vn('2026-04-28T10:00:00').toISOString(), usedMinutes: 240 });
    expect(paused.next.pausedOn).toBeNull();
    // Supplemented Monday 04/05 14:00: 4 hours left, 14–17 and Tuesday 08–09.
    const resumed = allowed(apply(paused.next, 'owner', 'supplement', { ...at('2026-05-04T14:00:00'), ...receivedAt('2026-04-24T15:00:00') }));
    expect(resumed.next).toMatchObject({ status: 'processing', pausedAt: null, dueDate: '2026-05-05', dueAt: vn('2026-05-05T09:00:00').toISOString() });
    expect(resumed.data).toMatchObject({
      dueDateBefore: '2026-04-28',
      dueDateAfter: '2026-05-05',
      dueAtBefore: vn('2026-04-28T15:00:00').toISOString(),
      dueAtAfter: vn('2026-05-05T09:00:00').toISOString(),
    });
  });

  it('a fee stops the working hours as a supplement does; a payment in the evening resumes them at the next opening', () => {
    const asked = allowed(apply(received, 'specialist', 'request_fee', { ...at('2026-04-28T14:00:00'), ...receivedAt('2026-04-24T15:00:00') }));
    expect(asked.next).toMatchObject({ status: 'awaiting_fee', usedMinutes: 420 });
    // One hour left; paid Tuesday 05/05 at 20:00: Wednesday 08:00–09:00.
    const paid = allowed(apply(asked.next, 'platform', 'fee_paid', at('2026-05-05T20:00:00')));
    expect(paid.next.dueAt).toBe(vn('2026-05-06T09:00:00').toISOString());
  });

  it('return: on time up to the due moment, late a minute after', () => {
    const approved = { ...received, status: 'approved' as const, step: 4 };
    expect(allowed(apply(approved, 'receiving', 'return', at('2026-04-28T15:00:00'))).data.onTime).toBe(true);
    expect(allowed(apply(approved, 'receiving', 'return', at('2026-04-28T15:01:00'))).data.onTime).toBe(false);
  });

  it('apologise: a new moment is needed, after the current one, at least one working hour ahead, once', () => {
    const req = (b: { newDueAt?: string; newDueDate?: string }) => ({ action: 'apologise' as const, reason: 'Cần xác minh thêm', ...b });
    const early = at('2026-04-28T13:30:00');
    // A date alone does not say when within the day.
    expect(apply(received, 'specialist', 'apologise', early, req({ newDueDate: '2026-04-29' }))).toEqual({
      refused: expect.objectContaining({ code: 'VALIDATION_FAILED', path: 'body.newDueAt' }),
    });
    expect(apply(received, 'specialist', 'apologise', early, req({ newDueAt: '2026-04-28T15:00:00+07:00' }))).toEqual({
      refused: expect.objectContaining({ code: 'VALIDATION_FAILED', path: 'body.newDueAt' }),
    });
    // 14:30: half an hour is left, too late; 13:30: an hour and a half, in time.
    expect(apply(received, 'specialist', 'apologise', at('2026-04-28T14:30:00'), req({ newDueAt: '2026-04-29T10:00:00+07:00' }))).toEqual({
      refused: expect.objectContaining({ code: 'APOLOGY_TOO_LATE' }),
    });
    const moved = allowed(apply(received, 'specialist', 'apologise', early, req({ newDueAt: '2026-04-29T10:00:00+07:00' })));
    expect(moved.next).toMatchObject({ apologised: true, dueDate: '2026-04-29', dueAt: vn('2026-04-29T10:00:00').toISOString() });
    expect(moved.data).toEqual({
      reason: 'Cần xác minh thêm',
      previousDueDate: '2026-04-28',
      newDueDate: '2026-04-29',
      previousDueAt: vn('2026-04-28T15:00:00').toISOString(),
      newDueAt: vn('2026-04-29T10:00:00').toISOString(),
    });
    expect(apply(moved.next, 'leader', 'apologise', early, req({ newDueAt: '2026-04-29T16:00:00+07:00' }))).toEqual({
      refused: expect.objectContaining({ code: 'DUE_DATE_ALREADY_MOVED' }),
    });
    // The extension survives a later supplement: the 3.5 hours ahead at 10:30 on 29/04 run from the supplement.
    const paused = allowed(apply(moved.next, 'specialist', 'request_supplement', { ...at('2026-04-29T09:30:00'), ...receivedAt('2026-04-24T15:00:00') })).next;
    const resumed = allowed(apply(paused, 'owner', 'supplement', at('2026-05-04T08:00:00'))).next;
    expect(resumed.dueAt).toBe(vn('2026-05-04T08:30:00').toISOString());
  });

  it('apologise on a limit in days: newDueAt is taken as given, newDueDate ends with its day', () => {
    const moved = allowed(
      apply(IN.processing, 'specialist', 'apologise', {}, { action: 'apologise', reason: 'Cần xác minh thêm', newDueAt: '2026-05-20T10:00:00+07:00' }),
    );
    expect(moved.next).toMatchObject({ dueDate: '2026-05-20', dueAt: vn('2026-05-20T10:00:00').toISOString() });
    // The current limit ends at the end of 07/05: a moment that day is not later.
    const sameDay = apply(
      IN.processing,
      'specialist',
      'apologise',
      {},
      { action: 'apologise', reason: 'Cần xác minh thêm', newDueAt: '2026-05-07T16:00:00+07:00' },
    );
    expect(sameDay).toEqual({ refused: expect.objectContaining({ code: 'VALIDATION_FAILED', path: 'body.newDueAt' }) });
  });

  const SAME_DAY: DossierState = { ...base, processingUnit: 'SAME_DAY', processingDays: 0, processingCutoff: '15:00', pausedAt: null, usedMinutes: 0 };
  it('same day with a 15:00 cut-off: before it, due at the close of the day; from it on, at the close of the next working day', () => {
    const due = (local: string) => allowed(apply(SAME_DAY, 'receiving', 'receive', at(local))).next.dueAt;
    expect(due('2026-04-23T14:59:00')).toBe(vn('2026-04-23T17:00:00').toISOString());
    expect(due('2026-04-23T15:30:00')).toBe(vn('2026-04-24T17:00:00').toISOString());
    // Friday after the cut-off: the next working day is Tuesday 28/04.
    expect(due('2026-04-24T15:00:00')).toBe(vn('2026-04-28T17:00:00').toISOString());
    // On Saturday: counted from Tuesday's opening, before the cut-off.
    expect(due('2026-04-25T10:00:00')).toBe(vn('2026-04-28T17:00:00').toISOString());
    // Without a cut-off: the same working day.
    expect(allowed(apply({ ...SAME_DAY, processingCutoff: undefined }, 'receiving', 'receive', at('2026-04-23T16:30:00'))).next.dueAt).toBe(
      vn('2026-04-23T17:00:00').toISOString(),
    );
  });

  it('same day: a supplement counts as a new receipt when it comes in', () => {
    const processing = {
      ...SAME_DAY,
      status: 'processing' as const,
      step: 2,
      assignee: 'chuyenvien',
      dueDate: '2026-04-24',
      dueAt: vn('2026-04-24T17:00:00').toISOString(),
    };
    const paused = allowed(apply(processing, 'specialist', 'request_supplement', { ...at('2026-04-24T10:00:00'), ...receivedAt('2026-04-23T15:30:00') })).next;
    expect(paused.pausedAt).toBe(vn('2026-04-24T10:00:00').toISOString());
    const resumed = allowed(apply(paused, 'owner', 'supplement', at('2026-04-28T16:00:00'))).next;
    expect(resumed).toMatchObject({ dueDate: '2026-04-29', dueAt: vn('2026-04-29T17:00:00').toISOString(), pausedAt: null });
  });

  it('yearsNeeded reaches the year of a due moment counted in hours, within the 50 years a calendar loads', () => {
    const far = { ...received, dueAt: vn('2031-01-05T10:00:00').toISOString(), dueDate: '2031-01-05' };
    expect(yearsNeeded(far, vn('2026-04-28T10:00:00'), vn('2026-04-24T15:00:00'))).toEqual({ fromYear: 2026, toYear: 2031 });
    expect(yearsNeeded({ ...far, dueAt: vn('2099-01-05T10:00:00').toISOString() }, vn('2026-04-28T10:00:00'), null).toYear).toBe(2075);
    // In days, as before: a moved date is only compared with the day.
    expect(yearsNeeded({ ...IN.processing, dueDate: '2031-01-05' }, vn('2026-04-28T10:00:00'), null)).toEqual({ fromYear: 2026, toYear: 2028 });
  });
});

describe('properties of every sequence of actions', () => {
  const people = Object.keys(PEOPLE) as Persona[];
  /** Limits in working days, working hours, and within the day with a cut-off. */
  const STARTS: DossierState[] = [
    IN.submitted,
    { ...base, processingUnit: 'WORKING_HOUR', processingDays: 8, pausedAt: null, usedMinutes: 0 },
    { ...base, processingUnit: 'SAME_DAY', processingDays: 0, processingCutoff: '15:00', pausedAt: null },
  ];
  const step = fc.record({ who: fc.constantFrom(...people), action: fc.constantFrom(...ACTIONS), days: fc.integer({ min: 0, max: 20 }) });

  it('applyAction allows exactly what allowedActions offers, never changes its input, and keeps the state coherent', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.constantFrom(...STARTS), (steps, start) => {
        let s: DossierState = start;
        let today = TODAY;
        let receivedOn: string | null = null;
        for (const { who, action, days } of steps) {
          today = calendar.addWorkingDays(today, days % 3);
          const before = structuredClone(s);
          const offered = allowedActions(PEOPLE[who], s, WORKFLOW).includes(action);
          // A date far enough ahead for any apology.
          const req =
            action === 'apologise'
              ? { ...(REQUEST.apologise as ActionRequest & { action: 'apologise' }), newDueDate: '2027-12-31', newDueAt: '2027-12-31T10:00:00+07:00' }
              : action === 'fee_paid' && s.feeDue
                ? { ...(REQUEST.fee_paid as FeePaidAction), amount: s.feeDue.total, due: s.feeDue.n }
                : REQUEST[action];
          const r = applyAction(Object.freeze(s), req, time, facts(who, { today, receivedOn }));
          expect(s).toEqual(before);
          if ('refused' in r) {
            // The only refusals of an offered action are about the values or the day it was sent.
            if (offered) expect(['VALIDATION_FAILED', 'APOLOGY_TOO_LATE']).toContain(r.refused.code);
            else expect(r.refused.code).toBe(refusal(action, PEOPLE[who], s, WORKFLOW)?.code);
            continue;
          }
          expect(offered).toBe(true);
          if (action === 'receive') receivedOn = today;
          const n = r.next;
          expect(n.step).toBeGreaterThanOrEqual(0);
          expect(n.step).toBeLessThan(WORKFLOW.length);
          if (s.supplementRequested) expect(n.supplementRequested).toBe(true);
          if (s.apologised) expect(n.apologised).toBe(true);
          if (n.status === 'awaiting_supplement' || n.status === 'awaiting_fee') expect(n.resumeStatus).not.toBeNull();
          if (n.status === 'awaiting_fee' || n.status === 'unpaid') expect(n.feeDue?.total).toBeGreaterThan(0);
          else if (!FINAL.includes(n.status)) expect(n.feeDue ?? null).toBeNull();
          // The clock is paused only while the applicant has the dossier (or it ended there).
          if ((n.pausedOn || n.pausedAt) && !FINAL.includes(n.status)) expect(['awaiting_supplement', 'awaiting_fee']).toContain(n.status);
          // The day kept beside the due moment is the moment's day in Viet Nam.
          if (n.dueAt) expect(localDate(new Date(n.dueAt))).toBe(n.dueDate);
          // A limit in days ends on a later day; one in hours or within the day may end the day it started, after it started.
          if (receivedOn && n.dueDate && !FINAL.includes(n.status)) {
            if (start.processingUnit === 'WORKING_DAY') expect(n.dueDate > receivedOn).toBe(true);
            else expect(new Date(n.dueAt!).getTime()).toBeGreaterThan(Date.parse(`${receivedOn}T09:00:00+07:00`));
          }
          s = n;
        }
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });
});
