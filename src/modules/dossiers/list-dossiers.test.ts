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
/** The statutory calendar counted day by day (no official schedule is entered in this database). */
const calendar = new Reference(new Map());
// Vietnam keeps UTC+7 all year.
const vnToday = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

async function reference(p: Principal, q: ListQuery): Promise<{ codes: string[]; total: number }> {
  const today = vnToday();
  const { rows } = await sql<{
    code: string;
    status: string;
    assignee: string | null;
    step_role: string | null;
    step_unit: string | null;
    due_date: string | null;
    finished_at: Date | null;
    submitted_at: Date;
    handling_unit: string;
    receiving_unit: string;
    owner_citizen_id: string | null;
  }>`
    select code, status, assignee, step_role, step_unit, due_date, finished_at, submitted_at, handling_unit, receiving_unit, owner_citizen_id from dossiers`.execute(
    t.ctx.database.db,
  );
  const covers = p.kind === 'staff' ? COVERS[p.username] : () => false;
  const pairs = p.kind === 'staff' ? p.roles.map((r) => `${r.role}@${r.unitId}`) : [];
  const until = calendar.add(today, 2);
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
      !(r.finished_at === null && r.status !== 'awaiting_supplement' && r.due_date !== null && r.due_date >= today && r.due_date <= until)
    )
      return false;
    if (q.queue === 'overdue' && !(r.finished_at === null && r.status !== 'awaiting_supplement' && r.due_date !== null && r.due_date < today)) return false;
    if (q.status && r.status !== q.status) return false;
    return true;
  });
  const open = visible
    .filter((r) => r.finished_at === null)
    .sort((a, b) =>
      (a.due_date ?? '9999') < (b.due_date ?? '9999')
        ? -1
        : (a.due_date ?? '9999') > (b.due_date ?? '9999')
          ? 1
          : +new Date(b.submitted_at) - +new Date(a.submitted_at),
    );
  const done = visible
    .filter((r) => r.finished_at !== null)
    .sort((a, b) => +new Date(b.submitted_at) - +new Date(a.submitted_at) || (a.code < b.code ? -1 : 1));
  return { codes: [...open, ...done].slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((r) => r.code), total: visible.length };
}

describe('work queues', () => {
  it('give the same dossiers in the same order as the plain definition, on every queue and page', async () => {
    let compared = 0;
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
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(5 * 5 * 3 * 3);
  }, 600_000);
});
