/**
 * The failover runbook of docs/DEPLOY.md, done once for real: a PostgreSQL primary and a
 * streaming standby of our own (never the machine's server), the app on the primary, a dossier
 * filed through the API and replayed on the standby; then the primary dies (immediate stop, no
 * shutdown checkpoint: a crash as the standby sees it), the standby is promoted, and the app is
 * restarted with DATABASE_URL pointing at it, as the runbook tells an operator to do on every
 * node and worker. Afterwards the dossier is there, filings are accepted, the code sequence goes
 * on without reusing a number, a retried filing still finds its Idempotency-Key, a token issued
 * before the failover still works, and pg-boss jobs run (the national portal's outbox message
 * of the new dossier is delivered to the demo simulator by the job). Nothing here measures how
 * fast: the limits only turn a hang into a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, closeContext, createContext } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { loadDemoData } from '../../src/modules/demo/load-demo-data.ts';
import { PgInstance, postgresInstallable } from '../../ops/cluster/postgres.ts';
import { api, freePort, RELAXED_LIMITS, until, type TestApp } from '../helpers.ts';
import { citizenToken, fileOnline, importTestProcedures, LIGHT_PROCEDURE, type View } from '../dossier-fixtures.ts';

let primary: PgInstance | undefined;
let standby: PgInstance | undefined;
let dataDir: string | undefined;
const apps = new Set<TestApp>();
const cleanup = () => {
  primary?.destroySync();
  standby?.destroySync();
};
process.once('exit', cleanup);
afterAll(async () => {
  for (const t of apps) await t.close();
  await primary?.destroy();
  await standby?.destroy();
  process.removeListener('exit', cleanup);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * One app node on `databaseUrl`, with job workers, on a fixed port and data folder: the node
 * restarted after the failover has the same configuration and secrets (DATA_DIR) and address
 * (PUBLIC_URL) as before, only DATABASE_URL differs, as on a real node.
 */
async function startNode(databaseUrl: string, port: number, dir: string): Promise<TestApp> {
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    CONGSO_MODE: 'demo',
    DATABASE_URL: databaseUrl,
    ...RELAXED_LIMITS,
  });
  const ctx = await createContext(config, { worker: true });
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  const t: TestApp = {
    ctx,
    app,
    config,
    dataDir: dir,
    base: config.publicUrl,
    restart: () => Promise.reject(new Error('not used here')),
    async close() {
      apps.delete(t);
      await app.close();
      await closeContext(ctx, { deadline: Date.now() + 3000 });
    },
  };
  apps.add(t);
  return t;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

const numberOf = (code: string) => Number(code.slice(code.lastIndexOf('-') + 1));
const dayOf = (code: string) => code.slice(0, code.lastIndexOf('-'));

describe('failover: the standby promoted after the primary dies (docs/DEPLOY.md runbook)', () => {
  it.skipIf(!postgresInstallable())(
    'keeps every replicated dossier, accepts filings, continues the code sequence and runs jobs on the promoted server',
    async () => {
      primary = new PgInstance(await freePort());
      await primary.init({ replication: true });
      await primary.start();
      standby = new PgInstance(await freePort());
      await standby.initStandbyOf(primary);
      await standby.start();
      expect(await standby.inRecovery()).toBe(true);

      dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-failover-'));
      const port = await freePort();
      const before = await startNode(primary.url, port, dataDir);
      await loadDemoData(before.ctx, undefined, { dossiers: false });
      await importTestProcedures(before);
      const citizen = await citizenToken(before, '60000000-0000-4000-8000-000000000017', 'Lê Thị Chuyển', '001190001717');

      const first = await fileOnline(before, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'failover-first-0001' });
      expect(first.status).toBe(201);
      const code = first.body.code;

      // Acknowledged and replayed: the standby has applied the WAL up to a point after the filing's commit.
      const [{ lsn }] = await query<{ lsn: string }>(primary.url, 'select pg_current_wal_lsn()::text as lsn');
      await until(
        'the standby to replay the filing',
        async () => (await query<{ ok: boolean }>(standby!.url, 'select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn]))[0].ok,
      );
      expect((await query(standby.url, 'select 1 from dossiers where code = $1', [code])).length).toBe(1);

      // The failure: the primary stops without a shutdown checkpoint, as a crashed server does.
      await primary.stop('immediate');

      // The runbook. 1. Promote the standby (pg_ctl promote): it ends recovery and takes writes.
      await standby.promote();
      expect(await standby.inRecovery()).toBe(false);
      // 2. Every node and worker restarted with DATABASE_URL repointed. The old node's pool talks to a
      // dead server: closing it may report that, which is the failure itself and not what is tested.
      await before.close().catch((e: Error) => console.info(`the old node closed with: ${e.message}`));
      const after = await startNode(standby.url, port, dataDir);

      // The dossier is there, read through the API with the token issued before the failover.
      const read = await api<View>(after, 'GET', `/api/v1/dossiers/${code}`, { token: citizen });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ code, status: 'submitted' });
      const tracked = await api<{ code: string; status: string }>(after, 'GET', `/api/v1/public/dossiers/${code}`);
      expect([tracked.status, tracked.body.code]).toEqual([200, code]);

      // A retried filing finds its Idempotency-Key: the same dossier, not a second one.
      const retried = await fileOnline(after, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'failover-first-0001' });
      expect([retried.status, retried.body.code]).toEqual([200, code]);

      // Writes are accepted, and the counter row came across with the data: the next number, none reused.
      const second = await fileOnline(after, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'failover-second-0001' });
      expect(second.status).toBe(201);
      expect(second.body.code).not.toBe(code);
      // Both filed on one Vietnam day (unless the test straddles midnight): the very next number.
      if (dayOf(second.body.code) === dayOf(code)) expect(numberOf(second.body.code)).toBe(numberOf(code) + 1);
      const codes = await sql<{ code: string }>`select code from dossiers order by code`.execute(after.ctx.database.db);
      expect(codes.rows.map((r) => r.code)).toEqual([code, second.body.code].sort());

      // pg-boss runs on the promoted server: the new dossier's national portal record is delivered by the outbox job.
      const delivered = await until(
        "the outbox job to deliver the new dossier's record",
        async () => {
          const { rows } = await sql<{ status: string }>`
            select status from outbox_messages where adapter = 'national-portal' and key = ${second.body.code}`.execute(after.ctx.database.db);
          return rows.length > 0 && rows.every((r) => r.status === 'sent') && rows;
        },
        240_000,
      );
      expect(delivered.length).toBeGreaterThan(0);

      await after.close();
    },
    600_000,
  );
});
