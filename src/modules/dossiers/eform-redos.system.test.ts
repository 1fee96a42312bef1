/**
 * An e-form pattern cannot freeze the server: a procedure imported with `^(a+)+$` (2^n steps
 * on a backtracking engine) and citizens filing "aaaa…a!" still get their answer, and so does
 * /healthz. The server runs as a child process, so that if it did hang, this test's own
 * thread would stay free to notice (an in-process server would block the test with it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../platform/auth/tokens.ts';
import { TEST_PROCEDURE } from '../../../test/dossier-fixtures.ts';
import { freePort, json, killAll, login, request, startServer, type ServerProcess } from '../../../test/durability/support.ts';

const HOSTILE = `${'a'.repeat(40)}!`;
/** Long enough that only a hang reaches it: the guard, not a measure of speed. */
const HANG_GUARD_MS = 60_000;

const PROCEDURE = {
  ...TEST_PROCEDURE,
  code: '9.100090',
  executionCases: [{ name: '', profileComponents: [{ ...TEST_PROCEDURE.executionCases[0].profileComponents[0], required: false }] }],
  congso: {
    ...TEST_PROCEDURE.congso,
    eForm: { type: 'object', required: ['maSoThue'], properties: { maSoThue: { type: 'string', maxLength: 13, pattern: '^(a+)+$' } } },
  },
};

let server: ServerProcess;
let dataDir: string;
let tokenSecret: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-redos-'));
  tokenSecret = randomBytes(32).toString('base64url');
  server = await startServer({ dataDir, port: await freePort(), tokenSecret });
}, 600_000);

afterAll(async () => {
  await killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a catastrophic e-form pattern', () => {
  it(
    'is imported, and hostile filings are answered (the pattern fails) while /healthz keeps answering',
    async () => {
      const admin = await login(server.base, 'admin');
      const imported = await json(server.base, 'POST', '/api/v1/procedures/import', [PROCEDURE], { authorization: `Bearer ${admin}` });
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);

      const citizen = await new TokenService(tokenSecret, server.base).issue({
        kind: 'citizen',
        id: '5e000000-0000-4000-8000-000000000001',
        name: 'Trần Văn Minh',
        identifier: '001089012345',
        citizenKind: 'citizen',
      });
      const file = () =>
        json(
          server.base,
          'POST',
          '/api/v1/dossiers',
          { procedureCode: PROCEDURE.code, channel: 2, form: { maSoThue: HOSTILE }, components: [] },
          { authorization: `Bearer ${citizen}` },
          HANG_GUARD_MS,
        );

      // Filings first, /healthz asked while they are in flight: each must be answered.
      const filings = [file(), file(), file()];
      const health = request(server.base, 'GET', '/healthz', { timeoutMs: HANG_GUARD_MS });
      const answers = await Promise.all(filings);
      expect((await health).status).toBe(200);
      for (const r of answers) {
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect(r.body.error.details).toContainEqual({
          path: 'form.maSoThue',
          message: '«maSoThue» không đúng định dạng',
          messageEn: '“maSoThue” is not in the right format',
        });
      }
      // And after them, the server is still there.
      expect((await request(server.base, 'GET', '/healthz', { timeoutMs: HANG_GUARD_MS })).status).toBe(200);
      expect(server.alive()).toBe(true);
    },
    4 * HANG_GUARD_MS,
  );
});
