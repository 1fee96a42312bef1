/**
 * Headers, cookies and limits (issue 10, items 2, 5, 9 and 11): the attacks, reproduced
 * through HTTP against the real app, each refused.
 */
import { connect } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Ctx } from '../../src/platform/context.ts';
import { api, freePort, issueToken, startTestApp, type TestApp } from '../helpers.ts';
import { csrfPair } from './request.ts';

let t: TestApp;
let officer: string;
beforeAll(async () => {
  // The limits as a deployment would have them, except tracking and search made small enough to reach.
  t = await startTestApp({ env: { RATE_LIMIT_SIGN_IN: '20', RATE_LIMIT_VERIFY: '10', RATE_LIMIT_PUBLIC: '30' } });
  // Not through sign-in: the sign-in limit is under test below.
  const who = await t.ctx.database.db.selectFrom('staff').select(['id', 'full_name']).where('username', '=', 'tiepnhan.xnk').executeTakeFirstOrThrow();
  officer = await issueToken(t.ctx, {
    kind: 'staff',
    id: who.id,
    username: 'tiepnhan.xnk',
    name: who.full_name,
    roles: [{ role: 'receiving_officer', unitId: '000.05.01.G12' }],
  });
});
afterAll(() => t?.close());

const signIn = (headers: Record<string, string> = {}, username = 'nobody.here') =>
  fetch(`${t.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password: 'wrong-password' }),
  });

describe('rate limits', () => {
  it('sign-in: the 21st attempt in a minute from one address is refused with 429 and Retry-After, whatever X-Forwarded-For says', async () => {
    const statuses: number[] = [];
    // Each attempt names a different account (so no lockout answers first) and forges a different address.
    for (let i = 0; i < 21; i++) statuses.push((await signIn({ 'x-forwarded-for': `203.0.113.${i}` }, `ai.do.${i}`)).status);
    expect(statuses.slice(0, 20), statuses.join(',')).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);
    const r = await signIn({}, 'ai.do.21');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await r.json()) as { error: { code: string; message: string; messageEn: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).not.toBe(body.error.messageEn);
    // The page form shares the limit: it is the same door.
    const page = await fetch(`${t.base}/can-bo/dang-nhap`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfPair(t).cookie },
      body: `_csrf=${csrfPair(t).token}&username=a&password=b`,
      redirect: 'manual',
    });
    expect(page.status).toBe(429);
    // A forged X-Forwarded-For was not believed: the audit trail holds the socket's address.
    const rows = await t.ctx.database.db.selectFrom('audit_log').select('data').where('target', '=', 'staff:ai.do.3').execute();
    expect((rows[0].data as { ip: string }).ip).toBe('127.0.0.1');
  });

  it('anonymous tracking and search: one budget per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await fetch(`${t.base}/api/v1/public/dossiers/000.00.00.G12-260101-${String(i).padStart(4, '0')}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Search and the tracking page draw on the same budget: a client cannot multiply it by switching.
    expect((await fetch(`${t.base}/api/v1/procedures?q=ruou`)).status).toBe(429);
    expect((await fetch(`${t.base}/tra-cuu?ma=x`, { headers: { accept: 'text/html' } })).status).toBe(429);
    // Someone signed in is counted apart from the address they share.
    expect((await api(t, 'GET', '/api/v1/procedures?q=ruou', { token: officer })).status).toBe(200);
  });
});

describe('behind a trusted proxy', () => {
  let p: TestApp;
  beforeAll(async () => {
    p = await startTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1', RATE_LIMIT_SIGN_IN: '3' } });
  });
  afterAll(() => p?.close());

  it('the client address comes from the proxy’s X-Forwarded-For: audited, and each client has its own limit', async () => {
    const at = (ip: string, username: string) =>
      fetch(`${p.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ username, password: 'wrong-password' }),
      });
    for (let i = 0; i < 3; i++) expect((await at('198.51.100.7', `proxy.a.${i}`)).status).toBe(401);
    expect((await at('198.51.100.7', 'proxy.a.3')).status).toBe(429);
    expect((await at('198.51.100.8', 'proxy.b.0')).status).toBe(401);
    const rows = await p.ctx.database.db.selectFrom('audit_log').select('data').where('target', '=', 'staff:proxy.b.0').execute();
    expect((rows[0].data as { ip: string }).ip).toBe('198.51.100.8');
  });
});

describe('cookies and CSRF', () => {
  it('over https the cookies are __Host- prefixed, Secure, host-only, for the whole site', async () => {
    const port = await freePort();
    const ctx: Ctx = { ...t.ctx, config: { ...t.ctx.config, publicUrl: `https://congso.example.vn`, http: { ...t.ctx.config.http, secureCookies: true } } };
    const app = await buildApp(ctx);
    await app.listen({ port, host: '127.0.0.1' });
    // Rate-limit counts are in the database, shared by every app on it (as by a cluster's nodes): the sign-in limit was used up above.
    await sql`delete from rate_limit_windows`.execute(t.ctx.database.db);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/can-bo/dang-nhap`, { headers: { accept: 'text/html' } });
      const set = r.headers.getSetCookie().find((c) => c.includes('congso_csrf'))!;
      expect(set).toMatch(/^__Host-congso_csrf=/);
      expect(set).toMatch(/; Secure/i);
      expect(set).toMatch(/; Path=\//i);
      expect(set).not.toMatch(/Domain=/i);
      // The unprefixed cookie a sibling site could plant is not read.
      const pair = csrfPair(t);
      const planted = await fetch(`http://127.0.0.1:${port}/can-bo/dang-nhap`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pair.cookie },
        body: `_csrf=${pair.token}&username=a&password=b`,
        redirect: 'manual',
      });
      expect(planted.status).toBe(403);
    } finally {
      await app.close();
    }
  });

  it('a CSRF token is bound to the session: one from before sign-in, or from another session, is refused', async () => {
    const a = await t.ctx.sessions.create({ kind: 'citizen', id: '00000000-0000-4000-8000-00000000c001', name: 'A', identifier: null, citizenKind: 'citizen' });
    const b = await t.ctx.sessions.create({ kind: 'citizen', id: '00000000-0000-4000-8000-00000000c002', name: 'B', identifier: null, citizenKind: 'citizen' });
    const post = (session: string, token: string) =>
      fetch(`${t.base}/dang-xuat`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${csrfPair(t).cookie}; congso_sid=${session}`, accept: 'application/json' },
        body: `_csrf=${token}`,
        redirect: 'manual',
      });
    expect((await post(a.id, csrfPair(t).token)).status).toBe(403);
    expect((await post(a.id, csrfPair(t, b.id).token)).status).toBe(403);
    expect((await post(a.id, csrfPair(t, a.id).token)).status).toBe(303);
  });
});

describe('caching and metrics', () => {
  it('JSON and pages for someone signed in say no-store', async () => {
    const token = officer;
    for (const url of ['/api/v1/me', '/api/v1/dossiers?queue=mine', '/api/v1/procedures?q=ruou']) {
      const r = await api(t, 'GET', url, { token });
      expect(r.headers.get('cache-control'), url).toBe('no-store');
    }
    const s = await t.ctx.sessions.create({ kind: 'citizen', id: '00000000-0000-4000-8000-00000000c003', name: 'C', identifier: null, citizenKind: 'citizen' });
    const mine = await fetch(`${t.base}/ho-so-cua-toi`, { headers: { cookie: `congso_sid=${s.id}`, accept: 'text/html' } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toBe('no-store');
    // Static assets stay cacheable.
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(await (await fetch(`${t.base}/`)).text())![1];
    expect((await fetch(`${t.base}${css}`)).headers.get('cache-control')).not.toBe('no-store');
  });

  it('/metrics needs its token in production', async () => {
    const port = await freePort();
    const metricsToken = 'm'.repeat(32);
    const ctx: Ctx = { ...t.ctx, config: { ...t.ctx.config, mode: 'production', http: { ...t.ctx.config.http, metricsToken } } };
    const app = await buildApp(ctx);
    await app.listen({ port, host: '127.0.0.1' });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${'n'.repeat(32)}` } })).status).toBe(401);
      const ok = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('http_request_duration_seconds');
    } finally {
      await app.close();
    }
    // In demo mode it stays open for the local operator.
    expect((await fetch(`${t.base}/metrics`)).status).toBe(200);
  });
});

describe('slow bodies and odd parameters', () => {
  let s: TestApp;
  beforeAll(async () => {
    s = await startTestApp({ demo: false, env: { REQUEST_TIMEOUT_SECONDS: '2' } });
  });
  afterAll(() => s?.close());

  it('a body trickled byte by byte is cut off with 408 before it is complete', async () => {
    const { port } = new URL(s.base);
    const body = JSON.stringify({ username: 'x', password: 'y'.repeat(400) });
    const answer = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port: Number(port) });
      let sent = 0;
      let got = '';
      const timer = setInterval(() => {
        if (sent < body.length && !sock.destroyed) sock.write(body[sent++]);
      }, 100);
      sock.on('data', (c: Buffer) => (got += c.toString('latin1')));
      sock.on('close', () => {
        clearInterval(timer);
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0), sentBytes: sent });
      });
      sock.on('error', (e) => (got ? undefined : reject(e)));
      sock.write(`POST /api/v1/auth/login HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
    });
    expect(answer.status).toBe(408);
    expect(answer.sentBytes).toBeLessThan(body.length);
  }, 600_000);

  it('a sign-in `next` holding a control character is not followed, and is no error', async () => {
    const page = await fetch(`${s.base}/can-bo/dang-nhap?next=/%01x`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="next" value="/can-bo"');
    const sso = await fetch(`${s.base}/dang-nhap?next=/%0d%0aSet-Cookie:x=1`, { headers: { accept: 'text/html' } });
    expect(sso.status).toBe(200);
  });
});
