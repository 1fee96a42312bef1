/**
 * npm run bench [-- --embedded] [-- --quick] [-- --procedures N] [-- --seconds S]
 *
 * Starts the real server as its own process on PostgreSQL (and, with --embedded, on the
 * embedded database), loads the demo ministry plus N synthetic procedures through the
 * import command, then drives it with autocannon from another process. Prints a Markdown
 * table and writes it to bench/results/.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScratchDatabase } from '../src/platform/db/scratch.ts';
import { syntheticProcedures } from './synthetic-procedures.ts';

const args = process.argv.slice(2);
const flag = (n: string) => args.includes(`--${n}`);
const opt = (n: string, d: number) => (args.includes(`--${n}`) ? Number(args[args.indexOf(`--${n}`) + 1]) : d);
const quick = flag('quick');
const N = opt('procedures', quick ? 2000 : 10_000);
const SECONDS = opt('seconds', quick ? 4 : 10);
const CONNECTIONS = opt('connections', 10);
const ROOT = path.resolve(import.meta.dirname, '..');
const NODE = process.execPath;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

const QUERIES = ['dang ky khai sinh', 'giay phep ban le ruou', 'GIẤY CHỨNG NHẬN', 'xăng dầu', 'cap lai giay phep kinh doanh khi', 'hoa chat', 'xuat xu hang hoa', 'điện lực', 'thuong mai dien tu', 'khuyen mai', 'giay phep ban le ruoi' /* a typo: the trigram path */];
const apiPaths = QUERIES.map((q) => `/api/v1/procedures?q=${encodeURIComponent(q)}`);
const pagePaths = QUERIES.map((q) => `/thu-tuc?q=${encodeURIComponent(q)}`);

interface Row { database: string; scenario: string; rps: number; p50: number; p99: number; errors: number }

function run(cmd: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(NODE, ['--import', 'tsx', ...cmd], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

async function waitHealthy(base: string, child: ChildProcess) {
  for (let i = 0; i < 240; i++) {
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

function load(base: string, paths: string[], seconds: number, rate = 0) {
  const out = execFileSync(NODE, ['--import', 'tsx', 'bench/load.ts', base, JSON.stringify(paths), String(seconds), String(CONNECTIONS), String(rate)], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as { rps: number; p50: number; p99: number; errors: number; non2xx: number };
}

async function benchOn(kind: 'postgresql' | 'embedded', rows: Row[], notes: string[]) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-bench-'));
  const db = kind === 'postgresql' ? await createScratchDatabase(pgUrl, 'congso_bench') : undefined;
  const port = 3900 + Math.floor(Math.random() * 90);
  const env = { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...(db ? { DATABASE_URL: db.url } : {}) };
  let server: ChildProcess | undefined;
  try {
    run(['src/main.ts', 'seed'], env);
    const units = (JSON.parse(readFileSync(path.join(ROOT, 'demo/organisation.json'), 'utf8')) as { units: { id: string }[] }).units.map((u) => u.id);
    const file = path.join(dataDir, 'synthetic.json');
    writeFileSync(file, JSON.stringify(syntheticProcedures(N, units)));
    const t0 = performance.now();
    run(['src/main.ts', 'import', file], env);
    const secs = (performance.now() - t0) / 1000;
    notes.push(`${kind}: imported ${N} procedures in ${secs.toFixed(1)} s (${Math.round(N / secs)}/s, including process start and migrations)`);
    server = spawn(NODE, ['--import', 'tsx', 'src/main.ts', 'serve'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    const base = `http://127.0.0.1:${port}`;
    await waitHealthy(base, server);
    load(base, apiPaths, 2); // warm-up: JIT, caches, query plans
    for (const [scenario, paths] of [['catalogue search API', apiPaths], ['catalogue search page', pagePaths]] as const) {
      const peak = load(base, [...paths], SECONDS);
      rows.push({ database: kind, scenario: `${scenario}, peak`, rps: peak.rps, p50: peak.p50, p99: peak.p99, errors: peak.errors + peak.non2xx });
      const rate = Math.max(1, Math.round(peak.rps / 2));
      const half = load(base, [...paths], SECONDS, rate);
      rows.push({ database: kind, scenario: `${scenario}, at half of peak (${rate}/s)`, rps: half.rps, p50: half.p50, p99: half.p99, errors: half.errors + half.non2xx });
    }
    const rss = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(server.pid)], { encoding: 'utf8' }).trim()) / 1024;
    notes.push(`${kind}: server resident memory after the runs ${rss.toFixed(0)} MB`);
  } finally {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
const notes: string[] = [];
await benchOn('postgresql', rows, notes);
if (flag('embedded')) await benchOn('embedded', rows, notes);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = `# congso benchmark — ${new Date().toISOString()}\n\nMachine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}.\nCatalogue: ${N} synthetic procedures + the demo ministry's; ${CONNECTIONS} connections, ${SECONDS} s per scenario; 10 queries in rotation.\n`;
const table = ['| database | scenario | req/s | p50 ms | p99 ms | errors |', '|---|---|---:|---:|---:|---:|', ...rows.map((r) => `| ${r.database} | ${r.scenario} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} |`)].join('\n');
const text = `${header}\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
console.log(`\n${text}`);
mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
const out = path.join(ROOT, 'bench/results', `${quick ? 'quick-' : ''}catalog-${new Date().toISOString().slice(0, 10)}.md`);
writeFileSync(out, text);
console.log(`written to ${path.relative(ROOT, out)}`);
