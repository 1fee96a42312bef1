import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, FORM, LIGHT_PROCEDURE, uploadPdf, type View } from '../../../test/dossier-fixtures.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import type { ProcedureData } from '../catalog/national-format.ts';
import { writeProcedureVersion } from '../catalog/write-procedure-version.ts';

/**
 * Time limits that end at a moment, through the API: a procedure counted in working hours and
 * a same-day procedure with a cut-off, on the default office hours (08:00–12:00, 13:00–17:00)
 * and the 2026 calendar. Friday 08/05/2026 and Monday 11/05/2026 are ordinary working days.
 */
const HOUR_PROCEDURE = {
  ...LIGHT_PROCEDURE,
  code: '9.100019',
  name: 'Thủ tục thử nghiệm giải quyết trong 8 giờ làm việc',
  executionMethods: LIGHT_PROCEDURE.executionMethods.map((m) => ({ ...m, processingTime: 8, processingTimeUnit: 'WORKING_HOUR' })),
};
const SAME_DAY_CODE = '9.100020';

type Reply = View & { dueAt: string | null; processingUnit: string; overdue: boolean; error?: { code: string; details?: { path: string }[] } };
type LogEntry = { action: string; stepDue: string | null; data: Record<string, unknown> };

let t: TestApp;
const tok = {} as Record<'owner' | 'receiving' | 'leader' | 'specialist' | 'signer', string>;

beforeAll(async () => {
  t = await startTestApp();
  const admin = await login(t, 'admin');
  const r = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [HOUR_PROCEDURE, LIGHT_PROCEDURE] });
  if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
  // The same procedure decided within the day, cut-off 15:00, written as the catalogue stores it.
  const { version: _v, effectiveFrom: _f, effectiveTo: _t, versions: _vs, ...hours } = await getProcedure(t.ctx, HOUR_PROCEDURE.code);
  const sameDay: ProcedureData = {
    ...hours,
    code: SAME_DAY_CODE,
    name: 'Thủ tục thử nghiệm giải quyết trong ngày',
    methods: hours.methods.map((m) => ({ ...m, processingTime: 0, processingTimeUnit: 'SAME_DAY', processingCutoff: '15:00' })),
  };
  await t.ctx.database.db.transaction().execute((tx) => writeProcedureVersion(tx, sameDay, sameDay, new Date('2025-01-01T00:00:00+07:00')));
  tok.owner = await citizenToken(t, '20000000-0000-4000-8000-000000000019');
  tok.receiving = await login(t, 'tiepnhan.xnk');
  tok.leader = await login(t, 'lanhdao');
  tok.specialist = await login(t, 'chuyenvien');
  tok.signer = await login(t, 'ky');
});
afterAll(() => t?.close());

/** Runs `fn` with the app's clock at a Vietnamese local time. */
async function at<T>(local: string, fn: () => Promise<T>): Promise<T> {
  t.ctx.config.clockOffsetMs = Date.parse(`${local}+07:00`) - Date.now();
  try {
    return await fn();
  } finally {
    t.ctx.config.clockOffsetMs = 0;
  }
}

async function step(as: keyof typeof tok, code: string, body: Record<string, unknown>): Promise<Reply> {
  const r = await act(t, tok[as], code, body);
  if (r.status !== 200) throw new Error(`${String(body.action)} as ${as}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Reply;
}

/** Filed online and received at `local`; the reply to the receipt. */
async function receivedAt(local: string, procedure = HOUR_PROCEDURE.code): Promise<Reply & { code: string }> {
  return at(local, async () => {
    const f = await api<Reply>(t, 'POST', '/api/v1/dossiers', { token: tok.owner, body: { procedureCode: procedure, channel: 2, form: FORM, components: [] } });
    if (f.status !== 201 && f.status !== 200) throw new Error(`file: ${f.status} ${JSON.stringify(f.body)}`);
    return { ...(await step('receiving', f.body.code, { action: 'receive' })), code: f.body.code };
  });
}

const view = async (code: string) => (await api<Reply>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok.receiving })).body;
const log = async (code: string) => (await api<LogEntry[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: tok.receiving })).body;
const row = (code: string) =>
  t.ctx.database.db
    .selectFrom('dossiers')
    .select(['due_at', 'due_date', 'step_due_at', 'step_due_date', 'state'])
    .where('code', '=', code)
    .executeTakeFirstOrThrow();

describe('a time limit in working hours', () => {
  it('received on a Friday at 15:00, 8 working hours later is Monday 15:00; the row keeps the moment and its day', async () => {
    const d = await receivedAt('2026-05-08T15:00:00');
    expect(d).toMatchObject({ status: 'received', processingUnit: 'WORKING_HOUR', dueDate: '2026-05-11', dueAt: '2026-05-11T15:00:00+07:00' });
    const r = await row(d.code);
    expect(new Date(r.due_at!).toISOString()).toBe(new Date('2026-05-11T15:00:00+07:00').toISOString());
    expect(String(r.due_date).slice(0, 10)).toBe('2026-05-11');
    // The assignment's half working day is four working hours: Friday 15–17, Monday 08–10.
    expect(new Date(r.step_due_at!).toISOString()).toBe(new Date('2026-05-11T10:00:00+07:00').toISOString());
    expect(String(r.step_due_date).slice(0, 10)).toBe('2026-05-11');
    expect((r.state as { dueAt: string }).dueAt).toBe(new Date('2026-05-11T15:00:00+07:00').toISOString());
  });

  it('a supplement asked on Friday afternoon and brought on Monday morning: the weekend does not count', async () => {
    const d = await receivedAt('2026-05-08T15:00:00');
    await at('2026-05-08T15:10:00', () => step('leader', d.code, { action: 'assign', assignee: 'chuyenvien' }));
    // Friday 16:00: one hour used, seven ahead.
    const asked = await at('2026-05-08T16:00:00', () =>
      step('specialist', d.code, { action: 'request_supplement', items: [{ component: 'Đơn đề nghị', reason: 'Thiếu chữ ký' }] }),
    );
    expect(asked).toMatchObject({ status: 'awaiting_supplement', overdue: false });
    // Still with the applicant on Tuesday, past the old due moment: not late.
    expect((await at('2026-05-12T09:00:00', () => view(d.code))).overdue).toBe(false);
    const upload = await uploadPdf(t, tok.owner, 'bo-sung.pdf');
    // Monday 08:00: the seven hours run 08–12 and 13–16.
    const back = await at('2026-05-11T08:00:00', () => step('owner', d.code, { action: 'supplement', components: [{ code: 'T-01', uploadId: upload }] }));
    expect(back).toMatchObject({ status: 'processing', dueDate: '2026-05-11', dueAt: '2026-05-11T16:00:00+07:00' });
    const entry = (await log(d.code)).find((e) => e.action === 'supplement')!;
    expect(entry.data).toMatchObject({
      dueDateBefore: '2026-05-11',
      dueDateAfter: '2026-05-11',
      dueAtBefore: new Date('2026-05-11T15:00:00+07:00').toISOString(),
      dueAtAfter: new Date('2026-05-11T16:00:00+07:00').toISOString(),
    });
  });

  it('an apology moves the due moment once, to a later time given with its offset, at least a working hour ahead', async () => {
    const d = await receivedAt('2026-05-08T15:00:00');
    await at('2026-05-08T15:10:00', () => step('leader', d.code, { action: 'assign', assignee: 'chuyenvien' }));
    await at('2026-05-11T10:00:00', async () => {
      const apologise = (b: Record<string, unknown>) => act(t, tok.specialist, d.code, { action: 'apologise', reason: 'Cần xác minh thêm', ...b });
      const dayOnly = await apologise({ newDueDate: '2026-05-12' });
      expect([dayOnly.status, dayOnly.body.error?.details?.[0]?.path]).toEqual([400, 'body.newDueAt']);
      const noOffset = await apologise({ newDueAt: '2026-05-12T10:00:00' });
      expect([noOffset.status, noOffset.body.error?.details?.[0]?.path]).toEqual([400, 'body.newDueAt']);
      const earlier = await apologise({ newDueAt: '2026-05-11T14:00:00+07:00' });
      expect([earlier.status, earlier.body.error?.details?.[0]?.path]).toEqual([400, 'body.newDueAt']);
      // Both given, they must name the same day.
      const mismatch = await apologise({ newDueAt: '2026-05-12T10:00:00+07:00', newDueDate: '2026-05-13' });
      expect([mismatch.status, mismatch.body.error?.details?.[0]?.path]).toEqual([400, 'body.newDueDate']);
      const ok = await apologise({ newDueAt: '2026-05-12T10:00:00+07:00', newDueDate: '2026-05-12' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ dueDate: '2026-05-12', dueAt: '2026-05-12T10:00:00+07:00' });
      const twice = await apologise({ newDueAt: '2026-05-13T10:00:00+07:00' });
      expect([twice.status, twice.body.error?.code]).toEqual([409, 'DUE_DATE_ALREADY_MOVED']);
    });
    const entry = (await log(d.code)).find((e) => e.action === 'apologise')!;
    expect(entry.data).toMatchObject({
      previousDueDate: '2026-05-11',
      newDueDate: '2026-05-12',
      previousDueAt: new Date('2026-05-11T15:00:00+07:00').toISOString(),
      newDueAt: new Date('2026-05-12T10:00:00+07:00').toISOString(),
    });
    // Half an hour before the due moment it is too late.
    const late = await receivedAt('2026-05-08T15:00:00');
    await at('2026-05-08T15:10:00', () => step('leader', late.code, { action: 'assign', assignee: 'chuyenvien' }));
    const tooLate = await at('2026-05-11T14:30:00', () =>
      act(t, tok.specialist, late.code, { action: 'apologise', reason: 'Cần xác minh thêm', newDueAt: '2026-05-12T10:00:00+07:00' }),
    );
    expect([tooLate.status, tooLate.body.error?.code]).toEqual([409, 'APOLOGY_TOO_LATE']);
  });

  it('a result returned after the due moment is late, the same day or not; up to it, on time', async () => {
    const through = async (returnAt: string) => {
      const d = await receivedAt('2026-05-08T15:00:00');
      await at('2026-05-08T15:10:00', async () => {
        await step('leader', d.code, { action: 'assign', assignee: 'chuyenvien' });
        await step('specialist', d.code, { action: 'propose' });
        await step('signer', d.code, { action: 'approve' });
      });
      const done = await at(returnAt, () => step('receiving', d.code, { action: 'return', method: 'online' }));
      return { done, onTime: (await log(d.code)).find((e) => e.action === 'return')!.data.onTime };
    };
    const late = await through('2026-05-11T15:30:00');
    expect([late.onTime, late.done.overdue]).toEqual([false, true]);
    const inTime = await through('2026-05-11T14:30:00');
    expect([inTime.onTime, inTime.done.overdue]).toEqual([true, false]);
  });
});

describe('a same-day limit with a 15:00 cut-off', () => {
  it('received at 15:30 on a Friday, due at 17:00 on Monday; received at 14:00, due at 17:00 that day', async () => {
    expect(await receivedAt('2026-05-08T15:30:00', SAME_DAY_CODE)).toMatchObject({
      processingUnit: 'SAME_DAY',
      dueDate: '2026-05-11',
      dueAt: '2026-05-11T17:00:00+07:00',
    });
    expect(await receivedAt('2026-05-08T14:00:00', SAME_DAY_CODE)).toMatchObject({ dueDate: '2026-05-08', dueAt: '2026-05-08T17:00:00+07:00' });
  });
});

describe('migration 0044', () => {
  it('gives a dossier that had only a due date the end of that day in Viet Nam, in its row and its state', async () => {
    const d = await receivedAt('2026-05-08T09:00:00', LIGHT_PROCEDURE.code);
    expect(d).toMatchObject({ processingUnit: 'WORKING_DAY', dueDate: '2026-05-22', dueAt: '2026-05-22T23:59:59.999+07:00' });
    const db = t.ctx.database.db;
    // As a row written before the migration: the day only.
    await db
      .updateTable('dossiers')
      .set({ due_at: null, step_due_at: null, state: sql`state - 'dueAt'` as never })
      .where('code', '=', d.code)
      .execute();
    const migration = readFileSync(new URL('../../../migrations/0044-dossier-due-moments.sql', import.meta.url), 'utf8');
    // Its backfill, without the statements that add the columns and the index (already there).
    for (const statement of migration
      .replace(/--.*$/gm, '')
      .split(';')
      .map((x) => x.trim())
      .filter((x) => x.startsWith('update'))) {
      await sql.raw(statement).execute(db);
    }
    const r = await row(d.code);
    expect(new Date(r.due_at!).toISOString()).toBe(new Date('2026-05-22T23:59:59.999+07:00').toISOString());
    expect(new Date(r.step_due_at!).toISOString()).toBe(new Date(`${String(r.step_due_date).slice(0, 10)}T23:59:59.999+07:00`).toISOString());
    expect((r.state as { dueAt: string }).dueAt).toBe(new Date('2026-05-22T23:59:59.999+07:00').toISOString());
  });
});
