import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';

/**
 * The business registry through the data-sharing gateway, end to end on the demo app: the
 * lookup API calls the registry simulator (served by the app at /simulators/registry, acting as
 * the LGSP), which checks our token and signatures as the platform does.
 */
let t: TestApp;
let citizen: string;
let official: string;
let auditor: string;
const SIM = '/simulators/registry';

const callsFor = async (code: string) => (await api<{ calls: unknown[] }>(t, 'GET', `${SIM}/calls?code=${code}`)).body.calls.length;
const lookups = async (code: string) =>
  (
    await api<{ actor: string; data: Record<string, unknown> }[]>(t, 'GET', `/api/v1/audit?action=business_registry.lookup&target=business:${code}`, {
      token: auditor,
    })
  ).body;

beforeAll(async () => {
  t = await startTestApp();
  [citizen, official, auditor] = await Promise.all([tokenFor(t, 'citizen'), tokenFor(t, 'receiving_officer'), tokenFor(t, 'auditor')]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/business-registry/{taxCode}', () => {
  it('answers a registered business, then its kept copy without asking the registry again; both audited', async () => {
    const r = await api(t, 'GET', '/api/v1/business-registry/0101234565', { token: citizen });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      taxCode: '0101234565',
      name: 'Công ty TNHH Thương mại Sao Việt',
      address: 'Tầng 5, số 25 Láng Hạ, phường Đống Đa, Hà Nội',
      representative: 'Lê Thị Thu',
      registrationDate: '2015-03-12',
      status: 'active',
      notice: null,
    });
    expect(await callsFor('0101234565')).toBe(1);
    // An official at the counter asks for the same business: the copy kept in the database answers.
    const again = await api(t, 'GET', '/api/v1/business-registry/0101%20234%20565', { token: official });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ taxCode: '0101234565', name: 'Công ty TNHH Thương mại Sao Việt' });
    expect(await callsFor('0101234565')).toBe(1);
    const trail = await lookups('0101234565');
    expect(trail.map((e) => [e.actor.split(':')[0], e.data.found, e.data.cached])).toEqual([
      ['staff', true, true],
      ['citizen', true, false],
    ]);
  });

  it('answers a branch by its 10-3 code', async () => {
    const r = await api<{ taxCode: string; name: string }>(t, 'GET', '/api/v1/business-registry/0101234565001', { token: citizen });
    expect(r.status).toBe(200);
    expect(r.body.taxCode).toBe('0101234565-001');
  });

  it('says plainly that a ceased business has ceased, and a suspended one is suspended', async () => {
    const ceased = await api<{ status: string; notice: { vi: string; en: string } | null }>(t, 'GET', '/api/v1/business-registry/0309876547', {
      token: citizen,
    });
    expect(ceased.status).toBe(200);
    expect(ceased.body.status).toBe('ceased');
    expect(ceased.body.notice?.vi).toContain('đã chấm dứt hoạt động');
    const suspended = await api<{ status: string; notice: unknown }>(t, 'GET', '/api/v1/business-registry/4500654329', { token: citizen });
    expect(suspended.body.status).toBe('suspended');
    expect(suspended.body.notice).not.toBeNull();
  });

  it('answers 404 for a code the registry does not know, and audits the lookup', async () => {
    const r = await api<{ error: { code: string; message: string } }>(t, 'GET', '/api/v1/business-registry/0100109106', { token: citizen });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    expect(r.body.error.message).toContain('0100109106');
    expect((await lookups('0100109106')).map((e) => e.data.found)).toEqual([false]);
  });

  it('refuses a malformed code or a wrong check digit before asking anyone', async () => {
    for (const code of ['12345', '0101234567', '0101234565-000', 'abcdefghij']) {
      const r = await api<{ error: { code: string } }>(t, 'GET', `/api/v1/business-registry/${code}`, { token: citizen });
      expect(r.status, code).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await callsFor('0101234567')).toBe(0);
  });

  it('is for signed-in people only', async () => {
    expect((await api(t, 'GET', '/api/v1/business-registry/0101234565')).status).toBe(401);
    expect((await api(t, 'GET', '/api/v1/business-registry/0101234565', { token: await tokenFor(t, 'scope:dossiers:read') })).status).toBe(403);
  });

  it('answers 503 when the registry fails, and answers again once it is back', async () => {
    await api(t, 'POST', `${SIM}/faults`, { body: { failNext: 3, status: 503 } });
    const r = await api<{ error: { code: string } }>(t, 'GET', '/api/v1/business-registry/0312456782', { token: citizen });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('GATEWAY_UNAVAILABLE');
    // Each attempt reached the registry (an idempotent read is retried), and none was kept as an answer.
    expect(await callsFor('0312456782')).toBe(3);
    const ok = await api<{ name: string }>(t, 'GET', '/api/v1/business-registry/0312456782', { token: citizen });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('Công ty TNHH Xuất nhập khẩu Phương Nam');
  });

  it('takes a new token when the platform no longer knows the one it kept', async () => {
    const before = (await api<{ tokensIssued: number }>(t, 'GET', `${SIM}/calls`)).body.tokensIssued;
    await api(t, 'POST', `${SIM}/faults`, { body: { revokeTokens: true } });
    const r = await api<{ name: string }>(t, 'GET', '/api/v1/business-registry/0106123989', { token: citizen });
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('Công ty Cổ phần Công nghệ Hồng Hà');
    expect((await api<{ tokensIssued: number }>(t, 'GET', `${SIM}/calls`)).body.tokensIssued).toBe(before + 1);
  });
});
