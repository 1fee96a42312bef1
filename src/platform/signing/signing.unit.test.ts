import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { ab, OID, subtle } from './crypto.ts';
import { signDetached } from './cms.ts';
import { signPdf } from './pades.ts';
import { KeySigner } from './signer.ts';
import { verifyPdfSignatures } from './verify.ts';
import { describeWithTool, findTool, itWithTool } from '../../../test/tools.ts';
import {
  TEST_CA_NAME,
  createTestCa,
  fromPkcs12,
  issueSigningCertificate,
  parseCertificate,
  toPkcs12,
  type KeyAndCertificates,
  type TestCa,
} from './test-ca.ts';

const PDFSIG = findTool('pdfsig') ?? 'pdfsig';
const OPENSSL = findTool('openssl') ?? 'openssl';
const CERTUTIL = findTool('certutil') ?? 'certutil';

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** pdfsig's report, one block per signature. */
function signatures(report: string): string[] {
  return report.split(/^Signature #\d+:$/m).slice(1);
}

/** Whether each signature is intact, by the production verifier. */
const verifyWithPkijs = async (pdf: Uint8Array) => (await verifyPdfSignatures(pdf)).map((c) => c.valid);

let ca: TestCa;
let leader: KeyAndCertificates;
let organisation: KeyAndCertificates;
let dir: string;

beforeAll(async () => {
  ca = await createTestCa();
  leader = await issueSigningCertificate(ca, { commonName: 'Hoàng Văn Thắng', organisation: 'Bộ Công Thương', title: 'Bộ trưởng' });
  organisation = await issueSigningCertificate(ca, {
    commonName: 'Bộ Công Thương',
    organisation: 'Bộ Công Thương',
    locality: 'Hà Nội',
    keyAlgorithm: 'ECDSA-P256',
  });
  dir = await mkdtemp(join(tmpdir(), 'congso-signing-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('test CA', () => {
  it('names the CA as a test and writes Vietnamese names as UTF8String', () => {
    const caCert = parseCertificate(ca.certificate);
    const caCn = caCert.subject.typesAndValues.find((t) => t.type === OID.commonName)!;
    expect(caCn.value.valueBlock.value).toBe(TEST_CA_NAME);
    expect(TEST_CA_NAME).toContain('TEST');
    const cert = parseCertificate(leader.certificate);
    const cn = cert.subject.typesAndValues.find((t) => t.type === OID.commonName)!;
    const o = cert.subject.typesAndValues.find((t) => t.type === OID.organisation)!;
    expect(cn.value.constructor.name).toBe('Utf8String');
    expect(cn.value.valueBlock.value).toBe('Hoàng Văn Thắng');
    expect(o.value.valueBlock.value).toBe('Bộ Công Thương');
    // keyUsage digitalSignature + nonRepudiation, critical
    const ku = cert.extensions!.find((e) => e.extnID === OID.keyUsage)!;
    expect(ku.critical).toBe(true);
    expect(Buffer.from(ku.extnValue.valueBlock.valueHexView).toString('hex')).toBe('030206c0');
    expect(leader.chain).toEqual([ca.certificate]);
  });
});

describe('PKCS#12', () => {
  it('round-trips key and certificates through a password-protected .p12', async () => {
    for (const kc of [leader, organisation]) {
      const p12 = await toPkcs12(kc, 'test-password');
      const back = await fromPkcs12(p12, 'test-password');
      expect(Buffer.from(back.certificate).equals(Buffer.from(kc.certificate))).toBe(true);
      expect(back.chain.map((c) => Buffer.from(c).toString('hex'))).toEqual([Buffer.from(ca.certificate).toString('hex')]);
      expect(back.privateKey.algorithm.name).toBe(kc.privateKey.algorithm.name);
      // The loaded key signs what the certificate's public key verifies.
      const data = new TextEncoder().encode('Cộng hòa xã hội chủ nghĩa Việt Nam');
      const cert = parseCertificate(back.certificate);
      const isEc = back.privateKey.algorithm.name === 'ECDSA';
      const alg = isEc ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
      const pub = await subtle.importKey('spki', ab(new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false))), alg, false, ['verify']);
      const sig = await subtle.sign(isEc ? { name: 'ECDSA', hash: 'SHA-256' } : alg, back.privateKey, ab(data));
      expect(await subtle.verify(isEc ? { name: 'ECDSA', hash: 'SHA-256' } : alg, pub, sig, ab(data))).toBe(true);
    }
  });

  it('refuses a wrong password', async () => {
    const p12 = await toPkcs12(leader, 'right');
    await expect(fromPkcs12(p12, 'wrong')).rejects.toThrow();
  });

  itWithTool('openssl', 'is readable by OpenSSL', async () => {
    const file = join(dir, 'leader.p12');
    await writeFile(file, await toPkcs12(leader, 'test-password'));
    const r = await run(OPENSSL, ['pkcs12', '-in', file, '-passin', 'pass:test-password', '-nodes', '-info']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('BEGIN PRIVATE KEY');
    expect(r.stdout).toContain('BEGIN CERTIFICATE');
  });
});

describe('CAdES detached', () => {
  itWithTool('openssl', 'verifies with OpenSSL against the test CA', async () => {
    const data = new TextEncoder().encode('Quyết định số 123/QĐ-BCT');
    for (const kc of [leader, organisation]) {
      const p7s = await signDetached(new KeySigner(kc), data);
      await writeFile(join(dir, 'data.bin'), data);
      await writeFile(join(dir, 'sig.p7s'), p7s);
      await writeFile(join(dir, 'ca.pem'), `-----BEGIN CERTIFICATE-----\n${Buffer.from(ca.certificate).toString('base64')}\n-----END CERTIFICATE-----\n`);
      const r = await run(OPENSSL, [
        'cms',
        '-verify',
        '-inform',
        'der',
        '-in',
        join(dir, 'sig.p7s'),
        '-content',
        join(dir, 'data.bin'),
        '-binary',
        '-CAfile',
        join(dir, 'ca.pem'),
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const p = await run(OPENSSL, ['cms', '-cmsout', '-print', '-inform', 'der', '-in', join(dir, 'sig.p7s')]);
      expect(p.stdout).toContain('signingCertificateV2');
      expect(p.stdout).toContain('messageDigest');
      expect(p.stdout).not.toContain('signingTime');
    }
  });
});

describe('PAdES', () => {
  let original: Uint8Array;
  let once: Uint8Array;
  let twice: Uint8Array;

  beforeAll(async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595.28, 841.89]);
    const font = await doc.embedFont(StandardFonts.Helvetica);
    page.drawText('QUYET DINH so 123/QD-BCT', { x: 60, y: 760, size: 16, font });
    page.drawText('Test document for digital signatures.', { x: 60, y: 730, size: 11, font });
    original = await doc.save();
    // The leader signs with a key loaded from a .p12 file, visibly; then the organisation's seal.
    const leaderSigner = await KeySigner.fromPkcs12(await toPkcs12(leader, 'test-password'), 'test-password');
    once = await signPdf(original, leaderSigner, {
      reason: 'Phê duyệt quyết định',
      location: 'Hà Nội',
      fieldName: 'Chữ ký lãnh đạo',
      visible: { page: 0, rect: [330, 80, 540, 140] },
    });
    twice = await signPdf(once, new KeySigner(organisation), { reason: 'Đóng dấu cơ quan', location: 'Hà Nội', fieldName: 'Con dấu' });
  });

  it('appends a revision, keeping the earlier bytes untouched', () => {
    expect(Buffer.from(once.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);
    const text = Buffer.from(twice).toString('latin1');
    expect(text.match(/\/SubFilter \/ETSI\.CAdES\.detached/g)).toHaveLength(2);
    expect(text).toMatch(/\/M \(D:\d{14}\+00'00'\)/);
  });

  it('produces signatures that verify (pkijs)', async () => {
    expect(await verifyWithPkijs(once)).toEqual([true]);
    expect(await verifyWithPkijs(twice)).toEqual([true, true]);
  });

  it('still opens in pdf-lib with both signature fields', async () => {
    const doc = await PDFDocument.load(twice);
    expect(
      doc
        .getForm()
        .getFields()
        .map((f) => f.getName()),
    ).toEqual(['Chữ ký lãnh đạo', 'Con dấu']);
  });

  describeWithTool('pdfsig', 'pdfsig (poppler)', () => {
    it('reports both signatures valid, the last covering the whole document, names intact', async () => {
      const file = join(dir, 'signed.pdf');
      await writeFile(file, twice);
      const r = await run(PDFSIG, [file]);
      const [first, second] = signatures(r.stdout);
      expect(first, r.stdout).toContain('Signature Validation: Signature is Valid.');
      expect(first).toContain('Signer Certificate Common Name: Hoàng Văn Thắng');
      expect(first).toContain('Signer full Distinguished Name: CN=Hoàng Văn Thắng');
      expect(first).toContain('Signature Field Name: Chữ ký lãnh đạo');
      expect(first).toContain('Signature Type: ETSI.CAdES.detached');
      expect(first).toContain('Signing Hash Algorithm: SHA-256');
      expect(first).toContain('Not total document signed');
      expect(second).toContain('Signature Validation: Signature is Valid.');
      expect(second).toContain('Signer Certificate Common Name: Bộ Công Thương');
      expect(second).toContain('Total document signed');
      expect(second).not.toContain('Not total document signed');
    });

    itWithTool('certutil', 'trusts the chain when the test CA is in the NSS database', async () => {
      const nss = join(dir, 'nss');
      await run('/bin/mkdir', ['-p', nss]);
      const caFile = join(dir, 'ca.der');
      await writeFile(caFile, ca.certificate);
      expect((await run(CERTUTIL, ['-N', '-d', `sql:${nss}`, '--empty-password'])).code).toBe(0);
      expect((await run(CERTUTIL, ['-A', '-d', `sql:${nss}`, '-n', 'congso-test-ca', '-t', 'CT,C,C', '-i', caFile])).code).toBe(0);
      const file = join(dir, 'signed.pdf');
      await writeFile(file, twice);
      const r = await run(PDFSIG, ['-nssdir', `sql:${nss}`, file]);
      const blocks = signatures(r.stdout);
      expect(blocks, r.stdout).toHaveLength(2);
      for (const b of blocks) {
        expect(b).toContain('Signature is Valid.');
        expect(b).toContain('Certificate Validation: Certificate is Trusted.');
      }
    });

    it('reports a signature invalid when a signed byte changes', async () => {
      // One byte inside the first revision (covered by both signatures) ...
      const tampered = Buffer.from(twice);
      const at = 7; // %PDF-1.7 → %PDF-1.6
      tampered[at] = tampered[at]! ^ 0x01;
      const file = join(dir, 'tampered.pdf');
      await writeFile(file, tampered);
      const r = await run(PDFSIG, [file]);
      const blocks = signatures(r.stdout);
      expect(blocks, r.stdout).toHaveLength(2);
      for (const b of blocks) {
        expect(b).not.toContain('Signature is Valid.');
        expect(b).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
      }
      // ... and one only in the second revision: the leader's signature stays valid.
      const late = Buffer.from(twice);
      const at2 = late.indexOf('/Reason', once.length) + 1;
      late[at2] = late[at2]! ^ 0x20; // /Reason → /reason
      await writeFile(file, late);
      const [first, second] = signatures((await run(PDFSIG, [file])).stdout);
      expect(first).toContain('Signature is Valid.');
      expect(second).not.toContain('Signature is Valid.');
    });
  });
});
