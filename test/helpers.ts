import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createScratchDatabase } from '../src/platform/db/scratch.ts';
import { loadConfig, type Config } from '../src/platform/config.ts';
import { closeContext, createContext } from '../src/platform/boot.ts';
import type { Ctx } from '../src/platform/context.ts';
import type { Principal, StaffRole } from '../src/platform/auth/roles.ts';
import type { App } from '../src/platform/http/types.ts';
import { buildApp } from '../src/app.ts';
import { loadDemoData } from '../src/modules/demo/load-demo-data.ts';
import { totpCode } from '../src/platform/auth/totp.ts';

export const onPostgres = () => process.env.TEST_DB === 'postgresql';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A database of its own for one test file: a fresh PostgreSQL database, or a PGlite folder. */
export async function freshDatabase(): Promise<{ url?: string; drop(): Promise<void> }> {
  if (!onPostgres()) return { drop: async () => {} };
  return createScratchDatabase(process.env.TEST_DATABASE_URL!, 'congso_t');
}

export interface TestApp {
  ctx: Ctx;
  app: App;
  base: string;
  config: Config;
  dataDir: string;
  /** Restart on the same database and data folder (persistence tests). */
  restart(): Promise<TestApp>;
  close(): Promise<void>;
}

export interface StartOptions {
  demo?: boolean;
  /** Also file the demo dossiers (about 2.5 s on PGlite); off by default so queues start empty. */
  demoDossiers?: boolean;
  env?: Record<string, string>;
}

/** Starts the real app, listening on a free port, on the database this test project targets. */
export async function startTestApp(opts: StartOptions = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-test-'));
  const start = async (): Promise<TestApp> => {
    const port = await freePort();
    const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(db.url ? { DATABASE_URL: db.url } : {}), ...opts.env });
    const ctx = await createContext(config, { worker: false });
    if (opts.demo !== false) await loadDemoData(ctx, undefined, { dossiers: opts.demoDossiers ?? false });
    const app = await buildApp(ctx);
    await app.listen({ port, host: '127.0.0.1' });
    const stop = async () => {
      await app.close();
      await closeContext(ctx);
    };
    return {
      ctx, app, config, dataDir, base: config.publicUrl,
      async restart() {
        await stop();
        return start();
      },
      async close() {
        await stop();
        await db.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  };
  return start();
}

/** Demo TOTP secrets (demo/organisation.json) for the accounts that need a second factor. */
/** The demo officials' TOTP secrets, read from the demo data so the two cannot drift apart. */
export const DEMO_TOTP: Record<string, string> = Object.fromEntries(
  (JSON.parse(readFileSync(new URL('../demo/organisation.json', import.meta.url), 'utf8')) as { staff: { username: string; totpSecret: string | null }[] }).staff
    .filter((s) => s.totpSecret)
    .map((s) => [s.username, s.totpSecret!]),
);

/** Signs a demo official in through the API and returns the bearer token. */
const otpUses = new WeakMap<TestApp, Map<string, number>>();

/** A fresh TOTP code for a demo account: codes are single-use, so repeat sign-ins take the next step's. */
export function nextOtp(t: TestApp, username: string): string {
  const uses = otpUses.get(t) ?? new Map<string, number>();
  otpUses.set(t, uses);
  const step = Math.max(Math.floor(Date.now() / 30_000), (uses.get(username) ?? 0) + 1);
  if (step > Math.floor(Date.now() / 30_000) + 1) throw new Error(`no unused TOTP step left for ${username}; wait 30 s`);
  uses.set(username, step);
  return totpCode(DEMO_TOTP[username], step * 30_000 + 1000);
}

export async function login(t: TestApp, username: string, password = 'congso-demo'): Promise<string> {
  const otp = DEMO_TOTP[username] ? nextOtp(t, username) : undefined;
  const r = await fetch(`${t.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password, otp }) });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { accessToken: string }).accessToken;
}

/** A bearer token for a made-up principal holding one role (route-table tests). */
export async function tokenFor(t: TestApp, grant: StaffRole | 'citizen' | `scope:${string}`): Promise<string> {
  let p: Principal;
  if (grant === 'citizen') p = { kind: 'citizen', id: '00000000-0000-4000-8000-000000000001', name: 'Test Citizen', identifier: '001089012345', citizenKind: 'citizen' };
  else if (grant.startsWith('scope:')) p = { kind: 'service', clientId: 'test-client', name: 'Test client', scopes: [grant.slice(6)] };
  else p = { kind: 'staff', id: '00000000-0000-4000-8000-000000000002', username: `test.${grant}`, name: 'Test Official', roles: [{ role: grant as StaffRole, unitId: '000.00.00.G12' }] };
  return t.ctx.tokens.issue(p);
}

export async function api<T = unknown>(t: TestApp, method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  const r = await fetch(`${t.base}${url}`, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body), redirect: 'manual' });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: r.status, body: body as T, headers: r.headers };
}

/** Polls until `fn` gives a truthy value (a job ran, a mail arrived), or fails after `ms`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
