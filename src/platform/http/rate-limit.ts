import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { actorOf } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../errors.ts';

interface Window {
  current: number;
  ttl: number;
}

type Done = (err: Error | null, res?: Window) => void;

/** A failing limiter is logged at most this often: in an outage every request would log it. */
const LOG_EVERY_MS = 10_000;

/** Limits up to this are counted exactly, every request a round trip: sign-in and verification, where each try matters. */
const EXACT_UP_TO = 50;
/** Above it, a node tells the database what it counted at least this often, and at least every tenth of the limit. */
const SYNC_MS = 1000;
/** Keys a node remembers between syncs; the oldest is forgotten past this (a flood of addresses cannot grow memory). */
const MAX_KEYS = 20_000;

interface Local {
  /** The shared count as the database last answered, plus what this node counted since. */
  known: number;
  pending: number;
  syncedAt: number;
  expiresAt: number;
  syncing: boolean;
}

/**
 * One fixed-window count per client and limit class, shared by every route of the class (the
 * sign-in API and the sign-in page are one door, and must be one count; the plugin's own store
 * keeps one per route) and by every node: the count is a row of `rate_limit_windows`, moved by
 * an atomic upsert, so requests spread by a load balancer add up.
 *
 * Small limits (sign-in, verification) are counted exactly: one upsert per request. Large ones
 * (anonymous tracking and search, 300 a minute) would make every anonymous request a write on
 * one hot row per address; there each node adds what it counted since its last sync at most
 * once a second (or every tenth of the limit, or at once near the limit) and answers from the
 * shared count plus its own in between. A client spread over N nodes may so get up to about
 * N × (a second's requests) past the limit before every node knows: a tolerance a public
 * read limit can afford.
 */
class DatabaseStore {
  private lastLogged = 0;
  private local = new Map<string, Local>();
  constructor(
    private db: Queryable,
    private log: Pick<Logger, 'warn'>,
  ) {}

  incr(key: string, cb: Done, timeWindow: number, max = 0) {
    const now = Date.now();
    let e = this.local.get(key);
    if (e && e.expiresAt <= now) {
      this.local.delete(key);
      e = undefined;
    }
    if (max > EXACT_UP_TO && e) {
      e.pending++;
      const estimate = e.known + e.pending;
      const due = now - e.syncedAt >= SYNC_MS || e.pending >= max / 10 || estimate >= max * 0.8;
      if (e.syncing || !due) return cb(null, { current: estimate, ttl: e.expiresAt - now });
      const n = e.pending;
      e.pending = 0;
      return this.add(key, n, timeWindow, max, cb, e);
    }
    this.add(key, 1, timeWindow, max, cb);
  }

  /** Adds `n` to the shared count and answers with it (and what this node counted meanwhile). */
  private add(key: string, n: number, timeWindow: number, max: number, cb: Done, e?: Local) {
    const span = sql`make_interval(secs => ${timeWindow / 1000})`;
    if (e) e.syncing = true;
    sql<{ count: number; ttl_ms: number }>`
      insert into rate_limit_windows as w (key, window_start, count) values (${key}, now(), ${n})
      on conflict (key) do update set
        window_start = case when w.window_start + ${span} <= now() then now() else w.window_start end,
        count = case when w.window_start + ${span} <= now() then ${n} else w.count + ${n} end
      returning count, ceil(extract(epoch from (window_start + ${span} - now())) * 1000)::int as ttl_ms`
      .execute(this.db)
      .then(
        (r) => {
          const { count, ttl_ms } = r.rows[0];
          const ttl = Math.max(0, ttl_ms);
          if (max > EXACT_UP_TO) this.remember(key, count, ttl, e);
          const pendingSince = e ? e.pending : 0;
          cb(null, { current: count + pendingSince, ttl });
        },
        (err: Error) => {
          if (e) e.syncing = false;
          this.fail(err, cb);
        },
      );
  }

  private remember(key: string, count: number, ttl: number, e?: Local) {
    const now = Date.now();
    const entry = e ?? this.local.get(key);
    if (entry) {
      Object.assign(entry, { known: count, syncedAt: now, expiresAt: now + ttl, syncing: false });
      return;
    }
    this.local.set(key, { known: count, pending: 0, syncedAt: now, expiresAt: now + ttl, syncing: false });
    if (this.local.size > MAX_KEYS) this.local.delete(this.local.keys().next().value!);
  }

  read(key: string, cb: Done, timeWindow: number) {
    const span = sql`make_interval(secs => ${timeWindow / 1000})`;
    sql<{ count: number; ttl_ms: number }>`
      select count, ceil(extract(epoch from (window_start + ${span} - now())) * 1000)::int as ttl_ms
      from rate_limit_windows where key = ${key} and window_start + ${span} > now()`
      .execute(this.db)
      .then(
        (r) => cb(null, r.rows[0] ? { current: r.rows[0].count, ttl: r.rows[0].ttl_ms } : { current: 0, ttl: timeWindow }),
        (e: Error) => this.fail(e, cb),
      );
  }

  /**
   * The limiter fails open (`skipOnError`): with the database down the request goes on and
   * meets the outage itself (a 503 where it needs the database), rather than every request of
   * a class, pages that need no database included, turning into a 500 here.
   */
  private fail(e: Error, cb: Done) {
    if (Date.now() - this.lastLogged >= LOG_EVERY_MS) {
      this.lastLogged = Date.now();
      this.log.warn({ err: e.message }, 'rate limit: counts unavailable, requests not limited');
    }
    cb(e);
  }

  child() {
    return this;
  }
}

/** Windows are a minute long; an hour-old one is of no use to anybody (the sessions' housekeeping job). */
export async function purgeRateLimitWindows(db: Queryable): Promise<number> {
  const r = await sql`delete from rate_limit_windows where window_start < now() - interval '1 hour'`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Rate limits by class (`config.limit` on a route): per client address, or per account when
 * signed in, except at sign-in where only the address counts. Must be registered before the
 * routes, as it works through onRoute.
 */
export async function registerRateLimits(app: FastifyInstance, limits: Config['rateLimits'], db: Queryable) {
  const store = new DatabaseStore(db, app.log);
  // Translates a route's class into the limiter's settings; added before the limiter's own
  // onRoute hook, which reads them.
  app.addHook('onRoute', (route) => {
    const cls = route.config?.limit;
    if (cls) route.config = { ...route.config, rateLimit: { max: limits[cls], timeWindow: 60_000, groupId: cls } } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    store: function Store() {
      return store;
    } as unknown as never,
    keyGenerator: (req) => (req.principal && req.routeOptions.config?.limit !== 'signIn' ? actorOf(req.principal) : req.ip),
    errorResponseBuilder: (_req, c) =>
      new AppError('RATE_LIMITED', {
        vi: `Bạn đã gửi quá nhiều yêu cầu; vui lòng thử lại sau ${Math.ceil(c.ttl / 1000)} giây`,
        en: `Too many requests; try again in ${Math.ceil(c.ttl / 1000)} s`,
      }),
  });
}
