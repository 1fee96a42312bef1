import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';

interface Window {
  current: number;
  ttl: number;
  iterationStartMs: number;
}

/**
 * One fixed-window count per client and limit class, shared by every route of the class:
 * the sign-in API and the sign-in page are one door, and must be one count. (The plugin's
 * own store keeps a separate count per route.) Entries are kept in insertion order and the
 * oldest dropped past `size`, so a flood of addresses cannot grow memory without bound.
 * Counts are per node: behind a load balancer each node limits what reaches it.
 */
class ClassStore {
  private windows = new Map<string, Window>();
  constructor(private size = 20_000) {}

  incr(key: string, cb: (err: Error | null, res: Window) => void, timeWindow: number) {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.iterationStartMs + timeWindow <= now) {
      w = { current: 1, ttl: timeWindow, iterationStartMs: now };
      this.windows.delete(key);
      this.windows.set(key, w);
      if (this.windows.size > this.size) this.windows.delete(this.windows.keys().next().value!);
    } else {
      w.current++;
      w.ttl = timeWindow - (now - w.iterationStartMs);
    }
    cb(null, w);
  }

  read(key: string, cb: (err: Error | null, res: Window) => void, timeWindow: number) {
    const w = this.windows.get(key);
    const now = Date.now();
    cb(null, !w || w.iterationStartMs + timeWindow <= now ? { current: 0, ttl: timeWindow, iterationStartMs: now } : w);
  }

  child() {
    return this;
  }
}

/**
 * Rate limits by class (`config.limit` on a route): per client address, or per account when
 * signed in, except at sign-in where only the address counts. Must be registered before the
 * routes, as it works through onRoute.
 */
export async function registerRateLimits(app: FastifyInstance, limits: Config['rateLimits']) {
  const store = new ClassStore();
  // Translates a route's class into the limiter's settings; added before the limiter's own
  // onRoute hook, which reads them.
  app.addHook('onRoute', (route) => {
    const cls = route.config?.limit;
    if (cls) route.config = { ...route.config, rateLimit: { max: limits[cls], timeWindow: 60_000, groupId: cls } } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
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
