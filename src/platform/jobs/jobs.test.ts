import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
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
    await sql`update sessions set expires_at = now() - interval '1 minute' where id_hash <> (select id_hash from sessions order by created_at limit 1)`.execute(t.ctx.database.db);
    await startWorkers(t.ctx);
    await t.ctx.jobs.send('sessions.purge', {});
    for (let i = 0; i < 40 && (await t.ctx.database.db.selectFrom('sessions').select('id_hash').execute()).length > 1; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await t.ctx.sessions.get(dead.id)).toBeNull();
    expect(await t.ctx.sessions.get(live.id)).not.toBeNull();
  });
});
