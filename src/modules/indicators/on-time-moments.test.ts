import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, FORM, LIGHT_PROCEDURE, type View } from '../../../test/dossier-fixtures.ts';
import type { DossierSummary } from '../dossiers/list-dossiers.ts';
import type { IndicatorReport } from './schemas.ts';

/**
 * Issue 19: a time limit in working hours ends at a moment, and everything that judges
 * timeliness compares moments. Two dossiers of a procedure decided within 4 working hours,
 * received on Friday 4 December 2026 at 14:00, are due on Monday at 09:00 (three hours on
 * Friday, one on Monday morning). One is returned at 08:30, the other at 15:00 the same Monday:
 * the second is late although it was returned on its due date, and the queues say so from 09:00.
 */
const HOURS_PROCEDURE = {
  ...LIGHT_PROCEDURE,
  code: '9.100019',
  name: 'Thủ tục thử nghiệm giải quyết trong 4 giờ làm việc',
  executionMethods: LIGHT_PROCEDURE.executionMethods.map((m) => ({ ...m, processingTime: 4, processingTimeUnit: 'WORKING_HOUR' })),
};

const at = (iso: string) => Date.parse(iso);

let t: TestApp;
let admin: string;
let receiving: string;
let leader: string;
let specialist: string;
let signer: string;
const codes: string[] = [];

const setClock = (iso: string) => {
  t.ctx.config.clockOffsetMs = at(iso) - Date.now();
};

async function step(token: string, code: string, body: Record<string, unknown>) {
  const r = await act(t, token, code, body);
  expect(r.status, `${String(body.action)} on ${code}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
}

async function queue(q: string): Promise<DossierSummary[]> {
  const r = await api<{ items: DossierSummary[] }>(t, 'GET', `/api/v1/dossiers?${q}&procedure=${HOURS_PROCEDURE.code}`, { token: receiving });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items;
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t, 'admin');
  const imported = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [HOURS_PROCEDURE] });
  expect(imported.status, JSON.stringify(imported.body)).toBeLessThan(300);
  receiving = await login(t, 'tiepnhan.xnk');
  leader = await login(t, 'lanhdao');
  specialist = await login(t, 'chuyenvien');
  signer = await login(t, 'ky');
  // Filed at the counter: received as it is filed.
  setClock('2026-12-04T14:00:00+07:00');
  for (let i = 0; i < 2; i++) {
    const r = await api<View & { dueAt: string | null; processingUnit: string }>(t, 'POST', '/api/v1/dossiers', {
      token: receiving,
      body: {
        procedureCode: HOURS_PROCEDURE.code,
        channel: 1,
        applicant: { name: 'Lê Thị Thu', identifier: '001190000111', phone: '0912345678' },
        form: FORM,
        components: [],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.status).toBe('received');
    // To the minute: the clock moved on by a few milliseconds between setting it and the filing.
    expect(r.body.dueAt?.slice(0, 16)).toBe('2026-12-07T09:00');
    expect(r.body.dueAt).toMatch(/\+07:00$/);
    expect(r.body.dueDate).toBe('2026-12-07');
    expect(r.body.processingUnit).toBe('WORKING_HOUR');
    codes.push(r.body.code);
  }
}, 120_000);

afterAll(async () => {
  if (t) t.ctx.config.clockOffsetMs = 0;
  await t?.close();
});

describe('a limit in working hours: on time means by the due moment', () => {
  it('is due at 09:00 on Monday, due soon after the receipt and overdue from 09:00, not from the next day', async () => {
    setClock('2026-12-04T14:05:00+07:00');
    const soon = await queue('queue=due_soon');
    expect(soon.map((d) => d.code).sort()).toEqual([...codes].sort());
    expect(soon.map((d) => [d.dueAt?.slice(0, 16), d.processingUnit, d.overdue])).toEqual([
      ['2026-12-07T02:00', 'WORKING_HOUR', false],
      ['2026-12-07T02:00', 'WORKING_HOUR', false],
    ]);
    expect(await queue('queue=overdue')).toEqual([]);

    setClock('2026-12-04T15:00:00+07:00');
    for (const code of codes) {
      await step(leader, code, { action: 'assign', assignee: 'chuyenvien' });
      await step(specialist, code, { action: 'propose' });
      await step(signer, code, { action: 'approve' });
    }
    setClock('2026-12-07T08:30:00+07:00');
    await step(receiving, codes[0], { action: 'return' });

    // Half past nine on the due date: the other one is late already.
    setClock('2026-12-07T09:30:00+07:00');
    const overdue = await queue('queue=overdue');
    expect(overdue.map((d) => [d.code, d.overdue])).toEqual([[codes[1], true]]);
    expect(await queue('queue=due_soon')).toEqual([]);
    // Public tracking says the same, with the moment in Viet Nam time.
    const tracked = await api<{ dueAt: string | null; dueDate: string | null; overdue: boolean }>(t, 'GET', `/api/v1/public/dossiers/${codes[1]}`);
    expect(tracked.status).toBe(200);
    expect(tracked.body).toMatchObject({ dueDate: '2026-12-07', overdue: true });
    expect(tracked.body.dueAt).toMatch(/^2026-12-07T09:00:00(\.\d{3})?\+07:00$/);

    setClock('2026-12-07T15:00:00+07:00');
    await step(receiving, codes[1], { action: 'return' });
  });

  it('counts the result returned at 15:00 on its due date late in the index and in the outcome filters', async () => {
    const r = await api<IndicatorReport>(t, 'GET', `/api/v1/indicators?from=2026-12-01&to=2026-12-31&procedure=${HOURS_PROCEDURE.code}`, {
      token: admin,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const returned = r.body.groups.flatMap((g) => g.indicators).find((i) => i.key === 'returned_on_time')!;
    expect([returned.numerator, returned.denominator]).toEqual([1, 2]);
    expect((await queue('outcome=on_time')).map((d) => d.code)).toEqual([codes[0]]);
    expect((await queue('outcome=late')).map((d) => d.code)).toEqual([codes[1]]);
    // A rebuild from the logs counts the same.
    const check = await api<{ differences: unknown[] }>(t, 'POST', '/api/v1/indicators/rebuild', { token: admin, body: { check: true } });
    expect(check.status, JSON.stringify(check.body)).toBe(200);
    expect(check.body.differences).toEqual([]);
  });
});
