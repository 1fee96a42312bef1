/**
 * npm run bench -- --cluster [--dossiers N] [--seconds S]
 *
 * The local cluster (ops/cluster: PostgreSQL primary + streaming replica, object store, app
 * nodes with WORKERS=0, workers, HAProxy) measured through HAProxy with one app node and then
 * two, in one run, on the same data: public tracking, the work-queue page, the leaders'
 * dashboard (served from the replica) and filing. Meanwhile the primary is asked every 250 ms
 * how far the replica is behind (pg_stat_replication: replay lag in time and bytes), which
 * gives the replica's lag under filing load.
 *
 * On a 2-core machine the two nodes share the cores with PostgreSQL, the replica, HAProxy and
 * the load generator: the 2-node/1-node ratio measures what the second node and the proxy
 * cost, not a speed-up. On separate machines the nodes add cores.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startCluster, type Cluster } from '../ops/cluster/cluster.ts';
import type { LoadSpec } from './load.ts';
// A type only: importing it does not run the benchmark.
import type { Measure } from './run.ts';

/** What bench/run.ts lends: its load generator, fixtures and scenario builders. */
export interface ClusterBenchHelpers {
  args: string[];
  root: string;
  log(m: string): void;
  seconds: number;
  drive(spec: Omit<LoadSpec, 'connections' | 'seconds'> & { seconds?: number; connections?: number }): Promise<Measure>;
  tokens(base: string, dataDir: string): Promise<{ service: string; leader: string; auditor: string; uploadId: string }>;
  filingRequests(service: string, uploadId: string): LoadSpec['requests'];
  dashboardRequests(tk: { leader: string; auditor: string }): LoadSpec['requests'];
}

interface Lag {
  samples: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  maxBytes: number;
}

/** Samples the replica's replay lag as the primary sees it until `during` ends. */
async function replicaLag<T>(primaryUrl: string, during: () => Promise<T>): Promise<{ value: T; lag: Lag }> {
  const c = new pg.Client({ connectionString: primaryUrl });
  await c.connect();
  const ms: number[] = [];
  const bytes: number[] = [];
  let running = true;
  const sampling = (async () => {
    while (running) {
      // replay_lag is null while nothing has been replayed recently: that is no lag.
      const { rows } = await c.query<{ ms: number | null; bytes: number | null }>(
        `select extract(epoch from coalesce(replay_lag, interval '0')) * 1000 as ms,
                pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 as bytes
           from pg_stat_replication limit 1`,
      );
      if (rows[0]) {
        ms.push(Number(rows[0].ms ?? 0));
        bytes.push(Number(rows[0].bytes ?? 0));
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    const value = await during();
    return { value, lag: summarise(ms, bytes) };
  } finally {
    running = false;
    await sampling;
    await c.end();
  }
}

function summarise(ms: number[], bytes: number[]): Lag {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 10) / 10 : 0);
  return { samples: s.length, medianMs: q(0.5), p95Ms: q(0.95), maxMs: s.length ? Math.round(s.at(-1)! * 10) / 10 : 0, maxBytes: Math.max(0, ...bytes) };
}

function runAsync(root: string, cmd: string[], env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...cmd], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd.join(' ')} exited with ${code}`))));
  });
}

/** Waits until HAProxy has seen `up` nodes healthy: each node's /healthz, then the proxy's own check interval twice over. */
async function settle(cluster: Cluster) {
  for (const n of cluster.nodes) {
    if (!n.up) continue;
    for (let i = 0; i < 240; i++) {
      const ok = await fetch(`http://127.0.0.1:${n.port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  // Not a measurement: HAProxy checks every second and marks a node up after one success.
  await new Promise((r) => setTimeout(r, 3000));
}

export async function benchCluster(h: ClusterBenchHelpers): Promise<number> {
  const opt = (n: string, d: number) => (h.args.includes(`--${n}`) ? Number(h.args[h.args.indexOf(`--${n}`) + 1]) : d);
  const dossiers = opt('dossiers', 20_000);
  const t0 = performance.now();
  h.log('cluster: starting PostgreSQL primary + replica, object store, 2 app nodes, 1 worker, HAProxy');
  const cluster = await startCluster({
    appNodes: 2,
    workers: 1,
    replica: true,
    log: (m) => h.log(`cluster: ${m}`),
    // One load generator on 127.0.0.1 stands for many clients (as in bench/run.ts).
    env: { RATE_LIMIT_PUBLIC: '100000000', RATE_LIMIT_SIGN_IN: '100000', RATE_LIMIT_VERIFY: '100000' },
  });
  const rows: { nodes: number; scenario: string; m: Measure }[] = [];
  let lag: Lag | undefined;
  let direct: Measure | undefined;
  try {
    const year = new Date().getUTCFullYear();
    h.log(`cluster: loading ${dossiers} dossiers into the primary`);
    // Not h.node (execFileSync): the object store runs in this process and must keep serving the loader's files.
    await runAsync(
      h.root,
      ['src/main.ts', 'load', '--dossiers', String(dossiers), '--seed', '1', '--from-year', String(year), '--to-year', String(year)],
      cluster.env,
    );
    const codes = await (async () => {
      const c = new pg.Client({ connectionString: cluster.primary.url });
      await c.connect();
      try {
        return (await c.query<{ code: string }>('select code from dossiers order by random() limit 2000')).rows.map((r) => r.code);
      } finally {
        await c.end();
      }
    })();
    const tk = await h.tokens(cluster.url, cluster.secretsDir);
    const scenarios: { name: string; requests: LoadSpec['requests'] }[] = [
      { name: 'public tracking (GET /api/v1/public/dossiers/{code})', requests: codes.map((c) => ({ path: `/api/v1/public/dossiers/${c}` })) },
      {
        name: 'work queue page (GET /can-bo/ho-so, unit leader)',
        requests: ['', '?queue=unit', '?queue=due_soon', '?queue=overdue'].map((q) => ({
          path: `/can-bo/ho-so${q}`,
          headers: { authorization: `Bearer ${tk.leader}`, accept: 'text/html' },
        })),
      },
      { name: "leaders' dashboard (replica reads)", requests: h.dashboardRequests(tk) },
      { name: 'file a dossier (POST /api/v1/dossiers)', requests: h.filingRequests(tk.service, tk.uploadId) },
    ];
    const run = async (nodes: number) => {
      for (const s of scenarios) {
        await h.drive({ url: cluster.url, requests: s.requests, seconds: 1 }); // warm-up
        if (s.name.startsWith('file') && nodes === 2) {
          const r = await replicaLag(cluster.primary.url, () => h.drive({ url: cluster.url, requests: s.requests }));
          lag = r.lag;
          rows.push({ nodes, scenario: s.name, m: r.value });
        } else rows.push({ nodes, scenario: s.name, m: await h.drive({ url: cluster.url, requests: s.requests }) });
        const m = rows.at(-1)!.m;
        h.log(`${nodes} node(s), ${s.name}: ${Math.round(m.rps)}/s p50 ${m.p50} ms p99 ${m.p99} ms, ${m.errors} errors`);
      }
    };
    // One node: the second is stopped and HAProxy's health check takes it out of the rotation.
    await cluster.nodes[1].stop();
    await settle(cluster);
    await run(1);
    // The proxy's share: the same tracking requests straight to the node.
    const node1 = `http://127.0.0.1:${cluster.nodes[0].port}`;
    await h.drive({ url: node1, requests: scenarios[0].requests, seconds: 1 });
    direct = await h.drive({ url: node1, requests: scenarios[0].requests });
    h.log(`1 node, tracking without HAProxy: ${Math.round(direct.rps)}/s p50 ${direct.p50} ms p99 ${direct.p99} ms`);
    await cluster.nodes[1].restart();
    await settle(cluster);
    await run(2);
  } finally {
    await cluster.stop();
  }

  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));
  const table = [
    '| scenario | 1 node req/s | 1 node p50 / p99 ms | 2 nodes req/s | 2 nodes p50 / p99 ms | ratio 2/1 | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...[...new Set(rows.map((r) => r.scenario))].map((s) => {
      const a = rows.find((r) => r.scenario === s && r.nodes === 1)!.m;
      const b = rows.find((r) => r.scenario === s && r.nodes === 2)!.m;
      return `| ${s} | ${fmt(a.rps)} | ${a.p50} / ${a.p99} | ${fmt(b.rps)} | ${b.p50} / ${b.p99} | ${(b.rps / Math.max(a.rps, 0.01)).toFixed(2)} | ${a.errors + b.errors} |`;
    }),
  ].join('\n');
  const text = [
    `# congso cluster benchmark — ${new Date().toISOString()}`,
    '',
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM. Everything through HAProxy on loopback: PostgreSQL primary and its streaming replica (our own instances), the object store, app nodes with WORKERS=0, one worker, HAProxy and the load generator (autocannon, 10 connections) all share these cores. ${dossiers.toLocaleString('en')} dossiers loaded; ${h.seconds} s per measurement after a 1 s warm-up.`,
    '',
    table,
    '',
    `On ${os.cpus().length} cores the ratio measures the overhead of a second node and the proxy, not a speed-up: both nodes, the databases and the load generator compete for the same cores. On separate machines each node brings its own cores.`,
    '',
    direct
      ? `The same tracking requests straight to the one node, without HAProxy: ${fmt(direct.rps)}/s, p50 ${direct.p50} ms, p99 ${direct.p99} ms (through HAProxy: ${fmt(rows[0].m.rps)}/s).`
      : '',
    '',
    lag
      ? `Replica lag under the 2-node filing load (pg_stat_replication on the primary, every 250 ms, ${lag.samples} samples): replay lag median ${lag.medianMs} ms, p95 ${lag.p95Ms} ms, max ${lag.maxMs} ms; at most ${Math.round(lag.maxBytes / 1024)} KiB of WAL not yet replayed.`
      : '',
    '',
    `Whole run: ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
    '',
  ].join('\n');
  console.log(`\n${text}`);
  mkdirSync(path.join(h.root, 'bench/results'), { recursive: true });
  const out = path.join(h.root, 'bench/results', `cluster-${new Date().toISOString().slice(0, 10)}.md`);
  writeFileSync(out, text);
  console.log(`written to ${path.relative(h.root, out)}`);
  return rows.some((r) => r.m.errors > 0) || (direct?.errors ?? 0) > 0 ? 1 : 0;
}
