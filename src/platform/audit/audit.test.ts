import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { audit, verifyAudit } from './index.ts';

type Verify = { ok: boolean; checked: number; firstBrokenId: number | null };

let t: TestApp;
let auditor: string;
beforeAll(async () => {
  t = await startTestApp();
  auditor = await login(t, 'kiemtra');
});
afterAll(() => t?.close());

describe('hash-chained audit trail', () => {
  it('records sign-ins and configuration changes, and the chain verifies', async () => {
    const admin = await login(t, 'admin');
    await api(t, 'POST', '/api/v1/units', { token: admin, body: { id: '000.99.00.G12', parentId: '000.00.00.G12', kind: 'department', name: 'Vụ Thử nghiệm' } });
    const rows = await t.ctx.database.db.selectFrom('audit_log').select(['actor', 'action', 'target']).execute();
    expect(rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ actor: 'staff:admin', action: 'auth.login' }),
      expect.objectContaining({ actor: 'staff:admin', action: 'org.unit.create', target: 'unit:000.99.00.G12' }),
      expect.objectContaining({ action: 'catalog.import' }),
    ]));
    const r = await api<Verify>(t, 'GET', '/api/v1/audit/verify', { token: auditor });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.checked).toBe(rows.length);
  });

  it('concurrent writers still form unbroken chains, one object\'s entries in one chain', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => audit(t.ctx.database.db, { actor: 'system', action: 'test.concurrent', data: { i } })));
    await Promise.all(Array.from({ length: 60 }, (_, i) => audit(t.ctx.database.db, { actor: 'system', action: 'test.spread', target: `thing:${i % 20}`, data: { i } })));
    expect((await verifyAudit(t.ctx.database.db)).ok).toBe(true);
    const chains = await t.ctx.database.db.selectFrom('audit_log').select(['target', 'chain']).where('action', '=', 'test.spread').execute();
    expect(new Set(chains.map((c) => c.chain)).size).toBeGreaterThan(4);
    for (const c of chains) expect(c.chain).toBe(chains.find((x) => x.target === c.target)!.chain);
  });

  let tampered: { id: number; data: unknown };
  it('editing one row directly in the database is reported at that row', async () => {
    const target = await t.ctx.database.db.selectFrom('audit_log').select(['id', 'data']).where('action', '=', 'org.unit.create').orderBy('id').offset(3).limit(1).executeTakeFirstOrThrow();
    tampered = target;
    await sql`update audit_log set data = jsonb_set(data, '{name}', '"Vụ Giả mạo"') where id = ${target.id}`.execute(t.ctx.database.db);
    const r = await api<Verify>(t, 'GET', '/api/v1/audit/verify', { token: auditor });
    expect(r.body).toMatchObject({ ok: false, firstBrokenId: target.id });
  });

  it('a deleted row breaks the chain too (smaller batches walk the same chain)', async () => {
    await sql`update audit_log set data = ${JSON.stringify(tampered.data)}::jsonb where id = ${tampered.id}`.execute(t.ctx.database.db);
    expect((await verifyAudit(t.ctx.database.db, 7)).ok).toBe(true);
    const victim = await t.ctx.database.db.selectFrom('audit_log').select('id').where('action', '=', 'test.concurrent').orderBy('id').limit(1).executeTakeFirstOrThrow();
    await t.ctx.database.db.deleteFrom('audit_log').where('id', '=', victim.id).execute();
    const r = await verifyAudit(t.ctx.database.db, 7);
    expect(r.ok).toBe(false);
    expect(r.firstBrokenId).toBeGreaterThan(victim.id);
  });
});
