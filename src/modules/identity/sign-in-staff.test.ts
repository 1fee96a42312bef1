import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecretsIn } from '../../platform/config.ts';
import { totpCode } from '../../platform/auth/totp.ts';
import { api, DEMO_TOTP, nextOtp, startTestApp, type TestApp } from '../../../test/helpers.ts';

type Err = { error: { code: string; message: string; messageEn: string } };
type Tok = { accessToken: string; tokenType: string; expiresIn: number };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const signIn = (body: unknown) => api<Tok & Err>(t, 'POST', '/api/v1/auth/login', { body });

describe('official sign-in', () => {
  it('an administrator needs the TOTP code; with it gets a bearer token that names their roles', async () => {
    const noCode = await signIn({ username: 'admin', password: 'congso-demo' });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe('OTP_REQUIRED');
    const wrong = await signIn({ username: 'admin', password: 'congso-demo', otp: '000000' === totpCode(DEMO_TOTP.admin) ? '111111' : '000000' });
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const ok = await signIn({ username: 'ADMIN ', password: 'congso-demo', otp: nextOtp(t, 'admin') });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const me = await api<{ kind: string; username: string; roles: { role: string }[] }>(t, 'GET', '/api/v1/me', { token: ok.body.accessToken });
    expect(me.body).toMatchObject({ kind: 'staff', username: 'admin' });
    expect(me.body.roles.map((r) => r.role)).toContain('administrator');
  });

  it('a TOTP code works once', async () => {
    const code = nextOtp(t, 'ky');
    expect((await signIn({ username: 'ky', password: 'congso-demo', otp: code })).status).toBe(200);
    const replay = await signIn({ username: 'ky', password: 'congso-demo', otp: code });
    expect(replay.status).toBe(401);
  });

  it('a unit leader without a second factor signs in with the password alone', async () => {
    expect((await signIn({ username: 'lanhdao', password: 'congso-demo' })).status).toBe(200);
  });

  it('an unknown user and a wrong password get the same answer', async () => {
    const a = await signIn({ username: 'nobody', password: 'congso-demo' });
    const b = await signIn({ username: 'chuyenvien', password: 'wrong-password' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body).toEqual(b.body);
  });

  it('five failures lock the account, even for the right password afterwards', async () => {
    for (let i = 0; i < 4; i++) expect((await signIn({ username: 'tiepnhan', password: `wrong-${i}` })).status).toBe(401);
    const fifth = await signIn({ username: 'tiepnhan', password: 'wrong-5' });
    expect(fifth.status).toBe(423);
    expect(fifth.body.error.code).toBe('ACCOUNT_LOCKED');
    const right = await signIn({ username: 'tiepnhan', password: 'congso-demo' });
    expect(right.status).toBe(423);
    const rows = await t.ctx.database.db.selectFrom('audit_log').select('action').where('actor', '=', 'staff:tiepnhan').execute();
    expect(rows.map((r) => r.action)).toContain('auth.lockout');
  });

  it('malformed bodies are refused with a field path', async () => {
    const r = await api<{ error: { details: { path: string }[] } }>(t, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'x', otp: '12ab56' } });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe('body.otp');
    expect((await api(t, 'POST', '/api/v1/auth/login', { body: '{"username":' })).status).toBe(400);
  });
});

describe('client-credentials grant for integrating systems', () => {
  const secret = () => demoSecretsIn(t.dataDir).serviceAccount;

  it('the national portal gets a token with its scopes (form body, Basic auth)', async () => {
    const r = await fetch(`${t.base}/api/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`dvcqg:${secret()}`).toString('base64')}` },
      body: 'grant_type=client_credentials&scope=dossiers%3Awrite',
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { access_token: string; scope: string; token_type: string };
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'dossiers:write' });
    const me = await api<{ kind: string; clientId: string; scopes: string[] }>(t, 'GET', '/api/v1/me', { token: body.access_token });
    expect(me.body).toEqual({ kind: 'service', clientId: 'dvcqg', name: 'Cổng Dịch vụ công quốc gia', scopes: ['dossiers:write'] });
  });

  it('JSON body credentials work; a wrong secret, unknown grant or unheld scope is refused', async () => {
    expect((await api(t, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: secret() } })).status).toBe(200);
    expect((await api(t, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: 'nope' } })).status).toBe(401);
    expect((await api(t, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'password', client_id: 'dvcqg', client_secret: secret() } })).status).toBe(400);
    expect((await api(t, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: secret(), scope: 'admin' } })).status).toBe(403);
  });

  it('a service token cannot reach staff routes', async () => {
    const r = await api<{ access_token: string }>(t, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: secret() } });
    expect((await api(t, 'GET', '/api/v1/staff', { token: r.body.access_token })).status).toBe(403);
  });
});

