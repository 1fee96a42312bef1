import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { copyRows, copyRow } from '../../platform/db/copy.ts';
import { loadScaleData, type ScaleReport } from './load-scale-data.ts';

/** The load generator writes through COPY on both databases; what it writes must be dossiers the app can work with. */
let t: TestApp;
let report: ScaleReport;
const TABLES = ['dossiers', 'dossier_components', 'dossier_actions', 'uploads', 'results', 'result_events'];
const schemaOf = async () => {
  const { rows } = await sql<{
    name: string;
  }>`select indexname as name from pg_indexes where tablename = any(${TABLES}) union all select conname from pg_constraint c join pg_class r on r.oid = c.conrelid where r.relname = any(${TABLES}) order by 1`.execute(
    t.ctx.database.db,
  );
  return rows.map((r) => r.name);
};
let schemaBefore: string[];

beforeAll(async () => {
  t = await startTestApp();
  schemaBefore = await schemaOf();
  report = await loadScaleData(t.ctx, { dossiers: 1500, fromYear: new Date().getUTCFullYear(), seed: 42 });
}, 600_000);
afterAll(() => t?.close());

describe('load generator (npm run seed:load)', () => {
  it('loads the dossiers with their logs, attachments and results, and restores every index and foreign key', async () => {
    const db = t.ctx.database.db;
    const count = async (table: 'dossiers' | 'dossier_actions' | 'dossier_components' | 'results') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(report.dossiers).toBe(1500);
    expect(await count('dossiers')).toBe(1500);
    expect(await count('dossier_actions')).toBe(report.actions);
    expect(await count('results')).toBe(report.results);
    expect(new Set(report.units).size).toBe(20);
    expect(await schemaOf()).toEqual(schemaBefore);
    expect((await sql<{ n: number }>`select count(*)::int as n from deferred_indexes`.execute(db)).rows[0].n).toBe(0);

    // The projection agrees with the log: status is the last action's, sequence numbers have no gaps, the version is the last seq.
    const { rows: bad } = await sql<{ code: string }>`
      select d.code from dossiers d
        join lateral (select max(seq) as last, count(*) as n from dossier_actions a where a.dossier_id = d.id) s on true
        join dossier_actions a on a.dossier_id = d.id and a.seq = s.last
       where a.to_status <> d.status or s.n <> s.last or (d.state->>'status') <> d.status or d.version <> s.last`.execute(db);
    expect(bad).toEqual([]);
    const { rows: noFiles } = await sql<{
      n: number;
    }>`select count(*)::int as n from dossiers d where not exists (select 1 from dossier_components c join uploads u on u.id = c.upload_id where c.dossier_id = d.id)`.execute(
      db,
    );
    expect(noFiles[0].n).toBe(0);
    const statuses = await db.selectFrom('dossiers').select(['status']).distinct().execute();
    expect(statuses.map((s) => s.status)).toEqual(expect.arrayContaining(['returned', 'processing', 'received', 'refused']));
  });

  it('loaded dossiers are tracked publicly and worked on like any other', async () => {
    const open = await t.ctx.database.db
      .selectFrom('dossiers')
      .select(['code', 'handling_unit', 'assignee', 'version'])
      .where('status', '=', 'processing')
      .orderBy('code')
      .executeTakeFirst();
    expect(open, 'a dossier being processed').toBeDefined();
    expect((await api(t, 'GET', `/api/v1/public/dossiers/${open!.code}`)).status).toBe(200);
    const specialist = await login(t, open!.assignee!);
    const seen = await api<{ version: number }>(t, 'GET', `/api/v1/dossiers/${open!.code}`, { token: specialist });
    expect(seen.body.version, "the version a client reads is the loaded log's last seq").toBe(open!.version);
    const r = await api<{ status: string; version: number }>(t, 'POST', `/api/v1/dossiers/${open!.code}/actions`, {
      token: specialist,
      body: { action: 'propose', version: seen.body.version },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'proposed', version: open!.version + 1 });
  });

  it('loading again adds to the data: numbering goes on from the counters, no code is taken twice', async () => {
    const again = await loadScaleData(t.ctx, { dossiers: 700, fromYear: new Date().getUTCFullYear(), seed: 43 });
    expect(again.dossiers).toBe(700);
    const n = (await sql<{ n: number; codes: number }>`select count(*)::int as n, count(distinct code)::int as codes from dossiers`.execute(t.ctx.database.db))
      .rows[0];
    expect(n).toEqual({ n: 2200, codes: 2200 });
    // Earlier years add history, not work: nothing filed then is still waiting on anyone.
    const year = new Date().getUTCFullYear();
    await loadScaleData(t.ctx, { dossiers: 400, fromYear: year - 3, toYear: year - 1, seed: 44 });
    const old = await sql<{
      status: string;
      n: number;
    }>`select status, count(*)::int as n from dossiers where submitted_at < ${`${year}-01-01`}::date group by status`.execute(t.ctx.database.db);
    expect(old.rows.reduce((a, r) => a + r.n, 0)).toBe(400);
    expect(old.rows.filter((r) => !['returned', 'refused', 'withdrawn', 'stopped', 'approved'].includes(r.status))).toEqual([]);
  });

  it('COPY rows keep tabs, new lines, backslashes and JSON intact', async () => {
    await sql`create table copy_probe (a text, b jsonb, c int)`.execute(t.ctx.database.db);
    const values = ['tab\there', 'line\nbreak\r\n', 'back\\slash \\N', '', 'Nguyễn "Văn" A, Hà Nội'];
    await copyRows(
      t.ctx.database,
      'copy_probe',
      ['a', 'b', 'c'],
      [values.map((v, i) => copyRow([v, JSON.stringify({ v }), i])).join(''), copyRow([null, null, null])],
    );
    const rows = (await sql<{ a: string | null; b: { v: string } | null }>`select a, b from copy_probe order by c nulls last`.execute(t.ctx.database.db)).rows;
    expect(rows.map((r) => r.a)).toEqual([...values, null]);
    expect(rows.slice(0, -1).map((r) => r.b!.v)).toEqual(values);
  });
});
