import { defineConfig } from 'vitest/config';
import pg from 'pg';

/**
 * `npm test` runs every test on the embedded database, and the database tests again on a
 * PostgreSQL server: TEST_DATABASE_URL, or the local one at 127.0.0.1:5432. Each test file
 * gets a database of its own there. Without a reachable server the PostgreSQL project is
 * skipped with a warning, except in CI, where that is a failure.
 */
const url = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function reachable(u: string): Promise<boolean> {
  if (process.env.TEST_DATABASE_URL === 'off') return false;
  const c = new pg.Client({ connectionString: u, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (e) {
    if (process.env.CI) throw new Error(`CI must test on PostgreSQL, but ${u} is unreachable: ${(e as Error).message}`);
    console.warn(`\n  PostgreSQL at ${u} unreachable (${(e as Error).message}): testing the embedded database only.\n`);
    return false;
  }
}

export default defineConfig(async () => {
  const withPg = await reachable(url);
  const common = { testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks' as const };
  return {
    test: {
      maxWorkers: 2,
      projects: [
        { test: { ...common, name: 'embedded', include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'], env: { TEST_DB: 'embedded' } } },
        ...(withPg
          ? [{ test: { ...common, name: 'postgresql', include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'], exclude: ['**/*.e2e.test.ts', 'src/simulators/**', '**/*.unit.test.ts', '**/*.system.test.ts'], env: { TEST_DB: 'postgresql', TEST_DATABASE_URL: url } } }]
          : []),
      ],
    },
  };
});
