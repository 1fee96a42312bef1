/**
 * node --import tsx bench/partition.ts [--dossiers N] [--runs R] [--database NAME --no-load] [--keep]
 *
 * The partitioning experiment of issue 17 (docs/DEPLOY.md, "When to partition"): is a
 * `dossiers` / `dossier_actions` range-partitioned by year as fast for the pages people use?
 *
 *  1. On the machine's PostgreSQL (BENCH_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
 *     a database of its own (congso_partition_<pid>_…) is created and N dossiers (default
 *     1,000,000) are loaded by the project's bulk loader (`src/main.ts load --dossiers N`: spread
 *     over the working days of the last two years and this one). `--database NAME --no-load`
 *     measures an existing loaded database instead (kept unless --drop).
 *  2. A partitioned copy of the two tables is built beside them in schema `part` (see PARTITIONED
 *     below: keys, what happens to the unique constraints and foreign keys) and the data copied.
 *  3. The same operations run against both, alternating plain and partitioned on every round so
 *     that the other load on the machine falls on both alike: the office work queue
 *     (`listDossiers`, a unit leader's queues as the bench's work-queue scenario asks them) and public
 *     tracking (`trackDossier`), through the operations themselves on a context whose
 *     search_path puts `part` first; and the action log of one dossier by id (what the dossier
 *     page reads), as SQL, with and without the partition key.
 *  4. Prints a Markdown table (median, p95, partitioned ÷ plain) and writes it to
 *     bench/results/partition-<date>.md. The database is dropped at the end (unless --keep).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { closeContext, createContext } from '../src/app.ts';
import { StaffRoleSchema, type Principal } from '../src/platform/auth/roles.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Ctx } from '../src/platform/context.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import { stopListening } from '../src/platform/db/notify.ts';
import { createScratchDatabase } from '../src/platform/db/scratch.ts';
import { listDossiers, ListQuery } from '../src/modules/dossiers/list-dossiers.ts';
import { trackDossier } from '../src/modules/dossiers/track-dossier.ts';
import { listStaff } from '../src/modules/organisation/list-staff.ts';

const args = process.argv.slice(2);
const flag = (n: string) => args.includes(`--${n}`);
const str = (n: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : undefined);
const num = (n: string, d: number) => {
  const v = str(n);
  if (v === undefined) return d;
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new Error(`--${n} needs a positive integer`);
  return x;
};
const DOSSIERS = num('dossiers', 1_000_000);
const RUNS = num('runs', 400);
const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const log = (m: string) => process.stderr.write(`partition: ${m}\n`);

/**
 * The partitioned design, as DDL. What partitioning costs in constraints:
 *  - Every unique constraint on a partitioned table must include the partition key, so the
 *    primary key becomes (id, submitted_at), and foreign keys to a dossier must name both
 *    columns: dossier_actions (and dossier_components, dossier_ratings) carry the dossier's
 *    submitted_at. dossier_actions is partitioned by that same column, the dossier's filing
 *    time, not by the action's own time, so a dossier's whole log lives in the partition of
 *    the same year as the dossier (one year's pair can be detached or archived together).
 *  - `code unique` cannot be declared on the parent. It is declared on each partition, which is
 *    enough: the code carries the filing's Vietnam day ({unit}-{YYMMDD}-{NNNN}, from the counter
 *    row of that unit and day, dossier-code.ts) and the partitions are bounded at Vietnam
 *    midnight on 1 January, so two dossiers with one code would be in the same partition.
 *  - `unique (idempotency_owner, idempotency_key)` and the unique `national_code` are not tied to
 *    the filing's day: a retry of a filing may come after midnight on 31 December. A per-partition
 *    unique index would let a duplicate through across the year boundary, so in production these
 *    move to a small unpartitioned table (owner, key) → (dossier id, submitted_at), written in
 *    the filing's transaction; here the copy keeps plain indexes on them for the lookups.
 */
function partitionedDdl(years: number[]): string[] {
  const bound = (y: number) => `'${y}-01-01 00:00:00+07'`;
  const out = [
    'drop schema if exists part cascade',
    'create schema part',
    // Columns, defaults, not-null and check constraints; no indexes (the unique ones cannot be copied as they are).
    'create table part.dossiers (like public.dossiers including defaults including constraints) partition by range (submitted_at)',
    'create table part.dossier_actions (like public.dossier_actions including defaults including constraints, submitted_at timestamptz not null) partition by range (submitted_at)',
  ];
  for (const y of years) {
    out.push(`create table part.dossiers_${y} partition of part.dossiers for values from (${bound(y)}) to (${bound(y + 1)})`);
    out.push(`create table part.dossier_actions_${y} partition of part.dossier_actions for values from (${bound(y)}) to (${bound(y + 1)})`);
  }
  return out;
}

/** After the copy: keys and indexes (building them once is faster than maintaining them row by row). */
function partitionedIndexes(years: number[], plainIndexes: { indexname: string; indexdef: string }[]): string[] {
  const out = [
    'alter table part.dossiers add primary key (id, submitted_at)',
    'alter table part.dossier_actions add primary key (dossier_id, submitted_at, seq)',
    'alter table part.dossier_actions add foreign key (dossier_id, submitted_at) references part.dossiers (id, submitted_at)',
    'create index on part.dossiers (idempotency_owner, idempotency_key)',
  ];
  for (const y of years) out.push(`create unique index on part.dossiers_${y} (code)`);
  for (const { indexname, indexdef } of plainIndexes) {
    if (/^(dossiers_pkey|dossiers_code_key|dossiers_idempotency_owner_idempotency_key_key|dossier_actions_pkey)$/.test(indexname)) continue;
    // The national code stays unique only per partition here (see above); the lookup index is what the bench needs.
    const def = indexdef.replace(/^CREATE UNIQUE INDEX/, 'CREATE INDEX').replace(/ ON public\.(dossiers|dossier_actions) /, ' ON part.$1 ');
    out.push(def.replace(/^CREATE (UNIQUE )?INDEX (\S+)/, (_m, u) => `CREATE ${u ?? ''}INDEX part_${indexname}`));
  }
  return out;
}

interface Sample {
  name: string;
  plain: number[];
  part: number[];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function runLoader(url: string, dataDir: string) {
  log(`loading ${DOSSIERS.toLocaleString('en')} dossiers with src/main.ts load (the project's bulk loader)`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'load', '--dossiers', String(DOSSIERS)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, CONGSO_MODE: 'demo', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`the loader exited with ${code}`);
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-partition-'));
  const given = str('database');
  let url: string;
  let drop: (() => Promise<void>) | undefined;
  if (given) {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${given}`;
    url = u.href;
    if (flag('drop')) drop = () => adminQuery(`drop database if exists ${given} with (force)`);
  } else {
    const scratch = await createScratchDatabase(ADMIN_URL, 'congso_partition');
    url = scratch.url;
    drop = scratch.drop;
  }
  let plain: Ctx | undefined;
  let partDb: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    if (!flag('no-load')) await runLoader(url, dataDir);
    const config = loadConfig({ DATABASE_URL: url, CONGSO_MODE: 'demo', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '4' });
    plain = await createContext(config, { worker: false });
    const db = plain.database.db;
    const counts = await sql<{
      dossiers: number;
      actions: number;
    }>`select (select count(*) from public.dossiers)::int as dossiers, (select count(*) from public.dossier_actions)::int as actions`.execute(db);
    const { dossiers, actions } = counts.rows[0];
    const yearsRow = await sql<{ lo: number; hi: number }>`
      select extract(year from min(submitted_at) at time zone 'Asia/Ho_Chi_Minh')::int as lo,
             extract(year from max(submitted_at) at time zone 'Asia/Ho_Chi_Minh')::int as hi from public.dossiers`.execute(db);
    // One partition more than the data needs: next year's filings have somewhere to go.
    const years: number[] = [];
    for (let y = yearsRow.rows[0].lo; y <= yearsRow.rows[0].hi + 1; y++) years.push(y);
    log(`${dossiers.toLocaleString('en')} dossiers, ${actions.toLocaleString('en')} actions, years ${years.join(', ')}`);

    // The copy. One session, so its work_mem settings hold for the whole build.
    const t0 = performance.now();
    await sql`set maintenance_work_mem = '512MB'`.execute(db);
    const plainIndexes = (
      await sql<{
        indexname: string;
        indexdef: string;
      }>`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in ('dossiers', 'dossier_actions') order by indexname`.execute(db)
    ).rows;
    await db.connection().execute(async (c) => {
      await sql`set maintenance_work_mem = '512MB'`.execute(c);
      for (const s of partitionedDdl(years)) await sql.raw(s).execute(c);
      log('copying dossiers');
      await sql`insert into part.dossiers select * from public.dossiers`.execute(c);
      log('copying dossier_actions');
      await sql`insert into part.dossier_actions select a.*, d.submitted_at from public.dossier_actions a join public.dossiers d on d.id = a.dossier_id`.execute(
        c,
      );
      log('keys and indexes');
      for (const s of partitionedIndexes(years, plainIndexes)) await sql.raw(s).execute(c);
      // Both layouts freshly written: vacuumed alike (visibility maps, hint bits) so neither pays for them while measured.
      for (const t of ['part.dossiers', 'part.dossier_actions', 'public.dossiers', 'public.dossier_actions']) await sql.raw(`vacuum (analyze) ${t}`).execute(c);
    });
    const copySeconds = (performance.now() - t0) / 1000;
    log(`partitioned copy built in ${copySeconds.toFixed(0)} s`);

    // The same operations on the partitioned tables: a pool whose sessions look in `part` first.
    const u = new URL(url);
    u.searchParams.set('options', '-c search_path=part,public');
    partDb = await openDatabase({ url: u.href, poolSize: 4 });
    const seen = await sql<{ p: string }>`select current_setting('search_path') as p`.execute(partDb.db);
    if (!seen.rows[0].p.startsWith('part')) throw new Error(`search_path not applied: ${seen.rows[0].p}`);
    const part: Ctx = { ...plain, database: partDb };

    // A unit leader of a load unit, as the bench's work-queue scenario signs in.
    const staff = await listStaff(plain);
    const leader = staff.find((s) => s.active && s.username.startsWith('tai.unit.') && s.roles.some((r) => r.role === 'unit_leader'));
    if (!leader) throw new Error('no unit leader of the load units (tai.unit.N)');
    const principal: Principal = {
      kind: 'staff',
      id: leader.id,
      username: leader.username,
      name: leader.fullName,
      roles: leader.roles.map((r) => ({ role: StaffRoleSchema.parse(r.role), unitId: r.unitId })),
      mfa: true,
    };
    const unit = leader.roles[0].unitId;

    // Tracking codes and dossier ids sampled over every year, the same for both.
    const sample = (
      await sql<{
        code: string;
        id: string;
        submitted_at: Date;
      }>`select code, id, submitted_at from public.dossiers tablesample system (1) repeatable (17) limit ${RUNS}`.execute(db)
    ).rows;
    if (!sample.length) throw new Error('no dossiers to sample');

    const queues: [string, Partial<ListQuery>][] = [
      ['work queue: all (page 1)', {}],
      ['work queue: unit', { queue: 'unit' }],
      ['work queue: due soon', { queue: 'due_soon' }],
      ['work queue: overdue', { queue: 'overdue' }],
      ['work queue: returned, page 5', { status: 'returned', page: 5 }],
      ['work queue: finished last month', { unit, finishedFrom: monthsAgo(1), finishedTo: monthsAgo(0) }],
    ];
    const scenarios: { name: string; run: (ctx: Ctx, i: number) => Promise<unknown> }[] = [
      ...queues.map(([name, q]) => ({ name, run: (ctx: Ctx) => listDossiers(ctx, principal, ListQuery.parse(q)) })),
      { name: 'tracking (/tra-cuu, trackDossier)', run: (ctx: Ctx, i: number) => trackDossier(ctx, sample[i % sample.length].code) },
      {
        // What the tracking query could add: the code names its Vietnam filing day, which bounds the partition key.
        name: 'tracking, bounded by the code’s day (SQL)',
        run: (ctx: Ctx, i: number) => {
          const code = sample[i % sample.length].code;
          const ymd = /-(\d{2})(\d{2})(\d{2})-\d+$/.exec(code);
          if (!ymd) throw new Error(`not a dossier code: ${code}`);
          const from = new Date(`20${ymd[1]}-${ymd[2]}-${ymd[3]}T00:00:00+07:00`);
          const to = new Date(from.getTime() + 86_400_000);
          return sql`select code, procedure_code, procedure_name, status, national_status, submitted_at, received_at, due_date, finished_at
                       from dossiers where code = ${code} and submitted_at >= ${from} and submitted_at < ${to}`.execute(ctx.database.db);
        },
      },
      {
        name: 'action log by dossier id',
        run: (ctx: Ctx, i: number) =>
          sql`select * from dossier_actions where dossier_id = ${sample[i % sample.length].id} order by seq`.execute(ctx.database.db),
      },
      {
        name: 'action log by id + filing time',
        run: (ctx: Ctx, i: number) =>
          ctx === plain
            ? sql`select * from dossier_actions where dossier_id = ${sample[i % sample.length].id} order by seq`.execute(ctx.database.db)
            : sql`select * from dossier_actions where dossier_id = ${sample[i % sample.length].id} and submitted_at = ${sample[i % sample.length].submitted_at} order by seq`.execute(
                ctx.database.db,
              ),
      },
    ];

    const results: Sample[] = [];
    for (const s of scenarios) {
      // Warm both (caches, plans), then alternate which goes first so neither always follows the other.
      for (let i = 0; i < 5; i++) {
        await s.run(plain, i);
        await s.run(part, i);
      }
      const r: Sample = { name: s.name, plain: [], part: [] };
      for (let i = 0; i < RUNS; i++) {
        if (i % 2) {
          r.plain.push(await timed(() => s.run(plain as Ctx, i)));
          r.part.push(await timed(() => s.run(part, i)));
        } else {
          r.part.push(await timed(() => s.run(part, i)));
          r.plain.push(await timed(() => s.run(plain as Ctx, i)));
        }
      }
      results.push(r);
      log(`${s.name}: plain median ${pct(r.plain, 50).toFixed(2)} ms, partitioned ${pct(r.part, 50).toFixed(2)} ms`);
    }

    const sizes = (
      await sql<{
        t: string;
        bytes: number;
      }>`select t, pg_total_relation_size(t::regclass)::bigint as bytes from unnest(array['public.dossiers', 'public.dossier_actions']) t`.execute(db)
    ).rows;
    const md = report({ dossiers, actions, years, copySeconds, unit, leader: leader.username, results, sizes });
    process.stdout.write(`${md}\n`);
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `partition-${new Date().toISOString().slice(0, 10)}.md`);
    writeFileSync(file, md);
    log(`written to ${path.relative(ROOT, file)}`);
  } finally {
    // The copy's context shares the plain one's caches, but its database has a listening connection of its own.
    if (partDb) await stopListening(partDb);
    await partDb?.close();
    if (plain) await closeContext(plain);
    if (drop && !flag('keep')) {
      await drop();
      log('database dropped');
    } else {
      // Kept on request (or measured in place): only the copy is removed.
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query('drop schema if exists part cascade');
      await c.end();
      log('database kept; the partitioned copy (schema part) removed');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function monthsAgo(n: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 10);
}

async function adminQuery(statement: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

function report(r: {
  dossiers: number;
  actions: number;
  years: number[];
  copySeconds: number;
  unit: string;
  leader: string;
  results: Sample[];
  sizes: { t: string; bytes: number }[];
}): string {
  const f = (x: number) => x.toFixed(2);
  const lines = [
    `# Partitioning dossiers and dossier_actions by year (${new Date().toISOString().slice(0, 10)})`,
    '',
    `${r.dossiers.toLocaleString('en')} dossiers and ${r.actions.toLocaleString('en')} actions (the project's bulk loader, \`src/main.ts load\`), ` +
      `partitioned by the dossier's filing time into ${r.years.length} yearly partitions (${r.years.join(', ')}; the last one empty, for next year). ` +
      `Plain tables: ${r.sizes.map((s) => `${s.t} ${(s.bytes / 1024 ** 3).toFixed(2)} GB`).join(', ')} with indexes. ` +
      `Copy with keys and indexes: ${r.copySeconds.toFixed(0)} s. ${RUNS} runs of each operation per table layout, alternating, ` +
      `one at a time, on ${os.cpus().length} cores shared with other work; milliseconds measured in the caller ` +
      `(the operation as the route calls it: its queries, their round trips and the mapping). Work queues: unit leader ` +
      `\`${r.leader}\` (${r.unit}). Produced by \`node --import tsx bench/partition.ts\`.`,
    '',
    '| operation | plain median ms | plain p95 ms | partitioned median ms | partitioned p95 ms | ratio median (part ÷ plain) | ratio p95 |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...r.results.map((s) => {
      const [pm, p95, qm, q95] = [pct(s.plain, 50), pct(s.plain, 95), pct(s.part, 50), pct(s.part, 95)];
      return `| ${s.name} | ${f(pm)} | ${f(p95)} | ${f(qm)} | ${f(q95)} | ${(qm / pm).toFixed(2)} | ${(q95 / p95).toFixed(2)} |`;
    }),
    '',
    'The action log "by dossier id" does not know the partition key, so every yearly partition’s index is probed; ' +
      'with the filing time (which the dossier row carries) it is pruned to one partition.',
    '',
  ];
  return lines.join('\n');
}

await main();
