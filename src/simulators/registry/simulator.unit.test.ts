import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRegistrySimulator } from './simulator.ts';

/** The simulator's own reading of the contract refuses what the real platform would. */
const O = { clientId: 'congso-demo', clientSecret: 'secret-0123456789', signingKey: 'key-0123456789abcdef' };
const NOW = 1_780_000_000_000;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function signed(token: string, path: string, o: { ts?: number; key?: string; client?: string } = {}) {
  const ts = String(o.ts ?? NOW / 1000);
  const sha = createHash('sha256').update('').digest('hex');
  return {
    authorization: `Bearer ${token}`,
    'x-lgsp-client-id': o.client ?? O.clientId,
    'x-lgsp-timestamp': ts,
    'x-lgsp-content-sha256': sha,
    'x-lgsp-signature': createHmac('sha256', o.key ?? O.signingKey)
      .update(`GET\n${path}\n${ts}\n${sha}`)
      .digest('base64'),
  };
}

describe('the registry simulator', () => {
  const sim = createRegistrySimulator({ ...O, now: () => NOW });
  const token = () => (sim.token(basic(O.clientId, O.clientSecret), { grant_type: 'client_credentials' }).body as { access_token: string }).access_token;
  const path = '/simulators/registry/dkkd/v1/doanh-nghiep/0309876547';

  it('issues tokens to its client only', () => {
    expect(sim.token(basic(O.clientId, 'wrong'), { grant_type: 'client_credentials' }).status).toBe(400);
    expect(sim.token(undefined, { grant_type: 'client_credentials', client_id: O.clientId, client_secret: O.clientSecret }).status).toBe(200);
    expect(sim.token(basic(O.clientId, O.clientSecret), { grant_type: 'password' }).status).toBe(400);
  });

  it('answers a signed call, and refuses a missing token, a wrong key, a wrong client and an old timestamp', () => {
    const tk = token();
    expect(sim.lookup(signed(tk, path), 'GET', path, '0309876547')).toMatchObject({ kind: 'answer', status: 200, body: { tinhTrang: '03' } });
    const badToken = { status: 400, body: { maLoi: 'TOKEN_KHONG_HOP_LE' }, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    const badSignature = { status: 400, body: { maLoi: 'CHU_KY_KHONG_HOP_LE' } };
    expect(sim.lookup(signed('nope', path), 'GET', path, '0309876547')).toMatchObject(badToken);
    expect(sim.lookup(signed(tk, path, { key: 'another-key-0123456789' }), 'GET', path, '0309876547')).toMatchObject(badSignature);
    expect(sim.lookup(signed(tk, path, { client: 'someone' }), 'GET', path, '0309876547')).toMatchObject(badSignature);
    expect(sim.lookup(signed(tk, path, { ts: NOW / 1000 - 301 }), 'GET', path, '0309876547')).toMatchObject(badSignature);
    // Signed for another path: the signature does not verify for this one.
    expect(sim.lookup(signed(tk, `${path}0`), 'GET', path, '0309876547')).toMatchObject(badSignature);
  });

  it('injects faults: the next N fail, connections reset, then it answers again', () => {
    const tk = token();
    sim.setFaults({ failNext: 1, status: 502, resetNext: 1 });
    expect(sim.lookup(signed(tk, path), 'GET', path, '0309876547').kind).toBe('reset');
    expect(sim.lookup(signed(tk, path), 'GET', path, '0309876547')).toMatchObject({ status: 502 });
    expect(sim.lookup(signed(tk, path), 'GET', path, '0309876547')).toMatchObject({ status: 200 });
    sim.revokeTokens();
    expect(sim.lookup(signed(tk, path), 'GET', path, '0309876547')).toMatchObject({ status: 400, body: { maLoi: 'TOKEN_KHONG_HOP_LE' } });
  });
});
