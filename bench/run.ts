/**
 * npm run bench [-- --quick] [-- --embedded] [-- --dossiers N] [-- --scale-to M] [-- --seconds S]
 * npm run bench -- --ocr [--pages N] [--rounds R]: the OCR benchmark alone (bench/ocr.ts)
 * npm run bench -- --cluster [--dossiers N]: the local cluster through HAProxy on 1 and 2 app nodes (bench/cluster.ts)
 * npm run bench -- --edxml [--rounds R]: the EDXML codec against xmlsec1 (bench/edxml.ts)
 *
 * Measures the system as its users load it, beside two baselines taken in the same run:
 *   - pgbench, single-row inserts into the same PostgreSQL server (what the database can do);
 *   - an HTTP hello-world on Fastify (what Node and the framework can do on this machine).
 * Then starts the real server as its own process on PostgreSQL (and with --embedded on the
 * embedded database), bulk-loads N dossiers (npm run seed:load) and drives it with autocannon
 * from another process: filing (JSON, validated e-form, 20 units), public tracking, catalogue
 * search and an officer's work-queue page, each at its peak and at 80 % of that peak. With
 * --scale-to M it loads up to M dossiers and runs the read scenarios again, to show whether
 * latency stays flat as data grows. Prints a Markdown table and writes it to bench/results/.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createScratchDatabase } from '../src/platform/db/scratch.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import { demoSecretsIn } from '../src/platform/config.ts';
import { loadProcedureCode } from '../src/modules/demo/load-scale-data.ts';
import { samplePdf } from '../test/dossier-fixtures.ts';
import type { LoadSpec } from './load.ts';
import { summaryMarkdown } from './profile-summary.ts';

const args = process.argv.slice(2);
const flag = (n: string) => args.includes(`--${n}`);
const opt = (n: string, d: number) => (args.includes(`--${n}`) ? Number(args[args.indexOf(`--${n}`) + 1]) : d);
const quick = flag('quick');
const DOSSIERS = opt('dossiers', quick ? 20_000 : 100_000);
const SCALE_TO = opt('scale-to', quick ? 0 : 1_000_000);
const EMBEDDED_DOSSIERS = opt('embedded-dossiers', quick ? 5_000 : 100_000);
const SECONDS = opt('seconds', quick ? 2 : 10);
const WARMUP = quick ? 1 : 2;
const PROFILE = flag('profile');
const CONNECTIONS = opt('connections', 10);
const ROOT = path.resolve(import.meta.dirname, '..');
const NODE = process.execPath;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

export interface Measure {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}
interface Row {
  database: string;
  dossiers: number;
  scenario: string;
  load: string;
  m: Measure;
  baseline?: { name: string; value: number };
  target?: { text: string; met: boolean };
}

const rows: Row[] = [];
const notes: string[] = [];

function node(cmd: string[], env: NodeJS.ProcessEnv, inherit = true): string {
  return execFileSync(NODE, ['--import', 'tsx', ...cmd], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', inherit ? 'inherit' : 'pipe'],
    maxBuffer: 64 << 20,
  });
}

/** Runs the load generator in its own process; async, so this process can sample memory meanwhile. */
async function drive(spec: Omit<LoadSpec, 'connections' | 'seconds'> & { seconds?: number; connections?: number }): Promise<Measure> {
  const file = path.join(os.tmpdir(), `congso-load-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, ...spec }));
  const child = spawn(NODE, ['--import', 'tsx', 'bench/load.ts', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  rmSync(file, { force: true });
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  const out = JSON.parse(stdout) as Measure & { non2xx: number; statusCodes: Record<string, unknown> };
  if (out.non2xx) log(`${out.non2xx} non-2xx answers: ${JSON.stringify(out.statusCodes)}`);
  return { rps: out.rps, p50: out.p50, p99: out.p99, errors: out.errors + out.non2xx, requests: out.requests };
}

async function waitHealthy(base: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not become healthy');
}

const freePort = () => 3900 + Math.floor(Math.random() * 900);

/** Resident memory of a process in MB, sampled every 200 ms while `during` runs; the peak. */
async function peakRss<T>(pid: number, during: () => Promise<T>): Promise<{ value: T; mb: number }> {
  let mb = 0;
  const sample = () => {
    try {
      mb = Math.max(mb, Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024);
    } catch {
      // the process is gone
    }
  };
  // The load generator is a child process, so this process is free to sample meanwhile.
  const timer = setInterval(sample, 200);
  try {
    const value = await during();
    return { value, mb };
  } finally {
    clearInterval(timer);
    sample();
  }
}

// ── Baselines ────────────────────────────────────────────────────────────────────────────

function pgbenchInsert(url: string): Measure {
  const u = new URL(url);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-pgbench-'));
  const script = path.join(dir, 'insert.sql');
  writeFileSync(script, "insert into bench_baseline (payload, at) values ('một dòng thử nghiệm', now());\n");
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const db = u.pathname.slice(1);
  execFileSync(
    'psql',
    [
      ...conn,
      '-d',
      db,
      '-qc',
      'drop table if exists bench_baseline; create table bench_baseline (id bigserial primary key, payload text not null, at timestamptz not null)',
    ],
    { stdio: 'ignore' },
  );
  execFileSync(
    'pgbench',
    [...conn, '-n', '-f', script, '-c', String(CONNECTIONS), '-j', '2', '-T', String(SECONDS), '-l', '--log-prefix', path.join(dir, 'tx'), db],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Per-transaction log lines: client_id transaction_no time(µs) script_no time_epoch time_us
  const lat: number[] = [];
  for (const f of execFileSync('ls', [dir], { encoding: 'utf8' })
    .split('\n')
    .filter((x) => x.startsWith('tx'))) {
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const us = Number(line.split(' ')[2]);
      if (us) lat.push(us / 1000);
    }
  }
  execFileSync('psql', [...conn, '-d', db, '-qc', 'drop table bench_baseline'], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
  lat.sort((a, b) => a - b);
  const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] * 100) / 100;
  return { rps: lat.length / SECONDS, p50: q(0.5), p99: q(0.99), errors: 0, requests: lat.length };
}

async function helloWorld(): Promise<Measure> {
  const port = freePort();
  const child = spawn(NODE, ['--import', 'tsx', 'bench/hello.ts', String(port)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitHealthy(`http://127.0.0.1:${port}`, child);
    await drive({ url: `http://127.0.0.1:${port}`, requests: [{ path: '/' }], seconds: WARMUP });
    return await drive({ url: `http://127.0.0.1:${port}`, requests: [{ path: '/' }] });
  } finally {
    child.kill('SIGTERM');
  }
}

// ── The system ───────────────────────────────────────────────────────────────────────────

const QUERIES = [
  'giay chung nhan xuat xu',
  'giấy phép nhập khẩu tự động',
  'khuyen mai',
  'tạm nhập tái xuất',
  'xăng dầu',
  'hoa chat',
  'thuong mai dien tu',
  'giay phep ban le ruoi' /* a typo: the trigram path */,
];

interface Running {
  base: string;
  child: ChildProcess;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

async function startServer(env: NodeJS.ProcessEnv, profileDir?: string): Promise<Running> {
  // Restarts keep the port: tokens name the server's address as their issuer.
  const port = env.PORT ? Number(env.PORT) : freePort();
  // One load generator on 127.0.0.1 stands for many clients: the per-address limits are raised
  // so that the server does the work being measured (the limiter itself still runs on every request).
  const full = {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    RATE_LIMIT_PUBLIC: '100000000',
    RATE_LIMIT_SIGN_IN: '100000',
    RATE_LIMIT_VERIFY: '100000',
  };
  // The same flags as `npm start` (package.json): a small young generation keeps the resident set down.
  const child = spawn(
    NODE,
    ['--max-semi-space-size=2', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', 'src/main.ts', 'serve'],
    { cwd: ROOT, env: { ...process.env, ...full }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, child);
  return {
    base,
    child,
    env: full,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function tokens(base: string, dataDir: string) {
  const secret = demoSecretsIn(dataDir).serviceAccount;
  const t = await fetch(`${base}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: secret }),
  });
  if (!t.ok) throw new Error(`service token: ${t.status} ${await t.text()}`);
  const service = ((await t.json()) as { access_token: string }).access_token;
  const l = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'lanhdao', password: 'congso-demo' }),
  });
  if (!l.ok) throw new Error(`login: ${l.status} ${await l.text()}`);
  const leader = ((await l.json()) as { accessToken: string }).accessToken;
  // The ministry's figures: an auditor reads every unit (and signs in without a second factor).
  const a = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'kiemtra', password: 'congso-demo' }),
  });
  if (!a.ok) throw new Error(`login: ${a.status} ${await a.text()}`);
  const auditor = ((await a.json()) as { accessToken: string }).accessToken;
  // One attachment, uploaded once by the national portal and referenced by every filing.
  const pdf = await samplePdf();
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), 'don-de-nghi.pdf');
  const u = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${service}` }, body: form });
  if (!u.ok) throw new Error(`upload: ${u.status} ${await u.text()}`);
  const uploadId = ((await u.json()) as { id: string }).id;
  return { service, leader, auditor, uploadId };
}

/**
 * What leaders ask of the service index: the ministry (an auditor) and a unit (its leader), over
 * the last twelve months, the last quarter and a whole year, by procedure and by field, and the
 * dashboard page itself, which draws twelve months of trend, units and procedures.
 */
function dashboardRequests(tk: { leader: string; auditor: string }): LoadSpec['requests'] {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const today = new Date();
  const yearAgo = day(new Date(today.getTime() - 365 * 86_400_000));
  const quarterAgo = day(new Date(today.getTime() - 91 * 86_400_000));
  const lastYear = today.getUTCFullYear() - 1;
  const periods = [`from=${yearAgo}&to=${day(today)}`, `from=${quarterAgo}&to=${day(today)}`, `from=${lastYear}-01-01&to=${lastYear}-12-31`];
  const out: LoadSpec['requests'] = [];
  for (const p of periods) {
    const json = (token: string) => ({ authorization: `Bearer ${token}`, accept: 'application/json' });
    out.push({ path: `/api/v1/indicators?${p}`, headers: json(tk.auditor) });
    out.push({ path: `/api/v1/indicators?${p}`, headers: json(tk.leader) });
    out.push({ path: `/api/v1/indicators?${p}&unit=000.05.01.G12`, headers: json(tk.auditor) });
    out.push({ path: `/api/v1/indicators?${p}&procedure=${loadProcedureCode(3, 1)}`, headers: json(tk.auditor) });
    out.push({ path: `/api/v1/indicators?${p}&field=${encodeURIComponent('Xuất nhập khẩu')}`, headers: json(tk.auditor) });
  }
  const html = (token: string) => ({ authorization: `Bearer ${token}`, accept: 'text/html' });
  out.push({ path: '/can-bo/chi-so', headers: html(tk.leader) });
  out.push({ path: '/can-bo/chi-so', headers: html(tk.auditor) });
  return out;
}

function filingRequests(service: string, uploadId: string): LoadSpec['requests'] {
  const out: LoadSpec['requests'] = [];
  for (let i = 0; i < 400; i++) {
    const ui = i % 20;
    const k = Math.floor(i / 20) % 5;
    const body = {
      procedureCode: loadProcedureCode(ui, k),
      channel: 2,
      applicant: {
        kind: 'business',
        name: `Công ty TNHH Thử tải số ${i}`,
        identifier: String(100_000_0000 + i),
        email: null,
        phone: '0912345678',
        address: 'Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội',
      },
      form: {
        tenDoanhNghiep: `Công ty TNHH Thử tải số ${i}`,
        maSoThue: String(100_000_0000 + i),
        diaChi: 'Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội',
        soDienThoai: '0912345678',
        ngayDeNghi: '2026-11-20',
        soLuong: 1 + i,
      },
      components: [{ code: `L${k}-01`, uploadId }],
    };
    out.push({
      method: 'POST',
      path: '/api/v1/dossiers',
      headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
  return out;
}

async function sampleCodes(env: NodeJS.ProcessEnv): Promise<string[]> {
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: path.join(env.DATA_DIR!, 'pgdata') });
  try {
    const { rows } = await db.pool.query<{ code: string }>('select code from dossiers tablesample system (1) limit 2000');
    if (rows.length < 100) return (await db.pool.query<{ code: string }>('select code from dossiers order by random() limit 2000')).rows.map((r) => r.code);
    return rows.map((r) => r.code);
  } finally {
    await db.close();
  }
}

interface Scenario {
  name: string;
  requests: LoadSpec['requests'];
  baseline: 'insert' | 'http';
  target?: (m: Measure, at80: Measure) => { text: string; met: boolean };
}

async function runScenarios(kind: string, dossiers: number, holder: { server: Running }, scenarios: Scenario[], base: { insert?: Measure; http: Measure }) {
  for (const s of scenarios) {
    // Profiling: a fresh server per scenario, so each profile shows that scenario alone.
    const profileDir = PROFILE ? mkdtempSync(path.join(os.tmpdir(), 'congso-prof-')) : undefined;
    if (profileDir) {
      await holder.server.stop();
      holder.server = await startServer(holder.server.env, profileDir);
    }
    const server = holder.server;
    await drive({ url: server.base, requests: s.requests, seconds: WARMUP }); // warm-up: JIT, caches, query plans
    const { value: peak, mb } = await peakRss(server.child.pid!, () => drive({ url: server.base, requests: s.requests }));
    const rate = Math.max(1, Math.round(peak.rps * 0.8));
    const at80 = await drive({ url: server.base, requests: s.requests, rate });
    const b = s.baseline === 'insert' ? base.insert : base.http;
    const t = s.target?.(peak, at80);
    rows.push({
      database: kind,
      dossiers,
      scenario: s.name,
      load: 'peak',
      m: peak,
      baseline: b && { name: s.baseline === 'insert' ? 'pgbench insert' : 'HTTP hello', value: b.rps },
    });
    rows.push({ database: kind, dossiers, scenario: s.name, load: `80 % (${rate}/s)`, m: at80, target: t });
    notes.push(`${kind}, ${dossiers.toLocaleString('en')} dossiers, ${s.name}: server peak resident memory ${mb.toFixed(0)} MB`);
    rssPeaks.push({ kind, mb });
    log(`${kind} ${dossiers} ${s.name}: ${Math.round(peak.rps)}/s p99 ${peak.p99} ms; at 80 % p99 ${at80.p99} ms`);
    if (profileDir) {
      await holder.server.stop();
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) profiles.push(summaryMarkdown(`${kind}, ${dossiers.toLocaleString('en')} dossiers: ${s.name}`, path.join(profileDir, file)));
      rmSync(profileDir, { recursive: true, force: true });
      holder.server = await startServer(holder.server.env);
    }
  }
}
const profiles: string[] = [];
const rssPeaks: { kind: string; mb: number }[] = [];

/**
 * Loads n dossiers over the given years. The first load is this year's work; scaling up adds
 * earlier years, as a ministry's data grows: more history, the same daily workload.
 */
function loadData(env: NodeJS.ProcessEnv, n: number, seed: number, years: [number, number]): number {
  const t0 = performance.now();
  const out = node(
    ['src/main.ts', 'load', '--dossiers', String(n), '--seed', String(seed), '--from-year', String(years[0]), '--to-year', String(years[1])],
    env,
    false,
  );
  const secs = (performance.now() - t0) / 1000;
  const line = out.trim().split('\n').at(-1) ?? '';
  notes.push(
    `${env.DATABASE_URL ? 'postgresql' : 'embedded'}: seed:load ${n.toLocaleString('en')} dossiers (${years[0]}–${years[1]}) — ${line.replace(/^.*?(\d+ dossiers, )/, '$1')} (${secs.toFixed(1)} s with process start)`,
  );
  log(line);
  return n;
}

async function benchOn(kind: 'postgresql' | 'embedded', base: { insert?: Measure; http: Measure }) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-bench-'));
  const db = kind === 'postgresql' ? await createScratchDatabase(pgUrl, 'congso_bench') : undefined;
  const env: NodeJS.ProcessEnv = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: String(freePort()), ...(db ? { DATABASE_URL: db.url } : {}) };
  const holder: { server?: Running } = {};
  try {
    node(['src/main.ts', 'seed'], env, false);
    const year = new Date().getUTCFullYear();
    let loaded = loadData(env, kind === 'postgresql' ? DOSSIERS : EMBEDDED_DOSSIERS, 1, [year, year]);
    const codes = await sampleCodes(env);
    holder.server = await startServer(env);
    const tk = await tokens(holder.server.base, dataDir);
    const filing: Scenario = {
      name: 'file a dossier (POST /api/v1/dossiers)',
      requests: filingRequests(tk.service, tk.uploadId),
      baseline: 'insert',
      target:
        kind === 'postgresql'
          ? (p, at80) => ({
              text: `≥ 25 % of pgbench (${Math.round((base.insert?.rps ?? 0) * 0.25)}/s), p99 < 100 ms at 80 %`,
              met: p.rps >= (base.insert?.rps ?? Infinity) * 0.25 && at80.p99 < 100,
            })
          : (p) => ({ text: '≥ 500/s', met: p.rps >= 500 }),
    };
    const reads = (): Scenario[] => [
      {
        name: 'public tracking (GET /api/v1/public/dossiers/{code})',
        requests: codes.map((c) => ({ path: `/api/v1/public/dossiers/${c}` })),
        baseline: 'http',
        target: kind === 'postgresql' ? (p) => ({ text: '≥ 10,000/s', met: p.rps >= 10_000 }) : undefined,
      },
      {
        name: 'catalogue search (GET /api/v1/procedures?q=)',
        requests: QUERIES.map((q) => ({ path: `/api/v1/procedures?q=${encodeURIComponent(q)}` })),
        baseline: 'http',
        target: kind === 'postgresql' ? (_p, at80) => ({ text: 'p99 < 20 ms', met: at80.p99 < 20 }) : undefined,
      },
      {
        name: 'work queue page (GET /can-bo/ho-so, unit leader)',
        requests: ['', '?queue=unit', '?queue=due_soon', '?queue=overdue'].map((q) => ({
          path: `/can-bo/ho-so${q}`,
          headers: { authorization: `Bearer ${tk.leader}`, accept: 'text/html' },
        })),
        baseline: 'http',
        target: kind === 'postgresql' ? (_p, at80) => ({ text: 'p99 < 100 ms', met: at80.p99 < 100 }) : undefined,
      },
      {
        name: "leaders' dashboard (GET /can-bo/chi-so and /api/v1/indicators: ministry, unit, procedure, field)",
        requests: dashboardRequests(tk),
        baseline: 'http',
        target: kind === 'postgresql' ? (_p, at80) => ({ text: 'p99 < 300 ms', met: at80.p99 < 300 }) : undefined,
      },
    ];
    await runScenarios(kind, loaded, holder as { server: Running }, [...reads(), filing], base);
    if (kind === 'postgresql' && SCALE_TO > loaded) {
      await holder.server.stop();
      holder.server = undefined;
      loaded += loadData(env, SCALE_TO - loaded, 2, [year - 9, year - 1]);
      const more = await sampleCodes(env);
      codes.splice(0, codes.length, ...more);
      holder.server = await startServer(env);
      await runScenarios(kind, loaded, holder as { server: Running }, reads(), base);
    }
  } finally {
    await holder.server?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ── Run ──────────────────────────────────────────────────────────────────────────────────

// --ocr: the OCR benchmark alone (bench/ocr.ts), on this file's server and seeding; never part of --quick.
if (flag('ocr')) {
  const { benchOcr } = await import('./ocr.ts');
  process.exit(await benchOcr({ args, root: ROOT, pgUrl, log, node, startServer, sampleCodes }));
}

// --edxml: the EDXML codec against xmlsec1 (bench/edxml.ts); no server, never part of --quick.
if (flag('edxml')) {
  const { benchEdxml } = await import('./edxml.ts');
  process.exit(await benchEdxml({ args, root: ROOT, log }));
}

// --cluster: the local cluster through HAProxy (bench/cluster.ts); never part of --quick.
if (flag('cluster')) {
  const { benchCluster } = await import('./cluster.ts');
  process.exit(await benchCluster({ args, root: ROOT, log, seconds: SECONDS, drive, tokens, filingRequests, dashboardRequests }));
}

const t0 = performance.now();
// `npm test` ends with --quick: without a PostgreSQL server it is skipped with a warning, as the
// PostgreSQL tests are, except in CI.
try {
  const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  await c.connect();
  await c.end();
} catch (e) {
  if (quick && !process.env.CI) {
    console.warn(`bench: PostgreSQL at ${pgUrl} unreachable (${(e as Error).message}); quick benchmark skipped`);
    process.exit(0);
  }
  throw e;
}
log('baselines: pgbench single-row insert, HTTP hello-world');
const http = await helloWorld();
const scratch = await createScratchDatabase(pgUrl, 'congso_pgbench');
let insert: Measure;
try {
  insert = pgbenchInsert(scratch.url);
} finally {
  await scratch.drop();
}
rows.push({ database: 'postgresql', dossiers: 0, scenario: 'baseline: pgbench single-row insert', load: `${CONNECTIONS} clients`, m: insert });
rows.push({ database: '—', dossiers: 0, scenario: 'baseline: HTTP hello-world (Fastify 5, one route)', load: `${CONNECTIONS} connections`, m: http });
log(`pgbench ${Math.round(insert.rps)}/s, hello-world ${Math.round(http.rps)}/s`);

await benchOn('postgresql', { insert, http });
if (flag('embedded') || quick) await benchOn('embedded', { insert, http });

// Flatness: the same read scenario at the smallest and the largest load.
const flat: string[] = [];
for (const s of new Set(rows.filter((r) => r.database === 'postgresql' && r.dossiers > 0 && !r.scenario.startsWith('file')).map((r) => r.scenario))) {
  const at = rows.filter((r) => r.database === 'postgresql' && r.scenario === s && r.load.startsWith('80'));
  if (at.length < 2) continue;
  const [a, b] = [at[0], at.at(-1)!];
  const ratio = b.m.p99 / Math.max(a.m.p99, 0.01);
  // autocannon measures whole milliseconds: a 3 ms p99 cannot show a 20 % change, so 2 ms also counts as flat.
  const isFlat = ratio <= 1.2 || b.m.p99 - a.m.p99 <= 2;
  flat.push(
    `| ${s} | ${a.dossiers.toLocaleString('en')} → ${b.dossiers.toLocaleString('en')} | ${a.m.p50} → ${b.m.p50} | ${a.m.p99} → ${b.m.p99} | ${ratio.toFixed(2)} | ${isFlat ? 'yes' : '**no**'} |`,
  );
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const pgVersion = await (async () => {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    return (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0].v;
  } finally {
    await c.end();
  }
})();
const rssBy = (k: string) => Math.max(0, ...rssPeaks.filter((r) => r.kind === k).map((r) => r.mb));
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(n >= 10 ? 1 : 2));
const table = [
  '| database | dossiers | scenario | load | req/s | p50 ms | p99 ms | errors | ratio to baseline | target | met |',
  '|---|---:|---|---|---:|---:|---:|---:|---:|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.database} | ${r.dossiers ? r.dossiers.toLocaleString('en') : '—'} | ${r.scenario} | ${r.load} | ${fmt(r.m.rps)} | ${r.m.p50} | ${r.m.p99} | ${r.m.errors} | ${r.baseline ? `${((r.m.rps / r.baseline.value) * 100).toFixed(1)} % of ${r.baseline.name}` : ''} | ${r.target?.text ?? ''} | ${r.target ? (r.target.met ? 'yes' : '**no**') : ''} |`,
  ),
].join('\n');
const text = [
  `# congso benchmark — ${new Date().toISOString()}${quick ? ' (quick)' : ''}`,
  '',
  `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}, PostgreSQL ${pgVersion} (the machine's server, default settings). Server, load generator (autocannon, ${CONNECTIONS} connections) and database share the machine's cores. ${SECONDS} s per measurement after a 2 s warm-up; "80 %" runs at a fixed rate of 80 % of the measured peak.`,
  '',
  table,
  '',
  flat.length
    ? [
        'Latency as data grows (at 80 % of peak; flat means p99 within 20 %, or within 2 ms since latencies are whole milliseconds):',
        '',
        '| scenario | dossiers | p50 ms | p99 ms | p99 ratio | flat |',
        '|---|---|---|---|---:|---|',
        ...flat,
      ].join('\n')
    : '',
  '',
  `Server resident memory under load (target < 300 MB): ${['postgresql', 'embedded']
    .filter((k) => rssBy(k) > 0)
    .map(
      (k) =>
        `${k} peak ${rssBy(k).toFixed(0)} MB (${rssBy(k) < 300 ? 'yes' : '**no**'}${k === 'embedded' ? ', the database engine runs inside the server process' : ''})`,
    )
    .join('; ')}.`,
  '',
  ...notes.map((n) => `- ${n}`),
  '',
  ...(profiles.length ? ['### Profiles', '', ...profiles] : []),
  `Whole run: ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
  '',
].join('\n');
console.log(`\n${text}`);
mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
const out = path.join(ROOT, 'bench/results', `${PROFILE ? 'profile-' : ''}${quick ? 'quick-' : ''}${new Date().toISOString().slice(0, 10)}.md`);
writeFileSync(out, text);
console.log(`written to ${path.relative(ROOT, out)}`);
// A benchmark whose requests fail measures nothing: CI runs --quick and must notice.
const failed = rows.filter((r) => r.m.errors > 0);
if (failed.length) {
  console.error(`bench: ${failed.length} measurements had failed requests: ${failed.map((r) => `${r.database} ${r.scenario} ${r.load}`).join('; ')}`);
  process.exitCode = 1;
}
