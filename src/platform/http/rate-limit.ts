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

/**
 * One fixed-window count per client and limit class, shared by every route of the class (the
 * sign-in API and the sign-in page are one door, and must be one count; the plugin's own store
 * keeps one per route) and by every node: the count is a row of `rate_limit_windows`, moved by
 * one atomic upsert per counted request, so requests spread by a load balancer add up.
 */
class DatabaseStore {
  private lastLogged = 0;
  constructor(
    private db: Queryable,
    private log: Pick<Logger, 'warn'>,
  ) {}

  incr(key: string, cb: Done, timeWindow: number) {
    const span = sql`make_interval(secs => ${timeWindow / 1000})`;
    sql<{ count: number; ttl_ms: number }>`
      insert into rate_limit_windows as w (key, window_start, count) values (${key}, now(), 1)
      on conflict (key) do update set
        window_start = case when w.window_start + ${span} <= now() then now() else w.window_start end,
        count = case when w.window_start + ${span} <= now() then 1 else w.count + 1 end
      returning count, ceil(extract(epoch from (window_start + ${span} - now())) * 1000)::int as ttl_ms`
      .execute(this.db)
      .then(
        (r) => cb(null, { current: r.rows[0].count, ttl: Math.max(0, r.rows[0].ttl_ms) }),
        (e: Error) => this.fail(e, cb),
      );
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
