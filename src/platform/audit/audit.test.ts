import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, until, type TestApp } from '../../../test/helpers.ts';
import { startWorkers } from '../boot.ts';
import { csrfPair } from '../../../test/security/request.ts';
import { audit, chainOf, takeCheckpoint, verifyAudit, type AuditProblem } from './index.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { auditAnchorOf, checkpointHash, signCheckpoint, toCheckpoint, type Heads } from './checkpoint.ts';

type Verify = {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
  problems: AuditProblem[];
  checkpoint: { seq: number; timestamped: boolean } | null;
  checkpointsChecked: number;
};
type Row = { id: number; at: Date; actor: string; action: string; target: string | null; data: unknown; chain: number; prev_hash: string; hash: string };

let t: TestApp;
let auditor: string;
beforeAll(async () => {
  t = await startTestApp();
  auditor = await login(t, 'kiemtra');
});
afterAll(() => t?.close());

const db = () => t.ctx.database.db;
const verifyHttp = async () => {
  const r = await api<Verify>(t, 'GET', '/api/v1/audit/verify', { token: auditor });
  expect(r.status).toBe(200);
  return r.body;
};
const kinds = (r: { problems: AuditProblem[] }) => r.problems.map((p) => p.kind);
const rowsOf = async (ids: number[]) => (await db().selectFrom('audit_log').selectAll().where('id', 'in', ids).orderBy('id').execute()) as unknown as Row[];
async function reinsert(rows: Row[]) {
  for (const r of rows) {
    await sql`insert into audit_log (id, at, actor, action, target, data, chain, prev_hash, hash)
              values (${r.id}, ${r.at}, ${r.actor}, ${r.action}, ${r.target}, ${JSON.stringify(r.data)}::jsonb, ${r.chain}, ${r.prev_hash}, ${r.hash})`.execute(
      db(),
    );
  }
}
/** The newest entries of one chain, newest first. */
const newestOf = async (chain: number, n: number) =>
  (await db().selectFrom('audit_log').select('id').where('chain', '=', chain).orderBy('id', 'desc').limit(n).execute()).map((r) => Number(r.id));
const allCheckpoints = async () => (await sql<Record<string, unknown>>`select * from audit_checkpoints order by seq`.execute(db())).rows.map(toCheckpoint);
/**
 * The checkpoints and the anchor file as they are now, to put back after a tampering test,
 * as an operator would after an investigation (verification treats both as evidence).
 */
async function snapshot() {
  const saved = await allCheckpoints();
  const file = auditAnchorOf(t.config).file;
  const anchor = readFileSync(file, 'utf8');
  return async () => {
    await restoreCheckpoints(saved);
    writeFileSync(file, anchor);
  };
}
async function restoreCheckpoints(saved: Awaited<ReturnType<typeof allCheckpoints>>) {
  await sql`delete from audit_checkpoints`.execute(db());
  for (const c of saved) {
    await sql`insert into audit_checkpoints (seq, at, heads, prev_hash, hash, signature, tsa_token)
              values (${c.seq}, ${c.at}, ${JSON.stringify(c.heads)}::jsonb, ${c.prev_hash}, ${c.hash}, ${c.signature}, ${c.tsa_token})`.execute(db());
  }
}

describe('hash-chained audit trail', () => {
  it('records sign-ins and configuration changes, and the trail verifies with a signed, time-stamped checkpoint', async () => {
    const admin = await login(t, 'admin');
    await api(t, 'POST', '/api/v1/units', {
      token: admin,
      body: { id: '000.99.00.G12', parentId: '000.00.00.G12', kind: 'department', name: 'Vụ Thử nghiệm' },
    });
    const rows = await db().selectFrom('audit_log').select(['actor', 'action', 'target']).execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'staff:admin', action: 'auth.login' }),
        expect.objectContaining({ actor: 'staff:admin', action: 'org.unit.create', target: 'unit:000.99.00.G12' }),
        expect.objectContaining({ action: 'catalog.import' }),
      ]),
    );
    const r = await verifyHttp();
    expect(r).toMatchObject({ ok: true, checked: rows.length, firstBrokenId: null, problems: [] });
    // The demo's TSA simulator time-stamps checkpoints; a token that did not verify is reported.
    expect(r.checkpoint).toMatchObject({ timestamped: true });
    const [cp] = (await allCheckpoints()).slice(-1);
    expect(cp.seq).toBe(r.checkpoint!.seq);
    expect(cp.tsa_token).toBeTruthy();
    // Every chain with entries is recorded at its newest entry.
    for (const [chain, [id]] of cp.heads.entries()) expect(id).toBe((await newestOf(chain, 1))[0] ?? 0);
  });

  it('a checkpoint of an unchanged trail is the previous one (cheap when nothing was written)', async () => {
    const a = await takeCheckpoint(t.ctx);
    const b = await takeCheckpoint(t.ctx);
    expect(b).toMatchObject({ seq: a.seq, hash: a.hash, created: false });
    await audit(db(), { actor: 'system', action: 'test.cheap' });
    expect(await takeCheckpoint(t.ctx)).toMatchObject({ seq: a.seq + 1, created: true });
  });

  it('concurrent writers, checkpoints and verifications: unbroken chains and no false alarm', async () => {
    const before = (await allCheckpoints()).length;
    for (let round = 0; round < 6; round++) {
      const results = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => audit(db(), { actor: 'system', action: 'test.spread', target: `thing:${i % 7}`, data: { round, i } })),
        ...Array.from({ length: 5 }, (_, i) => audit(db(), { actor: 'system', action: 'test.concurrent', data: { round, i } })),
        takeCheckpoint(t.ctx),
        verifyAudit(t.ctx),
      ]);
      const v = results.at(-1) as Awaited<ReturnType<typeof verifyAudit>>;
      expect(v.problems).toEqual([]);
    }
    const r = await verifyHttp();
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checkpointsChecked).toBeGreaterThan(before);
    const chains = await db().selectFrom('audit_log').select(['target', 'chain']).where('action', '=', 'test.spread').execute();
    expect(new Set(chains.map((c) => c.chain)).size).toBeGreaterThan(3);
    for (const c of chains) expect(c.chain).toBe(chainOf({ actor: 'system', target: c.target }));
  });

  // An entry in the middle of its chain, with a target (so editing the actor keeps its chain).
  const middleEntry = async () => {
    const { rows } = await sql<{ id: number }>`
      select a.id from audit_log a
       where a.target is not null and a.action = 'test.spread'
         and exists (select 1 from audit_log b where b.chain = a.chain and b.id < a.id)
         and exists (select 1 from audit_log b where b.chain = a.chain and b.id > a.id)
       order by a.id limit 1`.execute(db());
    return Number(rows[0].id);
  };

  // `reportedAt`: an id moved is reported where it went; `gapBefore`: an entry moved to
  // another target leaves a gap in its chain, reported from before it.
  const columns: {
    column: string;
    edit: (id: number) => RawBuilder<unknown>;
    kind: AuditProblem['kind'];
    reportedAt?: (id: number) => number;
    gapBefore?: true;
  }[] = [
    { column: 'id', edit: (id) => sql`update audit_log set id = ${id + 1_000_000} where id = ${id}`, kind: 'entry-edited', reportedAt: (id) => id + 1_000_000 },
    { column: 'at', edit: (id) => sql`update audit_log set at = at + interval '1 second' where id = ${id}`, kind: 'entry-edited' },
    { column: 'actor', edit: (id) => sql`update audit_log set actor = 'staff:ke.gian' where id = ${id}`, kind: 'entry-edited' },
    { column: 'action', edit: (id) => sql`update audit_log set action = 'auth.logout' where id = ${id}`, kind: 'entry-edited' },
    { column: 'target', edit: (id) => sql`update audit_log set target = 'thing:other' where id = ${id}`, kind: 'entry-edited', gapBefore: true },
    { column: 'data', edit: (id) => sql`update audit_log set data = data || '{"i": 999}'::jsonb where id = ${id}`, kind: 'entry-edited' },
    { column: 'chain', edit: (id) => sql`update audit_log set chain = (chain + 1) % 16 where id = ${id}`, kind: 'entry-moved' },
    { column: 'prev_hash', edit: (id) => sql`update audit_log set prev_hash = repeat('0', 64) where id = ${id}`, kind: 'entry-edited' },
    { column: 'hash', edit: (id) => sql`update audit_log set hash = repeat('f', 64) where id = ${id}`, kind: 'entry-edited' },
  ];
  it.each(columns)('an edit of the $column column is reported at that entry', async ({ edit, kind, reportedAt, gapBefore }) => {
    const id = await middleEntry();
    const [original] = await rowsOf([id]);
    const restore = await snapshot();
    await edit(id).execute(db());
    const r = await verifyAudit(t.ctx);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind, id: reportedAt?.(id) ?? id }));
    if (reportedAt || gapBefore) {
      // It also left a gap in its chain, reported at the entry that follows it there.
      const next = Number(
        (
          await db()
            .selectFrom('audit_log')
            .select('id')
            .where('chain', '=', original.chain)
            .where('id', '>', id)
            .orderBy('id')
            .limit(1)
            .executeTakeFirstOrThrow()
        ).id,
      );
      expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'entries-deleted', chain: original.chain, id: next }));
    } else {
      expect(r.firstBrokenId).toBe(id);
      expect(r.problems.map((p) => p.id)).toEqual(r.problems.map(() => id));
    }
    // Put back exactly as it was: the same trail verifies again.
    await sql`delete from audit_log where id in (${id}, ${id + 1_000_000})`.execute(db());
    await reinsert([original]);
    await restore();
    expect((await verifyAudit(t.ctx)).problems).toEqual([]);
  });

  it('a deleted entry in the middle of a chain is reported at the next entry, with the gap (smaller batches walk the same chains)', async () => {
    const id = await middleEntry();
    const [victim] = await rowsOf([id]);
    const next = Number(
      (await db().selectFrom('audit_log').select('id').where('chain', '=', victim.chain).where('id', '>', id).orderBy('id').limit(1).executeTakeFirstOrThrow())
        .id,
    );
    await db().deleteFrom('audit_log').where('id', '=', id).execute();
    const r = await verifyAudit(t.ctx, 7);
    expect(r.ok).toBe(false);
    const gap = r.problems.find((p) => p.kind === 'entries-deleted')!;
    expect(gap).toMatchObject({ chain: victim.chain, id: next });
    expect(gap.fromId).toBeLessThanOrEqual(id);
    expect(gap.toId).toBeGreaterThanOrEqual(id);
    expect(kinds(r)).toEqual(['entries-deleted']);
    await reinsert([victim]);
    expect((await verifyAudit(t.ctx, 7)).problems).toEqual([]);
  });

  it('deleting the two newest entries of a chain is reported by /api/v1/audit/verify, with the chain and the missing ids', async () => {
    for (let i = 0; i < 3; i++) await audit(db(), { actor: 'system', action: 'test.tail', target: 'thing:tail', data: { i } });
    expect((await verifyHttp()).ok).toBe(true); // the checkpoint now records them
    const chain = chainOf({ actor: 'system', target: 'thing:tail' });
    const [newest, second, kept] = await newestOf(chain, 3);
    const saved = await rowsOf([second, newest]);
    await db().deleteFrom('audit_log').where('id', 'in', [newest, second]).execute();

    const r = await verifyHttp();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'tail-deleted', chain, fromId: kept + 1, toId: newest })]);
    expect(r.firstBrokenId).toBe(kept + 1);
    expect(r.problems[0].message).toContain(`#${newest}`);
    // Asked again (the checkpoint taken now has the shorter chain), it is still reported.
    expect((await verifyHttp()).problems).toEqual([expect.objectContaining({ kind: 'tail-deleted', chain, toId: newest })]);

    // The page tells the auditor, in Vietnamese and in English.
    const pair = csrfPair(t);
    for (const [lang, text] of [
      ['vi', 'các bản ghi mới nhất đã bị xoá'],
      ['en', 'its newest entries were deleted'],
    ]) {
      const page = await fetch(`${t.base}/can-bo/nhat-ky/kiem-tra?lang=${lang}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${auditor}`,
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: pair.cookie,
          'x-csrf-token': pair.token,
        },
        body: `_csrf=${pair.token}`,
      });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(text);
    }

    await reinsert(saved);
    expect((await verifyHttp()).problems).toEqual([]);
  });

  it('a deleted tail and the checkpoints that recorded it, deleted together, are reported by the checkpoint kept outside the database', async () => {
    for (let i = 0; i < 2; i++) await audit(db(), { actor: 'system', action: 'test.tail', target: 'thing:tail2', data: { i } });
    expect((await verifyHttp()).ok).toBe(true);
    const chain = chainOf({ actor: 'system', target: 'thing:tail2' });
    const [newest, second] = await newestOf(chain, 2);
    const saved = await rowsOf([second, newest]);
    const checkpoints = await allCheckpoints();
    // Every checkpoint that knew these entries goes, so the remaining ones agree with the table.
    const knew = checkpoints.filter((c) => c.heads[chain][0] >= second);
    expect(knew.length).toBeGreaterThan(0);
    await db().deleteFrom('audit_log').where('id', 'in', [newest, second]).execute();
    await sql`delete from audit_checkpoints where seq >= ${knew[0].seq}`.execute(db());

    // What the database alone still shows is consistent: only the anchor outside it can tell.
    expect((await verifyAudit(db())).problems).toEqual([]);
    const r = await verifyHttp();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'anchor-mismatch', checkpoint: checkpoints.at(-1)!.seq })]);
    // The anchor does not move past what it is evidence of.
    await audit(db(), { actor: 'system', action: 'test.after' });
    expect(kinds(await verifyHttp())).toEqual(['anchor-mismatch']);

    await sql`delete from audit_log where action = 'test.after'`.execute(db());
    await restoreCheckpoints(checkpoints);
    await reinsert(saved);
    expect((await verifyHttp()).problems).toEqual([]);
  });

  it('a forged, an edited or a deleted checkpoint and a time-stamp of another checkpoint are reported', async () => {
    await audit(db(), { actor: 'system', action: 'test.more' });
    await takeCheckpoint(t.ctx);
    const saved = await allCheckpoints();
    const restore = await snapshot();
    const last = saved.at(-1)!;
    expect(saved.length).toBeGreaterThan(3);

    // Forged: well linked and hashed, but signed with a key that is not the server's.
    const heads: Heads = last.heads.map(([id, hash]) => [id, hash]);
    const at = new Date();
    const hash = checkpointHash(last.seq + 1, at, heads, last.hash);
    await sql`insert into audit_checkpoints (seq, at, heads, prev_hash, hash, signature)
              values (${last.seq + 1}, ${at}, ${JSON.stringify(heads)}::jsonb, ${last.hash}, ${hash}, ${signCheckpoint('x'.repeat(43), hash)})`.execute(db());
    let r = await verifyAudit(t.ctx);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'checkpoint-signature', checkpoint: last.seq + 1 })]);
    // Verification never builds on it: the checkpoint it took follows the forged one.
    expect(r.checkpoint!.seq).toBe(last.seq + 2);
    await restore();

    // Edited: a head moved back without recomputing the hash.
    const edited = [...last.heads];
    edited[0] = [0, '0'.repeat(64)];
    await sql`update audit_checkpoints set heads = ${JSON.stringify(edited)}::jsonb where seq = ${saved[1].seq}`.execute(db());
    r = await verifyAudit(t.ctx);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint-edited', checkpoint: saved[1].seq }));
    await restore();

    // Deleted from the middle.
    await sql`delete from audit_checkpoints where seq = ${saved[1].seq}`.execute(db());
    r = await verifyAudit(t.ctx);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'checkpoints-deleted', checkpoint: saved[2].seq })]);
    await restore();

    // Another checkpoint's time-stamp token.
    const stamped = saved.filter((c) => c.tsa_token);
    expect(stamped.length).toBeGreaterThan(1);
    await sql`update audit_checkpoints set tsa_token = ${stamped[0].tsa_token} where seq = ${stamped[1].seq}`.execute(db());
    r = await verifyAudit(t.ctx);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'checkpoint-timestamp', checkpoint: stamped[1].seq })]);
    await restore();

    expect((await verifyHttp()).problems).toEqual([]);
  });

  // Last: from here on the job workers run beside the test.
  it('the scheduled job takes a checkpoint of what was written since the last one', async () => {
    await audit(db(), { actor: 'system', action: 'test.scheduled' });
    const before = (await allCheckpoints()).length;
    await startWorkers(t.ctx);
    await t.ctx.jobs.send('audit.checkpoint', {});
    await until('the job to record a checkpoint', async () => (await allCheckpoints()).length > before, 120_000);
    const [cp] = (await allCheckpoints()).slice(-1);
    const chain = chainOf({ actor: 'system', target: null });
    expect(cp.heads[chain][0]).toBe((await newestOf(chain, 1))[0]);
    expect((await verifyHttp()).problems).toEqual([]);
  }, 600_000);
});
