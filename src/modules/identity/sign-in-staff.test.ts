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
/** The audit entries about an account, after the mark (the last entry's id when the test began). */
const auditFor = (target: string, after = 0) =>
  t.ctx.database.db.selectFrom('audit_log').select(['action', 'data']).where('target', '=', target).where('id', '>', after).orderBy('id').execute() as Promise<
    { action: string; data: { reason?: string } | null }[]
  >;
const mark = async () =>
  Number(
    (
      await t.ctx.database.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('m'))
        .executeTakeFirstOrThrow()
    ).m ?? 0,
  );

describe('official sign-in', () => {
  it('an administrator needs the TOTP code; with it gets a bearer token that names their roles', async () => {
    const noCode = await signIn({ username: 'admin', password: 'congso-demo' });
    expect(noCode.status).toBe(401);
    // The right password without the code gets the answer a wrong password gets.
    expect(noCode.body.error.code).toBe('INVALID_CREDENTIALS');
    const wrong = await signIn({ username: 'admin', password: 'congso-demo', otp: '000000' === totpCode(DEMO_TOTP.admin) ? '111111' : '000000' });
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const ok = await signIn({ username: 'ADMIN ', password: 'congso-demo', otp: await nextOtp(t, 'admin') });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const me = await api<{ kind: string; username: string; roles: { role: string }[] }>(t, 'GET', '/api/v1/me', { token: ok.body.accessToken });
    expect(me.body).toMatchObject({ kind: 'staff', username: 'admin' });
    expect(me.body.roles.map((r) => r.role)).toContain('administrator');
  });

  it('a TOTP code works once', async () => {
    const code = await nextOtp(t, 'ky');
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
    const rows = await t.ctx.database.db.selectFrom('audit_log').select('action').where('target', '=', 'staff:tiepnhan').execute();
    expect(rows.map((r) => r.action)).toContain('auth.lockout');
    expect(rows.map((r) => r.action)).toContain('auth.login.locked');
  });

  it('31 parallel wrong passwords: five are evaluated, the rest refused as locked without a check', async () => {
    const replies = await Promise.all(Array.from({ length: 31 }, (_, i) => signIn({ username: 'vanthu', password: `guess-${i}` })));
    expect(replies.every((r) => r.status === 401 || r.status === 423)).toBe(true);
    const actions = (await auditFor('staff:vanthu')).map((r) => r.action);
    // Evaluated attempts are audited as failures (the fifth as the lockout), the others as refused while locked.
    expect(actions.filter((a) => a === 'auth.login.failed' || a === 'auth.lockout')).toHaveLength(5);
    expect(actions.filter((a) => a === 'auth.login.locked')).toHaveLength(26);
    expect((await signIn({ username: 'vanthu', password: 'congso-demo' })).status).toBe(423);
  });

  it('31 parallel OTP guesses with the right password: five are evaluated', async () => {
    const from = await mark();
    const right = totpCode(DEMO_TOTP.admin);
    const guesses = Array.from({ length: 31 }, (_, i) => String(100000 + i * 7919).slice(0, 6)).filter((g) => g !== right);
    const replies = await Promise.all(guesses.map((otp) => signIn({ username: 'admin', password: 'congso-demo', otp })));
    expect(replies.some((r) => r.status === 200)).toBe(false);
    const rows = await auditFor('staff:admin', from);
    const evaluated = rows.filter((r) => (r.action === 'auth.login.failed' || r.action === 'auth.lockout') && r.data?.reason === 'otp-wrong');
    expect(evaluated).toHaveLength(5);
    // Locked now, even with the right code.
    expect((await signIn({ username: 'admin', password: 'congso-demo', otp: await nextOtp(t, 'admin') })).status).toBe(423);
    await t.ctx.database.db.deleteFrom('sign_in_failures').where('username', '=', 'admin').execute();
  });

  it('one TOTP code signs in once, however many sign-ins race with it', async () => {
    const from = await mark();
    const code = await nextOtp(t, 'ky');
    const replies = await Promise.all(Array.from({ length: 4 }, () => signIn({ username: 'ky', password: 'congso-demo', otp: code })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    const reasons = (await auditFor('staff:ky', from)).map((r) => r.data?.reason);
    expect(reasons.filter((r) => r === 'otp-replayed')).toHaveLength(3);
    await t.ctx.database.db.deleteFrom('sign_in_failures').where('username', '=', 'ky').execute();
  });

  it('a missing code counts as a failure and is audited with its reason', async () => {
    const from = await mark();
    for (let i = 0; i < 4; i++) expect((await signIn({ username: 'ky', password: 'congso-demo' })).status).toBe(401);
    expect((await signIn({ username: 'ky', password: 'congso-demo' })).status).toBe(423);
    const reasons = (await auditFor('staff:ky', from)).filter((r) => r.action !== 'auth.login.locked').map((r) => r.data?.reason);
    expect(reasons.filter((r) => r === 'otp-missing')).toHaveLength(5);
    await t.ctx.database.db.deleteFrom('sign_in_failures').where('username', '=', 'ky').execute();
  });

  it('an unknown account is answered exactly like an existing one, lockout included', async () => {
    const run = async (username: string) => {
      const out: { status: number; code: string }[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await signIn({ username, password: `wrong-${i}` });
        out.push({ status: r.status, code: r.body.error.code });
      }
      return out;
    };
    const existing = await run('lanhdao.hcm');
    const unknown = await run('khongcoai');
    expect(unknown).toEqual(existing);
    expect(existing.map((r) => r.status)).toEqual([401, 401, 401, 401, 423, 423]);
  });

  it('malformed bodies are refused with a field path', async () => {
    const r = await api<{ error: { details: { path: string }[] } }>(t, 'POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: 'x', otp: '12ab56' },
    });
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
    expect(
      (await api(t, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: secret() } })).status,
    ).toBe(200);
    expect(
      (await api(t, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: 'nope' } })).status,
    ).toBe(401);
    expect((await api(t, 'POST', '/api/v1/oauth/token', { body: { grant_type: 'password', client_id: 'dvcqg', client_secret: secret() } })).status).toBe(400);
    const unheld = await api<Err>(t, 'POST', '/api/v1/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: secret(), scope: 'admin' },
    });
    expect([unheld.status, unheld.body.error.code]).toEqual([403, 'SCOPE_NOT_GRANTED']);
  });

  it('a service token cannot reach staff routes', async () => {
    const r = await api<{ access_token: string }>(t, 'POST', '/api/v1/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: secret() },
    });
    expect((await api(t, 'GET', '/api/v1/staff', { token: r.body.access_token })).status).toBe(403);
  });
});
