import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, importTestProcedures, uploadPdf, type View } from '../../../test/dossier-fixtures.ts';
import { next, Reference } from '../calendar/testing/reference.ts';
import { ACTIONS } from './workflow.ts';

type Persona = 'owner' | 'otherCitizen' | 'receiving' | 'leader' | 'specialist' | 'otherSpecialist' | 'signer' | 'otherUnitLeader';
const tok = {} as Record<Persona, string>;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  tok.owner = await citizenToken(t, '20000000-0000-4000-8000-000000000001');
  tok.otherCitizen = await citizenToken(t, '20000000-0000-4000-8000-000000000002', 'Nguyễn Thị Hà', '079194006789');
  tok.receiving = await login(t, 'tiepnhan.xnk');
  tok.leader = await login(t, 'lanhdao');
  tok.specialist = await login(t, 'chuyenvien');
  tok.otherSpecialist = await login(t, 'chuyenvien.xuatxu'); // specialist in two units, not assigned
  tok.signer = await login(t, 'ky');
  tok.otherUnitLeader = await login(t, 'lanhdao.hcm');
});
afterAll(() => t?.close());

/** A valid body for each action, so an allowed action succeeds and a refused one is refused for its rights, not its input. */
const bodyFor = async (action: string, as: Persona): Promise<Record<string, unknown>> => {
  switch (action) {
    case 'refuse': case 'stop': case 'send_back': case 'withdraw': return { action, reason: 'Lý do kiểm thử đầy đủ' };
    case 'request_supplement': return { action, items: [{ component: 'Đơn đề nghị', reason: 'Thiếu chữ ký' }] };
    case 'supplement': return { action, components: [{ code: 'T-02', uploadId: await uploadPdf(t, as === 'owner' || as === 'otherCitizen' ? tok[as] : tok.receiving) }] };
    case 'assign': case 'reassign': return { action, assignee: 'chuyenvien' };
    case 'transfer': return { action, toUnit: '000.05.04.G12' };
    case 'apologise': return { action, reason: 'Cần xác minh thêm với cơ quan hải quan', newDueDate: '2099-12-31' };
    case 'return': return { action, method: 'online' };
    default: return { action };
  }
};

/** Brings a fresh dossier to a state through the API, the way people would. */
async function dossierIn(state: string): Promise<string> {
  const f = await fileOnline(t, tok.owner);
  const code = f.body.code;
  const step = async (as: Persona, body: Record<string, unknown>) => {
    const r = await act(t, tok[as], code, body);
    if (r.status !== 200) throw new Error(`${String(body.action)} as ${as}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  if (state === 'submitted') return code;
  if (state === 'awaiting_supplement') {
    await step('receiving', { action: 'receive' });
    await step('leader', { action: 'assign', assignee: 'chuyenvien' });
    await step('specialist', await bodyFor('request_supplement', 'specialist'));
    return code;
  }
  await step('receiving', { action: 'receive' });
  if (state === 'received') return code;
  await step('leader', { action: 'assign', assignee: 'chuyenvien' });
  if (state === 'processing') return code;
  await step('specialist', { action: 'propose' });
  if (state === 'proposed') return code;
  await step('signer', { action: 'approve' });
  if (state === 'approved') return code;
  await step('receiving', { action: 'return', method: 'online' });
  return code;
}

/**
 * The rules, written out by hand from the one-stop regulations as this product applies
 * them: in each state, who may do what. Everything else must be refused.
 */
const ALLOWED: Record<string, Partial<Record<Persona, string[]>>> = {
  submitted: { receiving: ['receive', 'refuse', 'request_supplement'], owner: ['withdraw'] },
  received: { receiving: ['refuse'], leader: ['assign', 'transfer', 'stop', 'apologise'], signer: ['stop'], owner: ['withdraw'] },
  processing: { specialist: ['request_supplement', 'propose', 'apologise'], leader: ['reassign', 'transfer', 'stop', 'apologise'], signer: ['stop'], owner: ['withdraw'] },
  awaiting_supplement: { owner: ['supplement', 'withdraw'], receiving: ['supplement'] },
  proposed: { signer: ['approve', 'send_back', 'stop'], leader: ['reassign', 'send_back', 'stop', 'apologise'], specialist: ['apologise'], owner: ['withdraw'] },
  approved: { receiving: ['return'] },
  returned: {},
};

describe('every action × role × state', () => {
  for (const [state, allowed] of Object.entries(ALLOWED)) {
    it(`in state "${state}"`, async () => {
      const code = await dossierIn(state);
      const checked: string[] = [];
      for (const as of Object.keys(tok) as Persona[]) {
        for (const action of ACTIONS) {
          const may = allowed[as]?.includes(action) ?? false;
          if (may) {
            // Allowed: offered to that person, and it works (on a fresh dossier, so the walk goes on).
            const view = await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok[as] });
            expect(view.body.allowedActions, `${as} is offered ${action} in ${state}`).toContain(action);
            const fresh = await dossierIn(state);
            const r = await act(t, tok[as], fresh, await bodyFor(action, as));
            expect(r.status, `${as} ${action} in ${state}: ${JSON.stringify(r.body)}`).toBe(200);
          } else {
            const r = await act(t, tok[as], code, await bodyFor(action, as));
            expect([403, 404, 409], `${as} ${action} in ${state} must be refused (got ${r.status})`).toContain(r.status);
            if (r.status === 409) expect(r.body.error?.message).toMatch(/Thao tác được phép/);
          }
          checked.push(`${as}:${action}`);
        }
      }
      const after = await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.receiving });
      expect(after.body.status, 'refused actions changed nothing').toBe(state);
      expect(checked).toHaveLength(Object.keys(tok).length * ACTIONS.length);
    }, 120_000);
  }
});

describe('rules that depend on more than the state', () => {
  it('a supplement is requested once only, and the applicant\'s time does not count', async () => {
    const code = await dossierIn('awaiting_supplement');
    // Backdated: received and asked for a supplement on the same day, three working days ago
    // (none of the 10 used), so the original due date is 10 working days after that day. The
    // applicant supplements today: the three working days they took are added to it.
    const ref = new Reference(new Map());
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    let pausedOn = today;
    for (let n = 0; n < 3; pausedOn = next(pausedOn, -1)) if (ref.working(pausedOn)) n++;
    expect(ref.between(pausedOn, today)).toBe(3);
    const originalDue = ref.add(pausedOn, 10);
    await sql`update dossiers set received_at = ${`${pausedOn}T09:00:00+07:00`}::timestamptz, due_date = ${originalDue}::date,
      state = state || jsonb_build_object('dueDate', ${originalDue}::text, 'pausedOn', ${pausedOn}::text, 'usedDays', 0, 'processingDays', 10) where code = ${code}`.execute(t.ctx.database.db);
    const r = await act(t, tok.owner, code, await bodyFor('supplement', 'owner'));
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('processing');
    expect(r.body.components.some((c) => c.supplemented)).toBe(true);
    // Original due date + the 3 paused working days, counted by the test's own calendar.
    const expected = ref.add(originalDue, 3);
    expect(expected > originalDue).toBe(true);
    expect(r.body.dueDate).toBe(expected);
    const again = await act(t, tok.specialist, code, await bodyFor('request_supplement', 'specialist'));
    expect(again.status).toBe(409);
    expect(again.body.error?.message).toMatch(/một lần/);
  });

  it('the date may be moved once, to a later date, at least one working day before the due date', async () => {
    const code = await dossierIn('processing');
    const view = (await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.specialist })).body;
    const earlier = await act(t, tok.specialist, code, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: view.dueDate });
    expect(earlier.status).toBe(400);
    const ok = await act(t, tok.specialist, code, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2099-12-31' });
    expect(ok.status).toBe(200);
    expect(ok.body.dueDate).toBe('2099-12-31');
    const twice = await act(t, tok.leader, code, { action: 'apologise', reason: 'Lần nữa', newDueDate: '2100-01-05' });
    expect(twice.status).toBe(409);
    // Too late: due today.
    const late = await dossierIn('processing');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    await sql`update dossiers set due_date = ${today}::date, state = jsonb_set(state, '{dueDate}', to_jsonb(${today}::text)) where code = ${late}`.execute(t.ctx.database.db);
    const tooLate = await act(t, tok.specialist, late, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2099-12-31' });
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error?.message).toMatch(/ít nhất một ngày làm việc/);
  });

  it('only a specialist of the unit can be assigned; a transfer hands the dossier to the other unit', async () => {
    const code = await dossierIn('received');
    const bad = await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien.hcm' });
    expect(bad.status).toBe(400);
    const moved = await act(t, tok.leader, code, { action: 'transfer', toUnit: '000.05.04.G12' });
    expect(moved.body).toMatchObject({ status: 'received', handlingUnit: '000.05.04.G12', assignee: null });
    expect((await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien' })).status).toBe(403);
    const leader2 = await login(t, 'lanhdao.xuatxu');
    expect((await act(t, leader2, code, { action: 'assign', assignee: 'chuyenvien.xuatxu' })).status).toBe(200);
  });
});

describe('who sees what', () => {
  it('an applicant sees only their own dossiers; officials only their units\'', async () => {
    const code = await dossierIn('received');
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.owner })).status).toBe(200);
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.otherCitizen })).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: tok.otherCitizen })).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.otherUnitLeader })).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.signer })).status).toBe(200); // the department above the unit
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}`, { token: await login(t, 'kiemtra') })).status).toBe(200); // the ministry's auditor
    const mine = await api<{ items: { code: string }[] }>(t, 'GET', '/api/v1/dossiers', { token: tok.otherCitizen });
    expect(mine.body.items.map((i) => i.code)).not.toContain(code);
    const theirs = await api<{ items: { code: string }[] }>(t, 'GET', '/api/v1/dossiers?queue=unit', { token: tok.otherUnitLeader });
    expect(theirs.body.items.map((i) => i.code)).not.toContain(code);
  });

  it('work queues: what waits for me, search by code or applicant name without diacritics', async () => {
    const code = await dossierIn('received');
    const leaderQueue = await api<{ items: { code: string }[] }>(t, 'GET', '/api/v1/dossiers?queue=mine&pageSize=200', { token: tok.leader });
    expect(leaderQueue.body.items.map((i) => i.code)).toContain(code);
    const specialistQueue = await api<{ items: { code: string }[] }>(t, 'GET', '/api/v1/dossiers?queue=mine&pageSize=200', { token: tok.specialist });
    expect(specialistQueue.body.items.map((i) => i.code)).not.toContain(code);
    const byName = await api<{ items: { code: string }[] }>(t, 'GET', `/api/v1/dossiers?q=${encodeURIComponent('tran van minh')}&pageSize=200`, { token: tok.receiving });
    expect(byName.body.items.map((i) => i.code)).toContain(code);
    const byCode = await api<{ items: { code: string }[]; total: number }>(t, 'GET', `/api/v1/dossiers?q=${encodeURIComponent(code)}`, { token: tok.receiving });
    expect(byCode.body.items.map((i) => i.code)).toEqual([code]);
  });
});
