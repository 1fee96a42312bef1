import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayUnavailable, HttpGateway, type CallOutcome } from './gateway.ts';

/**
 * The gateway client against a stand-in of the data-sharing platform (a plain HTTP server in this
 * test): it checks the token and the signature with its own code, written out here, and answers
 * as each test tells it.
 */

const CLIENT = { id: 'congso-test', secret: 'client-secret-0123456789', key: 'signing-key-0123456789abcdef' };
let server: Server;
let base: string;
let tokensIssued = 0;
let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string; signatureOk: boolean }[] = [];
/** What the next registry calls answer (one entry per call; then 200). */
let script: (number | 'hang' | 'drop')[] = [];
let tokenStatus = 200;
const valid = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.url === '/base/token') {
        const basic = Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64');
        if (tokenStatus !== 200 || req.headers.authorization !== `Basic ${basic}` || body !== 'grant_type=client_credentials') {
          res.writeHead(tokenStatus === 200 ? 401 : tokenStatus).end('{"error":"invalid_client"}');
          return;
        }
        const token = `t${++tokensIssued}`;
        valid.add(token);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      const h = req.headers;
      const sha = createHash('sha256').update(body).digest('hex');
      const text = `${req.method}\n${req.url}\n${h['x-lgsp-timestamp']}\n${sha}`;
      const signatureOk =
        h['x-lgsp-client-id'] === CLIENT.id &&
        h['x-lgsp-content-sha256'] === sha &&
        h['x-lgsp-signature'] === createHmac('sha256', CLIENT.key).update(text).digest('base64');
      seen.push({ method: req.method!, url: req.url!, headers: h, body, signatureOk });
      if (!valid.has(String(h.authorization).replace(/^Bearer /, ''))) {
        // Some platforms refuse everything with 400 and say why in WWW-Authenticate (RFC 6750 §3).
        if (req.url?.includes('/as-400/')) res.writeHead(400, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
        else res.writeHead(401).end();
        return;
      }
      if (!signatureOk) {
        res.writeHead(403).end('{"maLoi":"CHU_KY_KHONG_HOP_LE"}');
        return;
      }
      const next = script.shift() ?? 200;
      if (next === 'hang') return; // never answered: the client's time limit decides
      if (next === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(next, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, body: body || null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/base`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen = [];
  script = [];
  tokenStatus = 200;
});

function gateway(o: { now?: () => number; threshold?: number } = {}) {
  const calls: (CallOutcome & { service: string })[] = [];
  const g = new HttpGateway(
    {
      url: base,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      signingKey: CLIENT.key,
      timeoutMs: 300,
      retries: 2,
      retryBaseMs: 1,
      breakerThreshold: o.threshold ?? 4,
      breakerCoolDownMs: 60_000,
    },
    {
      record: async (service, outcome) => void calls.push({ service, ...outcome }),
      now: o.now,
    },
  );
  return { g, calls };
}

describe('the data-sharing gateway client', () => {
  it('gets a token once and keeps it for later calls', async () => {
    const { g } = gateway();
    const before = tokensIssued;
    for (let i = 0; i < 3; i++) expect((await g.call({ service: 'svc', method: 'GET', path: '/x/1' })).status).toBe(200);
    expect(tokensIssued - before).toBe(1);
    expect(seen.map((s) => s.headers.authorization)).toEqual([`Bearer t${before + 1}`, `Bearer t${before + 1}`, `Bearer t${before + 1}`]);
  });

  it('signs method, path with query, timestamp and the body hash', async () => {
    const { g } = gateway();
    const r = await g.call({ service: 'svc', method: 'POST', path: '/x/2', query: { a: 'b c' }, body: { maSo: '0101234565' } });
    expect(r).toEqual({ status: 200, body: { path: '/base/x/2?a=b+c', body: '{"maSo":"0101234565"}' } });
    const s = seen[0];
    expect(s.signatureOk).toBe(true);
    expect(s.headers['x-lgsp-content-sha256']).toBe(createHash('sha256').update('{"maSo":"0101234565"}').digest('hex'));
    expect(Math.abs(Number(s.headers['x-lgsp-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(s.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries an idempotent call after a 5xx, a dropped connection and a timeout, recording each attempt', async () => {
    const { g, calls } = gateway();
    script = [503, 'drop'];
    expect((await g.call({ service: 'svc', method: 'GET', path: '/x/3' })).status).toBe(200);
    expect(seen.length).toBe(3);
    expect(calls.map((c) => c.ok)).toEqual([false, false, true]);
    expect(calls[0].error).toMatch(/HTTP 503/);
    script = ['hang'];
    expect((await g.call({ service: 'svc', method: 'GET', path: '/x/4' })).status).toBe(200);
    expect(calls.at(-2)?.error).toMatch(/no answer within 0.3 s/);
  });

  it('sends a call that is not idempotent once, and says the service is unavailable', async () => {
    const { g } = gateway();
    script = [502];
    const e = await g.call({ service: 'svc', method: 'POST', path: '/x/5', body: {} }).catch((x) => x);
    expect(e).toBeInstanceOf(GatewayUnavailable);
    expect(e.code).toBe('GATEWAY_UNAVAILABLE');
    expect(seen.length).toBe(1);
  });

  it('answers a 4xx as an answer, not a failure', async () => {
    const { g, calls } = gateway();
    script = [404];
    expect((await g.call({ service: 'svc', method: 'GET', path: '/x/6' })).status).toBe(404);
    expect(calls).toEqual([expect.objectContaining({ service: 'svc', ok: true })]);
  });

  it('takes a new token once when the platform refuses the one it kept', async () => {
    const { g } = gateway();
    await g.call({ service: 'svc', method: 'GET', path: '/x/7' });
    valid.clear(); // the platform rotated its keys
    const before = tokensIssued;
    expect((await g.call({ service: 'svc', method: 'GET', path: '/x/8' })).status).toBe(200);
    expect(tokensIssued - before).toBe(1);
    valid.clear();
    expect((await g.call({ service: 'svc', method: 'GET', path: '/as-400/9' })).status).toBe(200);
    expect(tokensIssued - before).toBe(2);
  });

  it('gives up at once when the platform refuses our credentials', async () => {
    const { g } = gateway();
    tokenStatus = 401;
    const e = await g.call({ service: 'svc', method: 'GET', path: '/x/9' }).catch((x) => x);
    expect(e).toBeInstanceOf(GatewayUnavailable);
    expect(e.reason).toMatch(/token refused: HTTP 401/);
    expect(seen.length).toBe(0);
  });

  it('opens the circuit after N failures in a row, refuses without calling, and closes after a good probe', async () => {
    let now = 1_000_000;
    const { g, calls } = gateway({ now: () => now, threshold: 4 });
    script = [500, 500, 500, 500];
    // Three attempts fail (the first call), the fourth opens the circuit (the second call's first attempt).
    await expect(g.call({ service: 'reg', method: 'GET', path: '/x/a' })).rejects.toThrow(GatewayUnavailable);
    await expect(g.call({ service: 'reg', method: 'GET', path: '/x/b' })).rejects.toThrow(GatewayUnavailable);
    expect(seen.length).toBe(4);
    expect(g.breakerState('reg')).toBe('open');
    // Open: refused without a request, and recorded.
    const e = await g.call({ service: 'reg', method: 'GET', path: '/x/c' }).catch((x) => x);
    expect(e.reason).toBe('circuit open');
    expect(seen.length).toBe(4);
    expect(calls.at(-1)).toEqual({ service: 'reg', ok: false, error: 'circuit open', ms: 0 });
    // Another service behind the same gateway is not affected.
    expect((await g.call({ service: 'other', method: 'GET', path: '/x/d' })).status).toBe(200);
    // After the cool-down one probe goes through; it fails, so the circuit opens again at once (no retries).
    now += 60_001;
    expect(g.breakerState('reg')).toBe('half-open');
    script = [503];
    await expect(g.call({ service: 'reg', method: 'GET', path: '/x/e' })).rejects.toThrow(GatewayUnavailable);
    expect(seen.length).toBe(6);
    expect(g.breakerState('reg')).toBe('open');
    // The next probe succeeds: closed again, calls flow.
    now += 60_001;
    expect((await g.call({ service: 'reg', method: 'GET', path: '/x/f' })).status).toBe(200);
    expect(g.breakerState('reg')).toBe('closed');
    expect((await g.call({ service: 'reg', method: 'GET', path: '/x/g' })).status).toBe(200);
  });
});
