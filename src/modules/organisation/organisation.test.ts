import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { ERROR_CODES } from '../../platform/errors.ts';

type Err = { error: { code: string; details?: { path: string }[] } };

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t, 'admin');
});
afterAll(() => t?.close());

describe('organisation', () => {
  it('the demo agency tree has the ministry at its root and units with electronic codes', async () => {
    const units = (await api<{ id: string; parentId: string | null; kind: string }[]>(t, 'GET', '/api/v1/units', { token: admin })).body;
    expect(units.filter((u) => u.parentId === null)).toEqual([expect.objectContaining({ id: '000.00.00.G12', kind: 'ministry' })]);
    for (const u of units) expect(u.id).toMatch(/^\d{3}\.\d{2}\.\d{2}\.G12$/);
  });

  it('adds a unit under an existing parent and refuses bad codes, unknown parents and duplicates', async () => {
    const body = { id: '000.05.09.g12', parentId: '000.05.00.G12', kind: 'unit', name: 'Phòng Thử nghiệm' };
    const ok = await api<{ id: string }>(t, 'POST', '/api/v1/units', { token: admin, body });
    expect(ok.status).toBe(201);
    expect(ok.body.id).toBe('000.05.09.G12');
    const again = await api<Err>(t, 'POST', '/api/v1/units', { token: admin, body });
    expect([again.status, again.body.error.code]).toEqual([409, 'UNIT_ID_TAKEN']);
    const bad = await api<Err>(t, 'POST', '/api/v1/units', { token: admin, body: { ...body, id: '../etc' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.[0].path).toBe('body.id');
    const orphan = await api<Err>(t, 'POST', '/api/v1/units', { token: admin, body: { ...body, id: 'G12.77', parentId: 'G99' } });
    expect(orphan.status).toBe(400);
  });

  it('creates an official; a signer gets a TOTP secret once, and can sign in with it', async () => {
    const r = await api<{ totpSecret: string | null }>(t, 'POST', '/api/v1/staff', {
      token: admin,
      body: { username: 'ky.moi', fullName: 'Nguyễn Văn Ấn', password: 'mat-khau-dai-10', roles: [{ role: 'signing_leader', unitId: '000.05.00.G12' }] },
    });
    expect(r.status).toBe(201);
    expect(r.body.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    const { totpCode } = await import('../../platform/auth/totp.ts');
    const signIn = await api(t, 'POST', '/api/v1/auth/login', { body: { username: 'ky.moi', password: 'mat-khau-dai-10', otp: totpCode(r.body.totpSecret!) } });
    expect(signIn.status).toBe(200);
    const list = (await api<{ username: string; totpEnabled: boolean; roles: { role: string }[] }[]>(t, 'GET', '/api/v1/staff', { token: admin })).body;
    expect(list.find((s) => s.username === 'ky.moi')).toMatchObject({ totpEnabled: true, roles: [{ role: 'signing_leader', unitId: '000.05.00.G12' }] });
  });

  it('refuses a username already in use, leaving its account as it was', async () => {
    const taken = await api<Err>(t, 'POST', '/api/v1/staff', {
      token: admin,
      body: { username: 'chuyenvien', fullName: 'Người Khác', password: 'mat-khau-dai-10', roles: [{ role: 'auditor', unitId: '000.00.00.G12' }] },
    });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'USERNAME_TAKEN']);
    const list = (await api<{ username: string; fullName: string; roles: unknown[] }[]>(t, 'GET', '/api/v1/staff', { token: admin })).body;
    expect(list.filter((s) => s.username === 'chuyenvien')).toMatchObject([
      { fullName: 'Trần Minh Đức', roles: [{ role: 'specialist', unitId: '000.05.01.G12' }] },
    ]);
  });

  it('refuses weak passwords, unknown roles and unknown units, creating nothing', async () => {
    const weak = await api<Err>(t, 'POST', '/api/v1/staff', {
      token: admin,
      body: { username: 'yeu', fullName: 'Mật Khẩu Yếu', password: 'short', roles: [{ role: 'specialist', unitId: '000.05.01.G12' }] },
    });
    expect(weak.status).toBe(400);
    const role = await api<Err>(t, 'POST', '/api/v1/staff', {
      token: admin,
      body: { username: 'vaitro', fullName: 'Vai Trò Lạ', password: 'mat-khau-dai-10', roles: [{ role: 'king', unitId: '000.05.01.G12' }] },
    });
    expect(role.body.error.details?.[0].path).toBe('body.roles[0].role');
    const unit = await api<Err>(t, 'POST', '/api/v1/staff', {
      token: admin,
      body: { username: 'donvi', fullName: 'Đơn Vị Lạ', password: 'mat-khau-dai-10', roles: [{ role: 'specialist', unitId: 'G99.01' }] },
    });
    expect(unit.status).toBe(400);
    const list = (await api<{ username: string }[]>(t, 'GET', '/api/v1/staff', { token: admin })).body.map((s) => s.username);
    expect(list).not.toContain('donvi');
  });

  it('replacing roles and disabling an account take effect at the next sign-in', async () => {
    expect(
      (await api(t, 'PUT', '/api/v1/staff/chuyenvien/roles', { token: admin, body: { roles: [{ role: 'auditor', unitId: '000.00.00.G12' }] } })).status,
    ).toBe(200);
    const tok = await login(t, 'chuyenvien');
    expect((await api(t, 'GET', '/api/v1/audit/verify', { token: tok })).status).toBe(200);
    expect((await api(t, 'PUT', '/api/v1/staff/chuyenvien/active', { token: admin, body: { active: false } })).status).toBe(200);
    expect((await api(t, 'POST', '/api/v1/auth/login', { body: { username: 'chuyenvien', password: 'congso-demo' } })).status).toBe(401);
    expect((await api(t, 'PUT', '/api/v1/staff/nobody/active', { token: admin, body: { active: false } })).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  type Code = { enum?: string[]; description?: string };
  type Doc = {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema: { properties?: { error?: { properties?: { code?: Code } } } } }> }> }>
    >;
  };

  it('lists the error codes in ErrorBody, each with its status and meaning', async () => {
    const doc = (await api<Doc>(t, 'GET', '/api/openapi.json')).body;
    const code = doc.paths['/api/v1/staff'].post.responses['409'].content?.['application/json'].schema.properties?.error?.properties?.code;
    expect(code?.enum).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'USERNAME_TAKEN', 'UNIT_ID_TAKEN', 'IDEMPOTENCY_KEY_REUSED', 'STALE_VERSION']),
    );
    expect([...(code?.enum ?? [])].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(code?.description).toContain('USERNAME_TAKEN (409): An account with this username already exists');
  });
});
