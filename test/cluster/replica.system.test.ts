/**
 * The read replica (issue 17), on a PostgreSQL primary and a streaming standby of the test's own
 * (never the machine's server): the reads that may lag (the index, public statistics, open data)
 * are served by the standby while it is usable, which the metrics show; a user's own write is
 * read back at once from the primary; a standby whose replay is paused is skipped once it is
 * further behind than allowed; a stopped standby costs no request an error, and reads return to
 * it when it is back; a promoted one is skipped. Nothing here measures time: the limits only turn
 * a hang into a failure, and the test waits for states (the monitor's gauges), never for a delay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, closeContext, createContext } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Ctx } from '../../src/platform/context.ts';
import type { App } from '../../src/platform/http/types.ts';
import { loadDemoData } from '../../src/modules/demo/load-demo-data.ts';
import { PgInstance, postgresInstallable } from '../../ops/cluster/postgres.ts';
import { api, freePort, login, RELAXED_LIMITS, type TestApp, until } from '../helpers.ts';
import { citizenToken, fileOnline, importTestProcedures, LIGHT_PROCEDURE } from '../dossier-fixtures.ts';

const instances: PgInstance[] = [];
const cleanup = () => {
  for (const i of instances) i.destroySync();
};
process.once('exit', cleanup);

let primary: PgInstance;
let standby: PgInstance;
let ctx: Ctx | undefined;
let app: App | undefined;
let dataDir: string | undefined;
let t: TestApp;
let admin: string;

beforeAll(async () => {
  if (!postgresInstallable()) return;
  primary = new PgInstance(await freePort());
  instances.push(primary);
  await primary.init({ replication: true });
  await primary.start();
  standby = new PgInstance(await freePort());
  instances.push(standby);
  await standby.initStandbyOf(primary);
  await standby.start();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-replica-'));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DATABASE_URL: primary.url,
    DATABASE_REPLICA_URL: standby.url,
    // Small, so that a paused replay is found behind soon; the monitor's own measure is not against the primary's idle time.
    DATABASE_REPLICA_MAX_LAG_SECONDS: '1',
    ...RELAXED_LIMITS,
  });
  ctx = await createContext(config, { worker: false });
  await loadDemoData(ctx, undefined, { dossiers: false });
  app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  t = { ctx, app, config, dataDir, base: config.publicUrl } as TestApp;
  await importTestProcedures(t);
  admin = await login(t, 'admin');
});

afterAll(async () => {
  await app?.close();
  if (ctx) await closeContext(ctx);
  for (const i of instances) await i.destroy();
  process.removeListener('exit', cleanup);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** congso_db_reads_total by target and reason, and the replica's gauges, as /metrics shows them. */
async function metrics() {
  const r = await fetch(`${t.base}/metrics`);
  expect(r.status).toBe(200);
  const text = await r.text();
  const reads: Record<string, number> = {};
  for (const m of text.matchAll(/^congso_db_reads_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    reads[`${labels.target}:${labels.reason}`] = Number(m[2]);
  }
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { reads, usable: gauge('congso_db_replica_usable'), lag: gauge('congso_db_replica_lag_seconds') };
}

const total = (reads: Record<string, number>, target: 'replica' | 'primary') =>
  Object.entries(reads)
    .filter(([k]) => k.startsWith(`${target}:`))
    .reduce((n, [, v]) => n + v, 0);

/** What each request of `run` added to the counters, by target:reason. */
async function readsOf(run: () => Promise<void>): Promise<Record<string, number>> {
  const before = (await metrics()).reads;
  await run();
  const after = (await metrics()).reads;
  return Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v - (before[k] ?? 0) ? [[k, v - (before[k] ?? 0)]] : [])));
}

const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const month = () => today().slice(0, 7);

/** Requests of each routed kind: the index (the dashboard's API), the public statistics page, an open dataset. */
async function lagTolerantReads(): Promise<number[]> {
  const statuses: number[] = [];
  const index = await api(t, 'GET', `/api/v1/indicators?from=${month()}-01&to=${today()}`, { token: admin });
  statuses.push(index.status);
  const page = await fetch(`${t.base}/thong-ke`, { headers: { accept: 'text/html' } });
  await page.text();
  statuses.push(page.status);
  const open = await api(t, 'GET', `/api/v1/open-data/dossier-statistics?from=${month()}&to=${month()}`);
  statuses.push(open.status);
  return statuses;
}

async function standbySql(text: string) {
  const c = new pg.Client({ connectionString: standby.url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

describe.skipIf(!postgresInstallable())('read replica', () => {
  it('serves the index, the public statistics and open data from the replica while it is usable', async () => {
    await until('the replica usable', async () => (await metrics()).usable === 1);
    // The monitor may find the standby behind between two checks on a loaded machine; then the
    // reads rightly go to the primary, and the round is asked again.
    const served = await until('a round of reads served by the replica alone', async () => {
      let statuses: number[] = [];
      const d = await readsOf(async () => {
        statuses = await lagTolerantReads();
      });
      expect(statuses).toEqual([200, 200, 200]);
      return total(d, 'primary') === 0 && d;
    });
    expect(served['replica:ok']).toBe(3);
  });

  it("reads a user's own write back from the primary, at once, even with the replica's replay paused", async () => {
    await until('the replica usable', async () => (await metrics()).usable === 1);
    await standbySql('select pg_wal_replay_pause()');
    try {
      const citizen = await citizenToken(t, '50000000-0000-4000-8000-00000000a001');
      let code = '';
      const d = await readsOf(async () => {
        const filed = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code });
        expect(filed.status).toBe(201);
        code = filed.body.code;
        // The standby has not replayed the filing: read there, this would be a 404.
        const read = await api<{ code: string; status: string }>(t, 'GET', `/api/v1/dossiers/${code}`, { token: citizen });
        expect(read.status).toBe(200);
        expect(read.body.code).toBe(code);
        const mine = await api<{ items: { code: string }[] }>(t, 'GET', '/api/v1/dossiers', { token: citizen });
        expect(mine.status).toBe(200);
        expect(mine.body.items.map((x) => x.code)).toContain(code);
      });
      expect(total(d, 'replica')).toBe(0);
      const onStandby = await standbySql(`select count(*)::int as n from dossiers where code = '${code}'`);
      expect(onStandby.rows[0].n).toBe(0);

      // The paused standby falls behind the writes (the filing, the job system's own) and is skipped.
      await until('the replica found behind', async () => {
        const m = await metrics();
        return m.usable === 0 && m.lag > 1;
      });
      const behind = await readsOf(async () => {
        expect(await lagTolerantReads()).toEqual([200, 200, 200]);
      });
      expect(total(behind, 'replica')).toBe(0);
      expect(behind['primary:lag']).toBe(3);
    } finally {
      await standbySql('select pg_wal_replay_resume()');
    }
    await until('the replica caught up', async () => (await metrics()).usable === 1);
  });

  it('falls back to the primary with no error when the replica stops, and returns to it when it is back', async () => {
    await until('the replica usable', async () => (await metrics()).usable === 1);
    await standby.stop('fast');
    // At once (the monitor may not have noticed): each read fails over to the primary by itself.
    const stopped = await readsOf(async () => {
      for (let i = 0; i < 3; i++) expect(await lagTolerantReads()).toEqual([200, 200, 200]);
    });
    expect(total(stopped, 'replica')).toBe(0);
    expect(total(stopped, 'primary')).toBe(9);
    expect(Object.keys(stopped).every((k) => k === 'primary:error' || k === 'primary:unreachable')).toBe(true);
    await until('the replica found unreachable', async () => (await metrics()).usable === 0);

    await standby.start();
    await until('the replica usable again', async () => (await metrics()).usable === 1);
    const back = await until('a round of reads served by the replica again', async () => {
      const d = await readsOf(async () => {
        expect(await lagTolerantReads()).toEqual([200, 200, 200]);
      });
      return total(d, 'primary') === 0 && d;
    });
    expect(back['replica:ok']).toBe(3);
  });

  it('skips a promoted replica: it follows the primary no more', async () => {
    await until('the replica usable', async () => (await metrics()).usable === 1);
    await standby.promote();
    expect(await standby.inRecovery()).toBe(false);
    await until('the promoted replica skipped', async () => (await metrics()).usable === 0);
    const d = await readsOf(async () => {
      expect(await lagTolerantReads()).toEqual([200, 200, 200]);
    });
    expect(d).toEqual({ 'primary:promoted': 3 });
  });
});
