import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { api, issueToken, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, FORM, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';
import type { NotificationDetail, NotificationPage } from './schemas.ts';

/**
 * Issue 10, item 8: the outbox is scoped like dossiers. An official reads the messages of
 * dossiers they may see (received or handled in units they cover), and a message about any
 * other dossier is absent from lists and counts and a 404 on every detail route, exactly as
 * the dossier itself is. Messages follow the dossier when it moves to another unit.
 *
 * Dossier D1 is received at the ministry's one-stop desk R (000.01.01.G12, `tiepnhan`) and
 * handled in X (000.05.01.G12, receiving officer `tiepnhan.xnk`), later transferred to Y
 * (000.05.02.G12, `tiepnhan.hcm`). Dossier D2 lives in Y only. `admin` and `kiemtra` hold
 * their roles at the ministry and see everything.
 */

const R = '000.01.01.G12';
const X = '000.05.01.G12';
const Y = '000.05.02.G12';

const withWorkflow = (code: string, name: string, receive: string, handle: string) => ({
  ...TEST_PROCEDURE,
  code,
  name,
  congso: {
    ...TEST_PROCEDURE.congso,
    agencyCode: handle,
    workflow: [
      { step: 'receive', name: 'Tiếp nhận', role: 'receiving_officer', unit: receive, workingDays: 0.5 },
      { step: 'assign', name: 'Phân công', role: 'unit_leader', unit: handle, workingDays: 0.5 },
      { step: 'examine', name: 'Thẩm định', role: 'specialist', unit: handle, workingDays: 5 },
      { step: 'approve', name: 'Phê duyệt', role: 'signing_leader', unit: handle, workingDays: 2 },
      { step: 'return', name: 'Trả kết quả', role: 'receiving_officer', unit: receive, workingDays: 0 },
    ],
  },
});

let t: TestApp;
const tok: Record<string, string> = {};
let d1: string;
let d2: string;
const MAIL1 = 'scope-one@example.vn';
const MAIL2 = 'scope-two@example.vn';

async function file(citizen: string, procedureCode: string, email: string) {
  const upload = await uploadPdf(t, citizen);
  const r = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
    token: citizen,
    body: {
      procedureCode,
      channel: 2,
      form: FORM,
      applicant: { name: 'Người Nộp Thử', identifier: '001089012345', email },
      components: [{ code: 'T-01', uploadId: upload }],
    },
  });
  if (r.status !== 201) throw new Error(`file: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.code;
}

const must = async (what: string, p: ReturnType<typeof act>) => {
  const r = await p;
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
};

beforeAll(async () => {
  t = await startTestApp();
  for (const u of ['admin', 'kiemtra', 'tiepnhan', 'tiepnhan.xnk', 'tiepnhan.hcm', 'lanhdao']) tok[u] = await login(t, u);
  const imported = await api(t, 'POST', '/api/v1/procedures/import', {
    token: tok.admin,
    body: [withWorkflow('9.100101', 'Thủ tục thử phạm vi hộp thư R→X', R, X), withWorkflow('9.100102', 'Thủ tục thử phạm vi hộp thư Y', Y, Y)],
  });
  if (imported.status !== 200) throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body)}`);
  d1 = await file(await citizenToken(t, '60000000-0000-4000-8000-000000000001'), '9.100101', MAIL1);
  d2 = await file(await citizenToken(t, '60000000-0000-4000-8000-000000000002'), '9.100102', MAIL2);
  await must('receive D1', act(t, tok.tiepnhan, d1, { action: 'receive' }));
  await must('receive D2', act(t, tok['tiepnhan.hcm'], d2, { action: 'receive' }));
});
afterAll(() => t?.close());

const list = (who: string, query = '') => api<NotificationPage>(t, 'GET', `/api/v1/notifications${query}`, { token: tok[who] });
const idsOf = async (code: string) => (await list('admin', `?dossierCode=${encodeURIComponent(code)}`)).body.items.map((i) => i.id);
const seesDossier = async (who: string, code: string) =>
  (await api(t, 'GET', `/api/v1/dossiers/${encodeURIComponent(code)}`, { token: tok[who] })).status === 200;

/** What `who` learns about the messages of `code` through each outbox route. */
async function outboxOf(who: string, code: string) {
  const ids = await idsOf(code);
  expect(ids.length, `messages of ${code}`).toBeGreaterThan(0);
  const all = await list(who);
  const filtered = await list(who, `?dossierCode=${encodeURIComponent(code)}`);
  const page = await api<string>(t, 'GET', '/can-bo/hop-thu', { token: tok[who] });
  const detail = await Promise.all(ids.map((id) => api<NotificationDetail>(t, 'GET', `/api/v1/notifications/${id}`, { token: tok[who] })));
  const detailPage = await Promise.all(ids.map((id) => api<string>(t, 'GET', `/can-bo/hop-thu/${id}`, { token: tok[who] })));
  const html = await Promise.all(ids.map((id) => api<string>(t, 'GET', `/can-bo/hop-thu/${id}/html`, { token: tok[who] })));
  expect(all.status).toBe(200);
  expect(page.status).toBe(200);
  return {
    inList: all.body.items.filter((i) => i.dossierCode === code).length,
    total: all.body.total,
    filteredTotal: filtered.body.total,
    onPage: page.body.includes(code),
    detail: [...new Set(detail.map((r) => r.status))],
    detailPage: [...new Set(detailPage.map((r) => r.status))],
    // An SMS has no HTML and redirects to its page; every message here is an e-mail.
    html: [...new Set(html.map((r) => r.status))],
    ids,
  };
}

const SEEN = (n: number) => ({ inList: n, filteredTotal: n, onPage: true, detail: [200], detailPage: [200], html: [200] });
const HIDDEN = { inList: 0, filteredTotal: 0, onPage: false, detail: [404], detailPage: [404], html: [404] };

describe('the outbox is scoped like dossiers', () => {
  it("a receiving officer reads their units' messages and nothing of another unit's dossier: not in lists, counts, details or the e-mail's HTML", async () => {
    const xOnD1 = await outboxOf('tiepnhan.xnk', d1);
    const xOnD2 = await outboxOf('tiepnhan.xnk', d2);
    expect(xOnD1).toMatchObject(SEEN(xOnD1.ids.length));
    expect(xOnD2).toMatchObject(HIDDEN);
    // The count is the count of what they may read: D1's messages only.
    expect(xOnD1.total).toBe(xOnD1.ids.length);
    const xPage = (await api<string>(t, 'GET', '/can-bo/hop-thu', { token: tok['tiepnhan.xnk'] })).body;
    expect(xPage).toContain(MAIL1);
    expect(xPage).not.toContain(MAIL2);

    const yOnD2 = await outboxOf('tiepnhan.hcm', d2);
    expect(yOnD2).toMatchObject(SEEN(yOnD2.ids.length));
    expect(await outboxOf('tiepnhan.hcm', d1)).toMatchObject(HIDDEN);
    const detail = await api<{ error: { code: string } }>(t, 'GET', `/api/v1/notifications/${xOnD1.ids[0]}`, { token: tok['tiepnhan.hcm'] });
    // The same answer as an id that does not exist: nothing to tell the two apart.
    expect(detail.body.error.code).toBe('NOT_FOUND');
    expect(JSON.stringify(detail.body)).not.toContain(MAIL1);

    // The desk that received D1 reads its messages too, as it sees the dossier.
    expect(await outboxOf('tiepnhan', d1)).toMatchObject(SEEN(xOnD1.ids.length));
    expect(await outboxOf('tiepnhan', d2)).toMatchObject(HIDDEN);
  });

  it('administrators and auditors of the ministry read every message', async () => {
    for (const who of ['admin', 'kiemtra']) {
      for (const code of [d1, d2]) expect(await outboxOf(who, code)).toMatchObject(SEEN((await idsOf(code)).length));
      expect((await list(who)).body.total).toBe((await idsOf(d1)).length + (await idsOf(d2)).length);
    }
  });

  it('an auditor or administrator placed in one department still reads every message', async () => {
    for (const role of ['auditor', 'administrator'] as const) {
      const token = await issueToken(t.ctx, {
        kind: 'staff',
        id: randomUUID(),
        username: `outbox.${role}.y`,
        name: `Cán bộ ${role} Y`,
        roles: [{ role, unitId: Y }],
      });
      for (const code of [d1, d2]) {
        const ids = await idsOf(code);
        const mine = await api<NotificationPage>(t, 'GET', `/api/v1/notifications?dossierCode=${encodeURIComponent(code)}`, { token });
        expect(mine.body.items.map((i) => i.id).sort(), `${role} on ${code}`).toEqual([...ids].sort());
        expect((await api(t, 'GET', `/api/v1/notifications/${ids[0]}`, { token })).status).toBe(200);
      }
    }
  });

  it('messages follow the dossier to another unit: the officials who see it then are those who read them', async () => {
    const moved = await act(t, tok.lanhdao, d1, { action: 'transfer', toUnit: Y, note: 'Chuyển khu vực TP. Hồ Chí Minh' });
    // X's leader no longer sees D1 once it is in Y, so the action's reply may be a 404; the move is made.
    expect([200, 404]).toContain(moved.status);
    expect((await api<{ handlingUnit: string }>(t, 'GET', `/api/v1/dossiers/${d1}`, { token: tok.admin })).body.handlingUnit).toBe(Y);
    expect(await outboxOf('tiepnhan.xnk', d1)).toMatchObject(HIDDEN);
    expect(await outboxOf('tiepnhan.hcm', d1)).toMatchObject(SEEN((await idsOf(d1)).length));
    expect(await outboxOf('tiepnhan', d1)).toMatchObject(SEEN((await idsOf(d1)).length));
    // The same answer as the dossier itself, for each of them.
    for (const who of ['tiepnhan', 'tiepnhan.xnk', 'tiepnhan.hcm', 'admin', 'kiemtra']) {
      for (const code of [d1, d2]) expect((await outboxOf(who, code)).inList > 0, `${who} on ${code}`).toBe(await seesDossier(who, code));
    }

    // A message written after the move is scoped to where the dossier is now.
    const before = new Set(await idsOf(d1));
    await must('stop D1 in Y', act(t, await login(t, 'lanhdao.hcm'), d1, { action: 'stop', reason: 'Doanh nghiệp đề nghị dừng để kiểm thử' }));
    const fresh = (await idsOf(d1)).filter((id) => !before.has(id));
    expect(fresh.length).toBeGreaterThan(0);
    for (const id of fresh) {
      expect((await api(t, 'GET', `/api/v1/notifications/${id}`, { token: tok['tiepnhan.hcm'] })).status).toBe(200);
      expect((await api(t, 'GET', `/api/v1/notifications/${id}`, { token: tok['tiepnhan.xnk'] })).status).toBe(404);
    }
  });
});
