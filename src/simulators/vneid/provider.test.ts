import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVneidSimulator, type SimCitizen, type SimClient } from './provider.ts';
import { describeWithTool, findTool } from '../../../test/tools.ts';

const REDIRECT_URI = 'http://localhost:4000/auth/callback';
const POST_LOGOUT_URI = 'http://localhost:4000/';
const CLIENT: SimClient = {
  clientId: 'congso-test',
  clientSecret: 'test-secret-0123456789abcdef0123456789',
  redirectUris: [REDIRECT_URI],
  postLogoutRedirectUris: [POST_LOGOUT_URI],
};
const CITIZEN: SimCitizen = {
  sub: 'c-001',
  kind: 'citizen',
  username: '001085012345',
  password: 'matkhau-1',
  name: 'Nguyễn Văn An',
  identifier: '001085012345',
  birthdate: '1985-03-12',
  gender: 'male',
  phone: '+84912345678',
  email: 'an.nguyen@example.vn',
  address: 'Số 1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội',
};
const BUSINESS: SimCitizen = {
  sub: 'b-001',
  kind: 'business',
  username: '0101234567',
  password: 'doanhnghiep-1',
  name: 'Công ty TNHH Ánh Sao <Demo>',
  identifier: '0101234567',
  email: 'lienhe@anhsao.example.vn',
  address: '25 Lý Thường Kiệt, Hà Nội',
  representative: 'Trần Thị Bình',
};
const SCOPE = 'openid profile email phone vneid';

let app: FastifyInstance;
let server: Server;
let origin: string;
let issuer: string;

/**
 * The issuer must contain the port, which is only known once the server listens on port 0, while
 * Fastify fixes its routes before it serves. So the Node server is created and bound to port 0
 * first and handed to Fastify through `serverFactory`; then routes are added and the app made ready.
 */
beforeAll(async () => {
  let fastifyHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  server = createServer((req, res) => fastifyHandler!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${origin}/sso`;

  app = Fastify({
    serverFactory: (h) => {
      fastifyHandler = h;
      return server;
    },
  });
  // The app's own routes, with Fastify's default JSON parser: the simulator must not disturb them.
  app.get('/hello', async () => ({ hello: 'world' }));
  app.post('/echo', async (req) => ({ echoed: req.body }));
  await registerVneidSimulator(app, {
    issuer,
    clients: [CLIENT],
    citizens: [CITIZEN, BUSINESS],
    cookieKeys: ['test-cookie-key-1-abcdefghijklmnopqrstuvwxyz', 'test-cookie-key-0'],
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  if (server?.listening) await new Promise((resolve) => server.close(resolve));
});

/** Minimal cookie jar + manual redirect handling, like a browser but by hand. */
class Browser {
  jar = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    headers.set('accept', 'text/html');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects until one points at `stopAt` (returned, not fetched) or a non-redirect response. */
  async follow(res: Response, from: string, stopAt: string): Promise<{ res: Response; url: string }> {
    let url = from;
    for (let i = 0; i < 10; i++) {
      if (res.status < 300 || res.status >= 400) return { res, url };
      const next = new URL(res.headers.get('location')!, url).href;
      if (next.startsWith(stopAt)) return { res, url: next };
      url = next;
      res = await this.fetch(url);
    }
    throw new Error('too many redirects');
  }

  postForm(url: string, form: Record<string, string>): Promise<Response> {
    return this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }
}

function formAction(html: string, id?: string): string {
  const re = id ? new RegExp(`<form[^>]*id="${id.replace('.', '\\.')}"[^>]*>`) : /<form[^>]*method="post"[^>]*>/;
  const tag = re.exec(html)?.[0] ?? '';
  return /action="([^"]+)"/.exec(tag)?.[1].replace(/&amp;/g, '&') ?? '';
}

async function discover(auth?: client.ClientAuth) {
  return client.discovery(new URL(issuer), CLIENT.clientId, CLIENT.clientSecret, auth, { execute: [client.allowInsecureRequests] });
}

async function startLogin(browser: Browser, config: client.Configuration, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  const first = await browser.fetch(authUrl.href);
  const { res, url } = await browser.follow(first, authUrl.href, REDIRECT_URI);
  return { verifier, state, res, url };
}

async function login(browser: Browser, config: client.Configuration, who: SimCitizen) {
  const nonce = client.randomNonce();
  const { verifier, state, res, url } = await startLogin(browser, config, { nonce });
  expect(res.status).toBe(200);
  const html = await res.text();
  const posted = await browser.postForm(new URL(formAction(html), url).href, { username: who.username, password: who.password });
  const { url: callback } = await browser.follow(posted, url, REDIRECT_URI);
  expect(callback.startsWith(REDIRECT_URI)).toBe(true);
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  expect(tokens.claims()!.nonce).toBe(nonce);
  return tokens;
}

describe('VNeID simulator', () => {
  it('publishes discovery and JWKS under the issuer', async () => {
    const config = await discover();
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(issuer);
    expect(meta.authorization_endpoint).toBe(`${issuer}/auth`);
    expect(meta.token_endpoint).toBe(`${issuer}/token`);
    expect(meta.end_session_endpoint).toBe(`${issuer}/session/end`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'phone', 'vneid']));
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['identifier', 'kind', 'representative', 'address']));
    const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('runs the full code + PKCE flow: login page, wrong password, login, tokens, userinfo, logout', async () => {
    const config = await discover();
    const browser = new Browser();
    const { verifier, state, res, url } = await startLogin(browser, config);

    expect(url).toMatch(new RegExp(`^${issuer}/interaction/[\\w-]+$`));
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain('<title>Đăng nhập bằng tài khoản định danh điện tử VNeID</title>');
    expect(page).toContain('MÔI TRƯỜNG MÔ PHỎNG / SIMULATOR');
    expect(page).toContain('<label for="username">');
    expect(page).toContain('<label for="password">');
    expect(page).toContain('Công ty TNHH Ánh Sao &lt;Demo&gt;'); // escaped demo account list
    expect(page).not.toContain('role="alert"');

    const action = new URL(formAction(page), url).href;
    const wrong = await browser.postForm(action, { username: CITIZEN.username, password: 'sai-mat-khau' });
    expect(wrong.status).toBe(200);
    const wrongPage = await wrong.text();
    expect(wrongPage).toContain('role="alert"');
    expect(wrongPage).toContain('mật khẩu không đúng');
    expect(wrongPage).toContain('password is incorrect');
    expect(wrongPage).toContain(`value="${CITIZEN.username}"`);

    const ok = await browser.postForm(action, { username: CITIZEN.username, password: CITIZEN.password });
    expect(ok.status).toBe(303);
    const { url: callback } = await browser.follow(ok, action, REDIRECT_URI);
    const cb = new URL(callback);
    expect(cb.searchParams.get('code')).toBeTruthy();
    expect(cb.searchParams.get('state')).toBe(state);
    expect(cb.searchParams.get('iss')).toBe(issuer);

    const tokens = await client.authorizationCodeGrant(config, cb, { pkceCodeVerifier: verifier, expectedState: state });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(CITIZEN.sub);
    expect(claims.iss).toBe(issuer);
    expect(claims.aud).toBe(CLIENT.clientId);
    expect(claims.name).toBe(CITIZEN.name);
    expect(claims.identifier).toBe(CITIZEN.identifier);
    expect(claims.kind).toBe('citizen');
    expect(claims.birthdate).toBe(CITIZEN.birthdate);
    expect(claims.address).toEqual({ formatted: CITIZEN.address });
    expect(tokens.expires_in).toBeGreaterThan(3500);

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({
      sub: CITIZEN.sub,
      name: CITIZEN.name,
      identifier: CITIZEN.identifier,
      kind: 'citizen',
      email: CITIZEN.email,
      email_verified: true,
      phone_number: CITIZEN.phone,
      gender: 'male',
      address: { formatted: CITIZEN.address },
    });
    expect(info.representative).toBeUndefined();

    // A second sign-in from the same browser is silent (SSO session + remembered grant).
    const again = await startLogin(browser, config);
    expect(again.url.startsWith(REDIRECT_URI)).toBe(true);
    expect(new URL(again.url).searchParams.get('code')).toBeTruthy();

    // RP-initiated logout.
    const endUrl = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye' });
    const confirm = await browser.fetch(endUrl.href);
    expect(confirm.status).toBe(200);
    const confirmPage = await confirm.text();
    expect(confirmPage).toContain('lang="vi"');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirmPage)?.[1];
    expect(xsrf).toBeTruthy();
    const done = await browser.postForm(new URL(formAction(confirmPage, 'op.logoutForm'), endUrl).href, { xsrf: xsrf!, logout: 'yes' });
    expect(done.status).toBe(303);
    const { url: afterLogout } = await browser.follow(done, endUrl.href, POST_LOGOUT_URI);
    expect(afterLogout).toBe(`${POST_LOGOUT_URI}?state=bye`);

    // After logout the login page is shown again.
    const fresh = await startLogin(browser, config);
    expect(fresh.res.status).toBe(200);
    expect(await fresh.res.text()).toContain('id="username"');
  });

  it('gives the business account kind=business (client_secret_basic)', async () => {
    const config = await discover(client.ClientSecretBasic(CLIENT.clientSecret));
    const tokens = await login(new Browser(), config, BUSINESS);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ sub: BUSINESS.sub, name: BUSINESS.name, identifier: BUSINESS.identifier, kind: 'business' });
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ kind: 'business', identifier: '0101234567', representative: 'Trần Thị Bình', email: BUSINESS.email });
  });

  it('refuses an unregistered redirect_uri without redirecting', async () => {
    const config = await discover();
    const browser = new Browser();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://evil.example/callback',
      scope: SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const res = await browser.fetch(url.href);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('redirect_uri');
    expect(html).toContain('lang="vi"');
  });

  it('requires PKCE', async () => {
    const config = await discover();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: SCOPE, state: 's1' });
    const res = await new Browser().fetch(url.href);
    expect(res.status).toBe(303);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
    expect(loc.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('rejects a wrong client secret at the token endpoint', async () => {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: CLIENT.clientId,
        client_secret: 'nope',
        redirect_uri: REDIRECT_URI,
        code_verifier: 'a'.repeat(43),
      }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });

  it("leaves the app's own routes and body parsers alone", async () => {
    const hello = await fetch(`${origin}/hello`);
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ hello: 'world' });

    const echo = await fetch(`${origin}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1, b: ['x'] }) });
    expect(echo.status).toBe(200);
    expect(await echo.json()).toEqual({ echoed: { a: 1, b: ['x'] } });

    const missing = await fetch(`${origin}/sso/nope`);
    expect(missing.status).toBe(404);
  });
});

// Accessibility of the login page in Chromium with axe-core (skipped without Chromium outside CI only).
describeWithTool('chromium', 'VNeID simulator login page accessibility', () => {
  it('has no serious or critical axe-core violations (initial and error state)', async () => {
    const { chromium } = await import('playwright-core');
    const axeSource = (await import('node:fs')).readFileSync(new URL(import.meta.resolve('axe-core/axe.min.js')), 'utf8');
    const browser = await chromium.launch({ executablePath: findTool('chromium'), args: ['--no-sandbox'] });
    try {
      const config = await discover();
      const page = await browser.newPage({ bypassCSP: true }); // lets axe be injected
      const authUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const check = async () => {
        await page.addScriptTag({ content: axeSource });
        const result = (await page.evaluate(() => (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as {
          violations: Array<{ id: string; impact: string; nodes: unknown[] }>;
        };
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      };
      await page.goto(authUrl.href);
      expect(await page.title()).toBe('Đăng nhập bằng tài khoản định danh điện tử VNeID');
      expect(await check()).toEqual([]);
      await page.fill('#username', CITIZEN.username);
      await page.fill('#password', 'wrong');
      await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
      await page.waitForSelector('[role=alert]');
      expect(await check()).toEqual([]);
      await page.setViewportSize({ width: 360, height: 740 });
      expect(await check()).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
