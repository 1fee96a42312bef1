import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { AppError } from '../../../platform/errors.ts';
import { createTestCa, fromPkcs12, issueSigningCertificate, toPkcs12, type KeyAndCertificates } from '../../../platform/signing/test-ca.ts';
import { sha256Hex } from './axis-contract.ts';

/**
 * The key the agency signs its EDXML messages with (XML-DSig, RSA-SHA256: QCVN 102 as the
 * receivers' software expects it). The organisation's seal key of the results module is ECDSA,
 * which EDXML's RSA-SHA256 cannot use, so the exchange has its own, one per OrganId:
 * production reads the CA-issued `SIGNING_P12_DIR/edxml-{OrganId}.p12` (SIGNING_P12_PASSWORD);
 * demo mode makes a test key (a test CA, named as such) on first use and keeps it in
 * `edxml_signing_keys`, so every node of a cluster signs with the same key.
 */
export interface AgencyKey {
  privateKey: CryptoKey;
  certificateDer: Uint8Array;
}

const parsed = new Map<string, Promise<KeyAndCertificates>>();
/** Parsing a PKCS#12 runs 100,000 PBKDF2 rounds: once per process and key. */
function open(p12: Uint8Array, password: string): Promise<KeyAndCertificates> {
  const k = sha256Hex(p12);
  let p = parsed.get(k);
  if (!p) {
    p = fromPkcs12(p12, password);
    parsed.set(k, p);
    p.catch(() => parsed.delete(k)); // a failed read is not remembered; the caller gets the error through `p`
  }
  return p;
}

const demoPassword = (ctx: Ctx, organId: string) => createHmac('sha256', ctx.config.secrets.token).update(`pkcs12:edxml-${organId}`).digest('base64url');

/** The agency's key, read (or, in demo mode, made) through the caller's transaction. */
export async function agencyKey(ctx: Ctx, tx: Tx): Promise<AgencyKey> {
  const { organId, organName } = ctx.config.edxml.organ;
  const p12Dir = ctx.config.signingP12;
  if (p12Dir) {
    const file = path.join(p12Dir.dir, `edxml-${organId.replace(/[^A-Za-z0-9._-]/g, '_')}.p12`);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new AppError('SERVICE_UNAVAILABLE', {
        vi: `Chưa có khóa ký số văn bản điện tử của cơ quan (${file})`,
        en: `No signing key for the agency's EDXML messages (${file})`,
      });
    }
    const kc = await open(new Uint8Array(bytes), p12Dir.password);
    return { privateKey: kc.privateKey, certificateDer: kc.certificate };
  }
  if (ctx.config.mode !== 'demo')
    throw new AppError('SERVICE_UNAVAILABLE', {
      vi: 'Chưa cấu hình khóa ký số (SIGNING_P12_DIR) để ký văn bản gửi liên thông',
      en: 'Digital signing is not configured (SIGNING_P12_DIR): EDXML messages cannot be signed',
    });
  const password = demoPassword(ctx, organId);
  const read = () => tx.selectFrom('edxml_signing_keys').select('p12').where('organ_id', '=', organId).executeTakeFirst();
  let row = await read();
  if (!row) {
    const ca = await createTestCa({ keyAlgorithm: 'RSA-2048' });
    const leaf = await issueSigningCertificate(ca, {
      commonName: organName,
      organisation: organName,
      serialNumber: `MNS:${organId}`,
      keyAlgorithm: 'RSA-2048',
    });
    const p12 = await toPkcs12(leaf, password);
    // Two nodes making it at once: the first insert wins and both use what the table holds.
    await tx
      .insertInto('edxml_signing_keys')
      .values({ organ_id: organId, p12: Buffer.from(p12) })
      .onConflict((oc) => oc.column('organ_id').doNothing())
      .execute();
    row = await read();
    if (!row) throw new AppError('INTERNAL', { vi: 'Không đọc lại được khóa ký thử nghiệm', en: 'The demo EDXML signing key was not read back' });
  }
  const kc = await open(new Uint8Array(row.p12), password);
  return { privateKey: kc.privateKey, certificateDer: kc.certificate };
}
