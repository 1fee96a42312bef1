/**
 * The whole local cluster (`npm run cluster`, ops/cluster/cluster.ts) driven from outside
 * (issue 17): a PostgreSQL primary and its streaming replica, the S3 object store, two app
 * nodes, two workers and HAProxy. First what must hold across nodes (a session made on one
 * node used on the other, a file uploaded on one downloaded from the other, a citizen's SSO
 * sign-in through the balancer), then four faults, each under a bounded load through HAProxy,
 * each printing its counts: requests, failures, retries, lost, duplicated.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startCluster, type Cluster } from '../../ops/cluster/cluster.ts';
import { HAPROXY, parseHaproxyStats } from '../../ops/cluster/haproxy.ts';
import { postgresInstallable } from '../../ops/cluster/postgres.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import { CookieBrowser } from '../cookie-browser.ts';
import { RELAXED_LIMITS } from '../helpers.ts';
import { inCI } from '../tools.ts';
import { attempt, filers, importTestProcedure, inspect, newFiling, request, sleep, upload, type Filer, type Filing } from '../durability/support.ts';

const haproxyThere = existsSync(HAPROXY);
if (!haproxyThere) {
  if (inCI()) throw new Error(`${HAPROXY} missing: apt-get install haproxy (.ci/run installs it)`);
  console.warn('HAProxy is not installed (apt-get install haproxy): the cluster test is skipped');
}
const runnable = haproxyThere && postgresInstallable();

/** Hang guards only: a loaded two-core machine is slow, never a failure by itself. */
const LONG = 900_000;

let c: Cluster;
let db: pg.Pool;
let who: Filer[];
/** Codes of the demo's dossiers, tracked by the load (present on the primary and the replica alike). */
let demoCodes: string[];

/** One call the workers made to the national portal, as the tap in front of it saw it. */
interface PortalCall {
  service: string;
  /** The dossiers (MaHoSo) the call carries. */
  codes: string[];
  isUpdating?: string;
  /** The portal's error_code (0 ok, "already exists", …); absent while unanswered. */
  answer?: number;
  /** The caller was gone when the answer came (a killed worker): the portal acted, nobody heard. */
  callerGone?: boolean;
}
const portalCalls: PortalCall[] = [];
let tap: Server | undefined;

/**
 * The workers reach the demo's national portal (served by node 1 behind HAProxy) through this
 * tap, which records each service call whole before passing it on, whether or not its caller
 * is still there for the answer: the calls a killed worker left in flight are counted too.
 */
async function startPortalTap(): Promise<number> {
  const port = await freePort();
  tap = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the caller died before its request was whole: nothing reached the portal
    }
    const body = Buffer.concat(chunks);
    let call: PortalCall | undefined;
    if (req.url?.endsWith('/service')) {
      const b = JSON.parse(body.toString('utf8')) as { service: string; isUpdating?: string; data?: { MaHoSo?: string }[] };
      call = { service: b.service, codes: (b.data ?? []).map((d) => String(d.MaHoSo)), isUpdating: b.isUpdating };
      portalCalls.push(call);
    }
    try {
      const r = await fetch(`${c.url}${req.url}`, {
        method: req.method,
        headers: { 'content-type': 'application/json', accept: 'application/json', dstcode: String(req.headers.dstcode ?? '') },
        body: req.method === 'POST' ? body : undefined,
      });
      const text = await r.text();
      if (call) {
        call.answer = (JSON.parse(text) as { error_code?: number }).error_code;
        call.callerGone = req.socket.destroyed;
      }
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(text);
    } catch (e) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`tap: ${(e as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => tap!.listen(port, '127.0.0.1', resolve));
  return port;
}

beforeAll(async () => {
  if (!runnable) return;
  const tapPort = await startPortalTap();
  c = await startCluster({
    env: {
      // The load comes from one address; the limits are not what this test measures.
      ...RELAXED_LIMITS,
      // Failed outbox sends retried within seconds.
      OUTBOX_RETRY_BASE_MS: '1000',
      // The demo's portal, reached through the tap; the same account on every node (its simulator) and worker (its client).
      NATIONAL_PORTAL_URL: `http://127.0.0.1:${tapPort}/simulators/dvcqg`,
      NATIONAL_PORTAL_USERNAME: 'congso-demo',
      NATIONAL_PORTAL_PASSWORD: randomBytes(12).toString('base64url'),
      NATIONAL_PORTAL_UNIT_CODE: 'G00-DEMO',
      NATIONAL_PORTAL_DSTCODE: 'congso-demo',
    },
    log: (line) => console.info(`cluster: ${line}`),
  });
  db = new pg.Pool({ connectionString: c.primary.url, max: 3 });
  await importTestProcedure(c.url);
  const secrets = JSON.parse(readFileSync(path.join(c.secretsDir, 'secrets.json'), 'utf8')) as { token: string };
  who = await filers(c.url, secrets.token);
  demoCodes = (await db.query<{ code: string }>('select code from dossiers order by code limit 20')).rows.map((r) => r.code);
}, LONG);

afterAll(async () => {
  await db?.end();
  await c?.stop();
  tap?.close();
}, LONG);

// ---------------------------------------------------------------------------------------
// The load: a few loops through HAProxy of filings (with their Idempotency-Key, retried by the
// client on failure), tracking and page views (retried by nobody but the proxy).

interface Counts {
  requests: number;
  failures: number;
  retries: number;
  lost: number;
  duplicated: number;
}

interface Load {
  counts: Counts;
  filings: Filing[];
  /** Each failure a reader saw: method, path and status or error. */
  readFailures: string[];
  stop(): Promise<void>;
}

const PAGES = ['/', '/thu-tuc', '/tra-cuu', '/thong-ke'];

/** Files with up to 5 tries under one key; the upload is kept once it succeeded. */
async function fileWithRetries(f: Filing, counts: Counts): Promise<void> {
  const t0 = performance.now();
  for (let tryNo = 0; tryNo < 5; tryNo++) {
    if (tryNo > 0) {
      counts.retries++;
      await sleep(500 * tryNo);
    }
    const failuresBefore = f.failures.length;
    const uploadedBefore = !!f.uploadId;
    const r = await attempt(c.url, f, t0, 60_000);
    // The upload, unless an earlier try made it, and the filing once there is an upload to file.
    counts.requests += (uploadedBefore ? 0 : 1) + (f.uploadId ? 1 : 0);
    counts.failures += f.failures.length - failuresBefore;
    if (f.state === 'acked') return;
    // A refusal with a 4xx other than a conflict is the request's fault: retrying it changes nothing.
    if (r && r.status >= 400 && r.status < 500 && r.status !== 409 && r.status !== 429) return;
  }
}

async function read(counts: Counts, failures: string[], i: number): Promise<void> {
  const url = i % 3 === 0 && demoCodes.length ? `/api/v1/public/dossiers/${encodeURIComponent(demoCodes[i % demoCodes.length])}` : PAGES[i % PAGES.length];
  counts.requests++;
  try {
    const r = await request(c.url, 'GET', url, { headers: { accept: url.startsWith('/api') ? 'application/json' : 'text/html' }, timeoutMs: 60_000 });
    if (r.status !== 200) {
      counts.failures++;
      failures.push(`GET ${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    }
  } catch (e) {
    counts.failures++;
    failures.push(`GET ${url}: ${(e as Error).message}`);
  }
}

/** `loops` concurrent loops; each filing loop files one dossier after another, each reading loop reads. */
function startLoad(o: { filers: number; readers: number; prefix: string; citizensOnly?: boolean }): Load {
  const counts: Counts = { requests: 0, failures: 0, retries: 0, lost: 0, duplicated: 0 };
  const filings: Filing[] = [];
  const readFailures: string[] = [];
  let stopped = false;
  const loops = [
    ...Array.from({ length: o.filers }, async (_, l) => {
      for (let i = 0; !stopped; i++) {
        const from = o.citizensOnly ? who.filter((w) => w.kind === 'citizen') : who;
        const f = await newFiling(o.prefix, from[(l + i) % from.length]);
        filings.push(f);
        await fileWithRetries(f, counts);
      }
    }),
    ...Array.from({ length: o.readers }, async (_, l) => {
      for (let i = l; !stopped; i += o.readers) await read(counts, readFailures, i);
    }),
  ];
  return {
    counts,
    filings,
    readFailures,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Waits until `fn` is truthy; a hang guard, not a measurement. */
async function until<T>(what: string, fn: () => Promise<T | undefined | false | null>, ms = 300_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const acked = (l: Load) => l.filings.filter((f) => f.state === 'acked').length;

/** How many dossiers the primary holds under each of these keys. */
async function dossiersByKey(keys: string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ key: string; n: number }>(
    'select idempotency_key as key, count(*)::int as n from dossiers where idempotency_key = any($1) group by idempotency_key',
    [keys],
  );
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** Every filing that got a 2xx is there once; every filing is there at most once. */
async function lostAndDuplicated(filings: Filing[]): Promise<{ lost: string[]; duplicated: string[] }> {
  const held = await dossiersByKey(filings.map((f) => f.key));
  return {
    lost: filings.filter((f) => f.state === 'acked' && held.get(f.key) !== 1).map((f) => f.key),
    duplicated: filings.filter((f) => (held.get(f.key) ?? 0) > 1).map((f) => f.key),
  };
}

function printCounts(fault: string, k: Counts, more = '') {
  console.info(
    `cluster fault ${fault}: requests ${k.requests}, failures ${k.failures}, retries ${k.retries}, lost ${k.lost}, duplicated ${k.duplicated}${more ? `; ${more}` : ''}`,
  );
}

/** HAProxy's own retries and redispatches on the app nodes, from its statistics. */
async function proxyRetries(): Promise<{ retries: number; redispatches: number }> {
  const csv = await (await fetch(`${c.statsUrl}/;csv`)).text();
  const backend = parseHaproxyStats(csv).find((r) => r.pxname === 'nodes' && r.svname === 'BACKEND');
  return { retries: Number(backend?.wretr ?? 0), redispatches: Number(backend?.wredis ?? 0) };
}

/** A node's Prometheus counter `congso_db_reads_total` by target and reason. */
async function readsOf(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^congso_db_reads_total\{([^}]*)\} (\S+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

const nodeBase = (i: number) => `http://127.0.0.1:${c.nodes[i].port}`;

// ---------------------------------------------------------------------------------------

describe.skipIf(!runnable)('the local cluster: two app nodes, two workers, primary and replica, S3, HAProxy', () => {
  it(
    'a session made on one node works on the other; a file uploaded on one is downloaded from the other',
    async () => {
      const b = new CookieBrowser();
      const form = await b.send('GET', `${nodeBase(0)}/can-bo/dang-nhap`, { headers: { accept: 'text/html' } });
      const signIn = await b.send('POST', `${nodeBase(0)}/can-bo/dang-nhap`, {
        body: new URLSearchParams({ _csrf: CookieBrowser.csrf(form.text), username: 'chuyenvien', password: 'congso-demo', next: '/can-bo' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect([signIn.status, signIn.location], signIn.text.slice(0, 300)).toEqual([302, '/can-bo']);
      // The cookie jar ignores ports, as browsers do: node 2 gets node 1's session cookie.
      const onTwo = await b.send('GET', `${nodeBase(1)}/can-bo`, { headers: { accept: 'text/html' } });
      expect(onTwo.status, onTwo.text.slice(0, 300)).toBe(200);
      expect(onTwo.text).toContain('Trần Minh Đức');

      // Upload on node 1 with the session and its CSRF token, download from node 2.
      const page = await b.send('GET', `${nodeBase(0)}/can-bo`, { headers: { accept: 'text/html' } });
      const bytes = Buffer.from((await newFiling('two-nodes', who[0])).pdf);
      const boundary = `----congso${randomBytes(8).toString('hex')}`;
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ho-so.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const up = await fetch(`${nodeBase(0)}/api/v1/uploads`, {
        method: 'POST',
        headers: {
          cookie: b.cookieHeader(nodeBase(0)),
          'x-csrf-token': CookieBrowser.csrf(page.text),
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
        body,
      });
      const uploaded = (await up.json()) as { id: string };
      expect(up.status, JSON.stringify(uploaded)).toBe(201);
      const down = await fetch(`${nodeBase(1)}/api/v1/uploads/${uploaded.id}`, { headers: { cookie: b.cookieHeader(nodeBase(1)) } });
      expect(down.status).toBe(200);
      expect(Buffer.from(await down.arrayBuffer()).equals(bytes)).toBe(true);
    },
    LONG,
  );

  it(
    "a citizen signs in with the SSO simulator through HAProxy (the sign-in's steps land on both nodes)",
    async () => {
      const b = new CookieBrowser();
      const page = await b.go('GET', `${c.url}/dang-nhap/vneid?next=${encodeURIComponent('/ho-so-cua-toi')}`);
      expect(new URL(page.url).pathname, page.text.slice(0, 300)).toMatch(/^\/sso\/interaction\//);
      const action = new URL(/<form method="post" action="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&'), page.url).href;
      const back = await b.go('POST', action, {
        body: new URLSearchParams({ username: '001089012345', password: 'congso-demo' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(new URL(back.url).pathname, `${back.status} ${back.text.slice(0, 300)}`).toBe('/ho-so-cua-toi');
      expect(back.status).toBe(200);
      expect(back.text).toContain('Trần Văn Minh');
    },
    LONG,
  );

  it(
    '(a) SIGKILL an app node under load: in-flight requests fail at most once, no filing lost or duplicated',
    async () => {
      const before = await proxyRetries();
      const load = startLoad({ filers: 2, readers: 2, prefix: 'kill-node' });
      await until('filings before the kill', async () => acked(load) >= 6);
      // Node 2: node 1 also serves the demo's simulators (haproxy.ts), whose memory the worker fault reads later.
      const victim = c.nodes[1];
      await victim.kill('SIGKILL');
      const atKill = acked(load);
      await until('filings after the kill', async () => acked(load) >= atKill + 10);
      await load.stop();
      await victim.restart();

      const k = load.counts;
      const { lost, duplicated } = await lostAndDuplicated(load.filings);
      k.lost = lost.length;
      k.duplicated = duplicated.length;
      const after = await proxyRetries();
      const failedTwice = load.filings.filter((f) => f.failures.length > 1);
      const kinds = load.filings.flatMap((f) => f.failures.map((x) => (x.status ? `${x.what} ${x.status}` : x.what)));
      printCounts(
        '(a) app node SIGKILLed',
        k,
        `${load.filings.length} filings (${acked(load)} acknowledged), failed tries: ${kinds.join(', ') || 'none'}; ` +
          `HAProxy retries ${after.retries - before.retries}, redispatches ${after.redispatches - before.redispatches}`,
      );
      expect(lost, 'acknowledged filings missing').toEqual([]);
      expect(duplicated, 'keys holding two dossiers').toEqual([]);
      expect(load.filings.filter((f) => f.state !== 'acked').map((f) => `${f.key}: ${JSON.stringify(f.failures)}`)).toEqual([]);
      expect(
        failedTwice.map((f) => `${f.key}: ${JSON.stringify(f.failures)}`),
        'filings that failed more than once',
      ).toEqual([]);
      expect(load.readFailures, 'reads are replayed by the proxy: none fails').toEqual([]);

      // The database is whole: every dossier with its actions, components, audit entries and outbox messages.
      const database = await openDatabase({ url: c.primary.url, poolSize: 2 });
      try {
        expect((await inspect(database, null)).problems).toEqual([]);
      } finally {
        await database.close();
      }
    },
    LONG,
  );

  it(
    '(b) stop the replica under load: reads fall back to the primary without an error',
    async () => {
      const replica = c.replica!;
      const before = await Promise.all(c.nodes.map((_, i) => readsOf(nodeBase(i))));
      const load = startLoad({ filers: 1, readers: 3, prefix: 'replica-down' });
      await until('reads before the stop', async () => load.counts.requests >= 40);
      await replica.stop('fast');
      const atStop = load.counts.requests;
      await until('reads after the stop', async () => load.counts.requests >= atStop + 80);
      await load.stop();
      const after = await Promise.all(c.nodes.map((_, i) => readsOf(nodeBase(i))));
      await replica.start({ maxConnections: 200 });

      const k = load.counts;
      const { lost, duplicated } = await lostAndDuplicated(load.filings);
      k.lost = lost.length;
      k.duplicated = duplicated.length;
      const delta = (label: string) => after.reduce((s, a, i) => s + (a[label] ?? 0) - (before[i][label] ?? 0), 0);
      const routed = Object.keys(Object.assign({}, ...after)).map((label) => `${label}: ${delta(label)}`);
      printCounts('(b) replica stopped', k, `reads routed ${routed.join(', ') || '(no congso_db_reads_total on /metrics)'}`);
      expect(load.readFailures).toEqual([]);
      expect(k.failures).toBe(0);
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
      // Reads went to the primary once the replica was gone.
      expect(routed.filter((r) => /target="primary"/.test(r) && !/reason="(ok|transaction)"/.test(r) && !r.endsWith(': 0')).length).toBeGreaterThan(0);
    },
    LONG,
  );

  it(
    '(c) stop the object store for 10 s: uploads answer 503 with Retry-After, nothing half-written, recovery by itself',
    async () => {
      const counts: Counts = { requests: 0, failures: 0, retries: 0, lost: 0, duplicated: 0 };
      const refusals: { status: number; retryAfter?: string; code?: string }[] = [];
      const stored: string[] = [];
      let stopped = false;
      const uploader = async (l: number) => {
        for (let i = 0; !stopped; i++) {
          const f = await newFiling(`s3-down-${l}`, who[(l + i) % 3]); // citizens
          counts.requests++;
          try {
            const r = await upload(c.url, f, 60_000);
            if (r.status === 201) stored.push(r.body.id);
            else {
              counts.failures++;
              refusals.push({ status: r.status, retryAfter: r.headers['retry-after'] as string | undefined, code: r.body?.error?.code });
              // A client that heeds Retry-After (bounded here, to see the recovery soon after it happens).
              await sleep(Math.min(2, Number(r.headers['retry-after']) || 1) * 1000);
            }
          } catch (e) {
            counts.failures++;
            refusals.push({ status: 0, code: (e as Error).message });
          }
          await sleep(100);
        }
      };
      const loops = [0, 1, 2].map(uploader);
      await until('uploads before the outage', async () => stored.length >= 5);
      await c.objectStore.stop();
      await sleep(10_000);
      const refusedDuring = refusals.length;
      await c.objectStore.start();
      const okBefore = stored.length;
      await until('uploads after the store is back', async () => stored.length >= okBefore + 5);
      stopped = true;
      await Promise.all(loops);

      // Every upload row's blob is in the store: nothing recorded without its bytes.
      const { rows } = await db.query<{ sha256: string }>('select distinct sha256 from uploads');
      const missing = rows.filter((r) => !existsSync(c.objectStore.objectFile(r.sha256))).map((r) => r.sha256);
      counts.lost = missing.length;
      printCounts(
        '(c) object store stopped 10 s',
        counts,
        `${stored.length} uploads stored, ${refusedDuring} refused during the outage (${[...new Set(refusals.map((r) => `${r.status} ${r.code}`))].join(', ')}), ${rows.length} upload blobs checked`,
      );
      expect(refusedDuring).toBeGreaterThan(0);
      expect(refusals.filter((r) => r.status !== 503 || !(Number(r.retryAfter) > 0) || r.code !== 'STORAGE_UNAVAILABLE')).toEqual([]);
      expect(missing, 'upload rows whose blob is not in the store').toEqual([]);
    },
    LONG,
  );

  it(
    '(d) SIGKILL a worker while it delivers to the national portal: the other worker delivers, the portal holds each message once',
    async () => {
      const portal = `${c.url}/simulators/dvcqg`;
      const pending = async () =>
        (await db.query<{ n: number }>("select count(*)::int as n from outbox_messages where adapter = 'national-portal' and status = 'pending'")).rows[0].n;
      await until('the outbox delivered what earlier tests filed', async () => (await pending()) === 0, 600_000);
      const [doomed, other] = c.workers;
      // The other worker is frozen while the doomed one claims messages, so every claim in flight is the doomed one's.
      await other.kill('SIGSTOP');
      // Each call to the portal takes 1.5 s: the worker is killed with sends in flight.
      const faults = async (body: object) =>
        (await fetch(`${portal}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
      await faults({ delayMs: 1500 });
      const firstId = (await db.query<{ id: string }>('select coalesce(max(id), 0)::text as id from outbox_messages')).rows[0].id;
      const mark = portalCalls.length;

      // Citizens' filings: one record and one step per dossier, so each call names its message.
      const load = startLoad({ filers: 2, readers: 0, prefix: 'kill-worker', citizensOnly: true });
      // Killed while a call of its is at the portal, unanswered: mid-send, not merely between claim and send.
      await until('a call to the portal in flight', async () => portalCalls.slice(mark).some((x) => x.answer === undefined));
      const { rows: claimed } = await db.query<{ id: string }>(
        "select id::text from outbox_messages where adapter = 'national-portal' and status = 'pending' and claimed_until > now() and id > $1",
        [firstId],
      );
      await doomed.kill('SIGKILL');
      const inFlight = claimed.map((r) => r.id);
      await load.stop();
      await faults({ delayMs: 0 });
      await other.kill('SIGCONT');

      // The dead worker's claims run out (two minutes), then the other worker sends those messages again.
      const { rows: messages } = await db.query<{ id: string; key: string; kind: string }>(
        "select id::text, key, kind from outbox_messages where adapter = 'national-portal' and id > $1",
        [firstId],
      );
      const ids = messages.map((m) => m.id);
      await until(
        'every message of the phase delivered',
        async () =>
          (await db.query<{ n: number }>("select count(*)::int as n from outbox_messages where id = any($1) and status <> 'sent'", [ids])).rows[0].n === 0,
        600_000,
      );
      await doomed.restart();

      // At the wire: how often each message was sent. A record's first push is DongBoHoSoMC with isUpdating "False"
      // (a resend of it is answered "already exists", and the adapter then sends it as an update).
      const keys = [...new Set(messages.map((m) => m.key))];
      const calls = portalCalls.slice(mark).filter((x) => x.codes.some((code) => keys.includes(code)));
      const sendsOf = (m: { key: string; kind: string }) =>
        calls.filter((x) => x.service === m.kind && x.codes.includes(m.key) && (m.kind !== 'DongBoHoSoMC' || x.isUpdating === 'False'));
      const k: Counts = { requests: calls.length, failures: calls.filter((x) => x.callerGone).length, retries: 0, lost: 0, duplicated: 0 };
      for (const m of messages) k.retries += Math.max(0, sendsOf(m).length - 1);
      const unsent = messages.filter((m) => sendsOf(m).length === 0).map((m) => `${m.kind} ${m.key}`);
      const resent = messages
        .filter((m) => inFlight.includes(m.id))
        .map(
          (m) =>
            `${m.kind} ${m.key}: sent ${sendsOf(m).length}x, answers ${sendsOf(m)
              .map((x) => x.answer)
              .join('/')}`,
        );

      // At the receiver: each dossier's record, and each step once.
      for (const code of keys) {
        const held = (await (await fetch(`${portal}/received?dossier=${encodeURIComponent(code)}`)).json()) as {
          record: unknown;
          versions: { record: unknown }[];
          progress: Record<string, unknown>[];
        };
        const steps = messages.filter((m) => m.key === code && m.kind === 'CapNhatTienDoHoSoMC').length;
        const stepIds = held.progress.map((p) => JSON.stringify([p.ThoiDiemXuLy, p.TrangThai, p.NoiDungXuLy]));
        if (!held.record) k.lost++;
        k.lost += Math.max(0, steps - new Set(stepIds).size);
        k.duplicated += stepIds.length - new Set(stepIds).size;
        k.duplicated += held.versions.length - new Set(held.versions.map((v) => JSON.stringify(v.record))).size;
      }
      const { lost, duplicated } = await lostAndDuplicated(load.filings);
      printCounts(
        '(d) worker SIGKILLed mid-delivery',
        k,
        `${messages.length} outbox messages for ${keys.length} dossiers (${load.filings.length} filings: lost ${lost.length}, duplicated ${duplicated.length}); ` +
          `${inFlight.length} claimed by the killed worker, then sent by the other: ${resent.join('; ')}; ` +
          `"already exists" answers ${calls.filter((x) => x.answer === 2).length}`,
      );
      expect(inFlight.length).toBeGreaterThan(0);
      // The call the worker died in was answered to nobody, and its message sent again by the other worker.
      expect(k.failures).toBeGreaterThan(0);
      expect(k.retries).toBeGreaterThan(0);
      expect(unsent, 'messages that never reached the portal').toEqual([]);
      expect(k.lost, 'messages the portal does not hold').toBe(0);
      expect(k.duplicated, 'messages the portal holds twice').toBe(0);
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
    },
    LONG,
  );
});
