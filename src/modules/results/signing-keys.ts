import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { createTestCa, fromPkcs12, issueSigningCertificate, toPkcs12, type NameParts, type TestCa } from '../../platform/signing/test-ca.ts';
import { KeySigner, type Signer } from '../../platform/signing/signer.ts';

/**
 * Where result signatures come from. In demo mode a test CA (named as a test CA) and PKCS#12
 * keys for each signing leader and each issuing organisation are made on first use and kept
 * in the database (`demo_signing_keys`), so every node of a cluster signs with the same CA and
 * the same keys; production plugs a real provider (PKCS#12 files from the CA, or the
 * remote signing service) behind the same `Signer` interface.
 */
export interface SigningKeys {
  /** The person's signer (a signing leader), by username. */
  person(ctx: Ctx, who: { username: string; name: string; organisation: string; unitName: string }): Promise<Signer>;
  /** The organisation's seal signer, by unit. */
  organisation(ctx: Ctx, unit: { id: string; name: string; parent?: string }): Promise<Signer>;
}

const dirOf = (ctx: Ctx) => path.join(ctx.config.dataDir, 'signing');
const passwordOf = (ctx: Ctx, id: string) => createHmac('sha256', ctx.config.secrets.token).update(`pkcs12:${id}`).digest('base64url');
const safe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');

// One creation at a time per process, so two first signatures on a node do not make two CAs and
// discard one; across nodes the table's primary key decides (loadOrCreate).
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(f: () => Promise<T>): Promise<T> {
  const run = chain.then(f, f);
  chain = run.catch(() => undefined); // the caller gets the error through `run`; the queue goes on
  return run;
}

/** The PKCS#12 the table holds for `id`, read through the caller's transaction when there is one. */
async function stored(ctx: Ctx, id: string): Promise<Uint8Array | undefined> {
  const row = await ctx.database.db.selectFrom('demo_signing_keys').select('p12').where('id', '=', id).executeTakeFirst();
  return row && new Uint8Array(row.p12);
}

/** A demo installation from before the keys moved to the database kept them in DATA_DIR/signing. */
async function legacyFile(ctx: Ctx, id: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path.join(dirOf(ctx), `${safe(id)}.p12`)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return undefined;
  }
}

/**
 * The key `id` as every node sees it: the table's row, else this node's legacy file, else a new
 * key. The first insert wins (`on conflict do nothing`) and everyone, the losers included, uses
 * what the table then holds, so two nodes making the same key at once end up with one.
 * `issuer`, for a leaf, is the converged CA: a legacy leaf file another CA issued (each node
 * made its own CA before) is left behind and a fresh one issued, so one CA stands behind all keys.
 */
async function loadOrCreate(ctx: Ctx, id: string, make: () => Promise<TestCa>, issuer?: TestCa): Promise<TestCa> {
  const pw = passwordOf(ctx, id);
  const have = await stored(ctx, id);
  if (have) return fromPkcs12(have, pw);
  // Read (so checked against its password) before it is shared. The file stays where it is: the
  // row is read first from now on, and a caller's transaction rolled back must not lose the only copy.
  let p12 = await legacyFile(ctx, id);
  if (p12 && issuer && !sameBytes((await fromPkcs12(p12, pw)).chain[0], issuer.certificate)) p12 = undefined;
  else if (p12 && !issuer) await fromPkcs12(p12, pw);
  p12 ??= await toPkcs12(await make(), pw);
  await ctx.database.db
    .insertInto('demo_signing_keys')
    .values({ id, p12: Buffer.from(p12) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const won = await stored(ctx, id);
  // Read committed: an insert that met another's row waited for it to commit, so it is seen here.
  if (!won) throw new AppError('INTERNAL', { vi: `Không đọc lại được khóa ký thử nghiệm ${id}`, en: `Demo signing key ${id} was not read back` });
  return fromPkcs12(won, pw);
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

const testCa = (ctx: Ctx) => loadOrCreate(ctx, 'ca', () => createTestCa());

async function testSigner(ctx: Ctx, id: string, name: NameParts, keyAlgorithm: 'RSA-2048' | 'ECDSA-P256'): Promise<Signer> {
  return serial(async () => {
    // The CA converges first, so a leaf is only ever issued by the CA every node uses.
    const ca = await testCa(ctx);
    return new KeySigner(await loadOrCreate(ctx, id, () => issueSigningCertificate(ca, { ...name, keyAlgorithm }), ca));
  });
}

export const demoSigningKeys: SigningKeys = {
  person: (ctx, w) => testSigner(ctx, `person-${w.username}`, { commonName: w.name, organisation: w.organisation, organisationalUnit: w.unitName }, 'RSA-2048'),
  organisation: (ctx, u) => testSigner(ctx, `org-${u.id}`, { commonName: u.name, organisation: u.parent ?? u.name, serialNumber: `MNS:${u.id}` }, 'ECDSA-P256'),
};

/**
 * Production keys: the PKCS#12 files the CA issued, one per signer and one per issuing unit,
 * read from SIGNING_P12_DIR. A missing file is the operator's to fix, said plainly.
 */
export function p12Keys(dir: string, password: string): SigningKeys {
  const load = async (id: string, who: { vi: string; en: string }) => {
    const file = path.join(dir, `${safe(id)}.p12`);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new AppError('SERVICE_UNAVAILABLE', { vi: `Chưa có khóa ký số của ${who.vi} (${file})`, en: `No signing key for ${who.en} (${file})` });
    }
    return new KeySigner(await fromPkcs12(new Uint8Array(bytes), password));
  };
  return {
    person: (_ctx, w) => load(`person-${w.username}`, { vi: w.name, en: w.name }),
    organisation: (_ctx, u) => load(`org-${u.id}`, { vi: u.name, en: u.name }),
  };
}

/** The keys in force: the CA's PKCS#12 files when configured, the demo's test keys in demo mode, else a refusal. */
export function signingKeys(ctx: Ctx): SigningKeys {
  if (ctx.config.signingP12) return p12Keys(ctx.config.signingP12.dir, ctx.config.signingP12.password);
  if (ctx.config.mode === 'demo') return demoSigningKeys;
  throw new AppError('SERVICE_UNAVAILABLE', {
    vi: 'Chưa cấu hình khóa ký số (SIGNING_P12_DIR: các tệp PKCS#12 do tổ chức cung cấp dịch vụ chứng thực cấp)',
    en: 'Digital signing is not configured (SIGNING_P12_DIR: the PKCS#12 files issued by the CA)',
  });
}
