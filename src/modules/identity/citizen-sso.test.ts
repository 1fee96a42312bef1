import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { registerVneidSimulator, type SimCitizen, type VneidFaults } from '../../simulators/vneid/provider.ts';
import { SSO_CALLBACK } from './citizen-sso.ts';
import { createStaff } from '../organisation/create-staff.ts';
import { createUnit } from '../organisation/create-unit.ts';
import { CookieBrowser as Browser } from '../../../test/cookie-browser.ts';

/**
 * The portal as an OpenID Connect client of the national SSO, attacked at its callback. The
 * VNeID simulator runs as a separate provider (OIDC_ISSUER points at it, as at the real one),
 * so a test can make it misbehave. Every refusal must leave the browser signed in as nobody
 * and write `auth.sso.failed` to the audit trail.
 */

const CITIZENS = JSON.parse(readFileSync(new URL('../../../demo/citizens.json', import.meta.url), 'utf8')) as SimCitizen[];
const [MINH, HA] = CITIZENS;
const CLIENT = { id: 'congso-portal-test', secret: 'sso-test-client-secret-0123456789abcdef' };

let t: TestApp;
let server: Server;
let provider: FastifyInstance;
const faults: VneidFaults = {};

beforeAll(async () => {
  // The issuer's URL must be known before the app starts, the app's callback before the
  // provider registers its client: bind the provider's port first, add its routes after.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  server = createServer((req, res) => handle!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sso`;
  t = await startTestApp({ demo: false, env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT.id, OIDC_CLIENT_SECRET: CLIENT.secret } });
  expect(t.config.oidc.simulator).toBe(false);
  provider = Fastify({
    serverFactory: (h) => {
      handle = h;
      return server;
    },
  });
  await registerVneidSimulator(provider, {
    issuer,
    clients: [{ clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: [`${t.base}${SSO_CALLBACK}`], postLogoutRedirectUris: [`${t.base}/`] }],
    citizens: CITIZENS,
    cookieKeys: ['sso-test-cookie-key-0123456789abcdef'],
    faults,
  });
  await provider.ready();
});

afterAll(async () => {
  await provider?.close();
  if (server?.listening) await new Promise((resolve) => server.close(resolve));
  await t?.close();
});

afterEach(() => {
  delete faults.authorizationRequest;
});

const isCallback = (u: URL) => u.origin === t.base && u.pathname === SSO_CALLBACK;

/**
 * Starts a sign-in at the portal and signs in at the provider, holding back the provider's
 * redirect to the portal's callback: the test decides what reaches it.
 */
async function authorise(b: Browser, who: SimCitizen, next = '/ho-so-cua-toi'): Promise<URL> {
  const page = await b.go('GET', `${t.base}/dang-nhap/vneid?next=${encodeURIComponent(next)}`);
  expect(new URL(page.url).pathname).toMatch(/^\/sso\/interaction\//);
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&'), page.url).href;
  const back = await b.go(
    'POST',
    action,
    { body: new URLSearchParams({ username: who.username, password: who.password }), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    isCallback,
  );
  expect(back.held, 'the provider redirects to the callback').toBeDefined();
  return new URL(back.held!);
}

/** Who the portal thinks this browser is: the name on "Hồ sơ của tôi", or null when it asks to sign in. */
async function signedInAs(b: Browser): Promise<string | null> {
  const r = await b.send('GET', `${t.base}/ho-so-cua-toi`);
  if (r.status !== 200) return null;
  return CITIZENS.find((c) => r.text.includes(c.name))?.name ?? 'someone';
}

async function failures(): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'auth.sso.failed'`.execute(t.ctx.database.db);
  return r.rows[0].n;
}

const errorCode = (text: string) => (JSON.parse(text) as { error: { code: string } }).error.code;

/** The callback is refused: 401 SSO_SIGN_IN_FAILED, nobody signed in, the failure audited. */
async function expectRefused(b: Browser, callback: URL | string, before: number) {
  const r = await b.send('GET', typeof callback === 'string' ? callback : callback.href);
  expect([r.status, errorCode(r.text)], r.text.slice(0, 300)).toEqual([401, 'SSO_SIGN_IN_FAILED']);
  expect(await signedInAs(b)).toBeNull();
  expect(await failures()).toBe(before + 1);
}

describe('signing in with the national SSO', () => {
  it('an untouched callback signs the citizen in and goes on to the page asked for', async () => {
    const b = new Browser();
    const callback = await authorise(b, MINH, '/ho-so-cua-toi?trang=2');
    const r = await b.send('GET', callback.href);
    expect(r.status).toBe(302);
    expect(r.location).toBe('/ho-so-cua-toi?trang=2');
    expect(await signedInAs(b)).toBe(MINH.name);
  });

  it('refuses a callback whose state is not the one this browser sent', async () => {
    const b = new Browser();
    const callback = await authorise(b, MINH);
    const before = await failures();
    const forged = new URL(callback);
    forged.searchParams.set('state', oidc.randomState());
    await expectRefused(b, forged, before);
    const missing = new URL(callback);
    missing.searchParams.delete('state');
    await expectRefused(b, missing, before + 1);
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    faults.authorizationRequest = (q) => {
      if (q.has('nonce')) q.set('nonce', oidc.randomNonce());
    };
    const b = new Browser();
    const callback = await authorise(b, MINH);
    await expectRefused(b, callback, await failures());
  });

  it('refuses the code when the PKCE verifier sent with it is not the one its challenge was made from', async () => {
    const b = new Browser();
    const callback = await authorise(b, MINH);
    // The same attempt (state and nonce match), but the verifier kept for it is another one:
    // what a code injected into another attempt presents at the token endpoint.
    const idHash = createHash('sha256').update(b.sessionId()!).digest('hex');
    const row = await t.ctx.database.db.selectFrom('sessions').select('data').where('id_hash', '=', idHash).executeTakeFirstOrThrow();
    const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as { oidc: { verifier: string } };
    data.oidc.verifier = oidc.randomPKCECodeVerifier();
    await t.ctx.database.db
      .updateTable('sessions')
      .set({ data: JSON.stringify(data) })
      .where('id_hash', '=', idHash)
      .execute();
    await expectRefused(b, callback, await failures());
  });

  it('a code stolen from one citizen and taken to another browser signs nobody in there', async () => {
    const victim = new Browser();
    const stolen = await authorise(victim, MINH);
    // The attacker starts an attempt of their own and sends the victim's code with their own state.
    const attacker = new Browser();
    const own = await authorise(attacker, HA);
    const injected = new URL(stolen);
    injected.searchParams.set('state', own.searchParams.get('state')!);
    await expectRefused(attacker, injected, await failures());
  });

  it('a callback reaching a browser with no sign-in under way asks to start again', async () => {
    const b = new Browser();
    const callback = await authorise(b, MINH);
    const elsewhere = new Browser();
    const r = await elsewhere.send('GET', callback.href);
    expect([r.status, errorCode(r.text)]).toEqual([400, 'SSO_ATTEMPT_EXPIRED']);
    expect(await signedInAs(elsewhere)).toBeNull();
  });

  it('a browser signed in as an official is told to sign out first, and stays signed in', async () => {
    // This app has no demo data: the official is created here.
    await createUnit(t.ctx, { id: '000.99.00.G12', parentId: null, kind: 'ministry', name: 'Bộ Thử nghiệm' }, 'test');
    await createStaff(
      t.ctx,
      { username: 'canbo.sso', fullName: 'Đỗ Văn Cán', password: 'mat-khau-dai-10', roles: [{ role: 'specialist', unitId: '000.99.00.G12' }] },
      'test',
    );
    const b = new Browser();
    const form = await b.send('GET', `${t.base}/can-bo/dang-nhap`, { headers: { accept: 'text/html' } });
    const signIn = await b.send('POST', `${t.base}/can-bo/dang-nhap`, {
      body: new URLSearchParams({ _csrf: Browser.csrf(form.text), username: 'canbo.sso', password: 'mat-khau-dai-10', next: '/can-bo' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([signIn.status, signIn.location], signIn.text.slice(0, 300)).toEqual([302, '/can-bo']);
    const r = await b.send('GET', `${t.base}/dang-nhap/vneid`);
    expect([r.status, errorCode(r.text)]).toEqual([409, 'SIGNED_IN_AS_OFFICIAL']);
    expect((await b.send('GET', `${t.base}/can-bo`, { headers: { accept: 'text/html' } })).status).toBe(200);
  });

  it('refuses a code used once already, even by the attempt it was issued to', async () => {
    const b = new Browser();
    const callback = await authorise(b, MINH);
    // The attempt as it stood before the callback, put back afterwards: only the provider's
    // one-time codes stand between a replayed callback and a second session.
    const idHash = createHash('sha256').update(b.sessionId()!).digest('hex');
    const attempt = await t.ctx.database.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirstOrThrow();
    const replay = new Browser();
    replay.jar = new Map(b.jar);
    expect((await b.send('GET', callback.href)).status).toBe(302);
    expect(await signedInAs(b)).toBe(MINH.name);
    await t.ctx.database.db
      .insertInto('sessions')
      .values({ ...attempt, data: JSON.stringify(attempt.data), principal: attempt.principal === null ? null : JSON.stringify(attempt.principal) })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await expectRefused(replay, callback, await failures());
  });
});
