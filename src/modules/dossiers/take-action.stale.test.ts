import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, importTestProcedures, LIGHT_PROCEDURE, type ActReply, type View } from '../../../test/dossier-fixtures.ts';

/**
 * No stale actions (issue 10, item 10): every action names the dossier version it was chosen
 * on, and one chosen on a state the dossier has left is refused with 409 and the current
 * state, even when the action would still be allowed now.
 */

type Persona = 'owner' | 'receiving' | 'leader' | 'specialist' | 'signer';
const tok = {} as Record<Persona, string>;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  tok.owner = await citizenToken(t, '21000000-0000-4000-8000-000000000001');
  tok.receiving = await login(t, 'tiepnhan.xnk');
  tok.leader = await login(t, 'lanhdao');
  tok.specialist = await login(t, 'chuyenvien');
  tok.signer = await login(t, 'ky');
});
afterAll(() => t?.close());

interface LogEntry {
  seq: number;
  action: string;
  actor: string;
  fromStatus: string | null;
  toStatus: string;
  fromUnit: string | null;
  toUnit: string | null;
}
const logOf = async (code: string) => (await api<LogEntry[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token: tok.receiving })).body;
const view = async (code: string, as: Persona = 'receiving') => (await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token: tok[as] })).body;
/** The current state a 409 names, or null when the 409 is not about a stale version. */
const current = (r: { body: ActReply }) => {
  const d = r.body.error?.details ?? [];
  const version = d.find((x) => x.path === 'current.version')?.message;
  const status = d.find((x) => x.path === 'current.status')?.message;
  return version === undefined ? null : { version: Number(version), status };
};
const file = async () => (await fileOnline(t, tok.owner, { procedure: LIGHT_PROCEDURE.code })).body.code;

describe('no stale actions', () => {
  it('receive and refuse sent together on the version read before: one applies, the other gets 409 with the current state; one action logged', async () => {
    for (let round = 0; round < 12; round++) {
      const code = await file();
      const { version, status } = await view(code);
      expect({ version, status }).toEqual({ version: 1, status: 'submitted' });
      // Alternate which is sent first, so both orders of arrival are tried.
      const bodies = [
        { action: 'receive', version },
        { action: 'refuse', reason: 'Hồ sơ không thuộc thẩm quyền', version },
      ];
      if (round % 2) bodies.reverse();
      const replies = await Promise.all(bodies.map((b) => act(t, tok.receiving, code, b)));
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      expect(ok, `round ${round}: ${JSON.stringify(replies.map((r) => r.body))}`).toHaveLength(1);
      expect([refused[0].status, refused[0].body.error?.code]).toEqual([409, 'STALE_VERSION']);
      const winner = ok[0].body;
      expect(winner.version).toBe(2);
      // The loser is told the state that won, machine-readably, in both languages.
      expect(current(refused[0]), JSON.stringify(refused[0].body)).toEqual({ version: 2, status: winner.status });
      expect(refused[0].body.error?.message).toMatch(/đã thay đổi từ khi bạn mở trang/);
      expect(refused[0].body.error?.messageEn).toMatch(/changed since the page was opened/);
      const log = await logOf(code);
      expect(log.map((e) => e.seq)).toEqual([1, 2]);
      expect(log[1]).toMatchObject({ fromStatus: 'submitted', toStatus: winner.status });
      expect(await view(code)).toMatchObject({ status: winner.status, version: 2 });
    }
  }, 600_000);

  it('a stale version gets 409 and changes nothing; the current one is applied; the version is required', async () => {
    const code = await file();
    expect((await act(t, tok.receiving, code, { action: 'receive', version: 1 })).status).toBe(200);
    // A new date keeps the dossier "received": assigning is still allowed, but not on version 2.
    expect((await act(t, tok.leader, code, { action: 'apologise', reason: 'Cần xác minh thêm', newDueDate: '2099-12-31', version: 2 })).status).toBe(200);
    const stale = await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien', version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe('STALE_VERSION');
    expect(current(stale)).toEqual({ version: 3, status: 'received' });
    expect(stale.body.error?.details?.filter((d) => d.path === 'allowedActions').map((d) => d.message)).toContain('assign');
    expect(await view(code)).toMatchObject({ status: 'received', version: 3, assignee: null });
    // A version from the future is no better than one from the past.
    expect((await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien', version: 4 })).status).toBe(409);
    for (const version of [undefined, '3', 3.5, 0, null]) {
      const r = await api<ActReply>(t, 'POST', `/api/v1/dossiers/${code}/actions`, {
        token: tok.leader,
        body: { action: 'assign', assignee: 'chuyenvien', version },
      });
      expect(r.status, `version ${JSON.stringify(version)}`).toBe(400);
      expect(r.body.error?.details?.map((d) => d.path)).toContain('body.version');
    }
    const ok = await act(t, tok.leader, code, { action: 'assign', assignee: 'chuyenvien', version: 3 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'processing', version: 4, assignee: 'chuyenvien' });
    expect((await logOf(code)).map((e) => e.action)).toEqual(['submit', 'receive', 'apologise', 'assign']);
  });

  it("the applicant's withdrawal crossing an official's action: whichever is second was chosen on the old state and is refused", async () => {
    const code = await file();
    const [withdraw, receive] = await Promise.all([
      act(t, tok.owner, code, { action: 'withdraw', reason: 'Nộp nhầm thủ tục', version: 1 }),
      act(t, tok.receiving, code, { action: 'receive', version: 1 }),
    ]);
    expect([withdraw.status, receive.status].sort()).toEqual([200, 409]);
    const lost = withdraw.status === 409 ? withdraw : receive;
    expect(current(lost)?.version).toBe(2);
    expect(await logOf(code)).toHaveLength(2);
  });

  /**
   * Two people work on one dossier, each reading it (the page they open) and later acting on
   * what they read, their requests interleaved in every order and sometimes sent at the same
   * moment. Whatever happens, the log is a serial history, and every action it holds was
   * applied to exactly the state its sender had read.
   */
  it('random interleavings of two actors: the log is a serial order and no action applies to a state other than the one its version named', async () => {
    const PAIRS: [Persona, Persona][] = [
      ['receiving', 'owner'],
      ['receiving', 'leader'],
      ['leader', 'specialist'],
      ['leader', 'signer'],
      ['specialist', 'owner'],
    ];
    const BODY: Record<string, Record<string, unknown>> = {
      refuse: { reason: 'Lý do kiểm thử đầy đủ' },
      stop: { reason: 'Lý do kiểm thử đầy đủ' },
      send_back: { reason: 'Lý do kiểm thử đầy đủ' },
      withdraw: { reason: 'Lý do kiểm thử đầy đủ' },
      request_supplement: { items: [{ reason: 'Thiếu chữ ký' }] },
      assign: { assignee: 'chuyenvien' },
      reassign: { assignee: 'chuyenvien' },
      transfer: { toUnit: '000.05.04.G12' },
      apologise: { reason: 'Cần xác minh thêm', newDueDate: '2099-12-31' },
      return: { method: 'online' },
    };
    // One round: what each of the two does (read the page, send what was chosen on it, or nothing); both at once.
    const move = fc.record({ kind: fc.constantFrom('read', 'send', 'idle'), pick: fc.nat(20) });
    const scenario = fc.record({
      pair: fc.constantFrom(...PAIRS),
      // How far the dossier is walked first, so the actors meet it in different states.
      start: fc.constantFrom('submitted', 'received', 'processing', 'proposed'),
      rounds: fc.array(fc.tuple(move, move), { minLength: 2, maxLength: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ pair, start, rounds }) => {
        const code = await file();
        const walk: [Persona, Record<string, unknown>][] = [
          ['receiving', { action: 'receive' }],
          ['leader', { action: 'assign', assignee: 'chuyenvien' }],
          ['specialist', { action: 'propose' }],
        ];
        for (const [as, b] of walk.slice(0, ['submitted', 'received', 'processing', 'proposed'].indexOf(start))) {
          const r = await act(t, tok[as], code, b);
          if (r.status !== 200) throw new Error(`walk: ${JSON.stringify(r.body)}`);
        }
        const seen: ({ version: number; status: string; allowed: string[] } | null)[] = [null, null];
        const sent: { as: Persona; action: string; named: number; status: string; reply: { status: number; body: ActReply } }[] = [];
        for (const round of rounds) {
          await Promise.all(
            round.map(async (m, i) => {
              const as = pair[i];
              if (m.kind === 'read') {
                const v = await view(code, as);
                seen[i] = { version: v.version, status: v.status, allowed: v.allowedActions.filter((a) => a !== 'supplement') };
              } else if (m.kind === 'send' && seen[i]?.allowed.length) {
                const s = seen[i]!;
                seen[i] = null; // a page is acted on once; the next action needs a fresh read
                const action = s.allowed[m.pick % s.allowed.length];
                const reply = await act(t, tok[as], code, { action, ...BODY[action], version: s.version });
                sent.push({ as, action, named: s.version, status: s.status, reply });
              }
            }),
          );
        }
        const log = await logOf(code);
        const now = await view(code);
        // A serial history: seqs without gaps, each action starting where the previous one ended, the projection at its end.
        expect(log.map((e) => e.seq)).toEqual(log.map((_e, i) => i + 1));
        for (let i = 1; i < log.length; i++) {
          expect(log[i].fromStatus, `entry ${i + 1}`).toBe(log[i - 1].toStatus);
          expect(log[i].fromUnit, `entry ${i + 1}`).toBe(log[i - 1].toUnit);
        }
        expect({ version: now.version, status: now.status }).toEqual({ version: log.length, status: log.at(-1)!.toStatus });
        // Every applied action sits right on the version it named, from the state its sender saw.
        const applied = sent.filter((s) => s.reply.status === 200);
        for (const s of applied) {
          const entry = log[s.named]; // seq named + 1
          expect(entry, `${s.as} ${s.action} on version ${s.named}`).toMatchObject({ seq: s.named + 1, action: s.action, fromStatus: s.status });
        }
        // Nothing else was applied: the log past the walk is exactly the successful sends.
        expect(log.length - (1 + ['submitted', 'received', 'processing', 'proposed'].indexOf(start))).toBe(applied.length);
        // A stale refusal names a newer state than the one sent; no sent version was ever accepted twice.
        for (const s of sent.filter((x) => current(x.reply))) {
          expect(s.reply.status).toBe(409);
          expect(current(s.reply)!.version).toBeGreaterThan(s.named);
        }
        expect(new Set(applied.map((s) => s.named)).size).toBe(applied.length);
        for (const s of sent) expect(s.reply.status, JSON.stringify(s.reply.body)).toBeLessThan(500);
      }),
      { numRuns: 30 },
    );
  }, 600_000);
});
