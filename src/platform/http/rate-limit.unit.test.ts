import Fastify from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { DB } from '../db/schema.ts';
import { registerRateLimits } from './rate-limit.ts';

/** A database that cannot be reached: nothing listens on port 1. */
const pool = new pg.Pool({ connectionString: 'postgresql://congso@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
pool.on('error', () => undefined); // the refusals are what this test is about
const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
afterAll(() => db.destroy());

describe('rate limits without the database', () => {
  it('fail open: the request is served (and the outage logged), not turned into a 500', async () => {
    const warnings: string[] = [];
    const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => warnings.push(line) } } });
    await registerRateLimits(app, { signIn: 1, verify: 1, public: 1 }, db);
    app.get('/open', { config: { limit: 'public', access: 'public' } }, async () => ({ ok: true }));
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'GET', url: '/open' })).statusCode).toBe(200);
    // Logged once for the burst, not once per request.
    expect(warnings.filter((w) => w.includes('rate limit: counts unavailable'))).toHaveLength(1);
    await app.close();
  });
});
