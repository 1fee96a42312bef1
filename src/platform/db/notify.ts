/**
 * Change notices between the nodes of a cluster (issue 17), for caches that must agree: a node
 * that changes what others keep in memory says so with `notifyChange` in its transaction, and
 * every node's `onChange` callbacks run when it commits (PostgreSQL NOTIFY). Notices are not
 * durable: a node whose listening connection dropped may have missed some, so every callback is
 * also called once whenever listening (re)starts, and caches keep a TTL as a backstop.
 */
import { sql } from 'kysely';
import pg from 'pg';
import type { Database, Queryable, Tx } from './index.ts';

export type ChangeCallback = (payload: string | null) => void;

type Log = Pick<Console, 'warn'>;

/** Retry delays of a dropped listening connection: from half a second up to half a minute. */
const BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

/**
 * Announces a change on `channel`. In the caller's transaction, so the notice goes out only if
 * it commits (and after it, so a node that hears it and re-reads sees the change).
 */
export async function notifyChange(tx: Tx | Queryable, channel: string, payload = ''): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(tx);
}

interface Listener {
  channels: Map<string, Set<ChangeCallback>>;
  /** LISTENs a channel on the live connection, if there is one; it is then called once. */
  add(channel: string): void;
  /** Whether the channel is LISTENed now (else its callbacks are called when it is). */
  active(channel: string): boolean;
  stop(): Promise<void>;
}

const listeners = new WeakMap<Database, Listener>();

/**
 * Calls `cb` whenever some node announces a change on `channel` of this database, and once each
 * time listening (re)starts (the first time included: what changed before LISTEN took effect was
 * not heard). One listening connection per database and process. Answers the unsubscribe.
 */
export function onChange(database: Database, channel: string, cb: ChangeCallback, log: Log = console): () => void {
  const db = database.root ?? database;
  let l = listeners.get(db);
  if (!l) {
    l = db.pglite ? embeddedListener(db, log) : serverListener(db, log);
    listeners.set(db, l);
  }
  const set = l.channels.get(channel) ?? new Set();
  const fresh = !l.channels.has(channel);
  l.channels.set(channel, set);
  set.add(cb);
  if (fresh) l.add(channel);
  else if (l.active(channel)) call(cb, null, log); // heard already, but perhaps not since this caller's state was read
  return () => set.delete(cb);
}

/** Ends the listening connection of a database (before it closes: `closeContext`). */
export async function stopListening(database: Database): Promise<void> {
  const db = database.root ?? database;
  const l = listeners.get(db);
  listeners.delete(db);
  await l?.stop();
}

function call(cb: ChangeCallback, payload: string | null, log: Log) {
  try {
    cb(payload);
  } catch (e) {
    // One cache's failure must not keep the others from hearing the notice.
    log.warn({ err: (e as Error).message }, 'change notice: a callback failed');
  }
}

const callAll = (channels: Map<string, Set<ChangeCallback>>, channel: string, payload: string | null, log: Log) => {
  for (const cb of channels.get(channel) ?? []) call(cb, payload, log);
};

/** A PostgreSQL server: a dedicated connection (a pooled one cannot keep LISTEN), reconnected with backoff. */
function serverListener(db: Database, log: Log): Listener {
  const channels = new Map<string, Set<ChangeCallback>>();
  const options = (db.pool as unknown as { options: pg.PoolConfig }).options;
  let client: pg.Client | undefined;
  let ready = false;
  const listened = new Set<string>();
  let stopped = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

  const listen = (c: pg.Client, channel: string) => c.query(`listen ${c.escapeIdentifier(channel)}`);

  const connect = async () => {
    retry = undefined;
    if (stopped) return;
    const c = new pg.Client({ ...options, application_name: 'congso-listen' });
    client = c;
    ready = false;
    c.on('notification', (n) => callAll(channels, n.channel, n.payload ?? null, log));
    const lost = (e?: Error) => {
      if (client !== c || stopped) return;
      client = undefined;
      ready = false;
      listened.clear();
      c.end().catch(() => undefined); // the connection is gone already; ending it only frees the socket
      const wait = BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)];
      log.warn({ err: e?.message ?? 'connection ended', retryInMs: wait }, 'change notice: listening connection lost');
      retry = setTimeout(connect, wait);
      retry.unref();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    try {
      await c.connect();
      for (const ch of channels.keys()) await listen(c, ch);
      if (client === c) for (const ch of channels.keys()) listened.add(ch);
    } catch (e) {
      return lost(e as Error);
    }
    if (client !== c) return;
    ready = true;
    failures = 0;
    // Changes made while nobody listened were not heard: every cache starts afresh.
    for (const ch of channels.keys()) callAll(channels, ch, null, log);
  };
  void connect();

  return {
    channels,
    add(channel) {
      const c = client;
      if (!c || !ready) return; // LISTENed with the others when the connection comes (back)
      listen(c, channel).then(
        () => {
          if (client !== c) return; // the new connection LISTENs it and calls back
          listened.add(channel);
          callAll(channels, channel, null, log);
        },
        (e: Error) => c.emit('error', e),
      );
    },
    active: (channel) => listened.has(channel),
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined); // closing: a connection that fails to end is gone anyway
    },
  };
}

/**
 * The embedded database: PGlite delivers the notices of its one session to `pglite.listen`
 * callbacks. LISTEN runs while the pool's one connection is held, so it cannot land inside an
 * application transaction (and be rolled back with it).
 */
function embeddedListener(db: Database, log: Log): Listener {
  const channels = new Map<string, Set<ChangeCallback>>();
  const unlisten: Promise<(() => Promise<void>) | undefined>[] = [];
  const listened = new Set<string>();
  return {
    channels,
    active: (channel) => listened.has(channel),
    add(channel) {
      const done = (async () => {
        const held = await db.pool.connect();
        try {
          return await db.pglite!.listen(channel, (payload) => callAll(channels, channel, payload || null, log));
        } finally {
          held.release();
        }
      })();
      unlisten.push(
        done.then(
          (u) => {
            listened.add(channel);
            callAll(channels, channel, null, log);
            return u;
          },
          (e: Error) => {
            log.warn({ err: e.message, channel }, 'change notice: cannot listen');
            return undefined;
          },
        ),
      );
    },
    async stop() {
      for (const u of await Promise.all(unlisten)) await u?.().catch(() => undefined); // the database closes next anyway
    },
  };
}
