import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshDatabase, onPostgres, until } from '../../../test/helpers.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { openDatabase, type Database } from '../../platform/db/index.ts';
import { migrate } from '../../platform/db/migrate.ts';
import { createTestCa, issueSigningCertificate, toPkcs12 } from '../../platform/signing/test-ca.ts';
import type { Signer } from '../../platform/signing/signer.ts';
import { demoSigningKeys } from './signing-keys.ts';

/**
 * Demo signing keys shared by the nodes of a cluster: two nodes, each with a DATA_DIR of its own
 * and (on a server) a pool of its own, on one database and with one token secret.
 */
const SECRET = 'bi-mat-chung-cua-cum-may-chu-0123456789';
const leader = { username: 'lanhdao', name: 'Nguyễn Văn Ký', organisation: 'UBND tỉnh Thử Nghiệm', unitName: 'Sở Tư pháp' };
const unit = { id: '000.00.12.H99', name: 'Sở Tư pháp', parent: 'UBND tỉnh Thử Nghiệm' };

let dropDb: () => Promise<void>;
let dbA: Database;
let dbB: Database;
const dirs: string[] = [];
beforeAll(async () => {
  const fresh = await freshDatabase();
  dropDb = fresh.drop;
  dbA = await openDatabase({ url: fresh.url, dataDir: 'memory://' });
  await migrate(dbA.pool);
  dbB = fresh.url ? await openDatabase({ url: fresh.url }) : dbA;
}, 300_000);
afterAll(async () => {
  for (const d of new Set([dbA, dbB])) await d?.close();
  await dropDb?.();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
// Each test starts as a fresh demo installation: no CA yet.
beforeEach(async () => {
  await dbA.db.deleteFrom('demo_signing_keys').execute();
});

/** What signing-keys reads of a node's context: its DATA_DIR, its database, the shared secret. */
function node(database: Database): Ctx {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-node-'));
  dirs.push(dataDir);
  return { config: { dataDir, secrets: { token: SECRET } }, database } as unknown as Ctx;
}

const certificates = (s: Signer) => s.certificateChain().then((c) => c.map((x) => Buffer.from(x).toString('base64')));
const pkcs12Password = (id: string) => createHmac('sha256', SECRET).update(`pkcs12:${id}`).digest('base64url');
const storedIds = async () => (await dbA.db.selectFrom('demo_signing_keys').select('id').orderBy('id').execute()).map((r) => r.id);

describe('demo signing keys across nodes', () => {
  it('two nodes use the same CA, the same leader certificate and the same seal, and write nothing to DATA_DIR', async () => {
    const a = node(dbA);
    const b = node(dbB);
    const fromA = await certificates(await demoSigningKeys.person(a, leader));
    const fromB = await certificates(await demoSigningKeys.person(b, leader));
    expect(fromA).toHaveLength(2); // the leaf, then the test CA
    expect(fromB).toEqual(fromA);
    expect(await certificates(await demoSigningKeys.organisation(b, unit))).toEqual(await certificates(await demoSigningKeys.organisation(a, unit)));
    // The seal is issued by the same CA as the leader's certificate.
    expect((await certificates(await demoSigningKeys.organisation(a, unit)))[1]).toBe(fromA[1]);
    expect(await storedIds()).toEqual(['ca', 'org-000.00.12.H99', 'person-lanhdao']);
    expect(existsSync(path.join(a.config.dataDir, 'signing'))).toBe(false);
    expect(existsSync(path.join(b.config.dataDir, 'signing'))).toBe(false);
  });

  it('two nodes making the first keys at once end up with one CA and one key each', async () => {
    // A second copy of the module is a second node's process: its own queue of creations, so
    // the two nodes really do create side by side and only the table's key decides.
    vi.resetModules();
    const other = (await import('./signing-keys.ts')).demoSigningKeys;
    expect(other).not.toBe(demoSigningKeys);
    const a = node(dbA);
    const b = node(dbB);
    const [pa, pb, oa, ob] = await Promise.all([
      demoSigningKeys.person(a, leader).then(certificates),
      other.person(b, leader).then(certificates),
      demoSigningKeys.organisation(a, unit).then(certificates),
      other.organisation(b, unit).then(certificates),
    ]);
    expect(pb).toEqual(pa);
    expect(ob).toEqual(oa);
    expect(oa[1]).toBe(pa[1]);
    expect(await storedIds()).toEqual(['ca', 'org-000.00.12.H99', 'person-lanhdao']);
    // Later uses, on either node, get what the table holds.
    expect(await certificates(await other.person(a, leader))).toEqual(pa);
    expect(await certificates(await demoSigningKeys.person(b, leader))).toEqual(pa);
  });

  it("an existing installation's key files are taken into the table; a leaf another node's CA issued is not", async () => {
    const a = node(dbA);
    const b = node(dbB);
    const ca = await createTestCa();
    const leaf = await issueSigningCertificate(ca, { commonName: leader.name, organisation: leader.organisation });
    mkdirSync(path.join(a.config.dataDir, 'signing'));
    writeFileSync(path.join(a.config.dataDir, 'signing', 'ca.p12'), await toPkcs12(ca, pkcs12Password('ca')));
    writeFileSync(path.join(a.config.dataDir, 'signing', 'person-lanhdao.p12'), await toPkcs12(leaf, pkcs12Password('person-lanhdao')));
    // Node B made a CA of its own before, and issued its own certificate for another leader.
    const caOfB = await createTestCa();
    const leafOfB = await issueSigningCertificate(caOfB, { commonName: 'Trần Thị Duyệt', organisation: leader.organisation });
    mkdirSync(path.join(b.config.dataDir, 'signing'));
    writeFileSync(path.join(b.config.dataDir, 'signing', 'ca.p12'), await toPkcs12(caOfB, pkcs12Password('ca')));
    writeFileSync(path.join(b.config.dataDir, 'signing', 'person-duyet.p12'), await toPkcs12(leafOfB, pkcs12Password('person-duyet')));

    const expected = [leaf.certificate, ca.certificate].map((x) => Buffer.from(x).toString('base64'));
    expect(await certificates(await demoSigningKeys.person(a, leader))).toEqual(expected);
    expect(await certificates(await demoSigningKeys.person(b, leader))).toEqual(expected);
    // B's old leaf chains to B's old CA, which lost: B's leader gets a new certificate from the shared CA.
    const duyet = await certificates(await demoSigningKeys.person(b, { ...leader, username: 'duyet', name: 'Trần Thị Duyệt' }));
    expect(duyet[0]).not.toBe(Buffer.from(leafOfB.certificate).toString('base64'));
    expect(duyet[1]).toBe(expected[1]);
    expect(await certificates(await demoSigningKeys.person(a, { ...leader, username: 'duyet', name: 'Trần Thị Duyệt' }))).toEqual(duyet);
    // The files stay: the table is read first from now on.
    expect(existsSync(path.join(a.config.dataDir, 'signing', 'ca.p12'))).toBe(true);
  });

  it('works inside a transaction, which the embedded database runs on its only connection', async () => {
    const a = node(dbA);
    const inside = await dbA.db.transaction().execute(async (tx) => certificates(await demoSigningKeys.person(inTransaction(a, tx), leader)));
    expect(await certificates(await demoSigningKeys.person(node(dbB), leader))).toEqual(inside);
  });

  it('a key made in a transaction that rolls back is not kept', async () => {
    const a = node(dbA);
    await expect(
      dbA.db.transaction().execute(async (tx) => {
        await demoSigningKeys.person(inTransaction(a, tx), leader);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await storedIds()).toEqual([]);
  });

  it.runIf(onPostgres())("a node whose first key meets another node's, not committed yet, waits for it and uses it", async () => {
    vi.resetModules();
    const other = (await import('./signing-keys.ts')).demoSigningKeys;
    const a = node(dbA);
    const b = node(dbB);
    let made!: () => void;
    let release!: () => void;
    const madeInA = new Promise<void>((r) => {
      made = r;
    });
    const held = new Promise<void>((r) => {
      release = r;
    });
    let fromA: string[] = [];
    const txA = dbA.db.transaction().execute(async (tx) => {
      fromA = await certificates(await demoSigningKeys.person(inTransaction(a, tx), leader));
      made();
      await held;
    });
    try {
      await madeInA;
      const fromB = other.person(b, leader).then(certificates);
      await until("node B's insert waits for node A's transaction", async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(dbA.db);
        return rows[0].n > 0;
      });
      release();
      await txA;
      expect(await fromB).toEqual(fromA);
    } finally {
      release();
      await txA.catch(() => undefined); // its failure, if any, is the test's: reported by the awaits above
    }
  });
});
