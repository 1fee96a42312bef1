/**
 * The local cluster (`npm run cluster`, test/cluster): congso as a ministry's IT centre runs it,
 * on loopback. A PostgreSQL primary and a streaming replica of it (ops/cluster/postgres.ts), an
 * S3-compatible object store (ops/cluster/object-store.ts), app nodes (`src/main.ts serve` with
 * WORKERS=0), job workers (`src/main.ts worker`) and HAProxy in front (ops/cluster/haproxy.ts).
 * Nothing here does the cluster's work: replication, the job queue, the balancer and the S3 API
 * do; this file only starts them, wires their addresses together and stops them.
 *
 * Each node and worker has a DATA_DIR of its own, holding only the demo secrets every node must
 * share (one secrets.json, copied): whatever else a node would keep locally, another node cannot
 * see, so a test that passes across nodes shows nothing needed is node-local.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoSecretsIn } from '../../src/platform/config.ts';
import { HAPROXY, haproxyConfig } from './haproxy.ts';
import { startObjectStore, type ObjectStore } from './object-store.ts';
import { PgInstance } from './postgres.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCAL_NODE = path.join(ROOT, 'node_modules/.bin/node');
/** The Node.js `npm ci` installs (package `node`), as the npm scripts use; else this process's. */
const NODE = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;
const APP = ['--max-semi-space-size=2', '--import', 'tsx', 'src/main.ts'];

export interface ClusterOptions {
  /** App nodes behind HAProxy (default 2). */
  appNodes?: number;
  /** `worker` processes (default 2). */
  workers?: number;
  /** A streaming replica, given to the nodes as DATABASE_REPLICA_URL (default true). */
  replica?: boolean;
  /** The cluster's folder (configuration, logs, each process's DATA_DIR, the object store); default a new temporary folder. */
  dir?: string;
  /** Consecutive ports from here (HAProxy first); default free ports chosen by the system. */
  basePort?: number;
  /** Extra environment for every node and worker (e.g. relaxed rate limits for a load test). */
  env?: Record<string, string>;
  /** Keep the folder after stop() (logs to read after a failure). */
  keep?: boolean;
  /** On SIGINT, SIGTERM or SIGHUP: kill everything at once and exit (default true; `npm run cluster` stops in order itself). */
  killOnSignal?: boolean;
  log?: (line: string) => void;
}

/** A process the cluster started: an app node, a worker or HAProxy. */
export interface Proc {
  name: string;
  /** The port it serves (nodes and HAProxy). */
  port?: number;
  readonly pid: number | undefined;
  readonly up: boolean;
  /** Its stdout and stderr. */
  logFile: string;
  /** Sends the signal (default SIGTERM) and, unless it is SIGSTOP or SIGCONT, waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it gracefully (SIGTERM) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again (killing it first if it runs) with the same port and environment, and waits until it is ready. */
  restart(): Promise<void>;
}

export interface Cluster {
  /** HAProxy's address: what clients use, and every node's PUBLIC_URL. */
  url: string;
  /** HAProxy's statistics page (CSV at `${statsUrl}/;csv`). */
  statsUrl: string;
  dir: string;
  /** The folder of the demo secrets every node shares (its secrets.json: session, token and service account keys). */
  secretsDir: string;
  primary: PgInstance;
  replica?: PgInstance;
  objectStore: ObjectStore;
  nodes: Proc[];
  workers: Proc[];
  haproxy: Proc;
  /** The environment every node and worker shares (each adds its PORT and DATA_DIR). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export { freePort } from './ports.ts';

/** `n` different free ports: each held open until all are chosen, so none is handed out twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A child process's start, however long a loaded machine takes; only a hang guard. */
const READY_TIMEOUT_MS = 300_000;

/** Whether `url` answers 200 now. */
async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false; // not listening yet, or not healthy yet: the caller polls again
  }
}

function tail(file: string, chars = 4000): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '(no log)';
  }
}

interface Spec {
  name: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  port?: number;
  command?: string;
  /** Whether the process is ready, polled until it is; `logFrom`: the size of its log when this start began. */
  ready: (logFrom: number) => Promise<boolean>;
}

/** Children still running, killed at once if this process exits without stop(). */
const live = new Set<ChildProcess>();
let exitHooked = false;
function killLiveSync() {
  for (const c of live) {
    try {
      // Each child leads its own process group (detached): the group goes, whatever it started.
      if (c.pid) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function startProc(spec: Spec): Proc {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let up = false;

  const launch = async () => {
    const logFrom = existsSync(spec.logFile) ? statSync(spec.logFile).size : 0;
    const fd = openSync(spec.logFile, 'a');
    // detached: a process group of its own, so Ctrl-C in the terminal reaches only `npm run cluster`, which stops the children in order.
    const c = spawn(spec.command ?? NODE, spec.args, { cwd: ROOT, env: spec.env, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    child = c;
    up = true;
    live.add(c);
    exited = new Promise<void>((resolve) => {
      c.once('exit', () => {
        up = false;
        live.delete(c);
        resolve();
      });
    });
    const end = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!up) throw new Error(`${spec.name} exited while starting; its log (${spec.logFile}) ends:\n${tail(spec.logFile)}`);
      if (await spec.ready(logFrom)) return;
      if (Date.now() > end) {
        await proc.kill('SIGKILL');
        throw new Error(`${spec.name} not ready after ${READY_TIMEOUT_MS / 1000} s; its log (${spec.logFile}) ends:\n${tail(spec.logFile)}`);
      }
      await sleep(250);
    }
  };

  const proc: Proc = {
    name: spec.name,
    port: spec.port,
    logFile: spec.logFile,
    get pid() {
      return child?.pid;
    },
    get up() {
      return up;
    },
    async kill(signal = 'SIGTERM') {
      if (!child || !up) return;
      child.kill(signal);
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') return;
      // A stopped process (SIGSTOP) acts on the signal only once it runs again.
      child.kill('SIGCONT');
      // A graceful stop that hangs is cut short: the grace period is the app's (SHUTDOWN_GRACE_SECONDS) plus margin.
      const hang = setTimeout(() => child?.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(hang);
    },
    stop: () => proc.kill('SIGTERM'),
    async restart() {
      await proc.kill('SIGKILL');
      await launch();
    },
  };
  (proc as Proc & { launch: () => Promise<void> }).launch = launch;
  return proc;
}

const launchOf = (p: Proc) => (p as Proc & { launch: () => Promise<void> }).launch();

/** Runs `src/main.ts <command>` to its end (migrate, seed), its output into the log. */
function runOnce(command: string, env: Record<string, string>, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    const c = spawn(NODE, [...APP, command], { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    live.add(c);
    c.once('error', reject);
    c.once('exit', (code, signal) => {
      live.delete(c);
      if (code === 0) resolve();
      else reject(new Error(`${command} failed (${signal ?? `exit ${code}`}); ${logFile} ends:\n${tail(logFile)}`));
    });
  });
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const nNodes = opts.appNodes ?? 2;
  const nWorkers = opts.workers ?? 2;
  const withReplica = opts.replica ?? true;
  const log = opts.log ?? (() => undefined);
  if (nNodes < 1) throw new Error('a cluster needs at least one app node');
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'congso-cluster-'));
  mkdirSync(dir, { recursive: true });
  const logs = path.join(dir, 'logs');
  mkdirSync(logs, { recursive: true });

  // Ports: HAProxy, its statistics, the nodes, primary, replica, object store.
  const want = 2 + nNodes + 3;
  const ports = opts.basePort ? Array.from({ length: want }, (_, i) => opts.basePort! + i) : await freePorts(want);
  const [proxyPort, statsPort, ...rest] = ports;
  const nodePorts = rest.slice(0, nNodes);
  const [primaryPort, replicaPort, storePort] = rest.slice(nNodes);
  const url = `http://127.0.0.1:${proxyPort}`;

  const started: { primary?: PgInstance; replica?: PgInstance; objectStore?: ObjectStore; procs: Proc[] } = { procs: [] };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Reverse order of dependence: the balancer, then who uses the databases and the store, then those.
      const byKind = (prefix: string) => started.procs.filter((p) => p.name.startsWith(prefix));
      for (const p of byKind('haproxy')) await p.kill('SIGTERM');
      await Promise.all(byKind('node').map((p) => p.kill('SIGTERM')));
      await Promise.all(byKind('worker').map((p) => p.kill('SIGTERM')));
      await started.objectStore?.close();
      await started.replica?.destroy();
      await started.primary?.destroy();
      process.off('exit', pgDestroySync);
      for (const s of SIGNALS) process.off(s, onSignal);
      if (!opts.keep) rmSync(dir, { recursive: true, force: true });
      log(opts.keep ? `cluster stopped; its folder is kept: ${dir}` : 'cluster stopped');
    })());

  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', killLiveSync);
  }
  const pgDestroySync = () => {
    started.replica?.destroySync();
    started.primary?.destroySync();
  };
  process.once('exit', pgDestroySync);
  const onSignal = (signal: NodeJS.Signals) => {
    killLiveSync();
    pgDestroySync();
    process.exit(128 + (os.constants.signals[signal] ?? 1));
  };
  if (opts.killOnSignal ?? true) for (const s of SIGNALS) process.once(s, onSignal);

  try {
    log(`PostgreSQL primary on ${primaryPort}`);
    const primary = new PgInstance(primaryPort);
    started.primary = primary;
    await primary.init({ replication: true });
    // Each node and worker holds a pool (DATABASE_POOL_SIZE, default 10) and pg-boss its connections.
    await primary.start({ maxConnections: 200 });

    let replica: PgInstance | undefined;
    if (withReplica) {
      log(`PostgreSQL replica on ${replicaPort} (pg_basebackup of the primary, streaming)`);
      replica = new PgInstance(replicaPort);
      started.replica = replica;
      await replica.initStandbyOf(primary);
      await replica.start({ maxConnections: 200 });
    }

    log(`object store (S3 API) on ${storePort}`);
    const objectStore = await startObjectStore({ dir: path.join(dir, 's3'), port: storePort });
    started.objectStore = objectStore;

    const env: Record<string, string> = {
      CONGSO_MODE: 'demo',
      HOST: '127.0.0.1',
      DATABASE_URL: primary.url,
      ...(replica ? { DATABASE_REPLICA_URL: replica.url } : {}),
      S3_ENDPOINT: objectStore.endpoint,
      S3_REGION: objectStore.region,
      S3_BUCKET: objectStore.bucket,
      S3_ACCESS_KEY_ID: objectStore.accessKeyId,
      S3_SECRET_ACCESS_KEY: objectStore.secretAccessKey,
      WORKERS: '0',
      // The demo's SSO, simulators and callbacks are reached through the balancer, as users reach the nodes.
      PUBLIC_URL: url,
      TRUSTED_PROXIES: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...opts.env,
    };
    const base: Record<string, string> = {};
    for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'] as const) if (process.env[k]) base[k] = process.env[k];

    // One set of demo secrets (session, token, SSO client, service account keys), copied into every DATA_DIR.
    const shared = path.join(dir, 'shared');
    demoSecretsIn(shared);
    const dataDir = (name: string) => {
      const d = path.join(dir, 'data', name);
      mkdirSync(d, { recursive: true });
      copyFileSync(path.join(shared, 'secrets.json'), path.join(d, 'secrets.json'));
      return d;
    };

    // The schema and the demo ministry once, before any node starts, so two nodes never race to load them.
    log('migrate and seed (demo data)');
    const once = { ...base, ...env, DATA_DIR: dataDir('setup'), LOG_LEVEL: 'info' };
    await runOnce('migrate', once, path.join(logs, 'setup.log'));
    await runOnce('seed', once, path.join(logs, 'setup.log'));

    const nodes = nodePorts.map((port, i) => {
      const name = `node-${i + 1}`;
      return startProc({
        name,
        port,
        args: [...APP, 'serve'],
        env: { ...base, ...env, PORT: String(port), DATA_DIR: dataDir(name) },
        logFile: path.join(logs, `${name}.log`),
        ready: () => answers(`http://127.0.0.1:${port}/healthz`),
      });
    });
    const workers = Array.from({ length: nWorkers }, (_, i) => {
      const name = `worker-${i + 1}`;
      const logFile = path.join(logs, `${name}.log`);
      return startProc({
        name,
        args: [...APP, 'worker'],
        // At info, so its log says when it has started (a worker serves no /healthz).
        env: { ...base, ...env, DATA_DIR: dataDir(name), LOG_LEVEL: opts.env?.LOG_LEVEL ?? 'info' },
        logFile,
        ready: async (logFrom) => readFileSync(logFile).subarray(logFrom).includes('"worker started"'),
      });
    });
    started.procs.push(...nodes, ...workers);
    log(`${nNodes} app nodes on ${nodePorts.join(', ')}, ${nWorkers} workers`);
    await Promise.all([...nodes, ...workers].map(launchOf));

    const cfg = path.join(dir, 'haproxy.cfg');
    writeFileSync(cfg, haproxyConfig({ port: proxyPort, statsPort, nodes: nodes.map((n) => ({ name: n.name, port: n.port! })) }));
    const haproxy = startProc({
      name: 'haproxy',
      port: proxyPort,
      command: HAPROXY,
      // -db: in the foreground, so it stays our child and stops with the cluster.
      args: ['-f', cfg, '-db'],
      env: base,
      logFile: path.join(logs, 'haproxy.log'),
      ready: () => answers(`${url}/healthz`),
    });
    started.procs.push(haproxy);
    log(`HAProxy on ${proxyPort} (statistics on ${statsPort})`);
    await launchOf(haproxy);

    return {
      url,
      statsUrl: `http://127.0.0.1:${statsPort}`,
      dir,
      secretsDir: shared,
      primary,
      replica,
      objectStore,
      nodes,
      workers,
      haproxy,
      env,
      stop,
    };
  } catch (e) {
    await stop().catch((x) => log(`stopping after a failed start: ${(x as Error).message}`));
    throw e;
  }
}
