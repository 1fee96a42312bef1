import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, importTestProcedures, uploadPdf, type View } from '../../../test/dossier-fixtures.ts';
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
    case 'refuse':
    case 'stop':
    case 'send_back':
    case 'withdraw':
      return { action, reason: 'Lý do kiểm thử đầy đủ' };
    case 'request_supplement':
      return { action, items: [{ component: 'Đơn đề nghị', reason: 'Thiếu chữ ký' }] };
    case 'supplement':
      return { action, components: [{ code: 'T-02', uploadId: await uploadPdf(t, as === 'owner' || as === 'otherCitizen' ? tok[as] : tok.receiving) }] };
    case 'assign':
    case 'reassign':
      return { action, assignee: 'chuyenvien' };
    case 'transfer':
      return { action, toUnit: '000.05.04.G12' };
    case 'apologise':
      return { action, reason: 'Cần xác minh thêm với cơ quan hải quan', newDueDate: '2099-12-31' };
    case 'return':
      return { action, method: 'online' };
    case 'request_fee':
      return { action, lines: [{ code: 'LP-CAP', name: 'Lệ phí cấp giấy phép', kind: 2, amount: 200_000 }] };
    default:
      return { action };
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
 * The rules themselves (who may do what in each status, and what each action does to the
 * state) are checked exhaustively without a server in workflow.unit.test.ts. Here: what only
 * the HTTP interface shows: the schemas, the status codes and error codes of refusals, who
 * cannot see the dossier at all, what the view offers, and that a refusal writes nothing.
 */
const OFFERED: Record<string, Partial<Record<Persona, string[]>>> = {
  received: { receiving: ['refuse'], leader: ['assign', 'transfer', 'stop', 'apologise'], signer: ['stop'], owner: ['withdraw'] },
  proposed: {
    signer: ['approve', 'send_back', 'stop'],
    leader: ['reassign', 'send_back', 'stop', 'apologise'],
    specialist: ['apologise'],
    owner: ['withdraw'],
  },
};

/** Runs `fn` with the app's clock at a Vietnamese local time. */
async function at<T>(local: string, fn: () => Promise<T>): Promise<T> {
  t.ctx.config.clockOffsetMs = Date.parse(`${local}+07:00`) - Date.now();
  try {
    return await fn();
  } finally {
    t.ctx.config.clockOffsetMs = 0;
  }
}

const logLength = async (code: string) => (await api<unknown[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: tok.receiving })).body.length;

describe('actions over HTTP', () => {
  for (const [state, offered] of Object.entries(OFFERED)) {
    it(`the view offers each person what the rules allow, in "${state}"`, async () => {
      const code = await dossierIn(state);
      for (const as of Object.keys(tok) as Persona[]) {
        const view = await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok[as] });
        if (as === 'otherCitizen' || as === 'otherUnitLeader') expect(view.status, as).toBe(404);
        else expect(view.body.allowedActions, as).toEqual(ACTIONS.filter((a) => offered[as]?.includes(a)));
      }
    });
  }

  it("each action's required fields are required by its own schema, named as the official reads them", async () => {
    const code = await dossierIn('received');
    const required: [string, string, string][] = [
      ['refuse', 'reason', 'Cần nêu rõ lý do từ chối'],
      ['stop', 'reason', 'Cần nêu lý do dừng xử lý'],
      ['send_back', 'reason', 'Cần nêu lý do trả lại'],
      ['request_supplement', 'items', 'Cần liệt kê đầy đủ các nội dung cần bổ sung'],
      ['supplement', 'components', 'Cần đính kèm giấy tờ bổ sung'],
      ['assign', 'assignee', 'Cần chọn chuyên viên xử lý'],
      ['reassign', 'assignee', 'Cần chọn chuyên viên xử lý'],
      ['transfer', 'toUnit', 'Cần chọn đơn vị nhận'],
      ['apologise', 'newDueDate', 'Cần hẹn ngày trả kết quả mới'],
      ['request_fee', 'lines', 'Cần nêu các khoản phí, lệ phí phải nộp'],
    ];
    for (const [action, field, vi] of required) {
      const body = { ...(await bodyFor(action, 'leader')), [field]: undefined };
      const r = await act(t, tok.leader, code, body);
      expect(r.status, `${action} without ${field}`).toBe(400);
      expect(r.body.error?.code).toBe('VALIDATION_FAILED');
      expect(r.body.error?.details).toContainEqual(expect.objectContaining({ path: `body.${field}`, message: vi }));
    }
    const unknown = await act(t, tok.leader, code, { action: 'publish' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.details?.[0]?.path).toBe('body.action');
    // The schemas in the API description: one per action, each with its own required fields.
    type Member = { properties: { action: { enum: string[] } }; required: string[] };
    type Doc = { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: { oneOf: Member[] } }> } } }> };
    const doc = (await api<Doc>(t, 'GET', '/api/openapi.json')).body;
    const members = doc.paths['/api/v1/dossiers/{code}/actions']!.post.requestBody.content['application/json']!.schema.oneOf;
    // fee_paid is the platform's own, taken when a payment settles: no request can name it.
    expect(members.flatMap((m) => m.properties.action.enum).sort()).toEqual(ACTIONS.filter((a) => a !== 'fee_paid').sort());
    // apologise takes newDueDate or newDueAt, so neither is required by itself in the description.
    for (const [action, field] of required.filter(([a]) => a !== 'apologise'))
      expect(members.find((m) => m.properties.action.enum[0] === action)?.required, action).toContain(field);
    const apologise = members.find((m) => m.properties.action.enum[0] === 'apologise') as Member & { properties: Record<string, unknown> };
    expect(Object.keys(apologise.properties)).toEqual(expect.arrayContaining(['newDueDate', 'newDueAt']));
    expect(await logLength(code)).toBe(2);
  });

  it('refusals: 404 for who may not see the dossier, 403 NOT_YOUR_STEP, 409 ACTION_NOT_ALLOWED with what is allowed, and nothing written', async () => {
    const code = await dossierIn('received');
    const before = await logLength(code);
    for (const as of ['otherCitizen', 'otherUnitLeader'] as const) {
      // fee_paid is no request at all (400 before anything is looked up), as the schema test shows.
      for (const action of ACTIONS.filter((a) => a !== 'fee_paid')) {
        const r = await act(t, tok[as], code, await bodyFor(action, as));
        expect([r.status, r.body.error?.code], `${as} ${action}`).toEqual([404, 'NOT_FOUND']);
      }
    }
    const notMine = await act(t, tok.specialist, code, { action: 'assign', assignee: 'chuyenvien' });
    expect([notMine.status, notMine.body.error?.code]).toEqual([403, 'NOT_YOUR_STEP']);
    const wrongStatus = await act(t, tok.leader, code, { action: 'approve' });
    expect([wrongStatus.status, wrongStatus.body.error?.code]).toEqual([409, 'ACTION_NOT_ALLOWED']);
    expect(wrongStatus.body.error?.details?.filter((d) => d.path === 'allowedActions').map((d) => d.message)).toEqual([
      'assign',
      'transfer',
      'stop',
      'apologise',
    ]);
    const noSuchUnit = await act(t, tok.leader, code, { action: 'transfer', toUnit: '999.99.99.G99' });
    expect([noSuchUnit.status, noSuchUnit.body.error?.details?.[0]?.path]).toEqual([400, 'body.toUnit']);
    const notASpecialist = await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien.hcm' });
    expect([notASpecialist.status, notASpecialist.body.error?.details?.[0]?.path]).toEqual([400, 'body.assignee']);
    expect(await logLength(code)).toBe(before);
    const after = await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.receiving });
    expect(after.body).toMatchObject({ status: 'received', assignee: null });
  });

  it('the whole way through, each action by the person whose step it is', async () => {
    const code = await dossierIn('returned');
    const log = (await api<{ action: string; toStatus: string }[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: tok.receiving })).body;
    expect(log.map((e) => `${e.action}→${e.toStatus}`)).toEqual([
      'submit→submitted',
      'receive→received',
      'assign→processing',
      'propose→proposed',
      'approve→approved',
      'return→returned',
    ]);
  });
});

describe('rules that depend on more than the state', () => {
  it("a supplement is requested once only, and the applicant's time does not count", async () => {
    // Received Monday 20/04/2026 (due 07/05 after the Hùng Kings' compensatory day 27/04 and the
    // holidays 30/04 and 01/05); supplement requested Thursday 23/04 (three working days used);
    // supplemented Tuesday 05/05: the seven days left run 06, 07, 08, 11, 12, 13, 14/05.
    const code = await at('2026-04-20T09:00:00', () => dossierIn('processing'));
    expect((await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.specialist })).body.dueDate).toBe('2026-05-07');
    const asked = await at('2026-04-23T10:00:00', async () => act(t, tok.specialist, code, await bodyFor('request_supplement', 'specialist')));
    expect(asked.body).toMatchObject({ status: 'awaiting_supplement', overdue: false });
    const r = await at('2026-05-05T08:30:00', async () => act(t, tok.owner, code, await bodyFor('supplement', 'owner')));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'processing', dueDate: '2026-05-14' });
    expect(r.body.components.some((c) => c.supplemented)).toBe(true);
    const again = await act(t, tok.specialist, code, await bodyFor('request_supplement', 'specialist'));
    expect([again.status, again.body.error?.code]).toEqual([409, 'SUPPLEMENT_ALREADY_REQUESTED']);
  });

  it('the date may be moved once, to a later date, at least one working day before the due date', async () => {
    // Received Thursday 23/04/2026: due Tuesday 12/05.
    const code = await at('2026-04-23T09:00:00', () => dossierIn('processing'));
    await at('2026-05-08T09:00:00', async () => {
      const earlier = await act(t, tok.specialist, code, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2026-05-12' });
      expect([earlier.status, earlier.body.error?.details?.[0]?.path]).toEqual([400, 'body.newDueDate']);
      const ok = await act(t, tok.specialist, code, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2026-05-20' });
      expect(ok.body).toMatchObject({ status: 'processing', dueDate: '2026-05-20' });
      const twice = await act(t, tok.leader, code, { action: 'apologise', reason: 'Lần nữa', newDueDate: '2026-05-29' });
      expect([twice.status, twice.body.error?.code]).toEqual([409, 'DUE_DATE_ALREADY_MOVED']);
    });
    // On the due date itself it is too late.
    const late = await at('2026-04-23T09:00:00', () => dossierIn('processing'));
    const tooLate = await at('2026-05-12T09:00:00', () =>
      act(t, tok.specialist, late, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2026-05-20' }),
    );
    expect([tooLate.status, tooLate.body.error?.code]).toEqual([409, 'APOLOGY_TOO_LATE']);
  });

  it('a transfer hands the dossier to the other unit, whose leader assigns it to their own specialist', async () => {
    const code = await dossierIn('received');
    const moved = await act(t, tok.leader, code, { action: 'transfer', toUnit: '000.05.04.G12' });
    expect(moved.body).toMatchObject({ status: 'received', handlingUnit: '000.05.04.G12', assignee: null });
    expect((await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien' })).body.error?.code).toBe('NOT_YOUR_STEP');
    const leader2 = await login(t, 'lanhdao.xuatxu');
    expect((await act(t, leader2, code, { action: 'assign', assignee: 'chuyenvien.xuatxu' })).status).toBe(200);
  });
});

describe('who sees what', () => {
  it("an applicant sees only their own dossiers; officials only their units'", async () => {
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
    const byName = await api<{ items: { code: string }[] }>(t, 'GET', `/api/v1/dossiers?q=${encodeURIComponent('tran van minh')}&pageSize=200`, {
      token: tok.receiving,
    });
    expect(byName.body.items.map((i) => i.code)).toContain(code);
    const byCode = await api<{ items: { code: string }[]; total: number }>(t, 'GET', `/api/v1/dossiers?q=${encodeURIComponent(code)}`, {
      token: tok.receiving,
    });
    expect(byCode.body.items.map((i) => i.code)).toEqual([code]);
  });
});
