/**
 * Rate limits across nodes (issue 17): the count of a client and class lives in the database,
 * so requests a load balancer spreads over two nodes add up to one limit.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from './nodes.ts';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ env: { RATE_LIMIT_SIGN_IN: '6', RATE_LIMIT_PUBLIC: '8' } });
});
afterAll(() => c?.close());

const track = (base: string, i: number) => fetch(`${base}/api/v1/public/dossiers/000.00.00.G12-260101-${String(i).padStart(4, '0')}`);

describe('rate limits on two nodes', () => {
  it('public requests split across both nodes reach 429 at the class limit in total', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await track(c.nodes[i % 2].base, i)).status);
    expect(statuses, statuses.join(',')).toEqual([...Array(8).fill(404), 429]);
    // Either node now refuses the client, and says for how long.
    for (const n of c.nodes) {
      const r = await track(n.base, 99);
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    }
  });

  it('sign-in through the front counts once for both nodes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await fetch(`${c.front}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `cluster.nobody.${i}`, password: 'wrong-password' }),
      });
      statuses.push(r.status);
    }
    expect(statuses, statuses.join(',')).toEqual([...Array(6).fill(401), 429]);
  });

  it('a window that has ended starts again at one, and old windows are purged', async () => {
    const db = c.nodes[0].ctx.database.db;
    await sql`update rate_limit_windows set window_start = now() - interval '2 hours'`.execute(db);
    expect((await track(c.nodes[1].base, 1)).status).toBe(404);
    const rows = await sql<{ count: number }>`select count from rate_limit_windows where window_start > now() - interval '1 minute'`.execute(db);
    expect(rows.rows.map((r) => r.count)).toEqual([1]);
    const { purgeRateLimitWindows } = await import('../../src/platform/http/rate-limit.ts');
    expect(await purgeRateLimitWindows(db)).toBe(1);
  });
});

describe('a large limit on two nodes (counts batched per node)', () => {
  let big: Cluster;
  beforeAll(async () => {
    big = await startCluster({ env: { RATE_LIMIT_PUBLIC: '100' } });
  });
  afterAll(() => big?.close());

  it('never refuses below the limit, and refuses soon after it: each node adds at most a tenth of the limit unseen', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 140; i++) statuses.push((await track(big.nodes[i % 2].base, i)).status);
    const first429 = statuses.indexOf(429);
    expect(
      statuses.slice(0, 100).every((s) => s === 404),
      statuses.join(','),
    ).toBe(true);
    // The other node's unsynced count is at most max/10, so the shared count is known by request 100 + 10.
    expect(first429, statuses.join(',')).toBeGreaterThanOrEqual(100);
    expect(first429, statuses.join(',')).toBeLessThanOrEqual(110);
    expect(
      statuses.slice(115).every((s) => s === 429),
      statuses.join(','),
    ).toBe(true);
  });
});
