import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, onPostgres, until } from '../../../test/helpers.ts';
import { openDatabase, type Database } from './index.ts';
import { notifyChange, onChange, stopListening } from './notify.ts';

/**
 * Change notices: heard on commit, never on rollback, by every handle on the database (on a
 * server, each as another node would: a pool and a listening connection of its own).
 */
let dropDb: () => Promise<void>;
let a: Database;
let b: Database;
beforeAll(async () => {
  const fresh = await freshDatabase();
  dropDb = fresh.drop;
  a = await openDatabase({ url: fresh.url, dataDir: 'memory://' });
  b = fresh.url ? await openDatabase({ url: fresh.url }) : a;
});
afterAll(async () => {
  for (const d of new Set([a, b])) {
    await stopListening(d);
    await d.close();
  }
  await dropDb?.();
});

/** Every call of a callback on `channel` of `db`, in order; `null` for a (re)start of listening. */
function record(db: Database, channel: string) {
  const heard: (string | null)[] = [];
  const off = onChange(db, channel, (p) => heard.push(p));
  return { heard, off };
}

describe('change notices', () => {
  it('are heard on commit, by the other handle too, and not on rollback; a (re)start of listening calls back once', async () => {
    const r = record(b, 'test_notify');
    await until('listening started', async () => r.heard.length > 0);
    expect(r.heard).toEqual([null]);
    await a.db
      .transaction()
      .execute(async (tx) => {
        await notifyChange(tx, 'test_notify', 'rolled back');
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    await a.db.transaction().execute((tx) => notifyChange(tx, 'test_notify', 'committed'));
    await until('the committed notice', async () => r.heard.includes('committed'));
    // Notices arrive in commit order: nothing of the rolled-back one came before the committed one.
    expect(r.heard).toEqual([null, 'committed']);
    r.off();
  });

  it.runIf(onPostgres())('the listening connection is reopened when it drops, every callback called once, and notices heard again', async () => {
    const r = record(b, 'test_reconnect');
    await until('listening started', async () => r.heard.length > 0);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'congso-listen' and datname = current_database()`.execute(a.db);
    await until('listening restarted', async () => r.heard.length > 1);
    expect(r.heard).toEqual([null, null]);
    // The restart may come before LISTEN of every channel is done on the new connection: poll with fresh notices.
    await until('a notice after the restart', async () => {
      await notifyChange(a.db, 'test_reconnect', 'after');
      return r.heard.includes('after');
    });
    r.off();
  });
});
