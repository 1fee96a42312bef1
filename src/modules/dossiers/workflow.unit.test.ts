import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildWorkingCalendar, defaultSchedule } from '../calendar/working-calendar.ts';
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
const TODAY = '2026-04-23';

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

const facts = (who: Persona, over: Partial<ActionFacts> = {}): ActionFacts => ({
  actor: PEOPLE[who],
  workflow: WORKFLOW,
  today: TODAY,
  receivedOn: RECEIVED_ON,
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

const apply = (s: DossierState, who: Persona, action: ActionName, over: Partial<ActionFacts> = {}, req = REQUEST[action]) =>
  applyAction(s, req, calendar, facts(who, over));
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
    expect(t.next).toEqual({ ...IN.submitted, status: 'received', step: 1, handlingUnit: OFFICE, dueDate: '2026-05-12' });
    expect(t.stepDue).toBe('2026-04-24'); // half a working day rounds up to one
  });

  it('receive: a limit in calendar days counts every day', () => {
    const t = allowed(apply({ ...IN.submitted, processingUnit: 'DAY', processingDays: 15 }, 'receiving', 'receive'));
    expect(t.next.dueDate).toBe('2026-05-08');
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
      usedDays: 0,
      processingDays: 7,
      dueDate: '2026-05-14',
    });
    // Only once.
    expect(apply(resumed.next, 'specialist', 'request_supplement')).toEqual({ refused: expect.objectContaining({ code: 'SUPPLEMENT_ALREADY_REQUESTED' }) });
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
      usedDays: 0,
      processingDays: 7,
      dueDate: '2026-05-14',
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
    const onTime = allowed(apply(IN.approved, 'receiving', 'return', { today: '2026-05-07', defaultReturnMethod: 'post' }));
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
    expect(moved.next).toEqual({ ...IN.processing, apologised: true, dueDate: '2026-05-20' });
    expect(moved.data).toEqual({ reason: 'Cần xác minh thêm', previousDueDate: '2026-05-07', newDueDate: '2026-05-20' });
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

describe('properties of every sequence of actions', () => {
  const people = Object.keys(PEOPLE) as Persona[];
  const step = fc.record({ who: fc.constantFrom(...people), action: fc.constantFrom(...ACTIONS), days: fc.integer({ min: 0, max: 20 }) });

  it('applyAction allows exactly what allowedActions offers, never changes its input, and keeps the state coherent', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let s: DossierState = IN.submitted;
        let today = TODAY;
        let receivedOn: string | null = null;
        for (const { who, action, days } of steps) {
          today = calendar.addWorkingDays(today, days % 3);
          const before = structuredClone(s);
          const offered = allowedActions(PEOPLE[who], s, WORKFLOW).includes(action);
          // A date far enough ahead for any apology.
          const req =
            action === 'apologise'
              ? { ...(REQUEST.apologise as ActionRequest & { action: 'apologise' }), newDueDate: '2027-12-31' }
              : action === 'fee_paid' && s.feeDue
                ? { ...(REQUEST.fee_paid as FeePaidAction), amount: s.feeDue.total, due: s.feeDue.n }
                : REQUEST[action];
          const r = applyAction(Object.freeze(s), req, calendar, facts(who, { today, receivedOn }));
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
          if (n.pausedOn && !FINAL.includes(n.status)) expect(['awaiting_supplement', 'awaiting_fee']).toContain(n.status);
          if (receivedOn && n.dueDate && !FINAL.includes(n.status)) expect(n.dueDate > receivedOn).toBe(true);
          s = n;
        }
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });
});
