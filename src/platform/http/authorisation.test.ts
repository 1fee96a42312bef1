import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROLE_LIST, SERVICE_SCOPES, type Grant } from '../auth/roles.ts';
import { api, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { POLICY, policyAllows, policyDifferences } from '../../../test/security/policy.ts';

/**
 * Walks the whole route table against the hand-written policy (`test/security/policy.ts`), not
 * against the routes' own `config.access`: every route is in the policy with the same access;
 * every operation in the OpenAPI document lists the policy's roles as its security, answers 401
 * without credentials and 403 to every grant the policy does not list; every page route
 * likewise (a sign-in redirect instead of 401 for a browser GET).
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
  it('every route is in the policy with the access the policy gives it, and the policy names no route that is gone', () => {
    const differences = policyDifferences(t.app.routeTable);
    expect(differences, `routes and policy disagree:\n${differences.join('\n')}`).toEqual([]);
  });

  it('every OpenAPI operation states and enforces the roles of the policy', async () => {
    const doc = (await api<{ paths: Record<string, Record<string, { security?: { bearerAuth?: string[] }[] }>> }>(t, 'GET', '/api/openapi.json')).body;
    let checked = 0;
    let protectedOps = 0;
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`;
        documented.add(key);
        const roles = op.security?.find((s) => s.bearerAuth)?.bearerAuth;
        const rule = POLICY[key];
        expect(rule, `${key} (OpenAPI) is in the policy`).toBeDefined();
        if (!roles) {
          expect(rule!.who, `${key} has no security in the OpenAPI document, so it must be public in the policy`).toBe('public');
          continue;
        }
        protectedOps++;
        expect(rule!.who, `${key} has security in the OpenAPI document, so the policy must not call it public`).not.toBe('public');
        expect([...roles].sort(), `${key}: the OpenAPI security lists the policy's roles`).toEqual([...rule!.who].sort());
        const url = fill(p);
        const anon = await api(t, method.toUpperCase(), url, { body: method === 'get' ? undefined : {} });
        expect(anon.status, `${key} anonymous`).toBe(401);
        for (const g of GRANTS) {
          const r = await api(t, method.toUpperCase(), url, { token: tokens.get(g), body: method === 'get' ? undefined : {} });
          checked++;
          if (policyAllows(rule!.who, g)) expect([401, 403], `${key} as ${g}: the policy lets ${g} in`).not.toContain(r.status);
          else expect(r.status, `${key} as ${g}: the policy does not let ${g} in`).toBe(403);
        }
      }
    }
    // Every protected API route documents who may call it.
    const undocumented = Object.entries(POLICY)
      .filter(([k, rule]) => rule.who !== 'public' && / \/api\/v1\//.test(k) && !documented.has(k))
      .map(([k]) => k);
    expect(undocumented, 'protected API routes missing from the OpenAPI document').toEqual([]);
    expect(protectedOps).toBeGreaterThan(5);
    console.info(`authorisation: ${protectedOps} protected operations × ${GRANTS.length} grants = ${checked} checks`);
  });

  it('every page route enforces its roles', async () => {
    const pages = t.app.routeTable.filter(
      (r) => !r.url.startsWith('/api/') && POLICY[`${r.method} ${r.url}`] && POLICY[`${r.method} ${r.url}`].who !== 'public',
    );
    expect(pages.length).toBeGreaterThan(5);
    for (const r of pages) {
      const url = fill(r.url);
      const anon = await fetch(`${t.base}${url}`, { method: r.method, redirect: 'manual', headers: { accept: 'text/html' } });
      if (r.method === 'GET') {
        expect(anon.status, `${r.method} ${r.url}`).toBe(302);
        expect(anon.headers.get('location')).toMatch(/dang-nhap\?next=/);
      } else expect([401, 403], `${r.method} ${r.url} anonymous`).toContain(anon.status);
      for (const g of GRANTS) {
        const res = await fetch(`${t.base}${url}`, {
          method: r.method,
          redirect: 'manual',
          headers: { authorization: `Bearer ${tokens.get(g)}`, 'content-type': 'application/json' },
          body: r.method === 'GET' ? undefined : '{}',
        });
        const who = POLICY[`${r.method} ${r.url}`].who;
        if (!policyAllows(who, g)) expect(res.status, `${r.method} ${r.url} as ${g}: the policy does not let ${g} in`).toBe(403);
        else expect([401, 403], `${r.method} ${r.url} as ${g}: the policy lets ${g} in`).not.toContain(res.status);
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
