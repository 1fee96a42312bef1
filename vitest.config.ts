import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import pg from 'pg';

/**
 * `npm test` runs every test on the embedded database, and the database tests again on a
 * PostgreSQL server, with two browser flows (E2E_ON_POSTGRESQL): TEST_DATABASE_URL, or the
 * local one at 127.0.0.1:5432. Each test file gets a database of its own there. Without a
 * reachable server the PostgreSQL project is skipped with a warning, except in CI, where
 * that is a failure.
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

/**
 * The browser flows that also run on the PostgreSQL server. The embedded database is one
 * connection, so only there do the flows' requests meet real concurrency, row locks and the
 * pool: the one-stop flow (filing with an attachment, every hand-off, the supplement round,
 * the control slip) and the results flow (signing, the e-data repository, reuse in a new
 * dossier), about 55 s more. The other browser tests, the phone journey among them, reach
 * the database through the same operations as these two and check what is on the pages
 * (layout, language, accessibility); running them twice would double the browser time.
 */
const E2E_ON_POSTGRESQL = ['test/e2e/dossier-flow.e2e.test.ts', 'test/e2e/results-flow.e2e.test.ts'];

/** Every browser test file except those above: what the PostgreSQL project leaves out. */
function otherE2eFiles(): string[] {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const found: string[] = [];
  for (const top of ['src', 'test']) {
    for (const f of readdirSync(path.join(root, top), { recursive: true }) as string[]) {
      const rel = path.posix.join(top, f.split(path.sep).join('/'));
      if (rel.endsWith('.e2e.test.ts') && !E2E_ON_POSTGRESQL.includes(rel)) found.push(rel);
    }
  }
  return found;
}

export default defineConfig(async () => {
  const withPg = await reachable(url);
  // Time limits are hang guards, never measurements: on a machine loaded 8 times over its two cores
  // (load average 16), starting an app and Chromium took over 120 s and the suite 67 minutes.
  const common = { testTimeout: 300_000, hookTimeout: 600_000, pool: 'forks' as const };
  return {
    test: {
      maxWorkers: 2,
      projects: [
        { test: { ...common, name: 'embedded', include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'], env: { TEST_DB: 'embedded' } } },
        ...(withPg
          ? [
              {
                test: {
                  ...common,
                  name: 'postgresql',
                  include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
                  exclude: [...otherE2eFiles(), 'src/simulators/**', '**/*.unit.test.ts', '**/*.system.test.ts'],
                  env: { TEST_DB: 'postgresql', TEST_DATABASE_URL: url },
                },
              },
            ]
          : []),
      ],
    },
  };
});
