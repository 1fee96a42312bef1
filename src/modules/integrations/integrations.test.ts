import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { deliverOutbox, enqueueOutbox, ensureOutboxQueue, type DeliveryOutcome } from '../../platform/outbox/index.ts';
import type { IntegrationView } from './schemas.ts';

/**
 * The operations page and API over a connection whose far side refuses a malformed message for
 * good and accepts the rest: what administrators and auditors see, pause, replay, and the audit.
 */
let t: TestApp;
let admin = '';
let auditor = '';
let refuse = true;
const received: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t, 'admin');
  auditor = await login(t, 'kiemtra');
  await ensureOutboxQueue(t.ctx, {
    name: 't-ops',
    label: { vi: 'Hệ thống thử', en: 'Test system' },
    async deliver(_ctx, m): Promise<DeliveryOutcome> {
      if (refuse && m.kind === 'bad') return { ok: false, error: 'error_code 1: NgayHenTra không đúng định dạng', permanent: true };
      received.push(m.dedupe);
      return { ok: true };
    },
  });
  // One delivery run each, the refused one first: a run may deliver its messages concurrently, and
  // the adapter's state ('ok' below) depends on which call came last.
  for (const [dedupe, kind] of [
    ['a', 'bad'],
    ['b', 'good'],
  ] as const) {
    await t.ctx.database.db.transaction().execute((tx) => enqueueOutbox(t.ctx, tx, { adapter: 't-ops', key: `K-${dedupe}`, dedupe, kind, payload: {} }));
    await deliverOutbox(t.ctx, 't-ops', { now: 'ignore-backoff' });
  }
});
afterAll(() => t?.close());

const ops = async (token: string) => {
  const r = await api<IntegrationView[]>(t, 'GET', '/api/v1/integrations', { token });
  expect(r.status).toBe(200);
  return r.body.find((a) => a.name === 't-ops')!;
};

describe('operations of the connections', () => {
  it('shows each adapter with its queue, last success, failure rate and dead letters', async () => {
    const a = await ops(auditor);
    expect(a).toMatchObject({ state: 'ok', pending: 0, dead: 1, calls24h: { ok: 1, failed: 1 }, failureRate: 50 });
    expect(a.lastSuccessAt).not.toBeNull();
    expect(a.deadLetters.map((d) => [d.key, d.kind, d.lastError])).toEqual([['K-a', 'bad', 'error_code 1: NgayHenTra không đúng định dạng']]);
    expect(received).toEqual(['b']);
  });

  it('the page shows the dead letter and, to administrators only, pause and replay', async () => {
    const asAdmin = await fetch(`${t.base}/can-bo/ket-noi`, { headers: { authorization: `Bearer ${admin}` } });
    const html = await asAdmin.text();
    expect(asAdmin.status).toBe(200);
    expect(html).toContain('Hệ thống thử');
    expect(html).toContain('NgayHenTra không đúng định dạng');
    expect(html).toContain('/can-bo/ket-noi/t-ops/gui-lai');
    expect(html).toContain('/can-bo/ket-noi/t-ops/tam-dung');
    const asAuditor = await (await fetch(`${t.base}/can-bo/ket-noi?lang=en`, { headers: { authorization: `Bearer ${auditor}` } })).text();
    expect(asAuditor).toContain('Dead letters');
    expect(asAuditor).not.toContain('/can-bo/ket-noi/t-ops/gui-lai');
    expect((await api(t, 'POST', '/api/v1/integrations/t-ops/replay', { token: auditor, body: { id: 'all' } })).status).toBe(403);
  });

  it('pausing holds deliveries back; resuming and replaying sends the dead letter, audited', async () => {
    expect((await api(t, 'POST', '/api/v1/integrations/t-ops/pause', { token: admin, body: { paused: true } })).status).toBe(204);
    expect(await ops(admin)).toMatchObject({ state: 'paused', paused: true, pausedBy: 'staff:admin' });
    refuse = false;
    const r = await api<{ replayed: number }>(t, 'POST', '/api/v1/integrations/t-ops/replay', { token: admin, body: { id: 'all' } });
    expect(r.body).toEqual({ replayed: 1 });
    await deliverOutbox(t.ctx, 't-ops', { now: 'ignore-backoff' });
    expect(received).toEqual(['b']);
    expect((await api(t, 'POST', '/api/v1/integrations/t-ops/pause', { token: admin, body: { paused: false } })).status).toBe(204);
    await deliverOutbox(t.ctx, 't-ops', { now: 'ignore-backoff' });
    expect(received).toEqual(['b', 'a']);
    expect(await ops(admin)).toMatchObject({ dead: 0, pending: 0, paused: false });

    const trail = await t.ctx.database.db.selectFrom('audit_log').select(['action', 'actor']).where('target', '=', 'integration:t-ops').orderBy('id').execute();
    expect(trail.map((e) => e.action)).toEqual(['integration.pause', 'integration.replay', 'integration.resume']);
  });

  it('refuses an unknown adapter and a malformed dead-letter id, in both languages', async () => {
    type Err = { error: { code: string; message: string; messageEn: string; details?: { path: string }[] } };
    const unknown = await api<Err>(t, 'POST', '/api/v1/integrations/no-such/replay', { token: admin, body: { id: 'all' } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(unknown.body.error.message).toContain('no-such');
    expect(unknown.body.error.messageEn).toContain('no-such');
    const bad = await api<Err>(t, 'POST', '/api/v1/integrations/t-ops/replay', {
      token: admin,
      body: { id: '1; drop table' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.[0]?.path).toBe('body.id');
  });
});
