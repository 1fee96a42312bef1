/**
 * The layering rule (ARCHITECTURE.md "Dependencies point one way"), enforced by
 * test/architecture/layering.test.ts:
 *
 *   src/main.ts, src/app.ts  (composition: the only place that knows everything)
 *        │
 *   src/web                  (every page route, pages, components)
 *        │
 *   src/modules/<domain>     (operations, their schemas, REST API routes)
 *        │
 *   src/platform             (what every module uses)
 *
 * src/simulators stand in for national systems and use only the platform.
 */
module.exports = {
  forbidden: [
    {
      name: 'platform-knows-no-module',
      comment: 'The platform is used by every module and knows none of them, nor pages, nor the composition root.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|web)/|^src/(app|main)\\.ts$' },
    },
    {
      name: 'simulators-only-in-tests-and-composition',
      comment: 'A simulator is started by src/app.ts (demo) or by a test as the peer it talks to; production code never imports one.',
      severity: 'error',
      from: { path: '^src/(platform|modules|web)/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^src/simulators/' },
    },
    {
      name: 'domain-knows-no-page',
      comment: 'Modules hold operations and API routes; pages live in src/web and call the operations.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/web/|^src/(app|main)\\.ts$' },
    },
    {
      name: 'pages-do-not-compose',
      comment: 'Pages call operations; only src/app.ts and src/main.ts assemble the application.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/(app|main)\\.ts$' },
    },
    {
      name: 'simulators-stand-alone',
      comment: 'A simulator speaks an external contract; it must not reach into our domain or pages.',
      severity: 'error',
      from: { path: '^src/simulators/' },
      to: { path: '^src/(modules|web)/|^src/(app|main)\\.ts$' },
    },
    {
      name: 'production-code-knows-no-test',
      comment: 'Test helpers and fixtures are for tests only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.tsx?$|/testing/' },
      to: { path: '^test/|\\.test\\.tsx?$' },
    },
    {
      name: 'no-unresolvable-import',
      comment: 'An import that does not resolve would hide a dependency from these rules.',
      severity: 'error',
      // The browser script's imports are URLs the server serves, not files.
      from: { path: '^src/', pathNot: '^src/web/assets/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
