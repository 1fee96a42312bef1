import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, importTestProcedures, samplePdf, TEST_PROCEDURE } from '../../../test/dossier-fixtures.ts';
import { notify } from './notify.ts';
import { CookieBrowser } from '../../../test/cookie-browser.ts';

/**
 * Online filers are told what happens (issue 11): a citizen who signs in with VNeID and files
 * online without giving an e-mail or phone finds every event about the dossier in the portal's
 * "Thông báo", with an unread count; nobody else sees them.
 */

const MINH = {
  username: '001089012345',
  password: 'congso-demo',
  email: 'minh.tran@example.vn',
  phone: '0912345678',
  address: 'Số 12 Hàng Bài, phường Hoàn Kiếm, Hà Nội',
};

/** Signs in through the portal's "Đăng nhập bằng VNeID", the simulator's login form, and back. */
async function signInWithVneid(b: CookieBrowser, who = MINH) {
  const page = await b.go('GET', '/dang-nhap/vneid');
  expect(page.url).toMatch(/\/sso\/interaction\//);
  const action = /<form method="post" action="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&');
  const back = await b.go('POST', action, {
    body: new URLSearchParams({ username: who.username, password: who.password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(new URL(back.url).pathname.startsWith('/sso')).toBe(false);
}

type Inbox = {
  items: { id: string; event: string; dossierCode: string | null; subject: string; text: string; readAt: string | null }[];
  unread: number;
  more: boolean;
};

let t: TestApp;
const b = () => new CookieBrowser(t.base);
let minh: CookieBrowser;
let code = '';
let csrf = '';
let receiving = '';

async function inbox(): Promise<Inbox> {
  const r = await minh.send('GET', '/api/v1/me/notifications');
  expect(r.status).toBe(200);
  return JSON.parse(r.text) as Inbox;
}

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  receiving = await login(t, 'tiepnhan.xnk');
  minh = b();
  await signInWithVneid(minh);
}, 600_000);

afterAll(async () => {
  await t?.close();
});

describe('a VNeID citizen filing online without e-mail or phone', () => {
  it('signing in keeps the contact details the identity claims give, and the filing form offers them', async () => {
    const row = await t.ctx.database.db
      .selectFrom('citizens')
      .select(['email', 'phone', 'address'])
      .where('identifier', '=', MINH.username)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ email: MINH.email, phone: MINH.phone, address: MINH.address });
    const form = await minh.go('GET', `/nop-ho-so/${TEST_PROCEDURE.code}`);
    expect(form.status).toBe(200);
    expect(form.text).toMatch(new RegExp(`id="contact-email"[^>]*value="${MINH.email}"|value="${MINH.email}"[^>]*id="contact-email"`));
    expect(form.text).toContain(`value="${MINH.phone}"`);
    expect(form.text).toContain(`value="${MINH.address}"`);
    csrf = CookieBrowser.csrf(form.text);
  });

  it('files with the e-mail and phone cleared: the dossier keeps what was typed', async () => {
    const fd = new FormData();
    fd.append('contact.email', '');
    fd.append('contact.phone', '');
    fd.append('contact.address', MINH.address);
    fd.append('delivery', 'online');
    fd.append('f.tenDoanhNghiep', 'Công ty TNHH Hộp Thư');
    fd.append('f.maSoThue', '0101234567');
    fd.append('file.0', new Blob([new Uint8Array(await samplePdf())], { type: 'application/pdf' }), 'don.pdf');
    fd.append('intent', 'review');
    const review = await minh.go('POST', `/nop-ho-so/${TEST_PROCEDURE.code}?_csrf=${encodeURIComponent(csrf)}`, { body: fd });
    expect(review.url, review.text.slice(0, 2000)).toMatch(/\/xem-lai$/);
    const filed = await minh.go('POST', `/nop-ho-so/${TEST_PROCEDURE.code}/nop`, {
      body: new URLSearchParams({ _csrf: CookieBrowser.csrf(review.text) }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    code = new URL(filed.url).searchParams.get('ma') ?? '';
    expect(code).toMatch(/-\d{4}$/);
    const view = await api<{ applicant: { email: string | null; phone: string | null; address: string | null }; delivery: string }>(
      t,
      'GET',
      `/api/v1/dossiers/${code}`,
      { token: receiving },
    );
    expect(view.body.applicant).toMatchObject({ email: null, phone: null, address: MINH.address });
    expect(view.body.delivery).toBe('online');
  });

  it('receipt puts a notification in their list (no e-mail or SMS could be sent), and the header counts it', async () => {
    expect((await inbox()).items).toEqual([]);
    expect((await act(t, receiving, code, { action: 'receive' })).status).toBe(200);
    const sent = await t.ctx.database.db.selectFrom('notifications').select('id').where('dossier_code', '=', code).execute();
    expect(sent).toEqual([]);
    const box = await inbox();
    expect(box.unread).toBe(1);
    expect(box.items).toHaveLength(1);
    expect(box.items[0]).toMatchObject({ event: 'dossier.received', dossierCode: code, readAt: null });
    expect(box.items[0].subject).toBe(`Đã tiếp nhận hồ sơ ${code}`);
    const home = await minh.go('GET', '/ho-so-cua-toi');
    expect(home.text).toContain('Thông báo (1 chưa đọc)');
  });

  it('approval and return add theirs; the return says where the result is', async () => {
    for (const [who, body] of [
      ['lanhdao', { action: 'assign', assignee: 'chuyenvien' }],
      ['chuyenvien', { action: 'propose' }],
      ['ky', { action: 'approve' }],
    ] as const) {
      const r = await act(t, await login(t, who), code, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    expect((await act(t, receiving, code, { action: 'return' })).status).toBe(200);
    const box = await inbox();
    expect(box.items.map((n) => n.event)).toEqual(['dossier.returned', 'dossier.result_ready', 'dossier.received']);
    expect(box.unread).toBe(3);
    const returned = box.items[0];
    expect(returned.text).toContain('Kho dữ liệu');
    expect(returned.text).toContain(`${t.base}/kho-du-lieu`);
  });

  it('the same event written twice stays one entry', async () => {
    const data = { dossierCode: code, procedureName: TEST_PROCEDURE.name, applicantName: 'Trần Văn Minh', trackingUrl: `${t.base}/tra-cuu?ma=${code}` };
    const citizenId = (await t.ctx.database.db.selectFrom('dossiers').select('owner_citizen_id').where('code', '=', code).executeTakeFirstOrThrow())
      .owner_citizen_id!;
    for (let i = 0; i < 2; i++) {
      await t.ctx.database.db.transaction().execute((tx) =>
        notify(t.ctx, tx, {
          recipient: { name: 'Trần Văn Minh' },
          event: 'dossier.result_ready',
          data,
          units: ['000.05.01.G12'],
          citizenId,
          key: `${code}#test`,
        }),
      );
    }
    const box = await inbox();
    expect(box.items).toHaveLength(4);
    expect(box.unread).toBe(4);
  });

  it('marking one read lowers the count; opening the list reads the rest', async () => {
    const before = await inbox();
    const page = await minh.go('GET', '/ho-so-cua-toi');
    expect(page.text).toContain('Thông báo (4 chưa đọc)');
    const token = CookieBrowser.csrf(page.text);
    const r = await minh.send('POST', '/api/v1/me/notifications/read', {
      body: JSON.stringify({ ids: [before.items[3].id] }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
    });
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ marked: 1, unread: 3 });
    expect((await inbox()).unread).toBe(3);

    const list = await minh.go('GET', '/thong-bao');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`Đã tiếp nhận hồ sơ ${code}`);
    expect(list.text).toContain(`href="/ho-so-cua-toi/${code}"`);
    // Shown as new this once, then read: the header of the same page already says so.
    expect(list.text.match(/>Mới</g)).toHaveLength(3);
    expect(list.text).not.toContain('chưa đọc)');
    const after = await inbox();
    expect(after.unread).toBe(0);
    expect(after.items.every((n) => n.readAt)).toBe(true);
  });

  it('another citizen sees none of them and cannot mark them', async () => {
    const other = await citizenToken(t, '50000000-0000-4000-8000-0000000000aa', 'Nguyễn Thị Thanh Hà', '079194006789');
    const list = await api<Inbox>(t, 'GET', '/api/v1/me/notifications', { token: other });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ items: [], unread: 0 });
    // Minh's ids, sent by someone else, touch nothing (the rows were made unread again for this).
    await t.ctx.database.db.updateTable('citizen_notifications').set({ read_at: null }).where('dossier_code', '=', code).execute();
    const ids = (await inbox()).items.map((n) => n.id);
    const r = await api<{ marked: number }>(t, 'POST', '/api/v1/me/notifications/read', { token: other, body: { ids } });
    expect(r.body.marked).toBe(0);
    expect((await inbox()).unread).toBe(4);
  });

  it('officials get 403 on the citizen API and page', async () => {
    for (const who of ['tiepnhan.xnk', 'admin']) {
      const token = await login(t, who);
      expect((await api(t, 'GET', '/api/v1/me/notifications', { token })).status).toBe(403);
      expect((await api(t, 'POST', '/api/v1/me/notifications/read', { token, body: {} })).status).toBe(403);
      expect((await api(t, 'GET', '/thong-bao', { token, headers: { accept: 'text/html' } })).status).toBe(403);
    }
    expect((await api(t, 'GET', '/api/v1/me/notifications')).status).toBe(401);
  });
});
