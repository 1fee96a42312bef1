import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { loadScaleData } from '../demo/load-scale-data.ts';
import { listStaff } from '../organisation/list-staff.ts';
import { listDossiers, type ListQuery } from './list-dossiers.ts';
import { Reference } from '../calendar/testing/reference.ts';
import { FINAL } from './workflow.ts';

/**
 * The work queues read open and finished dossiers separately for speed; this checks them
 * against the plain definition — one query over everything visible, open first by due date,
 * then finished newest first — for every queue, some filters and several pages.
 */
let t: TestApp;
const staff: Principal[] = [];
let citizen: Principal;

beforeAll(async () => {
  t = await startTestApp();
  await loadScaleData(t.ctx, { dossiers: 1200, fromYear: new Date().getUTCFullYear(), seed: 7 });
  const all = await listStaff(t.ctx);
  for (const username of ['lanhdao', 'chuyenvien', 'tiepnhan.xnk', 'ky']) {
    const s = all.find((x) => x.username === username)!;
    staff.push({ kind: 'staff', id: s.id, username, name: s.fullName, roles: s.roles as never });
  }
  const owner = await t.ctx.database.db
    .selectFrom('dossiers')
    .select('owner_citizen_id')
    .where('owner_citizen_id', 'is not', null)
    .groupBy('owner_citizen_id')
    .orderBy(sql`count(*)`, 'desc')
    .executeTakeFirstOrThrow();
  citizen = { kind: 'citizen', id: owner.owner_citizen_id!, name: 'x', identifier: null, citizenKind: 'citizen' } as Principal;
}, 600_000);
afterAll(() => t?.close());

/**
 * The units each official sees, written out from demo/organisation.json: a role in a unit
 * covers that unit and every unit below it. Signing leader `ky` sits in the Agency of Foreign
 * Trade (000.05.00), which holds the offices 000.05.01–04 and the regional offices the load
 * adds (000.05.10 onwards): every 000.05.xx unit. The others work in 000.05.01 only.
 */
const hanoi = (u: string) => u === '000.05.01.G12';
const COVERS: Record<string, (unit: string) => boolean> = {
  lanhdao: hanoi,
  chuyenvien: hanoi,
  'tiepnhan.xnk': hanoi,
  ky: (u) => /^000\.05\.\d\d\.G12$/.test(u),
};
/** The units beneath a unit, the unit included, written out from the same file. */
const TREES: Record<string, (unit: string) => boolean> = { '000.05.00.G12': COVERS.ky, '000.05.01.G12': hanoi };
/** The statutory calendar counted day by day (no official schedule is entered in this database). */
const calendar = new Reference(new Map());
// Vietnam keeps UTC+7 all year.
const vnToday = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const vnDay = (at: Date) => new Date(new Date(at).getTime() + 7 * 3600_000).toISOString().slice(0, 10);

async function reference(p: Principal, q: ListQuery): Promise<{ codes: string[]; total: number }> {
  const today = vnToday();
  const { rows } = await sql<{
    code: string;
    procedure_code: string;
    status: string;
    assignee: string | null;
    step_role: string | null;
    step_unit: string | null;
    due_at: Date | null;
    finished_at: Date | null;
    submitted_at: Date;
    received_at: Date | null;
    channel: number;
    handling_unit: string;
    receiving_unit: string;
    owner_citizen_id: string | null;
  }>`
    select code, procedure_code, status, assignee, step_role, step_unit, due_at, finished_at, submitted_at, received_at, channel,
      handling_unit, receiving_unit, owner_citizen_id from dossiers`.execute(t.ctx.database.db);
  const covers = p.kind === 'staff' ? COVERS[p.username] : () => false;
  const inField = q.field
    ? new Set(
        (
          await sql<{ code: string }>`select distinct procedure_code as code from procedure_versions where field = ${q.field}`.execute(t.ctx.database.db)
        ).rows.map((r) => r.code),
      )
    : null;
  const pairs = p.kind === 'staff' ? p.roles.map((r) => `${r.role}@${r.unitId}`) : [];
  const now = Date.now();
  // Due soon: from now to the end (the last millisecond, in Viet Nam) of the second working day from today.
  const until = Date.parse(`${calendar.add(today, 2)}T23:59:59.999+07:00`);
  const dueOf = (r: { due_at: Date | null }) => (r.due_at === null ? null : new Date(r.due_at).getTime());
  const visible = rows.filter((r) => {
    if (p.kind === 'citizen' && r.owner_citizen_id !== p.id) return false;
    if (p.kind === 'staff' && !covers(r.handling_unit) && !covers(r.receiving_unit)) return false;
    if (
      q.queue === 'mine' &&
      p.kind === 'staff' &&
      !(
        r.finished_at === null &&
        ((r.status === 'processing' && r.assignee === p.username) || (r.status !== 'processing' && pairs.includes(`${r.step_role}@${r.step_unit}`)))
      )
    )
      return false;
    if (
      q.queue === 'due_soon' &&
      !(r.finished_at === null && r.status !== 'awaiting_supplement' && dueOf(r) !== null && dueOf(r)! >= now && dueOf(r)! <= until)
    )
      return false;
    if (q.queue === 'overdue' && !(r.finished_at === null && r.status !== 'awaiting_supplement' && dueOf(r) !== null && dueOf(r)! < now)) return false;
    if (q.status && r.status !== q.status) return false;
    // The service index's definitions, written out: a dossier counts for its receiving unit, on the Vietnam day of each fact.
    const received = r.received_at ? vnDay(r.received_at) : null;
    const finished = r.finished_at ? vnDay(r.finished_at) : null;
    if (q.unit && q.subunits !== 'true' && r.receiving_unit !== q.unit) return false;
    if (q.unit && q.subunits === 'true' && !TREES[q.unit](r.receiving_unit)) return false;
    if (q.receivedFrom && !(received && received >= q.receivedFrom)) return false;
    if (q.receivedTo && !(received && received <= q.receivedTo)) return false;
    if (q.finishedFrom && !(finished && finished >= q.finishedFrom)) return false;
    if (q.finishedTo && !(finished && finished <= q.finishedTo)) return false;
    // Returned by the due moment (a limit in days: by the last millisecond of its day).
    const finishedMs = r.finished_at ? new Date(r.finished_at).getTime() : null;
    if (q.outcome === 'on_time' && !(r.status === 'returned' && (dueOf(r) === null || finishedMs! <= dueOf(r)!))) return false;
    if (q.outcome === 'late' && !(r.status === 'returned' && dueOf(r) !== null && finishedMs! > dueOf(r)!)) return false;
    if (q.outcome === 'open' && !(received && !finished)) return false;
    if (q.channel && r.channel !== q.channel) return false;
    if (inField && !inField.has(r.procedure_code)) return false;
    if (q.openOn && !(received && received <= q.openOn && (!finished || finished > q.openOn))) return false;
    return true;
  });
  const open = visible
    .filter((r) => r.finished_at === null)
    .sort((a, b) => (dueOf(a) ?? Number.POSITIVE_INFINITY) - (dueOf(b) ?? Number.POSITIVE_INFINITY) || +new Date(b.submitted_at) - +new Date(a.submitted_at));
  const done = visible
    .filter((r) => r.finished_at !== null)
    .sort((a, b) => +new Date(b.submitted_at) - +new Date(a.submitted_at) || (a.code < b.code ? -1 : 1));
  return { codes: [...open, ...done].slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((r) => r.code), total: visible.length };
}

describe('work queues', () => {
  it('give the same dossiers in the same order as the plain definition, on every queue and page', async () => {
    let compared = 0;
    // The deadline queues are compared on dossiers they hold, not only on empty lists.
    const held = { due_soon: 0, overdue: 0 };
    for (const p of [...staff, citizen]) {
      for (const queue of ['all', 'unit', 'mine', 'due_soon', 'overdue'] as const) {
        for (const status of [undefined, 'processing', 'returned'] as const) {
          for (const page of [1, 2, 5]) {
            const q: ListQuery = { queue, status, page, pageSize: 20 };
            const got = await listDossiers(t.ctx, p, q);
            const want = await reference(p, q);
            // Open dossiers due the same day and filed the same instant may come in either order; compare sets for those.
            // Finished dossiers are counted one past the page: then there are at least `total`, and a next page.
            if (got.totalCapped) {
              expect(want.total, JSON.stringify(q)).toBeGreaterThanOrEqual(got.total);
              expect(got.total).toBeGreaterThan(page * 20);
            } else expect(got.total, JSON.stringify(q)).toBe(want.total);
            expect([...got.items.map((i) => i.code)].sort(), JSON.stringify({ p: p.kind === 'staff' ? p.username : 'citizen', q })).toEqual(
              [...want.codes].sort(),
            );
            if (status && FINAL.includes(status)) expect(got.items.map((i) => i.code)).toEqual(want.codes);
            if (queue === 'due_soon' || queue === 'overdue') held[queue] += got.items.length;
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(5 * 5 * 3 * 3);
    expect(held.overdue).toBeGreaterThan(0);
    expect(held.due_soon).toBeGreaterThan(0);
  }, 600_000);
});

describe('the service index filters (issue 15: a figure opens the dossiers behind it)', () => {
  /** Compares one query with the plain definition, first page and a later one; returns how many dossiers it selects. */
  async function compare(p: Principal, q: ListQuery): Promise<number> {
    const got = await listDossiers(t.ctx, p, q);
    const want = await reference(p, q);
    const label = JSON.stringify({ p: p.kind === 'staff' ? p.username : 'citizen', q });
    if (got.totalCapped) expect(want.total, label).toBeGreaterThanOrEqual(got.total);
    else expect(got.total, label).toBe(want.total);
    expect([...got.items.map((i) => i.code)].sort(), label).toEqual([...want.codes].sort());
    return want.total;
  }

  it('select by receiving unit, received and finished days, outcome, channel and day in progress, as the indicators count', async () => {
    const ky = staff.find((s) => s.kind === 'staff' && s.username === 'ky')!;
    const { rows } = await sql<{ unit: string; n: number }>`
      select receiving_unit as unit, count(*)::int as n from dossiers where receiving_unit like '000.05.%' group by 1 order by 2 desc limit 2`.execute(
      t.ctx.database.db,
    );
    const { rows: days } = await sql<{ first: string; last: string }>`
      select to_char(min(received_at) + interval '7 hours', 'YYYY-MM-DD') as first, to_char(max(finished_at) + interval '7 hours', 'YYYY-MM-DD') as last from dossiers`.execute(
      t.ctx.database.db,
    );
    const { first, last } = days[0];
    const mid = new Date((Date.parse(first) + Date.parse(last)) / 2).toISOString().slice(0, 10);
    const month = mid.slice(0, 8) + '01';
    const selected: Record<string, number> = {};
    for (const { unit } of rows) {
      for (const page of [1, 3]) {
        const base = { queue: 'all' as const, unit, page, pageSize: 20 };
        const queries: [string, ListQuery][] = [
          ['unit', base],
          ['received', { ...base, receivedFrom: month, receivedTo: mid }],
          ['received online', { ...base, receivedFrom: first, receivedTo: mid, channel: 2 }],
          ['on time', { ...base, outcome: 'on_time', finishedFrom: first, finishedTo: last }],
          ['late', { ...base, outcome: 'late', finishedFrom: first, finishedTo: last }],
          ['late in a month', { ...base, outcome: 'late', finishedFrom: month, finishedTo: mid }],
          ['returned', { ...base, status: 'returned', finishedFrom: month, finishedTo: mid }],
          ['in progress', { ...base, outcome: 'open' }],
          ['in progress on a day', { ...base, openOn: mid }],
          ['overdue', { ...base, queue: 'overdue' }],
        ];
        for (const [name, q] of queries) selected[name] = (selected[name] ?? 0) + (await compare(ky, q));
      }
    }
    // Each filter selects something in the loaded history, so a filter that matched nothing would not pass unseen.
    for (const name of ['unit', 'received', 'received online', 'on time', 'late', 'returned', 'in progress', 'in progress on a day'])
      expect(selected[name], name).toBeGreaterThan(0);
    // The same filters for an official of one unit, and for an applicant (their own dossiers of that unit).
    const lanhdao = staff.find((s) => s.kind === 'staff' && s.username === 'lanhdao')!;
    await compare(lanhdao, { queue: 'all', unit: '000.05.01.G12', outcome: 'late', finishedFrom: first, finishedTo: last, page: 1, pageSize: 20 });
    await compare(citizen, { queue: 'all', unit: '000.05.01.G12', receivedFrom: first, receivedTo: last, page: 1, pageSize: 20 });
    // A unit and those beneath it, as the index counts a unit.
    const tree = { queue: 'all' as const, unit: '000.05.00.G12', subunits: 'true' as const, page: 2, pageSize: 20 };
    expect(await compare(ky, { ...tree, outcome: 'late', finishedFrom: first, finishedTo: last })).toBeGreaterThan(0);
    expect(await compare(ky, { ...tree, receivedFrom: month, receivedTo: mid })).toBeGreaterThan(0);
    await compare(ky, { ...tree, outcome: 'open', channel: 1 });
    // A field: the procedures any of whose versions name it.
    const { rows: fields } = await sql<{ field: string }>`
      select v.field from dossiers d join procedure_versions v on v.procedure_code = d.procedure_code group by 1 order by count(*) desc limit 1`.execute(
      t.ctx.database.db,
    );
    expect(await compare(ky, { ...tree, field: fields[0].field, outcome: 'on_time', finishedFrom: first, finishedTo: last })).toBeGreaterThan(0);
    expect(await compare(ky, { ...tree, field: 'Không có lĩnh vực này' })).toBe(0);
  }, 600_000);

  it('refuse a unit the official does not see (404), whatever it holds', async () => {
    const lanhdao = staff.find((s) => s.kind === 'staff' && s.username === 'lanhdao')!;
    const err = await listDossiers(t.ctx, lanhdao, { queue: 'all', unit: '000.05.02.G12', page: 1, pageSize: 20 }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('NOT_FOUND');
    const nowhere = await listDossiers(t.ctx, lanhdao, { queue: 'all', unit: 'X.NOWHERE', page: 1, pageSize: 20 }).catch((e: unknown) => e);
    expect((nowhere as { code?: string }).code).toBe('NOT_FOUND');
  });
});
