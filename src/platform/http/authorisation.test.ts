import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROLE_LIST, SERVICE_SCOPES, allows, type Grant } from '../auth/roles.ts';
import { api, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';

/**
 * Walks the whole route table. Every protected operation in the OpenAPI document must answer
 * 401 without credentials and 403 to every role it does not list; every page route likewise
 * (a sign-in redirect instead of 401 for a browser GET).
 */
const GRANTS: Grant[] = [...STAFF_ROLE_LIST, 'citizen', ...(Object.keys(SERVICE_SCOPES).map((s) => `scope:${s}`) as Grant[])];
const fill = (url: string) => url.replace(/\{[^}]+\}|:[A-Za-z]+/g, 'x-1');

let t: TestApp;
const tokens = new Map<Grant, string>();
beforeAll(async () => {
  t = await startTestApp({ demo: false });
  for (const g of GRANTS) tokens.set(g, await tokenFor(t, g as never));
});
afterAll(() => t?.close());

describe('route table authorisation', () => {
  it('every OpenAPI operation enforces its roles', async () => {
    const doc = (await api<{ paths: Record<string, Record<string, { security?: { bearerAuth?: string[] }[] }>> }>(t, 'GET', '/api/openapi.json')).body;
    let checked = 0;
    let protectedOps = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const roles = op.security?.find((s) => s.bearerAuth)?.bearerAuth;
        const entry = t.app.routeTable.find((r) => r.method === method.toUpperCase() && fill(r.url) === fill(p));
        expect(entry, `${method} ${p} is in the route table`).toBeDefined();
        if (!roles) {
          expect(entry!.access, `${method} ${p} without security must be public`).toBe('public');
          continue;
        }
        protectedOps++;
        expect([...roles].sort()).toEqual([...(entry!.access as Grant[])].sort());
        const url = fill(p);
        const anon = await api(t, method.toUpperCase(), url, { body: method === 'get' ? undefined : {} });
        expect(anon.status, `${method} ${p} anonymous`).toBe(401);
        for (const g of GRANTS) {
          const r = await api(t, method.toUpperCase(), url, { token: tokens.get(g), body: method === 'get' ? undefined : {} });
          checked++;
          if (allows(entry!.access, principalOf(g))) expect([401, 403], `${method} ${p} as ${g} is allowed`).not.toContain(r.status);
          else expect(r.status, `${method} ${p} as ${g}`).toBe(403);
        }
      }
    }
    expect(protectedOps).toBeGreaterThan(5);
    console.info(`authorisation: ${protectedOps} protected operations × ${GRANTS.length} grants = ${checked} checks`);
  });

  it('every page route enforces its roles', async () => {
    const pages = t.app.routeTable.filter((r) => !r.url.startsWith('/api/') && r.access !== 'public');
    expect(pages.length).toBeGreaterThan(5);
    for (const r of pages) {
      const url = fill(r.url);
      const anon = await fetch(`${t.base}${url}`, { method: r.method, redirect: 'manual', headers: { accept: 'text/html' } });
      if (r.method === 'GET') {
        expect(anon.status, `${r.method} ${r.url}`).toBe(302);
        expect(anon.headers.get('location')).toMatch(/dang-nhap\?next=/);
      } else expect([401, 403], `${r.method} ${r.url} anonymous`).toContain(anon.status);
      for (const g of GRANTS) {
        const res = await fetch(`${t.base}${url}`, { method: r.method, redirect: 'manual', headers: { authorization: `Bearer ${tokens.get(g)}`, 'content-type': 'application/json' }, body: r.method === 'GET' ? undefined : '{}' });
        if (!allows(r.access, principalOf(g))) expect(res.status, `${r.method} ${r.url} as ${g}`).toBe(403);
        else expect([401, 403], `${r.method} ${r.url} as ${g}`).not.toContain(res.status);
      }
    }
  });

  it('a tampered or expired token is refused', async () => {
    const good = tokens.get('auditor')!;
    const bad = good.slice(0, -3) + (good.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await api(t, 'GET', '/api/v1/audit/verify', { token: bad })).status).toBe(401);
    const expired = await t.ctx.tokens.issue(principalOf('auditor'), -10);
    expect((await api(t, 'GET', '/api/v1/audit/verify', { token: expired })).status).toBe(401);
    expect((await api(t, 'GET', '/api/v1/audit/verify', { token: good })).status).toBe(200);
  });
});

function principalOf(g: Grant) {
  if (g === 'citizen') return { kind: 'citizen' as const, id: 'x', name: 'x', identifier: null, citizenKind: 'citizen' as const };
  if (g.startsWith('scope:')) return { kind: 'service' as const, clientId: 'x', name: 'x', scopes: [g.slice(6)] };
  return { kind: 'staff' as const, id: 'x', username: 'x', name: 'x', roles: [{ role: g as (typeof STAFF_ROLE_LIST)[number], unitId: 'x' }] };
}
