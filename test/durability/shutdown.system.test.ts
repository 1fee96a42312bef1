/**
 * Stopping: the server started the way the README says (`npm start`, and `node --import tsx
 * src/main.ts serve`) and the job worker (`npm run worker`) must stop on SIGTERM or SIGINT sent
 * to the npm process or to node itself: refuse new connections, let a request in flight finish,
 * close the job system and the database cleanly (PGlite's control file says "shut down", so the
 * next start needs no recovery), leave no process of the group behind, exit 0. Before, a SIGTERM
 * to npm killed npm and its shell and left node serving, and node waited for ever for a slow
 * client. A stalled client is cut off after SHUTDOWN_GRACE_SECONDS; a second signal exits at once.
 *
 * The hang guards are generous (the machine is shared); what is asserted is that the processes
 * end, with which code, and what the clients saw, never how fast.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../src/platform/db/scratch.ts';
import { RELAXED_LIMITS } from '../helpers.ts';
import { freePort, postgresReachable, ROOT, sleep } from './support.ts';

const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const withPostgres = await postgresReachable(PG_ADMIN);
/** How long past the grace period a stop may take before the test calls it a hang. */
const HANG_MARGIN_MS = 40_000;

interface Proc {
  child: ChildProcess;
  /** The process group: the child is its leader (spawned detached, as a shell's job is). */
  pgid: number;
  port: number;
  base: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<Proc>();
let dataDir: string;

function launch(command: string, args: string[], env: Record<string, string>): Proc {
  const port = Number(env.PORT ?? 0);
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? os.tmpdir(),
      LANG: process.env.LANG ?? 'C.UTF-8',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...RELAXED_LIMITS,
      ...env,
    },
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const p: Proc = { child, pgid: child.pid!, port, base: `http://127.0.0.1:${port}`, output: () => out, exited };
  started.add(p);
  void exited.then(() => groupGone(p.pgid, 60_000)).then((gone) => gone && started.delete(p));
  return p;
}

const npmStart = async (env: Record<string, string> = {}) => launch('npm', ['start'], { PORT: String(await freePort()), ...env });
const nodeServe = async (env: Record<string, string> = {}) =>
  launch(NODE, ['--import', 'tsx', 'src/main.ts', 'serve'], { PORT: String(await freePort()), ...env });

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function groupGone(pgid: number, withinMs: number): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (groupAlive(pgid)) {
    if (Date.now() > end) return false;
    await sleep(100);
  }
  return true;
}

async function healthy(p: Proc, timeoutMs = 180_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`exited during start:\n${p.output().slice(-4000)}`);
    const ok = await fetch(`${p.base}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > end) throw new Error(`not healthy after ${timeoutMs} ms:\n${p.output().slice(-4000)}`);
    await sleep(200);
  }
}

/** Sends the signal, then waits for the process and its whole group to be gone (or the hang guard). */
async function stopped(p: Proc, signal: NodeJS.Signals, graceSeconds: number) {
  p.child.kill(signal);
  const guard = graceSeconds * 1000 + HANG_MARGIN_MS;
  const exit = await Promise.race([p.exited, sleep(guard).then(() => null)]);
  expect(exit, `still running ${guard} ms after ${signal}:\n${p.output().slice(-3000)}`).not.toBeNull();
  expect(await groupGone(p.pgid, 10_000), `a process of the group outlived the stop:\n${p.output().slice(-3000)}`).toBe(true);
  return exit!;
}

/** Whether a new TCP connection to the port is refused. */
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });

/** PostgreSQL's pg_control: DBState at offset 16; 1 is DB_SHUTDOWNED (a clean stop), 6 DB_IN_PRODUCTION. */
const controlState = () => readFileSync(path.join(dataDir, 'pgdata', 'global', 'pg_control')).readUInt32LE(16);
const SHUT_DOWN = 1;

async function signIn(base: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'tiepnhan', password: 'congso-demo' }),
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { accessToken: string }).accessToken;
}

async function pdf(label: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([420, 595]).drawText(`Shutdown test ${label}`, { x: 40, y: 500, size: 14, font });
  return Buffer.from(await doc.save());
}

/**
 * An upload that takes `durationMs` to send its body: a real client on a slow line. `sent`
 * resolves once the headers and the first bytes are out (the request is in flight);
 * `answer` with the status and body, or the network error.
 */
function slowUpload(base: string, token: string, file: Buffer, durationMs: number) {
  const boundary = `----shutdown${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="ket-qua.pdf"\r\ncontent-type: application/pdf\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  let markSent!: () => void;
  const sent = new Promise<void>((r) => (markSent = r));
  const answer = new Promise<{ status: number; body: unknown } | { error: string }>((resolve) => {
    const req = http.request(
      `${base}/api/v1/uploads`,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
        res.on('error', (e) => resolve({ error: e.message }));
      },
    );
    req.on('error', (e) => resolve({ error: e.message }));
    const chunks = 20;
    const size = Math.ceil(body.length / chunks);
    let i = 0;
    const next = () => {
      req.write(body.subarray(i * size, (i + 1) * size));
      if (i === 0) setTimeout(markSent, 200);
      if (++i < chunks) setTimeout(next, durationMs / chunks);
      else req.end();
    };
    next();
  });
  return { sent, answer };
}

/** A client that sends its headers and a little of its body, then nothing: it would hold a connection for ever. */
function stalledRequest(base: string, token: string) {
  return new Promise<{ ended: Promise<string> }>((resolveStarted) => {
    const s = net.connect(Number(new URL(base).port), '127.0.0.1', () => {
      s.write(
        `POST /api/v1/uploads HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: multipart/form-data; boundary=xyz\r\ncontent-length: 100000\r\n\r\n--xyz\r\n`,
      );
      const ended = new Promise<string>((r) => {
        s.on('error', (e: NodeJS.ErrnoException) => r(e.code ?? e.message));
        s.on('close', () => r('closed'));
      });
      s.on('data', () => {});
      setTimeout(() => resolveStarted({ ended }), 300);
    });
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-shutdown-'));
});

afterAll(async () => {
  for (const p of started) {
    try {
      process.kill(-p.pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('stopping the server and the worker', () => {
  let uploaded: { id: string; bytes: Buffer } | undefined;

  it('npm start: SIGTERM to npm drains the request in flight, refuses new connections, stops every process and closes the database cleanly (exit 0)', async () => {
    const grace = 10;
    const p = await npmStart({ SHUTDOWN_GRACE_SECONDS: String(grace) });
    await healthy(p); // the first start loads the demo data
    const token = await signIn(p.base);
    const bytes = await pdf('npm');
    const upload = slowUpload(p.base, token, bytes, 3000);
    await upload.sent;
    const exit = stopped(p, 'SIGTERM', grace);
    // While the upload is still arriving, the port is already closed.
    let closedEarly = false;
    for (let i = 0; i < 40 && !closedEarly; i++) {
      closedEarly = await refused(p.port);
      if (!closedEarly) await sleep(50);
    }
    expect(closedEarly, 'new connections still accepted after SIGTERM').toBe(true);
    const a = await upload.answer;
    expect(a, p.output().slice(-3000)).toMatchObject({ status: 201 });
    uploaded = { id: (a as { body: { id: string } }).body.id, bytes };
    const { code, signal } = await exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(await refused(p.port)).toBe(true);
    const out = p.output();
    for (const stage of ['"stopping"', 'http: every request finished', 'jobs: stopped', 'worker threads: stopped', 'database: closed', '"stopped"'])
      expect(out).toContain(stage);
    expect(controlState(), 'PGlite was not shut down cleanly').toBe(SHUT_DOWN);
  }, 400_000);

  it('node serve: restarts on the same data with the upload kept, and SIGTERM to node drains and exits 0', async () => {
    expect(uploaded).toBeDefined();
    const p = await nodeServe();
    await healthy(p);
    // PGlite is open: its control file no longer says "shut down", so the check above means something.
    expect(controlState()).not.toBe(SHUT_DOWN);
    const token = await signIn(p.base);
    const kept = await fetch(`${p.base}/api/v1/uploads/${uploaded!.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(kept.status).toBe(200);
    expect(Buffer.from(await kept.arrayBuffer()).equals(uploaded!.bytes)).toBe(true);

    const upload = slowUpload(p.base, token, await pdf('node'), 2000);
    await upload.sent;
    const exit = stopped(p, 'SIGTERM', 5);
    expect(await upload.answer).toMatchObject({ status: 201 });
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(controlState()).toBe(SHUT_DOWN);
  }, 300_000);

  it('cuts off a stalled client after the grace period and still exits 0; SIGINT works like SIGTERM', async () => {
    const p = await nodeServe({ SHUTDOWN_GRACE_SECONDS: '1' });
    await healthy(p);
    const stalled = await stalledRequest(p.base, await signIn(p.base));
    const exit = await stopped(p, 'SIGINT', 1);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await stalled.ended).toMatch(/closed|ECONNRESET/);
    expect(p.output()).toContain('grace period over');
    expect(controlState()).toBe(SHUT_DOWN);
  }, 300_000);

  it('a second signal exits at once, without waiting for the grace period', async () => {
    const p = await nodeServe({ SHUTDOWN_GRACE_SECONDS: '600' });
    await healthy(p);
    const stalled = await stalledRequest(p.base, await signIn(p.base));
    p.child.kill('SIGTERM');
    await sleep(1000);
    expect(p.child.exitCode, 'exited before the stalled request was cut').toBeNull();
    // The guard is the margin alone: waiting for the 600 s grace would fail it.
    const exit = await stopped(p, 'SIGTERM', 0);
    expect(exit.code).toBe(128 + os.constants.signals.SIGTERM);
    expect(p.output()).toContain('second signal');
    await stalled.ended;
  }, 300_000);

  it('npm run worker: SIGTERM to npm stops the job worker and its database, exit 0', async () => {
    const p = launch('npm', ['run', 'worker'], {});
    const end = Date.now() + 180_000;
    while (!p.output().includes('worker started')) {
      if (p.child.exitCode !== null || Date.now() > end) throw new Error(`worker did not start:\n${p.output().slice(-3000)}`);
      await sleep(200);
    }
    expect(await stopped(p, 'SIGTERM', 5)).toEqual({ code: 0, signal: null });
    expect(p.output()).toContain('jobs: stopped');
    expect(p.output()).toContain('database: closed');
    expect(controlState()).toBe(SHUT_DOWN);
  }, 300_000);

  it.skipIf(!withPostgres)(
    'on PostgreSQL: SIGTERM to node drains, closes the pool and exits 0',
    async () => {
      const scratch = await createScratchDatabase(PG_ADMIN, 'congso_shutdown');
      const files = mkdtempSync(path.join(os.tmpdir(), 'congso-shutdown-pg-'));
      try {
        const p = await nodeServe({ DATABASE_URL: scratch.url, DATA_DIR: files });
        await healthy(p);
        const upload = slowUpload(p.base, await signIn(p.base), await pdf('postgresql'), 2000);
        await upload.sent;
        const exit = stopped(p, 'SIGTERM', 5);
        expect(await upload.answer).toMatchObject({ status: 201 });
        expect(await exit).toEqual({ code: 0, signal: null });
        expect(p.output()).toContain('database: closed');
      } finally {
        await scratch.drop();
        rmSync(files, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
