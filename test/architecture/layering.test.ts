import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The layering rule of ARCHITECTURE.md, checked by dependency-cruiser with the project's
 * own .dependency-cruiser.cjs: first on the real tree, then on a small tree with one
 * forbidden import per rule, so a rule that stopped matching would be noticed too.
 */
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function cruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [bin, 'src', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'],
    { cwd, maxBuffer: 64 * 1024 * 1024 },
  ).catch((e: { stdout?: string; stderr?: string }) => {
    // The command exits non-zero when it finds violations; its JSON is still on stdout.
    if (e.stdout) return { stdout: e.stdout };
    throw new Error(`dependency-cruiser failed: ${e.stderr}`);
  });
  const out = JSON.parse(stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  expect(out.summary.totalCruised).toBeGreaterThan(0);
  return out.summary.violations;
}

const probes: string[] = [];
afterAll(async () => {
  for (const p of probes) await rm(p, { recursive: true, force: true });
});

describe('dependencies point one way', () => {
  it('the source tree has no forbidden import', async () => {
    const v = await cruise(root);
    expect(v.map((x) => `${x.rule.name}: ${x.from} → ${x.to}`)).toEqual([]);
  }, 600_000);

  it('each forbidden direction is reported, and the allowed ones are not', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-layering-'));
    probes.push(dir);
    const files: Record<string, string> = {
      'src/platform/util.ts': 'export const u = 1;\n',
      'src/platform/leak.ts': "import { op } from '../modules/things/do-thing.ts';\nexport const l = op;\n",
      'src/modules/things/do-thing.ts': "import { u } from '../../platform/util.ts';\nexport const op = u;\n",
      'src/modules/things/render-thing.ts': "import { Page } from '../../web/pages/thing.tsx';\nexport const r = Page;\n",
      'src/modules/things/use-sim.ts': "import { sim } from '../../simulators/peer/server.ts';\nexport const s = sim;\n",
      'src/modules/things/use-sim.test.ts': "import { sim } from '../../simulators/peer/server.ts';\nexport const s = sim;\n",
      'src/modules/things/use-fixture.ts': "import { fx } from '../../../test/fixture.ts';\nexport const f = fx;\n",
      'src/web/pages/thing.tsx': "import { op } from '../../modules/things/do-thing.ts';\nexport const Page = op;\n",
      'src/web/routes/things.ts': "import { buildApp } from '../../app.ts';\nimport { Page } from '../pages/thing.tsx';\nexport const m = [buildApp, Page];\n",
      'src/simulators/peer/server.ts': "import { u } from '../../platform/util.ts';\nexport const sim = u;\n",
      'src/simulators/peer/reach.ts': "import { op } from '../../modules/things/do-thing.ts';\nexport const x = op;\n",
      'src/app.ts':
        "import { m } from './web/routes/things.ts';\nimport { sim } from './simulators/peer/server.ts';\nexport const buildApp = () => [m, sim];\n",
      'test/fixture.ts': 'export const fx = 1;\n',
    };
    for (const [f, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await writeFile(path.join(dir, f), text);
    }
    await cp(path.join(root, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    const found = (await cruise(dir)).map((x) => `${x.rule.name}: ${x.from} → ${x.to}`).sort();
    expect(found).toEqual([
      'domain-knows-no-page: src/modules/things/render-thing.ts → src/web/pages/thing.tsx',
      'pages-do-not-compose: src/web/routes/things.ts → src/app.ts',
      'platform-knows-no-module: src/platform/leak.ts → src/modules/things/do-thing.ts',
      'production-code-knows-no-test: src/modules/things/use-fixture.ts → test/fixture.ts',
      'simulators-only-in-tests-and-composition: src/modules/things/use-sim.ts → src/simulators/peer/server.ts',
      'simulators-stand-alone: src/simulators/peer/reach.ts → src/modules/things/do-thing.ts',
    ]);
  }, 600_000);
});
