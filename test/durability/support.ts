/**
 * Shared by the durability system tests: the real server as a child process, a plain HTTP
 * client that never reuses a connection across a crash, the filings the load generators make,
 * and the database checks that say whether anything was lost, half-written or duplicated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { TokenService } from '../../src/platform/auth/tokens.ts';
import { totpCode } from '../../src/platform/auth/totp.ts';
import { verifyAudit } from '../../src/platform/audit/index.ts';
import type { Database } from '../../src/platform/db/index.ts';
import { TEST_PROCEDURE, FORM } from '../dossier-fixtures.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = path.join(ROOT, 'node_modules/.bin/node');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export { freePort } from '../helpers.ts';
import { RELAXED_LIMITS } from '../helpers.ts';

/**
 * Whether a database server part can run: as in vitest.config.ts, an unreachable server (or
 * TEST_DATABASE_URL=off) skips it with a warning, except in CI, where that is a failure.
 */
export async function postgresReachable(url: string): Promise<boolean> {
  if (process.env.TEST_DATABASE_URL === 'off' && !process.env.CI) return false;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (e) {
    if (process.env.CI) return true; // let the test fail on it
    console.warn(`PostgreSQL at ${url} unreachable (${(e as Error).message}): durability tests on PostgreSQL skipped`);
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// The server, as `node --import tsx src/main.ts serve` in a child process.

export interface ServerOptions {
  dataDir: string;
  port: number;
  databaseUrl?: string;
  tokenSecret: string;
}

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Resolves when the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** Its stdout and stderr (the last 2 MB at least). */
  output(): string;
  /** Sends the signal and waits for the process to be gone. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every server this test file started that is still running (clean-up after a failure). */
export async function killAll() {
  await Promise.all(
    [...running].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

/** Starts the server and waits until /healthz answers 200 (the first start also loads the demo data). */
export async function startServer(o: ServerOptions, timeoutMs = 90_000): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: process.env.LANG,
    DATA_DIR: o.dataDir,
    PORT: String(o.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TOKEN_SECRET: o.tokenSecret,
    // The load runs from one address; the limits are not what these tests measure.
    ...RELAXED_LIMITS,
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(NODE, ['--import', 'tsx', 'src/main.ts', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString('utf8');
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let gone = false;
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const base = `http://127.0.0.1:${o.port}`;
  const p: ServerProcess = {
    base,
    child,
    exited,
    alive: () => !gone,
    output: () => out,
    async stop(signal) {
      if (!gone) child.kill(signal);
      await exited;
    },
  };
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`server exited during start:\n${out.slice(-5000)}`);
    const r = await request(base, 'GET', '/healthz', { timeoutMs: 2000 }).catch(() => null);
    if (r?.status === 200) return p;
    if (Date.now() > end) {
      await p.stop('SIGKILL');
      throw new Error(`server not healthy after ${timeoutMs} ms:\n${out.slice(-5000)}`);
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------
// HTTP without keep-alive: a request after a crash never rides on a dead connection.

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: the JSON of whichever endpoint was called; each test reads the fields it asked for
  body: any;
  ms: number;
}

export class NetworkError extends Error {
  constructor(
    message: string,
    readonly ms: number,
  ) {
    super(message);
  }
}

export function request(
  base: string,
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number } = {},
): Promise<Reply> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${url}`, { method, agent: false, headers: { connection: 'close', ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(new NetworkError(e.message, performance.now() - t0)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - t0 });
      });
    });
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer in ${opts.timeoutMs ?? 30_000} ms`)));
    req.on('error', (e) => reject(new NetworkError(e.message, performance.now() - t0)));
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export const json = (base: string, method: string, url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs?: number) =>
  request(base, method, url, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), timeoutMs });

// ---------------------------------------------------------------------------------------
// Who files.

const DEMO_TOTP: Record<string, string> = Object.fromEntries(
  (JSON.parse(readFileSync(path.join(ROOT, 'demo/organisation.json'), 'utf8')) as { staff: { username: string; totpSecret: string | null }[] }).staff
    .filter((s) => s.totpSecret)
    .map((s) => [s.username, s.totpSecret!]),
);

/** Signs a demo official in through the API (one sign-in per account and database: TOTP codes are single-use). */
export async function login(base: string, username: string): Promise<string> {
  const otp = DEMO_TOTP[username] ? totpCode(DEMO_TOTP[username]) : undefined;
  const r = await json(base, 'POST', '/api/v1/auth/login', { username, password: 'congso-demo', otp });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { accessToken: string }).accessToken;
}

export async function importTestProcedure(base: string) {
  const admin = await login(base, 'admin');
  const r = await json(base, 'POST', '/api/v1/procedures/import', [TEST_PROCEDURE], { authorization: `Bearer ${admin}` });
  if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
}

export interface Filer {
  kind: 'citizen' | 'officer';
  token: string;
}

/** Citizens (tokens signed with the server's TOKEN_SECRET, as the SSO sign-in would) and the receiving officer. */
export async function filers(base: string, tokenSecret: string): Promise<Filer[]> {
  const tokens = new TokenService(tokenSecret, base);
  const citizens = await Promise.all(
    ['Trần Văn Minh', 'Lê Thị Hạnh', 'Ngô Bảo Châu'].map((name, i) =>
      tokens.issue({ kind: 'citizen', id: `5d000000-0000-4000-8000-00000000000${i + 1}`, name, identifier: `00108901234${i}`, citizenKind: 'citizen' }),
    ),
  );
  const officer = await login(base, 'tiepnhan.xnk');
  return [...citizens.map((token) => ({ kind: 'citizen' as const, token })), { kind: 'officer', token: officer }];
}

// ---------------------------------------------------------------------------------------
// One filing: an uploaded PDF of its own, then POST /api/v1/dossiers with an Idempotency-Key.

export interface Filing {
  key: string;
  filer: Filer;
  pdf: Uint8Array;
  sha256: string;
  uploadId?: string;
  /** upload-lost: the upload got no answer, the filing was never sent; sent: no answer; acked: 2xx. */
  state: 'new' | 'upload-lost' | 'upload-refused' | 'sent' | 'refused' | 'acked';
  code?: string;
  status?: string;
  /** Every answer the filing (or its upload) got that was not 2xx, and the network errors. */
  failures: { at: number; ms: number; status?: number; what: string; headers?: http.IncomingHttpHeaders; body?: unknown }[];
}

export async function newFiling(prefix: string, filer: Filer): Promise<Filing> {
  const key = `${prefix}-${randomBytes(8).toString('hex')}`;
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]).drawText(`Don de nghi ${key}`, { x: 10, y: 100, size: 8 });
  const pdf = await doc.save();
  return { key, filer, pdf, sha256: createHash('sha256').update(pdf).digest('hex'), state: 'new', failures: [] };
}

export function filingBody(f: Filing) {
  const components = [{ code: 'T-01', uploadId: f.uploadId! }];
  return f.filer.kind === 'citizen'
    ? { procedureCode: TEST_PROCEDURE.code, channel: 2, form: FORM, components }
    : {
        procedureCode: TEST_PROCEDURE.code,
        channel: 1,
        applicant: { name: 'Lê Thị Thu', identifier: '001190000111', email: 'le.thi.thu@example.vn' },
        form: FORM,
        components,
      };
}

export async function upload(base: string, f: Filing, timeoutMs?: number): Promise<Reply> {
  const boundary = `----congso${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="don-de-nghi.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
    Buffer.from(f.pdf),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return request(base, 'POST', '/api/v1/uploads', {
    headers: { authorization: `Bearer ${f.filer.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    timeoutMs,
  });
}

export const postFiling = (base: string, f: Filing, timeoutMs?: number) =>
  json(base, 'POST', '/api/v1/dossiers', filingBody(f), { authorization: `Bearer ${f.filer.token}`, 'idempotency-key': f.key }, timeoutMs);

/**
 * Uploads (unless already uploaded) and files. Network errors are recorded, not thrown: the
 * caller decides what a lost answer means. Returns the filing's reply, if it got one.
 */
export async function attempt(base: string, f: Filing, t0: number, timeoutMs?: number): Promise<Reply | undefined> {
  if (!f.uploadId) {
    let r: Reply;
    try {
      r = await upload(base, f, timeoutMs);
    } catch (e) {
      f.failures.push({ at: performance.now() - t0, ms: (e as NetworkError).ms ?? 0, what: `upload: ${(e as Error).message}` });
      f.state = 'upload-lost';
      return undefined;
    }
    if (r.status !== 201) {
      f.failures.push({ at: performance.now() - t0 - r.ms, ms: r.ms, status: r.status, what: 'upload', headers: r.headers, body: r.body });
      f.state = 'upload-refused';
      return r;
    }
    f.uploadId = (r.body as { id: string }).id;
  }
  const sentAt = performance.now();
  try {
    const r = await postFiling(base, f, timeoutMs);
    if (r.status === 200 || r.status === 201) {
      f.state = 'acked';
      f.code = r.body.code;
      f.status = r.body.status;
    } else {
      f.failures.push({ at: sentAt - t0, ms: r.ms, status: r.status, what: 'filing', headers: r.headers, body: r.body });
      if (f.state !== 'acked') f.state = 'refused';
    }
    return r;
  } catch (e) {
    f.failures.push({ at: sentAt - t0, ms: (e as NetworkError).ms ?? 0, what: `filing: ${(e as Error).message}` });
    if (f.state !== 'acked') f.state = 'sent';
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// What the database holds, and whether every dossier in it is whole.

export interface KeyedDossier {
  key: string;
  code: string;
  status: string;
  filedBy: string;
  actions: string[];
  components: { sha256: string | null; uploadId: string | null }[];
  syncJobs: number;
}

export interface Inspection {
  /** Each a sentence naming what is wrong; empty when the data is whole. */
  problems: string[];
  /** Dossiers filed with an Idempotency-Key, by key (a key held twice is a problem). */
  keyed: Map<string, KeyedDossier>;
  /** Keys that hold more than one dossier. */
  duplicateKeys: number;
  unkeyed: number;
  auditEntries: number;
}

const listOf = (rows: Record<string, unknown>[]) => rows.map((r) => Object.values(r).join(' ')).join(', ');

/**
 * Checks every dossier: it starts with its submit action, officials' filings also have their
 * receive action, the status is the last action's, the action numbers have no gap, its
 * components point at uploads whose blobs are on disk, its audit entry is there and the audit
 * chain is intact; no action or component without its dossier; codes gap-free per unit and day.
 */
export async function inspect(database: Database, blobRoot: string | null): Promise<Inspection> {
  const db = database.db;
  const problems: string[] = [];
  const q = async (what: string, query: RawBuilder<Record<string, unknown>>) => {
    const { rows } = await query.execute(db);
    if (rows.length) problems.push(`${what}: ${listOf(rows.slice(0, 20))}${rows.length > 20 ? ` … (${rows.length})` : ''}`);
  };
  await q(
    'dossiers without their submit action first',
    sql`select d.code from dossiers d where not exists (select 1 from dossier_actions a where a.dossier_id = d.id and a.seq = 1 and a.action = 'submit')`,
  );
  await q(
    'counter filings without their receive action',
    sql`select d.code from dossiers d where d.filed_by like 'staff:%' and not exists (select 1 from dossier_actions a where a.dossier_id = d.id and a.action = 'receive')`,
  );
  await q(
    'dossiers whose status is not their last action',
    sql`select d.code, d.status, a.to_status from dossiers d join lateral (select to_status from dossier_actions x where x.dossier_id = d.id order by seq desc limit 1) a on true where a.to_status <> d.status`,
  );
  await q(
    'action logs with a gap',
    sql`select d.code, max(a.seq) as last, count(*) as n from dossier_actions a join dossiers d on d.id = a.dossier_id group by d.code having max(a.seq) <> count(*)`,
  );
  await q('orphan actions', sql`select a.dossier_id, a.seq from dossier_actions a where not exists (select 1 from dossiers d where d.id = a.dossier_id)`);
  await q('orphan components', sql`select c.dossier_id, c.idx from dossier_components c where not exists (select 1 from dossiers d where d.id = c.dossier_id)`);
  await q(
    'components whose upload is missing or differs',
    sql`select d.code, c.idx from dossier_components c join dossiers d on d.id = c.dossier_id left join uploads u on u.id = c.upload_id where c.upload_id is not null and (u.id is null or u.sha256 <> c.sha256)`,
  );
  await q(
    'dossiers without their audit entry',
    sql`select d.code from dossiers d where not exists (select 1 from audit_log l where l.target = 'dossier:' || d.code and l.action = 'dossier.submit')`,
  );
  await q(
    'uploads without their audit entry',
    sql`select u.id from uploads u where not exists (select 1 from audit_log l where l.target = 'upload:' || u.id::text and l.action = 'upload.create')`,
  );
  await q(
    'dossier codes not gap-free (counter against dossiers of that unit and day)',
    sql`select c.unit_id, c.day, c.last, n.n from dossier_counters c
        join lateral (select count(*)::int as n from dossiers d where d.code like c.unit_id || '-' || to_char(c.day, 'YYMMDD') || '-%') n on true
        where n.n <> c.last`,
  );
  await q(
    'keyed dossiers without their national-portal sync job',
    sql`select d.code from dossiers d where d.idempotency_key is not null and not exists (select 1 from outbox_messages m where m.adapter = 'national-portal' and m.kind = 'DongBoHoSoMC' and m.key = d.code)`,
  );
  if (blobRoot) {
    const { rows } = await sql<{
      sha256: string;
    }>`select distinct sha256 from uploads union select distinct sha256 from dossier_components where sha256 is not null`.execute(db);
    const missing = rows.filter((r) => !existsSync(path.join(blobRoot, r.sha256.slice(0, 2), r.sha256.slice(2, 4), r.sha256)));
    if (missing.length) problems.push(`blobs missing on disk: ${missing.map((r) => r.sha256).join(', ')}`);
  }
  const chain = await verifyAudit(db);
  if (!chain.ok) problems.push(`audit chain broken at entry ${chain.firstBrokenId}`);

  const { rows } = await sql<{
    key: string;
    code: string;
    status: string;
    filed_by: string;
    actions: string[];
    components: { sha256: string | null; uploadId: string | null }[];
    sync_jobs: number;
  }>`
    select d.idempotency_key as key, d.code, d.status, d.filed_by,
      coalesce((select json_agg(a.action order by a.seq) from dossier_actions a where a.dossier_id = d.id), '[]'::json) as actions,
      coalesce((select json_agg(json_build_object('sha256', c.sha256, 'uploadId', c.upload_id) order by c.idx) from dossier_components c where c.dossier_id = d.id), '[]'::json) as components,
      (select count(*)::int from outbox_messages m where m.adapter = 'national-portal' and m.kind = 'DongBoHoSoMC' and m.key = d.code) as sync_jobs
    from dossiers d where d.idempotency_key is not null order by d.code`.execute(db);
  const keyed = new Map<string, KeyedDossier>();
  let duplicateKeys = 0;
  for (const r of rows) {
    if (keyed.has(r.key)) duplicateKeys++;
    if (keyed.has(r.key)) problems.push(`Idempotency-Key ${r.key} holds two dossiers: ${keyed.get(r.key)!.code} and ${r.code}`);
    keyed.set(r.key, { key: r.key, code: r.code, status: r.status, filedBy: r.filed_by, actions: r.actions, components: r.components, syncJobs: r.sync_jobs });
  }
  const unkeyed = (await sql<{ n: number }>`select count(*)::int as n from dossiers where idempotency_key is null`.execute(db)).rows[0].n;
  return { problems, keyed, duplicateKeys, unkeyed, auditEntries: chain.checked };
}

/** What a filing's dossier must look like, whoever filed it and whatever answer it got. */
export function expectWhole(f: Filing, d: KeyedDossier | undefined): string[] {
  if (!d) return [`${f.key}: no dossier`];
  const out: string[] = [];
  const actions = f.filer.kind === 'officer' ? ['submit', 'receive'] : ['submit'];
  if (JSON.stringify(d.actions) !== JSON.stringify(actions))
    out.push(`${f.key} (${d.code}): actions ${JSON.stringify(d.actions)}, expected ${JSON.stringify(actions)}`);
  if (d.components.length !== 1 || d.components[0].sha256 !== f.sha256 || (f.uploadId && d.components[0].uploadId !== f.uploadId)) {
    out.push(`${f.key} (${d.code}): components ${JSON.stringify(d.components)}, expected its one upload ${f.uploadId} ${f.sha256}`);
  }
  if (d.syncJobs < 1) out.push(`${f.key} (${d.code}): no national-portal sync job`);
  if (f.state === 'acked') {
    if (d.code !== f.code) out.push(`${f.key}: acknowledged as ${f.code}, the database has ${d.code}`);
    if (d.status !== f.status) out.push(`${f.key} (${d.code}): acknowledged with status ${f.status}, the database has ${d.status}`);
  }
  return out;
}

/** The error body every API failure has: a stable code, Vietnamese and English messages. */
export function isUnavailableBody(body: unknown): boolean {
  const e = (body as { error?: { code?: unknown; message?: unknown; messageEn?: unknown } } | null)?.error;
  return (
    e?.code === 'SERVICE_UNAVAILABLE' && typeof e.message === 'string' && e.message.length > 0 && typeof e.messageEn === 'string' && e.messageEn.length > 0
  );
}
