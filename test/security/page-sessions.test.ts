import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, nextOtp, startTestApp, tokenFor, type TestApp } from '../helpers.ts';
import { csrfPair } from './request.ts';

/**
 * Pages are used with the session cookie a sign-in sets, not with bearer tokens: who may open
 * a page is checked here on real sessions, started through the sign-in forms (the officials')
 * and through VNeID (the citizen's). The expectations are the policy, written by hand: a route
 * given the wrong roles, or a session resolved differently from a token, fails here.
 */

type Who = 'administrator' | 'auditor' | 'receiving_officer' | 'specialist' | 'unit_leader' | 'clerk' | 'citizen';
const ACCOUNTS: Record<Exclude<Who, 'citizen'>, string> = {
  administrator: 'admin',
  auditor: 'kiemtra',
  receiving_officer: 'tiepnhan.xnk',
  specialist: 'chuyenvien',
  unit_leader: 'lanhdao',
  clerk: 'vanthu',
};
const EVERYONE: Who[] = ['administrator', 'auditor', 'receiving_officer', 'specialist', 'unit_leader', 'clerk', 'citizen'];
const STAFF: Who[] = EVERYONE.filter((w) => w !== 'citizen');

/** Representative pages of each area and who may open them. */
const POLICY: [string, Who[]][] = [
  ['/can-bo', STAFF],
  ['/can-bo/tai-khoan', STAFF],
  ['/can-bo/ho-so', STAFF],
  ['/can-bo/tiep-nhan', ['receiving_officer']],
  ['/can-bo/danh-gia', ['administrator', 'auditor', 'receiving_officer', 'specialist', 'unit_leader']],
  ['/can-bo/hop-thu', ['administrator', 'auditor', 'receiving_officer']],
  ['/can-bo/nhat-ky', ['administrator', 'auditor']],
  ['/can-bo/don-vi', ['administrator', 'auditor']],
  ['/can-bo/nhan-su', ['administrator', 'auditor']],
  ['/can-bo/nhan-su/chuyenvien', ['administrator']],
  ['/ho-so-cua-toi', ['citizen']],
  ['/kho-du-lieu', ['citizen']],
  ['/thong-bao', ['citizen']],
];

let t: TestApp;
const sessions = new Map<Who, string>();

/** The session id a sign-in answer sets. */
function sessionFrom(res: Response): string {
  const sid = res.headers.getSetCookie().find((c) => c.startsWith('congso_sid='));
  if (!sid) throw new Error(`no session cookie (${res.status})`);
  return sid.split(';')[0].slice('congso_sid='.length);
}

async function signInOfficial(username: string): Promise<string> {
  const { cookie, token } = csrfPair(t);
  const otp = username === 'admin' ? await nextOtp(t, username) : '';
  const res = await fetch(`${t.base}/can-bo/dang-nhap`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, username, password: 'congso-demo', otp }),
  });
  expect(res.status, username).toBe(302);
  return sessionFrom(res);
}

/** Through "Đăng nhập bằng VNeID", the simulator's form, and back: the session the callback sets. */
async function signInCitizen(): Promise<string> {
  const jar = new Map<string, string>();
  const send = async (method: string, url: string, body?: URLSearchParams) => {
    const res = await fetch(new URL(url, t.base), {
      method,
      redirect: 'manual',
      body,
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  };
  let res = await send('GET', '/dang-nhap/vneid');
  for (let i = 0; i < 15 && res.headers.get('location'); i++) res = await send('GET', res.headers.get('location')!);
  const action = /<form method="post" action="([^"]+)"/.exec(await res.text())![1].replace(/&amp;/g, '&');
  res = await send('POST', action, new URLSearchParams({ username: '001089012345', password: 'congso-demo' }));
  for (let i = 0; i < 15 && res.headers.get('location'); i++) res = await send('GET', res.headers.get('location')!);
  const sid = jar.get('congso_sid');
  if (!sid) throw new Error('the citizen got no session');
  return sid;
}

/** A browser's GET of a page with a session. */
const open = (path: string, sid?: string) =>
  fetch(`${t.base}${path}`, { redirect: 'manual', headers: { accept: 'text/html', ...(sid ? { cookie: `congso_sid=${sid}` } : {}) } });

beforeAll(async () => {
  t = await startTestApp();
  for (const [who, username] of Object.entries(ACCOUNTS)) sessions.set(who as Who, await signInOfficial(username));
  sessions.set('citizen', await signInCitizen());
}, 600_000);
afterAll(() => t?.close());

describe('page routes with session cookies', () => {
  it.each(POLICY)('%s opens for its roles and for no one else', async (path, allowed) => {
    const wrong: string[] = [];
    for (const who of EVERYONE) {
      const res = await open(path, sessions.get(who));
      await res.arrayBuffer();
      const expected = allowed.includes(who) ? 200 : 403;
      if (res.status !== expected) wrong.push(`${who}: ${res.status}, expected ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each(POLICY)('%s sends a browser without a session to the right sign-in page, and back', async (path) => {
    const res = await open(path);
    expect([302, 303]).toContain(res.status);
    const signIn = path.startsWith('/can-bo') ? '/can-bo/dang-nhap' : '/dang-nhap';
    expect(res.headers.get('location')).toBe(`${signIn}?next=${encodeURIComponent(path)}`);
  });

  it('an unknown or ended session is nobody', async () => {
    expect((await open('/can-bo/nhan-su', 'x'.repeat(43))).status).toBe(302);
    const sid = await signInOfficial('kiemtra');
    expect((await open('/can-bo/nhan-su', sid)).status).toBe(200);
    const { cookie, token } = csrfPair(t, sid);
    const out = await fetch(`${t.base}/can-bo/dang-xuat`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `${cookie}; congso_sid=${sid}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token }),
    });
    expect(out.status).toBe(303);
    expect((await open('/can-bo/nhan-su', sid)).status).toBe(302);
  });

  it('a form posted with the session of a role that may only read is refused, and changes nothing', async () => {
    const sid = sessions.get('auditor')!;
    const { cookie, token } = csrfPair(t, sid);
    const res = await fetch(`${t.base}/can-bo/don-vi`, {
      method: 'POST',
      redirect: 'manual',
      headers: { accept: 'text/html', cookie: `${cookie}; congso_sid=${sid}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, id: '000.05.09.G12', name: 'Phòng Thử quyền', parentId: '000.05.00.G12', kind: 'unit' }),
    });
    expect(res.status).toBe(403);
    expect(await t.ctx.database.db.selectFrom('org_units').select('id').where('id', '=', '000.05.09.G12').executeTakeFirst()).toBeUndefined();
  });

  it("a role taken away counts from the session's next request", async () => {
    const sid = await signInOfficial('lanhdao.xuatxu');
    expect((await open('/can-bo/ho-so', sid)).status).toBe(200);
    const admin = await tokenFor(t, 'administrator');
    const r = await api(t, 'PUT', '/api/v1/staff/lanhdao.xuatxu/roles', { token: admin, body: { roles: [] } });
    expect(r.status).toBe(200);
    expect((await open('/can-bo/ho-so', sid)).status).toBe(403);
    expect((await open('/can-bo', sid)).status).toBe(200);
  });
});
