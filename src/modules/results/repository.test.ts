import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { citizenToken, FORM, importTestProcedures, samplePdf, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';
import { recordResult } from './record-result.ts';
import { sql } from 'kysely';
import { listAudit } from '../../platform/audit/index.ts';
import type { MyResult, ShareLink } from './repository.ts';

let t: TestApp;
let pdf: Uint8Array;
const HOLDER = '40000000-0000-4000-8000-000000000001';
let holder: string;
let stranger: string;
let code: string;

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  pdf = await samplePdf();
  holder = await citizenToken(t, HOLDER, 'Trần Văn Minh', '001089012345');
  stranger = await citizenToken(t, '40000000-0000-4000-8000-000000000002', 'Nguyễn Thị Hà', '079194006789');
  ({ resultCode: code } = await t.ctx.database.db.transaction().execute((tx) =>
    recordResult(
      t.ctx,
      tx,
      {
        dossierCode: '000.05.01.G12-261129-0001',
        procedureCode: TEST_PROCEDURE.code,
        documentName: 'Giấy xác nhận thử nghiệm',
        kind: 'certificate',
        number: '7/GXN-XNK',
        issuerUnit: '000.05.00.G12',
        issuerName: 'Cục Xuất nhập khẩu',
        holder: { name: 'Trần Văn Minh', identifier: '001089012345' },
        ownerCitizenId: HOLDER,
      },
      pdf,
      'staff:ky',
    ),
  ));
});
afterAll(() => t?.close());

const get = (url: string, token?: string) => fetch(`${t.base}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('the e-data repository', () => {
  it('lists the holder’s results only; the file goes to its holder and the issuing unit’s officials, to no one else', async () => {
    const mine = await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token: holder });
    expect(mine.body.map((r) => [r.resultCode, r.documentName, r.status])).toEqual([[code, 'Giấy xác nhận thử nghiệm', 'valid']]);
    expect((await api<MyResult[]>(t, 'GET', '/api/v1/repository/results', { token: stranger })).body).toEqual([]);
    const file = await get(`/api/v1/results/${code}/pdf`, holder);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from(pdf));
    expect((await get(`/api/v1/results/${code}/pdf`, stranger)).status).toBe(404);
    expect((await get(`/api/v1/results/${code}/pdf`, await login(t, 'ky'))).status).toBe(200);
    expect((await get(`/api/v1/results/${code}/pdf`, await login(t, 'lanhdao.hcm'))).status).toBe(404);
    const page = await get('/kho-du-lieu', holder);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Giấy xác nhận thử nghiệm');
  });

  it('a share link opens without an account until it is tampered with or the result is revoked', async () => {
    const { body } = await api<ShareLink>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 2 } });
    expect(body).toMatchObject({ resultCode: code, revokedAt: null, url: expect.stringContaining(`/chia-se/${body.id}.`) });
    const path = new URL(body.url).pathname;
    const open = await get(path);
    expect(open.status).toBe(200);
    expect(Buffer.from(await open.arrayBuffer())).toEqual(Buffer.from(pdf));
    expect((await get(`${path.slice(0, -2)}xx`)).status).toBe(404);
    expect((await api(t, 'POST', `/api/v1/results/${code}/share`, { token: stranger, body: { hours: 2 } })).status).toBe(404);
    expect((await api(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 10_000 } })).status).toBe(400);
  });

  it('a token with anything appended, cut off or re-spelt is refused with the same answer as an unknown one', async () => {
    const { body } = await api<ShareLink>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 2 } });
    const path = new URL(body.url).pathname;
    const token = path.slice('/chia-se/'.length);
    const unknown = await get(`/chia-se/00000000-0000-4000-8000-000000000000.${token.split('.')[1]}`);
    expect(unknown.status).toBe(404);
    const answer = await unknown.text();
    const [id, mac] = token.split('.');
    const variants = [
      `${token}x`,
      `${token}.`,
      `${token}.x`,
      `${token}%20`,
      `${token}%0A`,
      `${token}=`,
      `${token}==`,
      `x${token}`,
      token.slice(0, -1),
      `${id}.`,
      id,
      `${id.toUpperCase()}.${mac}`,
      `${id}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${id}..${mac}`,
      `${id}.${mac}.${mac}`,
      // The stateless tokens of before: base64url(code.expiry).hmac — they could not be revoked.
      `${Buffer.from(`${code}.9999999999`).toString('base64url')}.${mac}`,
    ];
    for (const v of variants) {
      const r = await get(`/chia-se/${v}`);
      expect(r.status, v).toBe(404);
      expect(await r.text(), v).toBe(answer);
    }
    // A control character is refused before the route (400); the file is never sent.
    const nul = await get(`/chia-se/${token}%00`);
    expect([400, 404]).toContain(nul.status);
    expect(nul.headers.get('content-type')).not.toMatch(/pdf/);
    expect((await get(path)).status).toBe(200);
  });

  it('the holder revokes one link of two: that one stops opening, the other still works; another citizen can do neither', async () => {
    const [first, second] = [
      (await api<ShareLink>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 24 } })).body,
      (await api<ShareLink>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 48 } })).body,
    ];
    const listed = await api<ShareLink[]>(t, 'GET', '/api/v1/repository/share-links', { token: holder });
    expect(listed.body.map((l) => l.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    expect((await api<ShareLink[]>(t, 'GET', '/api/v1/repository/share-links', { token: stranger })).body).toEqual([]);

    // Another citizen's revoke is a 404, like an id that names no link, and the link still opens.
    const theirs = await api<{ error: { code: string } }>(t, 'POST', `/api/v1/repository/share-links/${first.id}/revoke`, { token: stranger });
    expect(theirs.status).toBe(404);
    expect((await api(t, 'POST', '/api/v1/repository/share-links/00000000-0000-4000-8000-000000000000/revoke', { token: stranger })).body).toEqual(theirs.body);
    expect((await api(t, 'POST', '/api/v1/repository/share-links/not-an-id/revoke', { token: holder })).status).toBe(404);
    expect((await get(new URL(first.url).pathname)).status).toBe(200);

    const revoked = await api<ShareLink>(t, 'POST', `/api/v1/repository/share-links/${first.id}/revoke`, { token: holder });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: first.id, revokedAt: expect.any(String) });
    expect((await get(new URL(first.url).pathname)).status).toBe(404);
    expect((await get(new URL(second.url).pathname)).status).toBe(200);
    const after = (await api<ShareLink[]>(t, 'GET', '/api/v1/repository/share-links', { token: holder })).body.map((l) => l.id);
    expect(after).toContain(second.id);
    expect(after).not.toContain(first.id);
    // Revoking it again changes nothing and is not audited twice.
    expect((await api<ShareLink>(t, 'POST', `/api/v1/repository/share-links/${first.id}/revoke`, { token: holder })).body.revokedAt).toBe(
      revoked.body.revokedAt,
    );

    const trail = await listAudit(t.ctx.database.db, { action: 'result.share', limit: 200 });
    const about = (id: string) => trail.filter((e) => e.data.link === id).map((e) => [e.action, e.actor, e.data.reason ?? null]);
    expect(about(first.id)).toEqual(
      expect.arrayContaining([
        ['result.share', `citizen:${HOLDER}`, null],
        ['result.share.revoke', `citizen:${HOLDER}`, null],
        ['result.share.open', 'anonymous', null],
        // Someone still holding the revoked link tried it: the holder revoked it for a reason.
        ['result.share.open_refused', 'anonymous', 'revoked'],
      ]),
    );
    expect(about(first.id).filter(([a]) => a === 'result.share.revoke')).toHaveLength(1);
  });

  it('an expired link is refused and the attempt audited', async () => {
    const { body } = await api<ShareLink>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 1 } });
    expect((await get(new URL(body.url).pathname)).status).toBe(200);
    // Two hours later, without waiting two hours.
    await sql`update share_links set created_at = created_at - interval '2 hours', expires_at = expires_at - interval '2 hours' where id = ${body.id}`.execute(
      t.ctx.database.db,
    );
    expect((await get(new URL(body.url).pathname)).status).toBe(404);
    expect((await api<ShareLink[]>(t, 'GET', '/api/v1/repository/share-links', { token: holder })).body.map((l) => l.id)).not.toContain(body.id);
    const trail = await listAudit(t.ctx.database.db, { action: 'result.share.open_refused', limit: 50 });
    expect(trail.some((e) => e.data.link === body.id && e.data.reason === 'expired')).toBe(true);
  });

  it('the repository page lists the open links, each with a revoke form that works without JavaScript', async () => {
    const made = await api<ShareLink>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 24 } });
    const keep = await api<ShareLink>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 24 } });
    const page = await (await get('/kho-du-lieu', holder)).text();
    const action = `/kho-du-lieu/lien-ket/${made.body.id}/thu-hoi`;
    // A bearer caller has no CSRF cookie, so the token is empty here; a signed-in browser gets its own (security.ts).
    const form = new RegExp(`<form method="post" action="${action}"><input type="hidden" name="_csrf" value(?:="([^"]*)")?/?>`).exec(page);
    expect(form, 'a revoke form with its CSRF field').not.toBeNull();
    expect(page).toContain(made.body.url);
    expect(page).toContain('Thu hồi');
    const r = await fetch(`${t.base}${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${holder}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: form![1] ?? '' }).toString(),
    });
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain(`Đã thu hồi liên kết chia sẻ ${code}`);
    expect(html).not.toContain(made.body.url);
    expect(html).toContain(keep.body.url);
    expect((await get(new URL(made.body.url).pathname)).status).toBe(404);
    expect((await get(new URL(keep.body.url).pathname)).status).toBe(200);
    // Another citizen posting the same form gets a 404 and the link stays as it is.
    const other = await fetch(`${t.base}/kho-du-lieu/lien-ket/${keep.body.id}/thu-hoi`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stranger}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: '',
    });
    expect(other.status).toBe(404);
    expect((await get(new URL(keep.body.url).pathname)).status).toBe(200);
  });

  it('reusing a result files it into a new dossier without an upload, and the dossier records the reuse', async () => {
    const reuse = await api<{ id: string; reusedFrom: string }>(t, 'POST', `/api/v1/results/${code}/reuse`, { token: holder });
    expect(reuse.status).toBe(201);
    expect(reuse.body.reusedFrom).toBe(code);
    const own = await uploadPdf(t, holder, 'giay-khac.pdf');
    const filed = await api<{ code: string; components: { code: string | null; reused: boolean }[] }>(t, 'POST', '/api/v1/dossiers', {
      token: holder,
      body: {
        procedureCode: TEST_PROCEDURE.code,
        channel: 2,
        form: FORM,
        components: [
          { code: 'T-01', uploadId: reuse.body.id },
          { code: 'T-02', uploadId: own, reused: true },
        ],
      },
    });
    expect(filed.status).toBe(201);
    // The client's claim counts for nothing: only the file taken from the repository is a reuse.
    expect(filed.body.components.map((c) => [c.code, c.reused])).toEqual([
      ['T-01', true],
      ['T-02', false],
    ]);
    expect((await api(t, 'POST', `/api/v1/results/${code}/reuse`, { token: stranger })).status).toBe(404);
  });

  it('a revoked result can no longer be shared, opened by link or reused', async () => {
    const { body } = await api<{ url: string }>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 2 } });
    expect((await api(t, 'POST', `/api/v1/results/${code}/revoke`, { token: await login(t, 'ky'), body: { reason: 'Thu hồi để kiểm thử' } })).status).toBe(200);
    expect((await get(new URL(body.url).pathname)).status).toBe(404);
    const share = await api<{ error: { code: string } }>(t, 'POST', `/api/v1/results/${code}/share`, { token: holder, body: { hours: 2 } });
    const reuse = await api<{ error: { code: string } }>(t, 'POST', `/api/v1/results/${code}/reuse`, { token: holder });
    expect([share.status, share.body.error.code, reuse.status, reuse.body.error.code]).toEqual([409, 'RESULT_REVOKED', 409, 'RESULT_REVOKED']);
  });
});
