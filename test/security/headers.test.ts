import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { closeContext, createContext } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createScratchDatabase } from '../../src/platform/db/scratch.ts';
import type { App, RouteEntry } from '../../src/platform/http/types.ts';
import type { Ctx } from '../../src/platform/context.ts';
import { freePort, issueToken, onPostgres, startTestApp, type TestApp } from '../helpers.ts';
import { buildWorld, type Caller, type World } from './world.ts';
import { KINDS, classify } from './route-kinds.ts';
import { send } from './request.ts';

/**
 * Issue 5, part 3: security headers on every page. Every GET route of the route table that is
 * not under /api/ (pages, the assets they load, share links, health and metrics) is requested
 * on real objects, signed in as a role it allows, and must carry a CSP, nosniff, framing
 * denied and a referrer policy; HSTS only in production, where a second app runs in
 * production mode. The VNeID simulator (/sso, demo only) stands in for an external site
 * and is not part of the product's pages.
 */

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ demo: true });
  w = await buildWorld(t);
});
afterAll(() => t?.close());

const SAFE_REFERRER = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];

function judgeHeaders(h: Headers, production: boolean): string[] {
  const out: string[] = [];
  const csp = h.get('content-security-policy') ?? '';
  if (!csp || !/default-src/.test(csp)) out.push(`no Content-Security-Policy with default-src (${csp || 'none'})`);
  const script = /script-src([^;]*)/.exec(csp)?.[1] ?? '';
  if (/'unsafe-inline'|'unsafe-eval'|\*/.test(script)) out.push(`script-src allows ${script.trim()}`);
  if (h.get('x-content-type-options') !== 'nosniff') out.push(`X-Content-Type-Options is ${h.get('x-content-type-options')}`);
  if (h.get('x-frame-options') !== 'DENY' && !/frame-ancestors 'none'/.test(csp))
    out.push(`framing allowed (X-Frame-Options ${h.get('x-frame-options')}, CSP ${csp})`);
  if (!SAFE_REFERRER.includes(h.get('referrer-policy') ?? '')) out.push(`Referrer-Policy is ${h.get('referrer-policy')}`);
  const hsts = h.get('strict-transport-security');
  if (production) {
    const age = Number(/max-age=(\d+)/.exec(hsts ?? '')?.[1] ?? 0);
    if (age < 180 * 86400) out.push(`HSTS missing or short in production (${hsts})`);
  } else if (hsts) out.push(`HSTS sent by the demo over plain HTTP (${hsts})`);
  return out;
}

const isPageRoute = (r: RouteEntry) => r.method === 'GET' && !r.url.startsWith('/api/') && !/^\/sso(\/|$)/.test(r.url);

/** A caller the route allows: anonymous for public routes, else the first role that is a caller of the world. */
function callerFor(r: RouteEntry): Caller | null {
  if (r.access === 'public') return 'anonymous';
  for (const g of r.access) {
    if (g === 'staff') return 'receiving_officer';
    if (!g.startsWith('scope:')) return g as Caller;
  }
  return null;
}

/** Routes that cannot answer a plain GET with a page; their error answer is checked all the same. */
const REFUSE_PLAIN_GET: Record<string, string> = {
  '/dang-nhap/vneid/callback': 'the OIDC callback without its state and code is refused',
  '/simulators/registry/dkkd/v1/doanh-nghiep/:code': "the registry's stand-in answers only calls signed with the data-sharing platform's token",
};

/**
 * Requests that end in an error page: no such route, a malformed path, an overlong parameter, an
 * object that does not exist, and the payment platform simulator's page for a token it never
 * issued (its own 404 page; the world's real token is checked with the routes above).
 */
const ERROR_URLS = ['/khong-co-trang-nay', '/thu-tuc/%FF%FE', `/thu-tuc/${'A'.repeat(300)}`, '/ho-so-cua-toi/KHONG-CO', '/simulators/payment/pay/khong-co'];

describe('security headers', () => {
  it('every page (public, and protected ones as an allowed role) carries CSP, nosniff, no framing, a referrer policy, and no HSTS in demo mode', async () => {
    const routes = t.app.routeTable.filter(isPageRoute);
    expect(routes.length).toBeGreaterThan(30);
    const failures: string[] = [];
    const statuses: string[] = [];
    for (const r of routes) {
      const caller = callerFor(r);
      if (!caller) continue;
      const { params, query } = classify(r.url);
      const url =
        r.url.replace(/:([A-Za-z]+)|\*/g, (_m, name: string | undefined) => encodeURIComponent(KINDS[params[name ?? '*']].value(w.own))) +
        (Object.keys(query).length ? `?${new URLSearchParams(Object.fromEntries(Object.entries(query).map(([q, k]) => [q, KINDS[k].value(w.own)])))}` : '');
      const token = w.tokens.get(caller);
      const res = await send(t, 'GET', url, { headers: { accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      statuses.push(`${res.status} ${url}`);
      if (res.status >= 400 && !REFUSE_PLAIN_GET[r.url]) failures.push(`${url} as ${caller}: ${res.status} (a page was expected, to check its headers)`);
      for (const why of judgeHeaders(res.headers, false)) failures.push(`${url} as ${caller} (${res.status}): ${why}`);
    }
    for (const url of ERROR_URLS) {
      const res = await send(t, 'GET', url, { headers: { accept: 'text/html', authorization: `Bearer ${w.tokens.get('citizen')}` } });
      if (res.status < 400 || !/text\/html/.test(res.headers.get('content-type') ?? ''))
        failures.push(`${url}: expected an HTML error page, got ${res.status} ${res.headers.get('content-type')}`);
      for (const why of judgeHeaders(res.headers, false)) failures.push(`${url} (${res.status}): ${why}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    console.info(`security: headers checked on ${routes.length} GET page routes and ${ERROR_URLS.length} error pages (demo mode, no HSTS)`);
  }, 600_000);

  it('in production mode every page also carries HSTS', async () => {
    // On PostgreSQL a second app starts from a production environment (CONGSO_MODE=production,
    // its own database and secrets). The embedded database cannot run in production mode, so
    // there the second app is built by the same buildApp from this app's context with the mode
    // set to production: the same code path decides the headers.
    let ctx: Ctx;
    let cleanup: () => Promise<void>;
    let variant: string;
    const port = await freePort();
    if (onPostgres()) {
      const db = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'congso_t');
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-prod-'));
      const config = loadConfig({
        CONGSO_MODE: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SESSION_SECRET: 'p'.repeat(40),
        TOKEN_SECRET: 'q'.repeat(40),
        // The national SSO is out of reach here: its local stand-in, so the sign-in redirect stays on this machine.
        OIDC_ISSUER: `http://127.0.0.1:${port}/sso`,
        OIDC_CLIENT_ID: 'congso-portal',
        OIDC_CLIENT_SECRET: 'r'.repeat(40),
        SSO_SIMULATOR: 'on',
      });
      expect(config.mode).toBe('production');
      ctx = await createContext(config, { worker: false });
      cleanup = async () => {
        await closeContext(ctx);
        await db.drop();
        rmSync(dataDir, { recursive: true, force: true });
      };
      variant = 'a second app started from a production environment';
    } else {
      ctx = { ...t.ctx, config: { ...t.ctx.config, mode: 'production' } };
      cleanup = async () => {};
      variant = "a second app built from the running app's context in production mode (embedded database)";
    }
    let app: App | undefined;
    try {
      app = await buildApp(ctx);
      await app.listen({ port, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${port}`;
      const routes = app.routeTable.filter(isPageRoute);
      const failures: string[] = [];
      const admin = await issueToken(ctx, {
        kind: 'staff',
        id: '00000000-0000-4000-8000-0000000000ad',
        username: 'sec.admin',
        name: 'Quản trị',
        roles: [{ role: 'administrator', unitId: '000.00.00.G12' }],
      });
      for (const r of routes) {
        const url = r.url.replace(/:([A-Za-z]+)|\*/g, 'x');
        for (const token of [undefined, admin]) {
          const res = await fetch(`${base}${url}`, {
            headers: { accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            redirect: 'manual',
          });
          await res.arrayBuffer();
          if (res.status >= 500) failures.push(`${url}: ${res.status}`);
          for (const why of judgeHeaders(res.headers, true)) failures.push(`${url} (${res.status}, ${token ? 'administrator' : 'anonymous'}): ${why}`);
        }
      }
      expect(failures, failures.join('\n')).toEqual([]);
      console.info(`security: HSTS and the other headers checked on ${routes.length} GET page routes in production mode (${variant})`);
    } finally {
      await app?.close();
      await cleanup();
    }
  }, 600_000);
});
