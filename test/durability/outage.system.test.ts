/**
 * Database outage: the server runs on a PostgreSQL instance of the test's own, under continuous
 * load (filings, public tracking, /healthz). The instance is stopped (immediate, then fast),
 * kept down until every kind of request has been answered while it is down, and started again.
 * While it is down every request gets 503, Retry-After and the usual bilingual error body,
 * without waiting for the database to come back; afterwards the same Node process recovers by
 * itself, jobs run again, and no dossier is partial or duplicated. Nothing here measures how
 * fast: the limits below only turn a hang into a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/index.ts';
import { PgInstance, postgresInstallable } from './pg-instance.ts';
import {
  expectWhole,
  filers,
  freePort,
  importTestProcedure,
  inspect,
  isUnavailableBody,
  killAll,
  newFiling,
  postFiling,
  request,
  sleep,
  startServer,
  upload,
  type Filer,
  type Filing,
  type NetworkError,
  type Reply,
  type ServerProcess,
} from './support.ts';

/** The database stays down at least this long (so the pool and pg-boss see a real outage; not an assertion)… */
const MIN_DOWN_MS = 3000;
/** …and until each kind of request has had this many answers sent and received while it was down. */
const PER_KIND = 3;
/** Hang guard: a kind of request still unanswered this long into an outage waits for the database instead of failing. */
const DOWN_GUARD_MS = 120_000;
/** Hang guard of the test's own client: an answer later than that is a hang. */
const CLIENT_TIMEOUT_MS = 60_000;

const KINDS = ['upload', 'filing', 'track', 'health'] as const;
type Kind = (typeof KINDS)[number];
interface Ev {
  kind: Kind;
  t0: number;
  t1: number;
  status?: number;
  error?: string;
  retryAfter?: string;
  body?: unknown;
  key?: string;
}

let pg: PgInstance | undefined;
let dataDir: string | undefined;
const cleanup = () => pg?.destroySync();
process.once('exit', cleanup);
afterAll(async () => {
  await killAll();
  await pg?.destroy();
  process.removeListener('exit', cleanup);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The distinct errors the server logged for failed requests, with how often, other than the database being unreachable. */
function loggedErrors(output: string): string {
  const seen = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.includes('"request failed"')) continue;
    try {
      const err = (JSON.parse(line) as { err?: { type?: string; code?: string; message?: string } }).err;
      const what = `${err?.type} ${err?.code ?? ''} ${err?.message}`;
      if (!/ECONNREFUSED|SERVICE_UNAVAILABLE/.test(what)) seen.set(what, (seen.get(what) ?? 0) + 1);
    } catch {
      // not a log line
    }
  }
  return [...seen].map(([m, n]) => `${n}× ${m}`).join('; ') || 'nothing else';
}

describe('database outage (PostgreSQL stopped and started under load)', () => {
  it.skipIf(!postgresInstallable())(
    'answers 503 with Retry-After while down, recovers without a restart, leaves no partial dossier',
    async () => {
      const started = performance.now();
      pg = new PgInstance(await freePort());
      await pg.init();
      await pg.start();
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-outage-'));
      const tokenSecret = randomBytes(32).toString('base64url');
      const server: ServerProcess = await startServer({ dataDir, port: await freePort(), databaseUrl: pg.url, tokenSecret });
      const base = server.base;
      try {
        await importTestProcedure(base);
        const who = await filers(base, tokenSecret);

        // Uploads made beforehand, so that some filings reach POST /api/v1/dossiers while the
        // database is down (a fresh upload would already fail there).
        const reserve = new Map<Filer, Filing>();
        for (const filer of who) {
          const f = await newFiling('outage-pre', filer);
          const r = await upload(base, f);
          expect(r.status).toBe(201);
          f.uploadId = r.body.id;
          reserve.set(filer, f);
        }
        const tracked = await postFiling(base, { ...reserve.get(who[0])!, key: 'outage-tracked-0001' });
        expect(tracked.status).toBe(201);
        const trackCode: string = tracked.body.code;

        const T0 = performance.now();
        const now = () => performance.now() - T0;
        const events: Ev[] = [];
        const filings: Filing[] = [];
        const call = async (kind: Kind, fn: () => Promise<Reply>, key?: string): Promise<Reply | undefined> => {
          const t0 = now();
          try {
            const r = await fn();
            events.push({ kind, t0, t1: now(), status: r.status, retryAfter: r.headers['retry-after'] as string | undefined, body: r.body, key });
            return r;
          } catch (e) {
            events.push({ kind, t0, t1: now(), error: (e as NetworkError).message, key });
            return undefined;
          }
        };
        let stop = false;
        const fileOnce = async (f: Filing) => {
          filings.push(f);
          if (!f.uploadId) {
            const u = await call('upload', () => upload(base, f, CLIENT_TIMEOUT_MS), f.key);
            if (u?.status !== 201) {
              f.state = 'upload-refused';
              return;
            }
            f.uploadId = u.body.id;
          }
          const r = await call('filing', () => postFiling(base, f, CLIENT_TIMEOUT_MS), f.key);
          if (r && (r.status === 200 || r.status === 201)) {
            f.state = 'acked';
            f.code = r.body.code;
            f.status = r.body.status;
          } else f.state = r ? 'refused' : 'sent';
        };
        const loaders = [
          // Two clients uploading then filing, one filing with the uploads made beforehand.
          ...[0, 1].map(async (w) => {
            for (let i = 0; !stop; i++) {
              await fileOnce(await newFiling('outage', who[(w + 2 * i) % who.length]));
              await sleep(30);
            }
          }),
          (async () => {
            for (let i = 0; !stop; i++) {
              const pre = reserve.get(who[i % who.length])!;
              await fileOnce({ ...pre, key: `outage-direct-${randomBytes(8).toString('hex')}`, state: 'new', failures: [] });
              await sleep(60);
            }
          })(),
          (async () => {
            while (!stop) {
              await call('track', () => request(base, 'GET', `/api/v1/public/dossiers/${trackCode}`, { timeoutMs: CLIENT_TIMEOUT_MS }));
              await sleep(50);
            }
          })(),
          (async () => {
            while (!stop) {
              await call('health', () => request(base, 'GET', '/healthz', { timeoutMs: CLIENT_TIMEOUT_MS }));
              await sleep(100);
            }
          })(),
        ];

        const outages: { mode: 'immediate' | 'fast'; stopAt: number; downAt: number; startAt: number; upAt: number; recoveredAt: number }[] = [];
        try {
          await sleep(1500);
          for (const mode of ['immediate', 'fast'] as const) {
            const stopAt = now();
            await pg.stop(mode);
            const downAt = now();
            // Down until every kind of request was answered while down: an event is recorded on
            // its answer, so each one counted here began and ended with the database stopped.
            const short = () => KINDS.filter((k) => events.filter((e) => e.kind === k && e.t0 >= downAt && e.status === 503).length < PER_KIND);
            while ((short().length || now() < downAt + MIN_DOWN_MS) && now() < downAt + DOWN_GUARD_MS) await sleep(50);
            expect(
              short(),
              `kinds of request with fewer than ${PER_KIND} answers (503) during the ${mode} outage, ${DOWN_GUARD_MS / 1000} s in: they wait for the database instead of failing`,
            ).toEqual([]);
            const startAt = now();
            await pg.start();
            const upAt = now();
            // Recovered: a filing sent after the database came back is acknowledged.
            let recoveredAt = -1;
            for (const end = now() + 120_000; recoveredAt < 0 && now() < end; await sleep(50)) {
              const ok = events.find((e) => e.kind === 'filing' && e.t0 >= upAt && (e.status === 201 || e.status === 200));
              if (ok) recoveredAt = ok.t1;
            }
            outages.push({ mode, stopAt, downAt, startAt, upAt, recoveredAt });
            expect(recoveredAt, `no filing succeeded within 120 s after the ${mode} restart`).toBeGreaterThan(0);
            await sleep(1500);
          }
        } finally {
          stop = true;
          await Promise.all(loaders);
        }
        expect(server.alive(), `the server process died:\n${server.output().slice(-4000)}`).toBe(true);

        // Every request got an answer, 2xx or 503; never a 500 or a hang.
        const ok: Record<Kind, number[]> = { upload: [201], filing: [200, 201], track: [200], health: [200] };
        const bad = events.filter((e) => e.error || (!ok[e.kind].includes(e.status!) && e.status !== 503));
        expect(
          bad.map((e) => `${e.kind} at ${Math.round(e.t0)} ms: ${e.error ?? `${e.status} ${JSON.stringify(e.body)}`}`),
          `answers other than 2xx or 503; the server logged: ${loggedErrors(server.output())}`,
        ).toEqual([]);
        const unavailable = events.filter((e) => e.status === 503);
        const malformed = unavailable.filter((e) => !e.retryAfter || !/^\d+$/.test(e.retryAfter) || !isUnavailableBody(e.body));
        expect(
          malformed.map((e) => `${e.kind}: retry-after ${e.retryAfter} ${JSON.stringify(e.body)}`),
          '503 without Retry-After or the bilingual error body',
        ).toEqual([]);

        // While down: only 503s (every kind had some, or the outage would not have ended).
        const down = events.filter((e) => outages.some((o) => e.t0 >= o.downAt && e.t1 <= o.startAt));
        const wrong = down.filter((e) => e.status !== 503);
        expect(
          wrong.map((e) => `${e.kind} ${e.status}`),
          'answers other than 503 while the database was down',
        ).toEqual([]);
        // Reported, not asserted: how long a 503 took depends on the machine.
        const slowest = Math.max(...unavailable.map((e) => e.t1 - e.t0));

        // Before any retry: what got 503 is absent, or whole (a commit whose answer failed after it).
        const db = await openDatabase({ url: pg.url, poolSize: 2 });
        try {
          const before = await inspect(db, path.join(dataDir, 'blobs'));
          expect(before.problems, 'data after the outages').toEqual([]);
          const notAcked = filings.filter((f) => f.state !== 'acked');
          const firstTime = filings.length - notAcked.length;
          const committedAnyway = notAcked.filter((f) => before.keyed.has(f.key));
          const problems = [...committedAnyway.flatMap((f) => expectWhole(f, before.keyed.get(f.key)))];
          for (const f of filings.filter((x) => x.state === 'acked')) problems.push(...expectWhole(f, before.keyed.get(f.key)));
          expect(problems).toEqual([]);

          // Retry every filing that was not acknowledged, with its key and body (a new upload if the upload failed).
          const retried: string[] = [];
          for (const f of notAcked) {
            const had = before.keyed.get(f.key)?.code;
            if (!f.uploadId) {
              const u = await upload(base, f);
              expect(u.status, `upload for ${f.key} after recovery`).toBe(201);
              f.uploadId = u.body.id;
            }
            const r = await postFiling(base, f);
            if (had ? r.status !== 200 || r.body.code !== had : r.status !== 201)
              retried.push(`${f.key}: ${r.status} ${r.body.code ?? JSON.stringify(r.body)} (before: ${had ?? 'absent'})`);
            if (r.status === 200 || r.status === 201) {
              f.state = 'acked';
              f.code = r.body.code;
              f.status = r.body.status;
            }
          }
          expect(retried, 'retries after recovery').toEqual([]);

          const after = await inspect(db, path.join(dataDir, 'blobs'));
          expect(after.problems).toEqual([]);
          const all = [...filings, { key: 'outage-tracked-0001' }];
          const keys = new Set(all.map((f) => f.key));
          expect(after.keyed.size, 'one dossier per key').toBe(keys.size);
          expect(after.duplicateKeys).toBe(0);
          expect(filings.flatMap((f) => expectWhole(f, after.keyed.get(f.key)))).toEqual([]);

          // The job system came back too: jobs enqueued after recovery are worked by this same
          // process. Fresh filings at the counter (the applicant has an e-mail address) each
          // enqueue a receipt notice; we wait for those very jobs, however long the backlog, so
          // the check depends on what happened, not on how fast this machine is.
          const officer = who.find((w) => w.kind === 'officer')!;
          const fresh: string[] = [];
          for (let i = 0; i < 3; i++) {
            const f = await newFiling('outage-after', officer);
            const u = await upload(base, f);
            expect(u.status, 'upload after recovery').toBe(201);
            f.uploadId = u.body.id;
            const r = await postFiling(base, f);
            expect(r.status, 'filing after recovery').toBe(201);
            fresh.push(r.body.code);
          }
          const freshJobs = async () =>
            (
              await sql<{ state: string; n: number }>`select j.state, count(*)::int as n from pgboss.job j join notifications n on n.id::text = j.data->>'id'
              where j.name = 'notifications.send' and n.dossier_code in (${sql.join(fresh)}) group by j.state`.execute(db.db)
            ).rows;
          let states = await freshJobs();
          // Only a hang guard: the vitest timeout of this test is the real bound.
          for (const end = Date.now() + 120_000; Date.now() < end; await sleep(250)) {
            states = await freshJobs();
            const total = states.reduce((n, s) => n + s.n, 0);
            if (total > 0 && states.every((s) => s.state === 'completed')) break;
          }
          expect(
            states.reduce((n, s) => n + s.n, 0),
            `notification jobs of the ${fresh.length} filings made after recovery`,
          ).toBeGreaterThanOrEqual(fresh.length);
          expect(
            states.filter((s) => s.state !== 'completed'),
            `jobs enqueued after recovery not completed (jobs of those filings: ${JSON.stringify(states)})`,
          ).toEqual([]);
          expect(server.alive()).toBe(true);

          const count = (k: Kind) => unavailable.filter((e) => e.kind === k).length;
          const jobErrors = (server.output().match(/jobs:/g) ?? []).length;
          console.info(
            `outage: 2 outages (immediate, fast) of ${outages.map((o) => `${Math.round(o.startAt - o.downAt)} ms`).join(', ')} under load; ${unavailable.length} answers 503 ` +
              `(upload ${count('upload')}, filing ${count('filing')}, tracking ${count('track')}, healthz ${count('health')}), slowest ${Math.round(slowest)} ms, 0 answers 500, ` +
              `recovered ${outages.map((o) => `${o.mode} ${Math.round(o.recoveredAt - o.upAt)} ms`).join(', ')} after the database was up; ` +
              `${filings.length} filings (${firstTime} acknowledged at once), ${notAcked.length} retried after recovery (${committedAnyway.length} had committed), ${keys.size} dossiers for ${keys.size} keys; ` +
              `${jobErrors} job-system errors logged; ${Math.round((performance.now() - started) / 1000)} s`,
          );
        } finally {
          await db.close();
        }
      } catch (e) {
        const log = path.join(os.tmpdir(), `congso-outage-server-${process.pid}.log`);
        writeFileSync(log, server.output());
        console.error(`server output (all of it in ${log}):\n${server.output().slice(-3000)}`);
        throw e;
      } finally {
        // A clean stop after the outages (pg-boss and the pool let go); killed if it does not come.
        await Promise.race([server.stop('SIGTERM'), sleep(60_000)]);
        expect(server.alive(), 'the server did not stop on SIGTERM within 60 s (a hang guard)').toBe(false);
      }
    },
    600_000,
  );
});
