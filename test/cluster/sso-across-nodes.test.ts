/**
 * The citizen's sign-in through the VNeID simulator on two nodes (issue 17): the provider's
 * state and signing key are in the database, so the sign-in started and the code issued on one
 * node are completed on the other, and both publish the key that signed the ID token.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSO_CALLBACK } from '../../src/modules/identity/citizen-sso.ts';
import type { SimCitizen } from '../../src/simulators/vneid/provider.ts';
import { CookieBrowser as Browser } from '../cookie-browser.ts';
import { startCluster, type Cluster } from './nodes.ts';

const [MINH] = JSON.parse(readFileSync(new URL('../../demo/citizens.json', import.meta.url), 'utf8')) as SimCitizen[];

let c: Cluster;
/** Which node served each path, in order. */
const served: [0 | 1, string][] = [];
let routeTo: (path: string) => 0 | 1 = () => 0;
beforeAll(async () => {
  c = await startCluster();
  c.route = (req) => {
    const path = (req.url ?? '').split('?')[0];
    const n = routeTo(path);
    served.push([n, path]);
    return n;
  };
});
afterAll(() => c?.close());

describe('signing in with the SSO on two nodes', () => {
  it('the authorization on node A, the callback and token exchange on node B: the citizen is signed in', async () => {
    const b = new Browser();
    const page = await b.go('GET', `${c.front}/dang-nhap/vneid?next=${encodeURIComponent('/ho-so-cua-toi')}`);
    expect(new URL(page.url).pathname).toMatch(/^\/sso\/interaction\//);
    const action = new URL(/<form method="post" action="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&'), page.url).href;
    const back = await b.go(
      'POST',
      action,
      { body: new URLSearchParams({ username: MINH.username, password: MINH.password }), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (u) => u.pathname === SSO_CALLBACK,
    );
    expect(back.held, 'the provider redirects to the callback with a code').toMatch(/[?&]code=/);
    expect(served.every(([n]) => n === 0)).toBe(true);
    // From here on node B.
    routeTo = () => 1;
    const from = served.length;
    const r = await b.send('GET', back.held!);
    expect(r.status, r.text.slice(0, 300)).toBe(302);
    expect(r.location).toBe('/ho-so-cua-toi');
    const during = served.slice(from).map(([n, p]) => `${n} ${p}`);
    // Node B's relying party redeemed on node B's provider the code node A's provider issued.
    expect(during).toContain(`1 ${SSO_CALLBACK}`);
    expect(during).toContain('1 /sso/token');
    const mine = await b.send('GET', `${c.front}/ho-so-cua-toi`);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain(MINH.name);
  });

  it('both nodes publish the same signing key, whichever signed an ID token', async () => {
    const keys = await Promise.all(c.nodes.map(async (n) => (await (await fetch(`${n.base}/sso/jwks`)).json()) as { keys: { kid: string; n: string }[] }));
    expect(keys[0].keys.length).toBe(1);
    expect(keys[1]).toEqual(keys[0]);
  });
});
