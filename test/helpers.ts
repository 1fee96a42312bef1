import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScratchDatabase } from '../src/platform/db/scratch.ts';
import { loadConfig, type Config } from '../src/platform/config.ts';
import { closeContext, createContext } from '../src/app.ts';
import type { Ctx } from '../src/platform/context.ts';
import type { Principal, StaffRole } from '../src/platform/auth/roles.ts';
import type { App } from '../src/platform/http/types.ts';
import { buildApp } from '../src/app.ts';
import { loadDemoData } from '../src/modules/demo/load-demo-data.ts';
import { totpCode } from '../src/platform/auth/totp.ts';

export const onPostgres = () => process.env.TEST_DB === 'postgresql';

export { freePort } from '../ops/cluster/ports.ts';
import { freePort } from '../ops/cluster/ports.ts';

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

/**
 * Test files sign in and search far more often than a person does, all from 127.0.0.1; the
 * rate limits are raised for them. Tests of the limits themselves set their own.
 */
export const RELAXED_LIMITS = { RATE_LIMIT_SIGN_IN: '100000', RATE_LIMIT_VERIFY: '100000', RATE_LIMIT_PUBLIC: '1000000' };

/** Starts the real app, listening on a free port, on the database this test project targets. */
export async function startTestApp(opts: StartOptions = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-test-'));
  const start = async (): Promise<TestApp> => {
    const port = await freePort();
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...(db.url ? { DATABASE_URL: db.url } : {}),
      ...RELAXED_LIMITS,
      ...opts.env,
    });
    const ctx = await createContext(config, { worker: false });
    if (opts.demo !== false) await loadDemoData(ctx, undefined, { dossiers: opts.demoDossiers ?? false });
    const app = await buildApp(ctx);
    await app.listen({ port, host: '127.0.0.1' });
    const stop = async () => {
      await app.close();
      await closeContext(ctx);
    };
    return {
      ctx,
      app,
      config,
      dataDir,
      base: config.publicUrl,
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
  (
    JSON.parse(readFileSync(new URL('../demo/organisation.json', import.meta.url), 'utf8')) as { staff: { username: string; totpSecret: string | null }[] }
  ).staff
    .filter((s) => s.totpSecret)
    .map((s) => [s.username, s.totpSecret!]),
);

/**
 * The last TOTP step each demo account spent, per app data folder (a restart keeps the
 * database, so it keeps the spent steps too).
 */
const otpSpent = new Map<string, Map<string, number>>();
const TOTP_STEP_MS = 30_000;

/**
 * A TOTP code for a demo account that the server accepts now. The server takes the steps next
 * to the current one (one step of drift either way) and each step once, so a test signs the
 * same account in at most twice per 30 s: the third sign-in waits for the next step to begin
 * rather than fail on a busy (or fast) machine.
 */
export async function nextOtp(t: TestApp, username: string): Promise<string> {
  const spent = otpSpent.get(t.dataDir) ?? new Map<string, number>();
  otpSpent.set(t.dataDir, spent);
  const stepAt = (ms: number) => Math.floor(ms / TOTP_STEP_MS);
  const step = Math.max(stepAt(Date.now()), (spent.get(username) ?? -1) + 1);
  spent.set(username, step); // before waiting: a concurrent call takes the step after
  // The server accepts `step` once the current step is at least `step - 1`.
  for (let wait = (step - 1) * TOTP_STEP_MS - Date.now(); wait > 0; wait = (step - 1) * TOTP_STEP_MS - Date.now()) {
    await new Promise((r) => setTimeout(r, wait + 50));
  }
  return totpCode(DEMO_TOTP[username], step * TOTP_STEP_MS + 1000);
}

/** Signs a demo official in through the API and returns the bearer token. */
export async function login(t: TestApp, username: string, password = 'congso-demo'): Promise<string> {
  const otp = DEMO_TOTP[username] ? await nextOtp(t, username) : undefined;
  const r = await fetch(`${t.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, otp }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { accessToken: string }).accessToken;
}

/**
 * A bearer token for a principal, its account made real first: every request re-reads the
 * account's current roles, so a token for an account that does not exist is refused. A staff
 * account is found or created by username and gains the principal's roles (keeping any it
 * had); the token says the second factor was checked, as a sign-in with TOTP would.
 */
export async function issueToken(ctx: Ctx, p: Principal): Promise<string> {
  const db = ctx.database.db;
  if (p.kind === 'staff') {
    const username = p.username.toLowerCase();
    await db
      .insertInto('staff')
      .values({ id: p.id, username, full_name: p.name, password_hash: 'no-password:test-account' })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const row = await db.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    // Tests without the demo organisation name units that do not exist yet.
    const units = [...new Set(p.roles.map((r) => r.unitId))];
    if (units.length)
      await db
        .insertInto('org_units')
        .values(units.map((id) => ({ id, parent_id: null, kind: 'unit' as const, name: `Đơn vị thử ${id}` })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    if (p.roles.length)
      await db
        .insertInto('staff_roles')
        .values(p.roles.map((r) => ({ staff_id: row.id, role: r.role, unit_id: r.unitId })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    return ctx.tokens.issue({ ...p, id: row.id, username, mfa: true });
  }
  if (p.kind === 'service') {
    await db
      .insertInto('service_accounts')
      .values({ client_id: p.clientId, name: p.name, secret_hash: 'no-secret:test-account', scopes: p.scopes })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return ctx.tokens.issue(p);
}

/** A bearer token for a test account holding one role (route-table tests). */
export async function tokenFor(t: TestApp, grant: StaffRole | 'citizen' | `scope:${string}`): Promise<string> {
  let p: Principal;
  if (grant === 'citizen')
    p = { kind: 'citizen', id: '00000000-0000-4000-8000-000000000001', name: 'Test Citizen', identifier: '001089012345', citizenKind: 'citizen' };
  else if (grant.startsWith('scope:'))
    p = { kind: 'service', clientId: `test-client-${grant.slice(6).replace(':', '-')}`, name: 'Test client', scopes: [grant.slice(6)] };
  else
    p = { kind: 'staff', id: randomUUID(), username: `test.${grant}`, name: 'Test Official', roles: [{ role: grant as StaffRole, unitId: '000.00.00.G12' }] };
  return issueToken(t.ctx, p);
}

export async function api<T = unknown>(
  t: TestApp,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  const r = await fetch(`${t.base}${url}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    redirect: 'manual',
  });
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
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
