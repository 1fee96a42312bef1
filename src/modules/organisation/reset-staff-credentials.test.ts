import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, nextOtp, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { csrfPair } from '../../../test/security/request.ts';
import { totpCode } from '../../platform/auth/totp.ts';

type Err = { error: { code: string; message: string; messageEn: string; details?: { path: string; message: string }[] } };
type Reset = { username: string; temporaryPassword: string | null; passwordReset: boolean; totpReset: boolean; sessionsEnded: number };
type Entry = { action: string; actor: string; actorName: string; target: string | null; targetName: string | null; data: Record<string, unknown> };

let t: TestApp;
let admin: string;
let adminPage: Browser;
beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t, 'admin');
  adminPage = new Browser(t);
  const r = await adminPage.signIn('admin', 'congso-demo', await nextOtp(t, 'admin'));
  if (r.status !== 302) throw new Error(`admin page sign-in: ${r.status}`);
});
afterAll(() => t?.close());

/** A browser's view of the office: a session cookie and the CSRF pair bound to it. */
class Browser {
  sid: string | null = null;
  constructor(private t: TestApp) {}
  private cookie(): string {
    const pair = csrfPair(this.t, this.sid ?? undefined);
    return [pair.cookie, this.sid ? `congso_sid=${this.sid}` : ''].filter(Boolean).join('; ');
  }
  async get(url: string) {
    const r = await fetch(`${this.t.base}${url}`, { headers: { cookie: this.cookie(), accept: 'text/html' }, redirect: 'manual' });
    return { status: r.status, location: r.headers.get('location'), text: await r.text() };
  }
  async post(url: string, fields: Record<string, string>) {
    const pair = csrfPair(this.t, this.sid ?? undefined);
    const r = await fetch(`${this.t.base}${url}`, {
      method: 'POST',
      headers: { cookie: this.cookie(), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: pair.token, ...fields }).toString(),
      redirect: 'manual',
    });
    const set = r.headers.getSetCookie().find((c) => c.startsWith('congso_sid='));
    if (set) this.sid = /^congso_sid=([^;]*)/.exec(set)![1] || null;
    return { status: r.status, location: r.headers.get('location'), text: await r.text() };
  }
  signIn(username: string, password: string, otp = '') {
    // A fresh sign-in form: its CSRF token is bound to no session.
    this.sid = null;
    return this.post('/can-bo/dang-nhap', { username, password, otp, next: '/can-bo' });
  }
}

const trail = async (query: string) => (await api<Entry[]>(t, 'GET', `/api/v1/audit?${query}`, { token: admin })).body;
const apiLogin = (username: string, password: string, otp?: string) =>
  api<{ accessToken: string } & Err>(t, 'POST', '/api/v1/auth/login', { body: { username, password, otp } });
const sessionCount = async (username: string) => {
  const s = await t.ctx.database.db.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const rows = await t.ctx.database.db.selectFrom('sessions').select('principal').execute();
  return rows.filter((r) => (r.principal as { id?: string } | null)?.id === s.id).length;
};

describe("an administrator resets an official's credentials", () => {
  it('only administrators may reset; an empty or unconfirmed request resets nothing', async () => {
    const body = { password: 'generate', resetTotp: false };
    expect((await api(t, 'POST', '/api/v1/staff/chuyenvien/credentials/reset', { body })).status).toBe(401);
    for (const role of ['auditor', 'specialist', 'unit_leader', 'signing_leader'] as const) {
      expect((await api(t, 'POST', '/api/v1/staff/chuyenvien/credentials/reset', { token: await tokenFor(t, role), body })).status, role).toBe(403);
    }
    expect((await api<Err>(t, 'POST', '/api/v1/staff/chuyenvien/credentials/reset', { token: admin, body: {} })).status).toBe(400);
    const weak = await api<Err>(t, 'POST', '/api/v1/staff/chuyenvien/credentials/reset', {
      token: admin,
      body: { password: 'set', temporaryPassword: 'short', resetTotp: false },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details?.[0]).toMatchObject({ path: 'temporaryPassword', message: expect.stringContaining('Mật khẩu tạm thời') });
    expect((await api(t, 'POST', '/api/v1/staff/nobody/credentials/reset', { token: admin, body })).status).toBe(404);
    // The page asks for a confirmation first.
    const unconfirmed = await adminPage.post('/can-bo/nhan-su/chuyenvien/dat-lai', { password: 'generate', resetTotp: 'false' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('Đánh dấu ô xác nhận');
    expect((await apiLogin('chuyenvien', 'congso-demo')).status).toBe(200);
    expect(await trail('action=org.staff.credentials.reset')).toEqual([]);
  });

  it('the temporary password opens only the change-password page until a new password is set', async () => {
    const official = new Browser(t);
    expect((await official.signIn('chuyenvien', 'congso-demo')).status).toBe(302);
    const before = (await apiLogin('chuyenvien', 'congso-demo')).body.accessToken;
    // Tokens carry their issue time in whole seconds: the reset must come in a later second.
    await new Promise((r) => setTimeout(r, 1100));
    const oldSession = official.sid;
    expect((await official.get('/can-bo')).status).toBe(200);
    expect(await sessionCount('chuyenvien')).toBeGreaterThan(0);

    const r = await api<Reset>(t, 'POST', '/api/v1/staff/chuyenvien/credentials/reset', { token: admin, body: { password: 'generate', resetTotp: false } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ passwordReset: true, totpReset: false });
    const temporary = r.body.temporaryPassword!;
    expect(temporary).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    expect(r.body.sessionsEnded).toBeGreaterThan(0);

    // The official's session ended; the old password no longer works.
    expect(await sessionCount('chuyenvien')).toBe(0);
    const ended = await official.get('/can-bo');
    expect(ended.status).toBe(302);
    expect(ended.location).toMatch(/^\/can-bo\/dang-nhap/);
    expect(oldSession).not.toBeNull();
    expect((await apiLogin('chuyenvien', 'congso-demo')).status).toBe(401);
    // A token issued before the reset (to whoever held the old password) is refused.
    expect((await api(t, 'GET', '/api/v1/units', { token: before })).status).toBe(401);

    // The temporary password signs in, straight to the change-password page…
    const signIn = await official.signIn('chuyenvien', temporary);
    expect(signIn.status).toBe(302);
    expect(signIn.location).toBe('/can-bo/doi-mat-khau');
    // …and every other page leads back there, every API call is refused with a stable code.
    for (const url of ['/can-bo', '/can-bo/ho-so', '/can-bo/tai-khoan', '/can-bo/thu-tuc']) {
      const g = await official.get(url);
      expect([g.status, g.location], url).toEqual([302, '/can-bo/doi-mat-khau']);
    }
    const tok = (await apiLogin('chuyenvien', temporary)).body.accessToken;
    await new Promise((r) => setTimeout(r, 1100));
    for (const url of ['/api/v1/units', '/api/v1/me', '/api/v1/dossiers']) {
      const g = await api<Err>(t, 'GET', url, { token: tok });
      expect([g.status, g.body.error?.code], url).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    }
    expect((await api<{ mustChangePassword: boolean }>(t, 'GET', '/api/v1/account/password', { token: tok })).body).toEqual({
      mustChangePassword: true,
      totpEnrolment: null,
    });
    const form = await official.get('/can-bo/doi-mat-khau');
    expect(form.status).toBe(200);
    expect(form.text).toContain('Quản trị viên đã đặt lại thông tin đăng nhập của bạn');

    // A wrong current password is refused, named on its field, and audited.
    const wrong = await official.post('/can-bo/doi-mat-khau', {
      currentPassword: 'khong-dung-mat-khau',
      newPassword: 'mat-khau-moi-cua-toi',
      confirmPassword: 'mat-khau-moi-cua-toi',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Mật khẩu hiện tại không đúng');
    expect(wrong.text).toContain('href="#currentPassword"');
    const failed = await trail('action=auth.password.change.failed&target=chuyenvien');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      actor: 'staff:chuyenvien',
      actorName: 'Trần Minh Đức (chuyenvien)',
      data: expect.objectContaining({ reason: 'password' }),
    });
    // The new-password rule names the field.
    const short = await official.post('/can-bo/doi-mat-khau', { currentPassword: temporary, newPassword: 'ngan', confirmPassword: 'ngan' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('Mật khẩu mới phải có ít nhất 10 ký tự');
    const mismatch = await official.post('/can-bo/doi-mat-khau', {
      currentPassword: temporary,
      newPassword: 'mat-khau-moi-cua-toi',
      confirmPassword: 'mat-khau-khac-han',
    });
    expect(mismatch.text).toContain('không khớp');
    expect((await official.get('/can-bo')).location).toBe('/can-bo/doi-mat-khau');

    // The change unlocks the account, in a new session.
    const sidBefore = official.sid;
    const changed = await official.post('/can-bo/doi-mat-khau', {
      currentPassword: temporary,
      newPassword: 'mat-khau-moi-cua-toi',
      confirmPassword: 'mat-khau-moi-cua-toi',
    });
    expect([changed.status, changed.location]).toEqual([303, '/can-bo/tai-khoan?changed=1']);
    expect(official.sid).not.toBe(sidBefore);
    expect((await official.get('/can-bo')).status).toBe(200);
    expect((await official.get('/can-bo/tai-khoan?changed=1')).text).toContain('Đã đổi mật khẩu');
    // The token of the temporary password ends with it; a new sign-in is let through.
    expect((await api(t, 'GET', '/api/v1/units', { token: tok })).status).toBe(401);
    expect((await apiLogin('chuyenvien', temporary)).status).toBe(401);
    const fresh = await apiLogin('chuyenvien', 'mat-khau-moi-cua-toi');
    expect((await api(t, 'GET', '/api/v1/units', { token: fresh.body.accessToken })).status).toBe(200);

    // Both are in the audit trail, with names.
    const [reset] = await trail('action=org.staff.credentials.reset&target=chuyenvien');
    expect(reset).toMatchObject({
      actor: 'staff:admin',
      actorName: 'Phạm Quốc Hưng (admin)',
      target: 'staff:chuyenvien',
      targetName: 'Trần Minh Đức (chuyenvien)',
      data: { password: true, passwordGenerated: true, totp: false },
    });
    expect(JSON.stringify(reset.data)).not.toContain(temporary);
    const [change] = await trail('action=auth.password.change&target=chuyenvien');
    expect(change).toMatchObject({ actor: 'staff:chuyenvien', data: expect.objectContaining({ required: true, totpEnrolled: false }) });
  });

  it('a cleared TOTP is enrolled again with the password change; signing roles wait for a sign-in with the new code', async () => {
    const oldSecret = await demoSecret('lanhdao.hcm');
    const r = await api<Reset>(t, 'POST', '/api/v1/staff/lanhdao.hcm/credentials/reset', {
      token: admin,
      body: { password: 'set', temporaryPassword: 'tam-thoi-2026-abc', resetTotp: true },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ temporaryPassword: null, passwordReset: true, totpReset: true });

    // No code to give: the temporary password alone signs in, without the signing role.
    const signIn = await apiLogin('lanhdao.hcm', 'tam-thoi-2026-abc');
    expect(signIn.status).toBe(200);
    const tok = signIn.body.accessToken;
    const claims = JSON.parse(Buffer.from(tok.split('.')[1], 'base64url').toString()) as { p: { roles: { role: string }[]; mfa: boolean } };
    expect(claims.p).toMatchObject({ mfa: false, roles: [{ role: 'unit_leader' }] });
    const state = await api<{ mustChangePassword: boolean; totpEnrolment: { secret: string; uri: string } | null }>(t, 'GET', '/api/v1/account/password', {
      token: tok,
    });
    expect(state.body.mustChangePassword).toBe(true);
    const secret = state.body.totpEnrolment!.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(secret).not.toBe(oldSecret);
    expect(state.body.totpEnrolment!.uri).toContain('otpauth://totp/');
    // The same secret until it is confirmed.
    expect((await api<{ totpEnrolment: { secret: string } }>(t, 'GET', '/api/v1/account/password', { token: tok })).body.totpEnrolment.secret).toBe(secret);

    const body = { currentPassword: 'tam-thoi-2026-abc', newPassword: 'lanh-dao-moi-2026', confirmPassword: 'lanh-dao-moi-2026' };
    const noCode = await api<Err>(t, 'POST', '/api/v1/account/password', { token: tok, body });
    expect(noCode.status).toBe(400);
    expect(noCode.body.error.details?.map((d) => d.path)).toEqual(['otp']);
    const badCode = await api<Err>(t, 'POST', '/api/v1/account/password', { token: tok, body: { ...body, otp: totpCode(oldSecret) } });
    expect(badCode.status).toBe(400);
    await new Promise((r) => setTimeout(r, 1100));
    const ok = await api<{ totpEnrolled: boolean; signInAgain: boolean }>(t, 'POST', '/api/v1/account/password', {
      token: tok,
      body: { ...body, otp: totpCode(secret) },
    });
    expect(ok.body).toEqual({ totpEnrolled: true, signInAgain: true });

    expect((await api(t, 'GET', '/api/v1/me', { token: tok })).status).toBe(401);
    // Now a code is required again, from the new secret only.
    expect((await apiLogin('lanhdao.hcm', 'lanh-dao-moi-2026')).status).toBe(401);
    expect((await apiLogin('lanhdao.hcm', 'lanh-dao-moi-2026', totpCode(oldSecret, Date.now() + 30_000))).status).toBe(401);
    const full = await apiLogin('lanhdao.hcm', 'lanh-dao-moi-2026', totpCode(secret, Date.now() + 30_000));
    expect(full.status).toBe(200);
    const roles = (await api<{ roles: { role: string }[] }>(t, 'GET', '/api/v1/me', { token: full.body.accessToken })).body.roles.map((x) => x.role).sort();
    expect(roles).toEqual(['signing_leader', 'unit_leader']);

    const [reset] = await trail('action=org.staff.credentials.reset&target=lanhdao.hcm');
    expect(reset.data).toMatchObject({ password: true, passwordGenerated: false, totp: true });
    const [change] = await trail('action=auth.password.change&target=lanhdao.hcm');
    expect(change.data).toMatchObject({ required: true, totpEnrolled: true });
  });

  it('an official changes their own password: the current one is required and wrong guesses are counted', async () => {
    const tok = await login(t, 'vanthu');
    const wrong = await api<Err>(t, 'POST', '/api/v1/account/password', {
      token: tok,
      body: { currentPassword: 'sai-mat-khau', newPassword: 'van-thu-moi-2026' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ message: 'Mật khẩu hiện tại không đúng', details: [{ path: 'currentPassword' }] });
    const [failed] = await trail('action=auth.password.change.failed&actor=vanthu');
    expect(failed).toMatchObject({ target: 'staff:vanthu', data: expect.objectContaining({ reason: 'password', failures: 1 }) });
    for (let i = 0; i < 4; i++)
      await api(t, 'POST', '/api/v1/account/password', { token: tok, body: { currentPassword: `sai-${i}`, newPassword: 'van-thu-moi-2026' } });
    // Five wrong passwords lock the name like five failed sign-ins: even the right one waits.
    const locked = await api<Err>(t, 'POST', '/api/v1/account/password', {
      token: tok,
      body: { currentPassword: 'congso-demo', newPassword: 'van-thu-moi-2026' },
    });
    expect([locked.status, locked.body.error.code]).toEqual([423, 'ACCOUNT_LOCKED']);
    expect((await apiLogin('vanthu', 'congso-demo')).status).toBe(423);
    // An administrator's reset lifts the lock.
    await api(t, 'POST', '/api/v1/staff/vanthu/credentials/reset', {
      token: admin,
      body: { password: 'set', temporaryPassword: 'van-thu-tam-2026', resetTotp: false },
    });
    expect((await apiLogin('vanthu', 'van-thu-tam-2026')).status).toBe(200);
  });

  it('the staff page resets with confirmation and shows the generated password once', async () => {
    const r = await adminPage.post('/can-bo/nhan-su/tiepnhan/dat-lai', { password: 'generate', resetTotp: 'false', confirm: 'yes' });
    expect(r.status).toBe(200);
    const shown = /id="temporary-password">([^<]+)</.exec(r.text)?.[1];
    expect(shown).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    expect((await adminPage.get('/can-bo/nhan-su/tiepnhan')).text).not.toContain(shown!);
    expect((await apiLogin('tiepnhan', shown!)).status).toBe(200);
  });
});

async function demoSecret(username: string): Promise<string> {
  const row = await t.ctx.database.db.selectFrom('staff').select('totp_secret').where('username', '=', username).executeTakeFirstOrThrow();
  return row.totp_secret!;
}
