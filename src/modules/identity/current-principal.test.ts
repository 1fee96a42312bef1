/**
 * Revocation is immediate: an administrator's change to an official's roles, unit or account
 * takes effect on the next request of every session and bearer token the official holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, nextOtp, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { FORM, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';

let t: TestApp;
let admin: string;
let adminCookie: string;
beforeAll(async () => {
  t = await startTestApp();
  // TOTP codes are single-use and two steps are valid at a time: both admin sign-ins happen here.
  adminCookie = await pageSession('admin', await nextOtp(t, 'admin'));
  admin = await login(t, 'admin');
  expect((await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [TEST_PROCEDURE] })).status).toBe(200);
});
afterAll(() => t?.close());

type Me = { kind: string; username: string; roles: { role: string; unitId: string }[] };

/** Signs in through the office sign-in page, as a browser does, and returns the cookies of the session. */
async function pageSession(username: string, otp?: string): Promise<string> {
  const page = await fetch(`${t.base}/can-bo/dang-nhap`, { headers: { accept: 'text/html' } });
  const csrfCookie = /congso_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1];
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const r = await fetch(`${t.base}/can-bo/dang-nhap`, {
    method: 'POST',
    headers: { cookie: `congso_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ _csrf: token, username, password: 'congso-demo', otp: otp ?? '', next: '/can-bo' }).toString(),
    redirect: 'manual',
  });
  expect(r.status, `page sign-in of ${username}`).toBe(302);
  const sid = /congso_sid=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')![1];
  return `congso_csrf=${csrfCookie}; congso_sid=${sid}`;
}

const meBy = async (cred: { token?: string; cookie?: string }) => {
  const r = await fetch(`${t.base}/api/v1/me`, {
    headers: { ...(cred.token ? { authorization: `Bearer ${cred.token}` } : {}), ...(cred.cookie ? { cookie: cred.cookie } : {}) },
  });
  return { status: r.status, body: (await r.json()) as Me };
};

const setRoles = (username: string, roles: { role: string; unitId: string }[]) =>
  api(t, 'PUT', `/api/v1/staff/${username}/roles`, { token: admin, body: { roles } });

describe('revocation takes effect on the next request', () => {
  it('roles set to none: the token and the session both lose them at once', async () => {
    const token = await login(t, 'tiepnhan');
    const cookie = await pageSession('tiepnhan');
    expect((await meBy({ token })).body.roles).toEqual([{ role: 'receiving_officer', unitId: '000.01.01.G12' }]);
    expect((await setRoles('tiepnhan', [])).status).toBe(200);
    for (const cred of [{ token }, { cookie }]) {
      const me = await meBy(cred);
      expect(me.status).toBe(200);
      expect(me.body.roles).toEqual([]);
    }
    expect((await api(t, 'GET', '/api/v1/dossiers?queue=mine', { token })).status).toBe(403);
    expect((await fetch(`${t.base}/can-bo/tiep-nhan`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' })).status).toBe(403);
  });

  it('an officer moved to another unit no longer reaches the old unit’s dossiers', async () => {
    const token = await login(t, 'tiepnhan.xnk');
    const cookie = await pageSession('tiepnhan.xnk');
    const up = await uploadPdf(t, token);
    const filed = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
      token,
      body: {
        procedureCode: TEST_PROCEDURE.code,
        channel: 1,
        applicant: { name: 'Lê Thị Thu', identifier: '001190000111' },
        form: FORM,
        components: [{ code: 'T-01', uploadId: up }],
      },
    });
    expect(filed.status).toBe(201);
    const code = filed.body.code;
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}`, { token })).status).toBe(200);
    const auditor = await login(t, 'kiemtra');
    const logLength = async () => (await api<unknown[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: auditor })).body.length;
    const before = await logLength();

    expect((await setRoles('tiepnhan.xnk', [{ role: 'receiving_officer', unitId: '000.05.02.G12' }])).status).toBe(200);
    expect((await meBy({ token })).body.roles).toEqual([{ role: 'receiving_officer', unitId: '000.05.02.G12' }]);
    expect((await api(t, 'GET', `/api/v1/dossiers/${code}`, { token })).status).toBe(404);
    const viaSession = await fetch(`${t.base}/api/v1/dossiers/${code}`, { headers: { cookie } });
    expect(viaSession.status).toBe(404);
    // Nor can they act on it: the action is refused before anything is written.
    const acted = await api(t, 'POST', `/api/v1/dossiers/${code}/actions`, { token, body: { action: 'refuse', reason: 'thử', version: 1 } });
    expect(acted.status).toBe(404);
    expect(await logLength()).toBe(before);
  });

  it('a disabled account: its bearer token is refused and its session ends', async () => {
    const token = await login(t, 'chuyenvien');
    const cookie = await pageSession('chuyenvien');
    expect((await meBy({ token })).status).toBe(200);
    expect((await api(t, 'PUT', '/api/v1/staff/chuyenvien/active', { token: admin, body: { active: false } })).status).toBe(200);
    expect((await meBy({ token })).status).toBe(401);
    expect((await meBy({ cookie })).status).toBe(401);
    const page = await fetch(`${t.base}/can-bo`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(/^\/can-bo\/dang-nhap/);
    // Enabled again, the old token works again: it names the account, and the account is back.
    expect((await api(t, 'PUT', '/api/v1/staff/chuyenvien/active', { token: admin, body: { active: true } })).status).toBe(200);
    expect((await meBy({ token })).status).toBe(200);
  });

  it('a role that needs a second factor, granted to a session signed in without one, counts from the next sign-in', async () => {
    const cookie = await pageSession('lanhdao');
    expect((await meBy({ cookie })).body.roles.map((r) => r.role)).toEqual(['unit_leader']);
    const granted = await setRoles('lanhdao', [
      { role: 'unit_leader', unitId: '000.05.01.G12' },
      { role: 'administrator', unitId: '000.00.00.G12' },
    ]);
    expect(granted.status).toBe(200);
    expect((await meBy({ cookie })).body.roles.map((r) => r.role)).toEqual(['unit_leader']);
    expect((await fetch(`${t.base}/api/v1/staff`, { headers: { cookie } })).status).toBe(403);
    await setRoles('lanhdao', [{ role: 'unit_leader', unitId: '000.05.01.G12' }]);
  });

  it('a service account made inactive loses its tokens', async () => {
    const secret = (await import('../../platform/config.ts')).demoSecretsIn(t.dataDir).serviceAccount;
    const r = await api<{ access_token: string }>(t, 'POST', '/api/v1/oauth/token', {
      body: { grant_type: 'client_credentials', client_id: 'dvcqg', client_secret: secret },
    });
    expect((await meBy({ token: r.body.access_token })).status).toBe(200);
    // No API disables a service account yet: the operator does it in the database.
    await t.ctx.database.db.updateTable('service_accounts').set({ active: false }).where('client_id', '=', 'dvcqg').execute();
    expect((await meBy({ token: r.body.access_token })).status).toBe(401);
    await t.ctx.database.db.updateTable('service_accounts').set({ active: true }).where('client_id', '=', 'dvcqg').execute();
  });

  it('an administrator who signed in with the code keeps the administrator role', async () => {
    expect((await meBy({ cookie: adminCookie })).body.roles.map((r) => r.role)).toContain('administrator');
  });
});
