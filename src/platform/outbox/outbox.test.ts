import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, until, type TestApp } from '../../../test/helpers.ts';
import type { Ctx } from '../context.ts';
import {
  adapterStatus,
  deliverOutbox,
  enqueueOutbox,
  ensureOutboxQueue,
  listDeadLetters,
  registerOutboxAdapter,
  replayDeadLetters,
  setAdapterPaused,
  type DeliveryOutcome,
  type OutboxMessage,
} from './index.ts';

/**
 * The outbox through its public operations, with an adapter whose far side is a list: what it
 * received, in order. The far side fails as a test tells it to.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ demo: false });
});
afterAll(() => t?.close());

function farSide(name: string) {
  const received: { key: string; n: number; id: string }[] = [];
  let fail: (m: OutboxMessage) => DeliveryOutcome | null = () => null;
  const adapter = {
    name,
    label: { vi: 'Thử', en: 'Test' },
    maxAttempts: 3,
    async deliver(_ctx: Ctx, m: OutboxMessage): Promise<DeliveryOutcome> {
      const f = fail(m);
      if (f) return f;
      received.push({ key: m.key, n: m.payload.n, id: m.id });
      return { ok: true, result: { at: received.length } };
    },
  };
  return {
    adapter,
    received,
    failWith(fn: typeof fail) {
      fail = fn;
    },
  };
}

const write = (name: string, key: string, n: number, dedupe = `${key}:${n}`) =>
  t.ctx.database.db.transaction().execute((tx) => enqueueOutbox(t.ctx, tx, { adapter: name, key, dedupe, kind: 'step', payload: { n } }));

async function drain(name: string) {
  for (let i = 0; i < 1000; i++) {
    const r = await deliverOutbox(t.ctx, name, { now: 'ignore-backoff' });
    if (r.sent + r.failed + r.dead === 0) return;
  }
  throw new Error('outbox did not drain');
}

describe('integration outbox', () => {
  it('writes a message iff its transaction commits, once per dedupe', async () => {
    const s = farSide('t-commit');
    await ensureOutboxQueue(t.ctx, s.adapter);
    expect(await write('t-commit', 'A', 1)).toBe(true);
    expect(await write('t-commit', 'A', 1)).toBe(false);
    await t.ctx.database.db
      .transaction()
      .execute(async (tx) => {
        await enqueueOutbox(t.ctx, tx, { adapter: 't-commit', key: 'A', dedupe: 'A:2', kind: 'step', payload: { n: 2 } });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await drain('t-commit');
    expect(s.received.map((r) => r.n)).toEqual([1]);
    expect((await adapterStatus(t.ctx, 't-commit')).pending).toBe(0);
  });

  it('keeps order per key through random failures, and delivers everything once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('K1', 'K2', 'K3'), fc.boolean()), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (writes, seed) => {
          const name = `t-order-${seed % 100000}-${writes.length}`;
          const s = farSide(name);
          await ensureOutboxQueue(t.ctx, s.adapter);
          let x = seed || 1;
          // A failure on about a third of the tries, never permanent, and never the third try (maxAttempts 3).
          s.failWith((m) => {
            x = (x * 48271) % 2147483647;
            return m.attempts < 2 && x % 3 === 0 ? { ok: false, error: 'HTTP 503' } : null;
          });
          const expected = new Map<string, number[]>();
          for (const [i, [key]] of writes.entries()) {
            await write(name, key, i);
            expected.set(key, [...(expected.get(key) ?? []), i]);
          }
          await drain(name);
          for (const [key, ns] of expected) expect(s.received.filter((r) => r.key === key).map((r) => r.n)).toEqual(ns);
          expect(s.received).toHaveLength(writes.length);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('makes dead letters of permanent failures, holds the key behind them, and replays them', async () => {
    const s = farSide('t-dead');
    await ensureOutboxQueue(t.ctx, s.adapter);
    s.failWith((m) => (m.payload.n === 1 ? { ok: false, error: 'malformed: NgayTiepNhan', permanent: true } : null));
    await write('t-dead', 'D', 1);
    await write('t-dead', 'D', 2);
    await write('t-dead', 'E', 3);
    await drain('t-dead');
    // E is another dossier: it goes; D's second step waits behind its dead first step.
    expect(s.received.map((r) => r.n)).toEqual([3]);
    const dead = await listDeadLetters(t.ctx, 't-dead');
    expect(dead.map((d) => [d.payload.n, d.lastError])).toEqual([[1, 'malformed: NgayTiepNhan']]);
    const st = await adapterStatus(t.ctx, 't-dead');
    expect([st.dead, st.pending, st.calls24h.failed, st.lastError]).toEqual([1, 1, 1, 'malformed: NgayTiepNhan']);

    s.failWith(() => null);
    const n = await t.ctx.database.db.transaction().execute((tx) => replayDeadLetters(t.ctx, tx, 't-dead', dead[0]!.id));
    expect(n).toBe(1);
    await drain('t-dead');
    expect(s.received.map((r) => r.n)).toEqual([3, 1, 2]);
    expect((await adapterStatus(t.ctx, 't-dead')).dead).toBe(0);
  });

  it('gives up after the last attempt, and backs off between attempts', async () => {
    const s = farSide('t-retry');
    await ensureOutboxQueue(t.ctx, s.adapter);
    s.failWith(() => ({ ok: false, error: 'timeout after 6000 ms' }));
    await write('t-retry', 'R', 1);
    // Without ignoring the backoff, a failed message is not due again at once.
    expect(await deliverOutbox(t.ctx, 't-retry')).toEqual({ sent: 0, failed: 1, dead: 0 });
    expect(await deliverOutbox(t.ctx, 't-retry')).toEqual({ sent: 0, failed: 0, dead: 0 });
    await drain('t-retry');
    const [d] = await listDeadLetters(t.ctx, 't-retry');
    expect(d?.attempts).toBe(3);
  });

  it('a paused adapter delivers nothing until resumed; messages keep being written', async () => {
    const s = farSide('t-pause');
    await ensureOutboxQueue(t.ctx, s.adapter);
    await t.ctx.database.db.transaction().execute((tx) => setAdapterPaused(t.ctx, tx, 't-pause', true, 'staff:admin'));
    await write('t-pause', 'P', 1);
    expect(await deliverOutbox(t.ctx, 't-pause', { now: 'ignore-backoff' })).toEqual({ sent: 0, failed: 0, dead: 0 });
    const st = await adapterStatus(t.ctx, 't-pause');
    expect([st.paused, st.pausedBy, st.pending]).toEqual([true, 'staff:admin', 1]);
    await t.ctx.database.db.transaction().execute((tx) => setAdapterPaused(t.ctx, tx, 't-pause', false, 'staff:admin'));
    await drain('t-pause');
    expect(s.received).toHaveLength(1);
  });

  it('two workers racing over one outbox send each message once', async () => {
    const s = farSide('t-race');
    await ensureOutboxQueue(t.ctx, s.adapter);
    for (let i = 0; i < 30; i++) await write('t-race', `k${i % 5}`, i);
    for (let round = 0; round < 40; round++) {
      const [a, b] = await Promise.all([deliverOutbox(t.ctx, 't-race'), deliverOutbox(t.ctx, 't-race')]);
      if (a.sent + b.sent === 0) break;
    }
    expect(s.received.map((r) => r.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("the adapter's job delivers what a transaction wrote, without anyone calling it", async () => {
    const s = farSide('t-job');
    await registerOutboxAdapter(t.ctx, s.adapter);
    await write('t-job', 'J', 1);
    await until('the job delivered the message', async () => s.received.length === 1);
    const { rows } = await sql<{ status: string }>`select status from outbox_messages where adapter = 't-job'`.execute(t.ctx.database.db);
    expect(rows).toEqual([{ status: 'sent' }]);
  });
});
