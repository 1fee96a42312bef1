import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, until, type TestApp } from '../../../test/helpers.ts';
import { startWorkers } from '../boot.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ demo: false });
});
afterAll(() => t?.close());

describe('durable jobs (pg-boss on this database)', () => {
  it('a job sent inside a transaction exists only if the transaction commits', async () => {
    const boss = t.ctx.jobs.boss;
    await boss.createQueue('test.tx');
    await t.ctx.database.db.transaction().execute(async (tx) => {
      await t.ctx.jobs.send('test.tx', { n: 1 }, tx);
    });
    await t.ctx.database.db
      .transaction()
      .execute(async (tx) => {
        await t.ctx.jobs.send('test.tx', { n: 2 }, tx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const { rows } = await sql<{ data: { n: number } }>`select data from pgboss.job where name = 'test.tx'`.execute(t.ctx.database.db);
    expect(rows.map((r) => r.data.n)).toEqual([1]);
  });

  it('the housekeeping worker purges expired sessions', async () => {
    const live = await t.ctx.sessions.create(null);
    const dead = await t.ctx.sessions.create(null);
    // The table keeps only the SHA-256 of a session id.
    const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');
    await sql`update sessions set expires_at = now() - interval '1 minute' where id_hash = ${hashOf(dead.id)}`.execute(t.ctx.database.db);
    const rows = async () => (await t.ctx.database.db.selectFrom('sessions').select('id_hash').execute()).map((r) => r.id_hash).sort();
    expect(await rows()).toEqual([hashOf(live.id), hashOf(dead.id)].sort());
    await startWorkers(t.ctx);
    await t.ctx.jobs.send('sessions.purge', {});
    // The row itself must go (reading the session would refuse an expired one anyway); the
    // limit only guards against a hang, however slowly the worker picks the job up.
    await until('the purge job to delete the expired session', async () => !(await rows()).includes(hashOf(dead.id)), 120_000);
    expect(await rows()).toEqual([hashOf(live.id)]);
    expect(await t.ctx.sessions.get(live.id)).not.toBeNull();
  }, 600_000);
});
